// SPDX-License-Identifier: GPL-2.0-only
/*
 * type1: the DMA mapping fast path.
 *
 * Owns moving a vfio_dma in and out of the IOMMU page tables:
 *
 *  map:    pin a batch of pages (one GUP call, one locked_vm charge), cut
 *	    it into physically contiguous runs, collect runs in a window of
 *	    up to VFIO_WINDOW_RUNS runs / 1 GiB, map the whole window into
 *	    each domain with one iommu_map_sg() (one IOTLB sync per window,
 *	    which matters a lot when every sync traps to a hypervisor), then
 *	    append the runs to the mapping's run list.
 *  unmap:  per domain, clear the whole IOVA extent in 1 GiB steps with
 *	    iommu_unmap_fast() and one iommu_iotlb_sync() per step, then
 *	    unpin the recorded runs, a whole run per call.  Nothing asks the
 *	    IOMMU where pages are (no iommu_iova_to_phys()).
 *  replay: a domain joining a container gets the recorded runs of every
 *	    mapping, windowed the same way, without touching the pages.
 *
 * Everything here runs under vfio_iommu.lock.
 */
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "type1.h"

/* Pages per GUP call and per locked_vm charge. */
#define VFIO_GUP_BATCH		1024U
/*
 * Runs per iommu_map_sg() call.  Fragmented 4 KiB memory has one run per
 * page, so this bounds the IOTLB syncs per MiB mapped (one per 8 MiB).
 */
#define VFIO_WINDOW_RUNS	2048U
/*
 * IOVA bytes per IOTLB sync, on map and on unmap.  VT-d can invalidate up
 * to 1 GiB page-selectively; beyond that it flushes the whole domain.
 */
#define VFIO_WINDOW_BYTES	SZ_1G
#define VFIO_WINDOW_PAGES	(VFIO_WINDOW_BYTES >> PAGE_SHIFT)

/**
 * struct vfio_mapper - state of one map or replay operation
 * @iommu: the container
 * @dma: the mapping being worked on
 * @only: map into this domain only; NULL for every domain of @iommu
 * @prot: IOMMU protection for the mapping
 * @small_pages: map page by page (disable_hugepages)
 * @iova: IOVA of the first pending page
 * @pend: the pending window: runs pinned but not mapped yet
 * @pend_nr: runs in @pend
 * @pend_cap: room in @pend (and @sgl)
 * @pend_pages: pages in @pend
 * @win_runs: the window is mapped once it holds more runs than this
 * @sgl: scatterlist handed to iommu_map_sg()
 * @pages: GUP staging array, @batch entries
 * @batch: pages per GUP call
 */
struct vfio_mapper {
	struct vfio_iommu	*iommu;
	struct vfio_dma		*dma;
	struct vfio_domain	*only;
	int			prot;
	bool			small_pages;
	dma_addr_t		iova;
	struct vfio_run		*pend;
	unsigned int		pend_nr;
	unsigned int		pend_cap;
	unsigned long		pend_pages;
	unsigned int		win_runs;
	struct scatterlist	*sgl;
	struct page		**pages;
	unsigned int		batch;
};

static int vfio_mapper_init(struct vfio_mapper *m, struct vfio_iommu *iommu,
			    struct vfio_dma *dma, struct vfio_domain *only,
			    bool pin)
{
	unsigned long npages = dma->size >> PAGE_SHIFT;

	memset(m, 0, sizeof(*m));
	m->iommu = iommu;
	m->dma = dma;
	m->only = only;
	m->prot = dma->prot | IOMMU_CACHE;
	m->small_pages = READ_ONCE(type1_disable_hugepages);
	m->iova = dma->iova;

	/* Buffers are sized to the mapping: a 4 KiB map stays cheap. */
	m->batch = pin ? min_t(unsigned long, npages, VFIO_GUP_BATCH) : 0;
	m->win_runs = min_t(unsigned long, npages, VFIO_WINDOW_RUNS);
	m->pend_cap = m->win_runs + max(m->batch, 1U);

	m->pend = kvmalloc_array(m->pend_cap, sizeof(*m->pend), GFP_KERNEL);
	m->sgl = kvmalloc_array(m->pend_cap, sizeof(*m->sgl), GFP_KERNEL);
	if (m->batch)
		m->pages = kvmalloc_array(m->batch, sizeof(*m->pages),
					  GFP_KERNEL);
	if (!m->pend || !m->sgl || (m->batch && !m->pages)) {
		kvfree(m->pend);
		kvfree(m->sgl);
		kvfree(m->pages);
		return -ENOMEM;
	}
	return 0;
}

