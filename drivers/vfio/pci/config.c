// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config space virtualization: what userspace reads from and writes to the
 * CONFIG region.
 *
 * When the device is opened, config space is cut into segments: the
 * standard header, each capability on the capability list and each
 * extended capability.  Every segment has a kind, and every kind a table
 * of fields saying, bit by bit, which bits are virtual (kept in
 * vdev->vconfig instead of the hardware) and which bits userspace may
 * write:
 *
 *	virtual, writable	write goes to vconfig, read comes from vconfig
 *	virtual, read-only	read comes from vconfig, write dropped
 *	real, writable		read and write reach the hardware
 *	real, read-only		read comes from the hardware, write dropped
 *
 * Bits not named by any field are real and read-only, or real and
 * writable in a "raw" kind (vendor-specific capabilities).  A kind may
 * bring virtual bytes up to date before they are read (BAR sizing, MSI
 * state) and take over writes (command register, power state, FLR).
 *
 * Capabilities are laid out by the tables of config_caps.c and
 * config_ecaps.c; one a table does not know is hidden: unlinked from its
 * list (the next pointers are virtual), its bytes left to the gaps.  Bytes
 * outside every segment, in the gaps between capabilities, are passed
 * through for reads and writes, as Linux does: some devices keep registers
 * there.
 *
 * Accesses are split at segment boundaries into naturally aligned 1, 2 or
 * 4 byte pieces.  An access reaching past the end of config space is
 * refused whole.
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

/* Accesses up to this size go through a buffer on the stack */
#define VFIO_PCI_CFG_BOUNCE	16

