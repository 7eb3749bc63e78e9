/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private interface between the VFIO core (vfio.ko) and its IOMMU backends
 * (type1, sPAPR TCE, no-IOMMU).  Not for bus drivers: they use
 * <linux/vfio.h>.
 *
 * A backend registers a struct vfio_iommu_driver_ops.  Userspace picks one
 * per container with VFIO_SET_IOMMU; from then on the core forwards container
 * ioctls, group attach/detach and in-kernel pin/DMA requests to it, passing
 * the opaque pointer its open() returned.
 *
 * DMA ownership and cache coherency are asked of the backends too, before
 * any container exists: on most hosts the IOMMU core answers both and no
 * backend overrides them, but on POWER (powernv) the 6.1 IOMMU core has no
 * driver for PCI and only the sPAPR TCE backend, through the PHB's table
 * group, can claim a group and vouch for coherent DMA.
 */
#ifndef __VFIO_VFIO_H__
#define __VFIO_VFIO_H__

#include <linux/device.h>
#include <linux/module.h>
#include <linux/vfio.h>

struct iommu_group;
struct vfio_device;

/**
 * enum vfio_group_type - how DMA of a group's devices is isolated
 * @VFIO_IOMMU: a real IOMMU group translated by an IOMMU
 * @VFIO_EMULATED_IOMMU: a software device (mdev) that cannot DMA on its own;
 *	the core makes a private iommu_group for it, and its driver reaches
 *	memory only through vfio_pin_pages()/vfio_dma_rw()
 * @VFIO_NO_IOMMU: a physical device with no IOMMU (unsafe no-IOMMU mode)
 */
enum vfio_group_type {
	VFIO_IOMMU,
	VFIO_EMULATED_IOMMU,
	VFIO_NO_IOMMU,
};

/**
 * enum vfio_iommu_notify_type - events the core reports to a backend
 * @VFIO_IOMMU_CONTAINER_CLOSE: the container fd was closed; the groups are
 *	about to be detached and the backend released
 */
enum vfio_iommu_notify_type {
	VFIO_IOMMU_CONTAINER_CLOSE = 0,
};

/**
 * struct vfio_iommu_driver_ops - an IOMMU backend
 * @name: shown in messages
 * @owner: module that provides the backend
 * @open: create a backend instance for a container; @arg is the
 *	  VFIO_SET_IOMMU argument (the IOMMU type). Returns an ERR_PTR on
 *	  failure, -EINVAL if the type is not this backend's.
 * @release: destroy the instance (all groups already detached)
 * @ioctl: container ioctls not handled by the core, including
 *	   VFIO_CHECK_EXTENSION with a NULL @iommu_data before SET_IOMMU
 * @attach_group: add a group (its devices become DMA-able through the
 *	  container's mappings; existing mappings must be replayed)
 * @detach_group: remove a group
 * @pin_pages: pin @npage pages at @user_iova for an emulated-IOMMU device
 * @unpin_pages: undo pin_pages
 * @register_device: a device of an attached group was opened (so its
 *	  dma_unmap op must be called on unmaps)
 * @unregister_device: undo register_device
 * @dma_rw: copy to or from IOVA space on behalf of an emulated device
 * @group_iommu_domain: the iommu_domain a group is attached to
 * @notify: see enum vfio_iommu_notify_type
 * @owns_group: optional; true if this backend, not the IOMMU core, owns DMA
 *	  of @group (claim/release/coherency below then go to it)
 * @claim_group: optional; take DMA ownership of @group for @owner so no
 *	  kernel driver can bind to its devices while userspace holds it
 * @release_group: optional; undo claim_group
 * @group_coherent: optional; whether DMA of @group is cache coherent
 *
 * The optional group hooks need no backend instance: the core calls them
 * while creating a group or attaching it to a container that may not have a
 * backend yet.  A backend that implements one must implement all four.
 */
struct vfio_iommu_driver_ops {
	char		*name;
	struct module	*owner;
	void		*(*open)(unsigned long arg);
	void		(*release)(void *iommu_data);
	long		(*ioctl)(void *iommu_data, unsigned int cmd,
				 unsigned long arg);
	int		(*attach_group)(void *iommu_data,
					struct iommu_group *group,
					enum vfio_group_type type);
	void		(*detach_group)(void *iommu_data,
					struct iommu_group *group);
	int		(*pin_pages)(void *iommu_data,
				     struct iommu_group *group,
				     dma_addr_t user_iova, int npage, int prot,
				     struct page **pages);
	void		(*unpin_pages)(void *iommu_data,
				       dma_addr_t user_iova, int npage);
	void		(*register_device)(void *iommu_data,
					   struct vfio_device *vdev);
	void		(*unregister_device)(void *iommu_data,
					     struct vfio_device *vdev);
	int		(*dma_rw)(void *iommu_data, dma_addr_t user_iova,
				  void *data, size_t count, bool write);
	struct iommu_domain *(*group_iommu_domain)(void *iommu_data,
						   struct iommu_group *group);
	void		(*notify)(void *iommu_data,
				  enum vfio_iommu_notify_type event);

