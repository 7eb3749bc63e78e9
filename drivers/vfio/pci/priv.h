/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interfaces between the files of vfio-pci-core.  Not for variant drivers:
 * they use <linux/vfio_pci_core.h>.
 *
 *	core.c		life cycle: init/register, open (enable)/close (disable),
 *			device name matching
 *	ioctl.c		VFIO_DEVICE_* ioctls, table-driven
 *	rdwr.c		read()/write() dispatch, BAR and ROM access
 *	regions.c	VFIO_DEVICE_GET_REGION_INFO and its capabilities
 *	config.c	config space virtualization engine
 *	config_perm.c	config space: the standard header
 *	config_caps.c	config space: capabilities
 *	config_ecaps.c	config space: extended capabilities
 *	mmap.c		mmap() of BARs, memory decode tracking
 *	vga.c		legacy VGA region, VGA arbiter client
 *	intrs.c		interrupt set-up dispatch, counts, error and request
 *	intx.c		INTx
 *	msi.c		MSI and MSI-X vectors relayed to eventfds
 *	msix.c		MSI-X table: location, size, host vectors behind it
 *	reset.c		function reset, hot (slot/bus) reset, device sets
 *	power.c		runtime PM, low power features, power state changes
 *	sriov.c		SR-IOV: VF creation, VF token
 *	debugfs.c	/sys/kernel/debug/vfio-pci: per-device interrupt state
 */
#ifndef VFIO_PCI_PRIV_H
#define VFIO_PCI_PRIV_H

