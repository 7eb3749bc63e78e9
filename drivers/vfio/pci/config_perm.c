// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config space permission tables: which bits of the standard header and of
 * each capability userspace sees virtualized and may write, and the hooks
 * that keep the virtual bits meaningful (BAR sizing, INTx Disable, MSI
 * state).  The engine applying them is config.c.
 *
 * Handling one more capability means a field table, a kind and an entry
 * in vfio_pci_caps[]; one more register of a known structure, a field.
 */
#include <linux/bitfield.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/pci.h>

#include "config.h"

/*
 * Standard header.  The BARs are entirely virtual, so userspace can size
 * them (write ~0, read back the size mask) and move them around without
 * ever touching the real ones.
 */

static u32 vfio_pci_bar_flags(struct pci_dev *pdev, unsigned int bar)
{
	unsigned long flags = pci_resource_flags(pdev, bar);
	u32 val;

	if (flags & IORESOURCE_IO)
		return PCI_BASE_ADDRESS_SPACE_IO;

	val = PCI_BASE_ADDRESS_SPACE_MEMORY;
	if (flags & IORESOURCE_PREFETCH)
		val |= PCI_BASE_ADDRESS_MEM_PREFETCH;
	if (flags & IORESOURCE_MEM_64)
		val |= PCI_BASE_ADDRESS_MEM_TYPE_64;
	return val;
}

/* Make the virtual BARs answer like hardware: size mask and type bits */
static void vfio_pci_bars_fixup(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int bar, pos;
	u64 len, mask;
	u32 flags, val;

	lockdep_assert_held(&vdev->config_lock);

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		pos = PCI_BASE_ADDRESS_0 + 4 * bar;
		len = pci_resource_len(pdev, bar);

		/* A BAR the host did not assign is unimplemented to the user */
		if (!len || !pci_resource_start(pdev, bar)) {
			vfio_pci_vconfig_put(vdev, pos, 4, 0);
			continue;
		}

		mask = ~(len - 1);
		flags = vfio_pci_bar_flags(pdev, bar);
		val = vfio_pci_vconfig_get(vdev, pos, 4);
		vfio_pci_vconfig_put(vdev, pos, 4, (val & (u32)mask) | flags);

		if ((flags & PCI_BASE_ADDRESS_MEM_TYPE_64) &&
		    bar + 1 < PCI_STD_NUM_BARS) {
			bar++;
			pos += 4;
			val = vfio_pci_vconfig_get(vdev, pos, 4);
			vfio_pci_vconfig_put(vdev, pos, 4,
					     val & (u32)(mask >> 32));
		}
	}

	len = pci_resource_len(pdev, PCI_ROM_RESOURCE);
	val = vfio_pci_vconfig_get(vdev, PCI_ROM_ADDRESS, 4);
	if (len && pci_resource_start(pdev, PCI_ROM_RESOURCE))
		val &= (u32)~(len - 1) | PCI_ROM_ADDRESS_ENABLE;
	else
		val = 0;
	vfio_pci_vconfig_put(vdev, PCI_ROM_ADDRESS, 4, val);

	vdev->bardirty = false;
}

static void vfio_pci_hdr_prepare_read(struct vfio_pci_core_device *vdev,
				      const struct vfio_pci_cfg_seg *seg,
				      unsigned int off, unsigned int len)
{
	if (vdev->bardirty)
		vfio_pci_bars_fixup(vdev);
}

static int vfio_pci_hdr_after_write(struct vfio_pci_core_device *vdev,
				    const struct vfio_pci_cfg_seg *seg,
				    unsigned int off, unsigned int len)
{
	u16 cmd;

	if (vfio_pci_overlaps(off, len, PCI_BASE_ADDRESS_0,
			      PCI_STD_NUM_BARS * 4) ||
	    vfio_pci_overlaps(off, len, PCI_ROM_ADDRESS, 4))
		vdev->bardirty = true;

	if (vfio_pci_overlaps(off, len, PCI_COMMAND, 2)) {
		cmd = vfio_pci_vconfig_get(vdev, PCI_COMMAND, 2);
		vfio_pci_intx_virt_disable(vdev,
					   cmd & PCI_COMMAND_INTX_DISABLE);
	}
	return 0;
}

