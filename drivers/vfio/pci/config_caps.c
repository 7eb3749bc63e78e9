// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config space: the capabilities on the capability list.  The table at the
 * bottom says which ones userspace sees, how long each is and which kind
 * of segment (field table and hooks) it gets; the rest are hidden.
 *
 * Every capability's ID and next pointer are virtual, so hidden ones can
 * be unlinked.  Beyond that:
 *
 *	PM		power state changes go through the PCI core
 *	VPD		address and data virtual, served by pci_vpd_*()
 *	PCI Express	FLR goes through the reset path; MPS virtual, MRRS
 *			set by the PCI core no lower than MPS
 *	AF		FLR as for PCI Express
 *	MSI, MSI-X	driven by VFIO_DEVICE_SET_IRQS only: Message Control
 *			shows what SET_IRQS set up, address and data (MSI)
 *			are virtual, the MSI-X table is in a BAR (msix.c)
 *	vendor		passed through, read and write
 *	others known	read-only
 */
#include <linux/bitfield.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/pci.h>

#include "config.h"

/* Known, but nothing of it is the user's to change */
static const struct vfio_pci_cfg_field vfio_pci_cap_ro_fields[] = {
	{ PCI_CAP_LIST_ID, 1, 0xff, 0 },
	{ PCI_CAP_LIST_NEXT, 1, 0xff, 0 },
};

const struct vfio_pci_cfg_kind vfio_pci_cap_ro_kind = {
	.name		= "read-only capability",
	.fields		= vfio_pci_cap_ro_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_cap_ro_fields),
};

/* Vendor-specific: the driver knows what it does, pass it through */
static const struct vfio_pci_cfg_kind vfio_pci_cap_raw_kind = {
	.name		= "vendor-specific capability",
	.fields		= vfio_pci_cap_ro_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_cap_ro_fields),
	.raw		= true,
};

/*
 * Power management.  The power state bits are the PCI core's: a write
 * asking for a state goes through vfio_pci_set_power_state() (power.c:
 * pci_set_power_state(), keeping config state over D3hot), with BAR
 * mappings zapped first when the function goes to sleep.  PME cannot
 * reach the user, so PME_Support, PME_En and PME_Status are virtual and
 * clear.
 */

static void vfio_pci_pm_set_state(struct vfio_pci_core_device *vdev,
				  pci_power_t state)
{
	int ret;

	if (state != PCI_D0)
		vfio_pci_zap_and_down_write_memory_lock(vdev);
	else
		down_write(&vdev->memory_lock);
	ret = vfio_pci_set_power_state(vdev, state);
	up_write(&vdev->memory_lock);

	if (ret)
		pci_info_ratelimited(vdev->pdev, "power state change asked through config space failed: %d\n",
				     ret);
}

static void vfio_pci_pm_init(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_cfg_seg *seg)
{
	u16 pmc = vfio_pci_vconfig_get(vdev, seg->start + PCI_PM_PMC, 2);
	u16 ctrl = vfio_pci_vconfig_get(vdev, seg->start + PCI_PM_CTRL, 2);

	vfio_pci_vconfig_put(vdev, seg->start + PCI_PM_PMC, 2,
			     pmc & ~PCI_PM_CAP_PME_MASK);
	vfio_pci_vconfig_put(vdev, seg->start + PCI_PM_CTRL, 2,
			     ctrl & ~(PCI_PM_CTRL_PME_ENABLE |
				      PCI_PM_CTRL_PME_STATUS));
}

static int vfio_pci_pm_write(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_cfg_seg *seg,
			     unsigned int pos, unsigned int len, u32 val)
{
	static const pci_power_t states[] = {
		PCI_D0, PCI_D1, PCI_D2, PCI_D3hot
	};
	unsigned int ctrl = seg->start + PCI_PM_CTRL;
	u32 bits;
	int ret;

	ret = vfio_pci_cfg_write_fields(vdev, seg, pos, len, val);
	if (ret || !vfio_pci_overlaps(pos, len, ctrl, 1))
		return ret;

	bits = vfio_pci_access_bits(pos, len, val, ctrl, 1);
	vfio_pci_pm_set_state(vdev, states[bits & PCI_PM_CTRL_STATE_MASK]);
	return 0;
}

