// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config space: the standard header.  Which of its bits userspace sees
 * virtualized and may write, and the hooks that keep the virtual bits
 * meaningful:
 *
 *	BARs and ROM BAR	entirely virtual, so userspace can size them
 *				(write ~0, read back the size mask) and move
 *				them around without touching the real ones
 *	command register	INTx Disable virtual (ours, for masking);
 *				the decode enables real, with every BAR
 *				mapping zapped before memory decode goes off
 *	IDs, pin, cap pointer	virtual, read-only: hide INTx or capabilities,
 *				and give VFs (which read 0xffff) their IDs
 *
 * The engine applying the table is config.c.
 */
#include <linux/pci.h>

#include "config.h"

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

	/* Sized like the ROM region (a shadow copy counts as a ROM too) */
	len = vfio_pci_rom_size(vdev);
	val = vfio_pci_vconfig_get(vdev, PCI_ROM_ADDRESS, 4);
	if (len)
		val &= (u32)~(len - 1) | PCI_ROM_ADDRESS_ENABLE;
	else
		val = 0;
	vfio_pci_vconfig_put(vdev, PCI_ROM_ADDRESS, 4, val);

	vdev->bardirty = false;
}

static bool vfio_pci_is_bar(unsigned int pos, unsigned int len)
{
	return vfio_pci_overlaps(pos, len, PCI_BASE_ADDRESS_0,
				 PCI_STD_NUM_BARS * 4) ||
	       vfio_pci_overlaps(pos, len, PCI_ROM_ADDRESS, 4);
}

static void vfio_pci_hdr_prepare_read(struct vfio_pci_core_device *vdev,
				      const struct vfio_pci_cfg_seg *seg,
				      unsigned int pos, unsigned int len)
{
	if (vdev->bardirty && vfio_pci_is_bar(pos, len))
		vfio_pci_bars_fixup(vdev);
}

/*
 * A reset the host did not see (a device-specific one, or an FLR a VF
 * driver triggered) clears the real BARs and decode enables, while
 * userspace still thinks they are set.  Before decode is turned on, put
 * the BARs the host assigned back.  memory_lock held for write.
 */
static void vfio_pci_bars_check(struct vfio_pci_core_device *vdev,
				bool new_mem, bool new_io)
{
	struct pci_dev *pdev = vdev->pdev;
	bool restore = false;
	unsigned int i;
	u16 cmd;
	u32 bar;

	lockdep_assert_held_write(&vdev->memory_lock);

	if (pdev->is_virtfn || pci_user_read_config_word(pdev, PCI_COMMAND, &cmd))
		return;

	if (new_mem && vdev->user_mem_enable && !(cmd & PCI_COMMAND_MEMORY) &&
	    !pdev->no_command_memory)
		restore = true;
	if (new_io && vdev->user_io_enable && !(cmd & PCI_COMMAND_IO))
		restore = true;
	for (i = 0; !restore && i < PCI_STD_NUM_BARS; i++) {
		if (!vdev->rbar[i])
			continue;
		if (pci_user_read_config_dword(pdev, PCI_BASE_ADDRESS_0 + 4 * i,
					       &bar) || bar != vdev->rbar[i])
			restore = true;
	}
	if (!restore)
		return;

	pci_info(pdev, "BARs were reset behind our back, restoring them\n");
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		pci_user_write_config_dword(pdev, PCI_BASE_ADDRESS_0 + 4 * i,
					    vdev->rbar[i]);
	pci_user_write_config_dword(pdev, PCI_ROM_ADDRESS,
				    vdev->rbar[PCI_STD_NUM_BARS]);
	if (vdev->nointx && !(cmd & PCI_COMMAND_INTX_DISABLE))
		pci_user_write_config_word(pdev, PCI_COMMAND,
					   cmd | PCI_COMMAND_INTX_DISABLE);
}

/*
 * Writes reaching the command register's low byte (the decode enables)
 * run with memory_lock held for write, BAR mappings zapped first if memory
 * decode is to be off: no user access can reach the BARs while decode
 * changes or is off.
 */
