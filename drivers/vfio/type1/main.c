// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_iommu_type1.ko: the VFIO_TYPE1_IOMMU / VFIO_TYPE1v2_IOMMU backend.
 *
 * Userspace mappings are pinned and mapped into IOMMU domains through the
 * IOMMU API; see type1.h for the data structures.  This file owns the
 * module (parameters, registration with the VFIO core), container
 * creation and release, and the container ioctl dispatch.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "type1.h"

bool type1_allow_unsafe_interrupts;
module_param_named(allow_unsafe_interrupts, type1_allow_unsafe_interrupts,
		   bool, 0644);
MODULE_PARM_DESC(allow_unsafe_interrupts,
		 "Enable VFIO IOMMU support for on platforms without interrupt remapping support.");

bool type1_disable_hugepages;
module_param_named(disable_hugepages, type1_disable_hugepages, bool, 0644);
MODULE_PARM_DESC(disable_hugepages,
		 "Disable VFIO IOMMU support for IOMMU hugepages.");

unsigned int type1_dma_entry_limit __read_mostly = U16_MAX;
module_param_named(dma_entry_limit, type1_dma_entry_limit, uint, 0644);
MODULE_PARM_DESC(dma_entry_limit,
		 "Maximum number of user DMA mappings per container (65535).");

static void *type1_open(unsigned long arg)
{
	struct vfio_iommu *iommu;

	if (arg != VFIO_TYPE1_IOMMU && arg != VFIO_TYPE1v2_IOMMU &&
	    arg != VFIO_TYPE1_NESTING_IOMMU)
		return ERR_PTR(-EINVAL);

	iommu = kzalloc(sizeof(*iommu), GFP_KERNEL_ACCOUNT);
	if (!iommu)
		return ERR_PTR(-ENOMEM);

	/* Nesting is v2 plus nesting-enabled domains. */
	iommu->v2 = arg != VFIO_TYPE1_IOMMU;
	iommu->nesting = arg == VFIO_TYPE1_NESTING_IOMMU;

	mutex_init(&iommu->lock);
	INIT_LIST_HEAD(&iommu->domain_list);
	INIT_LIST_HEAD(&iommu->iova_list);
	INIT_LIST_HEAD(&iommu->emulated_iommu_groups);
	iommu->dma_list = RB_ROOT;
	INIT_LIST_HEAD(&iommu->device_list);
	mutex_init(&iommu->device_list_lock);
	iommu->dma_avail = READ_ONCE(type1_dma_entry_limit);
	/* Any page size until a domain says otherwise */
	iommu->pgsize_bitmap = PAGE_MASK;
	iommu->container_open = true;
	return iommu;
}

static void type1_release(void *iommu_data)
{
	struct vfio_iommu *iommu = iommu_data;

	/* Nobody else can reach the container any more; lock for lockdep. */
	mutex_lock(&iommu->lock);
	vfio_remove_all_dma(iommu);
	type1_release_domains(iommu);
	vfio_iova_free(&iommu->iova_list);
	mutex_unlock(&iommu->lock);

	mutex_destroy(&iommu->device_list_lock);
	mutex_destroy(&iommu->lock);
	kfree(iommu);
}

static void type1_notify(void *iommu_data, enum vfio_iommu_notify_type event)
{
	struct vfio_iommu *iommu = iommu_data;

	if (event != VFIO_IOMMU_CONTAINER_CLOSE)
		return;
	/*
	 * Nothing ever waits for a vaddr here (pin_pages and dma_rw fail
	 * fast instead), so there is no one to wake; just remember.
	 */
	mutex_lock(&iommu->lock);
	iommu->container_open = false;
	mutex_unlock(&iommu->lock);
}

/**
 * struct type1_ioctl_op - one container ioctl
 * @cmd: ioctl number
 * @min_size: bytes userspace must supply (offsetofend of the last
 *	      mandatory field); argsz below it is -EINVAL
 * @flags: accepted input flags; others are -EINVAL
 * @flags_in: the struct's flags field is input (GET_INFO's is output)
 * @v2_only: -EACCES for a v1 container
 * @handler: does the work, given the header already copied in
 *
 * Every type1 ioctl struct starts with u32 argsz, u32 flags.
 */
struct type1_ioctl_op {
	unsigned int	cmd;
	size_t		min_size;
	u32		flags;
	bool		flags_in;
	bool		v2_only;
	int		(*handler)(struct vfio_iommu *iommu, void *hdr,
				   void __user *arg);
};

