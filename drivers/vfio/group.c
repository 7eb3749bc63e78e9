// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO groups: the /dev/vfio/$GROUP nodes.  A group stands for one IOMMU
 * group (real, or faked for no-IOMMU and emulated-IOMMU devices), exists
 * while at least one of its devices is registered, and is the unit that
 * userspace attaches to a container.  This file owns the group life cycle,
 * viability and DMA ownership, and the group fd and its ioctls.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vfio.h"

static const struct file_operations vfio_group_fops;

static void vfio_group_release(struct device *dev)
{
	struct vfio_group *group = container_of(dev, struct vfio_group, dev);

	/* only set here if creation failed half way */
	if (group->iommu_group)
		iommu_group_put(group->iommu_group);
	mutex_destroy(&group->device_lock);
	mutex_destroy(&group->group_lock);
	ida_free(&vfio_core.group_minors, MINOR(group->dev.devt));
	kfree(group);
}

static struct vfio_group *vfio_group_create(struct iommu_group *iommu_group,
					    enum vfio_group_type type)
{
	struct vfio_group *group;
	int minor;
	int ret;

	lockdep_assert_held(&vfio_core.groups_lock);

	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		return ERR_PTR(-ENOMEM);

	minor = ida_alloc_max(&vfio_core.group_minors, MINORMASK, GFP_KERNEL);
	if (minor < 0) {
		kfree(group);
		return ERR_PTR(minor);
	}

	device_initialize(&group->dev);
	group->dev.devt = MKDEV(MAJOR(vfio_core.group_devt), minor);
	group->dev.class = vfio_core.group_class;
	group->dev.release = vfio_group_release;
	cdev_init(&group->cdev, &vfio_group_fops);
	group->cdev.owner = THIS_MODULE;

	group->type = type;
	refcount_set(&group->drivers, 1);
	mutex_init(&group->device_lock);
	INIT_LIST_HEAD(&group->device_list);
	mutex_init(&group->group_lock);
	group->iommu_group = iommu_group_ref_get(iommu_group);

	ret = dev_set_name(&group->dev, "%s%d",
			   type == VFIO_NO_IOMMU ? "noiommu-" : "",
			   iommu_group_id(iommu_group));
	if (ret)
		goto err_put;

	ret = cdev_device_add(&group->cdev, &group->dev);
	if (ret)
		goto err_put;

	list_add(&group->core_next, &vfio_core.groups);
	return group;

err_put:
	put_device(&group->dev);
	return ERR_PTR(ret);
}

/* find the group of @iommu_group, or create it; returns a drivers ref */
static struct vfio_group *vfio_group_get_or_create(struct iommu_group *iommu_group,
						   enum vfio_group_type type)
{
	struct vfio_group *group;

	mutex_lock(&vfio_core.groups_lock);
	list_for_each_entry(group, &vfio_core.groups, core_next) {
		if (group->iommu_group == iommu_group) {
			/* never 0 here: it drops to 0 under groups_lock */
			refcount_inc(&group->drivers);
			goto out_unlock;
		}
	}
	group = vfio_group_create(iommu_group, type);
out_unlock:
	mutex_unlock(&vfio_core.groups_lock);
	return group;
}

/* a private IOMMU group for a no-IOMMU or emulated-IOMMU device */
static struct vfio_group *vfio_group_create_fake(struct device *dev,
						 enum vfio_group_type type)
{
	struct iommu_group *iommu_group;
	struct vfio_group *group;
	int ret;

	iommu_group = iommu_group_alloc();
	if (IS_ERR(iommu_group))
		return ERR_CAST(iommu_group);

	ret = iommu_group_set_name(iommu_group, "vfio-noiommu");
	if (ret)
		goto err_put;
	ret = iommu_group_add_device(iommu_group, dev);
	if (ret)
		goto err_put;

	group = vfio_group_get_or_create(iommu_group, type);
	if (IS_ERR(group)) {
		ret = PTR_ERR(group);
		iommu_group_remove_device(dev);
		goto err_put;
	}
	iommu_group_put(iommu_group);
	return group;

err_put:
	iommu_group_put(iommu_group);
	return ERR_PTR(ret);
}

