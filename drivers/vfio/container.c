// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO containers: each open of /dev/vfio/vfio makes one.  Groups join a
 * container (VFIO_GROUP_SET_CONTAINER), then VFIO_SET_IOMMU binds it to a
 * backend that owns the IOMMU context shared by all its groups; other
 * container ioctls go to that backend.  Removing the last group unbinds
 * the backend again.  This file also forwards the in-kernel page pinning
 * and DMA access of emulated-IOMMU devices to the backend.
 *
 * Life cycle: the container fd and each attached group hold a reference,
 * so the fds may be closed in any order.  A group cannot leave while one
 * of its device fds is open (group->container_users), which keeps
 * group->container and the container's backend stable for open devices.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/overflow.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/slab.h>

#include "vfio.h"

/**
 * struct vfio_container - the object behind an open /dev/vfio/vfio
 * @refs: the fd plus one per attached group
 * @lock: protects the fields below; held for read around backend ioctls
 *	  so the backend cannot be released under them
 * @group_list: attached groups, linked by vfio_group.container_next
 * @iommu_ops: backend chosen by VFIO_SET_IOMMU (module referenced), or NULL
 * @iommu_data: that backend's instance
 * @noiommu: the groups are no-IOMMU groups (meaningful while any is
 *	     attached)
 */
struct vfio_container {
	refcount_t				refs;
	struct rw_semaphore			lock;
	struct list_head			group_list;
	const struct vfio_iommu_driver_ops	*iommu_ops;
	void					*iommu_data;
	bool					noiommu;
};

static void vfio_container_put(struct vfio_container *container)
{
	if (refcount_dec_and_test(&container->refs))
		kfree(container);
}

long vfio_container_check_extension(struct vfio_container *container,
				    unsigned long arg)
{
	long ret;

	down_read(&container->lock);
	if (container->iommu_ops)
		ret = container->iommu_ops->ioctl(container->iommu_data,
						  VFIO_CHECK_EXTENSION, arg);
	else
		ret = vfio_iommu_drivers_check_extension(!list_empty(&container->group_list),
							 container->noiommu,
							 arg);
	up_read(&container->lock);
	return ret;
}

static int vfio_container_attach_backend(struct vfio_container *container,
					 const struct vfio_iommu_driver_ops *ops,
					 void *data)
{
	struct vfio_group *group;
	int ret;

	lockdep_assert_held_write(&container->lock);

	list_for_each_entry(group, &container->group_list, container_next) {
		ret = ops->attach_group(data, group->iommu_group, group->type);
		if (ret)
			goto unwind;
	}
	return 0;

unwind:
	list_for_each_entry_continue_reverse(group, &container->group_list,
					     container_next)
		ops->detach_group(data, group->iommu_group);
	return ret;
}

struct vfio_set_iommu {
	struct vfio_container	*container;
	unsigned long		type;
};

/* a vfio_iommu_drivers_try() callback: bind one candidate backend */
static int vfio_container_try_backend(const struct vfio_iommu_driver_ops *ops,
				      void *priv)
{
	struct vfio_set_iommu *req = priv;
	void *data;
	int ret;

	/* the SET_IOMMU type doubles as the extension that announces it */
	if (ops->ioctl(NULL, VFIO_CHECK_EXTENSION, req->type) <= 0)
		return 1;

	data = ops->open(req->type);
	if (IS_ERR(data))
		return PTR_ERR(data);

	ret = vfio_container_attach_backend(req->container, ops, data);
	if (ret) {
		ops->release(data);
		return ret;
	}
	req->container->iommu_ops = ops;
	req->container->iommu_data = data;
	return 0;
}

/* container fd ioctls */

static long vfio_container_ioctl_api_version(void *obj, struct vfio_ioctl_arg *a)
{
	return VFIO_API_VERSION;
}

static long vfio_container_ioctl_check_ext(void *obj, struct vfio_ioctl_arg *a)
{
	return vfio_container_check_extension(obj, a->value);
}