	bool		(*owns_group)(struct iommu_group *group);
	int		(*claim_group)(struct iommu_group *group, void *owner);
	void		(*release_group)(struct iommu_group *group);
	bool		(*group_coherent)(struct iommu_group *group);
};

int vfio_register_iommu_driver(const struct vfio_iommu_driver_ops *ops);
void vfio_unregister_iommu_driver(const struct vfio_iommu_driver_ops *ops);

/* true when the module parameter enable_unsafe_noiommu_mode is set */
extern bool vfio_noiommu;

/*
 * Everything below is private to vfio.ko: shared between its own files
 * (vfio_main.c, group.c, container.c, device.c, ...), not for backends.
 * The lock order is documented at the top of vfio_main.c.
 */
#include <linux/cdev.h>
#include <linux/idr.h>
#include <linux/mutex.h>

struct kvm;
struct vfio_container;

/**
 * struct vfio_core - module-wide state of vfio.ko
 * @group_class: class "vfio", parent of the /dev/vfio/$GROUP nodes
 * @device_class: class "vfio-dev", one vfioN entry per registered device
 * @group_devt: first dev_t of the chrdev region of the group nodes
 * @group_minors: allocator of group minors
 * @device_ids: allocator of the N in vfio-dev/vfioN
 * @groups_lock: protects @groups; held while a group is created or torn
 *	down, so lookups never see a half-made or dying group
 * @groups: every live struct vfio_group, linked by vfio_group.core_next
 */
struct vfio_core {
	struct class		*group_class;
	struct class		*device_class;
	dev_t			group_devt;
	struct ida		group_minors;
	struct ida		device_ids;
	struct mutex		groups_lock;	/* protects @groups */
	struct list_head	groups;
};

extern struct vfio_core vfio_core;

/**
 * struct vfio_group - one /dev/vfio/$GROUP node
 * @dev: the class device; its release frees the group, and the open group
 *	 fd (through @cdev) holds a reference on it
 * @cdev: char device behind @dev
 * @type: how DMA of the group's devices is isolated
 * @drivers: number of registered vfio_devices in the group; the group is
 *	     torn down when it drops to 0 (which happens under groups_lock)
 * @core_next: link in vfio_core.groups (groups_lock)
 * @device_lock: protects @device_list
 * @device_list: registered vfio_devices, linked by vfio_device.group_next
 * @group_lock: protects every field below it
 * @iommu_group: the IOMMU group (referenced); NULL once the last device
 *		 unregistered, which makes every later group ioctl fail
 * @opened_file: the one open group fd, or NULL
 * @container: container the group is attached to, or NULL
 * @container_next: link in the container's group list (container->lock)
 * @container_users: 1 for the attachment plus 1 per open device fd; the
 *		     group cannot leave its container while above 1
 * @dma_owner: backend that claimed DMA ownership of the group through its
 *	       claim_group hook (holding a module reference), or NULL when
 *	       the IOMMU core holds it for us or nothing is claimed
 * @kvm: KVM instance set by the kvm-vfio device, handed to devices opened
 *	 from now on
 */
struct vfio_group {
	struct device			dev;
	struct cdev			cdev;
	enum vfio_group_type		type;
	refcount_t			drivers;
	struct list_head		core_next;

	struct mutex			device_lock;	/* protects @device_list */
	struct list_head		device_list;

	struct mutex			group_lock;	/* protects what follows */
	struct iommu_group		*iommu_group;
	struct file			*opened_file;
	struct vfio_container		*container;
	struct list_head		container_next;
	unsigned int			container_users;
	const struct vfio_iommu_driver_ops *dma_owner;
	struct kvm			*kvm;
};

/* debugfs.c */
void vfio_debugfs_init(void);
void vfio_debugfs_exit(void);

/* group.c */
struct vfio_group *vfio_group_get_for_dev(struct device *dev,
					  enum vfio_group_type type);
void vfio_group_put_for_dev(struct vfio_group *group, struct device *dev);
struct vfio_group *vfio_group_from_file(struct file *file);
int vfio_group_claim_dma(struct vfio_group *group);
void vfio_group_release_dma(struct vfio_group *group);

/* device.c */
bool vfio_device_try_get(struct vfio_device *device);
void vfio_device_put(struct vfio_device *device);
struct file *vfio_device_open_file(struct vfio_device *device);

/* migration.c */
int vfio_device_feature_migration(struct vfio_device *device, u32 flags,
				  void __user *arg, size_t argsz);
int vfio_device_feature_mig_state(struct vfio_device *device, u32 flags,
				  void __user *arg, size_t argsz);