static const struct vfio_pci_cfg_field vfio_pci_pm_fields[] = {
	{ PCI_CAP_LIST_ID, 1, 0xff, 0 },
	{ PCI_CAP_LIST_NEXT, 1, 0xff, 0 },
	{ PCI_PM_PMC, 2, PCI_PM_CAP_PME_MASK, 0 },
	{ PCI_PM_CTRL, 4, PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS,
	  ~(PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS |
	    PCI_PM_CTRL_STATE_MASK) },
};

static const struct vfio_pci_cfg_kind vfio_pci_pm_kind = {
	.name		= "power management",
	.fields		= vfio_pci_pm_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_pm_fields),
	.init		= vfio_pci_pm_init,
	.write		= vfio_pci_pm_write,
};

/*
 * Vital Product Data.  Address and data are virtual; writing the address
 * register's high byte starts a transfer, done at once through the PCI
 * core, which then flips the flag bit as the device would.  A failed
 * transfer leaves the flag alone: the user's driver times out.
 */
static int vfio_pci_vpd_write(struct vfio_pci_core_device *vdev,
			      const struct vfio_pci_cfg_seg *seg,
			      unsigned int pos, unsigned int len, u32 val)
{
	unsigned int apos = seg->start + PCI_VPD_ADDR;
	unsigned int dpos = seg->start + PCI_VPD_DATA;
	struct pci_dev *pdev = vdev->pdev;
	u8 data[4] = {};
	u16 addr;
	int ret;

	ret = vfio_pci_cfg_write_fields(vdev, seg, pos, len, val);
	if (ret || !vfio_pci_overlaps(pos, len, apos + 1, 1) ||
	    dpos + sizeof(data) > seg->start + seg->len)
		return ret;

	addr = vfio_pci_vconfig_get(vdev, apos, 2);
	if (addr & PCI_VPD_ADDR_F) {
		memcpy(data, vdev->vconfig + dpos, sizeof(data));
		if (pci_write_vpd(pdev, addr & ~PCI_VPD_ADDR_F, sizeof(data),
				  data) != sizeof(data))
			return 0;
	} else {
		if (pci_read_vpd(pdev, addr, sizeof(data), data) < 0)
			return 0;
		memcpy(vdev->vconfig + dpos, data, sizeof(data));
	}

	vfio_pci_vconfig_put(vdev, apos, 2, addr ^ PCI_VPD_ADDR_F);
	return 0;
}

static const struct vfio_pci_cfg_field vfio_pci_vpd_fields[] = {
	{ PCI_CAP_LIST_ID, 1, 0xff, 0 },
	{ PCI_CAP_LIST_NEXT, 1, 0xff, 0 },
	{ PCI_VPD_ADDR, 2, 0xffff, 0xffff },
	{ PCI_VPD_DATA, 4, ~0U, ~0U },
};

static const struct vfio_pci_cfg_kind vfio_pci_vpd_kind = {
	.name		= "VPD",
	.fields		= vfio_pci_vpd_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_vpd_fields),
	.write		= vfio_pci_vpd_write,
};

/* PCI-X: command and ECC control are the user's */
static const struct vfio_pci_cfg_field vfio_pci_pcix_fields[] = {
	{ PCI_CAP_LIST_ID, 1, 0xff, 0 },
	{ PCI_CAP_LIST_NEXT, 1, 0xff, 0 },
	{ PCI_X_CMD, 2, 0, 0xffff },
	{ PCI_X_ECC_CSR, 4, 0, ~0U },
};

static const struct vfio_pci_cfg_kind vfio_pci_pcix_kind = {
	.name		= "PCI-X",
	.fields		= vfio_pci_pcix_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_pcix_fields),
};

/*
 * A function level reset asked for through config space (PCI Express or
 * AF): it goes through the PCI core, BAR mappings zapped and BAR access
 * held off meanwhile.  Reset callbacks must not take config_lock, held
 * here.
 */
static void vfio_pci_cfg_flr(struct vfio_pci_core_device *vdev)
{
	int ret;

	vfio_pci_zap_and_down_write_memory_lock(vdev);
	ret = pci_try_reset_function(vdev->pdev);
	up_write(&vdev->memory_lock);
	if (ret)
		pci_info_ratelimited(vdev->pdev, "function reset asked through config space failed: %d\n",
				     ret);
}