static void vfio_mapper_free(struct vfio_mapper *m)
{
	kvfree(m->pend);
	kvfree(m->sgl);
	kvfree(m->pages);
}

/**
 * vfio_unmap_domain_range - remove an IOVA range from one domain
 * @domain: the IOMMU domain
 * @iova: start, where a mapping call started
 * @size: length; must cover whole mapping calls
 *
 * Returns once the IOTLB no longer holds translations for the range, so
 * the pages behind it may be unpinned.
 */
void vfio_unmap_domain_range(struct iommu_domain *domain, dma_addr_t iova,
			     size_t size)
{
	size_t min_pgsize = max_t(size_t, PAGE_SIZE,
				  1UL << __ffs(domain->pgsize_bitmap));
	struct iommu_iotlb_gather gather;

	/*
	 * Hot path of UNMAP_DMA: 1 GiB aligned steps, each cleared in one go
	 * and synced once.
	 */
	while (size) {
		size_t len = min_t(size_t, size,
				   VFIO_WINDOW_BYTES -
				   (iova & (VFIO_WINDOW_BYTES - 1)));
		size_t unmapped;

		iommu_iotlb_gather_init(&gather);
		unmapped = iommu_unmap_fast(domain, iova, len, &gather);
		iommu_iotlb_sync(domain, &gather);

		if (!unmapped) {
			/* A hole: should not happen, but never spin on it. */
			pr_warn_once("vfio-iommu-type1: nothing mapped at IOVA 0x%llx\n",
				     (unsigned long long)iova);
			unmapped = min_pgsize;
		}
		/* A large IOMMU page may take more than asked for. */
		unmapped = min(unmapped, size);
		iova += unmapped;
		size -= unmapped;
		cond_resched();
	}
}

/* Map one page at a time, so the IOMMU never uses a large page. */
static int vfio_map_run_singly(struct iommu_domain *domain, dma_addr_t iova,
			       const struct vfio_run *run, int prot)
{
	unsigned int i;
	int ret;

	for (i = 0; i < run->npages; i++) {
		ret = iommu_map(domain, iova + ((size_t)i << PAGE_SHIFT),
				PFN_PHYS(run->pfn + i), PAGE_SIZE, prot);
		if (ret) {
			if (i)
				vfio_unmap_domain_range(domain, iova,
							(size_t)i << PAGE_SHIFT);
			return ret;
		}
	}
	return 0;
}

/* Map pend[first..last) with one iommu_map_sg(): one IOTLB sync. */
static int vfio_map_runs_sg(struct vfio_mapper *m, struct iommu_domain *domain,
			    dma_addr_t iova, unsigned int first,
			    unsigned int last, size_t *len)
{
	unsigned int i, nents = last - first;
	ssize_t mapped;
	size_t total = 0;

	if (nents == 1) {
		*len = (size_t)m->pend[first].npages << PAGE_SHIFT;
		return iommu_map(domain, iova, PFN_PHYS(m->pend[first].pfn),
				 *len, m->prot);
	}

	sg_init_table(m->sgl, nents);
	for (i = 0; i < nents; i++) {
		const struct vfio_run *run = &m->pend[first + i];

		/* window runs are at most 1 GiB: the length fits */
		sg_set_page(&m->sgl[i], pfn_to_page(run->pfn),
			    run->npages << PAGE_SHIFT, 0);
		total += (size_t)run->npages << PAGE_SHIFT;
	}

	mapped = iommu_map_sg(domain, iova, m->sgl, nents, m->prot);
	if (mapped < 0)
		return mapped;
	if (mapped != total) {
		if (mapped)
			vfio_unmap_domain_range(domain, iova, mapped);
		return -EIO;
	}
	*len = total;
	return 0;
}