/* container.c */
extern const struct file_operations vfio_container_fops;
struct vfio_container *vfio_container_from_file(struct file *file);
int vfio_container_attach_group(struct vfio_container *container,
				struct vfio_group *group);
void vfio_group_detach_container(struct vfio_group *group);
long vfio_container_check_extension(struct vfio_container *container,
				    unsigned long arg);
int vfio_device_assign_container(struct vfio_device *device);
void vfio_device_unassign_container(struct vfio_device *device);
void vfio_device_container_register(struct vfio_device *device);
void vfio_device_container_unregister(struct vfio_device *device);

/* iommu_drivers.c */
int vfio_iommu_drivers_init(void);
void vfio_iommu_drivers_exit(void);
long vfio_iommu_drivers_check_extension(bool filter, bool noiommu,
					unsigned long arg);
int vfio_iommu_drivers_try(bool noiommu,
			   int (*fn)(const struct vfio_iommu_driver_ops *ops,
				     void *priv),
			   void *priv);
const struct vfio_iommu_driver_ops *
vfio_iommu_driver_group_owner(struct iommu_group *group);
void vfio_iommu_driver_put(const struct vfio_iommu_driver_ops *ops);

/* kvm.c */
void vfio_device_get_kvm(struct vfio_device *device, struct kvm *kvm);
void vfio_device_put_kvm(struct vfio_device *device);

/* ioctl.c: table-driven argument handling, see there */
enum vfio_ioctl_kind {
	VFIO_IOCTL_ARG_NONE,	/* argument ignored */
	VFIO_IOCTL_ARG_VALUE,	/* the argument itself is the value */
	VFIO_IOCTL_ARG_INT,	/* the argument points to a __s32 */
	VFIO_IOCTL_ARG_STRUCT,	/* points to a struct starting with argsz */
	VFIO_IOCTL_ARG_USER,	/* a user pointer the handler reads itself */
};

/* big enough for every struct a table names; checked at build time */
#define VFIO_IOCTL_MAX_STRUCT	32

/**
 * struct vfio_ioctl_arg - an ioctl argument, already fetched and checked
 * @value: VFIO_IOCTL_ARG_VALUE: the raw argument
 * @ival: VFIO_IOCTL_ARG_INT: the integer it points to
 * @uptr: the argument as a user pointer (always set)
 * @argsz: VFIO_IOCTL_ARG_STRUCT: argsz as userspace passed it (at least
 *	   the entry's min_size)
 * @buf: VFIO_IOCTL_ARG_STRUCT: the struct, zero-filled past what
 *	 userspace supplied; copied back on success for copy_out entries
 */
struct vfio_ioctl_arg {
	unsigned long	value;
	s32		ival;
	void __user	*uptr;
	u32		argsz;
	u8		buf[VFIO_IOCTL_MAX_STRUCT] __aligned(8);
};

/**
 * struct vfio_ioctl_op - one entry of an ioctl table
 * @cmd: ioctl number
 * @kind: how the argument is fetched
 * @copy_out: VFIO_IOCTL_ARG_STRUCT: copy @buf back after a success
 * @size: VFIO_IOCTL_ARG_STRUCT: sizeof the struct
 * @min_size: VFIO_IOCTL_ARG_STRUCT: offsetofend() of its last field
 *	      every caller must supply; smaller argsz gets -EINVAL
 * @fn: handler; @obj is the table's object (container, group, device)
 */
struct vfio_ioctl_op {
	unsigned int		cmd;
	enum vfio_ioctl_kind	kind;
	bool			copy_out;
	u16			size;
	u16			min_size;
	long			(*fn)(void *obj, struct vfio_ioctl_arg *arg);
};

#define VFIO_IOCTL(_cmd, _kind, _fn) \
	{ .cmd = (_cmd), .kind = VFIO_IOCTL_ARG_##_kind, .fn = (_fn) }

#define VFIO_IOCTL_STRUCT(_cmd, _type, _last, _out, _fn)		\
	{								\
		.cmd = (_cmd),						\
		.kind = VFIO_IOCTL_ARG_STRUCT,				\
		.copy_out = (_out),					\
		.size = sizeof(_type) +					\
			BUILD_BUG_ON_ZERO(sizeof(_type) > VFIO_IOCTL_MAX_STRUCT), \
		.min_size = offsetofend(_type, _last),			\
		.fn = (_fn),						\
	}

/**
 * struct vfio_ioctl_table - the ioctls of one kind of fd
 * @ops: entries
 * @count: number of @ops
 * @fallback: called for commands not in @ops, or NULL for -ENOTTY
 */
struct vfio_ioctl_table {
	const struct vfio_ioctl_op	*ops;
	unsigned int			count;
	long				(*fallback)(void *obj, unsigned int cmd,
						    unsigned long arg);
};

long vfio_ioctl_dispatch(const struct vfio_ioctl_table *table, void *obj,
			 unsigned int cmd, unsigned long arg);

#endif /* __VFIO_VFIO_H__ */
