/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Config space virtualization, shared between the engine (config.c) and
 * the permission tables of the header (config_perm.c), the capabilities
 * (config_caps.c) and the extended capabilities (config_ecaps.c).  See
 * config.c for how they fit together.
 */
#ifndef VFIO_PCI_CONFIG_H
#define VFIO_PCI_CONFIG_H

#include <asm/unaligned.h>

#include "priv.h"

/**
 * struct vfio_pci_cfg_field - permissions of one register
 * @off: offset from the start of the segment
 * @len: size of the register: 1, 2 or 4 bytes
 * @virt: bits kept in vconfig instead of the hardware
 * @write: bits userspace may change
 */
struct vfio_pci_cfg_field {
	u16	off;
	u8	len;
	u32	virt;
	u32	write;
};

/**
 * struct vfio_pci_cfg_kind - behaviour of one kind of segment
 * @name: for messages
 * @fields: permissions of the registers; other bits are real, read-only
 *	(or writable, with @raw)
 * @nr_fields: entries in @fields
 * @base: optional; a kind whose fields apply too (masks are or-ed)
 * @raw: bits no field makes virtual are real and writable: the segment is
 *	passed through (vendor-specific capabilities)
 * @init: optional; adjust the segment's virtual bytes once they have been
 *	filled from the device (device open)
 * @prepare_read: optional; bring virtual bytes of [@pos, @pos + @len) up
 *	to date before they are read
 * @write: optional; carry out a write of @len bytes at @pos, usually by
 *	calling vfio_pci_cfg_write_fields() and acting on the result
 *
 * @pos is an absolute config space offset inside @seg; the access is
 * naturally aligned and 1, 2 or 4 bytes long.  Hooks run with config_lock
 * held.
 */
struct vfio_pci_cfg_kind {
	const char			*name;
	const struct vfio_pci_cfg_field	*fields;
	unsigned int			nr_fields;
	const struct vfio_pci_cfg_kind	*base;
	bool				raw;
	void (*init)(struct vfio_pci_core_device *vdev,
		     const struct vfio_pci_cfg_seg *seg);
	void (*prepare_read)(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_cfg_seg *seg,
			     unsigned int pos, unsigned int len);
	int (*write)(struct vfio_pci_core_device *vdev,
		     const struct vfio_pci_cfg_seg *seg,
		     unsigned int pos, unsigned int len, u32 val);
};

/**
 * struct vfio_pci_cfg_seg - a range of config space and its kind
 * @start: first byte
 * @len: number of bytes
 * @kind: permissions and hooks
 */
struct vfio_pci_cfg_seg {
	u16				start;
	u16				len;
	const struct vfio_pci_cfg_kind	*kind;
};

/**
 * struct vfio_pci_cap_desc - how to lay out one (extended) capability
 * @id: PCI_CAP_ID_* or PCI_EXT_CAP_ID_*
 * @len: its length, if fixed; 0 with no @probe hides the capability
 * @kind: its kind; NULL for the default (passed through read-only)
 * @probe: for variable lengths: returns the length (0 hides it) or a
 *	negative errno, and may change the kind in *@kind
 *
 * Capabilities missing from a table are hidden too.
 */
struct vfio_pci_cap_desc {
	u16				id;
	u16				len;
	const struct vfio_pci_cfg_kind	*kind;
	int (*probe)(struct pci_dev *pdev, unsigned int pos,
		     const struct vfio_pci_cfg_kind **kind);
};

static inline bool vfio_pci_overlaps(unsigned int a, unsigned int alen,
				     unsigned int b, unsigned int blen)
{
	return a < b + blen && b < a + alen;
}

/* @len (1, 2 or 4) bytes at @p as a little-endian value */
static inline u32 vfio_pci_le_get(const u8 *p, unsigned int len)
{
	switch (len) {
	case 1:
		return *p;
	case 2:
		return get_unaligned_le16(p);
	}
	return get_unaligned_le32(p);
}

static inline void vfio_pci_le_put(u8 *p, unsigned int len, u32 val)
{
	switch (len) {
	case 1:
		*p = val;
		break;
	case 2:
		put_unaligned_le16(val, p);
		break;
	default:
		put_unaligned_le32(val, p);
	}
}

/* vconfig bytes [pos, pos + len) as a little-endian value; len 1, 2, 4 */
static inline u32 vfio_pci_vconfig_get(struct vfio_pci_core_device *vdev,
				       unsigned int pos, unsigned int len)
{
	return vfio_pci_le_get(vdev->vconfig + pos, len);
}

static inline void vfio_pci_vconfig_put(struct vfio_pci_core_device *vdev,
					unsigned int pos, unsigned int len,
					u32 val)
{
	vfio_pci_le_put(vdev->vconfig + pos, len, val);
}

/*
 * The bits of @val (an access of @len bytes at @pos) that fall in the
 * @rlen byte register at @reg, shifted down to it.  Bits of the register
 * outside the access read as zero.
 */
static inline u32 vfio_pci_access_bits(unsigned int pos, unsigned int len,
				       u32 val, unsigned int reg,
				       unsigned int rlen)
{
	if (reg >= pos)
		return reg - pos < 4 ? val >> (8 * (reg - pos)) : 0;
	return pos - reg < rlen ? val << (8 * (pos - reg)) : 0;
}

/* config.c: for the hooks */
int vfio_pci_cfg_write_fields(struct vfio_pci_core_device *vdev,
			      const struct vfio_pci_cfg_seg *seg,
			      unsigned int pos, unsigned int len, u32 val);
int vfio_pci_cfg_hw_read(struct pci_dev *pdev, unsigned int pos,
			 unsigned int len, u32 *val);
int vfio_pci_cfg_hw_write(struct pci_dev *pdev, unsigned int pos,
			  unsigned int len, u32 val);

/* config_perm.c: the standard header */
extern const struct vfio_pci_cfg_kind vfio_pci_hdr_kind;
extern const struct vfio_pci_cfg_kind vfio_pci_hdr_nomem_kind;
void vfio_pci_hdr_init(struct vfio_pci_core_device *vdev);

/* config_caps.c, config_ecaps.c: the layout tables */
extern const struct vfio_pci_cap_desc vfio_pci_caps[];
extern const unsigned int vfio_pci_nr_caps;
extern const struct vfio_pci_cap_desc vfio_pci_ecaps[];
extern const unsigned int vfio_pci_nr_ecaps;
extern const struct vfio_pci_cfg_kind vfio_pci_cap_ro_kind;
extern const struct vfio_pci_cfg_kind vfio_pci_ecap_ro_kind;

#endif /* VFIO_PCI_CONFIG_H */
