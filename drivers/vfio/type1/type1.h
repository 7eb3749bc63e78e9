/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private state of the type1 IOMMU backend (vfio_iommu_type1.ko), shared by
 * its source files.
 *
 * A container (struct vfio_iommu) holds a set of user mappings (struct
 * vfio_dma, an rb-tree keyed by IOVA) and a set of IOMMU domains (struct
 * vfio_domain), each with the groups attached to it.  Every mapping is
 * pinned once and mapped into every domain.  While a mapping is pinned for
 * the IOMMU, its physical layout is kept in a compact run list (struct
 * vfio_runs) so that unmapping never has to ask the IOMMU page tables where
 * the pages were.
 */
#ifndef __VFIO_TYPE1_H__
#define __VFIO_TYPE1_H__

#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/vfio.h>
#include <linux/wait.h>

#include "../vfio.h"

/* Module parameters (main.c) */
extern bool type1_allow_unsafe_interrupts;
extern bool type1_disable_hugepages;
extern unsigned int type1_dma_entry_limit;

/**
 * struct vfio_iommu - one type1 container
 * @lock: protects every field below except @device_list
 * @domain_list: struct vfio_domain, one per IOMMU domain in use
 * @iova_list: struct vfio_iova, sorted, the IOVA ranges userspace may map
 * @emulated_iommu_groups: struct vfio_iommu_group of mdev-like groups (no
 *	domain; they reach memory through pin_pages/dma_rw only)
 * @dma_list: struct vfio_dma by IOVA, non-overlapping
 * @device_list: vfio_device.iommu_entry of opened devices that want
 *	dma_unmap callbacks.  Changed with both @device_list_lock and @lock
 *	held, walked under @device_list_lock alone (drivers call back into
 *	unpin_pages, which takes @lock), tested for emptiness under @lock.
 * @device_list_lock: see @device_list; always taken before @lock
 * @dma_avail: how many more mappings may be created (dma_entry_limit)
 * @vaddr_invalid_count: mappings whose vaddr was invalidated (UNMAP VADDR)
 * @pgsize_bitmap: IOMMU page sizes all domains support (PAGE_SIZE and up)
 * @num_non_pinned_groups: IOMMU-backed groups that never used pin_pages,
 *	so might dirty any page; while non-zero the dirty bitmap is "all set"
 * @v2: VFIO_TYPE1v2_IOMMU semantics (strict unmap, pin_pages, dirty log)
 * @nesting: VFIO_TYPE1_NESTING_IOMMU: domains get nesting enabled
 * @dirty_page_tracking: VFIO_IOMMU_DIRTY_PAGES_FLAG_START is in effect
 * @container_open: cleared by VFIO_IOMMU_CONTAINER_CLOSE.  Nothing waits
 *	for an invalidated vaddr to come back (pin_pages, dma_rw and attach
 *	fail with -EBUSY instead, as emulated groups and VADDR exclude each
 *	other), so this is bookkeeping only.
 */
struct vfio_iommu {
	struct mutex		lock;		/* see above */
	struct list_head	domain_list;
	struct list_head	iova_list;
	struct list_head	emulated_iommu_groups;
	struct rb_root		dma_list;
	struct list_head	device_list;
	struct mutex		device_list_lock; /* see @device_list */
	unsigned int		dma_avail;
	unsigned int		vaddr_invalid_count;
	u64			pgsize_bitmap;
	u64			num_non_pinned_groups;
	bool			v2;
	bool			nesting;
	bool			dirty_page_tracking;
	bool			container_open;
};

/**
 * struct vfio_domain - an IOMMU domain and the groups attached to it
 * @domain: the IOMMU core's domain
 * @next: link in vfio_iommu.domain_list
 * @group_list: struct vfio_iommu_group attached to @domain
 * @enforce_cache_coherency: no-snoop DMA is blocked in this domain
 *
 * All fields under vfio_iommu.lock.
 */
struct vfio_domain {
	struct iommu_domain	*domain;
	struct list_head	next;
	struct list_head	group_list;
	bool			enforce_cache_coherency;
};

