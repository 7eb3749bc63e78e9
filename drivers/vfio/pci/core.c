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
	mutex_init(&vdev->vma_lock);
	INIT_LIST_HEAD(&vdev->vma_list);

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

	mutex_destroy(&vdev->vma_lock);
	mutex_destroy(&vdev->igate);
	mutex_destroy(&vdev->config_lock);
	mutex_destroy(&vdev->barmap_lock);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_uninit_device);

/*
 * Functions that a reset reaches together share a device set, so a bus or
 * slot reset can check that none of them is in use.  A function on a root
 * bus, or a VF, can only be reset on its own.
 */
static void *vfio_pci_dev_set_id(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	if (pci_is_root_bus(pdev->bus) || pdev->is_virtfn)
		return vdev;
	if (!pci_probe_reset_slot(pdev->slot))
		return pdev->slot;
	return pdev->bus;
}

/**
 * vfio_pci_core_register_device - expose an initialized device to userspace
 * @vdev: the device, set up with vfio_pci_core_init_device()
 *
 * Puts the function in its reset set and registers it with the VFIO core,
 * which creates or joins its group.  Only normal (type 0 header) functions
 * can be registered, and not an SR-IOV PF whose VFs are already enabled.
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

	/*
	 * The VFs of an enabled PF may already be in use by the host or by
	 * other users, and we cannot take them over; let the administrator
	 * disable SR-IOV first.
	 */
	if (pci_num_vf(pdev)) {
		pci_warn(pdev, "cannot bind to a PF with SR-IOV enabled; disable its VFs first\n");
		return -EBUSY;
	}

	ret = vfio_assign_device_set(&vdev->vdev, vfio_pci_dev_set_id(vdev));
	if (ret)
		return ret;

	return vfio_register_group_dev(&vdev->vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_register_device);

/**
 * vfio_pci_core_unregister_device - take a device away from userspace
 * @vdev: a registered device
 *
 * Waits until userspace has closed every file descriptor of the device,
 * asking it through the request callback meanwhile.
 */
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev)
{
	vfio_unregister_group_dev(&vdev->vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_unregister_device);

/**
 * vfio_pci_core_enable - prepare the function for a new userspace user
 * @vdev: the device; its device set lock is held (open_device)
 *
 * Enables the function, resets it when it can, saves its config state for
 * vfio_pci_core_disable() to restore, and sets up config space
 * virtualization.  A driver's open_device op calls this, adds anything of
 * its own, then calls vfio_pci_core_finish_enable().
 *
 * Return: 0 or a negative errno; on error nothing is left enabled.
 */
int vfio_pci_core_enable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd;
	int ret;

	lockdep_assert_held(&vdev->vdev.dev_set->lock);

	/* The state saved below must not have bus mastering on */
	pci_clear_master(pdev);

	ret = pci_enable_device(pdev);
	if (ret)
		return ret;

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

	pci_save_state(pdev);
	vdev->pci_saved_state = pci_store_saved_state(pdev);
	if (!vdev->pci_saved_state)
		pci_dbg(pdev, "could not keep the config state, it will not be restored on close\n");

	/*
	 * With PCI 2.3 INTx masking, INTx Disable is ours to mask the line;
	 * start with the line unmasked.
	 */
	vdev->pci_2_3 = pci_intx_mask_supported(pdev);
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (vdev->pci_2_3 && (cmd & PCI_COMMAND_INTX_DISABLE)) {
		cmd &= ~PCI_COMMAND_INTX_DISABLE;
		pci_write_config_word(pdev, PCI_COMMAND, cmd);
	}

	vdev->has_intx = pdev->pin && pdev->irq &&
			 pdev->irq != IRQ_NOTCONNECTED;

	ret = vfio_pci_config_init(vdev);
	if (ret)
		goto out_free_state;

	return 0;

out_free_state:
	kfree(vdev->pci_saved_state);
	vdev->pci_saved_state = NULL;
out_disable:
	pci_disable_device(pdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_enable);

/**
 * vfio_pci_core_finish_enable - last step of opening a device
 * @vdev: the device, enabled with vfio_pci_core_enable()
 *
 * Decides which BARs userspace may mmap.  Cannot fail.
 */
void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev)
{
	vfio_pci_mmap_probe(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_finish_enable);

/**
 * vfio_pci_core_disable - return the function to the host in a clean state
 * @vdev: the device; its device set lock is held (close_device)
 *
 * Stops DMA and interrupts, drops every eventfd userspace registered,
 * unmaps the BARs, then restores the config state saved on open around a
 * function reset when one works, and disables the function.
 */
void vfio_pci_core_disable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	lockdep_assert_held(&vdev->vdev.dev_set->lock);

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

/*
 * A VF token proves that the user of a VF has the consent of the user of
 * its PF (and the other way round).  SR-IOV is not supported yet, so no
 * function needs one and none may be given.
 */
static int vfio_pci_check_vf_token(struct vfio_pci_core_device *vdev,
				   const uuid_t *token)
{
	if (token) {
		pci_info_ratelimited(vdev->pdev,
				     "vf_token given, but this function is not a VF or a PF with VFs\n");
		return -EINVAL;
	}
	return 0;
}

/**
 * vfio_pci_core_match - match callback for PCI devices
 * @core_vdev: the device
 * @buf: the name userspace asked for: the PCI address ("0000:00:03.0"),
 *	 optionally followed by space separated options ("vf_token=UUID")
 *
 * Return: 1 if @buf names this device (with valid options), 0 if it names
 * another device, or a negative errno to fail the lookup (a malformed,
 * unknown or repeated option, or a bad VF token).
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

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO PCI core: library for drivers exposing PCI functions to userspace");
