// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO core module (vfio.ko): module set-up and tear-down, the
 * enable_unsafe_noiommu_mode parameter, the "vfio" and "vfio-dev" classes,
 * the chrdev region of the /dev/vfio/$GROUP nodes and the /dev/vfio/vfio
 * misc device.  The objects themselves live in group.c, container.c and
 * device.c; backends register through iommu_drivers.c.
 *
 * Lock order (a lock may only be taken while holding locks above it):
 *
 *   vfio_core.groups_lock        list of groups; group creation/teardown
 *   dev_set->lock                open_count of a set's devices,
 *                                open_device()/close_device() calls
 *     (the two above are never nested in each other)
 *   group->group_lock            the group's container binding, container
 *                                users, open fd, kvm, iommu_group pointer,
 *                                DMA ownership
 *   container->lock (rwsem)      the container's groups and its backend;
 *                                read for backend ioctls, write to change
 *   vfio_iommu_drivers_lock      the registered backends
 *   iommu core group mutex       (iommu_group_claim_dma_owner(),
 *                                iommu_group_for_each_dev())
 *
 * Leaves: group->device_lock (the group's device list; taken last, also
 * inside the IOMMU core's group mutex by the viability walk, and only
 * ops->match() runs under it) and the xa_lock of the device-set xarray.
 * The backends' own locks come after container->lock.
 *
 * KVM: kvm.ko calls vfio_file_set_kvm() holding its own lock and we take
 * group_lock inside it, so we never drop a KVM reference while holding
 * group_lock (the last put would destroy the kvm-vfio device, which calls
 * back into vfio_file_set_kvm()).
 *
 * No lock is held while vfio_unregister_group_dev() waits for the device's
 * users to go away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "vfio.h"

#define VFIO_CORE_VERSION	"0.3"

struct vfio_core vfio_core;

/*
 * Unsafe no-IOMMU mode.  The variable is read without locking: flipping
 * it only changes what later registrations and VFIO_CHECK_EXTENSION see.
 * Setting it, at load time or later, logs a warning.
 */
bool vfio_noiommu __read_mostly;

static int vfio_noiommu_param_set(const char *val,
				  const struct kernel_param *kp)
{
	int ret = param_set_bool(val, kp);

	if (!ret && vfio_noiommu)
		pr_warn("UNSAFE no-IOMMU mode enabled: devices without an IOMMU can be given to userspace, with no DMA isolation or protection of the host\n");
	return ret;
}

static const struct kernel_param_ops vfio_noiommu_param_ops = {
	.set = vfio_noiommu_param_set,
	.get = param_get_bool,
};

module_param_cb(enable_unsafe_noiommu_mode, &vfio_noiommu_param_ops,
		&vfio_noiommu, 0644);
MODULE_PARM_DESC(enable_unsafe_noiommu_mode,
		 "Enable UNSAFE no-IOMMU mode: devices without an IOMMU group get a fake one. No device isolation, no DMA translation, no protection of the host kernel; not for device assignment to VMs; needs CAP_SYS_RAWIO and taints the kernel. (default: false)");

static struct miscdevice vfio_container_misc = {
	.minor		= VFIO_MINOR,
	.name		= "vfio",
	.nodename	= "vfio/vfio",
	.fops		= &vfio_container_fops,
	.mode		= 0666,
};

/* group nodes appear as /dev/vfio/$GROUP, root-only like Linux */
static char *vfio_group_devnode(struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "vfio/%s", dev_name(dev));
}

static int __init vfio_init(void)
{
	int ret;

	ida_init(&vfio_core.group_minors);
	ida_init(&vfio_core.device_ids);
	mutex_init(&vfio_core.groups_lock);
	INIT_LIST_HEAD(&vfio_core.groups);

	vfio_core.group_class = class_create(THIS_MODULE, "vfio");
	if (IS_ERR(vfio_core.group_class)) {
		ret = PTR_ERR(vfio_core.group_class);
		goto err_destroy;
	}
	vfio_core.group_class->devnode = vfio_group_devnode;

	vfio_core.device_class = class_create(THIS_MODULE, "vfio-dev");
	if (IS_ERR(vfio_core.device_class)) {
		ret = PTR_ERR(vfio_core.device_class);
		goto err_group_class;
	}

	ret = alloc_chrdev_region(&vfio_core.group_devt, 0, MINORMASK + 1,
				  "vfio");
	if (ret)
		goto err_device_class;

	ret = vfio_iommu_drivers_init();
	if (ret)
		goto err_chrdev;

	vfio_debugfs_init();

	/* last: from here on userspace can open /dev/vfio/vfio */
	ret = misc_register(&vfio_container_misc);
	if (ret) {
		pr_err("cannot register /dev/vfio/vfio (minor %d): %d\n",
		       VFIO_MINOR, ret);
		goto err_debugfs;
	}

	pr_info("VFIO core " VFIO_CORE_VERSION " loaded\n");
	return 0;

err_debugfs:
	vfio_debugfs_exit();
	vfio_iommu_drivers_exit();
err_chrdev:
	unregister_chrdev_region(vfio_core.group_devt, MINORMASK + 1);
err_device_class:
	class_destroy(vfio_core.device_class);
err_group_class:
	class_destroy(vfio_core.group_class);
err_destroy:
	mutex_destroy(&vfio_core.groups_lock);
	ida_destroy(&vfio_core.device_ids);
	ida_destroy(&vfio_core.group_minors);
	return ret;
}

static void __exit vfio_exit(void)
{
	/* bus drivers depend on us, so every device is unregistered by now */
	WARN_ON(!list_empty(&vfio_core.groups));

	misc_deregister(&vfio_container_misc);
	vfio_debugfs_exit();
	vfio_iommu_drivers_exit();
	unregister_chrdev_region(vfio_core.group_devt, MINORMASK + 1);
	class_destroy(vfio_core.device_class);
	class_destroy(vfio_core.group_class);
	mutex_destroy(&vfio_core.groups_lock);
	ida_destroy(&vfio_core.device_ids);
	ida_destroy(&vfio_core.group_minors);
}

module_init(vfio_init);
module_exit(vfio_exit);

MODULE_VERSION(VFIO_CORE_VERSION);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO core: userspace access to devices behind an IOMMU");
MODULE_ALIAS_MISCDEV(VFIO_MINOR);
MODULE_ALIAS("devname:vfio/vfio");
MODULE_SOFTDEP("post: vfio_iommu_type1 vfio_iommu_spapr_tce");
