// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resets of vfio-pci devices: VFIO_DEVICE_RESET (a function reset),
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO and VFIO_DEVICE_PCI_HOT_RESET (a
 * slot or bus reset), and the bus reset tried when the last device of a
 * device set is closed.
 *
 * Functions that one slot or bus reset reaches share a device set (see
 * vfio_pci_dev_set_assign()).  A slot or bus reset is only done when every
 * function it reaches is in that set, i.e. driven by vfio-pci (or a variant
 * driver) and not by a host driver, under the set's lock, so no member can
 * be opened or closed meanwhile.  Userspace proves it owns all of them by
 * passing fds of the VFIO groups holding every member: a member that is
 * open is then necessarily open through one of those groups, i.e. by the
 * caller.
 *
 * Lock order: dev_set->lock, then each member's memory_lock (try-locked,
 * as another task may hold several of them in another order).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "priv.h"

/**
 * vfio_pci_dev_set_assign - put a function in its reset set (register)
 * @vdev: the device, initialized, not yet registered
 *
 * Functions on a root bus and VFs can only be reset on their own.  Others
 * share a set with whatever their slot reset (if the slot can be reset) or
 * bus reset also reaches.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_dev_set_assign(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	void *set_id = pdev->bus;

	if (pci_is_root_bus(pdev->bus) || pdev->is_virtfn)
		set_id = vdev;
	else if (!pci_probe_reset_slot(pdev->slot))
		set_id = pdev->slot;

	return vfio_assign_device_set(&vdev->vdev, set_id);
}

/* Is @pdev behind (or in) @slot? */
static bool vfio_pci_dev_in_slot(struct pci_dev *pdev, struct pci_slot *slot)
{
	for (; pdev; pdev = pdev->bus->self)
		if (pdev->bus == slot->bus)
			return pdev->slot == slot;
	return false;
}

/* Called for each function a reset reaches; non-zero stops the walk */
typedef int (*vfio_pci_dev_fn_t)(struct pci_dev *pdev, void *data);

/**
 * struct vfio_pci_walk - a walk over the functions a reset reaches
 * @fn: called for each function
 * @data: passed to @fn
 * @slot: only the functions in this slot, or NULL for the whole bus
 * @ret: what @fn returned last
 */
struct vfio_pci_walk {
	vfio_pci_dev_fn_t	fn;
	void		*data;
	struct pci_slot	*slot;
	int		ret;
};

static int vfio_pci_walk_one(struct pci_dev *pdev, void *data)
{
	struct vfio_pci_walk *walk = data;

	if (!walk->slot || vfio_pci_dev_in_slot(pdev, walk->slot))
		walk->ret = walk->fn(pdev, walk->data);
	return walk->ret;
}

/*
 * Call @fn for every function a slot reset (@slot) or bus reset of
 * @pdev's slot or bus reaches, subordinate buses included.
 */
static int vfio_pci_walk_reset_devs(struct pci_dev *pdev, bool slot,
				       vfio_pci_dev_fn_t fn, void *data)
{
	struct vfio_pci_walk walk = {
		.fn = fn,
		.data = data,
		.slot = slot ? pdev->slot : NULL,
	};

	pci_walk_bus(pdev->bus, vfio_pci_walk_one, &walk);
	return walk.ret;
}

/*
 * How a hot reset of @pdev would be done: 1 for a slot reset, 0 for a bus
 * reset, -ENODEV if neither works.
 */
static int vfio_pci_hot_reset_kind(struct pci_dev *pdev)
{
	if (!pci_probe_reset_slot(pdev->slot))
		return 1;
	if (!pci_probe_reset_bus(pdev->bus))
		return 0;
	pci_info_ratelimited(pdev, "no hot reset: neither its slot nor its bus can be reset\n");
	return -ENODEV;
}

