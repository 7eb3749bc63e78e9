// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config space virtualization: what userspace reads from and writes to the
 * CONFIG region.
 *
 * When the device is opened, config space is cut into segments: the
 * standard header, then each capability on the capability list.  Every
 * segment has a kind, and every kind a table of fields saying, bit by bit,
 * which bits are virtual (kept in vdev->vconfig instead of the hardware)
 * and which bits userspace may write:
 *
 *	virtual, writable	write goes to vconfig, read comes from vconfig
 *	virtual, read-only	read comes from vconfig, write dropped
 *	real, writable		read and write reach the hardware
 *	real, read-only		read comes from the hardware, write dropped
 *
 * Bits not named by any field, and bytes outside every segment, are real
 * and read-only.  A kind may also bring virtual bytes up to date before
 * they are read (BAR sizing, MSI state) and react after a write (INTx
 * Disable, BARs).
 *
 * Accesses are split at segment boundaries into naturally aligned 1, 2 or
 * 4 byte pieces.  The tables and hooks live in config_perm.c.
 */
#include <linux/bitops.h>
#include <linux/minmax.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include "config.h"

/* One capability per dword after the header, at most */
#define VFIO_PCI_MAX_CAPS \
	((PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF) / PCI_CAP_SIZEOF)

static int vfio_pci_hw_read(struct pci_dev *pdev, unsigned int pos,
			    unsigned int len, u32 *val)
{
	u16 word;
	u8 byte;
	int ret;

	switch (len) {
	case 1:
		ret = pci_user_read_config_byte(pdev, pos, &byte);
		*val = byte;
		return ret;
	case 2:
		ret = pci_user_read_config_word(pdev, pos, &word);
		*val = word;
		return ret;
	case 4:
		return pci_user_read_config_dword(pdev, pos, val);
	}
	return -EINVAL;
}

static int vfio_pci_hw_write(struct pci_dev *pdev, unsigned int pos,
			     unsigned int len, u32 val)
{
	switch (len) {
	case 1:
		return pci_user_write_config_byte(pdev, pos, val);
	case 2:
		return pci_user_write_config_word(pdev, pos, val);
	case 4:
		return pci_user_write_config_dword(pdev, pos, val);
	}
	return -EINVAL;
}

/*
 * Change the @mask bits of the @len bytes at @pos to those of @val.  The
 * device access is narrowed to the aligned word or byte holding the bits
 * when it can be, so neighbouring registers are not written back: some
 * have write-1-to-clear bits (the status register next to the command
 * register, for one).
 */
static int vfio_pci_hw_update(struct pci_dev *pdev, unsigned int pos,
			      unsigned int len, u32 mask, u32 val)
{
	unsigned int lo = __ffs(mask) / 8, hi = __fls(mask) / 8;
	unsigned int shift;
	u32 cur;
	int ret;

	if (lo == hi)
		len = 1;
	else if (len == 4 && lo / 2 == hi / 2)
		len = 2;
	lo &= ~(len - 1);
	pos += lo;
	shift = 8 * lo;
	mask >>= shift;
	val >>= shift;

	ret = vfio_pci_hw_read(pdev, pos, len, &cur);
	if (ret)
		return ret;
	return vfio_pci_hw_write(pdev, pos, len, (cur & ~mask) | (val & mask));
}

/*
 * Virtual and writable masks for [off, off + len) of a segment of @kind,
 * as little-endian values like the data.
 */
static void vfio_pci_cfg_masks(const struct vfio_pci_cfg_kind *kind,
			       unsigned int off, unsigned int len,
			       u32 *virt, u32 *write)
{
	unsigned int i, b;

	*virt = 0;
	*write = 0;
	for (i = 0; i < kind->nr_fields; i++) {
		const struct vfio_pci_cfg_field *f = &kind->fields[i];

		for (b = max_t(unsigned int, off, f->off);
		     b < min_t(unsigned int, off + len, f->off + f->len); b++) {
			unsigned int from = 8 * (b - f->off);
			unsigned int to = 8 * (b - off);

			*virt |= ((f->virt >> from) & 0xff) << to;
			*write |= ((f->write >> from) & 0xff) << to;
		}
	}
}