static const struct vfio_pci_cfg_field vfio_pci_hdr_fields[] = {
	/*
	 * Decode enables and bus mastering are the user's.  INTx Disable is
	 * ours (INTx masking): the user's setting is virtual and emulated.
	 */
	{ PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE,
	  PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
	  PCI_COMMAND_INTX_DISABLE },
	{ PCI_BASE_ADDRESS_0, 4, ~0U, ~0U },
	{ PCI_BASE_ADDRESS_1, 4, ~0U, ~0U },
	{ PCI_BASE_ADDRESS_2, 4, ~0U, ~0U },
	{ PCI_BASE_ADDRESS_3, 4, ~0U, ~0U },
	{ PCI_BASE_ADDRESS_4, 4, ~0U, ~0U },
	{ PCI_BASE_ADDRESS_5, 4, ~0U, ~0U },
	{ PCI_ROM_ADDRESS, 4, ~0U, ~0U },
	/* Virtual so capabilities can be hidden from the user */
	{ PCI_CAPABILITY_LIST, 1, 0xff, 0 },
	/* Only software uses it; keep the user's value to itself */
	{ PCI_INTERRUPT_LINE, 1, 0xff, 0xff },
	/* Virtual so INTx can be hidden when it cannot be used */
	{ PCI_INTERRUPT_PIN, 1, 0xff, 0 },
};

const struct vfio_pci_cfg_kind vfio_pci_hdr_kind = {
	.name		= "header",
	.fields		= vfio_pci_hdr_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_hdr_fields),
	.prepare_read	= vfio_pci_hdr_prepare_read,
	.after_write	= vfio_pci_hdr_after_write,
};

/*
 * A capability passed through read-only.  ID and next pointer are virtual
 * so capabilities can be hidden by relinking the list.
 */
static const struct vfio_pci_cfg_field vfio_pci_cap_ro_fields[] = {
	{ PCI_CAP_LIST_ID, 1, 0xff, 0 },
	{ PCI_CAP_LIST_NEXT, 1, 0xff, 0 },
};

static const struct vfio_pci_cfg_kind vfio_pci_cap_ro_kind = {
	.name		= "read-only capability",
	.fields		= vfio_pci_cap_ro_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_cap_ro_fields),
};

/*
 * MSI.  The host owns the real registers: userspace enables vectors with
 * VFIO_DEVICE_SET_IRQS, and Message Control shows the result (MSI Enable,
 * Multiple Message Enable).  Address and data are virtual: userspace reads
 * back what it wrote (a VMM forwards its guest's writes) but the device
 * keeps signalling the host.  Mask and pending bits are read-only.
 */
static void vfio_pci_msi_prepare_read(struct vfio_pci_core_device *vdev,
				      const struct vfio_pci_cfg_seg *seg,
				      unsigned int off, unsigned int len)
{
	unsigned int pos = seg->start + PCI_MSI_FLAGS;
	unsigned int nvec;
	u16 flags;

	if (!vfio_pci_overlaps(off, len, PCI_MSI_FLAGS, 2))
		return;

	nvec = vfio_pci_msi_enabled_vectors(vdev);
	flags = vfio_pci_vconfig_get(vdev, pos, 2);
	flags &= ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	if (nvec)
		flags |= PCI_MSI_FLAGS_ENABLE |
			 FIELD_PREP(PCI_MSI_FLAGS_QSIZE, order_base_2(nvec));
	vfio_pci_vconfig_put(vdev, pos, 2, flags);
}

static const struct vfio_pci_cfg_field vfio_pci_msi32_fields[] = {
	{ PCI_CAP_LIST_ID, 1, 0xff, 0 },
	{ PCI_CAP_LIST_NEXT, 1, 0xff, 0 },
	{ PCI_MSI_FLAGS, 2, 0xffff, 0 },
	{ PCI_MSI_ADDRESS_LO, 4, ~0U, ~0U },
	{ PCI_MSI_DATA_32, 2, 0xffff, 0xffff },
};

static const struct vfio_pci_cfg_field vfio_pci_msi64_fields[] = {
	{ PCI_CAP_LIST_ID, 1, 0xff, 0 },
	{ PCI_CAP_LIST_NEXT, 1, 0xff, 0 },
	{ PCI_MSI_FLAGS, 2, 0xffff, 0 },
	{ PCI_MSI_ADDRESS_LO, 4, ~0U, ~0U },
	{ PCI_MSI_ADDRESS_HI, 4, ~0U, ~0U },
	{ PCI_MSI_DATA_64, 2, 0xffff, 0xffff },
};

