// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config space: the extended capabilities (PCI Express, from 0x100).  The
 * table at the bottom says which ones userspace sees, how long each is and
 * which kind of segment it gets; the rest are hidden, unlinked from the
 * list.  Every header (ID, version, next pointer) is virtual.  Beyond it:
 *
 *	AER			error status, mask and severity bits the
 *				user's; ECRC generation and checking too
 *	Power Budgeting		the data select register
 *	vendor-specific		passed through, read and write
 *	others known		read-only
 */
#include <linux/pci.h>

#include "config.h"

#define VFIO_PCI_ECAP_HEAD	{ 0, 4, ~0U, 0 }

static const struct vfio_pci_cfg_field vfio_pci_ecap_ro_fields[] = {
	VFIO_PCI_ECAP_HEAD,
};

const struct vfio_pci_cfg_kind vfio_pci_ecap_ro_kind = {
	.name		= "read-only extended capability",
	.fields		= vfio_pci_ecap_ro_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_ecap_ro_fields),
};

static const struct vfio_pci_cfg_kind vfio_pci_ecap_raw_kind = {
	.name		= "vendor-specific extended capability",
	.fields		= vfio_pci_ecap_ro_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_ecap_ro_fields),
	.raw		= true,
};

/* AER: errors the user's driver may see, mask and clear */
#define VFIO_PCI_AER_UNCOR						\
	(PCI_ERR_UNC_UND | PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN |	\
	 PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_FCP |			\
	 PCI_ERR_UNC_COMP_TIME | PCI_ERR_UNC_COMP_ABORT |		\
	 PCI_ERR_UNC_UNX_COMP | PCI_ERR_UNC_RX_OVER |			\
	 PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_ECRC | PCI_ERR_UNC_UNSUP |	\
	 PCI_ERR_UNC_ACSV | PCI_ERR_UNC_INTN | PCI_ERR_UNC_MCBTLP |	\
	 PCI_ERR_UNC_ATOMEG | PCI_ERR_UNC_TLPPRE)

#define VFIO_PCI_AER_COR						\
	(PCI_ERR_COR_RCVR | PCI_ERR_COR_BAD_TLP | PCI_ERR_COR_BAD_DLLP |	\
	 PCI_ERR_COR_REP_ROLL | PCI_ERR_COR_REP_TIMER |			\
	 PCI_ERR_COR_ADV_NFAT | PCI_ERR_COR_INTERNAL |			\
	 PCI_ERR_COR_LOG_OVER)

static const struct vfio_pci_cfg_field vfio_pci_aer_fields[] = {
	VFIO_PCI_ECAP_HEAD,
	{ PCI_ERR_UNCOR_STATUS, 4, 0, VFIO_PCI_AER_UNCOR },
	{ PCI_ERR_UNCOR_MASK, 4, 0, VFIO_PCI_AER_UNCOR },
	{ PCI_ERR_UNCOR_SEVER, 4, 0, VFIO_PCI_AER_UNCOR },
	{ PCI_ERR_COR_STATUS, 4, 0, VFIO_PCI_AER_COR },
	{ PCI_ERR_COR_MASK, 4, 0, VFIO_PCI_AER_COR },
	{ PCI_ERR_CAP, 4, 0, PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE },
};

static const struct vfio_pci_cfg_kind vfio_pci_aer_kind = {
	.name		= "AER",
	.fields		= vfio_pci_aer_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_aer_fields),
};

/* Power Budgeting: selecting which data to read is harmless */
static const struct vfio_pci_cfg_field vfio_pci_pwr_fields[] = {
	VFIO_PCI_ECAP_HEAD,
	{ PCI_PWR_DATA, 1, 0, 0xff },
};

static const struct vfio_pci_cfg_kind vfio_pci_pwr_kind = {
	.name		= "power budgeting",
	.fields		= vfio_pci_pwr_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_pwr_fields),
};

/* Variable lengths: read from the capability itself */

static int vfio_pci_ecap_read(struct pci_dev *pdev, unsigned int pos,
			      unsigned int len, u32 *val)
{
	u8 byte;
	int ret;

	if (len == 4)
		return pcibios_err_to_errno(pci_read_config_dword(pdev, pos,
								  val));
	ret = pcibios_err_to_errno(pci_read_config_byte(pdev, pos, &byte));
	*val = byte;
	return ret;
}

static int vfio_pci_vsec_probe(struct pci_dev *pdev, unsigned int pos,
			       const struct vfio_pci_cfg_kind **kind)
{
	u32 hdr;
	int ret;

	ret = vfio_pci_ecap_read(pdev, pos + PCI_VSEC_HDR, 4, &hdr);
	if (ret)
		return ret;
	hdr >>= PCI_VSEC_HDR_LEN_SHIFT;
	/* 0 hides it; anything shorter than its own headers is cut there */
	return hdr ? max_t(u32, hdr, PCI_VSEC_HDR + 4) : 0;
}

/* VC, VC9 and MFVC: the extended VCs, and the arbitration table */
static int vfio_pci_vc_probe(struct pci_dev *pdev, unsigned int pos,
			     const struct vfio_pci_cfg_kind **kind)
{
	u32 cap1, cap2;
	int len, phases;
	int ret;

	ret = vfio_pci_ecap_read(pdev, pos + PCI_VC_PORT_CAP1, 4, &cap1);
	if (!ret)
		ret = vfio_pci_ecap_read(pdev, pos + PCI_VC_PORT_CAP2, 4, &cap2);
	if (ret)
		return ret;

	if (cap2 & PCI_VC_CAP2_128_PHASE)
		phases = 128;
	else if (cap2 & PCI_VC_CAP2_64_PHASE)
		phases = 64;
	else if (cap2 & PCI_VC_CAP2_32_PHASE)
		phases = 32;
	else
		phases = 0;

	len = PCI_CAP_VC_BASE_SIZEOF +
	      (1 + (cap1 & PCI_VC_CAP1_EVCC)) * PCI_CAP_VC_PER_VC_SIZEOF;
	/* Four bits per phase, on a 16 byte boundary */
	if (phases)
		len = round_up(len, 16) + phases * 4 / 8;
	return len;
}

