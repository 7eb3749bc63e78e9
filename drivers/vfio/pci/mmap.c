// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmap() of BARs on a vfio-pci device fd, and keeping those mappings in
 * step with the function's memory decode.
 *
 * The file offset selects the region (index << VFIO_PCI_OFFSET_SHIFT) and
 * the page within it.  Nothing is mapped at mmap() time; the fault handler
 * fills the page tables in chunks: the 2 MiB around the faulting address,
 * growing up to 64 MiB while faults follow each other in order.  The
 * first touch of a large BAR costs one small chunk, not the whole BAR,
 * and a pass over every page takes few faults.
 *
 * Every mapping of a device is linked into the address space of one
 * private inode (mapped through a small pseudo file that holds the device
 * file open, as the vma did), so unmap_mapping_range() zaps them all, in
 * every process, when memory decode goes away: Memory Space Enable
 * cleared, D3, a reset (CVE-2020-12888).  memory_lock orders that against
 * the fault handler, which raises SIGBUS while decode is off.
 *
 * The MSI-X table and PBA pages may not be mapped: regions.c reports the
 * rest as sparse mmap areas, and mmap() refuses a range touching them.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/pseudo_fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "priv.h"

/* vm_pgoff bits that give the page within the region */
#define VFIO_PCI_PGOFF_MASK \
	((1UL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1)

/*
 * Page tables filled per fault: one last-level table on x86 to start
 * with, doubling while faults come in order (a pass over the BAR), up to
 * a bound on the time one fault takes.
 */
#define VFIO_PCI_FAULT_CHUNK	SZ_2M
#define VFIO_PCI_FAULT_CHUNK_MAX	SZ_64M

/* "VPCI" */
#define VFIO_PCI_MAP_MAGIC	0x56504349

/**
 * vfio_pci_mmap_probe - decide which BARs userspace may mmap (device open)
 * @vdev: the device being opened; its MSI-X table located already
 *
 * Memory BARs of at least a page qualify: BARs are naturally aligned, so
 * such a BAR covers whole pages and the mapping exposes nothing else.
 * Smaller BARs would share their page with whatever follows.  Also finds
 * the MSI-X PBA, kept out of mappings like the table.
 */
void vfio_pci_mmap_probe(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int bar, entries;
	u16 flags;
	u32 pba;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		resource_size_t len = pci_resource_len(pdev, bar);

		vdev->bar_mmap_supported[bar] =
			(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) &&
			len >= PAGE_SIZE && pci_resource_start(pdev, bar) &&
			!(pci_resource_start(pdev, bar) & ~PAGE_MASK);
	}

	vdev->msix_pba_bar = VFIO_PCI_NO_MSIX;
	if (vdev->msix_bar == VFIO_PCI_NO_MSIX ||
	    pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS,
				 &flags) ||
	    pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba))
		return;
	entries = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	vdev->msix_pba_bar = pba & PCI_MSIX_PBA_BIR;
	vdev->msix_pba_offset = pba & PCI_MSIX_PBA_OFFSET;
	vdev->msix_pba_size = DIV_ROUND_UP(entries, 64) * 8;
}

/**
 * vfio_pci_mmap_holes - what of a BAR may not be mapped
 * @vdev: an open device
 * @bar: BAR number
 * @start: filled with the start of each hole, page aligned
 * @end: filled with the end of each hole, page aligned
 *
 * The MSI-X table and PBA belong to the host: mapped, they would let the
 * user rewrite vectors behind SET_IRQS.  Holes are sorted and disjoint.
 *
 * Return: the number of holes, 0 to 2.
 */
unsigned int vfio_pci_mmap_holes(struct vfio_pci_core_device *vdev,
				 unsigned int bar, u64 start[2], u64 end[2])
{
	unsigned int n = 0;

	if (bar == vdev->msix_bar && vdev->msix_size) {
		start[n] = round_down((u64)vdev->msix_offset, PAGE_SIZE);
		end[n++] = round_up((u64)vdev->msix_offset + vdev->msix_size,
				    PAGE_SIZE);
	}
	if (bar == vdev->msix_pba_bar && vdev->msix_pba_size) {
		start[n] = round_down((u64)vdev->msix_pba_offset, PAGE_SIZE);
		end[n++] = round_up((u64)vdev->msix_pba_offset +
				    vdev->msix_pba_size, PAGE_SIZE);
	}
	if (n == 2) {
		if (start[1] < start[0]) {
			swap(start[0], start[1]);
			swap(end[0], end[1]);
		}
		if (start[1] <= end[0]) {	/* touching: merge */
			end[0] = max(end[0], end[1]);
			n = 1;
		}
	}
	return n;
}

