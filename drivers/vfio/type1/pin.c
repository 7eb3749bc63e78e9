// SPDX-License-Identifier: GPL-2.0-only
/*
 * type1: getting hold of user pages and letting go of them.
 *
 * Owns page pinning (batched GUP, with the VM_PFNMAP fallback), the
 * RLIMIT_MEMLOCK accounting on the mapper's mm, the per-mapping run lists
 * that remember where pinned pages are, and unpinning.
 *
 * Pages are pinned FOLL_LONGTERM.  A pinned page that is PageReserved is
 * kept pinned but not charged to locked_vm; the shared zero page is not
 * kept pinned at all (it never goes away).  Raw pfns of a VM_PFNMAP vma
 * (device memory) hold no reference and are not charged either.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "type1.h"

/**
 * vfio_pfn_is_reserved - whether a pfn is outside locked_vm accounting
 * @pfn: page frame number
 *
 * Return: true for pfns without a struct page (device memory) and for
 * reserved pages; for compound pages the head's flag speaks for all.
 */
bool vfio_pfn_is_reserved(unsigned long pfn)
{
	if (!pfn_valid(pfn))
		return true;
	return PageReserved(pfn_to_page(pfn));
}

/**
 * vfio_mm_lock_acct - charge or refund locked_vm on an mm
 * @task: whose RLIMIT_MEMLOCK applies
 * @mm: the mm to charge
 * @lock_cap: the charger has CAP_IPC_LOCK (no limit)
 * @npage: pages to charge (> 0) or refund (< 0)
 *
 * Charging gives up on a fatal signal; a refund always completes so that
 * teardown keeps the counter exact.
 *
 * Return: 0, -ENOMEM over the limit, -EINTR.
 */
int vfio_mm_lock_acct(struct task_struct *task, struct mm_struct *mm,
		      bool lock_cap, long npage)
{
	int ret;

	if (npage > 0) {
		ret = mmap_write_lock_killable(mm);
		if (ret)
			return ret;
	} else {
		mmap_write_lock(mm);
	}
	ret = __account_locked_vm(mm, abs(npage), npage > 0, task, lock_cap);
	mmap_write_unlock(mm);
	return ret;
}

/**
 * vfio_lock_acct - charge or refund locked_vm for a mapping
 * @dma: the mapping; its mm and task are used
 * @npage: pages to charge (> 0) or refund (< 0)
 *
 * Works from any context that may sleep, whatever current->mm is.  If the
 * mm has no users left there is nothing to account against any more.
 *
 * Return: 0, -ESRCH when the mm is gone, or as vfio_mm_lock_acct().
 */
int vfio_lock_acct(struct vfio_dma *dma, long npage)
{
	int ret;

	if (!npage)
		return 0;
	if (!mmget_not_zero(dma->mm))
		return -ESRCH;

	ret = vfio_mm_lock_acct(dma->task, dma->mm, dma->lock_cap, npage);
	if (!ret)
		dma->locked_vm += npage;
	else if (ret == -ENOMEM)
		pr_warn_ratelimited("vfio-iommu-type1: %s (%d) exceeds RLIMIT_MEMLOCK (%lu bytes); raise it or grant CAP_IPC_LOCK\n",
				    dma->task->comm, task_pid_nr(dma->task),
				    task_rlimit(dma->task, RLIMIT_MEMLOCK));
	mmput(dma->mm);
	return ret;
}

/*
 * follow_pte() returns 0 with *ptl held; this says so to sparse.  True on
 * success.
 */
#define vfio_follow_pte(mm, addr, ptep, ptl) \
	__cond_lock(*(ptl), !follow_pte(mm, addr, ptep, ptl))

