// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MSI-X table of a vfio-pci device: where it is, how many host vectors
 * back it, and keeping the host's hold on it.
 *
 * Linux 6.1 cannot add MSI-X vectors to a function once MSI-X is enabled,
 * so the first SET_IRQS of the MSI-X index allocates a host vector for
 * every table entry.  Vectors are then connected to eventfds (and freed)
 * one at a time as userspace asks, without tearing the others down.  Only
 * if the platform cannot back the whole table do we fall back to what was
 * asked for, as Linux does.
 *
 * The table sits in a BAR userspace can reach: read() and write() skip
 * it (rdwr.c) and mmap() leaves it out (mmap.c), using the location found
 * here.  The host reaches it only with memory decode on, which the user
 * may have turned off: msi.c brackets table accesses with
 * vfio_pci_memory_lock_and_enable().  A device reset behind our back may
 * wipe the table, so a vector's message is written again whenever the
 * vector is connected.
 */
#include <linux/bitfield.h>
#include <linux/msi.h>
#include <linux/pci.h>

#include "priv.h"

/**
 * vfio_pci_msix_probe - find the MSI-X table (device open)
 * @vdev: the device being opened
 */
void vfio_pci_msix_probe(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 flags;
	u32 table;

	vdev->msix_bar = VFIO_PCI_NO_MSIX;
	vdev->msix_offset = 0;
	vdev->msix_size = 0;

	if (!pdev->msix_cap ||
	    pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS,
				 &flags) ||
	    pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE,
				  &table))
		return;

	vdev->msix_bar = FIELD_GET(PCI_MSIX_TABLE_BIR, table);
	vdev->msix_offset = table & PCI_MSIX_TABLE_OFFSET;
	vdev->msix_size = (FIELD_GET(PCI_MSIX_FLAGS_QSIZE, flags) + 1) *
			  PCI_MSIX_ENTRY_SIZE;
}

/**
 * vfio_pci_msix_count - MSI-X table size
 * @vdev: an open device
 *
 * Return: the number of table entries, 0 without MSI-X.
 */
unsigned int vfio_pci_msix_count(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 flags;

	if (!pdev->msix_cap ||
	    pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags))
		return 0;
	return FIELD_GET(PCI_MSIX_FLAGS_QSIZE, flags) + 1;
}

/**
 * vfio_pci_msix_alloc - enable MSI-X with host vectors behind the table
 * @vdev: a device with no interrupt type in use; igate held
 * @want: vectors userspace needs right now (entries 0 to @want - 1)
 *
 * Tries for every table entry, so that later vectors can be connected
 * without re-enabling MSI-X; if the platform refuses, tries for @want.
 * Call with memory decode on (vfio_pci_memory_lock_and_enable()).
 *
 * Return: the number of vectors allocated, which may be below @want if
 * that is all the platform could give, or a negative errno.
 */
int vfio_pci_msix_alloc(struct vfio_pci_core_device *vdev, unsigned int want)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int table = vfio_pci_msix_count(vdev);
	int ret;

	lockdep_assert_held(&vdev->igate);

	if (want > table)
		return -EINVAL;

	ret = pci_alloc_irq_vectors(pdev, 1, table, PCI_IRQ_MSIX);
	if (ret < 0 && want < table) {
		pci_dbg(pdev, "cannot back all %u MSI-X entries (%d), trying %u\n",
			table, ret, want);
		ret = pci_alloc_irq_vectors(pdev, 1, want, PCI_IRQ_MSIX);
	}
	if (ret < 0)
		pci_info_ratelimited(pdev, "cannot enable %u MSI-X vectors: %d\n",
				     want, ret);
	return ret;
}

/**
 * vfio_pci_msix_vector_prepare - rewrite a vector's message into the table
 * @irq: the host interrupt of the vector
 *
 * A reset the host did not see (a device-specific one, say) may have
 * cleared the table; userspace cannot repair it, as it has no access to
 * the table.  Call before the vector is requested, with decode on.
 */
void vfio_pci_msix_vector_prepare(int irq)
{
	struct msi_msg msg;

	get_cached_msi_msg(irq, &msg);
	pci_write_msi_msg(irq, &msg);
}
