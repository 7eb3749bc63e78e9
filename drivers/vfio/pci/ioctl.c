// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_DEVICE_* ioctls of a vfio-pci device fd.
 *
 * Every command is described once in vfio_pci_ioctls[]: its argument
 * structure's size, the smallest argsz accepted (the end of the last field
 * every version of the structure has) and whether the structure goes back
 * to userspace.  vfio_pci_core_ioctl() checks argsz, copies the structure
 * in (zero-filling what an older, shorter structure lacks) and out, so the
 * handlers only deal with the contents.
 */
#include <linux/minmax.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/uaccess.h>

#include "priv.h"

/* Every argument structure the handlers below take */
union vfio_pci_ioctl_arg {
	struct vfio_device_info		info;
	struct vfio_region_info		region;
	struct vfio_irq_info		irq;
	struct vfio_irq_set		irq_set;
	/* reset.c */
	struct vfio_pci_hot_reset_info	hot_reset_info;
	struct vfio_pci_hot_reset	hot_reset;
};

/**
 * struct vfio_pci_ioctl - one VFIO_DEVICE_* command
 * @cmd: the ioctl number
 * @min_size: smallest argsz accepted; 0 if the command takes no argument
 * @size: size of the argument structure this driver knows
 * @copy_out: copy the structure back to userspace on success
 * @fn: the handler; @arg is the structure (NULL without one), @uarg the
 *	user pointer for any data following it
 */
struct vfio_pci_ioctl {
	unsigned int	cmd;
	u32		min_size;
	u32		size;
	bool		copy_out;
	int		(*fn)(struct vfio_pci_core_device *vdev,
			      union vfio_pci_ioctl_arg *arg,
			      void __user *uarg);
};

static int vfio_pci_ioctl_get_info(struct vfio_pci_core_device *vdev,
				   union vfio_pci_ioctl_arg *arg,
				   void __user *uarg)
{
	struct vfio_device_info *info = &arg->info;

	info->flags = VFIO_DEVICE_FLAGS_PCI;
	if (vdev->reset_works)
		info->flags |= VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = VFIO_PCI_NUM_REGIONS;
	info->num_irqs = VFIO_PCI_NUM_IRQS;
	/* No capability chain yet */
	info->cap_offset = 0;
	return 0;
}

/* Region info lives with the regions (regions.c) */
static int vfio_pci_ioctl_get_region_info(struct vfio_pci_core_device *vdev,
					  union vfio_pci_ioctl_arg *arg,
					  void __user *uarg)
{
	return vfio_pci_region_info(vdev, &arg->region, uarg);
}

static int vfio_pci_ioctl_get_irq_info(struct vfio_pci_core_device *vdev,
				       union vfio_pci_ioctl_arg *arg,
				       void __user *uarg)
{
	struct vfio_irq_info *info = &arg->irq;

	switch (info->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			      VFIO_IRQ_INFO_AUTOMASKED;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_MSIX_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:
		if (!pci_is_pcie(vdev->pdev))
			return -EINVAL;
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		break;
	default:
		return -EINVAL;
	}

	info->count = vfio_pci_irq_count(vdev, info->index);
	return 0;
}