/* Map the pending window into one domain; all or nothing. */
static int vfio_window_map_domain(struct vfio_mapper *m,
				  struct iommu_domain *domain)
{
	dma_addr_t iova = m->iova;
	unsigned int i = 0, j;
	size_t len;
	int ret;

	while (i < m->pend_nr) {
		const struct vfio_run *run = &m->pend[i];

		if (m->small_pages) {
			ret = vfio_map_run_singly(domain, iova, run, m->prot);
			len = (size_t)run->npages << PAGE_SHIFT;
			j = i + 1;
		} else if (run->flags & VFIO_RUN_RAW) {
			/* device memory has no struct page for a scatterlist */
			len = (size_t)run->npages << PAGE_SHIFT;
			ret = iommu_map(domain, iova, PFN_PHYS(run->pfn), len,
					m->prot);
			j = i + 1;
		} else {
			for (j = i + 1; j < m->pend_nr; j++)
				if (m->pend[j].flags & VFIO_RUN_RAW)
					break;
			ret = vfio_map_runs_sg(m, domain, iova, i, j, &len);
		}
		if (ret)
			goto unwind;
		iova += len;
		i = j;
	}
	return 0;

unwind:
	if (iova != m->iova)
		vfio_unmap_domain_range(domain, m->iova, iova - m->iova);
	return ret;
}

/*
 * Map the pending window into the target domain(s) and, when @commit,
 * move its runs to the mapping's run list.  On failure nothing of the
 * window is mapped and the runs stay pending (still pinned).
 */
static int vfio_window_flush(struct vfio_mapper *m, bool commit)
{
	size_t bytes = m->pend_pages << PAGE_SHIFT;
	struct vfio_domain *d;
	unsigned int i;
	int ret;

	if (!m->pend_nr)
		return 0;

	if (commit) {
		ret = vfio_runs_reserve(&m->dma->runs, m->pend_nr);
		if (ret)
			return ret;
	}

	if (m->only) {
		ret = vfio_window_map_domain(m, m->only->domain);
		if (ret)
			return ret;
		cond_resched();
	} else {
		struct list_head *domains = &m->iommu->domain_list;

		list_for_each_entry(d, domains, next) {
			ret = vfio_window_map_domain(m, d->domain);
			if (ret) {
				list_for_each_entry_continue_reverse(d, domains,
								     next)
					vfio_unmap_domain_range(d->domain,
								m->iova, bytes);
				return ret;
			}
			cond_resched();
		}
	}

	if (commit)
		for (i = 0; i < m->pend_nr; i++)
			vfio_runs_append(&m->dma->runs, &m->pend[i]);

	m->iova += bytes;
	m->pend_nr = 0;
	m->pend_pages = 0;
	return 0;
}

/*
 * Chargeable pages of runs[0..nr), which start at @iova, that pin_pages
 * has pinned (and so charged) already.  The IOMMU pin must neither charge
 * nor, when undone, refund them.
 */
static long vfio_runs_vpfn_overlap(struct vfio_dma *dma, dma_addr_t iova,
				   const struct vfio_run *run, unsigned int nr)
{
	unsigned int i, p;
	long overlap = 0;

	/* Rare: only when the first domain joins a container in use. */
	if (RB_EMPTY_ROOT(&dma->pfn_list))
		return 0;

	for (i = 0; i < nr; i++, run++) {
		if (!(run->flags & VFIO_RUN_ACCT)) {
			iova += (dma_addr_t)run->npages << PAGE_SHIFT;
			continue;
		}
		for (p = 0; p < run->npages; p++, iova += PAGE_SIZE)
			if (vfio_find_vpfn(dma, iova))
				overlap++;
	}
	return overlap;
}