/*
 * VFIO maps everything IOMMU_CACHE and gives userspace no way to restore
 * coherency, so only groups with coherent DMA are accepted.
 */
static bool vfio_group_dma_coherent(struct device *dev,
				    struct iommu_group *iommu_group)
{
	const struct vfio_iommu_driver_ops *owner;
	bool coherent;

	owner = vfio_iommu_driver_group_owner(iommu_group);
	if (!owner) {
		if (device_iommu_capable(dev, IOMMU_CAP_CACHE_COHERENCY))
			return true;
		dev_warn(dev, "not added to VFIO: its IOMMU cannot enforce cache-coherent DMA (no IOMMU_CAP_CACHE_COHERENCY)\n");
		return false;
	}

	coherent = owner->group_coherent(iommu_group);
	if (!coherent)
		dev_warn(dev, "not added to VFIO: IOMMU backend %s reports non-coherent DMA for its group\n",
			 owner->name);
	vfio_iommu_driver_put(owner);
	return coherent;
}

/**
 * vfio_group_get_for_dev - the group a device being registered joins
 * @dev: the device
 * @type: VFIO_IOMMU for vfio_register_group_dev() (which falls back to a
 *	  no-IOMMU group in unsafe mode), VFIO_EMULATED_IOMMU for mdevs
 *
 * Return: the group with a drivers reference held, or an ERR_PTR.
 */
struct vfio_group *vfio_group_get_for_dev(struct device *dev,
					  enum vfio_group_type type)
{
	struct iommu_group *iommu_group;
	struct vfio_group *group;

	iommu_group = iommu_group_get(dev);

	if (type == VFIO_EMULATED_IOMMU) {
		if (iommu_group) {
			dev_warn(dev, "already in IOMMU group %d, cannot register it as an emulated-IOMMU device\n",
				 iommu_group_id(iommu_group));
			iommu_group_put(iommu_group);
			return ERR_PTR(-EBUSY);
		}
		return vfio_group_create_fake(dev, VFIO_EMULATED_IOMMU);
	}

	if (!iommu_group) {
		if (!vfio_noiommu) {
			dev_warn(dev, "not added to VFIO: no IOMMU group (enable the IOMMU, e.g. intel_iommu=on, or load vfio with enable_unsafe_noiommu_mode=1)\n");
			return ERR_PTR(-EINVAL);
		}
		group = vfio_group_create_fake(dev, VFIO_NO_IOMMU);
		if (!IS_ERR(group)) {
			add_taint(TAINT_USER, LOCKDEP_STILL_OK);
			dev_warn(dev, "UNSAFE: added to VFIO without IOMMU protection as group noiommu-%d; tainting the kernel\n",
				 iommu_group_id(group->iommu_group));
		}
		return group;
	}

	if (!vfio_group_dma_coherent(dev, iommu_group)) {
		iommu_group_put(iommu_group);
		return ERR_PTR(-EINVAL);
	}

	group = vfio_group_get_or_create(iommu_group, VFIO_IOMMU);
	/* the vfio_group holds its own reference */
	iommu_group_put(iommu_group);
	return group;
}

/**
 * vfio_group_put_for_dev - a device of @group unregistered
 * @group: the group
 * @dev: the device
 *
 * The last one tears the group down: the node goes away, a container it
 * was still attached to (its fd is still open) lets go of it, and every
 * later ioctl on a still open group fd fails with -ENODEV.
 */
void vfio_group_put_for_dev(struct vfio_group *group, struct device *dev)
{
	struct iommu_group *iommu_group;

	if (group->type != VFIO_IOMMU)
		iommu_group_remove_device(dev);

	if (!refcount_dec_and_mutex_lock(&group->drivers, &vfio_core.groups_lock))
		return;

	list_del(&group->core_next);
	cdev_device_del(&group->cdev, &group->dev);

	mutex_lock(&group->group_lock);
	WARN_ON(!list_empty(&group->device_list));
	if (group->container)
		vfio_group_detach_container(group);
	iommu_group = group->iommu_group;
	group->iommu_group = NULL;
	mutex_unlock(&group->group_lock);
	mutex_unlock(&vfio_core.groups_lock);

	iommu_group_put(iommu_group);
	put_device(&group->dev);
}

