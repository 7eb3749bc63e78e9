// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device migration (VFIO_DEVICE_FEATURE_MIGRATION and _MIG_DEVICE_STATE)
 * and the migration state machine drivers step through.
 *
 * The arcs a driver implements form a tree rooted at STOP:
 *
 *   RUNNING -- RUNNING_P2P -- STOP -- STOP_COPY
 *                               \---- RESUMING
 *
 * (RUNNING hangs directly off STOP when the device lacks
 * VFIO_MIGRATION_P2P).  Any requested transition is the unique path in
 * that tree, taken one arc at a time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/uaccess.h>

#include "vfio.h"

/* whether the device's migration_flags offer @state at all */
static bool vfio_mig_state_supported(struct vfio_device *device,
				     enum vfio_device_mig_state state)
{
	u32 flags = device->migration_flags;

	switch (state) {
	case VFIO_DEVICE_STATE_STOP:
	case VFIO_DEVICE_STATE_RUNNING:
	case VFIO_DEVICE_STATE_STOP_COPY:
	case VFIO_DEVICE_STATE_RESUMING:
		return flags & VFIO_MIGRATION_STOP_COPY;
	case VFIO_DEVICE_STATE_RUNNING_P2P:
		return (flags & VFIO_MIGRATION_STOP_COPY) &&
		       (flags & VFIO_MIGRATION_P2P);
	default:
		/* ERROR can be entered by a failing driver, never requested */
		return false;
	}
}

/* the neighbour of @state one arc closer to STOP (STOP for STOP itself) */
static enum vfio_device_mig_state
vfio_mig_toward_stop(struct vfio_device *device,
		     enum vfio_device_mig_state state)
{
	if (state == VFIO_DEVICE_STATE_RUNNING &&
	    (device->migration_flags & VFIO_MIGRATION_P2P))
		return VFIO_DEVICE_STATE_RUNNING_P2P;
	return VFIO_DEVICE_STATE_STOP;
}

/**
 * vfio_mig_get_next_state - next arc on the way between two states
 * @device: the device (its migration_flags say which states exist)
 * @cur_fsm: state the device is in
 * @new_fsm: state userspace asked for
 * @next_fsm: receives the state to move to next
 *
 * Drivers implement single arcs only (RUNNING <-> RUNNING_P2P or STOP,
 * RUNNING_P2P <-> STOP, STOP <-> STOP_COPY, STOP <-> RESUMING) and call
 * this repeatedly, moving one arc each time, until @new_fsm is reached.
 *
 * Return: 0, or -EINVAL if either state is unsupported by the device or
 * the ERROR state (then @next_fsm is ERROR when @cur_fsm was).
 */
int vfio_mig_get_next_state(struct vfio_device *device,
			    enum vfio_device_mig_state cur_fsm,
			    enum vfio_device_mig_state new_fsm,
			    enum vfio_device_mig_state *next_fsm)
{
	enum vfio_device_mig_state state;

	if (cur_fsm == VFIO_DEVICE_STATE_ERROR) {
		*next_fsm = VFIO_DEVICE_STATE_ERROR;
		return -EINVAL;
	}
	/* the current state is the driver's own: anything else is its bug */
	if (WARN_ON_ONCE(!vfio_mig_state_supported(device, cur_fsm)))
		return -EINVAL;
	if (!vfio_mig_state_supported(device, new_fsm))
		return -EINVAL;

	if (cur_fsm == new_fsm) {
		*next_fsm = new_fsm;
		return 0;
	}

	/*
	 * Climb from the target toward STOP.  Passing through @cur_fsm means
	 * the target lies below it: step down to the child we came from.
	 * Otherwise the path leaves @cur_fsm toward STOP.
	 */
	for (state = new_fsm; state != VFIO_DEVICE_STATE_STOP;) {
		enum vfio_device_mig_state up = vfio_mig_toward_stop(device, state);

		if (up == cur_fsm) {
			*next_fsm = state;
			return 0;
		}
		state = up;
	}
	*next_fsm = vfio_mig_toward_stop(device, cur_fsm);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_mig_get_next_state);

/* VFIO_DEVICE_FEATURE_MIGRATION: GET the device's migration flags */
int vfio_device_feature_migration(struct vfio_device *device, u32 flags,
				  void __user *arg, size_t argsz)
{
	struct vfio_device_feature_migration mig = {
		.flags = device->migration_flags,
	};
	int ret;

	if (!device->mig_ops)
		return -ENOTTY;

	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_GET,
				 sizeof(mig));
	if (ret != 1)
		return ret;
	if (copy_to_user(arg, &mig, sizeof(mig)))
		return -EFAULT;
	return 0;
}

/* hand a driver's data-transfer file to userspace as mig->data_fd */
static int vfio_mig_install_data_fd(struct file *filp, void __user *arg,
				    struct vfio_device_feature_mig_state *mig)
{
	int fd;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		fput(filp);
		return fd;
	}

	mig->data_fd = fd;
	if (copy_to_user(arg, mig, sizeof(*mig))) {
		put_unused_fd(fd);
		fput(filp);
		return -EFAULT;
	}
	fd_install(fd, filp);
	return 0;
}

/*
 * VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE: GET reports the current state,
 * SET moves the device (the driver validates device_state through
 * vfio_mig_get_next_state()).  States that move data return a file for
 * it as data_fd; otherwise data_fd is -1.
 */
int vfio_device_feature_mig_state(struct vfio_device *device, u32 flags,
				  void __user *arg, size_t argsz)
{
	struct vfio_device_feature_mig_state mig;
	enum vfio_device_mig_state state;
	struct file *filp = NULL;
	int ret;

	if (!device->mig_ops)
		return -ENOTTY;

	ret = vfio_check_feature(flags, argsz,
				 VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET,
				 sizeof(mig));
	if (ret != 1)
		return ret;

	if (copy_from_user(&mig, arg, sizeof(mig)))
		return -EFAULT;

	if (flags & VFIO_DEVICE_FEATURE_GET) {
		ret = device->mig_ops->migration_get_state(device, &state);
		if (ret)
			return ret;
		mig.device_state = state;
	} else {
		filp = device->mig_ops->migration_set_state(device,
							    mig.device_state);
		if (!IS_ERR_OR_NULL(filp))
			return vfio_mig_install_data_fd(filp, arg, &mig);
	}

	mig.data_fd = -1;
	if (copy_to_user(arg, &mig, sizeof(mig)))
		return -EFAULT;
	return IS_ERR(filp) ? PTR_ERR(filp) : 0;
}
