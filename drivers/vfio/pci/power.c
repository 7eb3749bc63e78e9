// SPDX-License-Identifier: GPL-2.0-only
/*
 * Power management of vfio-pci devices.
 *
 * Runtime PM: a registered function nobody has open is runtime suspended,
 * which puts it in D3hot where it has the PM capability (unless the
 * disable_idle_d3 parameter was set when it was registered).  Opening it
 * holds a runtime PM reference until the last close; every ioctl, read
 * and write holds one for its duration (the VFIO core takes it around
 * ioctls).
 *
 * Low power features: an open device may give its reference back with
 * VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY(_WITH_WAKEUP), so it suspends while
 * the user has it open.  Meanwhile its BAR mappings are zapped and fault
 * with SIGBUS.  Any ioctl, read or write resumes it for its duration; with
 * the wakeup variant, the first such resume signals the user's eventfd and
 * leaves the low power state for good.  LOW_POWER_EXIT (or closing the
 * device) takes the reference back.
 *
 * Power state changes of an open function (these, a user's write to its
 * PM control register) go through vfio_pci_set_power_state() under
 * memory_lock, which also keeps config state across D3hot for functions
 * that lose it there.
 */
#include <linux/eventfd.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "priv.h"

/* pci_power_t is __bitwise: order comparisons go through plain ints */
#define D3HOT	((__force int)PCI_D3hot)

/* See <linux/vfio_pci_core.h>; set through vfio-pci's module parameter */
bool vfio_pci_core_disable_idle_d3;
EXPORT_SYMBOL_GPL(vfio_pci_core_disable_idle_d3);

/**
 * vfio_pci_set_power_state - move an assigned function to a power state
 * @vdev: the device; memory_lock held for write when @state is below D0
 * @state: PCI_D0 ... PCI_D3hot
 *
 * A function without No_Soft_Reset comes back from D3hot reset to its
 * defaults: its config state is saved on the way down (in @vdev->pm_save)
 * and restored on the way up, whoever brought it back to D0 meanwhile.
 * A PF with VFs stays in D0.
 *
 * Return: 0 or a negative errno (-EBUSY for a PF with VFs).
 */
int vfio_pci_set_power_state(struct vfio_pci_core_device *vdev,
			     pci_power_t state)
{
	int from = (__force int)vdev->pdev->current_state;
	int to = (__force int)state;
	struct pci_dev *pdev = vdev->pdev;
	bool save = false, restore = false;
	int ret;

	if (to > (__force int)PCI_D0) {
		lockdep_assert_held_write(&vdev->memory_lock);
		if (READ_ONCE(vdev->sriov_active))
			return -EBUSY;
	}

	if (vdev->needs_pm_restore) {
		if (from < D3HOT && to >= D3HOT) {
			pci_save_state(pdev);
			save = true;
		}
		if (from >= D3HOT && to <= (__force int)PCI_D0)
			restore = true;
	}

	ret = pci_set_power_state(pdev, state);
	if (ret)
		return ret;

	/* A quirk may keep the function out of D3: then nothing was lost */
	if (save && (__force int)pdev->current_state >= D3HOT) {
		/* D0 may have been reached behind our back: drop a stale copy */
		kfree(vdev->pm_save);
		vdev->pm_save = pci_store_saved_state(pdev);
	} else if (restore) {
		pci_load_and_free_saved_state(pdev, &vdev->pm_save);
		pci_restore_state(pdev);
	}
	return 0;
}

/**
 * vfio_pci_sriov_power_up - bring a PF to D0 for good before it gets VFs
 * @vdev: the PF, with a runtime PM reference held
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_sriov_power_up(struct vfio_pci_core_device *vdev)
{
	int ret;

	down_write(&vdev->memory_lock);
	ret = vfio_pci_set_power_state(vdev, PCI_D0);
	if (!ret)
		WRITE_ONCE(vdev->sriov_active, true);
	up_write(&vdev->memory_lock);
	return ret;
}

/* Give the open device's runtime PM reference back; memory_lock (write) */
static int vfio_pci_low_power_enter(struct vfio_pci_core_device *vdev,
				    struct eventfd_ctx *wake)
{
	int ret = 0;

	vfio_pci_zap_and_down_write_memory_lock(vdev);
	if (vdev->pm_runtime_engaged) {
		ret = -EINVAL;
	} else {
		vdev->pm_runtime_engaged = true;
		vdev->pm_wake_trigger = wake;
		/* Suspends once the ioctl's own reference is dropped */
		pm_runtime_put_noidle(&vdev->pdev->dev);
	}
	up_write(&vdev->memory_lock);
	return ret;
}