static int vfio_pci_count_dev(struct pci_dev *pdev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/* Reset function of the open function: why there is none */
static void vfio_pci_explain_no_reset(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	if (vdev->reset_err != -ENOTTY)
		pci_info_ratelimited(pdev, "VFIO_DEVICE_RESET unavailable: the reset tried on open failed (%d)\n",
				     vdev->reset_err);
	else if (pci_is_root_bus(pdev->bus))
		pci_info_ratelimited(pdev, "VFIO_DEVICE_RESET unavailable: no FLR or PM reset, and a device on a root bus has no bus reset to fall back on\n");
	else
		pci_info_ratelimited(pdev, "VFIO_DEVICE_RESET unavailable: no FLR or PM reset, and a reset of its slot or bus %02x would reach other devices (see VFIO_DEVICE_PCI_HOT_RESET)\n",
				     pdev->bus->number);
}

/**
 * vfio_pci_reset_function - VFIO_DEVICE_RESET
 * @vdev: the open device
 *
 * Resets the function alone: FLR, PM reset, or a reset of a slot or bus
 * it is alone on, whichever the PCI core finds first; its config state is
 * restored around it.  User mappings of its BARs are zapped and accesses
 * wait meanwhile.
 *
 * Return: 0, -EINVAL if the function cannot be reset (logged once per
 * burst), -EAGAIN if its device lock is contended, or another errno.
 */
int vfio_pci_reset_function(struct vfio_pci_core_device *vdev)
{
	int ret;

	if (!vdev->reset_works) {
		vfio_pci_explain_no_reset(vdev);
		return -EINVAL;
	}

	vfio_pci_zap_and_down_write_memory_lock(vdev);
	/*
	 * The user may have put the function in D3hot, where a PM reset
	 * fails and from where the PCI core would return it to D0 without
	 * restoring what it lost.
	 */
	vfio_pci_set_power_state(vdev, PCI_D0);
	ret = pci_try_reset_function(vdev->pdev);
	up_write(&vdev->memory_lock);

	if (ret == -EAGAIN)
		pci_info_ratelimited(vdev->pdev, "reset: the device is locked by another task, try again\n");
	return ret;
}

/**
 * struct vfio_pci_fill - filling a VFIO_DEVICE_GET_PCI_HOT_RESET_INFO reply
 * @devices: the entries
 * @max: room in @devices
 * @cur: entries filled
 */
struct vfio_pci_fill {
	struct vfio_pci_dependent_device	*devices;
	unsigned int				max;
	unsigned int				cur;
};

static int vfio_pci_fill_dev(struct pci_dev *pdev, void *data)
{
	struct vfio_pci_fill *fill = data;
	struct vfio_pci_dependent_device *dep;
	struct iommu_group *group;

	/* A function appeared since we counted: let the user try again */
	if (fill->cur == fill->max)
		return -EAGAIN;

	group = iommu_group_get(&pdev->dev);
	if (!group) {
		pci_info_ratelimited(pdev, "a hot reset would reach this function, which has no IOMMU group: not resettable from userspace\n");
		return -EPERM;
	}

	dep = &fill->devices[fill->cur++];
	dep->group_id = iommu_group_id(group);
	dep->segment = pci_domain_nr(pdev->bus);
	dep->bus = pdev->bus->number;
	dep->devfn = pdev->devfn;
	iommu_group_put(group);
	return 0;
}

/**
 * vfio_pci_hot_reset_info - VFIO_DEVICE_GET_PCI_HOT_RESET_INFO
 * @vdev: the open device
 * @hdr: the header, copied in (argsz checked)
 * @uarg: the user's structure, for the reply
 *
 * Lists every function a hot reset of @vdev would reach, with its IOMMU
 * group.  When argsz has no room for all of them, fails with -ENOSPC and
 * count set to how many there are.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_hot_reset_info(struct vfio_pci_core_device *vdev,
			    struct vfio_pci_hot_reset_info *hdr,
			    void __user *uarg)
{
	const size_t hdr_size = offsetofend(struct vfio_pci_hot_reset_info,
					    count);
	struct vfio_pci_hot_reset_info __user *uinfo = uarg;
	struct vfio_pci_fill fill = {};
	unsigned int count = 0;
	int slot, ret;

	hdr->flags = 0;

	slot = vfio_pci_hot_reset_kind(vdev->pdev);
	if (slot < 0)
		return slot;

	vfio_pci_walk_reset_devs(vdev->pdev, slot, vfio_pci_count_dev,
				    &count);
	if (hdr->argsz < sizeof(*hdr) + (size_t)count * sizeof(*fill.devices)) {
		hdr->count = count;
		return copy_to_user(uarg, hdr, hdr_size) ? -EFAULT : -ENOSPC;
	}

	fill.max = count;
	fill.devices = kcalloc(count, sizeof(*fill.devices), GFP_KERNEL);
	if (!fill.devices)
		return -ENOMEM;

	/* Functions gone since counting just make the list shorter */
	ret = vfio_pci_walk_reset_devs(vdev->pdev, slot,
					  vfio_pci_fill_dev, &fill);
	if (ret)
		goto out_free;

	hdr->count = fill.cur;
	if (copy_to_user(uarg, hdr, hdr_size) ||
	    copy_to_user(uinfo->devices, fill.devices,
			 (size_t)fill.cur * sizeof(*fill.devices)))
		ret = -EFAULT;
out_free:
	kfree(fill.devices);
	return ret;
}

/**
 * struct vfio_pci_groups - the VFIO group files a hot reset caller passed
 * @files: the files, referenced
 * @count: entries in @files
 */