/* Extended capabilities: one per dword after the conventional space */
#define VFIO_PCI_MAX_ECAPS \
	((PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / PCI_CAP_SIZEOF)

/* The next pointer in an extended capability header */
#define VFIO_PCI_ECAP_NEXT_MASK	(0xffcU << 20)

/**
 * vfio_pci_cfg_hw_read - read the device's config space for userspace
 * @pdev: the function
 * @pos: offset
 * @len: 1, 2 or 4, @pos aligned to it
 * @val: the value read
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_cfg_hw_read(struct pci_dev *pdev, unsigned int pos,
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

/**
 * vfio_pci_cfg_hw_write - write the device's config space for userspace
 * @pdev: the function
 * @pos: offset
 * @len: 1, 2 or 4, @pos aligned to it
 * @val: the value
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_cfg_hw_write(struct pci_dev *pdev, unsigned int pos,
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

static u32 vfio_pci_len_mask(unsigned int len)
{
	return len == 4 ? ~0U : (1U << (8 * len)) - 1;
}

/*
 * Change the @mask bits of the @len bytes at @pos to those of @val.  The
 * device access is narrowed to the aligned word or byte holding the bits
 * when it can be, so neighbouring registers are not written back: some
 * have write-1-to-clear bits (the status register next to the command
 * register, for one).  Bits outside @mask in the access are read first and
 * written back, unless @mask covers the whole access.
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
	mask = (mask >> shift) & vfio_pci_len_mask(len);
	val >>= shift;

	if (mask == vfio_pci_len_mask(len))
		return vfio_pci_cfg_hw_write(pdev, pos, len, val);

	ret = vfio_pci_cfg_hw_read(pdev, pos, len, &cur);
	if (ret)
		return ret;
	return vfio_pci_cfg_hw_write(pdev, pos, len,
				     (cur & ~mask) | (val & mask));
}

/* Marks a byte outside every segment in vdev->cfg_map */
#define VFIO_PCI_CFG_GAP	U16_MAX

/*
 * Virtual and writable masks for [pos, pos + len), as little-endian values
 * like the data.
 */
static void vfio_pci_cfg_masks(struct vfio_pci_core_device *vdev,
			       unsigned int pos, unsigned int len,
			       u32 *virt, u32 *write)
{
	*virt = vfio_pci_le_get(vdev->cfg_virt + pos, len);
	*write = vfio_pci_le_get(vdev->cfg_write + pos, len);
}

/* Spread the fields of @seg (and of its kind's bases) over the byte maps */
static void vfio_pci_cfg_map_seg(struct vfio_pci_core_device *vdev,
				 unsigned int idx)
{
	const struct vfio_pci_cfg_seg *seg = &vdev->cfg_segs[idx];
	const struct vfio_pci_cfg_kind *kind;
	unsigned int i, b;

	for (b = 0; b < seg->len; b++)
		vdev->cfg_map[seg->start + b] = idx;

	for (kind = seg->kind; kind; kind = kind->base) {
		for (i = 0; i < kind->nr_fields; i++) {
			const struct vfio_pci_cfg_field *f = &kind->fields[i];

			for (b = f->off; b < f->off + f->len && b < seg->len; b++) {
				vdev->cfg_virt[seg->start + b] |=
					f->virt >> (8 * (b - f->off));
				vdev->cfg_write[seg->start + b] |=
					f->write >> (8 * (b - f->off));
			}
		}
	}

	if (seg->kind->raw)
		for (b = seg->start; b < seg->start + seg->len; b++)
			vdev->cfg_write[b] |= ~vdev->cfg_virt[b];
}

/*
 * Add a segment, keeping them disjoint: one running into another is cut
 * short where the other starts.  Returns -EEXIST if one starts at @start
 * already (the list walks see each dword once, so only a bug would).
 */
static int vfio_pci_cfg_add_seg(struct vfio_pci_core_device *vdev,
				unsigned int start, unsigned int len,
				const struct vfio_pci_cfg_kind *kind,
				unsigned int *cap)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_cfg_seg *segs;
	unsigned int i;

	if (start + len > pdev->cfg_size) {
		dev_warn_ratelimited(&pdev->dev, "capability at %#x runs past the end of config space\n",
				     start);
		len = pdev->cfg_size - start;
	}

	for (i = 0; i < vdev->num_cfg_segs; i++) {
		struct vfio_pci_cfg_seg *other = &vdev->cfg_segs[i];

		if (!vfio_pci_overlaps(start, len, other->start, other->len))
			continue;
		if (other->start == start)
			return -EEXIST;
		dev_warn_ratelimited(&pdev->dev, "config space conflict: capabilities at %#x and %#x overlap\n",
				     other->start, start);
		if (other->start < start)
			other->len = start - other->start;
		else
			len = other->start - start;
	}

	if (vdev->num_cfg_segs == *cap) {
		segs = krealloc_array(vdev->cfg_segs, 2 * *cap, sizeof(*segs),
				      GFP_KERNEL_ACCOUNT);
		if (!segs)
			return -ENOMEM;
		vdev->cfg_segs = segs;
		*cap *= 2;
	}

	vdev->cfg_segs[vdev->num_cfg_segs++] = (struct vfio_pci_cfg_seg) {
		.start	= start,
		.len	= len,
		.kind	= kind,
	};
	return 0;
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

/* The last segment added: fill it from the device, then let it adjust */
static int vfio_pci_cfg_fill_last(struct vfio_pci_core_device *vdev)
{
	const struct vfio_pci_cfg_seg *seg =
		&vdev->cfg_segs[vdev->num_cfg_segs - 1];
	int ret;

	ret = vfio_pci_vconfig_fill(vdev, seg->start, seg->len);
	if (!ret && seg->kind->init)
		seg->kind->init(vdev, seg);
	return ret;
}

/* Length and kind of capability @id at @pos in @table; 0 hides it */
static int vfio_pci_cap_layout(struct pci_dev *pdev,
			       const struct vfio_pci_cap_desc *table,
			       unsigned int nr, const struct vfio_pci_cfg_kind *ro,
			       u16 id, unsigned int pos,
			       const struct vfio_pci_cfg_kind **kind)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (table[i].id != id)
			continue;
		*kind = table[i].kind ?: ro;
		if (table[i].probe)
			return table[i].probe(pdev, pos, kind);
		return table[i].len;
	}
	return 0;
}

