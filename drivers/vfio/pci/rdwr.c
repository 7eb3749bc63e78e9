// SPDX-License-Identifier: GPL-2.0-only
/*
 * read() and write() on a vfio-pci device fd: dispatch by region index
 * (the file offset's bits from VFIO_PCI_OFFSET_SHIFT up), and access to
 * BARs (memory or I/O port) and to the expansion ROM.  Config space lives
 * in config.c, the legacy VGA ranges in vga.c.
 *
 * Data goes through a small kernel buffer, so no user page fault happens
 * while a lock is held (the user's buffer could be a mapping of this very
 * device), and is moved in naturally aligned 1, 2, 4 (and, for memory on
 * 64-bit hosts, 8) byte device accesses, in device byte order: the bytes
 * userspace sees are the bytes on the bus.
 *
 * Memory BARs are only accessed while the function decodes memory (see
 * memory_lock); otherwise the access fails with -EIO.  The MSI-X table is
 * the host's: reads of it return all ones, writes to it are dropped.
 */
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/unaligned.h>

#include "priv.h"

#if defined(readq) && defined(writeq)
#define VFIO_PCI_MEM_ACCESS_MAX	8
#else
#define VFIO_PCI_MEM_ACCESS_MAX	4
#endif

/* Bytes moved per lock hold, through a buffer on the stack */
#define VFIO_PCI_BOUNCE		32

/* Largest ROM chunk moved by one read() */
#define VFIO_PCI_ROM_CHUNK	SZ_64K

/* What a shadow ROM (a copy in system memory) spans without a ROM BAR */
#define VFIO_PCI_SHADOW_ROM_SIZE	SZ_128K

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
 * @vdev: the device being closed; no user access or mapping is left
 */
void vfio_pci_bars_unmap(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int bar;

	vfio_pci_mmap_close(vdev);

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!vdev->barmap[bar])
			continue;
		pci_iounmap(pdev, vdev->barmap[bar]);
		pci_release_selected_regions(pdev, 1 << bar);
		vdev->barmap[bar] = NULL;
	}
}

/**
 * vfio_pci_copy_in - copy_from_user() tuned for register-sized accesses
 * @kbuf: kernel buffer
 * @ubuf: user buffer
 * @n: byte count
 *
 * A VMM's trapped MMIO or config access is 1, 2, 4 or 8 bytes: those take
 * one get_user(), far cheaper than the generic copy.  The bytes land in
 * @kbuf in the order userspace had them.
 *
 * Return: 0 or -EFAULT.
 */
int vfio_pci_copy_in(u8 *kbuf, const char __user *ubuf, size_t n)
{
	u8 v8;
	u16 v16;
	u32 v32;
	u64 v64;

	switch (n) {
	case 1:
		if (get_user(v8, (const u8 __user *)ubuf))
			return -EFAULT;
		*kbuf = v8;
		return 0;
	case 2:
		if (get_user(v16, (const u16 __user *)ubuf))
			return -EFAULT;
		memcpy(kbuf, &v16, 2);
		return 0;
	case 4:
		if (get_user(v32, (const u32 __user *)ubuf))
			return -EFAULT;
		memcpy(kbuf, &v32, 4);
		return 0;
	case 8:
		if (get_user(v64, (const u64 __user *)ubuf))
			return -EFAULT;
		memcpy(kbuf, &v64, 8);
		return 0;
	}
	return copy_from_user(kbuf, ubuf, n) ? -EFAULT : 0;
}

/**
 * vfio_pci_copy_out - copy_to_user() tuned for register-sized accesses
 * @ubuf: user buffer
 * @kbuf: kernel buffer
 * @n: byte count
 *
 * The counterpart of vfio_pci_copy_in().
 *
 * Return: 0 or -EFAULT.
 */
