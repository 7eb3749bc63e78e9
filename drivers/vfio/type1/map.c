// SPDX-License-Identifier: GPL-2.0-only
/*
 * type1: the mapping tree and the VFIO_IOMMU_MAP_DMA / VFIO_IOMMU_UNMAP_DMA
 * ioctls.
 *
 * Owns struct vfio_dma life cycle: validation of user requests, the
 * rb-tree of mappings keyed by IOVA, the v1/v2 unmap rules, the vaddr
 * invalidate/update protocol (live update) and removal of mappings.
 */
#include <linux/capability.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "type1.h"

/* Ask emulated devices to unpin at most this often before giving up. */
#define VFIO_UNMAP_NOTIFY_RETRIES	10

static inline dma_addr_t vfio_dma_last(const struct vfio_dma *dma)
{
	return dma->iova + dma->size - 1;
}

/* Any mapping overlapping [start, last], both inclusive. */
static struct vfio_dma *vfio_find_dma_last(struct vfio_iommu *iommu,
					   dma_addr_t start, dma_addr_t last)
{
	struct rb_node *node = iommu->dma_list.rb_node;

	while (node) {
		struct vfio_dma *dma = rb_entry(node, struct vfio_dma, node);

		if (last < dma->iova)
			node = node->rb_left;
		else if (start > vfio_dma_last(dma))
			node = node->rb_right;
		else
			return dma;
	}
	return NULL;
}

/**
 * vfio_find_dma - find a mapping overlapping an IOVA range
 * @iommu: the container; its lock held
 * @start: first IOVA
 * @size: length in bytes, at least 1, without wrapping past 2^64
 *
 * Return: one of the overlapping mappings, or NULL.
 */
struct vfio_dma *vfio_find_dma(struct vfio_iommu *iommu, dma_addr_t start,
			       size_t size)
{
	lockdep_assert_held(&iommu->lock);
	return vfio_find_dma_last(iommu, start, start + size - 1);
}

/**
 * vfio_find_dma_first_node - the lowest mapping overlapping a range
 * @iommu: the container; its lock held
 * @start: first IOVA
 * @last: last IOVA (inclusive)
 *
 * Return: its tree node, or NULL.
 */