/* Take the reference back, if it was given; memory_lock (write) */
static void __vfio_pci_low_power_exit(struct vfio_pci_core_device *vdev)
{
	lockdep_assert_held_write(&vdev->memory_lock);

	if (!vdev->pm_runtime_engaged)
		return;

	vdev->pm_runtime_engaged = false;
	pm_runtime_get_noresume(&vdev->pdev->dev);
	if (vdev->pm_wake_trigger) {
		eventfd_ctx_put(vdev->pm_wake_trigger);
		vdev->pm_wake_trigger = NULL;
	}
}

static void vfio_pci_low_power_exit(struct vfio_pci_core_device *vdev)
{
	down_write(&vdev->memory_lock);
	__vfio_pci_low_power_exit(vdev);
	up_write(&vdev->memory_lock);
}

/**
 * vfio_pci_feature_low_power_entry - VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY
 * @vdev: the device
 * @flags: the feature request's flags
 * @arg: unused (no payload)
 * @argsz: unused
 *
 * Return: 0, or -EINVAL if the device is already in the low power state.
 */
int vfio_pci_feature_low_power_entry(struct vfio_pci_core_device *vdev,
				     u32 flags, void __user *arg,
				     size_t argsz)
{
	int ret;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
	if (ret != 1)
		return ret;

	return vfio_pci_low_power_enter(vdev, NULL);
}

/**
 * vfio_pci_feature_low_power_wakeup - the WITH_WAKEUP variant
 * @vdev: the device
 * @flags: the feature request's flags
 * @arg: user pointer to struct vfio_device_low_power_entry_with_wakeup
 * @argsz: bytes at @arg
 *
 * Return: 0 or a negative errno (-EBADF, -EINVAL for a bad eventfd).
 */
int vfio_pci_feature_low_power_wakeup(struct vfio_pci_core_device *vdev,
				      u32 flags, void __user *arg,
				      size_t argsz)
{
	struct vfio_device_low_power_entry_with_wakeup entry;
	struct eventfd_ctx *wake;
	int ret;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
				 sizeof(entry));
	if (ret != 1)
		return ret;

	if (copy_from_user(&entry, arg, sizeof(entry)))
		return -EFAULT;
	if (entry.wakeup_eventfd < 0)
		return -EINVAL;

	wake = eventfd_ctx_fdget(entry.wakeup_eventfd);
	if (IS_ERR(wake))
		return PTR_ERR(wake);

	ret = vfio_pci_low_power_enter(vdev, wake);
	if (ret)
		eventfd_ctx_put(wake);
	return ret;
}

/**
 * vfio_pci_feature_low_power_exit - VFIO_DEVICE_FEATURE_LOW_POWER_EXIT
 * @vdev: the device
 * @flags: the feature request's flags
 * @arg: unused (no payload)
 * @argsz: unused
 *
 * The ioctl itself already resumed the device; leaving a low power state
 * the device is not in (or left by its wakeup) is not an error.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_feature_low_power_exit(struct vfio_pci_core_device *vdev,
				    u32 flags, void __user *arg, size_t argsz)
{
	int ret;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
	if (ret != 1)
		return ret;

	vfio_pci_low_power_exit(vdev);
	return 0;
}

/**
 * vfio_pci_access_begin - wake the device for a read() or write()
 * @vdev: the open device
 *
 * Pair with vfio_pci_access_end().
 *
 * Return: 0, or -EIO if the device could not be resumed.
 */
int vfio_pci_access_begin(struct vfio_pci_core_device *vdev)
{
	int ret = pm_runtime_resume_and_get(&vdev->pdev->dev);

	if (ret) {
		pci_info_ratelimited(vdev->pdev, "cannot resume the device for an access: %d\n",
				     ret);
		return -EIO;
	}
	return 0;
}

/**
 * vfio_pci_access_end - the read() or write() is done
 * @vdev: the open device
 */
void vfio_pci_access_end(struct vfio_pci_core_device *vdev)
{
	pm_runtime_put(&vdev->pdev->dev);
}

#ifdef CONFIG_PM
static int vfio_pci_runtime_suspend(struct device *dev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);

	/*
	 * The user may have put the function in D3hot through its PM
	 * control register.  Back to D0 (restoring what D3hot lost), so the
	 * PCI core saves the right state and picks the low power state.
	 */
	down_write(&vdev->memory_lock);
	vfio_pci_set_power_state(vdev, PCI_D0);
	up_write(&vdev->memory_lock);

	/*
	 * A suspended function cannot be serviced: keep its INTx quiet,
	 * unless the user masked it already (then it stays as the user
	 * left it).
	 */
	vdev->pm_intx_masked = false;
	mutex_lock(&vdev->igate);
	if (vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX) &&
	    !READ_ONCE(vdev->ctx[0].masked)) {
		vfio_pci_set_intx_mask(vdev, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
				       VFIO_IRQ_SET_DATA_NONE, NULL);
		vdev->pm_intx_masked = true;
	}
	mutex_unlock(&vdev->igate);
	return 0;
}

