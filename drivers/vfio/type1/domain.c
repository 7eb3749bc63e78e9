// SPDX-License-Identifier: GPL-2.0-only
/*
 * type1: IOMMU domains and the groups attached to a container.
 *
 * Owns attach_group/detach_group: a group joins an existing compatible
 * domain if it can (same IOMMU driver, same coherency enforcement), else
 * gets a domain of its own into which every existing mapping is replayed.
 * Emulated-IOMMU groups get no domain.  Also owns the MSI-isolation check,
 * the software MSI cookie, and the page size bitmap of the container.
 */
#include <linux/device.h>
#include <linux/iommu.h>
#include <linux/irqdomain.h>
#include <linux/slab.h>

#include "type1.h"

/**
 * vfio_domain_find_group - find a group in one domain
 * @domain: the domain
 * @group: the IOMMU group
 *
 * Return: its struct vfio_iommu_group or NULL.
 */
struct vfio_iommu_group *vfio_domain_find_group(struct vfio_domain *domain,
						struct iommu_group *group)
{
	struct vfio_iommu_group *g;

	list_for_each_entry(g, &domain->group_list, next)
		if (g->iommu_group == group)
			return g;
	return NULL;
}

/**
 * vfio_find_group - find a group anywhere in a container
 * @iommu: the container; its lock held
 * @group: the IOMMU group
 *
 * Return: its struct vfio_iommu_group or NULL.
 */
struct vfio_iommu_group *vfio_find_group(struct vfio_iommu *iommu,
					 struct iommu_group *group)
{
	struct vfio_iommu_group *g;
	struct vfio_domain *d;

	list_for_each_entry(d, &iommu->domain_list, next) {
		g = vfio_domain_find_group(d, group);
		if (g)
			return g;
	}
	list_for_each_entry(g, &iommu->emulated_iommu_groups, next)
		if (g->iommu_group == group)
			return g;
	return NULL;
}

/* Page sizes every domain supports, never below PAGE_SIZE. */
static void vfio_update_pgsize_bitmap(struct vfio_iommu *iommu)
{
	struct vfio_domain *d;

	iommu->pgsize_bitmap = ULONG_MAX;
	list_for_each_entry(d, &iommu->domain_list, next)
		iommu->pgsize_bitmap &= d->domain->pgsize_bitmap;

	/*
	 * Pinning works in PAGE_SIZE units; if the IOMMU can do smaller
	 * pages, offer PAGE_SIZE as the smallest and let the IOMMU driver
	 * split.
	 */
	if (iommu->pgsize_bitmap & ~PAGE_MASK) {
		iommu->pgsize_bitmap &= PAGE_MASK;
		iommu->pgsize_bitmap |= PAGE_SIZE;
	}
}

/*
 * Replay every mapping into a domain about to join the container.  On
 * failure the domain is left without any mapping and the container as it
 * was.
 */
static int vfio_iommu_replay(struct vfio_iommu *iommu,
			     struct vfio_domain *domain)
{
	struct rb_node *n;
	int ret = 0;

	for (n = rb_first(&iommu->dma_list); n; n = rb_next(n)) {
		ret = vfio_replay_dma(iommu, rb_entry(n, struct vfio_dma, node),
				      domain);
		if (ret)
			goto unwind;
	}

	/* Mappings pinned just now are in every domain from now on. */
	for (n = rb_first(&iommu->dma_list); n; n = rb_next(n))
		rb_entry(n, struct vfio_dma, node)->iommu_mapped = true;
	return 0;

unwind:
	for (n = rb_prev(n); n; n = rb_prev(n)) {
		struct vfio_dma *dma = rb_entry(n, struct vfio_dma, node);

		vfio_unmap_domain_range(domain->domain, dma->iova,
					dma->runs.npages << PAGE_SHIFT);
		/* pinned for this domain only: let go again */
		if (!dma->iommu_mapped)
			vfio_unpin_replayed(dma);
	}
	return ret;
}

static int vfio_device_capable(struct device *dev, void *data)
{
	return device_iommu_capable(dev, (enum iommu_cap)(uintptr_t)data);
}

static int vfio_domain_alloc_for_dev(struct device *dev, void *data)
{
	struct iommu_domain **domain = data;

	*domain = iommu_domain_alloc(dev->bus);
	return 1;	/* the first device is enough */
}

/* MSIs of the group's devices cannot be forged by DMA */
static bool vfio_group_msi_isolated(struct iommu_group *group)
{
	return irq_domain_check_msi_remap() ||
	       iommu_group_for_each_dev(group,
					(void *)(uintptr_t)IOMMU_CAP_INTR_REMAP,
					vfio_device_capable);
}

/*
 * Try to move @group from the fresh @domain into a compatible existing
 * one.  Returns 1 if it moved, 0 if it is still attached to @domain, or a
 * negative errno if it ended up attached to neither.
 */
static int vfio_join_existing_domain(struct vfio_iommu *iommu,
				     struct vfio_domain *domain,
				     struct vfio_iommu_group *group)
{
	struct vfio_domain *d;
	int ret;

