// SPDX-License-Identifier: GPL-2.0-only
/*
 * type1: dirty page logging for migration (VFIO_IOMMU_DIRTY_PAGES and
 * VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP).
 *
 * Owns the per-mapping dirty bitmaps.  A group that can DMA on its own and
 * never used pin_pages may have written anywhere, so while such a group is
 * attached every IOMMU-mapped page is reported dirty; otherwise only pages
 * pinned through pin_pages or written through dma_rw are.
 */
#include <linux/bitmap.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "type1.h"

/* The user bitmap is an array of u64; ours are unsigned long. */
static_assert(sizeof(unsigned long) == sizeof(u64));

/**
 * vfio_dma_bitmap_alloc - give a mapping an empty dirty bitmap
 * @dma: the mapping
 * @pgsize: bytes per bit
 *
 * One spare word lets the bitmap be shifted in place when it is merged
 * into a user bitmap at an unaligned bit offset.
 *
 * Return: 0, -EINVAL for a mapping too large to track, -ENOMEM.
 */
int vfio_dma_bitmap_alloc(struct vfio_dma *dma, size_t pgsize)
{
	u64 npages = dma->size / pgsize;

	if (npages > DIRTY_BITMAP_PAGES_MAX)
		return -EINVAL;

	dma->bitmap = kvzalloc(DIRTY_BITMAP_BYTES(npages) + sizeof(u64),
			       GFP_KERNEL_ACCOUNT);
	return dma->bitmap ? 0 : -ENOMEM;
}

/**
 * vfio_dma_bitmap_free - drop a mapping's dirty bitmap
 * @dma: the mapping
 */
void vfio_dma_bitmap_free(struct vfio_dma *dma)
{
	kvfree(dma->bitmap);
	dma->bitmap = NULL;
}

/* Pages still pinned through pin_pages count as dirty at every report. */
static void vfio_dma_populate_bitmap(struct vfio_dma *dma, size_t pgsize)
{
	unsigned long pgshift = __ffs(pgsize);
	struct rb_node *n;

	for (n = rb_first(&dma->pfn_list); n; n = rb_next(n)) {
		struct vfio_pfn *vpfn = rb_entry(n, struct vfio_pfn, node);

		__set_bit((vpfn->iova - dma->iova) >> pgshift, dma->bitmap);
	}
}

/**
 * vfio_dma_mark_dirty - log a write into a mapping
 * @iommu: the container, dirty tracking on; its lock held
 * @dma: the mapping
 * @iova: first byte written
 * @len: bytes written, at least 1
 */
void vfio_dma_mark_dirty(struct vfio_iommu *iommu, struct vfio_dma *dma,
			 dma_addr_t iova, size_t len)
{
	unsigned long pgshift = __ffs(iommu->pgsize_bitmap);
	unsigned long first = (iova - dma->iova) >> pgshift;
	unsigned long last = (iova + len - 1 - dma->iova) >> pgshift;

	bitmap_set(dma->bitmap, first, last - first + 1);
}

/**
 * vfio_iommu_populate_bitmap_full - report every page of every mapping
 * @iommu: the container, dirty tracking on; its lock held
 */
void vfio_iommu_populate_bitmap_full(struct vfio_iommu *iommu)
{
	unsigned long pgshift = __ffs(iommu->pgsize_bitmap);
	struct rb_node *n;

	for (n = rb_first(&iommu->dma_list); n; n = rb_next(n)) {
		struct vfio_dma *dma = rb_entry(n, struct vfio_dma, node);

		bitmap_set(dma->bitmap, 0, dma->size >> pgshift);
	}
}

static int vfio_dma_bitmap_alloc_all(struct vfio_iommu *iommu, size_t pgsize)
{
	struct rb_node *n, *p;
	int ret;

	for (n = rb_first(&iommu->dma_list); n; n = rb_next(n)) {
		struct vfio_dma *dma = rb_entry(n, struct vfio_dma, node);

		ret = vfio_dma_bitmap_alloc(dma, pgsize);
		if (ret)
			goto unwind;
		vfio_dma_populate_bitmap(dma, pgsize);
	}
	return 0;

unwind:
	for (p = rb_first(&iommu->dma_list); p != n; p = rb_next(p))
		vfio_dma_bitmap_free(rb_entry(p, struct vfio_dma, node));
	return ret;
}

static void vfio_dma_bitmap_free_all(struct vfio_iommu *iommu)
{
	struct rb_node *n;

	for (n = rb_first(&iommu->dma_list); n; n = rb_next(n))
		vfio_dma_bitmap_free(rb_entry(n, struct vfio_dma, node));
}

/**
 * vfio_dirty_verify_bitmap - check a user bitmap can hold a range
 * @npages: pages in the range
 * @bitmap_size: bytes of user bitmap
 *
 * Return: 0 or -EINVAL.
 */
int vfio_dirty_verify_bitmap(u64 npages, u64 bitmap_size)
{
	if (!npages || !bitmap_size || bitmap_size > DIRTY_BITMAP_SIZE_MAX ||
	    bitmap_size < DIRTY_BITMAP_BYTES(npages))
		return -EINVAL;
	return 0;
}

/**
 * vfio_update_user_bitmap - merge a mapping's dirty bits into a user bitmap
 * @bitmap: user bitmap, bit 0 standing for @base_iova; big enough
 * @iommu: the container; its lock held
 * @dma: a mapping at or above @base_iova, with a bitmap
 * @base_iova: IOVA of bit 0
 * @pgsize: bytes per bit
 *
 * Mappings must be merged in increasing IOVA order: bits below the mapping
 * in its first word are read back and kept, bits above it in its last
 * word are cleared.  Leaves dma->bitmap scrambled.
 *
 * Return: 0 or -EFAULT.
 */