/*
 * Add @seg to the device's segments, keeping them disjoint: a capability
 * running into another one is cut short where the other starts.
 * Returns false if @seg starts where another one does (a looping list).
 */
static bool vfio_pci_cfg_add_seg(struct vfio_pci_core_device *vdev,
				 struct vfio_pci_cfg_seg *seg)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int i;

	if (seg->start + seg->len > PCI_CFG_SPACE_SIZE) {
		dev_warn_ratelimited(&pdev->dev, "capability at %#x runs past the end of config space\n",
				     seg->start);
		seg->len = PCI_CFG_SPACE_SIZE - seg->start;
	}

	for (i = 0; i < vdev->num_cfg_segs; i++) {
		struct vfio_pci_cfg_seg *other = &vdev->cfg_segs[i];

		if (!vfio_pci_overlaps(seg->start, seg->len,
				       other->start, other->len))
			continue;
		if (other->start == seg->start)
			return false;
		dev_warn_ratelimited(&pdev->dev, "capabilities at %#x and %#x overlap\n",
				     other->start, seg->start);
		if (other->start < seg->start)
			other->len = seg->start - other->start;
		else
			seg->len = other->start - seg->start;
	}

	vdev->cfg_segs[vdev->num_cfg_segs++] = *seg;
	return true;
}

static int vfio_pci_cfg_scan_caps(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_cfg_seg seg;
	unsigned int loops;
	u8 pos, id, next;
	u16 status;
	int ret;

	ret = pci_read_config_word(pdev, PCI_STATUS, &status);
	if (ret)
		return pcibios_err_to_errno(ret);
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;

	ret = pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &pos);
	if (ret)
		return pcibios_err_to_errno(ret);

	for (loops = 0; pos && loops < VFIO_PCI_MAX_CAPS; loops++) {
		pos &= ~3;
		if (pos < PCI_STD_HEADER_SIZEOF) {
			dev_warn_ratelimited(&pdev->dev, "capability list points into the header (%#x)\n",
					     pos);
			break;
		}

		ret = pci_read_config_byte(pdev, pos + PCI_CAP_LIST_ID, &id);
		if (!ret)
			ret = pci_read_config_byte(pdev, pos + PCI_CAP_LIST_NEXT,
						   &next);
		if (ret)
			return pcibios_err_to_errno(ret);

		ret = vfio_pci_cap_layout(pdev, id, pos, &seg);
		if (ret)
			return ret;
		if (!vfio_pci_cfg_add_seg(vdev, &seg)) {
			dev_warn_ratelimited(&pdev->dev, "capability list loops at %#x\n", pos);
			break;
		}
		pos = next;
	}
	return 0;
}

static int vfio_pci_cfg_seg_cmp(const void *a, const void *b)
{
	const struct vfio_pci_cfg_seg *sa = a, *sb = b;

	return (int)sa->start - (int)sb->start;
}

/* Copy [pos, pos + len) of the real config space into vconfig */
static int vfio_pci_vconfig_fill(struct vfio_pci_core_device *vdev,
				 unsigned int pos, unsigned int len)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int end = pos + len;
	u32 dword;
	u16 word;
	u8 byte;
	int ret;

	while (pos < end) {
		if (!(pos & 3) && end - pos >= 4) {
			ret = pci_read_config_dword(pdev, pos, &dword);
			vfio_pci_vconfig_put(vdev, pos, 4, dword);
			pos += 4;
		} else if (!(pos & 1) && end - pos >= 2) {
			ret = pci_read_config_word(pdev, pos, &word);
			vfio_pci_vconfig_put(vdev, pos, 2, word);
			pos += 2;
		} else {
			ret = pci_read_config_byte(pdev, pos, &byte);
			vdev->vconfig[pos] = byte;
			pos++;
		}
		if (ret)
			return pcibios_err_to_errno(ret);
	}
	return 0;
}