static long vfio_container_ioctl_set_iommu(void *obj, struct vfio_ioctl_arg *a)
{
	struct vfio_container *container = obj;
	struct vfio_set_iommu req = {
		.container = container,
		.type = a->value,
	};
	long ret;

	down_write(&container->lock);
	/*
	 * Only attaching a group gives the right to set up an IOMMU context
	 * (which costs resources): an empty container stays unprivileged.
	 */
	if (list_empty(&container->group_list)) {
		pr_info_ratelimited("VFIO_SET_IOMMU: attach a group to the container first\n");
		ret = -EINVAL;
	} else if (container->iommu_ops) {
		ret = -EINVAL;
	} else {
		ret = vfio_iommu_drivers_try(container->noiommu,
					     vfio_container_try_backend, &req);
		if (ret)
			pr_info_ratelimited("VFIO_SET_IOMMU: no %sbackend accepted IOMMU type %lu: %ld\n",
					    container->noiommu ? "no-IOMMU " : "",
					    req.type, ret);
	}
	up_write(&container->lock);
	return ret;
}

/* anything else goes to the backend */
static long vfio_container_ioctl_backend(void *obj, unsigned int cmd,
					 unsigned long arg)
{
	struct vfio_container *container = obj;
	long ret = -EINVAL;

	down_read(&container->lock);
	if (container->iommu_ops)
		ret = container->iommu_ops->ioctl(container->iommu_data, cmd,
						  arg);
	up_read(&container->lock);
	return ret;
}

static const struct vfio_ioctl_op vfio_container_ioctls[] = {
	VFIO_IOCTL(VFIO_GET_API_VERSION, NONE, vfio_container_ioctl_api_version),
	VFIO_IOCTL(VFIO_CHECK_EXTENSION, VALUE, vfio_container_ioctl_check_ext),
	VFIO_IOCTL(VFIO_SET_IOMMU, VALUE, vfio_container_ioctl_set_iommu),
};

static const struct vfio_ioctl_table vfio_container_ioctl_table = {
	.ops		= vfio_container_ioctls,
	.count		= ARRAY_SIZE(vfio_container_ioctls),
	.fallback	= vfio_container_ioctl_backend,
};

static long vfio_container_fops_ioctl(struct file *filep, unsigned int cmd,
				      unsigned long arg)
{
	return vfio_ioctl_dispatch(&vfio_container_ioctl_table,
				   filep->private_data, cmd, arg);
}

static int vfio_container_fops_open(struct inode *inode, struct file *filep)
{
	struct vfio_container *container;

	container = kzalloc(sizeof(*container), GFP_KERNEL_ACCOUNT);
	if (!container)
		return -ENOMEM;

	refcount_set(&container->refs, 1);
	init_rwsem(&container->lock);
	INIT_LIST_HEAD(&container->group_list);
	filep->private_data = container;
	return 0;
}

static int vfio_container_fops_release(struct inode *inode, struct file *filep)
{
	struct vfio_container *container = filep->private_data;

	/* attached groups keep it alive; let the backend know anyway */
	down_read(&container->lock);
	if (container->iommu_ops && container->iommu_ops->notify)
		container->iommu_ops->notify(container->iommu_data,
					     VFIO_IOMMU_CONTAINER_CLOSE);
	up_read(&container->lock);

	vfio_container_put(container);
	return 0;
}