/*
 * Memory decode
 */

/**
 * vfio_pci_zap_and_down_write_memory_lock - fence off the BARs
 * @vdev: the device
 *
 * Takes memory_lock for write, then unmaps every user mapping of the
 * device's BARs; faults wait for the lock and raise SIGBUS while decode
 * stays off.  Undo with up_write(&vdev->memory_lock).
 */
void vfio_pci_zap_and_down_write_memory_lock(struct vfio_pci_core_device *vdev)
{
	struct inode *inode;

	down_write(&vdev->memory_lock);
	/*
	 * Pages are only inserted under memory_lock, after the inode was
	 * published: if there is none yet, nothing is mapped.
	 */
	inode = smp_load_acquire(&vdev->map_inode);
	if (inode)
		unmap_mapping_range(inode->i_mapping, 0, 0, true);
}

/**
 * vfio_pci_memory_lock_and_enable - let the host reach the BARs a moment
 * @vdev: an open device
 *
 * Takes memory_lock for write and turns Memory Space Enable on if it was
 * off, for host accesses (the ROM, the MSI-X table) userspace must not
 * see fail.  User BAR accesses wait meanwhile.
 *
 * Return: the command register as it was, for
 * vfio_pci_memory_unlock_and_restore().
 */
u16 vfio_pci_memory_lock_and_enable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd = 0;

	down_write(&vdev->memory_lock);
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(pdev, PCI_COMMAND,
				      cmd | PCI_COMMAND_MEMORY);
	return cmd;
}

/**
 * vfio_pci_memory_unlock_and_restore - undo vfio_pci_memory_lock_and_enable()
 * @vdev: the device
 * @cmd: what vfio_pci_memory_lock_and_enable() returned
 *
 * Only Memory Space Enable is put back: the host may have changed other
 * bits (INTx Disable) meanwhile.
 */
void vfio_pci_memory_unlock_and_restore(struct vfio_pci_core_device *vdev,
					u16 cmd)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 now;

	if (!(cmd & PCI_COMMAND_MEMORY) &&
	    !pci_read_config_word(pdev, PCI_COMMAND, &now))
		pci_write_config_word(pdev, PCI_COMMAND,
				      now & ~PCI_COMMAND_MEMORY);
	up_write(&vdev->memory_lock);
}

/*
 * The private inode mappings are linked to.  One mount of a pseudo file
 * system per open device: nothing global to set up or tear down.
 */

