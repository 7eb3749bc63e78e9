// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci-core life cycle: binding a PCI function to the VFIO core
 * (init, register, unregister, uninit), preparing it for userspace when the
 * first device fd is opened (enable) and returning it to a clean state when
 * the last one is closed (disable), and recognizing the device name given
 * to VFIO_GROUP_GET_DEVICE_FD.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uuid.h>

#include "priv.h"

/**
 * vfio_pci_core_init_device - initialize an embedded vfio_pci_core_device
 * @vdev: the structure, inside the caller's zeroed allocation
 * @pdev: the PCI function it stands for
 * @ops: VFIO callbacks, usually mostly the vfio_pci_core_* helpers
 *
 * Initializes @vdev and its embedded vfio_device.  Undo with
 * vfio_pci_core_uninit_device() before freeing the allocation.
 */
void vfio_pci_core_init_device(struct vfio_pci_core_device *vdev,
			       struct pci_dev *pdev,
			       const struct vfio_device_ops *ops)
{
	vdev->pdev = pdev;
	vdev->irq_type = VFIO_PCI_NUM_IRQS;
	mutex_init(&vdev->barmap_lock);
	mutex_init(&vdev->config_lock);
	mutex_init(&vdev->igate);
	spin_lock_init(&vdev->irqlock);
	init_rwsem(&vdev->memory_lock);	/* config space and regions */

	vfio_init_group_dev(&vdev->vdev, &pdev->dev, ops);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_init_device);

/**
 * vfio_pci_core_uninit_device - undo vfio_pci_core_init_device()
 * @vdev: the device, unregistered (or never registered)
 */
void vfio_pci_core_uninit_device(struct vfio_pci_core_device *vdev)
{
	vfio_uninit_group_dev(&vdev->vdev);

	mutex_destroy(&vdev->igate);
	mutex_destroy(&vdev->config_lock);
	mutex_destroy(&vdev->barmap_lock);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_uninit_device);

/**
 * vfio_pci_core_register_device - expose an initialized device to userspace
 * @vdev: the device, set up with vfio_pci_core_init_device()
 *
 * Puts the function in its reset set, sets up its SR-IOV side and runtime
 * PM (an unused function is suspended from now on, unless idle D3 is
 * disabled) and registers it with the VFIO core, which creates or joins
 * its group.  Only normal (type 0 header) functions can be registered, and
 * not an SR-IOV PF whose VFs are already enabled.  The driver's drvdata
 * must point to @vdev (the PM and error callbacks find it there).
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL) {
		pci_info(pdev, "config header type %#x: only normal functions, not bridges, can be assigned\n",
			 pdev->hdr_type);
		return -EINVAL;
	}

	if (dev_get_drvdata(&pdev->dev) != vdev) {
		pci_warn(pdev, "%s: drvdata must point to the vfio_pci_core_device before registering\n",
			 vdev->vdev.ops->name);
		return -EINVAL;
	}

	/*
	 * The VFs of an enabled PF may already be in use by the host or by
	 * other users, and we cannot take them over; let the administrator
	 * disable SR-IOV first.
	 */
	if (pci_num_vf(pdev)) {
		pci_warn(pdev, "cannot bind to a PF with SR-IOV enabled; disable its VFs first\n");
		return -EBUSY;
	}

	ret = vfio_pci_dev_set_assign(vdev);	/* reset.c */
	if (ret)
		return ret;

	ret = vfio_pci_sriov_register(vdev);	/* VF token, PF lookup */
	if (ret)
		return ret;

	ret = vfio_pci_vga_register(vdev);	/* VGA arbiter client (vga.c) */
	if (ret)
		goto out_sriov;

	vfio_pci_pm_register(vdev);		/* runtime PM, idle D3 */

	ret = vfio_register_group_dev(&vdev->vdev);
	if (ret)
		goto out_pm;
	vfio_pci_debugfs_add(vdev);
	return 0;

out_pm:
	vfio_pci_pm_unregister(vdev);
	vfio_pci_vga_unregister(vdev);
out_sriov:
	vfio_pci_sriov_unregister(vdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_register_device);

