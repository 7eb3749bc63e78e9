// SPDX-License-Identifier: GPL-2.0-only
/*
 * Table-driven ioctl argument handling for the container, group and device
 * fds.  Each fd kind declares a table of struct vfio_ioctl_op; the
 * dispatcher below finds the entry, fetches the argument once in the way
 * the entry says (a plain value, a pointer to an int, or an argsz-prefixed
 * struct checked against its minimum size) and only then runs the handler,
 * so no handler repeats the argsz/minsz dance.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "vfio.h"

static const struct vfio_ioctl_op *
vfio_ioctl_find(const struct vfio_ioctl_table *table, unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < table->count; i++)
		if (table->ops[i].cmd == cmd)
			return &table->ops[i];
	return NULL;
}

/*
 * Fetch an argsz-prefixed struct: argsz must cover the mandatory fields;
 * a larger argsz is fine (newer userspace, or room for a capability chain
 * the handler writes itself) and only our own struct size is copied.
 */
static int vfio_ioctl_fetch_struct(const struct vfio_ioctl_op *op,
				   struct vfio_ioctl_arg *a)
{
	u32 argsz;

	if (get_user(argsz, (u32 __user *)a->uptr))
		return -EFAULT;
	if (argsz < op->min_size)
		return -EINVAL;
	a->argsz = argsz;
	if (copy_from_user(a->buf, a->uptr, min_t(u32, argsz, op->size)))
		return -EFAULT;
	return 0;
}

/**
 * vfio_ioctl_dispatch - run one ioctl through a table
 * @table: the fd kind's table
 * @obj: object handed to the handler (container, group or device)
 * @cmd: ioctl command
 * @arg: ioctl argument
 *
 * Return: the handler's result, -ENOTTY for an unknown command without a
 * fallback, -EFAULT or -EINVAL when the argument cannot be fetched.
 */
long vfio_ioctl_dispatch(const struct vfio_ioctl_table *table, void *obj,
			 unsigned int cmd, unsigned long arg)
{
	const struct vfio_ioctl_op *op = vfio_ioctl_find(table, cmd);
	struct vfio_ioctl_arg a = {
		.value = arg,
		.uptr = (void __user *)arg,
	};
	long ret;

	if (!op)
		return table->fallback ? table->fallback(obj, cmd, arg) : -ENOTTY;

	switch (op->kind) {
	case VFIO_IOCTL_ARG_INT:
		if (get_user(a.ival, (s32 __user *)a.uptr))
			return -EFAULT;
		break;
	case VFIO_IOCTL_ARG_STRUCT:
		ret = vfio_ioctl_fetch_struct(op, &a);
		if (ret)
			return ret;
		break;
	default:
		break;
	}

	ret = op->fn(obj, &a);
	if (ret >= 0 && op->kind == VFIO_IOCTL_ARG_STRUCT && op->copy_out &&
	    copy_to_user(a.uptr, a.buf, min_t(u32, a.argsz, op->size)))
		return -EFAULT;
	return ret;
}
