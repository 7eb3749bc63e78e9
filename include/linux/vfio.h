/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-kernel VFIO API: what a bus driver (vfio-pci, vfio-platform, an
 * mdev driver, ...) needs to expose a device to userspace through the VFIO
 * core, and what other kernel users (KVM, mdev vendor drivers) may call.
 *
 * A bus driver embeds struct vfio_device in its own per-device structure,
 * initializes it with vfio_init_group_dev(), makes it visible with
 * vfio_register_group_dev() and takes it down with
 * vfio_unregister_group_dev() followed by vfio_uninit_group_dev().  Every
 * callback in struct vfio_device_ops receives the embedded vfio_device; the
 * driver gets back to its own structure with container_of().
 */
#ifndef VFIO_H
#define VFIO_H

#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/workqueue.h>
#include <linux/poll.h>
#include <linux/completion.h>
#include <linux/refcount.h>
#include <uapi/linux/vfio.h>

struct kvm;
struct vfio_group;

/**
 * struct vfio_device_set - devices that must be opened and reset together
 * @set_id: key shared by the members (for PCI: the slot or bus they share)
 * @lock: held by the core around open_device()/close_device() of any member
 * @device_list: members, linked through vfio_device.dev_set_list
 * @device_count: number of members
 *
 * Devices whose reset affects each other (functions of one slot, devices on
 * one bus) join one set so a driver can check, under @lock, that no other
 * member is open before it resets them all.
 */
struct vfio_device_set {
	void *set_id;
	struct mutex lock;	/* see @lock above */
	struct list_head device_list;
	unsigned int device_count;
};

/**
 * struct vfio_device - the core's view of one device exposed through VFIO
 * @dev: the underlying bus device
 * @ops: the bus driver's callbacks
 * @mig_ops: migration callbacks, or NULL; set before registering
 * @group: the VFIO group the device belongs to (set by register)
 * @dev_set: reset set the device belongs to
 * @dev_set_list: link in @dev_set
 * @migration_flags: VFIO_MIGRATION_* flags the device supports
 * @kvm: KVM instance associated with the group while the device is open;
 *	 a driver may only use it from open_device() until close_device()
 *
 * The remaining fields are the core's; bus drivers must not touch them.
 */
struct vfio_device {
	struct device *dev;
	const struct vfio_device_ops *ops;
	const struct vfio_migration_ops *mig_ops;
	struct vfio_group *group;
	struct vfio_device_set *dev_set;
	struct list_head dev_set_list;
	unsigned int migration_flags;
	struct kvm *kvm;

	/* private: to the core, bus drivers must not touch what follows */
	refcount_t users;		/* registration + each opener */
	unsigned int open_count;	/* device fds open; dev_set->lock */
	struct completion comp;		/* completes when @users drops to 0 */
	struct list_head group_next;	/* group->device_list */
	struct list_head iommu_entry;	/* backend's list, under its lock */
	bool registered;
	int index;			/* N of /sys/class/vfio-dev/vfioN */
	struct device *class_dev;	/* that class device */
	void (*put_kvm)(struct kvm *kvm); /* drops the ref on @kvm */
};

/**
 * struct vfio_device_ops - callbacks a bus driver supplies for its devices
 * @name: driver name, shown in messages
 * @open_device: first device fd for this device is being opened
 * @close_device: last device fd was closed; undo open_device
 * @read: read(2) on the device fd
 * @write: write(2) on the device fd
 * @ioctl: ioctl(2) on the device fd (VFIO_DEVICE_* commands)
 * @mmap: mmap(2) on the device fd
 * @request: the core wants the device back (unregister is waiting);
 *	     @count says how many times it has asked so far
 * @match: optional; decide whether @buf from VFIO_GROUP_GET_DEVICE_FD names
 *	   this device. Return 0 for no match, >0 for a match, -errno to stop
 *	   the search (for example a match with missing or wrong arguments).
 *	   Without it the name must equal dev_name(dev).
 * @dma_unmap: userspace unmapped [iova, iova + length) from the container;
 *	       a driver that pinned pages there must unpin them now
 * @device_feature: optional; handle VFIO_DEVICE_FEATURE
 */
struct vfio_device_ops {
	char	*name;
	int	(*open_device)(struct vfio_device *vdev);
	void	(*close_device)(struct vfio_device *vdev);
	ssize_t	(*read)(struct vfio_device *vdev, char __user *buf,
			size_t count, loff_t *ppos);
	ssize_t	(*write)(struct vfio_device *vdev, const char __user *buf,
			 size_t count, loff_t *ppos);
	long	(*ioctl)(struct vfio_device *vdev, unsigned int cmd,
			 unsigned long arg);
	int	(*mmap)(struct vfio_device *vdev, struct vm_area_struct *vma);
	void	(*request)(struct vfio_device *vdev, unsigned int count);
	int	(*match)(struct vfio_device *vdev, char *buf);
	void	(*dma_unmap)(struct vfio_device *vdev, u64 iova, u64 length);
	int	(*device_feature)(struct vfio_device *vdev, u32 flags,
				  void __user *arg, size_t argsz);
};

