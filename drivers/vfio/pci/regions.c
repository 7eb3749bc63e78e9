// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_DEVICE_GET_REGION_INFO: what each region of a vfio-pci device fd
 * offers, at which file offset, and the capability chain that may follow
 * the structure:
 *
 *	BAR 0-5		read/write; mmap for page-sized memory BARs.  The BAR
 *			holding the MSI-X table (or PBA) gets a sparse mmap
 *			capability listing what may be mapped: everything
 *			but the table and PBA pages.  VFIO_REGION_INFO_CAP_
 *			MSIX_MAPPABLE is never reported: those pages are
 *			never mappable (Linux 6.1 reports it and maps them).
 *	ROM		read-only, the size of the ROM BAR, if a ROM image
 *			can really be read
 *	CONFIG		read/write, the size of config space
 *	VGA		read/write, 0xc0000 bytes, VGA-class functions only
 */
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "priv.h"

/* The legacy VGA region spans addresses 0 to 0xbffff */
#define VFIO_PCI_VGA_REGION_SIZE	0xc0000

/*
 * The parts of a mappable BAR outside its holes.  Returns -ENOENT if
 * nothing of it may be mapped.
 */
static int vfio_pci_sparse_cap(struct vfio_pci_core_device *vdev,
			       unsigned int bar, struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_region_sparse_mmap_area areas[3];
	u64 len = PAGE_ALIGN(pci_resource_len(vdev->pdev, bar));
	struct vfio_info_cap_header *header;
	u64 hstart[2], hend[2], from = 0;
	unsigned int i, n, nr = 0;

	n = vfio_pci_mmap_holes(vdev, bar, hstart, hend);
	if (!n)
		return 0;

	for (i = 0; i <= n; i++) {
		u64 to = i < n ? min(hstart[i], len) : len;

		if (to > from) {
			areas[nr].offset = from;
			areas[nr++].size = to - from;
		}
		if (i < n)
			from = max(from, hend[i]);
	}
	if (!nr)
		return -ENOENT;

	header = vfio_info_cap_add(caps, struct_size(sparse, areas, nr),
				   VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);
	sparse = container_of(header, struct vfio_region_info_cap_sparse_mmap,
			      header);
	sparse->nr_areas = nr;
	memcpy(sparse->areas, areas, nr * sizeof(areas[0]));
	return 0;
}

static int vfio_pci_bar_info(struct vfio_pci_core_device *vdev,
			     struct vfio_region_info *info,
			     struct vfio_info_cap *caps)
{
	unsigned int bar = array_index_nospec(info->index, PCI_STD_NUM_BARS);
	int ret;

	info->size = pci_resource_len(vdev->pdev, bar);
	if (!info->size)
		return 0;

	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (!vdev->bar_mmap_supported[bar])
		return 0;

	ret = vfio_pci_sparse_cap(vdev, bar, caps);
	if (ret == -ENOENT)
		return 0;
	if (!ret)
		info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
	return ret;
}

/* The ROM BAR's size, if a ROM image is there to read (memory decode on) */
static void vfio_pci_rom_info(struct vfio_pci_core_device *vdev,
			     struct vfio_region_info *info)
{
	struct pci_dev *pdev = vdev->pdev;
	u64 size = vfio_pci_rom_size(vdev);
	void __iomem *rom;
	size_t rom_size;
	u16 cmd;

	if (!size)
		return;

	cmd = vfio_pci_memory_lock_and_enable(vdev);
	rom = pci_map_rom(pdev, &rom_size);
	if (rom)
		pci_unmap_rom(pdev, rom);
	vfio_pci_memory_unlock_and_restore(vdev, cmd);

	if (rom) {
		info->size = size;
		info->flags = VFIO_REGION_INFO_FLAG_READ;
	}
}

/* Put the chain after the structure, or say how much room it needs */
static int vfio_pci_info_caps_out(struct vfio_region_info *info,
				  void __user *uarg,
				  struct vfio_info_cap *caps)
{
	size_t need;

	info->flags |= VFIO_REGION_INFO_FLAG_CAPS;
	need = sizeof(*info) + caps->size;
	if (info->argsz < need) {
		info->argsz = need;
		return 0;
	}

	vfio_info_cap_shift(caps, sizeof(*info));
	if (copy_to_user(uarg + sizeof(*info), caps->buf, caps->size))
		return -EFAULT;
	info->cap_offset = sizeof(*info);
	return 0;
}

/**
 * vfio_pci_region_info - VFIO_DEVICE_GET_REGION_INFO
 * @vdev: an open device
 * @info: the user's structure, argsz checked; index set, the rest filled
 *	in here
 * @uarg: where it came from, for the capability chain behind it
 *
 * Return: 0, -EINVAL for a region the device does not have, -EFAULT or
 * -ENOMEM.
 */
int vfio_pci_region_info(struct vfio_pci_core_device *vdev,
			 struct vfio_region_info *info, void __user *uarg)
{
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct pci_dev *pdev = vdev->pdev;
	int ret = 0;

	info->offset = VFIO_PCI_INDEX_TO_OFFSET(info->index);
	info->flags = 0;
	info->size = 0;
	info->cap_offset = 0;

	switch (info->index) {
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		ret = vfio_pci_bar_info(vdev, info, &caps);
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
		vfio_pci_rom_info(vdev, info);
		break;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->size = pdev->cfg_size;
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_VGA_REGION_INDEX:
		if (!vfio_pci_vga_present(vdev))
			return -EINVAL;
		info->size = VFIO_PCI_VGA_REGION_SIZE;
		info->flags = VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE;
		break;
	default:
		/* No device-specific regions */
		return -EINVAL;
	}

	if (!ret && caps.size)
		ret = vfio_pci_info_caps_out(info, uarg, &caps);
	kfree(caps.buf);
	return ret;
}