static int vfio_pci_hdr_write(struct vfio_pci_core_device *vdev,
			      const struct vfio_pci_cfg_seg *seg,
			      unsigned int pos, unsigned int len, u32 val)
{
	bool decode = vfio_pci_overlaps(pos, len, PCI_COMMAND, 1);
	bool new_mem = false, new_io = false;
	u16 cmd;
	int ret;

	if (decode) {
		cmd = vfio_pci_access_bits(pos, len, val, PCI_COMMAND, 1);
		new_mem = cmd & PCI_COMMAND_MEMORY;
		new_io = cmd & PCI_COMMAND_IO;
		if (new_mem)
			down_write(&vdev->memory_lock);
		else
			vfio_pci_zap_and_down_write_memory_lock(vdev);
		vfio_pci_bars_check(vdev, new_mem, new_io);
	}

	ret = vfio_pci_cfg_write_fields(vdev, seg, pos, len, val);

	if (decode) {
		if (!ret) {
			vdev->user_mem_enable = new_mem;
			vdev->user_io_enable = new_io;
		}
		up_write(&vdev->memory_lock);
	}
	if (ret)
		return ret;

	if (vfio_pci_overlaps(pos, len, PCI_COMMAND, 2)) {
		cmd = vfio_pci_vconfig_get(vdev, PCI_COMMAND, 2);
		vfio_pci_intx_virt_disable(vdev,
					   cmd & PCI_COMMAND_INTX_DISABLE);
	}
	if (vfio_pci_is_bar(pos, len))
		vdev->bardirty = true;
	return 0;
}

static const struct vfio_pci_cfg_field vfio_pci_hdr_fields[] = {
	/* Virtual for VFs, whose real IDs read as 0xffff */
	{ PCI_VENDOR_ID, 2, 0xffff, 0 },
	{ PCI_DEVICE_ID, 2, 0xffff, 0 },
	/*
	 * INTx Disable is ours (INTx masking): the user's setting is virtual
	 * and emulated.  The rest reaches the device.
	 */
	{ PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE, 0xffff },
	/* Virtual so capabilities can all be hidden */
	{ PCI_STATUS, 2, PCI_STATUS_CAP_LIST, 0 },
	/* Harmless */
	{ PCI_CACHE_LINE_SIZE, 1, 0, 0xff },
	{ PCI_LATENCY_TIMER, 1, 0, 0xff },
	{ PCI_BIST, 1, 0, 0xff },
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

/*
 * Functions without a Memory Space Enable bit (VFs): decode is always on,
 * the bit is virtual so userspace sees the value it wrote.
 */
static const struct vfio_pci_cfg_field vfio_pci_hdr_nomem_fields[] = {
	{ PCI_COMMAND, 2, PCI_COMMAND_MEMORY, 0 },
};

const struct vfio_pci_cfg_kind vfio_pci_hdr_kind = {
	.name		= "header",
	.fields		= vfio_pci_hdr_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_hdr_fields),
	.prepare_read	= vfio_pci_hdr_prepare_read,
	.write		= vfio_pci_hdr_write,
};

const struct vfio_pci_cfg_kind vfio_pci_hdr_nomem_kind = {
	.name		= "header",
	.fields		= vfio_pci_hdr_nomem_fields,
	.nr_fields	= ARRAY_SIZE(vfio_pci_hdr_nomem_fields),
	.base		= &vfio_pci_hdr_kind,
	.prepare_read	= vfio_pci_hdr_prepare_read,
	.write		= vfio_pci_hdr_write,
};

/**
 * vfio_pci_hdr_init - set the header's virtual bytes up (device open)
 * @vdev: the device being opened; vconfig holds the real header
 */
void vfio_pci_hdr_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int i;
	u16 cmd;

	/* The BARs as the host assigned them, to restore after a reset */
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		vdev->rbar[i] = vfio_pci_vconfig_get(vdev,
						     PCI_BASE_ADDRESS_0 + 4 * i, 4);
	vdev->rbar[i] = vfio_pci_vconfig_get(vdev, PCI_ROM_ADDRESS, 4);

	cmd = vfio_pci_vconfig_get(vdev, PCI_COMMAND, 2);
	if (pdev->no_command_memory)
		cmd |= PCI_COMMAND_MEMORY;
	/* The user's INTx Disable starts clear, like virq_disabled */
	cmd &= ~PCI_COMMAND_INTX_DISABLE;
	vfio_pci_vconfig_put(vdev, PCI_COMMAND, 2, cmd);

	down_write(&vdev->memory_lock);
	vdev->user_mem_enable = cmd & PCI_COMMAND_MEMORY;
	vdev->user_io_enable = cmd & PCI_COMMAND_IO;
	up_write(&vdev->memory_lock);

	if (pdev->is_virtfn) {
		vfio_pci_vconfig_put(vdev, PCI_VENDOR_ID, 2, pdev->vendor);
		vfio_pci_vconfig_put(vdev, PCI_DEVICE_ID, 2, pdev->device);
		/* VFs have no INTx (SR-IOV 1.1, 3.4.1.18), whatever they say */
		if (vdev->vconfig[PCI_INTERRUPT_PIN])
			pci_info(pdev, "VF reports INTx pin %u, hiding it\n",
				 vdev->vconfig[PCI_INTERRUPT_PIN]);
		vdev->vconfig[PCI_INTERRUPT_PIN] = 0;
	}

	if (!vdev->has_intx || vdev->nointx)
		vdev->vconfig[PCI_INTERRUPT_PIN] = 0;

	vdev->bardirty = true;
}
