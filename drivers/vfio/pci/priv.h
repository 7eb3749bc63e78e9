/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interfaces between the files of vfio-pci-core.  Not for variant drivers:
 * they use <linux/vfio_pci_core.h>.
 *
 *	core.c		life cycle: init/register, open (enable)/close (disable),
 *			device name matching
 *	ioctl.c		VFIO_DEVICE_* ioctls, table-driven
 *	rdwr.c		read()/write() dispatch, BAR and ROM access
 *	config.c	config space virtualization engine
 *	config_perm.c	config space permission tables and hooks
 *	mmap.c		mmap() of BARs
 *	intrs.c		interrupt set-up dispatch, MSI, error and request
 *	intx.c		INTx
 */
#ifndef VFIO_PCI_PRIV_H
#define VFIO_PCI_PRIV_H

#include <linux/irqbypass.h>
#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <linux/vfio_pci_core.h>

static inline struct vfio_pci_core_device *
to_vfio_pci(struct vfio_device *core_vdev)
{
	return container_of(core_vdev, struct vfio_pci_core_device, vdev);
}

/**
 * struct vfio_pci_irq_ctx - one interrupt vector handed to userspace
 * @trigger: eventfd signalled when the vector fires.  Written under igate;
 *	     for INTx also read under RCU by the signalling paths.
 * @unmask: INTx only: virqfd unmasking the line when its eventfd fires
 * @mask: INTx only: virqfd masking the line (not offered yet)
 * @name: name given to request_irq()
 * @masked: INTx only: the line is masked; protected by irqlock
 * @producer: MSI only: irq bypass producer, so KVM can post the vector
 *	      straight to a guest; registered when @producer.token is set
 */
struct vfio_pci_irq_ctx {
	struct eventfd_ctx __rcu	*trigger;
	struct virqfd			*unmask;
	struct virqfd			*mask;
	char				*name;
	bool				masked;
	struct irq_bypass_producer	producer;
};

/* Interrupt type in use, under igate */
static inline bool vfio_pci_irq_is(struct vfio_pci_core_device *vdev,
				   unsigned int index)
{
	return vdev->irq_type == index;
}

static inline bool vfio_pci_irq_none(struct vfio_pci_core_device *vdev)
{
	return vdev->irq_type == VFIO_PCI_NUM_IRQS;
}

static inline struct eventfd_ctx *
vfio_pci_ctx_trigger(struct vfio_pci_core_device *vdev,
		     struct vfio_pci_irq_ctx *ctx)
{
	return rcu_dereference_protected(ctx->trigger,
					 lockdep_is_held(&vdev->igate));
}

/* SET_IRQS with DATA_NONE, or DATA_BOOL whose first byte is true: act */
static inline bool vfio_pci_irq_data_true(u32 flags, const void *data)
{
	if (flags & VFIO_IRQ_SET_DATA_NONE)
		return true;
	return (flags & VFIO_IRQ_SET_DATA_BOOL) && *(const u8 *)data;
}

/* rdwr.c */
int vfio_pci_bar_map(struct vfio_pci_core_device *vdev, unsigned int bar);
void vfio_pci_bars_unmap(struct vfio_pci_core_device *vdev);
bool vfio_pci_rom_present(struct vfio_pci_core_device *vdev);

/* config.c */
int vfio_pci_config_init(struct vfio_pci_core_device *vdev);
void vfio_pci_config_free(struct vfio_pci_core_device *vdev);
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   unsigned int index, char __user *buf,
			   size_t count, u64 off, bool iswrite);

/* mmap.c */
void vfio_pci_mmap_probe(struct vfio_pci_core_device *vdev);

/* intrs.c */
unsigned int vfio_pci_irq_count(struct vfio_pci_core_device *vdev,
				unsigned int index);
int vfio_pci_set_irqs(struct vfio_pci_core_device *vdev,
		      const struct vfio_irq_set *hdr, void *data);
void vfio_pci_irqs_release(struct vfio_pci_core_device *vdev);
unsigned int vfio_pci_msi_enabled_vectors(struct vfio_pci_core_device *vdev);

/* intx.c: SET_IRQS handlers for VFIO_PCI_INTX_IRQ_INDEX, under igate */
int vfio_pci_set_intx_mask(struct vfio_pci_core_device *vdev,
			   unsigned int index, unsigned int start,
			   unsigned int count, u32 flags, void *data);
int vfio_pci_set_intx_unmask(struct vfio_pci_core_device *vdev,
			     unsigned int index, unsigned int start,
			     unsigned int count, u32 flags, void *data);
int vfio_pci_set_intx_trigger(struct vfio_pci_core_device *vdev,
			      unsigned int index, unsigned int start,
			      unsigned int count, u32 flags, void *data);
void vfio_pci_intx_disable(struct vfio_pci_core_device *vdev);
void vfio_pci_intx_virt_disable(struct vfio_pci_core_device *vdev,
				bool disable);

#endif /* VFIO_PCI_PRIV_H */