/**
 * struct vfio_iommu_group - a group attached to the container
 * @iommu_group: the IOMMU core's group
 * @next: link in vfio_domain.group_list or emulated_iommu_groups
 * @pinned_page_dirty_scope: the group only dirties pages it pinned with
 *	pin_pages (emulated groups always; others once they pin)
 *
 * All fields under vfio_iommu.lock.
 */
struct vfio_iommu_group {
	struct iommu_group	*iommu_group;
	struct list_head	next;
	bool			pinned_page_dirty_scope;
};

/**
 * struct vfio_iova - a usable IOVA range, both ends inclusive
 * @list: link in vfio_iommu.iova_list (or a working copy of it)
 * @start: first usable address
 * @end: last usable address
 */
struct vfio_iova {
	struct list_head	list;
	dma_addr_t		start;
	dma_addr_t		end;
};

/* vfio_run.flags */
#define VFIO_RUN_PINNED	BIT(0)	/* we hold a FOLL_PIN on every page */
#define VFIO_RUN_ACCT	BIT(1)	/* pages count against locked_vm */
#define VFIO_RUN_RAW	BIT(2)	/* VM_PFNMAP pfns, maybe without struct page */

/* Largest run we record; keeps npages in an unsigned int. */
#define VFIO_RUN_MAX_PAGES	BIT(30)

/**
 * struct vfio_run - physically contiguous pages backing consecutive IOVA
 * @pfn: first page frame
 * @npages: length in pages
 * @flags: VFIO_RUN_*; a run without PINNED is either a VM_PFNMAP range
 *	(RAW) or the shared zero page, neither of which holds a reference
 */
struct vfio_run {
	unsigned long	pfn;
	unsigned int	npages;
	unsigned int	flags;
};

/**
 * struct vfio_run_chunk - a block of consecutive runs
 * @next: following chunk
 * @nr: runs in use
 * @cap: runs allocated
 * @run: the runs
 */
struct vfio_run_chunk {
	struct vfio_run_chunk	*next;
	unsigned int		nr;
	unsigned int		cap;
	struct vfio_run		run[];
};

/**
 * struct vfio_runs - the physical layout of a pinned and mapped vfio_dma
 * @head: first chunk; runs follow each other in IOVA order from dma->iova
 * @tail: last chunk, where runs are appended
 * @last: chunk holding the last run appended (may precede @tail)
 * @last_nr: that run's index + 1 in @last, 0 while nothing is recorded
 * @npages: pages covered, i.e. the mapping is recorded for
 *	[dma->iova, dma->iova + (npages << PAGE_SHIFT))
 *
 * Every recorded page is pinned (or is a PFNMAP/zero pfn) and mapped into
 * every domain of the container.
 */
struct vfio_runs {
	struct vfio_run_chunk	*head;
	struct vfio_run_chunk	*tail;
	struct vfio_run_chunk	*last;
	unsigned int		last_nr;
	unsigned long		npages;
};

/**
 * struct vfio_dma - one VFIO_IOMMU_MAP_DMA mapping
 * @node: link in vfio_iommu.dma_list
 * @iova: device address
 * @vaddr: process address (meaningless while @vaddr_invalid)
 * @size: length in bytes
 * @prot: IOMMU_READ/IOMMU_WRITE
 * @iommu_mapped: pinned and mapped into every domain (@runs is complete)
 * @lock_cap: the mapper had CAP_IPC_LOCK; no RLIMIT_MEMLOCK check
 * @vaddr_invalid: invalidated by VFIO_DMA_UNMAP_FLAG_VADDR
 * @task: group leader of the mapper, for its RLIMIT_MEMLOCK
 * @mm: the mapper's mm (mmgrab'ed): pages come from it, locked_vm is
 *	charged to it, even after the task has exited
 * @locked_vm: pages this mapping has charged to @mm
 * @pfn_list: struct vfio_pfn, pages pinned through pin_pages
 * @bitmap: dirty bitmap, one bit per smallest IOMMU page, while dirty
 *	tracking is on
 * @runs: physical layout while pinned for the IOMMU
 *
 * All fields under vfio_iommu.lock.
 */
