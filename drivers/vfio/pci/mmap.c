// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmap() of BARs on a vfio-pci device fd.
 *
 * The file offset selects the region (index << VFIO_PCI_OFFSET_SHIFT) and
 * the page within it.  Nothing is mapped at mmap() time: pages are
 * inserted by the fault handler, and every vma that got pages is kept on
 * vdev->vma_list, so that its pages can be zapped when memory decode is
 * turned off or the function is reset, and faulted back in later.
 *
 * A vma copied or split from another starts with its pages zapped, so it
 * gets on the list through its own faults.  fork() is the exception: the
 * child's PTEs are copied after the vma open callback, so a child vma can
 * hold pages without being listed until it faults.
 */
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "priv.h"

/* vm_pgoff bits that give the page within the region */
#define VFIO_PCI_PGOFF_MASK \
	((1UL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1)

/**
 * struct vfio_pci_mmap_vma - a vma with BAR pages mapped in
 * @vma: the vma
 * @node: link in vdev->vma_list
 */
struct vfio_pci_mmap_vma {
	struct vm_area_struct	*vma;
	struct list_head	node;
};

/**
 * vfio_pci_mmap_probe - decide which BARs userspace may mmap (device open)
 * @vdev: the device being opened
 *
 * Memory BARs of at least a page qualify: BARs are naturally aligned, so
 * such a BAR covers whole pages and the mapping exposes nothing else.
 * Smaller BARs would share their page with whatever follows.
 */
void vfio_pci_mmap_probe(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		resource_size_t len = pci_resource_len(pdev, bar);

		vdev->bar_mmap_supported[bar] =
			(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) &&
			len >= PAGE_SIZE &&
			!(pci_resource_start(pdev, bar) & ~PAGE_MASK);
	}
}

/* Under vma_lock: put @vma on the list unless it is there already */
static int vfio_pci_mmap_track(struct vfio_pci_core_device *vdev,
			       struct vm_area_struct *vma)
{
	struct vfio_pci_mmap_vma *mvma;

	lockdep_assert_held(&vdev->vma_lock);

	list_for_each_entry(mvma, &vdev->vma_list, node)
		if (mvma->vma == vma)
			return 0;

	mvma = kmalloc(sizeof(*mvma), GFP_KERNEL_ACCOUNT);
	if (!mvma)
		return -ENOMEM;
	mvma->vma = vma;
	list_add(&mvma->node, &vdev->vma_list);
	return 0;
}

/* A vma was copied or split off another one: start with nothing mapped */
static void vfio_pci_mmap_open(struct vm_area_struct *vma)
{
	zap_vma_ptes(vma, vma->vm_start, vma->vm_end - vma->vm_start);
}

static void vfio_pci_mmap_close(struct vm_area_struct *vma)
{
	struct vfio_pci_core_device *vdev = vma->vm_private_data;
	struct vfio_pci_mmap_vma *mvma;

	mutex_lock(&vdev->vma_lock);
	list_for_each_entry(mvma, &vdev->vma_list, node) {
		if (mvma->vma == vma) {
			list_del(&mvma->node);
			kfree(mvma);
			break;
		}
	}
	mutex_unlock(&vdev->vma_lock);
}

static vm_fault_t vfio_pci_mmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vfio_pci_core_device *vdev = vma->vm_private_data;
	struct pci_dev *pdev = vdev->pdev;
	unsigned int bar = vma->vm_pgoff >>
			   (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	unsigned long pgoff = (vma->vm_pgoff & VFIO_PCI_PGOFF_MASK) +
			      ((vmf->address - vma->vm_start) >> PAGE_SHIFT);
	vm_fault_t ret;

	/* Checked at mmap() time; vmas can shrink but never grow */
	if (pgoff >= PAGE_ALIGN(pci_resource_len(pdev, bar)) >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;

	mutex_lock(&vdev->vma_lock);
	if (vfio_pci_mmap_track(vdev, vma)) {
		ret = VM_FAULT_OOM;
	} else {
		ret = vmf_insert_pfn(vma, vmf->address,
				     (pci_resource_start(pdev, bar) >>
				      PAGE_SHIFT) + pgoff);
	}
	mutex_unlock(&vdev->vma_lock);

	return ret;
}

static const struct vm_operations_struct vfio_pci_mmap_ops = {
	.open	= vfio_pci_mmap_open,
	.close	= vfio_pci_mmap_close,
	.fault	= vfio_pci_mmap_fault,
};

/**
 * vfio_pci_core_mmap - mmap callback for PCI devices
 * @core_vdev: the device
 * @vma: the new mapping; vm_pgoff gives region index and page offset
 *
 * Only BARs reported with VFIO_REGION_INFO_FLAG_MMAP can be mapped, shared,
 * and only within the BAR (rounded up to a page).
 *
 * Return: 0 or a negative errno.
 */
int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci(core_vdev);
	struct pci_dev *pdev = vdev->pdev;
	u64 req_start, req_end, bar_len;
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

	/* Claim the BAR so no other driver takes it while it is mapped */
	ret = vfio_pci_bar_map(vdev, index);
	if (ret)
		return ret;

	vma->vm_private_data = vdev;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_page_prot = pgprot_decrypted(vma->vm_page_prot);
	/* The fault handler cannot change vm_flags: set them now */
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_ops = &vfio_pci_mmap_ops;

	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_mmap);
