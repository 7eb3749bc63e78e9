// SPDX-License-Identifier: GPL-2.0-only
/*
 * type1: the in-kernel interface for devices behind an emulated IOMMU
 * (mdev and friends), which reach guest memory through the container
 * instead of through an IOMMU.
 *
 * Owns pin_pages/unpin_pages (per-mapping rb-tree of struct vfio_pfn with a
 * reference count per IOVA), the list of devices told about unmaps,
 * dma_rw, and group_iommu_domain.
 *
 * Accounting rule: a pin_pages page is charged to locked_vm exactly once.
 * Without any IOMMU domain pin_pages charges it itself; with a domain the
 * mapping is pinned and charged as a whole already, so pin_pages does not.
 */
#include <linux/kthread.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "type1.h"

/**
 * vfio_find_vpfn - look up the pin_pages entry of an IOVA
 * @dma: the mapping
 * @iova: page aligned IOVA inside @dma
 *
 * Return: the entry or NULL.
 */
struct vfio_pfn *vfio_find_vpfn(struct vfio_dma *dma, dma_addr_t iova)
{
	struct rb_node *node = dma->pfn_list.rb_node;

	while (node) {
		struct vfio_pfn *vpfn = rb_entry(node, struct vfio_pfn, node);

		if (iova < vpfn->iova)
			node = node->rb_left;
		else if (iova > vpfn->iova)
			node = node->rb_right;
		else
			return vpfn;
	}
	return NULL;
}

static int vfio_add_vpfn(struct vfio_dma *dma, dma_addr_t iova,
			 unsigned long pfn, unsigned int flags)
{
	struct rb_node **link = &dma->pfn_list.rb_node, *parent = NULL;
	struct vfio_pfn *new;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	new->iova = iova;
	new->pfn = pfn;
	new->flags = flags;
	refcount_set(&new->ref_count, 1);

	while (*link) {
		struct vfio_pfn *vpfn = rb_entry(*link, struct vfio_pfn, node);

		parent = *link;
		if (iova < vpfn->iova)
			link = &(*link)->rb_left;
		else
			link = &(*link)->rb_right;
	}
	rb_link_node(&new->node, parent, link);
	rb_insert_color(&new->node, &dma->pfn_list);
	return 0;
}

/* Drop one pin_pages reference; returns pages to refund (0 or 1). */
static long vfio_put_vpfn(struct vfio_dma *dma, struct vfio_pfn *vpfn)
{
	long acct = vpfn->flags & VFIO_RUN_ACCT ? 1 : 0;

	if (!refcount_dec_and_test(&vpfn->ref_count))
		return 0;
	vfio_put_pfn(vpfn->pfn, vpfn->flags, dma->prot);
	rb_erase(&vpfn->node, &dma->pfn_list);
	kfree(vpfn);
	return acct;
}

static void vfio_unpin_page_external(struct vfio_dma *dma, dma_addr_t iova,
				     bool do_accounting)
{
	struct vfio_pfn *vpfn = vfio_find_vpfn(dma, iova);
	long unlocked;

	if (!vpfn)
		return;
	unlocked = vfio_put_vpfn(dma, vpfn);
	if (do_accounting)
		vfio_lock_acct(dma, -unlocked);
}

/**
 * vfio_drop_vpfns - forget pin_pages pins a driver never released
 * @iommu: the container; its lock held
 * @dma: a mapping about to be removed
 *
 * Drivers must unpin when told about an unmap; this only catches buggy
 * ones at container teardown so that no page stays pinned for ever.
 */
void vfio_drop_vpfns(struct vfio_iommu *iommu, struct vfio_dma *dma)
{
	/* With a domain the mapping's own charge covers these pages. */
	bool charged = list_empty(&iommu->domain_list);
	struct rb_node *n;
	long unlocked = 0;

	lockdep_assert_held(&iommu->lock);

	if (RB_EMPTY_ROOT(&dma->pfn_list))
		return;
	pr_warn_once("vfio-iommu-type1: mapping at IOVA 0x%llx removed with pages still pinned by a device driver\n",
		     (unsigned long long)dma->iova);

	while ((n = rb_first(&dma->pfn_list))) {
		struct vfio_pfn *vpfn = rb_entry(n, struct vfio_pfn, node);

		refcount_set(&vpfn->ref_count, 1);
		unlocked += vfio_put_vpfn(dma, vpfn);
	}
	if (charged)
		vfio_lock_acct(dma, -unlocked);
}