#include <linux/irqbypass.h>
#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <linux/uuid.h>
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
 * @bypass_connected: MSI only: a consumer (KVM's irqfd on the same eventfd)
 *	      holds @producer; set and cleared by the irqbypass callbacks,
 *	      under the irqbypass manager's lock, read with READ_ONCE()
 */
struct vfio_pci_irq_ctx {
	struct eventfd_ctx __rcu	*trigger;
	struct virqfd			*unmask;
	struct virqfd			*mask;
	char				*name;
	bool				masked;
	struct irq_bypass_producer	producer;
	bool				bypass_connected;
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

/* An eventfd slot read under RCU by signalling paths; igate held */
static inline struct eventfd_ctx *
vfio_pci_trigger_get(struct vfio_pci_core_device *vdev,
		     struct eventfd_ctx __rcu **slot)
{
	return rcu_dereference_protected(*slot, lockdep_is_held(&vdev->igate));
}

static inline struct eventfd_ctx *
vfio_pci_ctx_trigger(struct vfio_pci_core_device *vdev,
		     struct vfio_pci_irq_ctx *ctx)
{
	return vfio_pci_trigger_get(vdev, &ctx->trigger);
}

/* intrs.c: replace the eventfd in @slot (NULL: remove it); igate held */
void vfio_pci_trigger_set(struct vfio_pci_core_device *vdev,
			  struct eventfd_ctx __rcu **slot,
			  struct eventfd_ctx *trigger);
/* intrs.c: signal the eventfd in @slot, if any; any context */
bool vfio_pci_trigger_signal(struct eventfd_ctx __rcu **slot);

/* SET_IRQS with DATA_NONE, or DATA_BOOL whose first byte is true: act */
static inline bool vfio_pci_irq_data_true(u32 flags, const void *data)
{
	if (flags & VFIO_IRQ_SET_DATA_NONE)
		return true;
	return (flags & VFIO_IRQ_SET_DATA_BOOL) && *(const u8 *)data;
}

/* --- config space and regions (config*.c, rdwr.c, regions.c, mmap.c, vga.c) --- */

/* rdwr.c */
int vfio_pci_bar_map(struct vfio_pci_core_device *vdev, unsigned int bar);
/* Close: drops the BAR mappings and the private mapping inode (mmap.c) */
void vfio_pci_bars_unmap(struct vfio_pci_core_device *vdev);
u64 vfio_pci_rom_size(struct vfio_pci_core_device *vdev);
/* Move @n bytes between @kbuf and @io in accesses of at most @max bytes */
int vfio_pci_copy_in(u8 *kbuf, const char __user *ubuf, size_t n);
int vfio_pci_copy_out(char __user *ubuf, const u8 *kbuf, size_t n);
void vfio_pci_iomem_rw(void __iomem *io, u8 *kbuf, size_t n, size_t max,
		       bool iswrite);

/* regions.c: VFIO_DEVICE_GET_REGION_INFO; @uarg is the user's structure */
int vfio_pci_region_info(struct vfio_pci_core_device *vdev,
			 struct vfio_region_info *info, void __user *uarg);

/* config.c */
int vfio_pci_config_init(struct vfio_pci_core_device *vdev);
void vfio_pci_config_free(struct vfio_pci_core_device *vdev);
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   unsigned int index, char __user *buf,
			   size_t count, u64 off, bool iswrite);

/*
 * mmap.c.  Open: which BARs may be mapped, where the MSI-X PBA is.
 *
 * Memory decode (CVE-2020-12888): anything turning decode off (Memory
 * Space Enable, D3, a reset) calls vfio_pci_zap_and_down_write_memory_lock()
 * first and up_write(&vdev->memory_lock) after; BAR accesses and faults
 * check vfio_pci_memory_enabled() under down_read().  Host code that needs
 * decode on for a moment (ROM, MSI-X table set-up) brackets itself with
 * vfio_pci_memory_lock_and_enable() and vfio_pci_memory_unlock_and_restore().
 */
void vfio_pci_mmap_probe(struct vfio_pci_core_device *vdev);
void vfio_pci_mmap_close(struct vfio_pci_core_device *vdev);
void vfio_pci_zap_and_down_write_memory_lock(struct vfio_pci_core_device *vdev);
u16 vfio_pci_memory_lock_and_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_memory_unlock_and_restore(struct vfio_pci_core_device *vdev,
					u16 cmd);
/* Page-aligned ranges of @bar that may not be mapped (MSI-X table, PBA) */
unsigned int vfio_pci_mmap_holes(struct vfio_pci_core_device *vdev,
				 unsigned int bar, u64 start[2], u64 end[2]);

/*
 * May userspace reach the memory BARs now?  memory_lock held.  True if
 * the function decodes memory: Memory Space Enable set as far as userspace
 * knows (functions without the bit always decode) and in D0 to D2 (an
 * unknown or error state does not decode).  Inline: every BAR read() and
 * write() asks.
 */
static inline bool vfio_pci_memory_enabled(struct vfio_pci_core_device *vdev)
{
	pci_power_t state = vdev->pdev->current_state;

	lockdep_assert_held(&vdev->memory_lock);

	if (state != PCI_D0 && state != PCI_D1 && state != PCI_D2)
		return false;
	return vdev->pdev->no_command_memory || vdev->user_mem_enable;
}

/* vga.c */
bool vfio_pci_vga_present(struct vfio_pci_core_device *vdev);
ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev,
			unsigned int index, char __user *buf,
			size_t count, u64 off, bool iswrite);
int vfio_pci_vga_register(struct vfio_pci_core_device *vdev);
void vfio_pci_vga_unregister(struct vfio_pci_core_device *vdev);

/* --- end of config space and regions --- */

/* --- debugfs.c --- */
void vfio_pci_debugfs_init(void);
void vfio_pci_debugfs_exit(void);
void vfio_pci_debugfs_add(struct vfio_pci_core_device *vdev);
void vfio_pci_debugfs_remove(struct vfio_pci_core_device *vdev);

/* --- interrupts (intrs.c, intx.c, msi.c, msix.c) --- */

/* intrs.c */
void vfio_pci_irqs_probe(struct vfio_pci_core_device *vdev);
unsigned int vfio_pci_irq_count(struct vfio_pci_core_device *vdev,
				unsigned int index);
int vfio_pci_set_irqs(struct vfio_pci_core_device *vdev,
		      const struct vfio_irq_set *hdr, void *data);
