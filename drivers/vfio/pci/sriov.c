// SPDX-License-Identifier: GPL-2.0-only
/*
 * SR-IOV for vfio-pci: a PF given to userspace may create VFs
 * (sriov_configure), and the VF token ties the users of a PF and of its
 * VFs together.
 *
 * Whoever drives a PF can disturb or spy on its VFs (the PF resets them and
 * often relays their traffic), and a VF driver may trust its PF driver to
 * be the kernel.  So once a PF is in userspace, both sides must show they
 * cooperate: the PF's user sets a token (a UUID, through the
 * VFIO_DEVICE_FEATURE_PCI_VF_TOKEN feature or on its own open), and
 *
 *  - a VF whose PF created it through vfio-pci opens only with that token
 *    appended to its name ("0000:02:00.1 vf_token=<uuid>");
 *  - the PF, while any of those VFs is open, opens only with the token
 *    too; with none open, a token given on open becomes the new token.
 *
 * A token given where none is meant (a VF whose PF is not ours, or a
 * function that is neither) is refused, so a user learns that the
 * cooperation it assumes is not there.
 *
 * The PF side lives from register to unregister; the PFs that created VFs
 * through us are on vfio_pci_sriov_pfs, where a new VF finds its PF.  The
 * VFs are gone before the PF can go: the PF's unregister disables SR-IOV
 * first, which waits for every VF to be unbound.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>

#include "priv.h"

/*
 * PFs that enabled SR-IOV through vfio_pci_core_sriov_configure(), linked
 * by sriov_pfs_item; protected by the mutex.
 */
static DEFINE_MUTEX(vfio_pci_sriov_pfs_lock);
static LIST_HEAD(vfio_pci_sriov_pfs);

/**
 * struct vfio_pci_vf_token - the token a PF shares with its VFs' users
 * @lock: protects @uuid and @users
 * @uuid: the token; a random one until userspace sets its own
 * @users: VFs of the PF that are open
 */
struct vfio_pci_vf_token {
	struct mutex	lock;	/* @uuid, @users */
	uuid_t		uuid;
	unsigned int	users;
};

/*
 * VFs of a PF of ours show up bound to nothing: steer them to the PF's
 * driver, and warn when a host driver grabs one anyway (it would then
 * trust a PF driven by userspace).
 */
static int vfio_pci_sriov_notifier(struct notifier_block *nb,
				   unsigned long action, void *data)
{
	struct vfio_pci_core_device *vdev =
		container_of(nb, struct vfio_pci_core_device, sriov_nb);
	struct pci_dev *pdev = to_pci_dev(data);
	const char *name = vdev->vdev.ops->name;
	struct pci_driver *drv;

	if (!pdev->is_virtfn || pci_physfn(pdev) != vdev->pdev)
		return NOTIFY_DONE;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		if (driver_set_override(&pdev->dev, &pdev->driver_override,
					name, strlen(name)))
			pci_warn(vdev->pdev, "VF %s: cannot set driver_override to %s\n",
				 pci_name(pdev), name);
		else
			pci_info(vdev->pdev, "VF %s will bind to %s (driver_override)\n",
				 pci_name(pdev), name);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		drv = pci_dev_driver(pdev);
		if (drv && drv != pci_dev_driver(vdev->pdev))
			pci_warn(vdev->pdev, "VF %s bound to host driver %s while its PF is in userspace (%s)\n",
				 pci_name(pdev), drv->name, name);
		break;
	}
	return NOTIFY_DONE;
}

/**
 * vfio_pci_sriov_register - SR-IOV state of a function being registered
 * @vdev: the device, in its device set, not yet visible to userspace
 *
 * A VF looks for the PF that created it through vfio-pci; a PF gets a
 * random VF token and watches for its VFs appearing.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_sriov_register(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_core_device *cur;
	int ret;

	INIT_LIST_HEAD(&vdev->sriov_pfs_item);

	if (pdev->is_virtfn) {
		/*
		 * Cannot change until this VF is unbound: disabling SR-IOV
		 * on the PF removes its VFs first.
		 */
		mutex_lock(&vfio_pci_sriov_pfs_lock);
		list_for_each_entry(cur, &vfio_pci_sriov_pfs, sriov_pfs_item) {
			if (cur->pdev == pci_physfn(pdev)) {
				vdev->sriov_pf = cur;
				break;
			}
		}
		mutex_unlock(&vfio_pci_sriov_pfs_lock);
		return 0;
	}

	if (!pdev->is_physfn)
		return 0;

	vdev->vf_token = kzalloc(sizeof(*vdev->vf_token), GFP_KERNEL);
	if (!vdev->vf_token)
		return -ENOMEM;
	mutex_init(&vdev->vf_token->lock);
	uuid_gen(&vdev->vf_token->uuid);

	vdev->sriov_nb.notifier_call = vfio_pci_sriov_notifier;
	ret = bus_register_notifier(&pci_bus_type, &vdev->sriov_nb);
	if (ret) {
		mutex_destroy(&vdev->vf_token->lock);
		kfree(vdev->vf_token);
		vdev->vf_token = NULL;
	}
	return ret;
}