/* Look up one pte of a VM_PFNMAP vma, faulting it in if needed. */
static int vfio_follow_fault_pfn(struct vm_area_struct *vma,
				 struct mm_struct *mm, unsigned long vaddr,
				 unsigned long *pfn, bool write)
{
	spinlock_t *ptl;	/* page table lock, from follow_pte() */
	pte_t *ptep;
	int ret;

	if (!vfio_follow_pte(vma->vm_mm, vaddr, &ptep, &ptl)) {
		bool unlocked = false;

		ret = fixup_user_fault(mm, vaddr,
				       FAULT_FLAG_REMOTE |
				       (write ? FAULT_FLAG_WRITE : 0),
				       &unlocked);
		/* mmap_lock was dropped: the vma may be gone, look again */
		if (unlocked)
			return -EAGAIN;
		if (ret)
			return ret;

		if (!vfio_follow_pte(vma->vm_mm, vaddr, &ptep, &ptl))
			return -EFAULT;
	}

	ret = 0;
	if (write && !pte_write(*ptep))
		ret = -EFAULT;
	else
		*pfn = pte_pfn(*ptep);
	pte_unmap_unlock(ptep, ptl);
	return ret;
}

/*
 * GUP refused @vaddr: it may be a VM_PFNMAP range (another device's BAR,
 * for peer-to-peer DMA).  Describe up to @npages physically contiguous
 * pfns from there as one raw run.  If it is not, GUP's own error @gup_err
 * stands.  Caller holds mmap_read_lock(mm).
 */
static int vfio_get_pfnmap_run(struct mm_struct *mm, unsigned long vaddr,
			       unsigned long npages, bool write,
			       struct vfio_run *run, long gup_err)
{
	struct vm_area_struct *vma;
	unsigned long pfn, n, limit;
	int ret;

	vaddr = untagged_addr(vaddr);
retry:
	vma = vma_lookup(mm, vaddr);
	if (!vma || !(vma->vm_flags & VM_PFNMAP))
		return gup_err < 0 ? gup_err : -EFAULT;

	ret = vfio_follow_fault_pfn(vma, mm, vaddr, &pfn, write);
	if (ret == -EAGAIN)
		goto retry;
	if (ret)
		return ret;
	/* A refcounted page behind a PFNMAP could be freed under the DMA. */
	if (!vfio_pfn_is_reserved(pfn))
		return -EFAULT;

	/* Extend over already-populated ptes that continue the run. */
	limit = min(npages, (vma->vm_end - vaddr) >> PAGE_SHIFT);
	limit = min_t(unsigned long, limit, VFIO_RUN_MAX_PAGES);
	for (n = 1; n < limit; n++) {
		spinlock_t *ptl;	/* page table lock, from follow_pte() */
		pte_t *ptep;
		bool next;

		if (!vfio_follow_pte(mm, vaddr + (n << PAGE_SHIFT), &ptep,
				     &ptl))
			break;
		next = pte_pfn(*ptep) == pfn + n &&
		       (!write || pte_write(*ptep));
		pte_unmap_unlock(ptep, ptl);
		if (!next || !vfio_pfn_is_reserved(pfn + n))
			break;
	}

	run->pfn = pfn;
	run->npages = n;
	run->flags = 0;
	return 0;
}

/**
 * vfio_get_pages - pin the pages behind a range of a mapping's vaddr
 * @dma: the mapping (its mm and prot are used)
 * @vaddr: first address, page aligned
 * @npages: how many pages at most
 * @pages: receives the pinned pages (@npages entries)
 * @raw: receives a raw pfn run when the range is VM_PFNMAP
 *
 * When current runs in the mapping's mm (the MAP_DMA ioctl), the lockless
 * pin_user_pages_fast() is used; otherwise the remote variant under the
 * mmap lock.  Caller holds a reference on dma->mm's users.
 *
 * Return: number of pages pinned (> 0), 0 if @raw was filled instead, or a
 * negative errno.
 */
long vfio_get_pages(struct vfio_dma *dma, unsigned long vaddr,
		    unsigned long npages, struct page **pages,
		    struct vfio_run *raw)
{
	bool write = dma->prot & IOMMU_WRITE;
	unsigned int gup = FOLL_LONGTERM | (write ? FOLL_WRITE : 0);
	struct mm_struct *mm = dma->mm;
	long ret;

	npages = min_t(unsigned long, npages, INT_MAX);
	if (current->mm == mm) {
		ret = pin_user_pages_fast(vaddr, npages, gup, pages);
		if (ret > 0)
			return ret;
		mmap_read_lock(mm);
	} else {
		mmap_read_lock(mm);
		ret = pin_user_pages_remote(mm, vaddr, npages, gup, pages,
					    NULL, NULL);
		if (ret > 0)
			goto out_unlock;
	}