const struct file_operations vfio_container_fops = {
	.owner		= THIS_MODULE,
	.open		= vfio_container_fops_open,
	.release	= vfio_container_fops_release,
	.unlocked_ioctl	= vfio_container_fops_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/* the container behind an open /dev/vfio/vfio, or NULL for other files */
struct vfio_container *vfio_container_from_file(struct file *file)
{
	if (file->f_op != &vfio_container_fops)
		return NULL;
	return file->private_data;
}

/**
 * vfio_container_attach_group - VFIO_GROUP_SET_CONTAINER
 * @container: the container
 * @group: a group not in any container
 *
 * Claims DMA ownership of the group and, if the container already has a
 * backend, attaches the group to it.
 *
 * Return: 0; -EPERM when mixing no-IOMMU and other groups or opening a
 * no-IOMMU group without CAP_SYS_RAWIO; the ownership or attach errno.
 */
int vfio_container_attach_group(struct vfio_container *container,
				struct vfio_group *group)
{
	bool noiommu = group->type == VFIO_NO_IOMMU;
	int ret;

	lockdep_assert_held(&group->group_lock);

	if (noiommu && !capable(CAP_SYS_RAWIO))
		return -EPERM;

	down_write(&container->lock);
	if (!list_empty(&container->group_list) &&
	    container->noiommu != noiommu) {
		pr_info_ratelimited("group %s: no-IOMMU and IOMMU-backed groups cannot share a container\n",
				    dev_name(&group->dev));
		ret = -EPERM;
		goto out_unlock;
	}

	ret = vfio_group_claim_dma(group);
	if (ret)
		goto out_unlock;

	if (container->iommu_ops) {
		ret = container->iommu_ops->attach_group(container->iommu_data,
							 group->iommu_group,
							 group->type);
		if (ret) {
			vfio_group_release_dma(group);
			goto out_unlock;
		}
	}

	refcount_inc(&container->refs);
	group->container = container;
	group->container_users = 1;
	container->noiommu = noiommu;
	list_add_tail(&group->container_next, &container->group_list);

out_unlock:
	up_write(&container->lock);
	return ret;
}

/**
 * vfio_group_detach_container - take a group out of its container
 * @group: a group in a container, with no device fd open
 *
 * The last group to leave unbinds the container's backend.
 */
void vfio_group_detach_container(struct vfio_group *group)
{
	struct vfio_container *container = group->container;
	const struct vfio_iommu_driver_ops *ops;

	lockdep_assert_held(&group->group_lock);
	WARN_ON(group->container_users != 1);

	down_write(&container->lock);
	ops = container->iommu_ops;
	if (ops)
		ops->detach_group(container->iommu_data, group->iommu_group);
	vfio_group_release_dma(group);

	list_del(&group->container_next);
	group->container = NULL;
	group->container_users = 0;

	if (ops && list_empty(&container->group_list)) {
		ops->release(container->iommu_data);
		vfio_iommu_driver_put(ops);
		container->iommu_ops = NULL;
		container->iommu_data = NULL;
	}
	up_write(&container->lock);

	vfio_container_put(container);
}

/**
 * vfio_device_assign_container - a device fd of the group is being opened
 * @device: the device
 *
 * Needs the group in a container with a backend; pins the group fd and
 * the container binding until vfio_device_unassign_container().
 *
 * Return: 0, -EINVAL without container or backend, -EPERM for a no-IOMMU
 * group opened without CAP_SYS_RAWIO.
 */
int vfio_device_assign_container(struct vfio_device *device)
{
	struct vfio_group *group = device->group;
	int ret = 0;

	mutex_lock(&group->group_lock);
	if (!group->container) {
		ret = -EINVAL;
	} else {
		down_read(&group->container->lock);
		if (!group->container->iommu_ops)
			ret = -EINVAL;
		up_read(&group->container->lock);
	}
	if (ret) {
		pr_info_ratelimited("group %s: VFIO_GROUP_GET_DEVICE_FD needs VFIO_GROUP_SET_CONTAINER and VFIO_SET_IOMMU first\n",
				    dev_name(&group->dev));
		goto out_unlock;
	}
	if (group->type == VFIO_NO_IOMMU && !capable(CAP_SYS_RAWIO)) {
		ret = -EPERM;
		goto out_unlock;
	}

	get_file(group->opened_file);
	group->container_users++;
out_unlock:
	mutex_unlock(&group->group_lock);
	return ret;
}

void vfio_device_unassign_container(struct vfio_device *device)
{
	struct vfio_group *group = device->group;
	struct file *group_file;

	mutex_lock(&group->group_lock);
	WARN_ON(group->container_users <= 1);
	group->container_users--;
	group_file = group->opened_file;
	mutex_unlock(&group->group_lock);

	fput(group_file);
}

/* device opened for the first time / closed for the last: tell the backend */
void vfio_device_container_register(struct vfio_device *device)
{
	struct vfio_container *container = device->group->container;

	if (container->iommu_ops->register_device)
		container->iommu_ops->register_device(container->iommu_data,
						      device);
}

void vfio_device_container_unregister(struct vfio_device *device)
{
	struct vfio_container *container = device->group->container;

	if (container->iommu_ops->unregister_device)
		container->iommu_ops->unregister_device(container->iommu_data,
							device);
}

/* open_count is only non-zero between open_device() and close_device() */
static bool vfio_device_is_open(struct vfio_device *device)
{
	return !WARN_ON_ONCE(!READ_ONCE(device->open_count));
}

/**
 * vfio_pin_pages - pin user pages behind an IOVA range for a device
 * @device: an open device registered with vfio_register_emulated_iommu_dev()
 * @iova: first IOVA, page aligned
 * @npage: number of pages, 1 to VFIO_PIN_PAGES_MAX_ENTRIES
 * @prot: IOMMU_READ and/or IOMMU_WRITE
 * @pages: receives the @npage pinned pages
 *
 * Return: the number of pages pinned, -EINVAL for bad arguments or a
 * device that is not open or not emulated-IOMMU, -E2BIG for too many
 * pages, -ENOTTY if the backend cannot pin, or the backend's errno.
 */
int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova,
		   int npage, int prot, struct page **pages)
{
	struct vfio_group *group = device->group;
	struct vfio_container *container;

	if (!pages || npage <= 0)
		return -EINVAL;
	if (npage > VFIO_PIN_PAGES_MAX_ENTRIES)
		return -E2BIG;
	if (!vfio_device_is_open(device))
		return -EINVAL;
	if (group->type != VFIO_EMULATED_IOMMU)
		return -EINVAL;

	/* stable while the device is open */
	container = group->container;
	if (!container->iommu_ops->pin_pages)
		return -ENOTTY;
	return container->iommu_ops->pin_pages(container->iommu_data,
					       group->iommu_group, iova, npage,
					       prot, pages);
}
EXPORT_SYMBOL(vfio_pin_pages);