/**
 * vfio_pci_sriov_unregister - undo vfio_pci_sriov_register()
 * @vdev: the device, unregistered from the VFIO core (nobody has it open)
 */
void vfio_pci_sriov_unregister(struct vfio_pci_core_device *vdev)
{
	vdev->sriov_pf = NULL;
	if (!vdev->vf_token)
		return;

	bus_unregister_notifier(&pci_bus_type, &vdev->sriov_nb);
	/* VFs were removed before we got here, and took their users along */
	mutex_destroy(&vdev->vf_token->lock);
	kfree(vdev->vf_token);
	vdev->vf_token = NULL;
}

/**
 * vfio_pci_sriov_open - count an opened VF against its PF's token
 * @vdev: the device that finished opening
 */
void vfio_pci_sriov_open(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_vf_token *token;

	if (!vdev->sriov_pf)
		return;
	token = vdev->sriov_pf->vf_token;
	mutex_lock(&token->lock);
	token->users++;
	mutex_unlock(&token->lock);
	vdev->sriov_counted = true;
}

/**
 * vfio_pci_sriov_close - undo vfio_pci_sriov_open(), if it was done
 * @vdev: the device being closed
 */
void vfio_pci_sriov_close(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_vf_token *token;

	if (!vdev->sriov_counted)
		return;
	token = vdev->sriov_pf->vf_token;
	mutex_lock(&token->lock);
	token->users--;
	mutex_unlock(&token->lock);
	vdev->sriov_counted = false;
}

/* A VF of a vfio-pci PF: the PF's token is required and must match */
static int vfio_pci_check_vf_side(struct vfio_pci_core_device *vdev,
				  const uuid_t *token)
{
	struct vfio_pci_vf_token *pf_token;
	bool match;

	if (!vdev->sriov_pf) {
		if (!token)
			return 0;
		pci_info_ratelimited(vdev->pdev,
				     "vf_token refused: the PF of this VF is not driven by vfio-pci, there is no token to match\n");
		return -EINVAL;
	}

	if (!token) {
		pci_info_ratelimited(vdev->pdev,
				     "VF token required: the PF %s is in userspace; append \"vf_token=<uuid>\" with the token its user set\n",
				     pci_name(vdev->sriov_pf->pdev));
		return -EACCES;
	}

	pf_token = vdev->sriov_pf->vf_token;
	mutex_lock(&pf_token->lock);
	match = uuid_equal(token, &pf_token->uuid);
	mutex_unlock(&pf_token->lock);
	if (!match) {
		pci_info_ratelimited(vdev->pdev,
				     "VF token does not match the one set on the PF %s\n",
				     pci_name(vdev->sriov_pf->pdev));
		return -EACCES;
	}
	return 0;
}

/* A PF: the token is required while VFs are open, else it sets it */
static int vfio_pci_check_pf_side(struct vfio_pci_core_device *vdev,
				  const uuid_t *token)
{
	struct vfio_pci_vf_token *vf_token = vdev->vf_token;
	int ret = 0;

	mutex_lock(&vf_token->lock);
	if (!vf_token->users) {
		if (token)
			uuid_copy(&vf_token->uuid, token);
	} else if (!token) {
		pci_info_ratelimited(vdev->pdev,
				     "VF token required: %u VF(s) of this PF are open; append \"vf_token=<uuid>\" with their token\n",
				     vf_token->users);
		ret = -EACCES;
	} else if (!uuid_equal(token, &vf_token->uuid)) {
		pci_info_ratelimited(vdev->pdev,
				     "VF token does not match the one its open VFs were given\n");
		ret = -EACCES;
	}
	mutex_unlock(&vf_token->lock);
	return ret;
}