static int vfio_pci_map_fs_init(struct fs_context *fc)
{
	return init_pseudo(fc, VFIO_PCI_MAP_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type vfio_pci_map_fs = {
	.owner			= THIS_MODULE,
	.name			= "vfio-pci-bars",
	.init_fs_context	= vfio_pci_map_fs_init,
	.kill_sb		= kill_anon_super,
};

/* Create the inode on first mmap(); barmap_lock serializes creators */
static int vfio_pci_map_inode_get(struct vfio_pci_core_device *vdev)
{
	struct vfsmount *mnt;
	struct inode *inode;
	int ret = 0;

	mutex_lock(&vdev->barmap_lock);
	if (vdev->map_inode)
		goto out_unlock;

	mnt = kern_mount(&vfio_pci_map_fs);
	if (IS_ERR(mnt)) {
		ret = PTR_ERR(mnt);
		goto out_unlock;
	}
	inode = alloc_anon_inode(mnt->mnt_sb);
	if (IS_ERR(inode)) {
		kern_unmount(mnt);
		ret = PTR_ERR(inode);
		goto out_unlock;
	}
	vdev->map_mnt = mnt;
	/* Pairs with the zap: a published inode is complete */
	smp_store_release(&vdev->map_inode, inode);
out_unlock:
	mutex_unlock(&vdev->barmap_lock);
	return ret;
}

/**
 * vfio_pci_mmap_close - drop the mapping inode (device close)
 * @vdev: the device being closed: no mapping is left
 */
void vfio_pci_mmap_close(struct vfio_pci_core_device *vdev)
{
	if (!vdev->map_inode)
		return;
	iput(vdev->map_inode);
	vdev->map_inode = NULL;
	kern_unmount(vdev->map_mnt);
	vdev->map_mnt = NULL;
}

/**
 * struct vfio_pci_map_file - behind the pseudo file of one mmap()
 * @devfile: the device file, held open as the vma would have held it
 * @next: where the last fill ended: a fault there continues a pass
 * @chunk: size of that fill
 *
 * @next and @chunk are a hint only, read and written without a lock.
 */
struct vfio_pci_map_file {
	struct file	*devfile;
	unsigned long	next;
	unsigned long	chunk;
};

static int vfio_pci_map_file_release(struct inode *inode, struct file *file)
{
	struct vfio_pci_map_file *mf = file->private_data;

	fput(mf->devfile);
	kfree(mf);
	return 0;
}

static const struct file_operations vfio_pci_map_fops = {
	.owner		= THIS_MODULE,
	.release	= vfio_pci_map_file_release,
};

/*
 * Fault handling
 */

struct vfio_pci_fill {
	struct mm_struct	*mm;
	unsigned long		start;
	unsigned long		pfn;
	pgprot_t		prot;
};

#ifdef CONFIG_X86
/*
 * The page tables of the chunk are allocated in one walk, then each last
 * level table is filled under its lock, as remap_pfn_range() would: pages
 * already there (a concurrent fault, or a part the user zapped with
 * madvise()) are kept.  The page cache mode is the vma's, uncached,
 * matching the BAR's memtype (vfio_pci_bar_map() reserved it with
 * ioremap()).
 */
static vm_fault_t vfio_pci_fill_chunk(struct vm_area_struct *vma,
				      struct vfio_pci_fill *fill,
				      unsigned long end)
{
	struct mm_struct *mm = fill->mm;
	unsigned long addr = fill->start, next, pfn = fill->pfn;
	pte_t *pte, *first;
	spinlock_t *ptl;
	pmd_t *pmd;
	int ret;

	ret = apply_to_page_range(mm, addr, end - addr, NULL, NULL);
	if (ret)
		return vmf_error(ret);

	for (; addr < end; addr = next) {
		next = pmd_addr_end(addr, end);
		pmd = pmd_offset(pud_offset(p4d_offset(pgd_offset(mm, addr),
						       addr), addr), addr);
		if (pmd_none(*pmd) || pmd_bad(*pmd))
			return VM_FAULT_SIGBUS;

		first = pte = pte_offset_map_lock(mm, pmd, addr, &ptl);
		arch_enter_lazy_mmu_mode();
		for (; addr < next; addr += PAGE_SIZE, pte++, pfn++) {
			if (pte_none(*pte))
				set_pte_at(mm, addr, pte,
					   pte_mkspecial(pfn_pte(pfn, fill->prot)));
		}
		arch_leave_lazy_mmu_mode();
		pte_unmap_unlock(first, ptl);
	}
	return VM_FAULT_NOPAGE;
}
#else
/* Elsewhere the page table helpers are not for modules: a page at a time */
static vm_fault_t vfio_pci_fill_chunk(struct vm_area_struct *vma,
				      struct vfio_pci_fill *fill,
				      unsigned long end)
{
	unsigned long addr, pfn = fill->pfn;
	vm_fault_t ret = VM_FAULT_NOPAGE;

	for (addr = fill->start; addr < end; addr += PAGE_SIZE, pfn++) {
		ret = vmf_insert_pfn(vma, addr, pfn);
		if (ret != VM_FAULT_NOPAGE)
			break;
	}
	return ret;
}
#endif

static vm_fault_t vfio_pci_mmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vfio_pci_core_device *vdev = vma->vm_private_data;
	struct vfio_pci_map_file *mf = vma->vm_file->private_data;
	unsigned int bar = vma->vm_pgoff >>
			   (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	unsigned long addr = vmf->address & PAGE_MASK;
	unsigned long chunk = VFIO_PCI_FAULT_CHUNK;
	struct vfio_pci_fill fill;
	unsigned long end;
	vm_fault_t ret;

	if (addr == READ_ONCE(mf->next))
		chunk = clamp_t(unsigned long, 2 * READ_ONCE(mf->chunk),
				VFIO_PCI_FAULT_CHUNK, VFIO_PCI_FAULT_CHUNK_MAX);
	fill.start = max(vma->vm_start,
			 ALIGN_DOWN(addr, VFIO_PCI_FAULT_CHUNK));
	end = min(vma->vm_end, ALIGN_DOWN(addr, VFIO_PCI_FAULT_CHUNK) + chunk);
	fill.mm = vma->vm_mm;
	fill.prot = vma->vm_page_prot;
	/* mmap() checked the vma lies within the BAR; vmas never grow */
	fill.pfn = (pci_resource_start(vdev->pdev, bar) >> PAGE_SHIFT) +
		   (vma->vm_pgoff & VFIO_PCI_PGOFF_MASK) +
		   ((fill.start - vma->vm_start) >> PAGE_SHIFT);

	down_read(&vdev->memory_lock);
	/* Nor while the user has put it in a low power state (power.c) */
	if (vfio_pci_memory_enabled(vdev) && !vdev->pm_runtime_engaged)
		ret = vfio_pci_fill_chunk(vma, &fill, end);
	else
		ret = VM_FAULT_SIGBUS;
	up_read(&vdev->memory_lock);

	if (ret == VM_FAULT_NOPAGE) {
		WRITE_ONCE(mf->next, end);
		WRITE_ONCE(mf->chunk, chunk);
	}
	return ret;
}

static const struct vm_operations_struct vfio_pci_mmap_ops = {
	.fault	= vfio_pci_mmap_fault,
};

/* Does [start, end) of @bar touch a page that may not be mapped? */
static bool vfio_pci_mmap_hits_hole(struct vfio_pci_core_device *vdev,
				    unsigned int bar, u64 start, u64 end)
{
	u64 hstart[2], hend[2];
	unsigned int i, n;

	n = vfio_pci_mmap_holes(vdev, bar, hstart, hend);
	for (i = 0; i < n; i++)
		if (start < hend[i] && hstart[i] < end)
			return true;
	return false;
}

/**
 * vfio_pci_core_mmap - mmap callback for PCI devices
 * @core_vdev: the device
 * @vma: the new mapping; vm_pgoff gives region index and page offset
 *
 * Only BARs reported with VFIO_REGION_INFO_FLAG_MMAP can be mapped, shared,
 * within the BAR (rounded up to a page) and away from the MSI-X table and
 * PBA pages.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci(core_vdev);
	struct pci_dev *pdev = vdev->pdev;
	u64 req_start, req_end, bar_len;
	struct vfio_pci_map_file *mf;
	struct file *file;
	unsigned long index;
	int ret;

	index = vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	if (index > VFIO_PCI_BAR5_REGION_INDEX)
		return -EINVAL;
	index = array_index_nospec(index, PCI_STD_NUM_BARS);
	if (!vdev->bar_mmap_supported[index])
		return -EINVAL;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	bar_len = PAGE_ALIGN(pci_resource_len(pdev, index));
	req_start = (u64)(vma->vm_pgoff & VFIO_PCI_PGOFF_MASK) << PAGE_SHIFT;
	if (check_add_overflow(req_start, (u64)(vma->vm_end - vma->vm_start),
			       &req_end) || req_end > bar_len)
		return -EINVAL;
	if (vfio_pci_mmap_hits_hole(vdev, index, req_start, req_end))
		return -EINVAL;

	/* Claim the BAR so no other driver takes it while it is mapped */
	ret = vfio_pci_bar_map(vdev, index);
	if (!ret)
		ret = vfio_pci_map_inode_get(vdev);
	if (ret)
		return ret;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL_ACCOUNT);
	if (!mf)
		return -ENOMEM;
	/* The file's reference on its fops' module, dropped by fput() */
	if (!try_module_get(THIS_MODULE)) {
		ret = -ENODEV;
		goto out_free;
	}
	ihold(vdev->map_inode);
	file = alloc_file_pseudo(vdev->map_inode, vdev->map_mnt,
				 "[vfio-pci-bar]", O_RDWR, &vfio_pci_map_fops);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out_put;
	}
	mf->devfile = get_file(vma->vm_file);
	file->private_data = mf;
	/* From here on the vma is linked to the device's address space */
	vma_set_file(vma, file);
	fput(file);

	vma->vm_private_data = vdev;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_page_prot = pgprot_decrypted(vma->vm_page_prot);
	/* The fault handler cannot change vm_flags: set them now */
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_ops = &vfio_pci_mmap_ops;

	return 0;

out_put:
	iput(vdev->map_inode);
	module_put(THIS_MODULE);
out_free:
	kfree(mf);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_mmap);