/* Pin the page at one IOVA for pin_pages; *page receives it. */
static int vfio_pin_page_external(struct vfio_iommu *iommu,
				  struct vfio_dma *dma, dma_addr_t iova,
				  int prot, bool do_accounting,
				  struct page **page)
{
	struct vfio_pfn *vpfn;
	unsigned long pfn;
	unsigned int flags;
	int ret;

	if ((dma->prot & prot) != prot)
		return -EPERM;

	vpfn = vfio_find_vpfn(dma, iova);
	if (vpfn) {
		if (!refcount_inc_not_zero(&vpfn->ref_count))
			return -EINVAL;
		*page = pfn_to_page(vpfn->pfn);
		return 0;
	}

	ret = vfio_pin_one(dma, dma->vaddr + (iova - dma->iova), &pfn, &flags);
	if (ret)
		return ret;
	/* Device memory has no struct page to hand out. */
	if (!pfn_valid(pfn)) {
		ret = -EINVAL;
		goto err_put;
	}
	if (do_accounting && (flags & VFIO_RUN_ACCT)) {
		ret = vfio_lock_acct(dma, 1);
		if (ret)
			goto err_put;
	}
	ret = vfio_add_vpfn(dma, iova, pfn, flags);
	if (ret) {
		if (do_accounting && (flags & VFIO_RUN_ACCT))
			vfio_lock_acct(dma, -1);
		goto err_put;
	}

	*page = pfn_to_page(pfn);
	if (iommu->dirty_page_tracking)
		vfio_dma_mark_dirty(iommu, dma, iova, 1);
	return 0;

err_put:
	vfio_put_pfn(pfn, flags, dma->prot);
	return ret;
}

/**
 * type1_pin_pages - pin_pages op: pin pages for an emulated device
 * @iommu_data: the container
 * @group: the caller's group
 * @user_iova: first IOVA, page aligned
 * @npage: number of pages
 * @prot: IOMMU_READ/IOMMU_WRITE the device needs
 * @pages: receives the pages
 *
 * Return: @npage, or a negative errno with nothing pinned.
 */
int type1_pin_pages(void *iommu_data, struct iommu_group *group,
		    dma_addr_t user_iova, int npage, int prot,
		    struct page **pages)
{
	struct vfio_iommu *iommu = iommu_data;
	struct vfio_iommu_group *vgroup;
	bool do_accounting;
	dma_addr_t iova;
	int i, ret;

	if (!iommu || !pages || npage <= 0)
		return -EINVAL;
	if (!iommu->v2)
		return -EACCES;

	mutex_lock(&iommu->lock);

	if (iommu->vaddr_invalid_count) {
		pr_warn_ratelimited("vfio-iommu-type1: pin_pages refused while mappings wait for VFIO_DMA_MAP_FLAG_VADDR\n");
		ret = -EBUSY;
		goto out_unlock;
	}
	/* Whoever pins must also hear about unmaps. */
	if (list_empty(&iommu->device_list)) {
		ret = -EINVAL;
		goto out_unlock;
	}
	vgroup = vfio_find_group(iommu, group);
	if (!vgroup) {
		ret = -EINVAL;
		goto out_unlock;
	}

	do_accounting = list_empty(&iommu->domain_list);
	for (i = 0; i < npage; i++) {
		struct vfio_dma *dma;

		iova = user_iova + ((dma_addr_t)i << PAGE_SHIFT);
		dma = vfio_find_dma(iommu, iova, PAGE_SIZE);
		if (!dma) {
			ret = -EINVAL;
			goto unwind;
		}
		ret = vfio_pin_page_external(iommu, dma, iova, prot,
					     do_accounting, &pages[i]);
		if (ret)
			goto unwind;
	}

