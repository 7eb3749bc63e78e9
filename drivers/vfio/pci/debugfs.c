// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs view of vfio-pci-core's devices, for people and for the
 * selftests.  One folder per registered function:
 *
 *   /sys/kernel/debug/vfio-pci/<BDF>/irqs
 *	first line "type=<none|intx|msi|msix> vectors=<n>", then one line per
 *	vector that has an eventfd: "<vector> irq=<host irq>" and, for MSI and
 *	MSI-X, "bypass=<off|offered|connected>": off when no irq bypass
 *	producer could be registered, offered while it waits for a consumer,
 *	connected while one (KVM's irqfd on the same eventfd) holds it, so the
 *	vector can be posted to the guest without the eventfd.
 *
 * Nothing here is ABI: fields may be added at the end of a line.
 */
#include <linux/debugfs.h>
#include <linux/pci.h>
#include <linux/seq_file.h>

#include "priv.h"

static struct dentry *vfio_pci_debugfs_root;

static const char * const vfio_pci_irq_type_name[] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = "intx",
	[VFIO_PCI_MSI_IRQ_INDEX] = "msi",
	[VFIO_PCI_MSIX_IRQ_INDEX] = "msix",
	[VFIO_PCI_ERR_IRQ_INDEX] = "err",
	[VFIO_PCI_REQ_IRQ_INDEX] = "req",
	[VFIO_PCI_NUM_IRQS] = "none",
};

static const char *vfio_pci_bypass_state(struct vfio_pci_irq_ctx *ctx)
{
	if (!ctx->producer.token)
		return "off";
	return READ_ONCE(ctx->bypass_connected) ? "connected" : "offered";
}

static int vfio_pci_debugfs_irqs_show(struct seq_file *s, void *unused)
{
	struct vfio_pci_core_device *vdev = s->private;
	struct vfio_pci_irq_ctx *ctx;
	bool msi;
	unsigned int i;

	mutex_lock(&vdev->igate);
	seq_printf(s, "type=%s vectors=%u\n",
		   vfio_pci_irq_type_name[vdev->irq_type], vdev->num_ctx);
	msi = vfio_pci_irq_is(vdev, VFIO_PCI_MSI_IRQ_INDEX) ||
	      vfio_pci_irq_is(vdev, VFIO_PCI_MSIX_IRQ_INDEX);
	for (i = 0; i < vdev->num_ctx; i++) {
		ctx = &vdev->ctx[i];
		if (!vfio_pci_ctx_trigger(vdev, ctx))
			continue;
		seq_printf(s, "%u irq=%d", i,
			   msi ? pci_irq_vector(vdev->pdev, i) : vdev->pdev->irq);
		if (msi)
			seq_printf(s, " bypass=%s", vfio_pci_bypass_state(ctx));
		seq_putc(s, '\n');
	}
	mutex_unlock(&vdev->igate);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfio_pci_debugfs_irqs);

/**
 * vfio_pci_debugfs_add - give a newly registered function its folder
 * @vdev: the function
 *
 * Failures are ignored, as debugfs wants: the folder is a diagnostic.
 */
void vfio_pci_debugfs_add(struct vfio_pci_core_device *vdev)
{
	vdev->debugfs = debugfs_create_dir(pci_name(vdev->pdev),
					   vfio_pci_debugfs_root);
	debugfs_create_file("irqs", 0400, vdev->debugfs, vdev,
			    &vfio_pci_debugfs_irqs_fops);
}

/**
 * vfio_pci_debugfs_remove - remove a function's folder before unregistering
 * @vdev: the function
 *
 * Waits for readers of its files to finish.
 */
void vfio_pci_debugfs_remove(struct vfio_pci_core_device *vdev)
{
	debugfs_remove_recursive(vdev->debugfs);
	vdev->debugfs = NULL;
}

void vfio_pci_debugfs_init(void)
{
	vfio_pci_debugfs_root = debugfs_create_dir("vfio-pci", NULL);
}

void vfio_pci_debugfs_exit(void)
{
	debugfs_remove_recursive(vfio_pci_debugfs_root);
}
