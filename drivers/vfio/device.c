// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO devices: what bus drivers register (struct vfio_device embedded in
 * their own structure), the device sets that open and reset together, and
 * the device fd userspace gets from VFIO_GROUP_GET_DEVICE_FD.
 *
 * A registered device has @users = 1 for the registration plus one per
 * open device fd; vfio_unregister_group_dev() drops the first and waits
 * for the others.  @open_count (under dev_set->lock) counts the open fds:
 * the first open calls ops->open_device(), the last close
 * ops->close_device().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/pm_runtime.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "vfio.h"

/* set_id -> struct vfio_device_set; its xa_lock guards device_count */
static DEFINE_XARRAY(vfio_device_sets);

/**
 * vfio_assign_device_set - put a device in the set of devices that must be
 *			    opened and reset together
 * @device: a device initialized but not yet registered
 * @set_id: key shared by the members (any stable pointer)
 *
 * Devices not assigned a set before registering get a set of their own.
 *
 * Return: 0, -EINVAL for a NULL @set_id, -EBUSY if @device is already in
 * a set, -ENOMEM.
 */
int vfio_assign_device_set(struct vfio_device *device, void *set_id)
{
	unsigned long idx = (unsigned long)set_id;
	struct vfio_device_set *dev_set, *new;

	if (WARN_ON(!set_id))
		return -EINVAL;
	if (WARN_ON(device->dev_set))
		return -EBUSY;

	/* allocate outside the xa_lock, throw away if we lose the race */
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	mutex_init(&new->lock);
	INIT_LIST_HEAD(&new->device_list);
	new->set_id = set_id;

	xa_lock(&vfio_device_sets);
	dev_set = __xa_cmpxchg(&vfio_device_sets, idx, NULL, new, GFP_KERNEL);
	if (xa_is_err(dev_set)) {
		xa_unlock(&vfio_device_sets);
		mutex_destroy(&new->lock);
		kfree(new);
		return xa_err(dev_set);
	}
	if (dev_set) {
		mutex_destroy(&new->lock);
		kfree(new);
	} else {
		dev_set = new;
	}
	dev_set->device_count++;
	xa_unlock(&vfio_device_sets);

	mutex_lock(&dev_set->lock);
	device->dev_set = dev_set;
	list_add_tail(&device->dev_set_list, &dev_set->device_list);
	mutex_unlock(&dev_set->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_assign_device_set);

static void vfio_release_device_set(struct vfio_device *device)
{
	struct vfio_device_set *dev_set = device->dev_set;

	if (!dev_set)
		return;

	mutex_lock(&dev_set->lock);
	list_del(&device->dev_set_list);
	mutex_unlock(&dev_set->lock);

	xa_lock(&vfio_device_sets);
	if (!--dev_set->device_count) {
		__xa_erase(&vfio_device_sets, (unsigned long)dev_set->set_id);
		mutex_destroy(&dev_set->lock);
		kfree(dev_set);
	}
	xa_unlock(&vfio_device_sets);
	device->dev_set = NULL;
}

/**
 * vfio_device_set_open_count - number of open device fds across a set
 * @dev_set: the set; its lock must be held
 *
 * Return: the sum of the members' open counts.
 */
unsigned int vfio_device_set_open_count(struct vfio_device_set *dev_set)
{
	struct vfio_device *it;
	unsigned int count = 0;

	lockdep_assert_held(&dev_set->lock);

	list_for_each_entry(it, &dev_set->device_list, dev_set_list)
		count += it->open_count;
	return count;
}
EXPORT_SYMBOL_GPL(vfio_device_set_open_count);

/* a users reference for a device still registered (or still open) */
bool vfio_device_try_get(struct vfio_device *device)
{
	return refcount_inc_not_zero(&device->users);
}

void vfio_device_put(struct vfio_device *device)
{
	if (refcount_dec_and_test(&device->users))
		complete(&device->comp);
}

/**
 * vfio_init_group_dev - initialize the core's part of a vfio_device
 * @device: the vfio_device embedded in the driver's structure
 * @dev: the bus device it exposes
 * @ops: the driver's callbacks
 *
 * Leaves @mig_ops and @migration_flags alone, so the driver may set them
 * before or after.  Call vfio_uninit_group_dev() when done with the
 * device, whether or not it was ever registered.
 */
void vfio_init_group_dev(struct vfio_device *device, struct device *dev,
			 const struct vfio_device_ops *ops)
{
	init_completion(&device->comp);
	device->dev = dev;
	device->ops = ops;
	device->group = NULL;
	device->dev_set = NULL;
	device->kvm = NULL;
	device->put_kvm = NULL;
	device->open_count = 0;
	refcount_set(&device->users, 0);
	device->registered = false;
	device->class_dev = NULL;
	device->index = -1;
	INIT_LIST_HEAD(&device->dev_set_list);
	INIT_LIST_HEAD(&device->group_next);
	INIT_LIST_HEAD(&device->iommu_entry);
}
EXPORT_SYMBOL_GPL(vfio_init_group_dev);

/**
 * vfio_uninit_group_dev - undo vfio_init_group_dev()
 * @device: a device that is not (or no longer) registered
 *
 * Takes the device out of its device set.
 */
void vfio_uninit_group_dev(struct vfio_device *device)
{
	WARN_ON(device->registered);
	vfio_release_device_set(device);
}
EXPORT_SYMBOL_GPL(vfio_uninit_group_dev);

static bool vfio_device_ops_valid(struct vfio_device *device)
{
	const struct vfio_migration_ops *mig = device->mig_ops;

	if (!mig)
		return true;
	if (!mig->migration_set_state || !mig->migration_get_state ||
	    !(device->migration_flags & VFIO_MIGRATION_STOP_COPY)) {
		dev_warn(device->dev, "%s: migration needs both mig_ops and VFIO_MIGRATION_STOP_COPY\n",
			 device->ops->name);
		return false;
	}
	return true;
}

static int vfio_register_dev(struct vfio_device *device,
			     enum vfio_group_type type)
{
	struct vfio_group *group;
	struct vfio_device *it;
	int ret;

	if (WARN_ON(device->registered))
		return -EBUSY;
	if (!vfio_device_ops_valid(device))
		return -EINVAL;

	if (!device->dev_set) {
		ret = vfio_assign_device_set(device, device);
		if (ret)
			return ret;
	}

	group = vfio_group_get_for_dev(device->dev, type);
	if (IS_ERR(group))
		return PTR_ERR(group);

	ret = ida_alloc(&vfio_core.device_ids, GFP_KERNEL);
	if (ret < 0)
		goto err_put_group;
	device->index = ret;

	/* /sys/class/vfio-dev/vfioN, under the bus device as in Linux */
	device->class_dev = device_create(vfio_core.device_class, device->dev,
					  MKDEV(0, 0), device, "vfio%d",
					  device->index);
	if (IS_ERR(device->class_dev)) {
		ret = PTR_ERR(device->class_dev);
		goto err_free_index;
	}

	device->group = group;
	reinit_completion(&device->comp);
	refcount_set(&device->users, 1);

	mutex_lock(&group->device_lock);
	list_for_each_entry(it, &group->device_list, group_next) {
		if (it->dev == device->dev) {
			mutex_unlock(&group->device_lock);
			dev_warn(device->dev, "already registered with VFIO in group %s\n",
				 dev_name(&group->dev));
			ret = -EBUSY;
			goto err_destroy;
		}
	}
	list_add_tail(&device->group_next, &group->device_list);
	device->registered = true;
	mutex_unlock(&group->device_lock);
	return 0;

err_destroy:
	device_unregister(device->class_dev);
err_free_index:
	device->class_dev = NULL;
	ida_free(&vfio_core.device_ids, device->index);
	device->index = -1;
err_put_group:
	device->group = NULL;
	vfio_group_put_for_dev(group, device->dev);
	return ret;
}

/**
 * vfio_register_group_dev - expose a device through its IOMMU group
 * @device: an initialized device
 *
 * The device joins the VFIO group of its IOMMU group (created on first
 * use as /dev/vfio/$GROUP).  Without an IOMMU group it is refused, unless
 * unsafe no-IOMMU mode gives it a fake one; an IOMMU that cannot enforce
 * cache-coherent DMA is refused too.
 *
 * Return: 0 or a negative errno (the reason is logged).
 */
int vfio_register_group_dev(struct vfio_device *device)
{
	return vfio_register_dev(device, VFIO_IOMMU);
}
EXPORT_SYMBOL_GPL(vfio_register_group_dev);

/**
 * vfio_register_emulated_iommu_dev - expose a device that cannot DMA itself
 * @device: an initialized device (typically an mdev)
 *
 * The device gets a private IOMMU group; its driver reaches guest memory
 * only through vfio_pin_pages() and vfio_dma_rw().
 *
 * Return: 0 or a negative errno.
 */
int vfio_register_emulated_iommu_dev(struct vfio_device *device)
{
	return vfio_register_dev(device, VFIO_EMULATED_IOMMU);
}
EXPORT_SYMBOL_GPL(vfio_register_emulated_iommu_dev);

/**
 * vfio_unregister_group_dev - take a device away from userspace
 * @device: a registered device
 *
 * Drops the registration reference and waits for every device fd to be
 * closed, calling the driver's request() callback first and then every 10
 * seconds so it can ask the user to let go.  A signal only makes the rest
 * of the wait uninterruptible (with one warning), it does not end it.
 */
void vfio_unregister_group_dev(struct vfio_device *device)
{
	struct vfio_group *group = device->group;
	unsigned int asked = 0;
	bool interrupted = false;
	long left;

	vfio_device_put(device);
	left = try_wait_for_completion(&device->comp);
	while (left <= 0) {
		if (device->ops->request)
			device->ops->request(device, asked++);

		if (interrupted) {
			left = wait_for_completion_timeout(&device->comp,
							   10 * HZ);
			continue;
		}
		left = wait_for_completion_interruptible_timeout(&device->comp,
								 10 * HZ);
		if (left < 0) {
			interrupted = true;
			dev_warn(device->dev, "device is in use; task \"%s\" (%d) is blocked until it is released\n",
				 current->comm, task_pid_nr(current));
		}
	}

	mutex_lock(&group->device_lock);
	list_del_init(&device->group_next);
	device->registered = false;
	mutex_unlock(&group->device_lock);

	device_unregister(device->class_dev);
	device->class_dev = NULL;
	ida_free(&vfio_core.device_ids, device->index);
	device->index = -1;

	/* device->group stays as a stale tag, as in Linux; never followed */
	vfio_group_put_for_dev(group, device->dev);
}
EXPORT_SYMBOL_GPL(vfio_unregister_group_dev);

/* device fd */

static int vfio_device_first_open(struct vfio_device *device)
{
	struct vfio_group *group = device->group;
	int ret;

	lockdep_assert_held(&device->dev_set->lock);

	/* the KVM reference is taken while group->kvm cannot be reset */
	mutex_lock(&group->group_lock);
	vfio_device_get_kvm(device, group->kvm);
	mutex_unlock(&group->group_lock);

	if (device->ops->open_device) {
		ret = device->ops->open_device(device);
		if (ret) {
			vfio_device_put_kvm(device);
			return ret;
		}
	}
	vfio_device_container_register(device);
	return 0;
}

static void vfio_device_last_close(struct vfio_device *device)
{
	lockdep_assert_held(&device->dev_set->lock);

	if (device->ops->close_device)
		device->ops->close_device(device);
	vfio_device_container_unregister(device);
	vfio_device_put_kvm(device);
}

static void vfio_device_close(struct vfio_device *device)
{
	mutex_lock(&device->dev_set->lock);
	if (device->open_count == 1)
		vfio_device_last_close(device);
	WRITE_ONCE(device->open_count, device->open_count - 1);
	mutex_unlock(&device->dev_set->lock);
}

static const struct file_operations vfio_device_fops;

/**
 * vfio_device_open_file - open a device fd
 * @device: the device, with a users reference the file takes over on
 *	    success
 *
 * Return: the new file or an ERR_PTR.
 */
struct file *vfio_device_open_file(struct vfio_device *device)
{
	struct file *filep;
	int ret;

	ret = vfio_device_assign_container(device);
	if (ret)
		return ERR_PTR(ret);

	/* registered devices are bound, so ->driver is stable here */
	if (!try_module_get(device->dev->driver->owner)) {
		ret = -ENODEV;
		goto err_unassign;
	}

	mutex_lock(&device->dev_set->lock);
	/* counted first so open_device() may already pin pages */
	WRITE_ONCE(device->open_count, device->open_count + 1);
	if (device->open_count == 1) {
		ret = vfio_device_first_open(device);
		if (ret) {
			WRITE_ONCE(device->open_count, 0);
			mutex_unlock(&device->dev_set->lock);
			goto err_module;
		}
	}
	mutex_unlock(&device->dev_set->lock);

	/* anon_inode_getfd() would not let us set FMODE_PREAD/PWRITE */
	filep = anon_inode_getfile("[vfio-device]", &vfio_device_fops, device,
				   O_RDWR);
	if (IS_ERR(filep)) {
		ret = PTR_ERR(filep);
		goto err_close;
	}
	filep->f_mode |= FMODE_PREAD | FMODE_PWRITE;

	if (device->group->type == VFIO_NO_IOMMU)
		dev_warn(device->dev, "UNSAFE: no-IOMMU device opened by %s (%d)\n",
			 current->comm, task_pid_nr(current));
	return filep;

err_close:
	vfio_device_close(device);
err_module:
	module_put(device->dev->driver->owner);
err_unassign:
	vfio_device_unassign_container(device);
	return ERR_PTR(ret);
}

static int vfio_device_fops_release(struct inode *inode, struct file *filep)
{
	struct vfio_device *device = filep->private_data;

	vfio_device_close(device);
	module_put(device->dev->driver->owner);
	vfio_device_unassign_container(device);
	/* last touch: unregister may free the device once this completes */
	vfio_device_put(device);
	return 0;
}

/* resume a runtime-suspended device around ioctls, as Linux does */
static int vfio_device_pm_get(struct vfio_device *device)
{
	struct device *dev = device->dev;
	int ret;

	if (!dev->driver || !dev->driver->pm)
		return 0;
	ret = pm_runtime_resume_and_get(dev);
	if (ret) {
		dev_info_ratelimited(dev, "vfio: runtime resume failed %d\n",
				     ret);
		return -EIO;
	}
	return 0;
}

static void vfio_device_pm_put(struct vfio_device *device)
{
	struct device *dev = device->dev;

	if (dev->driver && dev->driver->pm)
		pm_runtime_put(dev);
}

#define VFIO_DEVICE_FEATURE_KNOWN_FLAGS					\
	(VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_GET |		\
	 VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PROBE)

static long vfio_device_ioctl_feature(void *obj, struct vfio_ioctl_arg *a)
{
	struct vfio_device_feature *hdr = (void *)a->buf;
	struct vfio_device *device = obj;
	void __user *data = a->uptr + offsetof(struct vfio_device_feature, data);
	size_t argsz = a->argsz - offsetofend(struct vfio_device_feature, flags);
	u32 flags = hdr->flags;

	if (flags & ~VFIO_DEVICE_FEATURE_KNOWN_FLAGS)
		return -EINVAL;
	/* GET and SET together only make sense as a PROBE */
	if (!(flags & VFIO_DEVICE_FEATURE_PROBE) &&
	    (flags & VFIO_DEVICE_FEATURE_GET) &&
	    (flags & VFIO_DEVICE_FEATURE_SET))
		return -EINVAL;

	switch (flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_MIGRATION:
		return vfio_device_feature_migration(device, flags, data, argsz);
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
		return vfio_device_feature_mig_state(device, flags, data, argsz);
	default:
		if (!device->ops->device_feature)
			return -ENOTTY;
		return device->ops->device_feature(device, flags, data, argsz);
	}
}

static long vfio_device_ioctl_driver(void *obj, unsigned int cmd,
				     unsigned long arg)
{
	struct vfio_device *device = obj;

	if (!device->ops->ioctl)
		return -EINVAL;
	return device->ops->ioctl(device, cmd, arg);
}

static const struct vfio_ioctl_op vfio_device_ioctls[] = {
	VFIO_IOCTL_STRUCT(VFIO_DEVICE_FEATURE, struct vfio_device_feature,
			  flags, false, vfio_device_ioctl_feature),
};

static const struct vfio_ioctl_table vfio_device_ioctl_table = {
	.ops		= vfio_device_ioctls,
	.count		= ARRAY_SIZE(vfio_device_ioctls),
	.fallback	= vfio_device_ioctl_driver,
};

static long vfio_device_fops_ioctl(struct file *filep, unsigned int cmd,
				   unsigned long arg)
{
	struct vfio_device *device = filep->private_data;
	long ret;

	ret = vfio_device_pm_get(device);
	if (ret)
		return ret;
	ret = vfio_ioctl_dispatch(&vfio_device_ioctl_table, device, cmd, arg);
	vfio_device_pm_put(device);
	return ret;
}

static ssize_t vfio_device_fops_read(struct file *filep, char __user *buf,
				     size_t count, loff_t *ppos)
{
	struct vfio_device *device = filep->private_data;

	if (!device->ops->read)
		return -EINVAL;
	return device->ops->read(device, buf, count, ppos);
}

static ssize_t vfio_device_fops_write(struct file *filep,
				      const char __user *buf, size_t count,
				      loff_t *ppos)
{
	struct vfio_device *device = filep->private_data;

	if (!device->ops->write)
		return -EINVAL;
	return device->ops->write(device, buf, count, ppos);
}

static int vfio_device_fops_mmap(struct file *filep,
				 struct vm_area_struct *vma)
{
	struct vfio_device *device = filep->private_data;

	if (!device->ops->mmap)
		return -EINVAL;
	return device->ops->mmap(device, vma);
}

static const struct file_operations vfio_device_fops = {
	.owner		= THIS_MODULE,
	.release	= vfio_device_fops_release,
	.read		= vfio_device_fops_read,
	.write		= vfio_device_fops_write,
	.unlocked_ioctl	= vfio_device_fops_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vfio_device_fops_mmap,
};