	ret = vfio_get_pfnmap_run(mm, vaddr, npages, write, raw, ret);
out_unlock:
	mmap_read_unlock(mm);
	return ret;
}

/**
 * vfio_pages_to_runs - describe a batch of freshly pinned pages as runs
 * @pages: the pinned pages, in vaddr order
 * @n: number of pages
 * @out: receives the runs; room for @n entries
 * @nr: in: runs already in @out; out: runs now in @out
 *
 * The first run written is never merged with earlier ones, so a caller can
 * drop exactly this batch again.  Zero pages are unpinned here.
 *
 * Return: pages of the batch to charge to locked_vm.
 */
long vfio_pages_to_runs(struct page **pages, long n, struct vfio_run *out,
			unsigned int *nr)
{
	struct vfio_run *run = NULL;
	unsigned long folio_end = 0;	/* first pfn past the current folio */
	unsigned int flags = 0;
	long i, acct = 0;

	/*
	 * Hot path of MAP_DMA: one pass over the batch comparing pfns.  The
	 * struct page (and folio) is only looked at when a new folio starts,
	 * so a 2M or 1G hugetlb folio costs one lookup, not one per 4K page.
	 */
	for (i = 0; i < n; i++) {
		unsigned long pfn = page_to_pfn(pages[i]);
		bool contig = run && pfn == run->pfn + run->npages &&
			      run->npages < VFIO_RUN_MAX_PAGES;

		if (!contig || pfn >= folio_end) {
			if (is_zero_pfn(pfn)) {
				unpin_user_page(pages[i]);
				flags = 0;
				folio_end = pfn + 1;
			} else {
				struct folio *folio = page_folio(pages[i]);

				flags = VFIO_RUN_PINNED;
				if (!PageReserved(pages[i]))
					flags |= VFIO_RUN_ACCT;
				folio_end = folio_pfn(folio) +
					    folio_nr_pages(folio);
			}
			if (!contig || flags != run->flags) {
				run = &out[(*nr)++];
				run->pfn = pfn;
				run->npages = 0;
				run->flags = flags;
			}
		}
		run->npages++;
		if (flags & VFIO_RUN_ACCT)
			acct++;
	}
	return acct;
}

/**
 * vfio_pin_one - pin the single page behind a vaddr of a mapping
 * @dma: the mapping
 * @vaddr: page aligned process address
 * @pfn: receives the page frame
 * @flags: receives VFIO_RUN_* flags for the page
 *
 * For pin_pages.  Accounting is up to the caller.
 *
 * Return: 0 or a negative errno.
 */
int vfio_pin_one(struct vfio_dma *dma, unsigned long vaddr,
		 unsigned long *pfn, unsigned int *flags)
{
	struct vfio_run raw;
	struct page *page;
	unsigned int nr = 0;
	long ret;

	if (!mmget_not_zero(dma->mm))
		return -ENODEV;

	ret = vfio_get_pages(dma, vaddr, 1, &page, &raw);
	if (ret > 0) {
		vfio_pages_to_runs(&page, 1, &raw, &nr);
		ret = 0;
	}
	if (!ret) {
		*pfn = raw.pfn;
		*flags = raw.flags;
	}
	mmput(dma->mm);
	return ret;
}

/**
 * vfio_put_pfn - drop the pin vfio_pin_one() took
 * @pfn: the page frame
 * @flags: as returned by vfio_pin_one()
 * @prot: mapping protection; a writable page is marked dirty
 */
void vfio_put_pfn(unsigned long pfn, unsigned int flags, int prot)
{
	if (flags & VFIO_RUN_PINNED)
		unpin_user_page_range_dirty_lock(pfn_to_page(pfn), 1,
						 prot & IOMMU_WRITE);
}

/**
 * vfio_runs_release_array - unpin the pages of an array of runs
 * @run: the runs
 * @nr: how many
 * @prot: mapping protection; writable pages are marked dirty
 *
 * Return: pages that were charged to locked_vm (the caller refunds).
 */