/*
 * Viability: a group may be handed to userspace only if no device in it
 * is driven by a host driver doing DMA through the kernel's DMA API.
 * Devices registered with us, devices without a driver, devices whose
 * driver manages DMA itself (driver_managed_dma: vfio drivers, pci-stub,
 * pcieport) and, where a backend rather than the IOMMU core is in charge,
 * PCI bridges are fine.  Where the IOMMU core is in charge its verdict
 * (iommu_group_dma_owner_claimed()) is what counts and the walk only
 * serves to name the culprit.
 */
static bool vfio_dev_dma_harmless(struct device *dev, bool bridges_ok)
{
	/* may be unbound under us: read once, as dev_driver_string() does */
	struct device_driver *drv = READ_ONCE(dev->driver);

	if (!drv)
		return true;
	if (dev_is_pci(dev)) {
		if (to_pci_driver(drv)->driver_managed_dma)
			return true;
		return bridges_ok && pci_is_bridge(to_pci_dev(dev));
	}
	if (dev_is_platform(dev))
		return to_platform_driver(drv)->driver_managed_dma;
	return false;
}

/* whether @dev is one of the devices registered in @group */
static bool vfio_group_has_dev(struct vfio_group *group, struct device *dev)
{
	struct vfio_device *it;
	bool found = false;

	mutex_lock(&group->device_lock);
	list_for_each_entry(it, &group->device_list, group_next) {
		if (it->dev == dev) {
			found = true;
			break;
		}
	}
	mutex_unlock(&group->device_lock);
	return found;
}

struct vfio_blocker {
	struct vfio_group	*group;
	bool			bridges_ok;
	struct device		*dev;
};

static int vfio_dev_find_blocker(struct device *dev, void *data)
{
	struct vfio_blocker *b = data;

	if (vfio_dev_dma_harmless(dev, b->bridges_ok) ||
	    vfio_group_has_dev(b->group, dev))
		return 0;
	b->dev = get_device(dev);
	return 1;
}

/* first device of @group keeping it from being viable, referenced */
static struct device *vfio_group_find_blocker(struct vfio_group *group,
					      bool bridges_ok)
{
	struct vfio_blocker b = { .group = group, .bridges_ok = bridges_ok };

	iommu_group_for_each_dev(group->iommu_group, &b, vfio_dev_find_blocker);
	return b.dev;
}

static void vfio_group_report_not_viable(struct vfio_group *group,
					 bool bridges_ok, int err)
{
	struct device *dev = vfio_group_find_blocker(group, bridges_ok);

	if (!dev) {
		pr_warn_ratelimited("group %s is not viable: its DMA is owned elsewhere (%d)\n",
				    dev_name(&group->dev), err);
		return;
	}
	pr_warn_ratelimited("group %s is not viable: %s is bound to host driver %s; unbind it or bind it to %s\n",
			    dev_name(&group->dev), dev_name(dev),
			    dev_driver_string(dev),
			    dev_is_pci(dev) ? "vfio-pci" : "a vfio driver");
	put_device(dev);
}

static bool vfio_group_viable(struct vfio_group *group)
{
	const struct vfio_iommu_driver_ops *owner = NULL;
	struct device *blocker;

	lockdep_assert_held(&group->group_lock);

	if (group->type == VFIO_IOMMU)
		owner = vfio_iommu_driver_group_owner(group->iommu_group);
	if (!owner)
		return !iommu_group_dma_owner_claimed(group->iommu_group);

	vfio_iommu_driver_put(owner);
	blocker = vfio_group_find_blocker(group, true);
	put_device(blocker);
	return !blocker;
}

