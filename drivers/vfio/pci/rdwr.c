// SPDX-License-Identifier: GPL-2.0-only
/*
 * read() and write() on a vfio-pci device fd: dispatch by region index
 * (the file offset's bits from VFIO_PCI_OFFSET_SHIFT up), and access to
 * BARs (memory or I/O port) and to the expansion ROM.  Config space lives
 * in config.c.
 *
 * BAR accesses are split into naturally aligned 1, 2, 4 (and, for memory
 * BARs on 64-bit hosts, 8) byte device accesses.  Data is moved in device
 * byte order: the bytes userspace sees are the bytes on the bus.
 */
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "priv.h"

#if defined(readq) && defined(writeq)
#define VFIO_PCI_MEM_ACCESS_MAX	8
#else
#define VFIO_PCI_MEM_ACCESS_MAX	4
#endif

/* Largest ROM chunk moved by one read() */
#define VFIO_PCI_ROM_CHUNK	SZ_64K

/**
 * vfio_pci_bar_map - claim a BAR for userspace and map it for the kernel
 * @vdev: an open device
 * @bar: BAR number, 0-5, with a non-empty resource
 *
 * Done once per open; later calls return at once.  The mapping stays until
 * the device is closed.
 *
 * Return: 0, or a negative errno if another driver owns the range or the
 * mapping failed.
 */
int vfio_pci_bar_map(struct vfio_pci_core_device *vdev, unsigned int bar)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	int ret = 0;

	/* Pairs with the release below: a mapping seen is complete */
	if (smp_load_acquire(&vdev->barmap[bar]))
		return 0;

	mutex_lock(&vdev->barmap_lock);
	if (vdev->barmap[bar])
		goto out_unlock;

	ret = pci_request_selected_regions(pdev, 1 << bar, "vfio-pci");
	if (ret)
		goto out_unlock;

	io = pci_iomap(pdev, bar, 0);
	if (!io) {
		pci_release_selected_regions(pdev, 1 << bar);
		ret = -ENOMEM;
		goto out_unlock;
	}
	/* Publish the mapping only once it is complete */
	smp_store_release(&vdev->barmap[bar], io);

out_unlock:
	mutex_unlock(&vdev->barmap_lock);
	return ret;
}

/**
 * vfio_pci_bars_unmap - undo every vfio_pci_bar_map() (device close)
 * @vdev: the device being closed; no user access can be in flight
 */
void vfio_pci_bars_unmap(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!vdev->barmap[bar])
			continue;
		pci_iounmap(pdev, vdev->barmap[bar]);
		pci_release_selected_regions(pdev, 1 << bar);
		vdev->barmap[bar] = NULL;
	}
}

/* Largest power of two <= @max that fits in @left and aligns @off */
static size_t vfio_pci_access_size(u64 off, size_t left, size_t max)
{
	size_t n = max;

	while (n > 1 && (n > left || (off & (n - 1))))
		n >>= 1;
	return n;
}

union vfio_pci_io_val {
	u8	b;
	__le16	w;
	__le32	l;
	__le64	q;
};

static int vfio_pci_io_read(void __iomem *io, char __user *buf, size_t n)
{
	union vfio_pci_io_val v;

	switch (n) {
	case 1:
		v.b = ioread8(io);
		break;
	case 2:
		v.w = cpu_to_le16(ioread16(io));
		break;
	case 4:
		v.l = cpu_to_le32(ioread32(io));
		break;
#if VFIO_PCI_MEM_ACCESS_MAX == 8
	case 8:
		v.q = cpu_to_le64(readq(io));
		break;
#endif
	default:
		return -EINVAL;
	}

	return copy_to_user(buf, &v, n) ? -EFAULT : 0;
}

static int vfio_pci_io_write(void __iomem *io, const char __user *buf,
			     size_t n)
{
	union vfio_pci_io_val v;

	if (copy_from_user(&v, buf, n))
		return -EFAULT;

	switch (n) {
	case 1:
		iowrite8(v.b, io);
		break;
	case 2:
		iowrite16(le16_to_cpu(v.w), io);
		break;
	case 4:
		iowrite32(le32_to_cpu(v.l), io);
		break;
#if VFIO_PCI_MEM_ACCESS_MAX == 8
	case 8:
		writeq(le64_to_cpu(v.q), io);
		break;
#endif
	default:
		return -EINVAL;
	}

	return 0;
}

static ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev,
			       unsigned int bar, char __user *buf,
			       size_t count, u64 off, bool iswrite)
{
	struct pci_dev *pdev = vdev->pdev;
	u64 len = pci_resource_len(pdev, bar);
	size_t max, done = 0;
	void __iomem *io;
	int ret;

	if (!len || !pci_resource_start(pdev, bar) || off >= len)
		return -EINVAL;
	count = min_t(u64, count, len - off);

	ret = vfio_pci_bar_map(vdev, bar);
	if (ret)
		return ret;
	io = vdev->barmap[bar] + off;

	/* 8 byte accesses only on memory: an I/O port access is at most 4 */
	max = pci_resource_flags(pdev, bar) & IORESOURCE_MEM ?
	      VFIO_PCI_MEM_ACCESS_MAX : 4;

	while (done < count) {
		size_t n = vfio_pci_access_size(off + done, count - done, max);

		if (iswrite)
			ret = vfio_pci_io_write(io + done, buf + done, n);
		else
			ret = vfio_pci_io_read(io + done, buf + done, n);
		if (ret)
			return done ? done : ret;
		done += n;
	}

	return done;
}