/**
 * vfio_unpin_replayed - undo vfio_pin_map_dma() done for a replay
 * @dma: a mapping pinned for a single new domain, already unmapped there
 *
 * Refunds what the pinning charged, which excludes pin_pages pages.
 */
void vfio_unpin_replayed(struct vfio_dma *dma)
{
	struct vfio_run_chunk *chunk;
	dma_addr_t iova = dma->iova;
	long overlap = 0;
	unsigned int i;

	for (chunk = dma->runs.head; chunk; chunk = chunk->next) {
		overlap += vfio_runs_vpfn_overlap(dma, iova, chunk->run,
						  chunk->nr);
		for (i = 0; i < chunk->nr; i++)
			iova += (dma_addr_t)chunk->run[i].npages << PAGE_SHIFT;
	}
	vfio_lock_acct(dma, overlap - vfio_runs_release(&dma->runs,
							dma->prot));
}

/* Pin the next batch into the pending window.  Returns pages or -errno. */
static long vfio_pin_batch(struct vfio_mapper *m, unsigned long vaddr,
			   unsigned long npages)
{
	struct vfio_dma *dma = m->dma;
	unsigned int first = m->pend_nr;
	struct vfio_run *raw = &m->pend[first];
	long n, acct;
	int ret;

	n = vfio_get_pages(dma, vaddr, npages, m->pages, raw);
	if (n < 0)
		return n;
	if (!n) {
		raw->flags = VFIO_RUN_RAW;
		m->pend_nr++;
		m->pend_pages += raw->npages;
		return raw->npages;
	}

	acct = vfio_pages_to_runs(m->pages, n, m->pend, &m->pend_nr);
	if (acct)
		acct -= vfio_runs_vpfn_overlap(dma, m->iova +
					       (m->pend_pages << PAGE_SHIFT),
					       &m->pend[first],
					       m->pend_nr - first);
	ret = vfio_lock_acct(dma, acct);
	if (ret) {
		vfio_runs_release_array(&m->pend[first], m->pend_nr - first,
					dma->prot);
		m->pend_nr = first;
		return ret;
	}
	m->pend_pages += n;
	return n;
}

/* Unpin the pending window after a failure and refund its charge. */
static void vfio_mapper_drop_pending(struct vfio_mapper *m)
{
	struct vfio_dma *dma = m->dma;
	long overlap;

	overlap = vfio_runs_vpfn_overlap(dma, m->iova, m->pend, m->pend_nr);
	vfio_lock_acct(dma, overlap - vfio_runs_release_array(m->pend,
							      m->pend_nr,
							      dma->prot));
	m->pend_nr = 0;
	m->pend_pages = 0;
}

/**
 * vfio_pin_map_dma - pin a mapping and map it into the IOMMU
 * @iommu: the container
 * @dma: a mapping with an empty run list
 * @only: map into this domain only (replay), or NULL for all domains
 *
 * On failure the part already recorded in dma->runs stays pinned and
 * mapped; the caller tears it down.  The caller also sets iommu_mapped.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pin_map_dma(struct vfio_iommu *iommu, struct vfio_dma *dma,
		     struct vfio_domain *only)
{
	bool remote = current->mm != dma->mm;
	struct vfio_mapper m;
	unsigned long vaddr, left;
	long ret;

	lockdep_assert_held(&iommu->lock);

	if (remote && !mmget_not_zero(dma->mm))
		return -ESRCH;	/* the mapping process is gone */

	ret = vfio_mapper_init(&m, iommu, dma, only, true);
	if (ret)
		goto out_mmput;

	vaddr = dma->vaddr;
	left = dma->size >> PAGE_SHIFT;
	while (left) {
		if (m.pend_nr > m.win_runs ||
		    m.pend_pages + m.batch > VFIO_WINDOW_PAGES) {
			ret = vfio_window_flush(&m, true);
			if (ret)
				goto out_drop;
		}
		cond_resched();

		ret = vfio_pin_batch(&m, vaddr, min_t(unsigned long, left,
						      m.batch));
		if (ret < 0)
			goto out_drop;
		vaddr += ret << PAGE_SHIFT;
		left -= ret;
	}

	ret = vfio_window_flush(&m, true);
	if (!ret)
		goto out_free;