/**
 * vfio_group_claim_dma - take DMA ownership of a group joining a container
 * @group: the group
 *
 * For real IOMMU groups ownership comes from the backend that owns the
 * group, if any, else from the IOMMU core; either refuses while a host
 * driver uses the DMA API on a device of the group, and then one line
 * names that device.  Fake groups need no ownership.
 *
 * Return: 0 or the errno of the refusal (-EPERM from the IOMMU core).
 */
int vfio_group_claim_dma(struct vfio_group *group)
{
	const struct vfio_iommu_driver_ops *owner;
	bool by_backend;
	int ret;

	lockdep_assert_held(&group->group_lock);

	if (group->type != VFIO_IOMMU)
		return 0;

	owner = vfio_iommu_driver_group_owner(group->iommu_group);
	by_backend = owner;
	if (owner) {
		ret = owner->claim_group(group->iommu_group, group);
		if (!ret) {
			group->dma_owner = owner;
			return 0;
		}
		vfio_iommu_driver_put(owner);
	} else {
		ret = iommu_group_claim_dma_owner(group->iommu_group, group);
		if (!ret)
			return 0;
	}
	vfio_group_report_not_viable(group, by_backend, ret);
	return ret;
}

/**
 * vfio_group_release_dma - undo vfio_group_claim_dma()
 * @group: the group
 */
void vfio_group_release_dma(struct vfio_group *group)
{
	lockdep_assert_held(&group->group_lock);

	if (group->type != VFIO_IOMMU)
		return;

	if (group->dma_owner) {
		group->dma_owner->release_group(group->iommu_group);
		vfio_iommu_driver_put(group->dma_owner);
		group->dma_owner = NULL;
	} else {
		iommu_group_release_dma_owner(group->iommu_group);
	}
}

/* the registered device @name designates, with a users reference */
static struct vfio_device *vfio_group_find_device(struct vfio_group *group,
						  char *name)
{
	struct vfio_device *found = ERR_PTR(-ENODEV);
	struct vfio_device *it;
	int match;

	mutex_lock(&group->device_lock);
	list_for_each_entry(it, &group->device_list, group_next) {
		if (it->ops->match)
			match = it->ops->match(it, name);
		else
			match = !strcmp(dev_name(it->dev), name);
		if (match < 0) {
			found = ERR_PTR(match);
			break;
		}
		if (match && vfio_device_try_get(it)) {
			found = it;
			break;
		}
	}
	mutex_unlock(&group->device_lock);
	return found;
}

/* group fd ioctls */

static long vfio_group_ioctl_get_status(void *obj, struct vfio_ioctl_arg *a)
{
	struct vfio_group_status *status = (void *)a->buf;
	struct vfio_group *group = obj;
	long ret = 0;

	status->flags = 0;

	mutex_lock(&group->group_lock);
	if (!group->iommu_group)
		ret = -ENODEV;
	else if (group->container)
		status->flags = VFIO_GROUP_FLAGS_VIABLE |
				VFIO_GROUP_FLAGS_CONTAINER_SET;
	else if (vfio_group_viable(group))
		status->flags = VFIO_GROUP_FLAGS_VIABLE;
	mutex_unlock(&group->group_lock);
	return ret;
}

static long vfio_group_ioctl_set_container(void *obj, struct vfio_ioctl_arg *a)
{
	struct vfio_container *container;
	struct vfio_group *group = obj;
	struct fd f;
	long ret;

	f = fdget(a->ival);
	if (!f.file)
		return -EBADF;

	mutex_lock(&group->group_lock);
	if (!group->iommu_group) {
		ret = -ENODEV;
		goto out_unlock;
	}
	if (group->container) {
		ret = -EINVAL;
		goto out_unlock;
	}
	container = vfio_container_from_file(f.file);
	if (!container) {
		ret = -EINVAL;
		goto out_unlock;
	}
	ret = vfio_container_attach_group(container, group);

out_unlock:
	mutex_unlock(&group->group_lock);
	fdput(f);
	return ret;
}