/**
 * struct vfio_migration_ops - migration callbacks of a device
 * @migration_set_state: move the device to @new_state (one arc of the
 *	migration state machine); returns a data-transfer file for states
 *	that carry data, NULL for the others, or an ERR_PTR
 * @migration_get_state: report the current state
 */
struct vfio_migration_ops {
	struct file *(*migration_set_state)(struct vfio_device *vdev,
					    enum vfio_device_mig_state new_state);
	int (*migration_get_state)(struct vfio_device *vdev,
				   enum vfio_device_mig_state *curr_state);
};

/**
 * vfio_check_feature - validate a VFIO_DEVICE_FEATURE request for one feature
 * @flags: flags passed to the device_feature op
 * @argsz: argsz passed to the device_feature op
 * @supported_ops: VFIO_DEVICE_FEATURE_GET and/or _SET this feature supports
 * @minsz: smallest payload the feature accepts
 *
 * Return: 1 when the driver should carry out the GET or SET, 0 for a
 * successful PROBE, or a negative errno to return to userspace.
 */
static inline int vfio_check_feature(u32 flags, size_t argsz,
				     u32 supported_ops, size_t minsz)
{
	u32 dir = flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET);

	if (dir & ~supported_ops)
		return -EINVAL;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (!dir)
		return -EINVAL;
	if (argsz < minsz)
		return -EINVAL;
	return 1;
}

void vfio_init_group_dev(struct vfio_device *device, struct device *dev,
			 const struct vfio_device_ops *ops);
void vfio_uninit_group_dev(struct vfio_device *device);
int vfio_register_group_dev(struct vfio_device *device);
int vfio_register_emulated_iommu_dev(struct vfio_device *device);
void vfio_unregister_group_dev(struct vfio_device *device);

int vfio_assign_device_set(struct vfio_device *device, void *set_id);
unsigned int vfio_device_set_open_count(struct vfio_device_set *dev_set);

int vfio_mig_get_next_state(struct vfio_device *device,
			    enum vfio_device_mig_state cur_fsm,
			    enum vfio_device_mig_state new_fsm,
			    enum vfio_device_mig_state *next_fsm);

/*
 * Looked up by name by the kvm-vfio pseudo-device of the host's kvm.ko
 * (symbol_get()), so names and signatures must stay those of the target
 * kernel.
 */
struct iommu_group *vfio_file_iommu_group(struct file *file);
bool vfio_file_is_group(struct file *file);
bool vfio_file_enforced_coherent(struct file *file);
void vfio_file_set_kvm(struct file *file, struct kvm *kvm);
bool vfio_file_has_dev(struct file *file, struct vfio_device *device);

/* Page pinning and DMA access for devices without their own IOMMU (mdev) */
#define VFIO_PIN_PAGES_MAX_ENTRIES	(PAGE_SIZE / sizeof(unsigned long))

int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova,
		   int npage, int prot, struct page **pages);
void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage);
int vfio_dma_rw(struct vfio_device *device, dma_addr_t iova,
		void *data, size_t len, bool write);

/* Helpers for building capability chains in *_GET_INFO replies */
struct vfio_info_cap {
	struct vfio_info_cap_header *buf;
	size_t size;
};

struct vfio_info_cap_header *vfio_info_cap_add(struct vfio_info_cap *caps,
					       size_t size, u16 id,
					       u16 version);
void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset);
int vfio_info_add_capability(struct vfio_info_cap *caps,
			     struct vfio_info_cap_header *cap, size_t size);

int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr,
				       int num_irqs, int max_irq_type,
				       size_t *data_size);

/*
 * virqfd: run a handler (atomic context) and/or a thread (process context)
 * each time an eventfd is signalled; used for INTx unmask and similar.
 */
struct virqfd {
	void			*opaque;
	struct eventfd_ctx	*eventfd;
	int			(*handler)(void *opaque, void *data);
	void			(*thread)(void *opaque, void *data);
	void			*data;
	struct work_struct	inject;
	wait_queue_entry_t	wait;
	poll_table		pt;
	struct work_struct	shutdown;
	struct work_struct	flush_inject;
	struct virqfd		**pvirqfd;
};

int vfio_virqfd_enable(void *opaque, int (*handler)(void *, void *),
		       void (*thread)(void *, void *), void *data,
		       struct virqfd **pvirqfd, int fd);
void vfio_virqfd_disable(struct virqfd **pvirqfd);
void vfio_virqfd_flush_thread(struct virqfd **pvirqfd);

#endif /* VFIO_H */