/**
 * vfio_pci_check_vf_token - check the vf_token option of a device name
 * @vdev: the device userspace names in VFIO_GROUP_GET_DEVICE_FD
 * @token: the token given, or NULL
 *
 * Return: 0 if the device may be opened, -EACCES for a missing or wrong
 * token, -EINVAL for a token on a function that takes none (each with a
 * line in the log).
 */
int vfio_pci_check_vf_token(struct vfio_pci_core_device *vdev,
			    const uuid_t *token)
{
	if (vdev->pdev->is_virtfn)
		return vfio_pci_check_vf_side(vdev, token);
	if (vdev->vf_token)
		return vfio_pci_check_pf_side(vdev, token);
	if (token) {
		pci_info_ratelimited(vdev->pdev,
				     "vf_token refused: this function is neither an SR-IOV PF nor a VF\n");
		return -EINVAL;
	}
	return 0;
}

/**
 * vfio_pci_feature_vf_token - VFIO_DEVICE_FEATURE_PCI_VF_TOKEN
 * @vdev: the device
 * @flags: the feature request's flags
 * @arg: user pointer to the uuid_t
 * @argsz: bytes at @arg
 *
 * SET only: reading the token back would hand it to whoever opens the PF
 * next.
 *
 * Return: 0 or a negative errno; -ENOTTY on a function that is not a PF.
 */
int vfio_pci_feature_vf_token(struct vfio_pci_core_device *vdev, u32 flags,
			      void __user *arg, size_t argsz)
{
	uuid_t uuid;
	int ret;

	if (!vdev->vf_token)
		return -ENOTTY;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
				 sizeof(uuid));
	if (ret != 1)
		return ret;

	if (copy_from_user(&uuid, arg, sizeof(uuid)))
		return -EFAULT;

	mutex_lock(&vdev->vf_token->lock);
	uuid_copy(&vdev->vf_token->uuid, &uuid);
	mutex_unlock(&vdev->vf_token->lock);
	return 0;
}

/**
 * vfio_pci_core_sriov_configure - sriov_configure for vfio-pci PF drivers
 * @vdev: the PF
 * @nr_virtfn: VFs wanted; 0 disables SR-IOV
 *
 * Call from the pci_driver's sriov_configure callback (the device lock is
 * held).  The PF stays in D0 while VFs exist.  VFs can be created only
 * once between two disables.
 *
 * Return: @nr_virtfn on enable, 0 on disable, or a negative errno.
 */
int vfio_pci_core_sriov_configure(struct vfio_pci_core_device *vdev,
				  int nr_virtfn)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	device_lock_assert(&pdev->dev);

	if (!nr_virtfn) {
		if (pci_num_vf(pdev)) {
			pci_disable_sriov(pdev);
			pm_runtime_put(&pdev->dev);
		}
		ret = 0;
		goto out_forget;
	}

	mutex_lock(&vfio_pci_sriov_pfs_lock);
	if (!list_empty(&vdev->sriov_pfs_item)) {
		mutex_unlock(&vfio_pci_sriov_pfs_lock);
		pci_info(pdev, "VFs already enabled; write 0 to sriov_numvfs first\n");
		return -EINVAL;
	}
	list_add_tail(&vdev->sriov_pfs_item, &vfio_pci_sriov_pfs);
	mutex_unlock(&vfio_pci_sriov_pfs_lock);

	/*
	 * A PF in a low-power state (idle, or put there by its user) must
	 * come back to D0 first, and stay there while it has VFs: this
	 * runtime PM reference is dropped when SR-IOV is disabled.
	 */
	ret = pm_runtime_resume_and_get(&pdev->dev);
	if (ret)
		goto out_forget;

	ret = vfio_pci_sriov_power_up(vdev);
	if (!ret)
		ret = pci_enable_sriov(pdev, nr_virtfn);
	if (ret) {
		pm_runtime_put(&pdev->dev);
		goto out_forget;
	}
	return nr_virtfn;

out_forget:
	/*
	 * sriov_active is cleared without memory_lock: a racing power state
	 * change can at worst fail with -EBUSY and leave the PF in D0.
	 */
	WRITE_ONCE(vdev->sriov_active, false);
	mutex_lock(&vfio_pci_sriov_pfs_lock);
	list_del_init(&vdev->sriov_pfs_item);
	mutex_unlock(&vfio_pci_sriov_pfs_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_sriov_configure);