static long vfio_group_ioctl_unset_container(void *obj, struct vfio_ioctl_arg *a)
{
	struct vfio_group *group = obj;
	long ret = 0;

	mutex_lock(&group->group_lock);
	if (!group->container) {
		ret = -EINVAL;
	} else if (group->container_users != 1) {
		pr_info_ratelimited("group %s: cannot leave its container while device fds are open\n",
				    dev_name(&group->dev));
		ret = -EBUSY;
	} else {
		vfio_group_detach_container(group);
	}
	mutex_unlock(&group->group_lock);
	return ret;
}

static long vfio_group_ioctl_get_device_fd(void *obj, struct vfio_ioctl_arg *a)
{
	struct vfio_group *group = obj;
	struct vfio_device *device;
	struct file *filep;
	char *name;
	int fd;
	int ret;

	name = strndup_user(a->uptr, PAGE_SIZE);
	if (IS_ERR(name))
		return PTR_ERR(name);
	device = vfio_group_find_device(group, name);
	kfree(name);
	if (IS_ERR(device))
		return PTR_ERR(device);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_put;
	}

	filep = vfio_device_open_file(device);
	if (IS_ERR(filep)) {
		ret = PTR_ERR(filep);
		goto err_put_fd;
	}
	/* the users reference now belongs to the file */
	fd_install(fd, filep);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_put:
	vfio_device_put(device);
	return ret;
}

static const struct vfio_ioctl_op vfio_group_ioctls[] = {
	VFIO_IOCTL_STRUCT(VFIO_GROUP_GET_STATUS, struct vfio_group_status,
			  flags, true, vfio_group_ioctl_get_status),
	VFIO_IOCTL(VFIO_GROUP_SET_CONTAINER, INT,
		   vfio_group_ioctl_set_container),
	VFIO_IOCTL(VFIO_GROUP_UNSET_CONTAINER, NONE,
		   vfio_group_ioctl_unset_container),
	VFIO_IOCTL(VFIO_GROUP_GET_DEVICE_FD, USER,
		   vfio_group_ioctl_get_device_fd),
};

static const struct vfio_ioctl_table vfio_group_ioctl_table = {
	.ops	= vfio_group_ioctls,
	.count	= ARRAY_SIZE(vfio_group_ioctls),
};

static long vfio_group_fops_ioctl(struct file *filep, unsigned int cmd,
				  unsigned long arg)
{
	return vfio_ioctl_dispatch(&vfio_group_ioctl_table,
				   filep->private_data, cmd, arg);
}

static int vfio_group_fops_open(struct inode *inode, struct file *filep)
{
	struct vfio_group *group =
		container_of(inode->i_cdev, struct vfio_group, cdev);
	int ret = 0;

	mutex_lock(&group->group_lock);
	if (!group->iommu_group) {
		/* the last device just went away */
		ret = -ENODEV;
	} else if (group->type == VFIO_NO_IOMMU && !capable(CAP_SYS_RAWIO)) {
		ret = -EPERM;
	} else if (group->opened_file) {
		ret = -EBUSY;
	} else {
		group->opened_file = filep;
		filep->private_data = group;
	}
	mutex_unlock(&group->group_lock);
	return ret;
}

static int vfio_group_fops_release(struct inode *inode, struct file *filep)
{
	struct vfio_group *group = filep->private_data;

	/* device fds hold this file, so none is open any more */
	mutex_lock(&group->group_lock);
	if (group->container)
		vfio_group_detach_container(group);
	group->opened_file = NULL;
	mutex_unlock(&group->group_lock);
	return 0;
}

static const struct file_operations vfio_group_fops = {
	.owner		= THIS_MODULE,
	.open		= vfio_group_fops_open,
	.release	= vfio_group_fops_release,
	.unlocked_ioctl	= vfio_group_fops_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/**
 * vfio_group_from_file - the group behind an open /dev/vfio/$GROUP file
 * @file: any file
 *
 * Return: the group, or NULL if @file is not a group fd.
 */
struct vfio_group *vfio_group_from_file(struct file *file)
{
	if (file->f_op != &vfio_group_fops)
		return NULL;
	return file->private_data;
}