/**
 * vfio_pci_config_init - set up config space virtualization (device open)
 * @vdev: the device being opened
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_config_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_cfg_seg hdr = {
		.start	= 0,
		.len	= PCI_STD_HEADER_SIZEOF,
		.kind	= &vfio_pci_hdr_kind,
	};
	unsigned int i;
	u16 cmd;
	int ret;

	vdev->vconfig = kzalloc(pdev->cfg_size, GFP_KERNEL_ACCOUNT);
	vdev->cfg_segs = kcalloc(1 + VFIO_PCI_MAX_CAPS,
				 sizeof(*vdev->cfg_segs), GFP_KERNEL_ACCOUNT);
	if (!vdev->vconfig || !vdev->cfg_segs) {
		ret = -ENOMEM;
		goto out_free;
	}

	vdev->num_cfg_segs = 0;
	vfio_pci_cfg_add_seg(vdev, &hdr);
	ret = vfio_pci_cfg_scan_caps(vdev);
	if (ret)
		goto out_free;
	sort(vdev->cfg_segs, vdev->num_cfg_segs, sizeof(*vdev->cfg_segs),
	     vfio_pci_cfg_seg_cmp, NULL);

	for (i = 0; i < vdev->num_cfg_segs; i++) {
		ret = vfio_pci_vconfig_fill(vdev, vdev->cfg_segs[i].start,
					    vdev->cfg_segs[i].len);
		if (ret)
			goto out_free;
	}

	/* The user's INTx Disable starts clear, like virq_disabled */
	cmd = vfio_pci_vconfig_get(vdev, PCI_COMMAND, 2);
	vfio_pci_vconfig_put(vdev, PCI_COMMAND, 2,
			     cmd & ~PCI_COMMAND_INTX_DISABLE);

	if (!vdev->has_intx)
		vdev->vconfig[PCI_INTERRUPT_PIN] = 0;

	vdev->bardirty = true;
	return 0;

out_free:
	vfio_pci_config_free(vdev);
	return ret;
}

/**
 * vfio_pci_config_free - undo vfio_pci_config_init() (device close)
 * @vdev: the device being closed
 */
void vfio_pci_config_free(struct vfio_pci_core_device *vdev)
{
	kfree(vdev->cfg_segs);
	vdev->cfg_segs = NULL;
	vdev->num_cfg_segs = 0;
	kfree(vdev->vconfig);
	vdev->vconfig = NULL;
}

/*
 * The segment holding @pos, or NULL if @pos is in a gap.  *@limit is set
 * to the end of that segment or gap.
 */
static const struct vfio_pci_cfg_seg *
vfio_pci_cfg_find(struct vfio_pci_core_device *vdev, unsigned int pos,
		  unsigned int *limit)
{
	unsigned int i;

	for (i = 0; i < vdev->num_cfg_segs; i++) {
		const struct vfio_pci_cfg_seg *seg = &vdev->cfg_segs[i];

		if (pos < seg->start) {
			*limit = seg->start;
			return NULL;
		}
		if (pos < seg->start + seg->len) {
			*limit = seg->start + seg->len;
			return seg;
		}
	}
	*limit = vdev->pdev->cfg_size;
	return NULL;
}

static int vfio_pci_cfg_read_one(struct vfio_pci_core_device *vdev,
				 const struct vfio_pci_cfg_seg *seg,
				 unsigned int pos, unsigned int len, u32 *val)
{
	u32 full = len == 4 ? ~0U : (1U << (8 * len)) - 1;
	u32 virt = 0, write, hw = 0;
	int ret;

	if (seg) {
		unsigned int off = pos - seg->start;

		vfio_pci_cfg_masks(seg->kind, off, len, &virt, &write);
		if (virt && seg->kind->prepare_read)
			seg->kind->prepare_read(vdev, seg, off, len);
	}

	if (virt != full) {
		ret = vfio_pci_hw_read(vdev->pdev, pos, len, &hw);
		if (ret)
			return ret;
	}

	*val = hw & ~virt;
	if (virt)
		*val |= vfio_pci_vconfig_get(vdev, pos, len) & virt;
	return 0;
}