int vfio_update_user_bitmap(u64 __user *bitmap, struct vfio_iommu *iommu,
			    struct vfio_dma *dma, dma_addr_t base_iova,
			    size_t pgsize)
{
	unsigned long pgshift = __ffs(pgsize);
	unsigned long nbits = dma->size >> pgshift;
	unsigned long bit_offset = (dma->iova - base_iova) >> pgshift;
	unsigned long word = bit_offset / BITS_PER_LONG;
	unsigned long shift = bit_offset % BITS_PER_LONG;
	unsigned long total = nbits + shift;

	/* Some group could have written anywhere we mapped. */
	if (iommu->num_non_pinned_groups && dma->iommu_mapped)
		bitmap_set(dma->bitmap, 0, nbits);

	if (shift) {
		u64 leftover;

		bitmap_shift_left(dma->bitmap, dma->bitmap, shift, total);
		if (get_user(leftover, bitmap + word))
			return -EFAULT;
		dma->bitmap[0] |= leftover & GENMASK_ULL(shift - 1, 0);
	}
	if (total % BITS_PER_LONG)
		dma->bitmap[total / BITS_PER_LONG] &=
			BITMAP_LAST_WORD_MASK(total);

	if (copy_to_user(bitmap + word, dma->bitmap, DIRTY_BITMAP_BYTES(total)))
		return -EFAULT;
	return 0;
}

/* GET_BITMAP: report and re-arm [iova, iova + size) */
static int vfio_iova_dirty_bitmap(u64 __user *bitmap, struct vfio_iommu *iommu,
				  dma_addr_t iova, size_t size, size_t pgsize)
{
	unsigned long pgshift = __ffs(pgsize);
	dma_addr_t last = iova + size - 1;
	struct vfio_dma *dma;
	struct rb_node *n;
	int ret;

	/* Like a v2 unmap: whole mappings only. */
	dma = vfio_find_dma(iommu, iova, 1);
	if (dma && dma->iova != iova)
		return -EINVAL;
	dma = vfio_find_dma(iommu, last, 1);
	if (dma && dma->iova + dma->size - 1 != last)
		return -EINVAL;

	for (n = vfio_find_dma_first_node(iommu, iova, last); n;
	     n = rb_next(n)) {
		dma = rb_entry(n, struct vfio_dma, node);
		if (dma->iova > last)
			break;

		ret = vfio_update_user_bitmap(bitmap, iommu, dma, iova, pgsize);
		if (ret)
			return ret;

		/* Start over from what is pinned right now. */
		memset(dma->bitmap, 0, DIRTY_BITMAP_BYTES(dma->size >> pgshift) +
		       sizeof(u64));
		vfio_dma_populate_bitmap(dma, pgsize);
	}
	return 0;
}

static int vfio_dirty_get_bitmap(struct vfio_iommu *iommu,
				 struct vfio_iommu_type1_dirty_bitmap *dirty,
				 void __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_iommu_type1_dirty_bitmap,
					 flags);
	struct vfio_iommu_type1_dirty_bitmap_get range;
	dma_addr_t end;
	size_t pgsize;
	int ret;

	if (dirty->argsz - minsz < sizeof(range))
		return -EINVAL;
	if (copy_from_user(&range, arg + minsz, sizeof(range)))
		return -EFAULT;

	if (check_add_overflow(range.iova, range.size, &end) ||
	    !range.bitmap.pgsize ||
	    !access_ok(range.bitmap.data, range.bitmap.size))
		return -EINVAL;
	ret = vfio_dirty_verify_bitmap(range.size >> __ffs(range.bitmap.pgsize),
				       range.bitmap.size);
	if (ret)
		return ret;

	mutex_lock(&iommu->lock);
	pgsize = vfio_pgsize(iommu);
	ret = -EINVAL;
	/* Smallest page size only, aligned, and only while logging. */
	if (range.bitmap.pgsize != pgsize || range.iova & (pgsize - 1) ||
	    !range.size || range.size & (pgsize - 1) ||
	    !iommu->dirty_page_tracking)
		goto out_unlock;

	ret = vfio_iova_dirty_bitmap(range.bitmap.data, iommu, range.iova,
				     range.size, pgsize);
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/**
 * type1_dirty_pages - VFIO_IOMMU_DIRTY_PAGES (v2 containers only)
 * @iommu: the container
 * @hdr: the user's struct vfio_iommu_type1_dirty_bitmap, argsz and flags
 *	 checked
 * @arg: user pointer to it; GET_BITMAP finds its range after it
 *
 * Return: 0 or a negative errno.
 */
int type1_dirty_pages(struct vfio_iommu *iommu, void *hdr, void __user *arg)
{
	struct vfio_iommu_type1_dirty_bitmap *dirty = hdr;
	int ret = 0;

	/* exactly one operation per call */
	if (hweight32(dirty->flags) != 1)
		return -EINVAL;

	switch (dirty->flags) {
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_START:
		mutex_lock(&iommu->lock);
		if (!iommu->dirty_page_tracking) {
			ret = vfio_dma_bitmap_alloc_all(iommu,
							vfio_pgsize(iommu));
			if (!ret)
				iommu->dirty_page_tracking = true;
		}
		mutex_unlock(&iommu->lock);
		return ret;
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP:
		mutex_lock(&iommu->lock);
		if (iommu->dirty_page_tracking) {
			iommu->dirty_page_tracking = false;
			vfio_dma_bitmap_free_all(iommu);
		}
		mutex_unlock(&iommu->lock);
		return 0;
	case VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP:
		return vfio_dirty_get_bitmap(iommu, dirty, arg);
	}
	return -EINVAL;
}