struct rb_node *vfio_find_dma_first_node(struct vfio_iommu *iommu,
					 dma_addr_t start, dma_addr_t last)
{
	struct rb_node *node = iommu->dma_list.rb_node, *res = NULL;

	while (node) {
		struct vfio_dma *dma = rb_entry(node, struct vfio_dma, node);

		if (start <= vfio_dma_last(dma)) {
			res = node;
			if (start >= dma->iova)
				break;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	if (res && rb_entry(res, struct vfio_dma, node)->iova > last)
		return NULL;
	return res;
}

static void vfio_link_dma(struct vfio_iommu *iommu, struct vfio_dma *new)
{
	struct rb_node **link = &iommu->dma_list.rb_node, *parent = NULL;

	while (*link) {
		struct vfio_dma *dma = rb_entry(*link, struct vfio_dma, node);

		parent = *link;
		if (new->iova < dma->iova)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &iommu->dma_list);
}

/**
 * vfio_remove_dma - unmap, unpin and free a mapping
 * @iommu: the container; its lock held
 * @dma: the mapping
 */
void vfio_remove_dma(struct vfio_iommu *iommu, struct vfio_dma *dma)
{
	lockdep_assert_held(&iommu->lock);

	vfio_drop_vpfns(iommu, dma);
	vfio_unmap_unpin(iommu, dma, true);
	rb_erase(&dma->node, &iommu->dma_list);
	put_task_struct(dma->task);
	mmdrop(dma->mm);
	vfio_dma_bitmap_free(dma);
	if (dma->vaddr_invalid)
		iommu->vaddr_invalid_count--;
	kfree(dma);
	iommu->dma_avail++;
}

/**
 * vfio_remove_all_dma - remove every mapping of a container
 * @iommu: the container; its lock held
 */
void vfio_remove_all_dma(struct vfio_iommu *iommu)
{
	struct rb_node *node;

	while ((node = rb_first(&iommu->dma_list))) {
		vfio_remove_dma(iommu, rb_entry(node, struct vfio_dma, node));
		cond_resched();
	}
}

/*
 * Live update: a new process supplies the vaddr.  Move the locked_vm
 * charge from the old mm to the caller's so that it is refunded from the
 * mm that will own the mapping from now on.
 */
static int vfio_change_dma_owner(struct vfio_dma *dma)
{
	struct task_struct *task = current->group_leader;
	struct mm_struct *mm = current->mm;
	long npage = dma->locked_vm;
	bool lock_cap;
	int ret;

	if (mm == dma->mm)
		return 0;

	lock_cap = capable(CAP_IPC_LOCK);
	ret = vfio_mm_lock_acct(task, mm, lock_cap, npage);
	if (ret)
		return ret;

	if (mmget_not_zero(dma->mm)) {
		vfio_mm_lock_acct(dma->task, dma->mm, dma->lock_cap, -npage);
		mmput(dma->mm);
	}

	if (dma->task != task) {
		put_task_struct(dma->task);
		dma->task = get_task_struct(task);
	}
	mmdrop(dma->mm);
	dma->mm = mm;
	mmgrab(dma->mm);
	dma->lock_cap = lock_cap;
	return 0;
}

/* VFIO_DMA_MAP_FLAG_VADDR: give an invalidated mapping its new vaddr. */
static int vfio_dma_update_vaddr(struct vfio_iommu *iommu,
				 struct vfio_dma *dma, dma_addr_t iova,
				 size_t size, unsigned long vaddr)
{
	int ret;

	if (!dma)
		return -ENOENT;
	if (!dma->vaddr_invalid || dma->iova != iova || dma->size != size)
		return -EINVAL;

	ret = vfio_change_dma_owner(dma);
	if (ret)
		return ret;
	dma->vaddr = vaddr;
	dma->vaddr_invalid = false;
	iommu->vaddr_invalid_count--;
	return 0;
}

static int vfio_dma_do_map(struct vfio_iommu *iommu,
			   struct vfio_iommu_type1_dma_map *map)
{
	bool set_vaddr = map->flags & VFIO_DMA_MAP_FLAG_VADDR;
	unsigned long vaddr = map->vaddr, vaddr_last;
	dma_addr_t iova = map->iova, iova_last;
	size_t size = map->size, pgsize;
	struct vfio_dma *dma;
	int ret, prot = 0;

	/* The u64 fields must fit the kernel's types */
	if (map->vaddr != vaddr || map->iova != iova || map->size != size)
		return -EINVAL;

	/* Device's point of view */
	if (map->flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_READ;
	if (map->flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_WRITE;
	/* A new mapping needs READ and/or WRITE; a vaddr update neither. */
	if (!prot == !set_vaddr)
		return -EINVAL;

	mutex_lock(&iommu->lock);

	pgsize = vfio_pgsize(iommu);
	ret = -EINVAL;
	if (!size || (size | iova | vaddr) & (pgsize - 1))
		goto out_unlock;
	if (check_add_overflow(iova, (dma_addr_t)(size - 1), &iova_last) ||
	    check_add_overflow(vaddr, (unsigned long)(size - 1), &vaddr_last))
		goto out_unlock;

	dma = vfio_find_dma(iommu, iova, size);
	if (set_vaddr) {
		ret = vfio_dma_update_vaddr(iommu, dma, iova, size, vaddr);
		goto out_unlock;
	}
	if (dma) {
		ret = -EEXIST;
		goto out_unlock;
	}
	if (!iommu->dma_avail) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	if (!vfio_iova_valid(iommu, iova, iova_last)) {
		ret = -EINVAL;
		goto out_unlock;
	}

	dma = kzalloc(sizeof(*dma), GFP_KERNEL_ACCOUNT);
	if (!dma) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	iommu->dma_avail--;
	dma->iova = iova;
	dma->vaddr = vaddr;
	dma->size = size;
	dma->prot = prot;
	dma->pfn_list = RB_ROOT;

	/*
	 * Pinning may also happen later, for a domain joining the container
	 * or for pin_pages, maybe from another task.  Keep the group leader
	 * for RLIMIT_MEMLOCK and the mm (mmgrab: not its address space, just
	 * the struct) for locked_vm, even after the task exits.
	 */
	dma->task = get_task_struct(current->group_leader);
	dma->lock_cap = capable(CAP_IPC_LOCK);
	dma->mm = current->mm;
	mmgrab(dma->mm);
	vfio_link_dma(iommu, dma);

	/* With emulated groups only, nothing is pinned until pin_pages. */
	if (!list_empty(&iommu->domain_list)) {
		ret = vfio_pin_map_dma(iommu, dma, NULL);
		if (ret) {
			vfio_remove_dma(iommu, dma);
			goto out_unlock;
		}
		dma->iommu_mapped = true;
	}

	ret = 0;
	if (iommu->dirty_page_tracking) {
		ret = vfio_dma_bitmap_alloc(dma, pgsize);
		if (ret)
			vfio_remove_dma(iommu, dma);
	}
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/**
 * type1_map_dma - VFIO_IOMMU_MAP_DMA
 * @iommu: the container
 * @hdr: the user's struct vfio_iommu_type1_dma_map, argsz and flags checked
 * @arg: user pointer to it
 *
 * Return: 0 or a negative errno.
 */
int type1_map_dma(struct vfio_iommu *iommu, void *hdr, void __user *arg)
{
	return vfio_dma_do_map(iommu, hdr);
}

/* Undo the VADDR invalidation of mappings first..stop (exclusive). */
static void vfio_revalidate_vaddr(struct vfio_iommu *iommu,
				  struct rb_node *first, struct rb_node *stop)
{
	struct rb_node *n;

	for (n = first; n != stop; n = rb_next(n)) {
		rb_entry(n, struct vfio_dma, node)->vaddr_invalid = false;
		iommu->vaddr_invalid_count--;
	}
}

static int vfio_dma_do_unmap(struct vfio_iommu *iommu,
			     struct vfio_iommu_type1_dma_unmap *unmap,
			     struct vfio_bitmap *bitmap)
{
	bool unmap_all = unmap->flags & VFIO_DMA_UNMAP_FLAG_ALL;
	bool invalidate_vaddr = unmap->flags & VFIO_DMA_UNMAP_FLAG_VADDR;
	bool get_dirty = unmap->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
	struct vfio_dma *dma, *dma_last = NULL;
	dma_addr_t iova = unmap->iova, last;
	struct rb_node *n, *first_n;
	size_t unmapped = 0, pgsize;
	int ret = -EINVAL, retries = 0;

	mutex_lock(&iommu->lock);

	/* Emulated devices cannot pin or rw while vaddrs are missing. */
	if (invalidate_vaddr && !list_empty(&iommu->emulated_iommu_groups)) {
		ret = -EBUSY;
		goto out_unlock;
	}

	pgsize = vfio_pgsize(iommu);
	if (iova & (pgsize - 1))
		goto out_unlock;
	if (unmap_all) {
		if (iova || unmap->size)
			goto out_unlock;
		last = U64_MAX;
	} else if (!unmap->size || unmap->size & (pgsize - 1) ||
		   check_add_overflow(iova, (dma_addr_t)(unmap->size - 1),
				      &last)) {
		goto out_unlock;
	}

	/* Dirty bits are reported at the smallest page size only. */
	if (get_dirty &&
	    (!iommu->dirty_page_tracking || bitmap->pgsize != pgsize))
		goto out_unlock;

again:
	/*
	 * v1 never split mappings but forgave anything: an unmap starting
	 * inside a mapping removes nothing, one covering a mapping's first
	 * page removes all of it.  v2 is strict: a range may cover several
	 * mappings but must not cut through one.
	 */
	if (iommu->v2 && !unmap_all) {
		dma = vfio_find_dma_last(iommu, iova, iova);
		if (dma && dma->iova != iova)
			goto out_unlock;
		dma = vfio_find_dma_last(iommu, last, last);
		if (dma && vfio_dma_last(dma) != last)
			goto out_unlock;
	}

	ret = 0;
	first_n = vfio_find_dma_first_node(iommu, iova, last);
	n = first_n;
	while (n) {
		dma = rb_entry(n, struct vfio_dma, node);
		if (dma->iova > last)
			break;
		if (!iommu->v2 && iova > dma->iova)
			break;

		if (invalidate_vaddr) {
			if (dma->vaddr_invalid) {
				/* all or nothing */
				vfio_revalidate_vaddr(iommu, first_n, n);
				ret = -EINVAL;
				unmapped = 0;
				break;
			}
			dma->vaddr_invalid = true;
			iommu->vaddr_invalid_count++;
			unmapped += dma->size;
			n = rb_next(n);
			continue;
		}

		if (!RB_EMPTY_ROOT(&dma->pfn_list)) {
			/* Emulated devices hold pins here: ask them to let go. */
			if (dma != dma_last) {
				dma_last = dma;
				retries = 0;
			} else if (++retries > VFIO_UNMAP_NOTIFY_RETRIES) {
				pr_warn("vfio-iommu-type1: a device driver keeps pages of IOVA 0x%llx pinned; unmap refused\n",
					(unsigned long long)dma->iova);
				ret = -EBUSY;
				break;
			}
			/* drops and retakes iommu->lock: start over */
			vfio_notify_dma_unmap(iommu, dma);
			goto again;
		}

		if (get_dirty) {
			ret = vfio_update_user_bitmap(bitmap->data, iommu, dma,
						      iova, pgsize);
			if (ret)
				break;
		}

		unmapped += dma->size;
		n = rb_next(n);
		vfio_remove_dma(iommu, dma);
	}

out_unlock:
	mutex_unlock(&iommu->lock);
	unmap->size = unmapped;
	return ret;
}

/**
 * type1_unmap_dma - VFIO_IOMMU_UNMAP_DMA
 * @iommu: the container
 * @hdr: the user's struct vfio_iommu_type1_dma_unmap, argsz and flags
 *	 checked
 * @arg: user pointer to it; a struct vfio_bitmap follows for
 *	 VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP
 *
 * Return: 0 with the unmapped size written back, or a negative errno.
 */
int type1_unmap_dma(struct vfio_iommu *iommu, void *hdr, void __user *arg)
{
	const size_t minsz = offsetofend(struct vfio_iommu_type1_dma_unmap,
					 size);
	struct vfio_iommu_type1_dma_unmap *unmap = hdr;
	struct vfio_bitmap bitmap = {};
	int ret;

	if ((unmap->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) &&
	    (unmap->flags & (VFIO_DMA_UNMAP_FLAG_ALL |
			     VFIO_DMA_UNMAP_FLAG_VADDR)))
		return -EINVAL;

	if (unmap->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) {
		if (unmap->argsz < minsz + sizeof(bitmap))
			return -EINVAL;
		if (copy_from_user(&bitmap, arg + minsz, sizeof(bitmap)))
			return -EFAULT;
		if (!bitmap.pgsize ||
		    !access_ok(bitmap.data, bitmap.size))
			return -EINVAL;
		ret = vfio_dirty_verify_bitmap(unmap->size >>
					       __ffs(bitmap.pgsize),
					       bitmap.size);
		if (ret)
			return ret;
	}

	ret = vfio_dma_do_unmap(iommu, unmap, &bitmap);
	if (ret)
		return ret;

	return copy_to_user(arg, unmap, minsz) ? -EFAULT : 0;
}