static int vfio_pci_cfg_write_one(struct vfio_pci_core_device *vdev,
				  const struct vfio_pci_cfg_seg *seg,
				  unsigned int pos, unsigned int len, u32 val)
{
	unsigned int off;
	u32 virt, write, mask, cur;
	int ret;

	if (!seg)
		return 0;	/* gaps are read-only */

	off = pos - seg->start;
	vfio_pci_cfg_masks(seg->kind, off, len, &virt, &write);
	if (!write)
		return 0;

	mask = write & virt;
	if (mask) {
		cur = vfio_pci_vconfig_get(vdev, pos, len);
		vfio_pci_vconfig_put(vdev, pos, len,
				     (cur & ~mask) | (val & mask));
	}

	mask = write & ~virt;
	if (mask) {
		ret = vfio_pci_hw_update(vdev->pdev, pos, len, mask, val);
		if (ret)
			return ret;
	}

	if (seg->kind->after_write)
		return seg->kind->after_write(vdev, seg, off, len);
	return 0;
}

/* Largest naturally aligned access of at most 4 bytes at @pos */
static unsigned int vfio_pci_cfg_access_size(unsigned int pos,
					     unsigned int left)
{
	if (left >= 4 && !(pos & 3))
		return 4;
	if (left >= 2 && !(pos & 1))
		return 2;
	return 1;
}

/**
 * vfio_pci_config_rw - read or write the CONFIG region
 * @vdev: an open device
 * @index: VFIO_PCI_CONFIG_REGION_INDEX
 * @buf: user buffer
 * @count: bytes wanted
 * @off: offset in config space
 * @iswrite: direction
 *
 * Return: bytes transferred (fewer than @count at the end of config space
 * or if a device access fails midway), or a negative errno.
 */
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   unsigned int index, char __user *buf,
			   size_t count, u64 off, bool iswrite)
{
	unsigned int cfg_size = vdev->pdev->cfg_size;
	unsigned int pos, n, limit, i;
	size_t done = 0;
	int ret = 0;
	u32 val;
	u8 *kbuf;

	if (off >= cfg_size)
		return -EINVAL;
	count = min_t(u64, count, cfg_size - off);

	/* Bounce through the kernel so no user fault happens under the lock */
	if (iswrite) {
		kbuf = memdup_user(buf, count);
		if (IS_ERR(kbuf))
			return PTR_ERR(kbuf);
	} else {
		kbuf = kmalloc(count, GFP_KERNEL_ACCOUNT);
		if (!kbuf)
			return -ENOMEM;
	}

	mutex_lock(&vdev->config_lock);
	while (done < count) {
		const struct vfio_pci_cfg_seg *seg;

		pos = off + done;
		seg = vfio_pci_cfg_find(vdev, pos, &limit);
		n = vfio_pci_cfg_access_size(pos, min_t(size_t, count - done,
							limit - pos));
		if (iswrite) {
			for (val = 0, i = 0; i < n; i++)
				val |= (u32)kbuf[done + i] << (8 * i);
			ret = vfio_pci_cfg_write_one(vdev, seg, pos, n, val);
		} else {
			ret = vfio_pci_cfg_read_one(vdev, seg, pos, n, &val);
			for (i = 0; !ret && i < n; i++)
				kbuf[done + i] = val >> (8 * i);
		}
		if (ret)
			break;
		done += n;
	}
	mutex_unlock(&vdev->config_lock);

	if (done && !iswrite && copy_to_user(buf, kbuf, done)) {
		done = 0;
		ret = -EFAULT;
	}
	kfree(kbuf);

	return done ? done : ret;
}