/**
 * vfio_pci_rom_present - whether the function has a readable option ROM
 * @vdev: an open device
 *
 * Return: true if the ROM BAR exists and holds a valid ROM image.
 */
bool vfio_pci_rom_present(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *rom;
	size_t size;

	if (!pci_resource_len(pdev, PCI_ROM_RESOURCE))
		return false;

	mutex_lock(&vdev->barmap_lock);
	rom = pci_map_rom(pdev, &size);
	if (rom)
		pci_unmap_rom(pdev, rom);
	mutex_unlock(&vdev->barmap_lock);

	return rom;
}

/*
 * The ROM region has the size of the ROM BAR; bytes past the end of the
 * ROM image read as 0xff.  Reads return at most VFIO_PCI_ROM_CHUNK bytes.
 */
static ssize_t vfio_pci_rom_rw(struct vfio_pci_core_device *vdev,
			       unsigned int index, char __user *buf,
			       size_t count, u64 off, bool iswrite)
{
	struct pci_dev *pdev = vdev->pdev;
	u64 len = pci_resource_len(pdev, PCI_ROM_RESOURCE);
	size_t rom_size, from_rom = 0;
	void __iomem *rom;
	ssize_t ret;
	u8 *kbuf;

	if (iswrite || !len || off >= len)
		return -EINVAL;
	count = min_t(u64, count, len - off);
	count = min_t(size_t, count, VFIO_PCI_ROM_CHUNK);

	kbuf = kvmalloc(count, GFP_KERNEL_ACCOUNT);
	if (!kbuf)
		return -ENOMEM;

	/* pci_map_rom() toggles the ROM enable bit: one user at a time */
	mutex_lock(&vdev->barmap_lock);
	rom = pci_map_rom(pdev, &rom_size);
	if (rom) {
		if (off < rom_size) {
			from_rom = min_t(u64, count, rom_size - off);
			memcpy_fromio(kbuf, rom + off, from_rom);
		}
		pci_unmap_rom(pdev, rom);
	}
	mutex_unlock(&vdev->barmap_lock);

	if (!rom) {
		ret = -EIO;
		goto out_free;
	}
	memset(kbuf + from_rom, 0xff, count - from_rom);

	ret = copy_to_user(buf, kbuf, count) ? -EFAULT : count;
out_free:
	kvfree(kbuf);
	return ret;
}

typedef ssize_t (*vfio_pci_rw_fn)(struct vfio_pci_core_device *vdev,
				  unsigned int index, char __user *buf,
				  size_t count, u64 off, bool iswrite);

/* Handler of each region; a hole means the region is not offered */
static const vfio_pci_rw_fn vfio_pci_region_rw[VFIO_PCI_NUM_REGIONS] = {
	[VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX] =
							vfio_pci_bar_rw,
	[VFIO_PCI_ROM_REGION_INDEX]		= vfio_pci_rom_rw,
	[VFIO_PCI_CONFIG_REGION_INDEX]		= vfio_pci_config_rw,
};

static ssize_t vfio_pci_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t *ppos,
			   bool iswrite)
{
	u64 index, off;
	ssize_t ret;

	if (*ppos < 0)
		return -EINVAL;
	index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	off = *ppos & VFIO_PCI_OFFSET_MASK;

	if (index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	index = array_index_nospec(index, VFIO_PCI_NUM_REGIONS);
	if (!vfio_pci_region_rw[index])
		return -EINVAL;
	if (!count)
		return 0;

	ret = vfio_pci_region_rw[index](vdev, index, buf, count, off, iswrite);
	if (ret > 0)
		*ppos += ret;
	return ret;
}

/**
 * vfio_pci_core_read - read callback for PCI devices
 * @core_vdev: the device
 * @buf: user buffer
 * @count: bytes wanted
 * @ppos: file offset: region index << VFIO_PCI_OFFSET_SHIFT | offset
 *
 * Return: bytes read (possibly fewer than @count at the end of a region),
 * or a negative errno.
 */
ssize_t vfio_pci_core_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos)
{
	return vfio_pci_rw(to_vfio_pci(core_vdev), buf, count, ppos, false);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_read);

/**
 * vfio_pci_core_write - write callback for PCI devices
 * @core_vdev: the device
 * @buf: user buffer
 * @count: bytes to write
 * @ppos: file offset: region index << VFIO_PCI_OFFSET_SHIFT | offset
 *
 * Return: bytes written (possibly fewer than @count at the end of a
 * region), or a negative errno.
 */
ssize_t vfio_pci_core_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count, loff_t *ppos)
{
	return vfio_pci_rw(to_vfio_pci(core_vdev), (char __user *)buf, count,
			   ppos, true);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_write);