/**
 * vfio_unpin_pages - undo vfio_pin_pages()
 * @device: the device that pinned the pages
 * @iova: first IOVA passed to vfio_pin_pages()
 * @npage: number of pages passed to vfio_pin_pages()
 */
void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage)
{
	struct vfio_container *container;

	if (WARN_ON_ONCE(npage <= 0 || npage > VFIO_PIN_PAGES_MAX_ENTRIES))
		return;
	if (!vfio_device_is_open(device))
		return;

	container = device->group->container;
	if (WARN_ON_ONCE(!container->iommu_ops->unpin_pages))
		return;
	container->iommu_ops->unpin_pages(container->iommu_data, iova, npage);
}
EXPORT_SYMBOL(vfio_unpin_pages);

/**
 * vfio_dma_rw - copy between a kernel buffer and the user memory an IOVA
 *		 range is mapped to, on behalf of a device
 * @device: an open device
 * @iova: first IOVA
 * @data: kernel buffer
 * @len: bytes to copy
 * @write: true to write the buffer to IOVA space, false to read from it
 *
 * This is the CPU doing a device's DMA (no pinning needed).
 *
 * Return: 0, -EINVAL for bad arguments or a closed device, -ENOTTY if
 * the backend cannot do it, or the backend's errno.
 */
int vfio_dma_rw(struct vfio_device *device, dma_addr_t iova, void *data,
		size_t len, bool write)
{
	struct vfio_container *container;
	u64 last;

	if (!data || !len || check_add_overflow((u64)iova, (u64)len - 1, &last))
		return -EINVAL;
	if (!vfio_device_is_open(device))
		return -EINVAL;

	container = device->group->container;
	if (!container->iommu_ops->dma_rw)
		return -ENOTTY;
	return container->iommu_ops->dma_rw(container->iommu_data, iova, data,
					    len, write);
}
EXPORT_SYMBOL(vfio_dma_rw);