	/* This group tells us what it touches: it no longer dirties all. */
	if (!vgroup->pinned_page_dirty_scope) {
		vgroup->pinned_page_dirty_scope = true;
		iommu->num_non_pinned_groups--;
	}
	ret = npage;
	goto out_unlock;

unwind:
	pages[i] = NULL;
	while (i--) {
		iova = user_iova + ((dma_addr_t)i << PAGE_SHIFT);
		vfio_unpin_page_external(vfio_find_dma(iommu, iova, PAGE_SIZE),
					 iova, do_accounting);
		pages[i] = NULL;
	}
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/**
 * type1_unpin_pages - unpin_pages op: undo type1_pin_pages()
 * @iommu_data: the container
 * @user_iova: first IOVA, page aligned
 * @npage: number of pages
 */
void type1_unpin_pages(void *iommu_data, dma_addr_t user_iova, int npage)
{
	struct vfio_iommu *iommu = iommu_data;
	bool do_accounting;
	int i;

	if (!iommu->v2)
		return;

	mutex_lock(&iommu->lock);
	do_accounting = list_empty(&iommu->domain_list);
	for (i = 0; i < npage; i++) {
		dma_addr_t iova = user_iova + ((dma_addr_t)i << PAGE_SHIFT);
		struct vfio_dma *dma = vfio_find_dma(iommu, iova, PAGE_SIZE);

		if (!dma) {
			pr_warn_ratelimited("vfio-iommu-type1: unpin of unmapped IOVA 0x%llx\n",
					    (unsigned long long)iova);
			break;
		}
		vfio_unpin_page_external(dma, iova, do_accounting);
	}
	mutex_unlock(&iommu->lock);
}

/**
 * vfio_notify_dma_unmap - ask registered devices to unpin a mapping
 * @iommu: the container; its lock held on entry and on return, but
 *	   dropped meanwhile (drivers call back into unpin_pages), so the
 *	   caller must look everything up again afterwards
 * @dma: the mapping about to go; may be gone on return
 */
void vfio_notify_dma_unmap(struct vfio_iommu *iommu, struct vfio_dma *dma)
{
	dma_addr_t iova = dma->iova;
	size_t size = dma->size;
	struct vfio_device *device;

	lockdep_assert_held(&iommu->lock);
	if (list_empty(&iommu->device_list))
		return;

	/*
	 * Drivers answer by calling unpin_pages, which takes iommu->lock:
	 * drop it first, so the lock order stays device_list_lock -> lock.
	 */
	mutex_unlock(&iommu->lock);
	mutex_lock(&iommu->device_list_lock);

	list_for_each_entry(device, &iommu->device_list, iommu_entry)
		device->ops->dma_unmap(device, iova, size);

	mutex_unlock(&iommu->device_list_lock);
	mutex_lock(&iommu->lock);
}

/**
 * type1_register_device - register_device op: a device was opened
 * @iommu_data: the container
 * @vdev: the device; it hears about unmaps if it has a dma_unmap op
 */
void type1_register_device(void *iommu_data, struct vfio_device *vdev)
{
	struct vfio_iommu *iommu = iommu_data;

	if (!vdev->ops->dma_unmap)
		return;

	/* Both locks: emptiness is tested under lock, the walk under ours. */
	mutex_lock(&iommu->device_list_lock);
	mutex_lock(&iommu->lock);
	list_add(&vdev->iommu_entry, &iommu->device_list);
	mutex_unlock(&iommu->lock);
	mutex_unlock(&iommu->device_list_lock);
}

/**
 * type1_unregister_device - unregister_device op: undo registration
 * @iommu_data: the container
 * @vdev: the device
 */
void type1_unregister_device(void *iommu_data, struct vfio_device *vdev)
{
	struct vfio_iommu *iommu = iommu_data;

	if (!vdev->ops->dma_unmap)
		return;

	mutex_lock(&iommu->device_list_lock);
	mutex_lock(&iommu->lock);
	list_del(&vdev->iommu_entry);
	mutex_unlock(&iommu->lock);
	mutex_unlock(&iommu->device_list_lock);
}

/* Copy within one mapping; *copied receives how much was copied. */
static int vfio_dma_rw_chunk(struct vfio_iommu *iommu, dma_addr_t user_iova,
			     void *data, size_t count, bool write,
			     size_t *copied)
{
	bool kthread = !current->mm;
	struct vfio_dma *dma;
	unsigned long vaddr;
	size_t offset;
	int ret = 0;

	*copied = 0;
	dma = vfio_find_dma(iommu, user_iova, 1);
	if (!dma)
		return -EINVAL;
	if ((write && !(dma->prot & IOMMU_WRITE)) ||
	    !(dma->prot & IOMMU_READ))
		return -EPERM;

	if (!mmget_not_zero(dma->mm))
		return -EPERM;
	if (kthread) {
		kthread_use_mm(dma->mm);
	} else if (current->mm != dma->mm) {
		ret = -EFAULT;	/* another process cannot reach this memory */
		goto out_mmput;
	}

	offset = user_iova - dma->iova;
	count = min(count, dma->size - offset);
	vaddr = dma->vaddr + offset;

	if (write) {
		if (!copy_to_user((void __user *)vaddr, data, count)) {
			*copied = count;
			if (iommu->dirty_page_tracking)
				vfio_dma_mark_dirty(iommu, dma, user_iova,
						    count);
		}
	} else if (!copy_from_user(data, (void __user *)vaddr, count)) {
		*copied = count;
	}

	if (kthread)
		kthread_unuse_mm(dma->mm);
	if (!*copied)
		ret = -EFAULT;
out_mmput:
	mmput(dma->mm);
	return ret;
}

/**
 * type1_dma_rw - dma_rw op: copy to or from IOVA space
 * @iommu_data: the container
 * @user_iova: first IOVA
 * @data: kernel buffer
 * @count: bytes
 * @write: copy @data to IOVA space (else from it)
 *
 * Runs in the mapping's mm: a kernel thread borrows it, a process must be
 * its owner.
 *
 * Return: 0 or a negative errno.
 */
int type1_dma_rw(void *iommu_data, dma_addr_t user_iova, void *data,
		 size_t count, bool write)
{
	struct vfio_iommu *iommu = iommu_data;
	size_t done;
	int ret = 0;

	mutex_lock(&iommu->lock);
	if (iommu->vaddr_invalid_count) {
		pr_warn_ratelimited("vfio-iommu-type1: dma_rw refused while mappings wait for VFIO_DMA_MAP_FLAG_VADDR\n");
		ret = -EBUSY;
		goto out_unlock;
	}

	while (count) {
		ret = vfio_dma_rw_chunk(iommu, user_iova, data, count, write,
					&done);
		if (ret)
			break;
		count -= done;
		data += done;
		user_iova += done;
	}
out_unlock:
	mutex_unlock(&iommu->lock);
	return ret;
}

/**
 * type1_group_iommu_domain - group_iommu_domain op
 * @iommu_data: the container
 * @group: an attached group
 *
 * Return: the IOMMU domain @group is attached to, ERR_PTR(-ENODEV) if it
 * has none (emulated), ERR_PTR(-EINVAL) for bad arguments.
 */
struct iommu_domain *type1_group_iommu_domain(void *iommu_data,
					      struct iommu_group *group)
{
	struct iommu_domain *domain = ERR_PTR(-ENODEV);
	struct vfio_iommu *iommu = iommu_data;
	struct vfio_domain *d;

	if (!iommu || !group)
		return ERR_PTR(-EINVAL);

	mutex_lock(&iommu->lock);
	list_for_each_entry(d, &iommu->domain_list, next) {
		if (vfio_domain_find_group(d, group)) {
			domain = d->domain;
			break;
		}
	}
	mutex_unlock(&iommu->lock);
	return domain;
}