struct vfio_pci_groups {
	struct file	**files;
	unsigned int	count;
};

static bool vfio_pci_in_groups(struct vfio_pci_core_device *vdev,
			       const struct vfio_pci_groups *groups)
{
	unsigned int i;

	for (i = 0; i < groups->count; i++)
		if (vfio_file_has_dev(groups->files[i], &vdev->vdev))
			return true;
	return false;
}

static int vfio_pci_dev_in_set(struct pci_dev *pdev, void *data)
{
	struct vfio_device_set *dev_set = data;
	struct vfio_device *cur;

	list_for_each_entry(cur, &dev_set->device_list, dev_set_list)
		if (cur->dev == &pdev->dev)
			return 0;
	return -EBUSY;
}

/*
 * The function to pass to pci_reset_bus() for a slot or bus reset of the
 * set, if that reset is possible and reaches only members of the set;
 * otherwise NULL.  All members share the same slot or bus, so any of them
 * will do.
 */
static struct pci_dev *
vfio_pci_dev_set_resettable(struct vfio_device_set *dev_set)
{
	struct pci_dev *pdev;
	int slot;

	lockdep_assert_held(&dev_set->lock);

	pdev = list_first_entry(&dev_set->device_list,
				struct vfio_pci_core_device,
				vdev.dev_set_list)->pdev;

	if (!pci_probe_reset_slot(pdev->slot))
		slot = 1;
	else if (!pci_probe_reset_bus(pdev->bus))
		slot = 0;
	else
		return NULL;

	if (vfio_pci_walk_reset_devs(pdev, slot, vfio_pci_dev_in_set,
					dev_set))
		return NULL;
	return pdev;
}

/* Resume every member for the reset; undo with vfio_pci_dev_set_pm_put() */
static int vfio_pci_dev_set_pm_get(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;
	int ret;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		ret = pm_runtime_resume_and_get(&cur->pdev->dev);
		if (ret)
			goto unwind;
	}
	return 0;

unwind:
	list_for_each_entry_continue_reverse(cur, &dev_set->device_list,
					     vdev.dev_set_list)
		pm_runtime_put(&cur->pdev->dev);
	return ret;
}

static void vfio_pci_dev_set_pm_put(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list)
		pm_runtime_put(&cur->pdev->dev);
}

/*
 * vfio_pci_zap_and_down_write_memory_lock() without waiting: false if the
 * lock is taken.  Zapping after taking the lock is enough, as pages are
 * only inserted under it (mmap.c).
 */
static bool vfio_pci_zap_and_down_write_memory_trylock(struct vfio_pci_core_device *vdev)
{
	struct inode *inode;

	if (!down_write_trylock(&vdev->memory_lock))
		return false;
	/* Pairs with the release publishing the inode (mmap.c) */
	inode = smp_load_acquire(&vdev->map_inode);
	if (inode)
		unmap_mapping_range(inode->i_mapping, 0, 0, true);
	return true;
}

/*
 * Try-lock every member's memory_lock (another task may be locking them
 * in another order), zapping its mappings.  Return the member whose lock
 * could not be taken (locks before it are held), or NULL with all held.
 */
static struct vfio_pci_core_device *
vfio_pci_dev_set_lock_memory(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		if (!vfio_pci_zap_and_down_write_memory_trylock(cur))
			return cur;
	}
	return NULL;
}

/* Release memory_lock of the members before @stop (NULL: all of them) */
static void vfio_pci_dev_set_unlock_memory(struct vfio_device_set *dev_set,
					   struct vfio_pci_core_device *stop)
{
	struct vfio_pci_core_device *cur;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		if (cur == stop)
			break;
		up_write(&cur->memory_lock);
	}
}

static int vfio_pci_dev_set_hot_reset(struct vfio_device_set *dev_set,
				      const struct vfio_pci_groups *groups)
{
	struct vfio_pci_core_device *cur, *busy;
	struct pci_dev *pdev;
	int ret;

	mutex_lock(&dev_set->lock);

	pdev = vfio_pci_dev_set_resettable(dev_set);
	if (!pdev) {
		cur = list_first_entry(&dev_set->device_list,
				       struct vfio_pci_core_device,
				       vdev.dev_set_list);
		pci_info_ratelimited(cur->pdev, "hot reset refused: it would reach a function not bound to vfio-pci\n");
		ret = -EINVAL;
		goto out_unlock;
	}

	/* Every member must be reachable through the caller's groups */
	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list) {
		if (!vfio_pci_in_groups(cur, groups)) {
			pci_info_ratelimited(cur->pdev, "hot reset refused: the caller did not pass the fd of this function's VFIO group\n");
			ret = -EINVAL;
			goto out_unlock;
		}
	}

	/* Some members may be runtime suspended: wake them all */
	ret = vfio_pci_dev_set_pm_get(dev_set);
	if (ret)
		goto out_unlock;

	busy = vfio_pci_dev_set_lock_memory(dev_set);
	if (busy) {
		ret = -EBUSY;
		goto out_pm;
	}

	/*
	 * pci_reset_bus() would bring members in D3hot back to D0 itself,
	 * without restoring what they lost there.
	 */
	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list)
		vfio_pci_set_power_state(cur, PCI_D0);

	ret = pci_reset_bus(pdev);