static int vfio_pci_cfg_scan_caps(struct vfio_pci_core_device *vdev,
				  unsigned int *cap)
{
	struct pci_dev *pdev = vdev->pdev;
	const struct vfio_pci_cfg_kind *kind;
	unsigned int prev = PCI_CAPABILITY_LIST, kept = 0;
	DECLARE_BITMAP(seen, VFIO_PCI_MAX_CAPS) = {};
	u8 pos, id, next;
	u16 status;
	int ret, len;

	ret = pci_read_config_word(pdev, PCI_STATUS, &status);
	if (ret)
		return pcibios_err_to_errno(ret);
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;

	ret = pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &pos);
	if (ret)
		return pcibios_err_to_errno(ret);

	while (pos) {
		if (pos < PCI_STD_HEADER_SIZEOF) {
			dev_warn_ratelimited(&pdev->dev, "capability list points into the header (%#x)\n",
					     pos);
			vdev->vconfig[prev] = 0;
			break;
		}
		pos &= ~3;
		/* Each dword once: a list that loops (or a gone device) ends */
		if (test_and_set_bit((pos - PCI_STD_HEADER_SIZEOF) / 4, seen)) {
			dev_warn_ratelimited(&pdev->dev, "capability list loops at %#x\n",
					     pos);
			vdev->vconfig[prev] = 0;
			break;
		}

		ret = pci_read_config_byte(pdev, pos + PCI_CAP_LIST_ID, &id);
		if (!ret)
			ret = pci_read_config_byte(pdev, pos + PCI_CAP_LIST_NEXT,
						   &next);
		if (ret)
			return pcibios_err_to_errno(ret);

		len = vfio_pci_cap_layout(pdev, vfio_pci_caps, vfio_pci_nr_caps,
					  &vfio_pci_cap_ro_kind, id, pos, &kind);
		if (len < 0)
			return len;
		if (!len) {
			pci_info(pdev, "hiding capability %#x at %#x\n", id, pos);
			vdev->vconfig[prev] = next;
			pos = next;
			continue;
		}

		ret = vfio_pci_cfg_add_seg(vdev, pos, len, kind, cap);
		if (!ret)
			ret = vfio_pci_cfg_fill_last(vdev);
		if (ret)
			return ret;

		prev = pos + PCI_CAP_LIST_NEXT;
		kept++;
		pos = next;
	}

	if (!kept)
		vfio_pci_vconfig_put(vdev, PCI_STATUS, 2,
				     status & ~PCI_STATUS_CAP_LIST);
	return 0;
}

static int vfio_pci_cfg_scan_ecaps(struct vfio_pci_core_device *vdev,
				   unsigned int *cap)
{
	struct pci_dev *pdev = vdev->pdev;
	const struct vfio_pci_cfg_kind *kind;
	unsigned int epos = PCI_CFG_SPACE_SIZE, kept = 0;
	DECLARE_BITMAP(seen, VFIO_PCI_MAX_ECAPS) = {};
	int ret, len, prev = -1;
	u32 header, hdr;
	u16 id;

	if (pdev->cfg_size <= PCI_CFG_SPACE_SIZE)
		return 0;

	while (epos >= PCI_CFG_SPACE_SIZE && epos + 4 <= pdev->cfg_size) {
		/* Each dword once: a list that loops ends */
		if (test_and_set_bit((epos - PCI_CFG_SPACE_SIZE) / 4, seen)) {
			dev_warn_ratelimited(&pdev->dev, "extended capability list loops at %#x\n",
					     epos);
			if (prev >= 0)
				vfio_pci_vconfig_put(vdev, prev, 4,
						     vfio_pci_vconfig_get(vdev, prev, 4) &
						     ~VFIO_PCI_ECAP_NEXT_MASK);
			break;
		}
		ret = pci_read_config_dword(pdev, epos, &header);
		if (ret)
			return pcibios_err_to_errno(ret);
		if (!header || header == ~0U)
			break;

		id = PCI_EXT_CAP_ID(header);
		len = vfio_pci_cap_layout(pdev, vfio_pci_ecaps,
					  vfio_pci_nr_ecaps,
					  &vfio_pci_ecap_ro_kind, id, epos,
					  &kind);
		if (len < 0)
			return len;

		if (!len && prev >= 0) {
			/* Unlink it: the previous header points past it */
			pci_info(pdev, "hiding extended capability %#x at %#x\n",
				 id, epos);
			hdr = vfio_pci_vconfig_get(vdev, prev, 4);
			hdr &= ~(VFIO_PCI_ECAP_NEXT_MASK);
			hdr |= PCI_EXT_CAP_NEXT(header) << 20;
			vfio_pci_vconfig_put(vdev, prev, 4, hdr);
			epos = PCI_EXT_CAP_NEXT(header);
			continue;
		}

		/*
		 * The list has to start at 0x100: a hidden first capability
		 * leaves a header there with ID and version 0 that only
		 * links on.
		 */
		if (!len)
			pci_info(pdev, "hiding extended capability %#x at %#x\n",
				 id, epos);
		ret = vfio_pci_cfg_add_seg(vdev, epos, len ?: 4,
					   len ? kind : &vfio_pci_ecap_ro_kind,
					   cap);
		if (!ret)
			ret = vfio_pci_cfg_fill_last(vdev);
		if (ret)
			return ret;

		if (len)
			kept++;
		else
			vfio_pci_vconfig_put(vdev, epos, 4,
					     header & VFIO_PCI_ECAP_NEXT_MASK);
		prev = epos;
		epos = PCI_EXT_CAP_NEXT(header);
	}

	if (!kept && prev >= 0)
		vfio_pci_vconfig_put(vdev, PCI_CFG_SPACE_SIZE, 4, 0);
	return 0;
}

