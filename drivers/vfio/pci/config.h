/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Config space virtualization, shared between the engine (config.c) and
 * the permission tables of the header and capabilities (config_perm.c).
 * See config.c for how they fit together.
 */
#ifndef VFIO_PCI_CONFIG_H
#define VFIO_PCI_CONFIG_H

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
 * @nr_fields: entries in @fields
 * @prepare_read: optional; bring virtual bytes of [@off, @off + @len) of
 *	the segment up to date before they are read
 * @after_write: optional; act on a write to [@off, @off + @len) of the
 *	segment once it has been applied
 *
 * Hooks run with config_lock held.
 */
struct vfio_pci_cfg_kind {
	const char			*name;
	const struct vfio_pci_cfg_field	*fields;
	unsigned int			nr_fields;
	void (*prepare_read)(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_cfg_seg *seg,
			     unsigned int off, unsigned int len);
	int (*after_write)(struct vfio_pci_core_device *vdev,
			   const struct vfio_pci_cfg_seg *seg,
			   unsigned int off, unsigned int len);
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

static inline bool vfio_pci_overlaps(unsigned int a, unsigned int alen,
				     unsigned int b, unsigned int blen)
{
	return a < b + blen && b < a + alen;
}

/* vconfig bytes [pos, pos + len) as a little-endian value */
static inline u32 vfio_pci_vconfig_get(struct vfio_pci_core_device *vdev,
				       unsigned int pos, unsigned int len)
{
	u32 val = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		val |= (u32)vdev->vconfig[pos + i] << (8 * i);
	return val;
}

static inline void vfio_pci_vconfig_put(struct vfio_pci_core_device *vdev,
					unsigned int pos, unsigned int len,
					u32 val)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		vdev->vconfig[pos + i] = val >> (8 * i);
}

extern const struct vfio_pci_cfg_kind vfio_pci_hdr_kind;
int vfio_pci_cap_layout(struct pci_dev *pdev, u8 id, u8 pos,
			struct vfio_pci_cfg_seg *seg);

#endif /* VFIO_PCI_CONFIG_H */