static const struct vfio_pci_cfg_kind vfio_pci_msi32_kind = {
	.name		= "MSI",
	.fields		= vfio_pci_msi32_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_msi32_fields),
	.prepare_read	= vfio_pci_msi_prepare_read,
};

static const struct vfio_pci_cfg_kind vfio_pci_msi64_kind = {
	.name		= "MSI",
	.fields		= vfio_pci_msi64_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_msi64_fields),
	.prepare_read	= vfio_pci_msi_prepare_read,
};

/* Capabilities whose length or kind needs looking at the device */

static int vfio_pci_msi_probe(struct pci_dev *pdev, u8 pos,
			      struct vfio_pci_cfg_seg *seg)
{
	u16 flags;
	int ret;

	ret = pci_read_config_word(pdev, pos + PCI_MSI_FLAGS, &flags);
	if (ret)
		return pcibios_err_to_errno(ret);

	seg->len = PCI_MSI_DATA_32 + 2;
	seg->kind = &vfio_pci_msi32_kind;
	if (flags & PCI_MSI_FLAGS_64BIT) {
		seg->len += 4;
		seg->kind = &vfio_pci_msi64_kind;
	}
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		seg->len += 10;		/* reserved, mask and pending bits */
	return 0;
}

static int vfio_pci_exp_probe(struct pci_dev *pdev, u8 pos,
			      struct vfio_pci_cfg_seg *seg)
{
	bool rc_end = pci_pcie_type(pdev) == PCI_EXP_TYPE_RC_END;

	/* Integrated endpoints have no link registers */
	if ((pcie_caps_reg(pdev) & PCI_EXP_FLAGS_VERS) == 1)
		seg->len = rc_end ? PCI_EXP_LNKCAP :
				    PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;
	else
		seg->len = rc_end ? PCI_EXP_LNKCAP2 :
				    PCI_CAP_EXP_ENDPOINT_SIZEOF_V2;
	return 0;
}

static int vfio_pci_vndr_probe(struct pci_dev *pdev, u8 pos,
			       struct vfio_pci_cfg_seg *seg)
{
	u8 len;
	int ret;

	ret = pci_read_config_byte(pdev, pos + PCI_CAP_FLAGS, &len);
	if (ret)
		return pcibios_err_to_errno(ret);
	seg->len = max_t(u8, len, PCI_CAP_FLAGS + 1);
	return 0;
}

/**
 * struct vfio_pci_cap_desc - how to lay out one capability
 * @id: PCI_CAP_ID_*
 * @len: its length, if fixed
 * @probe: otherwise, sets the length and possibly the kind
 *
 * Known capabilities default to vfio_pci_cap_ro_kind; unknown ones get a
 * two-byte segment (ID and next pointer), the rest being real, read-only.
 */
struct vfio_pci_cap_desc {
	u8	id;
	u8	len;
	int	(*probe)(struct pci_dev *pdev, u8 pos,
			 struct vfio_pci_cfg_seg *seg);
};

static const struct vfio_pci_cap_desc vfio_pci_caps[] = {
	{ PCI_CAP_ID_PM,	PCI_PM_SIZEOF },
	{ PCI_CAP_ID_MSI,	.probe = vfio_pci_msi_probe },
	{ PCI_CAP_ID_VNDR,	.probe = vfio_pci_vndr_probe },
	{ PCI_CAP_ID_EXP,	.probe = vfio_pci_exp_probe },
	{ PCI_CAP_ID_MSIX,	PCI_CAP_MSIX_SIZEOF },
	{ PCI_CAP_ID_AF,	PCI_CAP_AF_SIZEOF },
};

/**
 * vfio_pci_cap_layout - segment of the capability @id found at @pos
 * @pdev: the function
 * @id: PCI_CAP_ID_*
 * @pos: its offset
 * @seg: filled with its extent and kind
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_cap_layout(struct pci_dev *pdev, u8 id, u8 pos,
			struct vfio_pci_cfg_seg *seg)
{
	unsigned int i;

	seg->start = pos;
	seg->len = PCI_CAP_LIST_NEXT + 1;
	seg->kind = &vfio_pci_cap_ro_kind;

	for (i = 0; i < ARRAY_SIZE(vfio_pci_caps); i++) {
		if (vfio_pci_caps[i].id != id)
			continue;
		if (vfio_pci_caps[i].probe)
			return vfio_pci_caps[i].probe(pdev, pos, seg);
		seg->len = vfio_pci_caps[i].len;
		return 0;
	}
	return 0;
}