static int vfio_pci_cfg_seg_cmp(const void *a, const void *b)
{
	const struct vfio_pci_cfg_seg *sa = a, *sb = b;

	return (int)sa->start - (int)sb->start;
}

/**
 * vfio_pci_config_init - set up config space virtualization (device open)
 * @vdev: the device being opened; interrupts probed already
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_config_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int cap = 16, i;
	int ret;

	vdev->vconfig = kzalloc(pdev->cfg_size, GFP_KERNEL_ACCOUNT);
	vdev->cfg_virt = kzalloc(pdev->cfg_size, GFP_KERNEL_ACCOUNT);
	vdev->cfg_write = kzalloc(pdev->cfg_size, GFP_KERNEL_ACCOUNT);
	vdev->cfg_map = kmalloc_array(pdev->cfg_size, sizeof(*vdev->cfg_map),
				      GFP_KERNEL_ACCOUNT);
	vdev->cfg_segs = kcalloc(cap, sizeof(*vdev->cfg_segs),
				 GFP_KERNEL_ACCOUNT);
	if (!vdev->vconfig || !vdev->cfg_virt || !vdev->cfg_write ||
	    !vdev->cfg_map || !vdev->cfg_segs) {
		ret = -ENOMEM;
		goto out_free;
	}

	vdev->num_cfg_segs = 0;
	ret = vfio_pci_cfg_add_seg(vdev, 0, PCI_STD_HEADER_SIZEOF,
				   pdev->no_command_memory ?
				   &vfio_pci_hdr_nomem_kind : &vfio_pci_hdr_kind,
				   &cap);
	if (!ret)
		ret = vfio_pci_vconfig_fill(vdev, 0, PCI_STD_HEADER_SIZEOF);
	if (ret)
		goto out_free;
	vfio_pci_hdr_init(vdev);

	ret = vfio_pci_cfg_scan_caps(vdev, &cap);
	if (!ret)
		ret = vfio_pci_cfg_scan_ecaps(vdev, &cap);
	if (ret)
		goto out_free;

	sort(vdev->cfg_segs, vdev->num_cfg_segs, sizeof(*vdev->cfg_segs),
	     vfio_pci_cfg_seg_cmp, NULL);

	/* Byte maps, so an access finds its segment and masks at once */
	for (i = 0; i < pdev->cfg_size; i++)
		vdev->cfg_map[i] = VFIO_PCI_CFG_GAP;
	for (i = 0; i < vdev->num_cfg_segs; i++)
		vfio_pci_cfg_map_seg(vdev, i);
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
	kfree(vdev->cfg_map);
	vdev->cfg_map = NULL;
	kfree(vdev->cfg_write);
	vdev->cfg_write = NULL;
	kfree(vdev->cfg_virt);
	vdev->cfg_virt = NULL;
	kfree(vdev->vconfig);
	vdev->vconfig = NULL;
}

static int vfio_pci_cfg_read_one(struct vfio_pci_core_device *vdev,
				 const struct vfio_pci_cfg_seg *seg,
				 unsigned int pos, unsigned int len, u32 *val)
{
	u32 virt = 0, write, hw = 0;
	int ret;

	if (seg) {
		vfio_pci_cfg_masks(vdev, pos, len, &virt, &write);
		if (virt && seg->kind->prepare_read)
			seg->kind->prepare_read(vdev, seg, pos, len);
	}

	if (virt != vfio_pci_len_mask(len)) {
		ret = vfio_pci_cfg_hw_read(vdev->pdev, pos, len, &hw);
		if (ret)
			return ret;
	}

	*val = hw & ~virt;
	if (virt)
		*val |= vfio_pci_vconfig_get(vdev, pos, len) & virt;
	return 0;
}