void vfio_pci_irqs_release(struct vfio_pci_core_device *vdev);

/* msi.c: for config space, and the SET_IRQS handler of MSI and MSI-X */
unsigned int vfio_pci_msi_enabled_vectors(struct vfio_pci_core_device *vdev);
bool vfio_pci_msix_enabled(struct vfio_pci_core_device *vdev);
int vfio_pci_set_msi_trigger(struct vfio_pci_core_device *vdev,
			     unsigned int index, unsigned int start,
			     unsigned int count, u32 flags, void *data);
void vfio_pci_msi_disable(struct vfio_pci_core_device *vdev);

/* msix.c */
void vfio_pci_msix_probe(struct vfio_pci_core_device *vdev);
unsigned int vfio_pci_msix_count(struct vfio_pci_core_device *vdev);
int vfio_pci_msix_alloc(struct vfio_pci_core_device *vdev,
			unsigned int want);
void vfio_pci_msix_vector_prepare(int irq);

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
void vfio_pci_intx_probe(struct vfio_pci_core_device *vdev);

/* --- end of interrupts --- */

/* --- reset, power management, SR-IOV (reset.c, power.c, sriov.c) --- */

/* reset.c */
int vfio_pci_dev_set_assign(struct vfio_pci_core_device *vdev);
void vfio_pci_dev_set_try_reset(struct vfio_device_set *dev_set);
int vfio_pci_reset_function(struct vfio_pci_core_device *vdev);
int vfio_pci_hot_reset_info(struct vfio_pci_core_device *vdev,
			    struct vfio_pci_hot_reset_info *hdr,
			    void __user *uarg);
int vfio_pci_hot_reset(struct vfio_pci_core_device *vdev,
		       struct vfio_pci_hot_reset *hdr, void __user *uarg);

/*
 * power.c.  vfio_pci_set_power_state() is for every power state change
 * of a registered function (PM control register writes included); below
 * D0 it needs memory_lock held for write, with the BARs zapped.
 */
int vfio_pci_set_power_state(struct vfio_pci_core_device *vdev,
			     pci_power_t state);
int vfio_pci_sriov_power_up(struct vfio_pci_core_device *vdev);
void vfio_pci_pm_register(struct vfio_pci_core_device *vdev);
void vfio_pci_pm_unregister(struct vfio_pci_core_device *vdev);
int vfio_pci_pm_open(struct vfio_pci_core_device *vdev);
void vfio_pci_pm_close_begin(struct vfio_pci_core_device *vdev);
void vfio_pci_pm_close_end(struct vfio_pci_core_device *vdev);
/* Around each read()/write(): the device is resumed meanwhile */
int vfio_pci_access_begin(struct vfio_pci_core_device *vdev);
void vfio_pci_access_end(struct vfio_pci_core_device *vdev);
int vfio_pci_feature_low_power_entry(struct vfio_pci_core_device *vdev,
				     u32 flags, void __user *arg,
				     size_t argsz);
int vfio_pci_feature_low_power_wakeup(struct vfio_pci_core_device *vdev,
				      u32 flags, void __user *arg,
				      size_t argsz);
int vfio_pci_feature_low_power_exit(struct vfio_pci_core_device *vdev,
				    u32 flags, void __user *arg, size_t argsz);

/* sriov.c */
int vfio_pci_sriov_register(struct vfio_pci_core_device *vdev);
void vfio_pci_sriov_unregister(struct vfio_pci_core_device *vdev);
void vfio_pci_sriov_open(struct vfio_pci_core_device *vdev);
void vfio_pci_sriov_close(struct vfio_pci_core_device *vdev);
int vfio_pci_check_vf_token(struct vfio_pci_core_device *vdev,
			    const uuid_t *token);
int vfio_pci_feature_vf_token(struct vfio_pci_core_device *vdev, u32 flags,
			      void __user *arg, size_t argsz);

/* --- end of reset, power management, SR-IOV --- */

#endif /* VFIO_PCI_PRIV_H */