#define TYPE1_IOCTL(_cmd, _struct, _last, _flags, _in, _v2, _fn)	\
	{								\
		.cmd = _cmd,						\
		.min_size = offsetofend(_struct, _last),		\
		.flags = _flags,					\
		.flags_in = _in,					\
		.v2_only = _v2,						\
		.handler = _fn,						\
	}

static const struct type1_ioctl_op type1_ioctl_ops[] = {
	TYPE1_IOCTL(VFIO_IOMMU_GET_INFO, struct vfio_iommu_type1_info,
		    iova_pgsizes, 0, false, false, type1_get_info),
	TYPE1_IOCTL(VFIO_IOMMU_MAP_DMA, struct vfio_iommu_type1_dma_map, size,
		    VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE |
		    VFIO_DMA_MAP_FLAG_VADDR,
		    true, false, type1_map_dma),
	TYPE1_IOCTL(VFIO_IOMMU_UNMAP_DMA, struct vfio_iommu_type1_dma_unmap,
		    size,
		    VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
		    VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR,
		    true, false, type1_unmap_dma),
	TYPE1_IOCTL(VFIO_IOMMU_DIRTY_PAGES,
		    struct vfio_iommu_type1_dirty_bitmap, flags,
		    VFIO_IOMMU_DIRTY_PAGES_FLAG_START |
		    VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP |
		    VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
		    true, true, type1_dirty_pages),
};

/* Large enough for the mandatory part of every struct above. */
#define TYPE1_IOCTL_HDR_MAX	32
static_assert(offsetofend(struct vfio_iommu_type1_info, iova_pgsizes) <=
	      TYPE1_IOCTL_HDR_MAX);
static_assert(offsetofend(struct vfio_iommu_type1_dma_map, size) <=
	      TYPE1_IOCTL_HDR_MAX);
static_assert(offsetofend(struct vfio_iommu_type1_dma_unmap, size) <=
	      TYPE1_IOCTL_HDR_MAX);
static_assert(offsetofend(struct vfio_iommu_type1_dirty_bitmap, flags) <=
	      TYPE1_IOCTL_HDR_MAX);

struct type1_ioctl_hdr {
	u32	argsz;
	u32	flags;
};

static long type1_ioctl(void *iommu_data, unsigned int cmd,
			unsigned long arg)
{
	u64 buf[TYPE1_IOCTL_HDR_MAX / sizeof(u64)];
	const struct type1_ioctl_op *op = NULL;
	struct vfio_iommu *iommu = iommu_data;
	void __user *uarg = (void __user *)arg;
	struct type1_ioctl_hdr *hdr = (void *)buf;
	unsigned int i;

	if (cmd == VFIO_CHECK_EXTENSION)
		return type1_check_extension(iommu, arg);

	for (i = 0; i < ARRAY_SIZE(type1_ioctl_ops); i++) {
		if (type1_ioctl_ops[i].cmd == cmd) {
			op = &type1_ioctl_ops[i];
			break;
		}
	}
	if (!op)
		return -ENOTTY;
	if (!iommu)
		return -EINVAL;
	if (op->v2_only && !iommu->v2)
		return -EACCES;

	if (copy_from_user(buf, uarg, op->min_size))
		return -EFAULT;
	if (hdr->argsz < op->min_size)
		return -EINVAL;
	if (op->flags_in && (hdr->flags & ~op->flags))
		return -EINVAL;

	return op->handler(iommu, buf, uarg);
}

static const struct vfio_iommu_driver_ops type1_driver_ops = {
	.name			= "vfio-iommu-type1",
	.owner			= THIS_MODULE,
	.open			= type1_open,
	.release		= type1_release,
	.ioctl			= type1_ioctl,
	.attach_group		= type1_attach_group,
	.detach_group		= type1_detach_group,
	.pin_pages		= type1_pin_pages,
	.unpin_pages		= type1_unpin_pages,
	.register_device	= type1_register_device,
	.unregister_device	= type1_unregister_device,
	.dma_rw			= type1_dma_rw,
	.group_iommu_domain	= type1_group_iommu_domain,
	.notify			= type1_notify,
};

static int __init vfio_iommu_type1_init(void)
{
	return vfio_register_iommu_driver(&type1_driver_ops);
}

static void __exit vfio_iommu_type1_exit(void)
{
	vfio_unregister_iommu_driver(&type1_driver_ops);
}

module_init(vfio_iommu_type1_init);
module_exit(vfio_iommu_type1_exit);

MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("Type1 IOMMU driver for VFIO");