struct vfio_dma {
	struct rb_node		node;
	dma_addr_t		iova;
	unsigned long		vaddr;
	size_t			size;
	int			prot;
	bool			iommu_mapped;
	bool			lock_cap;
	bool			vaddr_invalid;
	struct task_struct	*task;
	struct mm_struct	*mm;
	long			locked_vm;
	struct rb_root		pfn_list;
	unsigned long		*bitmap;
	struct vfio_runs	runs;
};

/**
 * struct vfio_pfn - a page pinned through the pin_pages interface
 * @node: link in vfio_dma.pfn_list, keyed by @iova
 * @iova: device address of the page
 * @pfn: the page
 * @flags: VFIO_RUN_PINNED if we hold a pin, VFIO_RUN_ACCT if the page is
 *	chargeable to locked_vm
 * @ref_count: outstanding pin_pages calls for this IOVA
 */
struct vfio_pfn {
	struct rb_node		node;
	dma_addr_t		iova;
	unsigned long		pfn;
	unsigned int		flags;
	refcount_t		ref_count;
};

/* Dirty bitmaps: one bit per page, sizes rounded up to u64 */
#define DIRTY_BITMAP_BYTES(n)	(ALIGN(n, BITS_PER_TYPE(u64)) / BITS_PER_BYTE)
/* bitmap_set() and friends take an int bit count */
#define DIRTY_BITMAP_PAGES_MAX	((u64)INT_MAX)
#define DIRTY_BITMAP_SIZE_MAX	DIRTY_BITMAP_BYTES(DIRTY_BITMAP_PAGES_MAX)

static inline size_t vfio_pgsize(struct vfio_iommu *iommu)
{
	return (size_t)1 << __ffs(iommu->pgsize_bitmap);
}

/* map.c: the mapping tree and the MAP/UNMAP ioctls */
struct vfio_dma *vfio_find_dma(struct vfio_iommu *iommu, dma_addr_t start,
			       size_t size);
struct rb_node *vfio_find_dma_first_node(struct vfio_iommu *iommu,
					 dma_addr_t start, dma_addr_t last);
void vfio_remove_dma(struct vfio_iommu *iommu, struct vfio_dma *dma);
void vfio_remove_all_dma(struct vfio_iommu *iommu);
int type1_map_dma(struct vfio_iommu *iommu, void *hdr, void __user *arg);
int type1_unmap_dma(struct vfio_iommu *iommu, void *hdr, void __user *arg);

/* pin.c: pinning, locked_vm accounting, run lists */
int vfio_lock_acct(struct vfio_dma *dma, long npage);
int vfio_mm_lock_acct(struct task_struct *task, struct mm_struct *mm,
		      bool lock_cap, long npage);
bool vfio_pfn_is_reserved(unsigned long pfn);
long vfio_get_pages(struct vfio_dma *dma, unsigned long vaddr,
		    unsigned long npages, struct page **pages,
		    struct vfio_run *raw);
long vfio_pages_to_runs(struct page **pages, long n, struct vfio_run *out,
			unsigned int *nr);
int vfio_pin_one(struct vfio_dma *dma, unsigned long vaddr,
		 unsigned long *pfn, unsigned int *flags);
void vfio_put_pfn(unsigned long pfn, unsigned int flags, int prot);
int vfio_runs_reserve(struct vfio_runs *runs, unsigned int n);
void vfio_runs_append(struct vfio_runs *runs, const struct vfio_run *run);
long vfio_runs_release(struct vfio_runs *runs, int prot);
long vfio_runs_release_array(struct vfio_run *run, unsigned int nr,
			     int prot);
long vfio_dma_vpfn_acct(struct vfio_dma *dma);

/* mapper.c: the pin -> map pipeline, replay, unmap -> unpin */
int vfio_pin_map_dma(struct vfio_iommu *iommu, struct vfio_dma *dma,
		     struct vfio_domain *only);
int vfio_replay_dma(struct vfio_iommu *iommu, struct vfio_dma *dma,
		    struct vfio_domain *domain);
void vfio_unpin_replayed(struct vfio_dma *dma);
long vfio_unmap_unpin(struct vfio_iommu *iommu, struct vfio_dma *dma,
		      bool do_accounting);