/*
 * PCI Express.  Device Control is the user's except Phantom Functions
 * (would confuse the IOMMU); Max Payload Size is virtual (it must match
 * the rest of the fabric); Max Read Request Size is virtual and applied
 * through the PCI core, no lower than MPS; Initiate FLR resets the
 * function and reads back as zero.  ARI Forwarding in Device Control 2 is
 * the host's.
 */
static int vfio_pci_exp_write(struct vfio_pci_core_device *vdev,
			      const struct vfio_pci_cfg_seg *seg,
			      unsigned int pos, unsigned int len, u32 val)
{
	unsigned int ctlpos = seg->start + PCI_EXP_DEVCTL;
	struct pci_dev *pdev = vdev->pdev;
	u16 old, ctl;
	u32 cap = 0;
	int ret, mrrs;

	old = vfio_pci_vconfig_get(vdev, ctlpos, 2);
	ret = vfio_pci_cfg_write_fields(vdev, seg, pos, len, val);
	ctl = vfio_pci_vconfig_get(vdev, ctlpos, 2);
	/* Initiate FLR always reads back 0, even when the write failed */
	vfio_pci_vconfig_put(vdev, ctlpos, 2, ctl & ~PCI_EXP_DEVCTL_BCR_FLR);
	if (ret)
		return ret;

	if (ctl & PCI_EXP_DEVCTL_BCR_FLR) {
		ctl &= ~PCI_EXP_DEVCTL_BCR_FLR;
		pci_read_config_dword(pdev, seg->start + PCI_EXP_DEVCAP, &cap);
		if (cap & PCI_EXP_DEVCAP_FLR)
			vfio_pci_cfg_flr(vdev);
	}

	if ((old ^ ctl) & PCI_EXP_DEVCTL_READRQ) {
		mrrs = 128 << FIELD_GET(PCI_EXP_DEVCTL_READRQ, ctl);
		pcie_set_readrq(pdev, max(mrrs, pcie_get_mps(pdev)));
	}
	return 0;
}

static const struct vfio_pci_cfg_field vfio_pci_exp_fields[] = {
	{ PCI_CAP_LIST_ID, 1, 0xff, 0 },
	{ PCI_CAP_LIST_NEXT, 1, 0xff, 0 },
	{ PCI_EXP_DEVCTL, 2,
	  PCI_EXP_DEVCTL_BCR_FLR | PCI_EXP_DEVCTL_PAYLOAD |
	  PCI_EXP_DEVCTL_READRQ, (u16)~PCI_EXP_DEVCTL_PHANTOM },
	{ PCI_EXP_DEVCTL2, 2, 0, (u16)~PCI_EXP_DEVCTL2_ARI },
};

static const struct vfio_pci_cfg_kind vfio_pci_exp_kind = {
	.name		= "PCI Express",
	.fields		= vfio_pci_exp_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_exp_fields),
	.write		= vfio_pci_exp_write,
};

/* Advanced Features: Initiate FLR, as for PCI Express */
static int vfio_pci_af_write(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_cfg_seg *seg,
			     unsigned int pos, unsigned int len, u32 val)
{
	unsigned int ctlpos = seg->start + PCI_AF_CTRL;
	u8 ctl, cap = 0;
	int ret;

	ret = vfio_pci_cfg_write_fields(vdev, seg, pos, len, val);
	ctl = vdev->vconfig[ctlpos];
	/* Initiate FLR always reads back 0, even when the write failed */
	vdev->vconfig[ctlpos] = ctl & ~PCI_AF_CTRL_FLR;
	if (ret)
		return ret;

	if (ctl & PCI_AF_CTRL_FLR) {
		pci_read_config_byte(vdev->pdev, seg->start + PCI_AF_CAP, &cap);
		if ((cap & PCI_AF_CAP_FLR) && (cap & PCI_AF_CAP_TP))
			vfio_pci_cfg_flr(vdev);
	}
	return 0;
}