static int vfio_pci_runtime_resume(struct device *dev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);

	/* A wakeup eventfd: tell the user, and the low power state is over */
	down_write(&vdev->memory_lock);
	if (vdev->pm_wake_trigger) {
		eventfd_signal(vdev->pm_wake_trigger, 1);
		__vfio_pci_low_power_exit(vdev);
	}
	up_write(&vdev->memory_lock);

	if (vdev->pm_intx_masked) {
		mutex_lock(&vdev->igate);
		if (vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX))
			vfio_pci_set_intx_unmask(vdev, VFIO_PCI_INTX_IRQ_INDEX,
						 0, 1, VFIO_IRQ_SET_DATA_NONE,
						 NULL);
		mutex_unlock(&vdev->igate);
		vdev->pm_intx_masked = false;
	}
	return 0;
}
#endif /* CONFIG_PM */

/*
 * The PCI core saves config state before suspending and restores it on
 * resume, so a function without No_Soft_Reset needs nothing more here.
 */
static const struct dev_pm_ops vfio_pci_core_pm_ops = {
	SET_RUNTIME_PM_OPS(vfio_pci_runtime_suspend, vfio_pci_runtime_resume,
			   NULL)
};

/**
 * vfio_pci_pm_register - start runtime PM of a function being registered
 * @vdev: the device; its drvdata points to @vdev
 *
 * The PCI core holds a runtime PM reference over probe; unless idle D3 is
 * disabled it is given back here, so the function suspends while unused.
 */
void vfio_pci_pm_register(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct device *dev = &pdev->dev;
	u16 pmcsr;

	vdev->disable_idle_d3 = READ_ONCE(vfio_pci_core_disable_idle_d3);

	if (pdev->pm_cap &&
	    !pci_read_config_word(pdev, pdev->pm_cap + PCI_PM_CTRL, &pmcsr))
		vdev->needs_pm_restore = !(pmcsr & PCI_PM_CTRL_NO_SOFT_RESET);

	/*
	 * After boot or another driver, the PCI core only knows the power
	 * state as "unknown", from which only D0 is allowed: go there
	 * first, so D3hot can be reached later.
	 */
	vfio_pci_set_power_state(vdev, PCI_D0);

	/* The PM ops are the library's, for every driver built on it */
	dev->driver->pm = &vfio_pci_core_pm_ops;
	pm_runtime_allow(dev);
	if (!vdev->disable_idle_d3)
		pm_runtime_put(dev);
}

/**
 * vfio_pci_pm_unregister - undo vfio_pci_pm_register()
 * @vdev: the device, no longer registered with the VFIO core
 */
void vfio_pci_pm_unregister(struct vfio_pci_core_device *vdev)
{
	struct device *dev = &vdev->pdev->dev;

	if (!vdev->disable_idle_d3)
		pm_runtime_get_noresume(dev);
	pm_runtime_forbid(dev);
}

/**
 * vfio_pci_pm_open - power the function up for a new user (device open)
 * @vdev: the device being opened
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_pm_open(struct vfio_pci_core_device *vdev)
{
	int ret;

	if (vdev->disable_idle_d3)
		return 0;
	ret = pm_runtime_resume_and_get(&vdev->pdev->dev);
	if (ret < 0)
		pci_info(vdev->pdev, "cannot resume the device to open it: %d\n",
			 ret);
	return ret < 0 ? ret : 0;
}

/**
 * vfio_pci_pm_close_begin - wake the function fully for close
 * @vdev: the device being closed
 *
 * Leaves any low power state the user left it in, resumes it and brings
 * it to D0, so the reset and state restore that follow can work.
 */
void vfio_pci_pm_close_begin(struct vfio_pci_core_device *vdev)
{
	vfio_pci_low_power_exit(vdev);
	pm_runtime_resume(&vdev->pdev->dev);
	vfio_pci_set_power_state(vdev, PCI_D0);
}

/**
 * vfio_pci_pm_close_end - drop the reference vfio_pci_pm_open() took
 * @vdev: the closed device
 */
void vfio_pci_pm_close_end(struct vfio_pci_core_device *vdev)
{
	if (!vdev->disable_idle_d3)
		pm_runtime_put(&vdev->pdev->dev);
}
