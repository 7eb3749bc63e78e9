/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-pci-core: the library that exposes a PCI function through VFIO.
 *
 * A PCI driver (vfio-pci itself, or a vendor "variant" driver) embeds
 * struct vfio_pci_core_device in its own per-device structure, fills a
 * struct vfio_device_ops mostly with the vfio_pci_core_* helpers below and
 * drives the life cycle from its probe() and remove():
 *
 *	probe:	vfio_pci_core_init_device(), dev_set_drvdata() to the
 *		vfio_pci_core_device, vfio_pci_core_register_device()
 *	remove:	vfio_pci_core_unregister_device(), vfio_pci_core_uninit_device()
 *
 * Its pci_driver may use vfio_pci_core_err_handlers and call
 * vfio_pci_core_sriov_configure() from its sriov_configure callback; its
 * device_feature op is vfio_pci_core_ioctl_feature() or falls back to it.
 * The library installs its own runtime PM callbacks on the driver.
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
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vfio.h>

#define VFIO_PCI_OFFSET_SHIFT		40
#define VFIO_PCI_OFFSET_TO_INDEX(off)	((u64)(off) >> VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_OFFSET_MASK		(((u64)1 << VFIO_PCI_OFFSET_SHIFT) - 1)

struct eventfd_ctx;
struct inode;
struct pci_saved_state;
struct vfio_pci_cfg_seg;
struct vfio_pci_irq_ctx;
struct vfio_pci_vf_token;
struct vfsmount;

/* vfio_pci_core_device.msix_bar of a function without MSI-X */
#define VFIO_PCI_NO_MSIX		0xff

/*
 * Set by vfio-pci's nointxmask parameter: do not mask INTx at the device
 * (PCI 2.3 INTx Disable), mask the interrupt line instead, which needs it
 * exclusive.  Read each time a device is opened.
 */
extern bool vfio_pci_core_nointxmask;

/*
 * Set by vfio-pci's disable_vga parameter (x86): offer no VGA region, and
 * tell the VGA arbiter a device behind a bridge does not decode legacy
 * VGA when it is the only one there.  Read whenever the VGA region or
 * the arbiter's decode is decided.
 */
extern bool vfio_pci_core_disable_vga;
/* Legacy VGA access is offered where Linux offers it (CONFIG_VFIO_PCI_VGA) */
#define VFIO_PCI_CORE_VGA	(IS_ENABLED(CONFIG_X86) && IS_ENABLED(CONFIG_VGA_ARB))

/*
 * Set by vfio-pci when it loads, from its disable_idle_d3 parameter: keep
 * registered functions nobody has open in D0 instead of runtime suspending
 * them (to D3hot where they can).  Read when a function is registered.
 */
extern bool vfio_pci_core_disable_idle_d3;

/**
 * struct vfio_pci_core_device - a PCI function exposed through VFIO
 * @vdev: the VFIO core's part; every vfio_device_ops callback receives it
 *	  and gets back here with container_of()
 * @pdev: the PCI function
 *
 * @barmap_lock: serializes creating the BAR mappings below and the inode
 *	  behind user mappings (mmap.c)
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
 * @cfg_virt: (config space) per byte of config space, its virtual bits,
 *	  from the segments' tables; built on open, constant until close
 * @cfg_write: likewise, the bits userspace may write
 * @cfg_map: likewise, the index in @cfg_segs of the segment holding the
 *	  byte, or VFIO_PCI_CFG_GAP
 * @bardirty: a BAR was written; the sizing mask must be reapplied to
 *	  @vconfig before BARs are read back
 *
 * @igate: serializes interrupt configuration; protects @irq_type, @ctx,
 *	  @num_ctx, and changes to @err_trigger and @req_trigger
 * @irqlock: protects the INTx masked state against the interrupt handler,
 *	  and @virq_disabled
 * @irq_type: the VFIO_PCI_*_IRQ_INDEX in use, or VFIO_PCI_NUM_IRQS
 * @ctx: per-vector state of the interrupt type in use
 * @num_ctx: entries in @ctx
 * @virq_disabled: userspace set INTx Disable in the (virtual) command
 *	  register
 * @err_trigger: eventfd signalled on AER errors (VFIO_PCI_ERR_IRQ_INDEX);
 *	  read under RCU, since AER recovery calls us holding pci_bus_sem,
 *	  which igate must not nest inside
 * @req_trigger: eventfd signalled when the host wants the device back
 *	  (VFIO_PCI_REQ_IRQ_INDEX); read under RCU, as @err_trigger
 * @msix_bar: BAR holding the MSI-X table, or VFIO_PCI_NO_MSIX; set on open
 * @msix_offset: offset of the MSI-X table in @msix_bar; set on open
 * @msix_size: size of the MSI-X table in bytes; set on open
 * @nointx: INTx masking is known broken: INTx is hidden from the user and
 *	  kept disabled at the device; set on open
 *
 * @memory_lock: (config space and regions) guards the memory decode
 *	  state of the function against BAR accesses: held for read by BAR
 *	  read/write and by the mmap fault handler, which fail (-EIO, SIGBUS)
 *	  unless decode is on, and for write, with every BAR mapping zapped,
 *	  while decode goes off: Memory Space Enable cleared, a move to D3,
 *	  a reset.  Nests inside @config_lock and @igate; never held while
 *	  touching user memory.  Taken on devices of a reset set that are not
 *	  open too, so it lives from init to uninit.
 * @user_mem_enable: Memory Space Enable as userspace last wrote it;
 *	  written under @memory_lock (write), read under it
 * @user_io_enable: I/O Space Enable likewise
 * @rbar: BARs 0-5 and the ROM BAR as the host assigned them, read on
 *	  open, to put back if a reset the host did not see cleared them
 * @pm_save: config state kept over a move to D3hot of a function that
 *	  loses it there (No_Soft_Reset clear); under @memory_lock
 * @msix_pba_bar: BAR holding the MSI-X PBA, or VFIO_PCI_NO_MSIX; set on
 *	  open
 * @msix_pba_offset: offset of the PBA in @msix_pba_bar; set on open
 * @msix_pba_size: size of the PBA in bytes; set on open
 * @map_mnt: private mount whose inode's address space links every user
 *	  mapping of the BARs, so they can be zapped at once; created on
 *	  first mmap (under @barmap_lock), released on close
 * @map_inode: that inode; published with release semantics
 *
 * @pci_saved_state: config state saved on open, restored on close
 * @pci_2_3: the function supports INTx masking (PCI 2.3); set on open
 * @has_intx: the function has a usable INTx pin; set on open
 * @reset_works: a function reset succeeded on open, so VFIO_DEVICE_RESET
 *	  is offered
 * @needs_reset: the function was used and could not be reset on close;
 *	  protected by vdev.dev_set->lock
 *
 * @reset_err: what the function reset tried on open returned, to tell the
 *	  user why VFIO_DEVICE_RESET is not offered; set on open
 * @disable_idle_d3: never runtime suspended while unused (the parameter
 *	  as it was on register)
 * @needs_pm_restore: the function loses its config state in D3hot
 *	  (No_Soft_Reset clear); set on register
 * @pm_runtime_engaged: the user gave its runtime PM reference back (low
 *	  power feature); under @memory_lock
 * @pm_intx_masked: runtime suspend masked INTx, resume unmasks it
 * @pm_wake_trigger: eventfd signalled when a low power state with wakeup
 *	  ends; under @memory_lock
 * @sriov_active: a PF with VFs created through us: it stays in D0
 * @sriov_counted: this open VF counts among its PF's token users
 * @vf_token: a PF's VF token; allocated on register
 * @sriov_pf: a VF's PF, when the PF created it through vfio-pci; set on
 *	  register
 * @sriov_pfs_item: a PF's link in the list of PFs with VFs (sriov.c)
 * @sriov_nb: a PF's PCI bus notifier, catching its VFs as they appear
 * @debugfs: the function's folder under /sys/kernel/debug/vfio-pci
 *
 * Fields set on open are constant until close.  Between open and close
 * the VFIO core guarantees the device is open and no open/close runs.
 */