/**
 * vfio_pci_core_unregister_device - take a device away from userspace
 * @vdev: a registered device
 *
 * Disables the VFs of a PF (which waits for their users), then waits until
 * userspace has closed every file descriptor of the device, asking it
 * through the request callback meanwhile.  Called from the driver's
 * remove(), with the device lock held.
 */
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev)
{
	vfio_pci_debugfs_remove(vdev);
	vfio_pci_core_sriov_configure(vdev, 0);

	vfio_unregister_group_dev(&vdev->vdev);

	vfio_pci_sriov_unregister(vdev);
	vfio_pci_vga_unregister(vdev);
	vfio_pci_pm_unregister(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_unregister_device);

/**
 * vfio_pci_core_enable - prepare the function for a new userspace user
 * @vdev: the device; its device set lock is held (open_device)
 *
 * Resumes the function from runtime suspend and keeps it resumed until
 * the last close, enables it, resets it when it can, saves its config
 * state for
 * vfio_pci_core_disable() to restore, and sets up config space
 * virtualization.  A driver's open_device op calls this, adds anything of
 * its own, then calls vfio_pci_core_finish_enable().
 *
 * Return: 0 or a negative errno; on error nothing is left enabled.
 */
int vfio_pci_core_enable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	lockdep_assert_held(&vdev->vdev.dev_set->lock);

	ret = vfio_pci_pm_open(vdev);
	if (ret)
		return ret;

	/* The state saved below must not have bus mastering on */
	pci_clear_master(pdev);

	ret = pci_enable_device(pdev);
	if (ret)
		goto out_pm;

	/*
	 * Hand out a freshly reset function when possible.  -EAGAIN means
	 * someone else holds the device lock right now; fail rather than
	 * give userspace a device in an unknown state.
	 */
	ret = pci_try_reset_function(pdev);
	if (ret == -EAGAIN) {
		pci_info_ratelimited(pdev, "device is locked by another task, cannot reset it; try again\n");
		goto out_disable;
	}
	vdev->reset_works = !ret;
	vdev->reset_err = ret;

	pci_save_state(pdev);
	vdev->pci_saved_state = pci_store_saved_state(pdev);
	if (!vdev->pci_saved_state)
		pci_dbg(pdev, "could not keep the config state, it will not be restored on close\n");

	/* How INTx is masked and whether it is offered; the MSI-X table */
	vfio_pci_irqs_probe(vdev);

	ret = vfio_pci_config_init(vdev);
	if (ret)
		goto out_free_state;

	return 0;

out_free_state:
	kfree(vdev->pci_saved_state);
	vdev->pci_saved_state = NULL;
out_disable:
	pci_disable_device(pdev);
out_pm:
	vfio_pci_pm_close_end(vdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_enable);

/**
 * vfio_pci_core_finish_enable - last step of opening a device
 * @vdev: the device, enabled with vfio_pci_core_enable()
 *
 * Decides which BARs userspace may mmap; an open VF now counts as a user
 * of its PF's VF token.  Cannot fail.
 */
void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev)
{
	vfio_pci_mmap_probe(vdev);
	vfio_pci_sriov_open(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_finish_enable);

/**
 * vfio_pci_core_disable - return the function to the host in a clean state
 * @vdev: the device; its device set lock is held (close_device)
 *
 * Brings the function back to D0 from any low power state, stops DMA and
 * interrupts, drops every eventfd userspace registered, unmaps the BARs,
 * then restores the config state saved on open around a function reset
 * when one works, and disables the function.  When this closes the last
 * open device of its set and a member could not be reset, the set's slot
 * or bus is reset if possible.  The function may then runtime suspend.
 */
void vfio_pci_core_disable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	lockdep_assert_held(&vdev->vdev.dev_set->lock);

	/* Out of low power, in D0: resets and state restore need it */
	vfio_pci_pm_close_begin(vdev);
	vfio_pci_sriov_close(vdev);

	/* No more DMA, then no more interrupts */
	pci_clear_master(pdev);

	mutex_lock(&vdev->igate);
	vfio_pci_irqs_release(vdev);
	mutex_unlock(&vdev->igate);

	vfio_pci_config_free(vdev);
	vfio_pci_bars_unmap(vdev);

	vdev->virq_disabled = false;
	vdev->needs_reset = true;

	/*
	 * Load the state saved on open.  Without it, a reset that keeps the
	 * current state still beats nothing; without a reset either, saving
	 * and restoring the current state would be busy work.
	 */
	if (pci_load_and_free_saved_state(pdev, &vdev->pci_saved_state)) {
		pci_info_ratelimited(pdev, "could not reload the config state saved on open\n");
		if (!vdev->reset_works)
			goto out_disable;
		pci_save_state(pdev);
	}

	/* Keep INTx quiet across the reset (MSI is already off) */
	pci_write_config_word(pdev, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE);

	/*
	 * pci_try_reset_function() would save and restore the current state
	 * around the reset, losing the one just loaded: lock and reset by
	 * hand, then restore what was loaded.  If the lock is contended the
	 * device stays marked as needing a reset.
	 */
	if (vdev->reset_works && pci_dev_trylock(pdev)) {
		if (!__pci_reset_function_locked(pdev))
			vdev->needs_reset = false;
		pci_dev_unlock(pdev);
	}

	pci_restore_state(pdev);
out_disable:
	pci_disable_device(pdev);

	vfio_pci_dev_set_try_reset(vdev->vdev.dev_set);
	vfio_pci_pm_close_end(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_disable);

/**
 * vfio_pci_core_close_device - close_device callback for PCI devices
 * @core_vdev: the device whose last file descriptor was closed
 */
void vfio_pci_core_close_device(struct vfio_device *core_vdev)
{
	vfio_pci_core_disable(to_vfio_pci(core_vdev));
}
EXPORT_SYMBOL_GPL(vfio_pci_core_close_device);

#define VFIO_PCI_OPT_VF_TOKEN	"vf_token="

/**
 * vfio_pci_core_match - match callback for PCI devices
 * @core_vdev: the device
 * @buf: the name userspace asked for: the PCI address ("0000:00:03.0"),
 *	 optionally followed by space separated options ("vf_token=UUID")
 *
 * Return: 1 if @buf names this device (with valid options), 0 if it names
 * another device, or a negative errno to fail the lookup (a malformed,
 * unknown or repeated option; a missing or wrong VF token, see sriov.c).
 */
int vfio_pci_core_match(struct vfio_device *core_vdev, char *buf)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci(core_vdev);
	const char *name = pci_name(vdev->pdev);
	size_t len = strlen(name);
	bool have_token = false;
	uuid_t token;
	size_t skip;
	int ret;

	if (strncmp(buf, name, len))
		return 0;
	buf += len;
	if (*buf && *buf != ' ')
		return 0;	/* a longer name that starts like ours */

	while (*buf) {
		if (*buf == ' ') {
			buf++;
			continue;
		}

		skip = str_has_prefix(buf, VFIO_PCI_OPT_VF_TOKEN);
		if (!skip || have_token) {
			pci_info_ratelimited(vdev->pdev,
					     "unknown or repeated option in device name: \"%.64s\"\n",
					     buf);
			return -EINVAL;
		}
		buf += skip;
		if (strnlen(buf, UUID_STRING_LEN) < UUID_STRING_LEN)
			return -EINVAL;
		ret = uuid_parse(buf, &token);
		if (ret)
			return ret;
		buf += UUID_STRING_LEN;
		if (*buf && *buf != ' ')
			return -EINVAL;
		have_token = true;
	}

	ret = vfio_pci_check_vf_token(vdev, have_token ? &token : NULL);
	if (ret)
		return ret;
	return 1;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_match);

static pci_ers_result_t vfio_pci_core_error_detected(struct pci_dev *pdev,
						     pci_channel_state_t state)
{
	return vfio_pci_core_aer_err_detected(dev_get_drvdata(&pdev->dev),
					      state);
}

/**
 * vfio_pci_core_err_handlers - PCI error handlers for vfio-pci drivers
 *
 * Relays AER errors to the user's VFIO_PCI_ERR_IRQ_INDEX eventfd; drivers
 * whose drvdata is their vfio_pci_core_device can use it as their
 * pci_driver's err_handler.
 */
const struct pci_error_handlers vfio_pci_core_err_handlers = {
	.error_detected	= vfio_pci_core_error_detected,
};
EXPORT_SYMBOL_GPL(vfio_pci_core_err_handlers);

static int __init vfio_pci_core_init(void)
{
	vfio_pci_debugfs_init();
	return 0;
}
module_init(vfio_pci_core_init);

static void __exit vfio_pci_core_exit(void)
{
	vfio_pci_debugfs_exit();
}
module_exit(vfio_pci_core_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO PCI core: library for drivers exposing PCI functions to userspace");