static const struct vfio_pci_cfg_field vfio_pci_af_fields[] = {
	{ PCI_CAP_LIST_ID, 1, 0xff, 0 },
	{ PCI_CAP_LIST_NEXT, 1, 0xff, 0 },
	{ PCI_AF_CTRL, 1, PCI_AF_CTRL_FLR, PCI_AF_CTRL_FLR },
};

static const struct vfio_pci_cfg_kind vfio_pci_af_kind = {
	.name		= "advanced features",
	.fields		= vfio_pci_af_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_af_fields),
	.write		= vfio_pci_af_write,
};

/*
 * MSI.  The host owns the real registers: userspace enables vectors with
 * VFIO_DEVICE_SET_IRQS, and Message Control shows the result (MSI Enable,
 * Multiple Message Enable); writes to it are dropped.  Address and data
 * are virtual: userspace reads back what it wrote (a VMM forwards its
 * guest's writes) but the device keeps signalling the host.  Mask and
 * pending bits are read-only.
 */
static void vfio_pci_msi_prepare_read(struct vfio_pci_core_device *vdev,
				      const struct vfio_pci_cfg_seg *seg,
				      unsigned int pos, unsigned int len)
{
	unsigned int fpos = seg->start + PCI_MSI_FLAGS;
	unsigned int nvec;
	u16 flags;

	if (!vfio_pci_overlaps(pos, len, fpos, 2))
		return;

	nvec = vfio_pci_msi_enabled_vectors(vdev);
	flags = vfio_pci_vconfig_get(vdev, fpos, 2);
	flags &= ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	if (nvec)
		flags |= PCI_MSI_FLAGS_ENABLE |
			 FIELD_PREP(PCI_MSI_FLAGS_QSIZE, order_base_2(nvec));
	vfio_pci_vconfig_put(vdev, fpos, 2, flags);
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

/*
 * MSI-X.  MSI-X Enable shows whether SET_IRQS has MSI-X in use; Function
 * Mask is virtual (the host keeps its vectors as it set them up).  Table
 * size and locations are real and read-only.
 */
static void vfio_pci_msix_prepare_read(struct vfio_pci_core_device *vdev,
				       const struct vfio_pci_cfg_seg *seg,
				       unsigned int pos, unsigned int len)
{
	unsigned int fpos = seg->start + PCI_MSIX_FLAGS;
	u16 flags;

	if (!vfio_pci_overlaps(pos, len, fpos, 2))
		return;

	flags = vfio_pci_vconfig_get(vdev, fpos, 2) & ~PCI_MSIX_FLAGS_ENABLE;
	if (vfio_pci_msix_enabled(vdev))
		flags |= PCI_MSIX_FLAGS_ENABLE;
	vfio_pci_vconfig_put(vdev, fpos, 2, flags);
}

static const struct vfio_pci_cfg_field vfio_pci_msix_fields[] = {
	{ PCI_CAP_LIST_ID, 1, 0xff, 0 },
	{ PCI_CAP_LIST_NEXT, 1, 0xff, 0 },
	{ PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL,
	  PCI_MSIX_FLAGS_MASKALL },
};

static const struct vfio_pci_cfg_kind vfio_pci_msix_kind = {
	.name		= "MSI-X",
	.fields		= vfio_pci_msix_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_msix_fields),
	.prepare_read	= vfio_pci_msix_prepare_read,
};

/* Variable lengths: read from the capability itself */

static int vfio_pci_cap_read8(struct pci_dev *pdev, unsigned int pos,
			      u8 *val)
{
	return pcibios_err_to_errno(pci_read_config_byte(pdev, pos, val));
}

static int vfio_pci_msi_probe(struct pci_dev *pdev, unsigned int pos,
			      const struct vfio_pci_cfg_kind **kind)
{
	u16 flags;
	int len;

	if (pci_read_config_word(pdev, pos + PCI_MSI_FLAGS, &flags))
		return -EIO;

	len = PCI_MSI_DATA_32 + 2;
	*kind = &vfio_pci_msi32_kind;
	if (flags & PCI_MSI_FLAGS_64BIT) {
		len += 4;
		*kind = &vfio_pci_msi64_kind;
	}
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		len += 10;		/* reserved, mask and pending bits */
	return len;
}

