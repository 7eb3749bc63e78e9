// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers for bus drivers: building the capability chains that follow a
 * *_GET_INFO reply, and checking a VFIO_DEVICE_SET_IRQS header.
 *
 * A chain lives in one kmalloc'ed buffer.  While it is built, each
 * header's next is the offset of the following one from the start of the
 * buffer (0 ends the chain); vfio_info_cap_shift() rebases the offsets
 * once the driver knows where the buffer lands in its reply.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vfio.h"

static void vfio_info_cap_free(struct vfio_info_cap *caps)
{
	kfree(caps->buf);
	caps->buf = NULL;
	caps->size = 0;
}

/**
 * vfio_info_cap_add - append a zeroed capability to a chain
 * @caps: the chain (start with both fields zero)
 * @size: size of the capability, header included
 * @id: capability id
 * @version: capability version
 *
 * On failure the whole chain is freed and @caps reset, so callers just
 * return the error.
 *
 * Return: the new capability (its header filled in, the rest zero) or an
 * ERR_PTR: -EINVAL for a @size smaller than the header or a chain that
 * would outgrow the 32-bit offsets, -ENOMEM.
 */
struct vfio_info_cap_header *vfio_info_cap_add(struct vfio_info_cap *caps,
					       size_t size, u16 id,
					       u16 version)
{
	struct vfio_info_cap_header *header, *tail;
	size_t new_size;
	void *buf;

	if (WARN_ON_ONCE(size < sizeof(*header)) ||
	    check_add_overflow(caps->size, size, &new_size) ||
	    new_size > U32_MAX) {
		vfio_info_cap_free(caps);
		return ERR_PTR(-EINVAL);
	}

	buf = krealloc(caps->buf, new_size, GFP_KERNEL);
	if (!buf) {
		vfio_info_cap_free(caps);
		return ERR_PTR(-ENOMEM);
	}
	caps->buf = buf;

	header = buf + caps->size;
	memset(header, 0, size);
	header->id = id;
	header->version = version;

	if (caps->size) {
		for (tail = buf; tail->next; tail = buf + tail->next)
			;
		tail->next = caps->size;
	}
	caps->size = new_size;
	return header;
}
EXPORT_SYMBOL_GPL(vfio_info_cap_add);

/**
 * vfio_info_cap_shift - rebase a chain's offsets
 * @caps: the chain
 * @offset: where the chain's buffer starts within the reply
 */
void vfio_info_cap_shift(struct vfio_info_cap *caps, size_t offset)
{
	struct vfio_info_cap_header *cap;
	void *buf = caps->buf;
	u32 next;

	if (!caps->size)
		return;

	for (cap = buf; cap->next; cap = buf + next) {
		next = cap->next;
		if (WARN_ON_ONCE(check_add_overflow(next, offset, &cap->next)))
			return;
	}
}
EXPORT_SYMBOL(vfio_info_cap_shift);

/**
 * vfio_info_add_capability - append a copy of a filled-in capability
 * @caps: the chain
 * @cap: the capability, header first (its next is ignored)
 * @size: size of @cap, header included
 *
 * Return: 0 or the error of vfio_info_cap_add() (the chain is then freed).
 */
int vfio_info_add_capability(struct vfio_info_cap *caps,
			     struct vfio_info_cap_header *cap, size_t size)
{
	struct vfio_info_cap_header *header;

	header = vfio_info_cap_add(caps, size, cap->id, cap->version);
	if (IS_ERR(header))
		return PTR_ERR(header);

	memcpy(header + 1, cap + 1, size - sizeof(*header));
	return 0;
}
EXPORT_SYMBOL(vfio_info_add_capability);

/**
 * vfio_set_irqs_validate_and_prepare - check a VFIO_DEVICE_SET_IRQS header
 * @hdr: the header, copied from userspace (at least up to count)
 * @num_irqs: number of interrupts of the index @hdr names
 * @max_irq_type: number of interrupt indexes of the device
 * @data_size: receives how many bytes of data follow the header
 *
 * Checks argsz, index, flags, the [start, start + count) range and that
 * argsz covers the data array implied by the data type.
 *
 * Return: 0 or -EINVAL.
 */
int vfio_set_irqs_validate_and_prepare(struct vfio_irq_set *hdr, int num_irqs,
				       int max_irq_type, size_t *data_size)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	size_t elem, total;
	u32 end;

	if (data_size)
		*data_size = 0;

	if (hdr->argsz < minsz || hdr->index >= max_irq_type)
		return -EINVAL;
	if (hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
			   VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return -EINVAL;
	if (num_irqs <= 0 || hdr->start >= (u32)num_irqs ||
	    check_add_overflow(hdr->start, hdr->count, &end) ||
	    end > (u32)num_irqs)
		return -EINVAL;

	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		return 0;
	case VFIO_IRQ_SET_DATA_BOOL:
		elem = sizeof(u8);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		elem = sizeof(s32);
		break;
	default:
		/* none or several data types */
		return -EINVAL;
	}

	if (!data_size ||
	    check_mul_overflow((size_t)hdr->count, elem, &total) ||
	    hdr->argsz - minsz < total)
		return -EINVAL;
	*data_size = total;
	return 0;
}
EXPORT_SYMBOL(vfio_set_irqs_validate_and_prepare);