out_drop:
	vfio_mapper_drop_pending(&m);
out_free:
	vfio_mapper_free(&m);
out_mmput:
	if (remote)
		mmput(dma->mm);
	return ret;
}

/* Map the recorded runs of an iommu_mapped mapping into a new domain. */
static int vfio_map_recorded(struct vfio_iommu *iommu, struct vfio_dma *dma,
			     struct vfio_domain *domain)
{
	struct vfio_run_chunk *chunk;
	struct vfio_mapper m;
	unsigned int i;
	int ret;

	ret = vfio_mapper_init(&m, iommu, dma, domain, false);
	if (ret)
		return ret;

	for (chunk = dma->runs.head; chunk; chunk = chunk->next) {
		for (i = 0; i < chunk->nr; i++) {
			struct vfio_run run = chunk->run[i];

			/* Split runs so that a window never exceeds 1 GiB. */
			while (run.npages) {
				unsigned int take;

				if (m.pend_nr >= m.win_runs ||
				    m.pend_pages == VFIO_WINDOW_PAGES) {
					ret = vfio_window_flush(&m, false);
					if (ret)
						goto unwind;
				}
				take = min_t(unsigned long, run.npages,
					     VFIO_WINDOW_PAGES - m.pend_pages);
				m.pend[m.pend_nr] = run;
				m.pend[m.pend_nr++].npages = take;
				m.pend_pages += take;
				run.pfn += take;
				run.npages -= take;
			}
		}
	}
	ret = vfio_window_flush(&m, false);
	if (!ret)
		goto out;
unwind:
	if (m.iova != dma->iova)
		vfio_unmap_domain_range(domain->domain, dma->iova,
					m.iova - dma->iova);
out:
	vfio_mapper_free(&m);
	return ret;
}

/**
 * vfio_replay_dma - make a mapping visible in a domain joining the container
 * @iommu: the container
 * @dma: the mapping
 * @domain: the new domain, not yet on iommu->domain_list
 *
 * A mapping already in the IOMMU (iommu_mapped) is mapped from its run
 * list; one that is not (the container only had emulated groups so far)
 * is pinned and mapped now, and the caller sets iommu_mapped once every
 * mapping succeeded.  On failure this mapping is left as it was.
 *
 * Return: 0 or a negative errno.
 */
int vfio_replay_dma(struct vfio_iommu *iommu, struct vfio_dma *dma,
		    struct vfio_domain *domain)
{
	int ret;

	if (dma->iommu_mapped)
		return vfio_map_recorded(iommu, dma, domain);

	ret = vfio_pin_map_dma(iommu, dma, domain);
	if (ret) {
		vfio_unmap_domain_range(domain->domain, dma->iova,
					dma->runs.npages << PAGE_SHIFT);
		vfio_unpin_replayed(dma);
	}
	return ret;
}

/**
 * vfio_unmap_unpin - take a mapping out of every domain and unpin it
 * @iommu: the container
 * @dma: the mapping
 * @do_accounting: refund locked_vm here
 *
 * Return: with @do_accounting 0, else the pages the caller has to refund.
 */
long vfio_unmap_unpin(struct vfio_iommu *iommu, struct vfio_dma *dma,
		      bool do_accounting)
{
	size_t bytes = dma->runs.npages << PAGE_SHIFT;
	struct vfio_domain *d;
	long unlocked;

	lockdep_assert_held(&iommu->lock);

	dma->iommu_mapped = false;
	if (!dma->runs.head)
		return 0;

	if (bytes)
		list_for_each_entry(d, &iommu->domain_list, next)
			vfio_unmap_domain_range(d->domain, dma->iova, bytes);

	unlocked = vfio_runs_release(&dma->runs, dma->prot);
	if (do_accounting) {
		vfio_lock_acct(dma, -unlocked);
		return 0;
	}
	return unlocked;
}