static int vfio_pci_acs_probe(struct pci_dev *pdev, unsigned int pos,
			      const struct vfio_pci_cfg_kind **kind)
{
	u32 cap, bits;
	int ret;

	ret = vfio_pci_ecap_read(pdev, pos + PCI_ACS_CAP, 1, &cap);
	if (ret || !(cap & PCI_ACS_EC))
		return ret ?: 8;

	/* The egress control vector: a bit per function, 256 for 0 */
	ret = vfio_pci_ecap_read(pdev, pos + PCI_ACS_EGRESS_BITS, 1, &bits);
	if (ret)
		return ret;
	bits = bits ? round_up(bits, 32) : 256;
	return 8 + bits / 8;
}

static int vfio_pci_rebar_probe(struct pci_dev *pdev, unsigned int pos,
				const struct vfio_pci_cfg_kind **kind)
{
	u32 ctrl;
	int ret;

	ret = vfio_pci_ecap_read(pdev, pos + PCI_REBAR_CTRL, 1, &ctrl);
	if (ret)
		return ret;
	return 4 + 8 * ((ctrl & PCI_REBAR_CTRL_NBAR_MASK) >>
			PCI_REBAR_CTRL_NBAR_SHIFT);
}

static int vfio_pci_dpa_probe(struct pci_dev *pdev, unsigned int pos,
			      const struct vfio_pci_cfg_kind **kind)
{
	u32 cap;
	int ret;

	ret = vfio_pci_ecap_read(pdev, pos + PCI_DPA_CAP, 1, &cap);
	if (ret)
		return ret;
	return PCI_DPA_BASE_SIZEOF + (cap & PCI_DPA_CAP_SUBSTATE_MASK) + 1;
}

static int vfio_pci_tph_probe(struct pci_dev *pdev, unsigned int pos,
			      const struct vfio_pci_cfg_kind **kind)
{
	u32 cap;
	int ret;

	ret = vfio_pci_ecap_read(pdev, pos + PCI_TPH_CAP, 4, &cap);
	if (ret)
		return ret;
	/* The steering tag table may live here or in the MSI-X table */
	if ((cap & PCI_TPH_CAP_LOC_MASK) != PCI_TPH_LOC_CAP)
		return PCI_TPH_BASE_SIZEOF;
	return PCI_TPH_BASE_SIZEOF + 2 * ((cap & PCI_TPH_CAP_ST_MASK) >>
					  PCI_TPH_CAP_ST_SHIFT) + 2;
}

/*
 * The extended capabilities userspace sees, as Linux 6.1 shows them.
 * Missing ones are hidden: root complex only ones (RCLD, RCILC, RCEC,
 * RCRB), obsolete or unsupported ones (CAC, MR-IOV, AMD, Secondary PCIe,
 * PMUX, PASID) and every ID after PASID.
 */
const struct vfio_pci_cap_desc vfio_pci_ecaps[] = {
	{ PCI_EXT_CAP_ID_ERR,	PCI_ERR_ROOT_COMMAND, &vfio_pci_aer_kind },
	{ PCI_EXT_CAP_ID_VC,	.probe = vfio_pci_vc_probe },
	{ PCI_EXT_CAP_ID_DSN,	PCI_EXT_CAP_DSN_SIZEOF },
	{ PCI_EXT_CAP_ID_PWR,	PCI_EXT_CAP_PWR_SIZEOF, &vfio_pci_pwr_kind },
	{ PCI_EXT_CAP_ID_MFVC,	.probe = vfio_pci_vc_probe },
	{ PCI_EXT_CAP_ID_VC9,	.probe = vfio_pci_vc_probe },
	{ PCI_EXT_CAP_ID_VNDR,	.kind = &vfio_pci_ecap_raw_kind,
				.probe = vfio_pci_vsec_probe },
	{ PCI_EXT_CAP_ID_ACS,	.probe = vfio_pci_acs_probe },
	{ PCI_EXT_CAP_ID_ARI,	PCI_EXT_CAP_ARI_SIZEOF },
	{ PCI_EXT_CAP_ID_ATS,	PCI_EXT_CAP_ATS_SIZEOF },
	{ PCI_EXT_CAP_ID_SRIOV,	PCI_EXT_CAP_SRIOV_SIZEOF },
	{ PCI_EXT_CAP_ID_MCAST,	PCI_EXT_CAP_MCAST_ENDPOINT_SIZEOF },
	{ PCI_EXT_CAP_ID_PRI,	PCI_EXT_CAP_PRI_SIZEOF },
	{ PCI_EXT_CAP_ID_REBAR,	.probe = vfio_pci_rebar_probe },
	{ PCI_EXT_CAP_ID_DPA,	.probe = vfio_pci_dpa_probe },
	{ PCI_EXT_CAP_ID_TPH,	.probe = vfio_pci_tph_probe },
	{ PCI_EXT_CAP_ID_LTR,	PCI_EXT_CAP_LTR_SIZEOF },
};

const unsigned int vfio_pci_nr_ecaps = ARRAY_SIZE(vfio_pci_ecaps);