long vfio_runs_release_array(struct vfio_run *run, unsigned int nr, int prot)
{
	bool dirty = prot & IOMMU_WRITE;
	long acct = 0;
	unsigned int i;

	/* One call per run: folio-aware, a hugetlb page is one refcount op. */
	for (i = 0; i < nr; i++, run++) {
		if (run->flags & VFIO_RUN_PINNED)
			unpin_user_page_range_dirty_lock(pfn_to_page(run->pfn),
							 run->npages, dirty);
		if (run->flags & VFIO_RUN_ACCT)
			acct += run->npages;
		if (!(i % 256))
			cond_resched();
	}
	return acct;
}

/**
 * vfio_runs_release - unpin every recorded page and forget the layout
 * @runs: the run list, empty on return
 * @prot: mapping protection
 *
 * The caller has already removed the IOMMU translations (and synced the
 * IOTLB): the pages may be reused the moment they are unpinned.
 *
 * Return: pages that were charged to locked_vm.
 */
long vfio_runs_release(struct vfio_runs *runs, int prot)
{
	struct vfio_run_chunk *chunk = runs->head, *next;
	long acct = 0;

	while (chunk) {
		next = chunk->next;
		acct += vfio_runs_release_array(chunk->run, chunk->nr, prot);
		kvfree(chunk);
		chunk = next;
	}
	memset(runs, 0, sizeof(*runs));
	return acct;
}

/* Chunks hold at most this many runs unless a caller needs more at once. */
#define VFIO_RUNS_CHUNK_MAX	((PAGE_SIZE - sizeof(struct vfio_run_chunk)) / \
				 sizeof(struct vfio_run))

/**
 * vfio_runs_reserve - make sure @n more runs can be appended
 * @runs: the run list
 * @n: runs about to be appended
 *
 * Appending itself then cannot fail, which keeps the record exactly in
 * step with the IOMMU page tables.
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_runs_reserve(struct vfio_runs *runs, unsigned int n)
{
	struct vfio_run_chunk *chunk;
	unsigned int cap;

	if (runs->tail && runs->tail->cap - runs->tail->nr >= n)
		return 0;

	/* Grow geometrically: small mappings stay small, big ones cheap. */
	cap = runs->tail ? min_t(unsigned int, runs->tail->cap * 2,
				 VFIO_RUNS_CHUNK_MAX) : 4;
	cap = max(cap, n);
	chunk = kvmalloc(struct_size(chunk, run, cap), GFP_KERNEL_ACCOUNT);
	if (!chunk)
		return -ENOMEM;
	chunk->next = NULL;
	chunk->nr = 0;
	chunk->cap = cap;

	if (runs->tail)
		runs->tail->next = chunk;
	else
		runs->head = chunk;
	runs->tail = chunk;
	return 0;
}

/**
 * vfio_runs_append - record the next run of a mapping
 * @runs: the run list; room reserved with vfio_runs_reserve()
 * @run: the run, which follows the recorded ones in IOVA
 *
 * Merges with the previous run when physically contiguous.
 */
void vfio_runs_append(struct vfio_runs *runs, const struct vfio_run *run)
{
	struct vfio_run_chunk *tail = runs->tail;
	struct vfio_run *last = NULL;

	if (runs->last_nr)
		last = &runs->last->run[runs->last_nr - 1];

	runs->npages += run->npages;
	if (last && last->flags == run->flags &&
	    last->pfn + last->npages == run->pfn &&
	    (u64)last->npages + run->npages <= VFIO_RUN_MAX_PAGES) {
		last->npages += run->npages;
		return;
	}

	tail->run[tail->nr++] = *run;
	runs->last = tail;
	runs->last_nr = tail->nr;
}

/**
 * vfio_dma_vpfn_acct - chargeable pages a mapping has pinned for pin_pages
 * @dma: the mapping
 *
 * Without an IOMMU domain these are what the mapping is charged for.
 *
 * Return: number of pin_pages pages that count against locked_vm.
 */
long vfio_dma_vpfn_acct(struct vfio_dma *dma)
{
	struct rb_node *n;
	long count = 0;

	for (n = rb_first(&dma->pfn_list); n; n = rb_next(n))
		if (rb_entry(n, struct vfio_pfn, node)->flags & VFIO_RUN_ACCT)
			count++;
	return count;
}