static int vfio_pci_pcix_probe(struct pci_dev *pdev, unsigned int pos,
			       const struct vfio_pci_cfg_kind **kind)
{
	u16 cmd;

	if (pci_read_config_word(pdev, pos + PCI_X_CMD, &cmd))
		return -EIO;
	return PCI_X_CMD_VERSION(cmd) ? PCI_CAP_PCIX_SIZEOF_V2 :
					PCI_CAP_PCIX_SIZEOF_V0;
}

static int vfio_pci_ht_probe(struct pci_dev *pdev, unsigned int pos,
			     const struct vfio_pci_cfg_kind **kind)
{
	u8 type;
	int ret;

	ret = vfio_pci_cap_read8(pdev, pos + 3, &type);
	if (ret)
		return ret;
	return (type & HT_3BIT_CAP_MASK) ? HT_CAP_SIZEOF_SHORT :
					   HT_CAP_SIZEOF_LONG;
}

static int vfio_pci_vndr_probe(struct pci_dev *pdev, unsigned int pos,
			       const struct vfio_pci_cfg_kind **kind)
{
	u8 len;
	int ret;

	ret = vfio_pci_cap_read8(pdev, pos + PCI_CAP_FLAGS, &len);
	if (ret)
		return ret;
	/* The length follows the next pointer; 0 hides the capability */
	return len ? max_t(int, len, PCI_CAP_FLAGS + 1) : 0;
}

static int vfio_pci_exp_probe(struct pci_dev *pdev, unsigned int pos,
			      const struct vfio_pci_cfg_kind **kind)
{
	bool rc_end = pci_pcie_type(pdev) == PCI_EXP_TYPE_RC_END;

	/* Integrated endpoints have no link registers */
	if ((pcie_caps_reg(pdev) & PCI_EXP_FLAGS_VERS) == 1)
		return rc_end ? PCI_EXP_LNKCAP : PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;
	return rc_end ? PCI_EXP_LNKCAP2 : PCI_CAP_EXP_ENDPOINT_SIZEOF_V2;
}

static int vfio_pci_sata_probe(struct pci_dev *pdev, unsigned int pos,
			       const struct vfio_pci_cfg_kind **kind)
{
	u8 regs;
	int ret;

	ret = vfio_pci_cap_read8(pdev, pos + PCI_SATA_REGS, &regs);
	if (ret)
		return ret;
	return (regs & PCI_SATA_REGS_MASK) == PCI_SATA_REGS_INLINE ?
	       PCI_SATA_SIZEOF_LONG : PCI_SATA_SIZEOF_SHORT;
}

/*
 * The capabilities userspace sees.  Missing ones are hidden: bridge,
 * CompactPCI and hot-plug controller ones, Debug Port, Secure Device,
 * Enhanced Allocation, unknown IDs and the null capability (ID 0).
 */
const struct vfio_pci_cap_desc vfio_pci_caps[] = {
	{ PCI_CAP_ID_PM,	PCI_PM_SIZEOF,	&vfio_pci_pm_kind },
	{ PCI_CAP_ID_AGP,	PCI_AGP_SIZEOF },
	{ PCI_CAP_ID_VPD,	PCI_CAP_VPD_SIZEOF, &vfio_pci_vpd_kind },
	{ PCI_CAP_ID_MSI,	.probe = vfio_pci_msi_probe },
	{ PCI_CAP_ID_PCIX,	.kind = &vfio_pci_pcix_kind,
				.probe = vfio_pci_pcix_probe },
	{ PCI_CAP_ID_HT,	.probe = vfio_pci_ht_probe },
	{ PCI_CAP_ID_VNDR,	.kind = &vfio_pci_cap_raw_kind,
				.probe = vfio_pci_vndr_probe },
	{ PCI_CAP_ID_EXP,	.kind = &vfio_pci_exp_kind,
				.probe = vfio_pci_exp_probe },
	{ PCI_CAP_ID_MSIX,	PCI_CAP_MSIX_SIZEOF, &vfio_pci_msix_kind },
	{ PCI_CAP_ID_SATA,	.probe = vfio_pci_sata_probe },
	{ PCI_CAP_ID_AF,	PCI_CAP_AF_SIZEOF, &vfio_pci_af_kind },
};

const unsigned int vfio_pci_nr_caps = ARRAY_SIZE(vfio_pci_caps);
