// SPDX-License-Identifier: GPL-2.0-only
/*
 * type1: the usable IOVA space of a container.
 *
 * Owns vfio_iommu.iova_list: the intersection of the apertures of all
 * domains, minus the reserved regions (MSI windows, RMRR/direct-mapped
 * ranges, ...) of all attached groups.  Attach and detach work on a copy
 * and install it only once everything else succeeded.
 */
#include <linux/iommu.h>
#include <linux/slab.h>

#include "type1.h"

/**
 * vfio_iova_valid - whether an IOVA range may be mapped
 * @iommu: the container; its lock held
 * @start: first address
 * @end: last address (inclusive)
 *
 * A container with emulated groups only has no list and takes anything.
 *
 * Return: true if [@start, @end] lies inside one usable range.
 */
bool vfio_iova_valid(struct vfio_iommu *iommu, dma_addr_t start,
		     dma_addr_t end)
{
	struct vfio_iova *node;

	list_for_each_entry(node, &iommu->iova_list, list)
		if (start >= node->start && end <= node->end)
			return true;
	return list_empty(&iommu->iova_list);
}

/**
 * vfio_iova_insert - add a range before a list position
 * @head: the list (append) or a node's link (insert before that node)
 * @start: first address
 * @end: last address (inclusive)
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_iova_insert(struct list_head *head, dma_addr_t start,
		     dma_addr_t end)
{
	struct vfio_iova *node = kmalloc(sizeof(*node), GFP_KERNEL_ACCOUNT);

	if (!node)
		return -ENOMEM;
	node->start = start;
	node->end = end;
	list_add_tail(&node->list, head);
	return 0;
}

/**
 * vfio_iova_free - free a list of ranges
 * @iova: the list, empty on return
 */
void vfio_iova_free(struct list_head *iova)
{
	struct vfio_iova *node, *next;

	list_for_each_entry_safe(node, next, iova, list) {
		list_del(&node->list);
		kfree(node);
	}
}

/**
 * vfio_iova_get_copy - duplicate the container's range list
 * @iommu: the container; its lock held
 * @copy: an empty list that receives the copy
 *
 * Return: 0, or -ENOMEM with @copy left empty.
 */
int vfio_iova_get_copy(struct vfio_iommu *iommu, struct list_head *copy)
{
	struct vfio_iova *node;
	int ret;

	list_for_each_entry(node, &iommu->iova_list, list) {
		ret = vfio_iova_insert(copy, node->start, node->end);
		if (ret) {
			vfio_iova_free(copy);
			return ret;
		}
	}
	return 0;
}

/**
 * vfio_iova_install_copy - replace the container's range list
 * @iommu: the container; its lock held
 * @copy: the new list, empty on return
 */
void vfio_iova_install_copy(struct vfio_iommu *iommu, struct list_head *copy)
{
	vfio_iova_free(&iommu->iova_list);
	list_splice_tail_init(copy, &iommu->iova_list);
}

/**
 * vfio_aper_conflict - whether a new domain's aperture is unusable
 * @iommu: the container; its lock held
 * @start: aperture start
 * @end: aperture end (inclusive)
 *
 * Return: true if the aperture misses the current space entirely, or
 * would cut off an existing mapping.
 */
bool vfio_aper_conflict(struct vfio_iommu *iommu, dma_addr_t start,
			dma_addr_t end)
{
	struct list_head *iova = &iommu->iova_list;
	struct vfio_iova *first, *last;

	if (list_empty(iova))
		return false;

	first = list_first_entry(iova, struct vfio_iova, list);
	last = list_last_entry(iova, struct vfio_iova, list);
	if (start > last->end || end < first->start)
		return true;

	if (start > first->start &&
	    vfio_find_dma(iommu, first->start, start - first->start))
		return true;
	if (end < last->end &&
	    vfio_find_dma(iommu, end + 1, last->end - end))
		return true;
	return false;
}

/**
 * vfio_aper_resize - clip a range list to an aperture
 * @iova: the list (a working copy)
 * @start: aperture start
 * @end: aperture end (inclusive)
 *
 * An empty list becomes the aperture itself.
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_aper_resize(struct list_head *iova, dma_addr_t start,
		     dma_addr_t end)
{
	struct vfio_iova *node, *next;

	if (list_empty(iova))
		return vfio_iova_insert(iova, start, end);

	/* Drop ranges wholly below the aperture, clip the one across it. */
	list_for_each_entry_safe(node, next, iova, list) {
		if (start < node->start)
			break;
		if (start < node->end) {
			node->start = start;
			break;
		}
		list_del(&node->list);
		kfree(node);
	}

	/* Likewise above the aperture. */
	list_for_each_entry_safe(node, next, iova, list) {
		if (end > node->end)
			continue;
		if (end > node->start) {
			node->end = end;
			continue;
		}
		list_del(&node->list);
		kfree(node);
	}
	return 0;
}

/**
 * vfio_aper_expand - widen the list after a domain went away
 * @iommu: the container (remaining domains); its lock held
 * @copy: working copy of the range list
 *
 * The departed domain may have had the narrowest aperture; the new outer
 * bounds are the intersection of the remaining apertures.
 */
