/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-pci-core: the library that exposes a PCI function through VFIO.
 *
 * A PCI driver (vfio-pci itself, or a vendor "variant" driver) embeds
 * struct vfio_pci_core_device in its own per-device structure, fills a
 * struct vfio_device_ops mostly with the vfio_pci_core_* helpers below and
 * drives the life cycle from its probe() and remove():
 *
 *	probe:	vfio_pci_core_init_device(), vfio_pci_core_register_device()
 *	remove:	vfio_pci_core_unregister_device(), vfio_pci_core_uninit_device()
 *
 * Its open_device op calls vfio_pci_core_enable(), may add what it needs,
 * then calls vfio_pci_core_finish_enable(); its close_device op is
 * vfio_pci_core_close_device() or calls vfio_pci_core_disable().
 *
 * The device fd is split into regions, one per VFIO_PCI_*_REGION_INDEX,
 * each at file offset index << VFIO_PCI_OFFSET_SHIFT.
 */
#ifndef VFIO_PCI_CORE_H
#define VFIO_PCI_CORE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vfio.h>

#define VFIO_PCI_OFFSET_SHIFT		40
#define VFIO_PCI_OFFSET_TO_INDEX(off)	((u64)(off) >> VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_OFFSET_MASK		(((u64)1 << VFIO_PCI_OFFSET_SHIFT) - 1)

struct eventfd_ctx;
struct pci_saved_state;
struct vfio_pci_cfg_seg;
struct vfio_pci_irq_ctx;

/**
 * struct vfio_pci_core_device - a PCI function exposed through VFIO
 * @vdev: the VFIO core's part; every vfio_device_ops callback receives it
 *	  and gets back here with container_of()
 * @pdev: the PCI function
 *
 * @barmap_lock: serializes creating the BAR mappings below and mapping the
 *	  expansion ROM
 * @barmap: kernel mappings of BARs 0-5, created on first read/write/mmap
 *	  and torn down when the device is closed.  Written under
 *	  @barmap_lock, read locklessly with acquire semantics.
 * @bar_mmap_supported: which BARs userspace may mmap; set on open
 *
 * @config_lock: protects @vconfig and @bardirty, and serializes config
 *	  space accesses of userspace
 * @vconfig: userspace's view of the virtualized config space bytes
 *	  (pdev->cfg_size of them); allocated on open
 * @cfg_segs: the ranges of config space with their permission tables,
 *	  sorted by offset; built on open, constant until close
 * @num_cfg_segs: entries in @cfg_segs
 * @bardirty: a BAR was written; the sizing mask must be reapplied to
 *	  @vconfig before BARs are read back
 *
 * @igate: serializes interrupt configuration; protects @irq_type, @ctx,
 *	  @num_ctx, @err_trigger and @req_trigger
 * @irqlock: protects the INTx masked state against the interrupt handler,
 *	  and @virq_disabled
 * @irq_type: the VFIO_PCI_*_IRQ_INDEX in use, or VFIO_PCI_NUM_IRQS
 * @ctx: per-vector state of the interrupt type in use
 * @num_ctx: entries in @ctx
 * @virq_disabled: userspace set INTx Disable in the (virtual) command
 *	  register
 * @err_trigger: eventfd signalled on AER errors (VFIO_PCI_ERR_IRQ_INDEX)
 * @req_trigger: eventfd signalled when the host wants the device back
 *	  (VFIO_PCI_REQ_IRQ_INDEX)
 *
 * @vma_lock: protects @vma_list
 * @vma_list: user mappings of BARs that have pages mapped in, so they can
 *	  be zapped when memory decode goes away
 *
 * @pci_saved_state: config state saved on open, restored on close
 * @pci_2_3: the function supports INTx masking (PCI 2.3); set on open
 * @has_intx: the function has a usable INTx pin; set on open
 * @reset_works: a function reset succeeded on open, so VFIO_DEVICE_RESET
 *	  is offered
 * @needs_reset: the function was used and could not be reset on close;
 *	  protected by vdev.dev_set->lock
 *
 * Fields set on open are constant until close.  Between open and close
 * the VFIO core guarantees the device is open and no open/close runs.
 */
struct vfio_pci_core_device {
	struct vfio_device		vdev;
	struct pci_dev			*pdev;

	struct mutex			barmap_lock;	/* @barmap setup, ROM mapping */
	void __iomem			*barmap[PCI_STD_NUM_BARS];
	bool				bar_mmap_supported[PCI_STD_NUM_BARS];

	struct mutex			config_lock;	/* @vconfig, @bardirty */
	u8				*vconfig;
	struct vfio_pci_cfg_seg		*cfg_segs;
	unsigned int			num_cfg_segs;
	bool				bardirty;

	struct mutex			igate;		/* interrupt set-up */
	spinlock_t			irqlock;	/* INTx masked state */
	int				irq_type;
	struct vfio_pci_irq_ctx		*ctx;
	unsigned int			num_ctx;
	bool				virq_disabled;
	struct eventfd_ctx		*err_trigger;
	struct eventfd_ctx		*req_trigger;

	struct mutex			vma_lock;	/* @vma_list */
	struct list_head		vma_list;

	struct pci_saved_state		*pci_saved_state;
	bool				pci_2_3;
	bool				has_intx;
	bool				reset_works;
	bool				needs_reset;
};

void vfio_pci_core_init_device(struct vfio_pci_core_device *vdev,
			       struct pci_dev *pdev,
			       const struct vfio_device_ops *ops);
void vfio_pci_core_uninit_device(struct vfio_pci_core_device *vdev);
int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev);
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev);

int vfio_pci_core_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_disable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_close_device(struct vfio_device *core_vdev);

long vfio_pci_core_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg);
ssize_t vfio_pci_core_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos);
ssize_t vfio_pci_core_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count, loff_t *ppos);
int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma);
void vfio_pci_core_request(struct vfio_device *core_vdev, unsigned int count);
int vfio_pci_core_match(struct vfio_device *core_vdev, char *buf);

pci_ers_result_t vfio_pci_core_aer_err_detected(struct vfio_pci_core_device *vdev,
						pci_channel_state_t state);

#endif /* VFIO_PCI_CORE_H */
