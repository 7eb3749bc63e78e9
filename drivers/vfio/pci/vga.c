// SPDX-License-Identifier: GPL-2.0-only
/*
 * The legacy VGA region of a VGA-class function (x86): the fixed ranges a
 * VGA device decodes besides its BARs, offered at their bus addresses in
 * VFIO_PCI_VGA_REGION_INDEX, which is 0xc0000 bytes long:
 *
 *	0xa0000 - 0xbffff	frame buffer (memory)
 *	0x3b0 - 0x3bb		monochrome registers (I/O ports)
 *	0x3c0 - 0x3df		colour registers (I/O ports)
 *
 * Every access takes the range from the VGA arbiter first.  We are also
 * the arbiter's client for the function, saying what it decodes.
 * vfio-pci's disable_vga parameter turns all this off.
 */
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/vgaarb.h>

#include "priv.h"

/* vfio-pci's disable_vga parameter */
bool vfio_pci_core_disable_vga;
EXPORT_SYMBOL_GPL(vfio_pci_core_disable_vga);

/* Legacy accesses go through a small buffer on the stack */
#define VFIO_PCI_VGA_BOUNCE	128

/**
 * struct vfio_pci_vga_range - one legacy VGA range
 * @start: bus address, and offset in the region
 * @len: bytes
 * @io: I/O ports (else memory)
 */
struct vfio_pci_vga_range {
	u32	start;
	u32	len;
	bool	io;
};

static const struct vfio_pci_vga_range vfio_pci_vga_ranges[] = {
	{ 0xa0000, 0x20000, false },
	{ 0x3b0, 0xc, true },
	{ 0x3c0, 0x20, true },
};

static bool vfio_pci_is_vga(struct pci_dev *pdev)
{
	return (pdev->class >> 8) == PCI_CLASS_DISPLAY_VGA;
}

/**
 * vfio_pci_vga_present - does the device offer the VGA region?
 * @vdev: the device
 *
 * Return: true for a VGA-class function, unless disable_vga is set or the
 * platform has no legacy VGA.
 */
bool vfio_pci_vga_present(struct vfio_pci_core_device *vdev)
{
	return VFIO_PCI_CORE_VGA && !vfio_pci_core_disable_vga &&
	       vfio_pci_is_vga(vdev->pdev);
}

/**
 * vfio_pci_vga_rw - read or write the VGA region
 * @vdev: an open device
 * @index: VFIO_PCI_VGA_REGION_INDEX
 * @buf: user buffer
 * @count: bytes wanted
 * @off: offset in the region: the legacy address
 * @iswrite: direction
 *
 * Return: bytes transferred (at most to the end of the range @off is in),
 * or a negative errno: -EINVAL outside the ranges or without the region.
 */
ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev,
			unsigned int index, char __user *buf,
			size_t count, u64 off, bool iswrite)
{
	const struct vfio_pci_vga_range *r = NULL;
	u8 bounce[VFIO_PCI_VGA_BOUNCE] __aligned(8);
	struct pci_dev *pdev = vdev->pdev;
	unsigned int i, rsrc;
	void __iomem *io;
	int ret;

	if (!vfio_pci_vga_present(vdev))
		return -EINVAL;

	for (i = 0; i < ARRAY_SIZE(vfio_pci_vga_ranges); i++) {
		if (off >= vfio_pci_vga_ranges[i].start &&
		    off - vfio_pci_vga_ranges[i].start <
		    vfio_pci_vga_ranges[i].len)
			r = &vfio_pci_vga_ranges[i];
	}
	if (!r)
		return -EINVAL;
	off -= r->start;
	count = min_t(u64, count, r->len - off);
	count = min(count, sizeof(bounce));

	if (iswrite && copy_from_user(bounce, buf, count))
		return -EFAULT;

	if (r->io) {
		io = ioport_map(r->start, r->len);
		rsrc = VGA_RSRC_LEGACY_IO;
	} else {
		io = ioremap(r->start, r->len);
		rsrc = VGA_RSRC_LEGACY_MEM;
	}
	if (!io)
		return -ENOMEM;

	/*
	 * The legacy ranges are not BARs: they decode with the function's
	 * enables, which are the user's, and reads of an undecoded range
	 * just return all ones.
	 */
	ret = vga_get_interruptible(pdev, rsrc);
	if (!ret) {
		vfio_pci_iomem_rw(io + off, bounce, count, 4, iswrite);
		vga_put(pdev, rsrc);
	}

	if (r->io)
		ioport_unmap(io);
	else
		iounmap(io);
	if (ret)
		return ret;

	if (!iswrite && copy_to_user(buf, bounce, count))
		return -EFAULT;
	return count;
}

/*
 * The arbiter asks what the function decodes.  It decodes the legacy
 * ranges unless the user cannot reach them (disable_vga) and no other VGA
 * device sits below the same bridge: then routing can be turned off at
 * the bridge and the arbiter need not bother.
 */
static unsigned int vfio_pci_vga_decode(struct pci_dev *pdev, bool single)
{
	unsigned int all = VGA_RSRC_NORMAL_IO | VGA_RSRC_NORMAL_MEM |
			   VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM;
	struct pci_dev *other = NULL;
	unsigned char last_bus;

	if (single || !vfio_pci_core_disable_vga || pci_is_root_bus(pdev->bus))
		return all;

	last_bus = pci_bus_max_busnr(pdev->bus);
	while ((other = pci_get_class(PCI_CLASS_DISPLAY_VGA << 8, other))) {
		if (other == pdev ||
		    pci_domain_nr(other->bus) != pci_domain_nr(pdev->bus) ||
		    pci_is_root_bus(other->bus))
			continue;
		if (other->bus->number >= pdev->bus->number &&
		    other->bus->number <= last_bus) {
			pci_dev_put(other);
			return all;
		}
	}
	return VGA_RSRC_NORMAL_IO | VGA_RSRC_NORMAL_MEM;
}

/**
 * vfio_pci_vga_register - become the VGA arbiter's client (device register)
 * @vdev: the device
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_vga_register(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	if (!VFIO_PCI_CORE_VGA || !vfio_pci_is_vga(pdev))
		return 0;

	ret = vga_client_register(pdev, vfio_pci_vga_decode);
	if (ret)
		return ret;
	vga_set_legacy_decoding(pdev, vfio_pci_vga_decode(pdev, false));
	return 0;
}

/**
 * vfio_pci_vga_unregister - undo vfio_pci_vga_register()
 * @vdev: the device
 */
void vfio_pci_vga_unregister(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	if (!VFIO_PCI_CORE_VGA || !vfio_pci_is_vga(pdev))
		return;

	vga_client_unregister(pdev);
	vga_set_legacy_decoding(pdev, VGA_RSRC_NORMAL_IO | VGA_RSRC_NORMAL_MEM |
				      VGA_RSRC_LEGACY_IO | VGA_RSRC_LEGACY_MEM);
}