void vfio_aper_expand(struct vfio_iommu *iommu, struct list_head *copy)
{
	dma_addr_t start = 0, end = (dma_addr_t)~0ULL;
	struct vfio_domain *domain;

	if (list_empty(copy))
		return;

	list_for_each_entry(domain, &iommu->domain_list, next) {
		struct iommu_domain_geometry *geo = &domain->domain->geometry;

		start = max_t(dma_addr_t, start, geo->aperture_start);
		end = min_t(dma_addr_t, end, geo->aperture_end);
	}

	list_first_entry(copy, struct vfio_iova, list)->start = start;
	list_last_entry(copy, struct vfio_iova, list)->end = end;
}

/**
 * vfio_resv_conflict - whether reserved regions hit existing mappings
 * @iommu: the container; its lock held
 * @resv: struct iommu_resv_region list of a group
 *
 * Relaxable direct mappings may be overridden and do not count.
 *
 * Return: true on a conflict.
 */
bool vfio_resv_conflict(struct vfio_iommu *iommu, struct list_head *resv)
{
	struct iommu_resv_region *region;

	list_for_each_entry(region, resv, list) {
		if (region->type == IOMMU_RESV_DIRECT_RELAXABLE ||
		    !region->length)
			continue;
		if (vfio_find_dma(iommu, region->start, region->length))
			return true;
	}
	return false;
}

/**
 * vfio_resv_exclude - punch reserved regions out of a range list
 * @iova: the list (a working copy)
 * @resv: struct iommu_resv_region list
 *
 * Return: 0, -ENOMEM, or -EINVAL when nothing usable is left.
 */
int vfio_resv_exclude(struct list_head *iova, struct list_head *resv)
{
	struct iommu_resv_region *region;
	struct vfio_iova *node, *next;
	int ret;

	list_for_each_entry(region, resv, list) {
		dma_addr_t start, end;

		if (region->type == IOMMU_RESV_DIRECT_RELAXABLE ||
		    !region->length)
			continue;
		start = region->start;
		end = region->start + region->length - 1;

		list_for_each_entry_safe(node, next, iova, list) {
			if (start > node->end || end < node->start)
				continue;
			/*
			 * Replace the node by what is left of it on either
			 * side, inserted in front of it to keep the order.
			 */
			ret = 0;
			if (start > node->start)
				ret = vfio_iova_insert(&node->list,
						       node->start, start - 1);
			if (!ret && end < node->end)
				ret = vfio_iova_insert(&node->list, end + 1,
						       node->end);
			if (ret)
				return ret;
			list_del(&node->list);
			kfree(node);
		}
	}

	return list_empty(iova) ? -EINVAL : 0;
}

/**
 * vfio_resv_free - free a list from iommu_get_group_resv_regions()
 * @resv: the list, empty on return
 */
void vfio_resv_free(struct list_head *resv)
{
	struct iommu_resv_region *region, *next;

	list_for_each_entry_safe(region, next, resv, list) {
		list_del(&region->list);
		kfree(region);
	}
}

/**
 * vfio_resv_refresh - rebuild a range list after a group left
 * @iommu: the container (remaining groups); its lock held
 * @copy: working copy; its outer bounds are kept
 *
 * Reserved regions may be shared between groups, so the list is rebuilt
 * from the aperture and the regions of every remaining group.
 *
 * Return: 0 or a negative errno (@copy is then unusable).
 */
int vfio_resv_refresh(struct vfio_iommu *iommu, struct list_head *copy)
{
	struct vfio_iommu_group *g;
	struct vfio_domain *d;
	dma_addr_t start, end;
	LIST_HEAD(resv);
	int ret;

	if (list_empty(copy))
		return -EINVAL;

	list_for_each_entry(d, &iommu->domain_list, next) {
		list_for_each_entry(g, &d->group_list, next) {
			ret = iommu_get_group_resv_regions(g->iommu_group,
							   &resv);
			if (ret)
				goto out;
		}
	}

	start = list_first_entry(copy, struct vfio_iova, list)->start;
	end = list_last_entry(copy, struct vfio_iova, list)->end;
	vfio_iova_free(copy);

	ret = vfio_aper_resize(copy, start, end);
	if (!ret)
		ret = vfio_resv_exclude(copy, &resv);
out:
	vfio_resv_free(&resv);
	return ret;
}

/**
 * vfio_resv_sw_msi - find the software-managed MSI window of a group
 * @resv: the group's reserved regions
 * @base: receives its base
 *
 * A hardware MSI region wins: then the IOMMU driver handles MSIs itself.
 *
 * Return: true if an IOMMU_RESV_SW_MSI region needs a cookie.
 */
bool vfio_resv_sw_msi(struct list_head *resv, phys_addr_t *base)
{
	struct iommu_resv_region *region;
	bool found = false;

	list_for_each_entry(region, resv, list) {
		if (region->type == IOMMU_RESV_MSI)
			return false;
		if (region->type == IOMMU_RESV_SW_MSI) {
			*base = region->start;
			found = true;
		}
	}
	return found;
}