	/*
	 * Same iommu_ops rather than same bus: one IOMMU driver may serve
	 * several buses from one domain.
	 */
	list_for_each_entry(d, &iommu->domain_list, next) {
		if (d->domain->ops != domain->domain->ops ||
		    d->enforce_cache_coherency !=
		    domain->enforce_cache_coherency)
			continue;

		iommu_detach_group(domain->domain, group->iommu_group);
		if (!iommu_attach_group(d->domain, group->iommu_group)) {
			list_add(&group->next, &d->group_list);
			return 1;
		}
		ret = iommu_attach_group(domain->domain, group->iommu_group);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * type1_attach_group - attach_group op
 * @iommu_data: the container
 * @iommu_group: the group
 * @type: VFIO_IOMMU or VFIO_EMULATED_IOMMU
 *
 * Return: 0 or a negative errno; -EPERM for a group without MSI isolation
 * unless allow_unsafe_interrupts is set.
 */
int type1_attach_group(void *iommu_data, struct iommu_group *iommu_group,
		       enum vfio_group_type type)
{
	struct vfio_iommu *iommu = iommu_data;
	struct iommu_domain_geometry *geo;
	phys_addr_t resv_msi_base = 0;
	struct vfio_iommu_group *group;
	struct vfio_domain *domain;
	LIST_HEAD(group_resv);
	LIST_HEAD(iova_copy);
	bool resv_msi;
	int ret;

	mutex_lock(&iommu->lock);

	/* A new domain may need pinning, impossible without vaddrs. */
	ret = -EBUSY;
	if (iommu->vaddr_invalid_count)
		goto out_unlock;

	ret = -EINVAL;
	if (vfio_find_group(iommu, iommu_group))
		goto out_unlock;

	ret = -ENOMEM;
	group = kzalloc(sizeof(*group), GFP_KERNEL_ACCOUNT);
	if (!group)
		goto out_unlock;
	group->iommu_group = iommu_group;

	if (type == VFIO_EMULATED_IOMMU) {
		/* Cannot DMA by itself: only dirties what it pins or writes */
		group->pinned_page_dirty_scope = true;
		list_add(&group->next, &iommu->emulated_iommu_groups);
		ret = 0;
		goto out_unlock;
	}

	domain = kzalloc(sizeof(*domain), GFP_KERNEL_ACCOUNT);
	if (!domain)
		goto out_free_group;
	INIT_LIST_HEAD(&domain->group_list);

	ret = -EIO;
	iommu_group_for_each_dev(iommu_group, &domain->domain,
				 vfio_domain_alloc_for_dev);
	if (!domain->domain)
		goto out_free_domain;

	if (iommu->nesting) {
		ret = iommu_enable_nesting(domain->domain);
		if (ret)
			goto out_domain;
	}

	ret = iommu_attach_group(domain->domain, iommu_group);
	if (ret)
		goto out_domain;

	ret = -EINVAL;
	geo = &domain->domain->geometry;
	if (vfio_aper_conflict(iommu, geo->aperture_start, geo->aperture_end))
		goto out_detach;

	ret = iommu_get_group_resv_regions(iommu_group, &group_resv);
	if (ret)
		goto out_detach;
	ret = -EINVAL;
	if (vfio_resv_conflict(iommu, &group_resv))
		goto out_detach;

	/* Work on a copy of the IOVA list; install it only on success. */
	ret = vfio_iova_get_copy(iommu, &iova_copy);
	if (!ret)
		ret = vfio_aper_resize(&iova_copy, geo->aperture_start,
				       geo->aperture_end);
	if (!ret)
		ret = vfio_resv_exclude(&iova_copy, &group_resv);
	if (ret)
		goto out_detach;

	resv_msi = vfio_resv_sw_msi(&group_resv, &resv_msi_base);

	if (!type1_allow_unsafe_interrupts &&
	    !vfio_group_msi_isolated(iommu_group)) {
		pr_warn("vfio-iommu-type1: no interrupt remapping support; load with allow_unsafe_interrupts=1 to use VFIO on this platform anyway\n");
		ret = -EPERM;
		goto out_detach;
	}

	/*
	 * Block no-snoop DMA whenever the IOMMU can: KVM then needs no
	 * wbinvd emulation for the guest.
	 */
	if (domain->domain->ops->enforce_cache_coherency)
		domain->enforce_cache_coherency =
			domain->domain->ops->enforce_cache_coherency(domain->domain);

	ret = vfio_join_existing_domain(iommu, domain, group);
	if (ret < 0)
		goto out_domain;
	if (ret > 0) {
		iommu_domain_free(domain->domain);
		kfree(domain);
		goto done;
	}

	/* A domain of its own: cookie first, so replay is the last step. */
	if (resv_msi) {
		ret = iommu_get_msi_cookie(domain->domain, resv_msi_base);
		if (ret && ret != -ENODEV)
			goto out_detach;
	}

	ret = vfio_iommu_replay(iommu, domain);
	if (ret)
		goto out_detach;

	list_add(&group->next, &domain->group_list);
	list_add(&domain->next, &iommu->domain_list);
	vfio_update_pgsize_bitmap(iommu);
done:
	vfio_iova_install_copy(iommu, &iova_copy);
	/* Can DMA anywhere until it proves otherwise through pin_pages. */
	iommu->num_non_pinned_groups++;
	mutex_unlock(&iommu->lock);
	vfio_resv_free(&group_resv);
	return 0;

out_detach:
	iommu_detach_group(domain->domain, iommu_group);
out_domain:
	iommu_domain_free(domain->domain);
	vfio_iova_free(&iova_copy);
	vfio_resv_free(&group_resv);
out_free_domain:
	kfree(domain);
out_free_group:
	kfree(group);
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/*
 * The last IOMMU domain is going but emulated groups stay: unpin the
 * mappings for the IOMMU.  While a domain exists a mapping's charge is
 * that of its IOMMU pin; without one it is that of its pin_pages pages.
 */
static void vfio_unmap_unpin_reaccount(struct vfio_iommu *iommu)
{
	struct rb_node *n;

	for (n = rb_first(&iommu->dma_list); n; n = rb_next(n)) {
		struct vfio_dma *dma = rb_entry(n, struct vfio_dma, node);
		long unlocked, locked;

		unlocked = vfio_unmap_unpin(iommu, dma, false);
		locked = vfio_dma_vpfn_acct(dma);
		vfio_lock_acct(dma, locked - unlocked);
	}
}

/**
 * type1_detach_group - detach_group op
 * @iommu_data: the container
 * @iommu_group: an attached group
 *
 * When the last group with IOMMU access goes and no emulated group is
 * left, every mapping goes too: group ownership is what made them legal.
 */
void type1_detach_group(void *iommu_data, struct iommu_group *iommu_group)
{
	struct vfio_iommu *iommu = iommu_data;
	struct vfio_iommu_group *group;
	bool update_dirty_scope = false;
	struct vfio_domain *domain;
	LIST_HEAD(iova_copy);

	mutex_lock(&iommu->lock);

	list_for_each_entry(group, &iommu->emulated_iommu_groups, next) {
		if (group->iommu_group != iommu_group)
			continue;
		update_dirty_scope = !group->pinned_page_dirty_scope;
		list_del(&group->next);
		kfree(group);

		if (list_empty(&iommu->emulated_iommu_groups) &&
		    list_empty(&iommu->domain_list))
			vfio_remove_all_dma(iommu);
		goto out;
	}

	/*
	 * Work on a copy of the IOVA list.  If copying fails the copy is
	 * empty, the refresh below fails and the list stays as narrow as it
	 * was, which is safe.
	 */
	vfio_iova_get_copy(iommu, &iova_copy);

	list_for_each_entry(domain, &iommu->domain_list, next) {
		group = vfio_domain_find_group(domain, iommu_group);
		if (!group)
			continue;

		iommu_detach_group(domain->domain, iommu_group);
		update_dirty_scope = !group->pinned_page_dirty_scope;
		list_del(&group->next);
		kfree(group);

		if (list_empty(&domain->group_list)) {
			if (list_is_singular(&iommu->domain_list)) {
				if (list_empty(&iommu->emulated_iommu_groups))
					vfio_remove_all_dma(iommu);
				else
					vfio_unmap_unpin_reaccount(iommu);
			}
			iommu_domain_free(domain->domain);
			list_del(&domain->next);
			kfree(domain);
			vfio_aper_expand(iommu, &iova_copy);
			vfio_update_pgsize_bitmap(iommu);
		}
		break;
	}

	if (!vfio_resv_refresh(iommu, &iova_copy))
		vfio_iova_install_copy(iommu, &iova_copy);
	else
		vfio_iova_free(&iova_copy);

out:
	/* One fewer group that could dirty anything: maybe none is left. */
	if (update_dirty_scope) {
		iommu->num_non_pinned_groups--;
		if (iommu->dirty_page_tracking)
			vfio_iommu_populate_bitmap_full(iommu);
	}
	mutex_unlock(&iommu->lock);
}

/**
 * type1_release_domains - detach every group and free every domain
 * @iommu: the container, being released; no mapping left
 */
void type1_release_domains(struct vfio_iommu *iommu)
{
	struct vfio_iommu_group *group, *next_group;
	struct vfio_domain *domain, *next_domain;

	list_for_each_entry_safe(group, next_group,
				 &iommu->emulated_iommu_groups, next) {
		list_del(&group->next);
		kfree(group);
	}

	list_for_each_entry_safe(domain, next_domain, &iommu->domain_list,
				 next) {
		list_for_each_entry_safe(group, next_group, &domain->group_list,
					 next) {
			iommu_detach_group(domain->domain, group->iommu_group);
			list_del(&group->next);
			kfree(group);
		}
		iommu_domain_free(domain->domain);
		list_del(&domain->next);
		kfree(domain);
	}
}