int vfio_pci_copy_out(char __user *ubuf, const u8 *kbuf, size_t n)
{
	u16 v16;
	u32 v32;
	u64 v64;

	switch (n) {
	case 1:
		return put_user(*kbuf, (u8 __user *)ubuf) ? -EFAULT : 0;
	case 2:
		memcpy(&v16, kbuf, 2);
		return put_user(v16, (u16 __user *)ubuf) ? -EFAULT : 0;
	case 4:
		memcpy(&v32, kbuf, 4);
		return put_user(v32, (u32 __user *)ubuf) ? -EFAULT : 0;
	case 8:
		memcpy(&v64, kbuf, 8);
		return put_user(v64, (u64 __user *)ubuf) ? -EFAULT : 0;
	}
	return copy_to_user(ubuf, kbuf, n) ? -EFAULT : 0;
}

/* Largest power of two <= @max that fits in @left and aligns @addr */
static size_t vfio_pci_access_size(unsigned long addr, size_t left,
				   size_t max)
{
	size_t n = max;

	while (n > 1 && (n > left || (addr & (n - 1))))
		n >>= 1;
	return n;
}

/**
 * vfio_pci_iomem_rw - move bytes between a kernel buffer and a device
 * @io: device address (pci_iomap(), ioremap() or ioport_map() cookie)
 * @kbuf: the buffer
 * @n: byte count
 * @max: largest access: 4, or 8 for memory where the host has readq
 * @iswrite: direction
 */
void vfio_pci_iomem_rw(void __iomem *io, u8 *kbuf, size_t n, size_t max,
		       bool iswrite)
{
	size_t done, sz;

	for (done = 0; done < n; done += sz) {
		void __iomem *p = io + done;
		u8 *b = kbuf + done;

		sz = vfio_pci_access_size((unsigned long)p, n - done, max);
		switch (sz) {
		case 1:
			if (iswrite)
				iowrite8(*b, p);
			else
				*b = ioread8(p);
			break;
		case 2:
			if (iswrite)
				iowrite16(get_unaligned_le16(b), p);
			else
				put_unaligned_le16(ioread16(p), b);
			break;
		case 4:
			if (iswrite)
				iowrite32(get_unaligned_le32(b), p);
			else
				put_unaligned_le32(ioread32(p), b);
			break;
#if VFIO_PCI_MEM_ACCESS_MAX == 8
		case 8:
			if (iswrite)
				writeq(get_unaligned_le64(b), p);
			else
				put_unaligned_le64(readq(p), b);
			break;
#endif
		}
	}
}

/*
 * Cut an access of @n bytes at @off of @bar so it lies either wholly in
 * the MSI-X table or wholly out of it; *@table tells which.
 */
static size_t vfio_pci_msix_clip(struct vfio_pci_core_device *vdev,
				 unsigned int bar, u64 off, size_t n,
				 bool *table)
{
	u64 start = vdev->msix_offset, end = start + vdev->msix_size;

	*table = false;
	if (bar != vdev->msix_bar || !vdev->msix_size || off >= end)
		return n;
	if (off >= start) {
		*table = true;
		return min_t(u64, n, end - off);
	}
	return min_t(u64, n, start - off);
}

static ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev,
			       unsigned int bar, char __user *buf,
			       size_t count, u64 off, bool iswrite)
{
	struct pci_dev *pdev = vdev->pdev;
	u64 len = pci_resource_len(pdev, bar);
	bool mem = pci_resource_flags(pdev, bar) & IORESOURCE_MEM;
	size_t max = mem ? VFIO_PCI_MEM_ACCESS_MAX : 4;
	u8 bounce[VFIO_PCI_BOUNCE] __aligned(8);
	size_t n, done = 0;
	void __iomem *io;
	bool table;
	int ret;

	if (!len || !pci_resource_start(pdev, bar) || off >= len)
		return -EINVAL;
	count = min_t(u64, count, len - off);

	/* Mapped by the first access of this open; pairs with bar_map() */
	io = smp_load_acquire(&vdev->barmap[bar]);
	if (unlikely(!io)) {
		ret = vfio_pci_bar_map(vdev, bar);
		if (ret)
			return ret;
		io = vdev->barmap[bar];
	}

	while (done < count) {
		n = min_t(size_t, count - done, sizeof(bounce));
		n = vfio_pci_msix_clip(vdev, bar, off + done, n, &table);

		if (iswrite && vfio_pci_copy_in(bounce, buf + done, n)) {
			ret = -EFAULT;
			break;
		}

		if (table) {
			if (!iswrite)
				memset(bounce, 0xff, n);
		} else if (mem) {
			down_read(&vdev->memory_lock);
			if (!vfio_pci_memory_enabled(vdev)) {
				up_read(&vdev->memory_lock);
				ret = -EIO;
				break;
			}
			vfio_pci_iomem_rw(io + off + done, bounce, n, max, iswrite);
			up_read(&vdev->memory_lock);
		} else {
			vfio_pci_iomem_rw(io + off + done, bounce, n, max, iswrite);
		}

		if (!iswrite && vfio_pci_copy_out(buf + done, bounce, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
	}

	return done ? done : ret;
}

/**
 * vfio_pci_rom_size - size of the ROM BAR, as the ROM region and the
 *	virtual ROM BAR show it
 * @vdev: the device
 *
 * A ROM the platform shadowed in system memory (a boot VGA device) counts,
 * at its shadow address, or as 128 KiB if it has no BAR.
 *
 * Return: the size, 0 without a ROM.
 */
u64 vfio_pci_rom_size(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u64 len = pci_resource_len(pdev, PCI_ROM_RESOURCE);

	if (len && pci_resource_start(pdev, PCI_ROM_RESOURCE))
		return len;
	if (pci_resource_flags(pdev, PCI_ROM_RESOURCE) & IORESOURCE_ROM_SHADOW)
		return VFIO_PCI_SHADOW_ROM_SIZE;
	return 0;
}

/*
 * The ROM region has the size of the ROM BAR; bytes past the end of the
 * ROM image read as 0xff.  Reads return at most VFIO_PCI_ROM_CHUNK bytes.
 * Memory decode is turned on for the read, if need be.
 */
static ssize_t vfio_pci_rom_rw(struct vfio_pci_core_device *vdev,
			       unsigned int index, char __user *buf,
			       size_t count, u64 off, bool iswrite)
{
	struct pci_dev *pdev = vdev->pdev;
	u64 len = vfio_pci_rom_size(vdev);
	size_t rom_size, from_rom = 0;
	void __iomem *rom;
	ssize_t ret;
	u16 cmd;
	u8 *kbuf;

	if (iswrite || !len || off >= len)
		return -EINVAL;
	count = min_t(u64, count, len - off);
	count = min_t(size_t, count, VFIO_PCI_ROM_CHUNK);

	kbuf = kvmalloc(count, GFP_KERNEL_ACCOUNT);
	if (!kbuf)
		return -ENOMEM;

	/* memory_lock also makes this the only pci_map_rom() user */
	cmd = vfio_pci_memory_lock_and_enable(vdev);
	rom = pci_map_rom(pdev, &rom_size);
	if (rom) {
		if (off < rom_size) {
			from_rom = min_t(u64, count, rom_size - off);
			memcpy_fromio(kbuf, rom + off, from_rom);
		}
		pci_unmap_rom(pdev, rom);
	}
	vfio_pci_memory_unlock_and_restore(vdev, cmd);

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
	if (!count)
		return 0;

	/* The function may be runtime suspended: wake it meanwhile */
	ret = vfio_pci_access_begin(vdev);
	if (ret)
		return ret;
	/* A switch, not a table: direct calls on the trapped-access path */
	switch (index) {
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		ret = vfio_pci_bar_rw(vdev, index, buf, count, off, iswrite);
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
		ret = vfio_pci_rom_rw(vdev, index, buf, count, off, iswrite);
		break;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		ret = vfio_pci_config_rw(vdev, index, buf, count, off, iswrite);
		break;
	default:	/* VFIO_PCI_VGA_REGION_INDEX */
		ret = vfio_pci_vga_rw(vdev, index, buf, count, off, iswrite);
		break;
	}
	vfio_pci_access_end(vdev);

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