static int vfio_pci_ioctl_set_irqs(struct vfio_pci_core_device *vdev,
				   union vfio_pci_ioctl_arg *arg,
				   void __user *uarg)
{
	struct vfio_irq_set *hdr = &arg->irq_set;
	size_t data_size = 0;
	void *data = NULL;
	int ret;

	ret = vfio_set_irqs_validate_and_prepare(hdr,
						 vfio_pci_irq_count(vdev, hdr->index),
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;

	if (data_size) {
		data = memdup_user(uarg + offsetof(struct vfio_irq_set, data),
				   data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vdev->igate);
	ret = vfio_pci_set_irqs(vdev, hdr, data);
	mutex_unlock(&vdev->igate);

	kfree(data);
	return ret;
}

/* Resets: reset.c */
static int vfio_pci_ioctl_reset(struct vfio_pci_core_device *vdev,
				union vfio_pci_ioctl_arg *arg,
				void __user *uarg)
{
	return vfio_pci_reset_function(vdev);
}

/* Copies its reply itself: the header goes back with -ENOSPC too */
static int vfio_pci_ioctl_hot_reset_info(struct vfio_pci_core_device *vdev,
					 union vfio_pci_ioctl_arg *arg,
					 void __user *uarg)
{
	return vfio_pci_hot_reset_info(vdev, &arg->hot_reset_info, uarg);
}

static int vfio_pci_ioctl_hot_reset(struct vfio_pci_core_device *vdev,
				    union vfio_pci_ioctl_arg *arg,
				    void __user *uarg)
{
	return vfio_pci_hot_reset(vdev, &arg->hot_reset, uarg);
}

#define VFIO_PCI_IOCTL(_cmd, _type, _last, _copy_out, _fn) {		\
	.cmd		= _cmd,						\
	.min_size	= offsetofend(_type, _last),			\
	.size		= sizeof(_type),				\
	.copy_out	= _copy_out,					\
	.fn		= _fn,						\
}

static const struct vfio_pci_ioctl vfio_pci_ioctls[] = {
	VFIO_PCI_IOCTL(VFIO_DEVICE_GET_INFO, struct vfio_device_info,
		       num_irqs, true, vfio_pci_ioctl_get_info),
	VFIO_PCI_IOCTL(VFIO_DEVICE_GET_REGION_INFO, struct vfio_region_info,
		       offset, true, vfio_pci_ioctl_get_region_info),
	VFIO_PCI_IOCTL(VFIO_DEVICE_GET_IRQ_INFO, struct vfio_irq_info,
		       count, true, vfio_pci_ioctl_get_irq_info),
	VFIO_PCI_IOCTL(VFIO_DEVICE_SET_IRQS, struct vfio_irq_set,
		       count, false, vfio_pci_ioctl_set_irqs),
	{ .cmd = VFIO_DEVICE_RESET, .fn = vfio_pci_ioctl_reset },
	VFIO_PCI_IOCTL(VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
		       struct vfio_pci_hot_reset_info, count, false,
		       vfio_pci_ioctl_hot_reset_info),
	VFIO_PCI_IOCTL(VFIO_DEVICE_PCI_HOT_RESET, struct vfio_pci_hot_reset,
		       count, false, vfio_pci_ioctl_hot_reset),
};

/**
 * vfio_pci_core_ioctl - ioctl callback for PCI devices
 * @core_vdev: the device
 * @cmd: a VFIO_DEVICE_* command
 * @arg: its user argument
 *
 * Return: 0 or a positive value defined by the command, -ENOTTY for a
 * command this driver does not handle, or another negative errno.
 */
long vfio_pci_core_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci(core_vdev);
	void __user *uarg = (void __user *)arg;
	const struct vfio_pci_ioctl *op = NULL;
	union vfio_pci_ioctl_arg buf;
	unsigned int i;
	u32 argsz, len;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vfio_pci_ioctls); i++) {
		if (vfio_pci_ioctls[i].cmd == cmd) {
			op = &vfio_pci_ioctls[i];
			break;
		}
	}
	if (!op)
		return -ENOTTY;

	if (!op->min_size)
		return op->fn(vdev, NULL, uarg);

	/* argsz leads every argument structure */
	if (get_user(argsz, (u32 __user *)uarg))
		return -EFAULT;
	if (argsz < op->min_size)
		return -EINVAL;

	len = min(argsz, op->size);
	memset(&buf, 0, sizeof(buf));
	if (copy_from_user(&buf, uarg, len))
		return -EFAULT;

	ret = op->fn(vdev, &buf, uarg);
	if (ret < 0 || !op->copy_out)
		return ret;

	return copy_to_user(uarg, &buf, len) ? -EFAULT : ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl);

/**
 * struct vfio_pci_feature - one VFIO_DEVICE_FEATURE of PCI devices
 * @feature: the VFIO_DEVICE_FEATURE_* number
 * @fn: the handler; checks its own flags and payload size
 */
struct vfio_pci_feature {
	u32	feature;
	int	(*fn)(struct vfio_pci_core_device *vdev, u32 flags,
		      void __user *arg, size_t argsz);
};

static const struct vfio_pci_feature vfio_pci_features[] = {
	/* power.c */
	{ VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
	  vfio_pci_feature_low_power_entry },
	{ VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
	  vfio_pci_feature_low_power_wakeup },
	{ VFIO_DEVICE_FEATURE_LOW_POWER_EXIT,
	  vfio_pci_feature_low_power_exit },
	/* sriov.c */
	{ VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, vfio_pci_feature_vf_token },
};

/**
 * vfio_pci_core_ioctl_feature - device_feature callback for PCI devices
 * @core_vdev: the device
 * @flags: the request's flags (feature number, GET/SET/PROBE), already
 *	   checked for unknown bits by the VFIO core
 * @arg: user pointer to the feature's payload
 * @argsz: bytes available at @arg
 *
 * Offers the low power features and, on SR-IOV PFs, setting the VF token.
 *
 * Return: 0, -ENOTTY for a feature this device does not have, or another
 * negative errno.
 */
int vfio_pci_core_ioctl_feature(struct vfio_device *core_vdev, u32 flags,
				void __user *arg, size_t argsz)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci(core_vdev);
	u32 feature = flags & VFIO_DEVICE_FEATURE_MASK;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vfio_pci_features); i++)
		if (vfio_pci_features[i].feature == feature)
			return vfio_pci_features[i].fn(vdev, flags, arg, argsz);
	return -ENOTTY;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl_feature);