void vfio_unmap_domain_range(struct iommu_domain *domain, dma_addr_t iova,
			     size_t size);

/* domain.c: groups and domains */
int type1_attach_group(void *iommu_data, struct iommu_group *group,
		       enum vfio_group_type type);
void type1_detach_group(void *iommu_data, struct iommu_group *group);
void type1_release_domains(struct vfio_iommu *iommu);
struct vfio_iommu_group *vfio_find_group(struct vfio_iommu *iommu,
					 struct iommu_group *group);
struct vfio_iommu_group *vfio_domain_find_group(struct vfio_domain *domain,
						struct iommu_group *group);

/* iova.c: usable IOVA ranges and reserved regions */
bool vfio_iova_valid(struct vfio_iommu *iommu, dma_addr_t start,
		     dma_addr_t end);
int vfio_iova_insert(struct list_head *head, dma_addr_t start,
		     dma_addr_t end);
void vfio_iova_free(struct list_head *iova);
int vfio_iova_get_copy(struct vfio_iommu *iommu, struct list_head *copy);
void vfio_iova_install_copy(struct vfio_iommu *iommu, struct list_head *copy);
bool vfio_aper_conflict(struct vfio_iommu *iommu, dma_addr_t start,
			dma_addr_t end);
int vfio_aper_resize(struct list_head *iova, dma_addr_t start,
		     dma_addr_t end);
void vfio_aper_expand(struct vfio_iommu *iommu, struct list_head *copy);
bool vfio_resv_conflict(struct vfio_iommu *iommu, struct list_head *resv);
int vfio_resv_exclude(struct list_head *iova, struct list_head *resv);
void vfio_resv_free(struct list_head *resv);
int vfio_resv_refresh(struct vfio_iommu *iommu, struct list_head *copy);
bool vfio_resv_sw_msi(struct list_head *resv, phys_addr_t *base);

/* info.c: VFIO_CHECK_EXTENSION and VFIO_IOMMU_GET_INFO */
int type1_check_extension(struct vfio_iommu *iommu, unsigned long arg);
int type1_get_info(struct vfio_iommu *iommu, void *hdr, void __user *arg);

/* dirty.c: dirty page logging */
int vfio_dma_bitmap_alloc(struct vfio_dma *dma, size_t pgsize);
void vfio_dma_bitmap_free(struct vfio_dma *dma);
void vfio_dma_mark_dirty(struct vfio_iommu *iommu, struct vfio_dma *dma,
			 dma_addr_t iova, size_t len);
void vfio_iommu_populate_bitmap_full(struct vfio_iommu *iommu);
int vfio_dirty_verify_bitmap(u64 npages, u64 bitmap_size);
int vfio_update_user_bitmap(u64 __user *bitmap, struct vfio_iommu *iommu,
			    struct vfio_dma *dma, dma_addr_t base_iova,
			    size_t pgsize);
int type1_dirty_pages(struct vfio_iommu *iommu, void *hdr, void __user *arg);

/* external.c: the in-kernel interface for emulated-IOMMU devices */
struct vfio_pfn *vfio_find_vpfn(struct vfio_dma *dma, dma_addr_t iova);
void vfio_drop_vpfns(struct vfio_iommu *iommu, struct vfio_dma *dma);
void vfio_notify_dma_unmap(struct vfio_iommu *iommu, struct vfio_dma *dma);
int type1_pin_pages(void *iommu_data, struct iommu_group *group,
		    dma_addr_t user_iova, int npage, int prot,
		    struct page **pages);
void type1_unpin_pages(void *iommu_data, dma_addr_t user_iova, int npage);
void type1_register_device(void *iommu_data, struct vfio_device *vdev);
void type1_unregister_device(void *iommu_data, struct vfio_device *vdev);
int type1_dma_rw(void *iommu_data, dma_addr_t user_iova, void *data,
		 size_t count, bool write);
struct iommu_domain *type1_group_iommu_domain(void *iommu_data,
					      struct iommu_group *group);

#endif /* __VFIO_TYPE1_H__ */