struct vfio_pci_core_device {
	struct vfio_device		vdev;
	struct pci_dev			*pdev;

	struct mutex			barmap_lock;	/* @barmap, map inode */
	void __iomem			*barmap[PCI_STD_NUM_BARS];
	bool				bar_mmap_supported[PCI_STD_NUM_BARS];

	struct mutex			config_lock;	/* @vconfig, @bardirty */
	u8				*vconfig;
	struct vfio_pci_cfg_seg		*cfg_segs;
	unsigned int			num_cfg_segs;
	u8				*cfg_virt;	/* config space */
	u8				*cfg_write;
	u16				*cfg_map;
	bool				bardirty;

	struct mutex			igate;		/* interrupt set-up */
	spinlock_t			irqlock;	/* INTx masked state */
	int				irq_type;
	struct vfio_pci_irq_ctx		*ctx;
	unsigned int			num_ctx;
	bool				virq_disabled;
	struct eventfd_ctx __rcu	*err_trigger;
	struct eventfd_ctx __rcu	*req_trigger;
	/* interrupts (intrs.c, msix.c): MSI-X table location, INTx quirk */
	u8				msix_bar;
	u32				msix_offset;
	u32				msix_size;
	bool				nointx;

	/* config space and regions (config*.c, rdwr.c, mmap.c, vga.c) */
	struct rw_semaphore		memory_lock;	/* decode vs BAR access */
	bool				user_mem_enable;
	bool				user_io_enable;
	u32				rbar[PCI_STD_NUM_BARS + 1];
	struct pci_saved_state		*pm_save;
	u8				msix_pba_bar;
	u32				msix_pba_offset;
	u32				msix_pba_size;
	struct vfsmount			*map_mnt;
	struct inode			*map_inode;

	struct pci_saved_state		*pci_saved_state;
	bool				pci_2_3;
	bool				has_intx;
	bool				reset_works;
	bool				needs_reset;

	/* reset, power management, SR-IOV (reset.c, power.c, sriov.c) */
	int				reset_err;
	bool				disable_idle_d3;
	bool				needs_pm_restore;
	bool				pm_runtime_engaged;
	bool				pm_intx_masked;
	struct eventfd_ctx		*pm_wake_trigger;
	bool				sriov_active;
	bool				sriov_counted;
	struct vfio_pci_vf_token	*vf_token;
	struct vfio_pci_core_device	*sriov_pf;
	struct list_head		sriov_pfs_item;
	struct dentry			*debugfs;	/* debugfs.c */
	struct notifier_block		sriov_nb;
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

/* reset, power management, SR-IOV */
int vfio_pci_core_ioctl_feature(struct vfio_device *core_vdev, u32 flags,
				void __user *arg, size_t argsz);
int vfio_pci_core_sriov_configure(struct vfio_pci_core_device *vdev,
				  int nr_virtfn);
extern const struct pci_error_handlers vfio_pci_core_err_handlers;

#endif /* VFIO_PCI_CORE_H */