/**
 * vfio_pci_cfg_write_fields - apply a write as the segment's fields say
 * @vdev: an open device; config_lock held
 * @seg: the segment
 * @pos: offset of the access, inside @seg
 * @len: its size, 1, 2 or 4, @pos aligned to it
 * @val: the value written
 *
 * Writable virtual bits go to vconfig, writable real bits to the device;
 * the rest is dropped.
 *
 * Return: 0 or a negative errno from the device access.
 */
int vfio_pci_cfg_write_fields(struct vfio_pci_core_device *vdev,
			      const struct vfio_pci_cfg_seg *seg,
			      unsigned int pos, unsigned int len, u32 val)
{
	u32 virt, write, mask, cur;

	lockdep_assert_held(&vdev->config_lock);

	vfio_pci_cfg_masks(vdev, pos, len, &virt, &write);

	mask = write & virt;
	if (mask) {
		cur = vfio_pci_vconfig_get(vdev, pos, len);
		vfio_pci_vconfig_put(vdev, pos, len,
				     (cur & ~mask) | (val & mask));
	}

	mask = write & ~virt;
	if (mask)
		return vfio_pci_hw_update(vdev->pdev, pos, len, mask, val);
	return 0;
}

static int vfio_pci_cfg_write_one(struct vfio_pci_core_device *vdev,
				  const struct vfio_pci_cfg_seg *seg,
				  unsigned int pos, unsigned int len, u32 val)
{
	if (!seg)	/* gaps are passed through */
		return vfio_pci_cfg_hw_write(vdev->pdev, pos, len, val);
	if (seg->kind->write)
		return seg->kind->write(vdev, seg, pos, len, val);
	return vfio_pci_cfg_write_fields(vdev, seg, pos, len, val);
}

/*
 * Largest naturally aligned access of at most 4 bytes at @pos, within
 * @left and within one segment (or gap)
 */
static unsigned int vfio_pci_cfg_access_size(struct vfio_pci_core_device *vdev,
					     unsigned int pos, size_t left)
{
	unsigned int n = 4, i;

	while (n > 1 && (n > left || (pos & (n - 1))))
		n >>= 1;
	for (i = 1; i < n; i++) {
		if (vdev->cfg_map[pos + i] != vdev->cfg_map[pos]) {
			n = i & 2 ? 2 : 1;
			break;
		}
	}
	return n;
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
 * Return: bytes transferred (fewer than @count only if a device access
 * fails midway), or a negative errno: -EINVAL for an access reaching past
 * the end of config space (Linux says -EFAULT).
 */
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   unsigned int index, char __user *buf,
			   size_t count, u64 off, bool iswrite)
{
	unsigned int cfg_size = vdev->pdev->cfg_size;
	u8 small[VFIO_PCI_CFG_BOUNCE] __aligned(4), *kbuf = small;
	unsigned int pos, n;
	size_t done = 0;
	int ret = 0;
	u32 val;

	if (off >= cfg_size || count > cfg_size - off)
		return -EINVAL;

	/* Bounce through the kernel so no user fault happens under the lock */
	if (count > sizeof(small)) {
		kbuf = kmalloc(count, GFP_KERNEL_ACCOUNT);
		if (!kbuf)
			return -ENOMEM;
	}
	if (iswrite && vfio_pci_copy_in(kbuf, buf, count)) {
		ret = -EFAULT;
		goto out_free;
	}

	mutex_lock(&vdev->config_lock);
	while (done < count) {
		const struct vfio_pci_cfg_seg *seg = NULL;

		pos = off + done;
		if (vdev->cfg_map[pos] != VFIO_PCI_CFG_GAP)
			seg = &vdev->cfg_segs[vdev->cfg_map[pos]];
		n = vfio_pci_cfg_access_size(vdev, pos, count - done);
		if (iswrite) {
			val = vfio_pci_le_get(kbuf + done, n);
			ret = vfio_pci_cfg_write_one(vdev, seg, pos, n, val);
		} else {
			ret = vfio_pci_cfg_read_one(vdev, seg, pos, n, &val);
			if (!ret)
				vfio_pci_le_put(kbuf + done, n, val);
		}
		if (ret)
			break;
		done += n;
	}
	mutex_unlock(&vdev->config_lock);

	if (done && !iswrite && vfio_pci_copy_out(buf, kbuf, done)) {
		done = 0;
		ret = -EFAULT;
	}
out_free:
	if (kbuf != small)
		kfree(kbuf);

	return done ? done : ret;
}