out_pm:
	vfio_pci_dev_set_unlock_memory(dev_set, busy);
	vfio_pci_dev_set_pm_put(dev_set);
out_unlock:
	mutex_unlock(&dev_set->lock);
	return ret;
}

/**
 * vfio_pci_hot_reset - VFIO_DEVICE_PCI_HOT_RESET
 * @vdev: the open device
 * @hdr: the header, copied in (argsz checked)
 * @uarg: the user's structure, with the group fds after the header
 *
 * Return: 0 or a negative errno: -EINVAL for bad flags or count, an fd
 * that is not a VFIO group, a reset that would reach a function not bound
 * to vfio-pci or outside the groups passed; -EBADF for a bad fd; -ENODEV
 * when no slot or bus reset is possible; -EBUSY or -EAGAIN when a member
 * is busy.
 */
int vfio_pci_hot_reset(struct vfio_pci_core_device *vdev,
		       struct vfio_pci_hot_reset *hdr, void __user *uarg)
{
	struct vfio_pci_hot_reset __user *ureset = uarg;
	struct vfio_pci_groups groups = {};
	unsigned int count = 0, i;
	s32 *fds;
	int slot, ret;

	if (hdr->flags)
		return -EINVAL;

	slot = vfio_pci_hot_reset_kind(vdev->pdev);
	if (slot < 0)
		return slot;

	/*
	 * Each group holds at least one of the functions the reset reaches:
	 * more fds than functions cannot be right, and bounds the copy.
	 */
	vfio_pci_walk_reset_devs(vdev->pdev, slot, vfio_pci_count_dev,
				    &count);
	if (!hdr->count || hdr->count > count)
		return -EINVAL;

	fds = memdup_user(ureset->group_fds, hdr->count * sizeof(*fds));
	if (IS_ERR(fds))
		return PTR_ERR(fds);

	groups.files = kcalloc(hdr->count, sizeof(*groups.files), GFP_KERNEL);
	if (!groups.files) {
		ret = -ENOMEM;
		goto out_free_fds;
	}

	/* The references keep the groups alive across the reset */
	for (i = 0; i < hdr->count; i++) {
		struct file *file = fget(fds[i]);

		if (!file) {
			ret = -EBADF;
			goto out_put;
		}
		if (!vfio_file_is_group(file)) {
			fput(file);
			ret = -EINVAL;
			goto out_put;
		}
		groups.files[groups.count++] = file;
	}

	ret = vfio_pci_dev_set_hot_reset(vdev->vdev.dev_set, &groups);

out_put:
	for (i = 0; i < groups.count; i++)
		fput(groups.files[i]);
	kfree(groups.files);
out_free_fds:
	kfree(fds);
	return ret;
}

/* Some member was used and could not reset itself, and none is open */
static bool vfio_pci_dev_set_needs_reset(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;

	/* The member being closed still counts as open */
	if (vfio_device_set_open_count(dev_set) > 1)
		return false;

	list_for_each_entry(cur, &dev_set->device_list, vdev.dev_set_list)
		if (cur->needs_reset)
			return true;
	return false;
}

/**
 * vfio_pci_dev_set_try_reset - reset the slot or bus on the last close
 * @dev_set: the set of the device being closed; its lock is held
 *
 * When the last open member is being closed and some member was left
 * dirty (it could not reset itself), reset the set's slot or bus if that
 * reaches members only.  Best effort: a failure leaves them marked.
 */
void vfio_pci_dev_set_try_reset(struct vfio_device_set *dev_set)
{
	struct vfio_pci_core_device *cur;
	struct pci_dev *pdev;
	bool done;

	lockdep_assert_held(&dev_set->lock);

	if (!vfio_pci_dev_set_needs_reset(dev_set))
		return;

	pdev = vfio_pci_dev_set_resettable(dev_set);
	if (!pdev)
		return;

	if (vfio_pci_dev_set_pm_get(dev_set))
		return;

	done = !pci_reset_bus(pdev);
	if (done)
		list_for_each_entry(cur, &dev_set->device_list,
				    vdev.dev_set_list)
			cur->needs_reset = false;

	vfio_pci_dev_set_pm_put(dev_set);
}
