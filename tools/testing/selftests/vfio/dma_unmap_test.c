// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_IOMMU_UNMAP_DMA on a type1v2 container (the edu's group at 00:02.0,
 * no device fd needed): v2 unmaps whole mappings only, UNMAP_ALL, their
 * refusals, and the vaddr invalidate/update flow a VMM uses to hand its
 * mappings to a new process (VFIO_UPDATE_VADDR).  Unmapping must give
 * back the pinned pages and the locked memory.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/proc.h"
#include "lib/vfio.h"

#define PAGE		4096UL
#define BUF_SIZE	(16 * PAGE)
#define IOVA		0x1000000ULL
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define ALL		VFIO_DMA_UNMAP_FLAG_ALL
#define VADDR		VFIO_DMA_UNMAP_FLAG_VADDR

FIXTURE(unmap) {
	struct vfio_dev d;
	char *buf;
	long long locked_kb;
	long long pinned;
};

FIXTURE_SETUP(unmap)
{
	ASSERT_EQ(0, vfio_dev_open_group(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	self->buf = vfio_dma_buffer(BUF_SIZE);
	ASSERT_NE(NULL, self->buf);
	self->locked_kb = proc_status_kb("VmLck");
	self->pinned = pinned_pages();
	ASSERT_LE(0, self->locked_kb);
	ASSERT_LE(0, self->pinned);
	/* three mappings of 4 pages, with a one-page hole after each */
	ASSERT_EQ(0, vfio_dma_map(self->d.container, self->buf, IOVA, 4 * PAGE, RW));
	ASSERT_EQ(0, vfio_dma_map(self->d.container, self->buf + 5 * PAGE,
				  IOVA + 5 * PAGE, 4 * PAGE, RW));
	ASSERT_EQ(0, vfio_dma_map(self->d.container, self->buf + 10 * PAGE,
				  IOVA + 10 * PAGE, 4 * PAGE, RW));
}

FIXTURE_TEARDOWN(unmap)
{
	vfio_dev_close(&self->d);
}

#define MAPPED		(12 * PAGE)

static int64_t unmap(struct _test_data_unmap *self, uint64_t iova, uint64_t size,
		     uint32_t flags)
{
	return vfio_dma_unmap(self->d.container, iova, size, flags);
}

static int update_vaddr(struct _test_data_unmap *self, void *vaddr, uint64_t iova,
			uint64_t size)
{
	return vfio_dma_map(self->d.container, vaddr, iova, size,
			    VFIO_DMA_MAP_FLAG_VADDR);
}

/* All three mappings are still there, pinned. */
#define EXPECT_ALL_MAPPED() do { \
	EXPECT_EQ(self->locked_kb + MAPPED / 1024, proc_status_kb("VmLck")); \
	EXPECT_EQ(MAPPED, unmap(self, 0, 0, ALL)); \
} while (0)

TEST_F(unmap, rejects_unaligned_iova)
{
	EXPECT_EQ(-EINVAL, unmap(self, IOVA + 512, 4 * PAGE, 0));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, rejects_unaligned_size)
{
	EXPECT_EQ(-EINVAL, unmap(self, IOVA, 4 * PAGE - 512, 0));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, rejects_zero_size)
{
	EXPECT_EQ(-EINVAL, unmap(self, IOVA, 0, 0));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, rejects_range_that_wraps_around)
{
	EXPECT_EQ(-EINVAL, unmap(self, UINT64_MAX - PAGE + 1, 2 * PAGE, 0));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, rejects_unknown_flags)
{
	EXPECT_EQ(-EINVAL, unmap(self, IOVA, 4 * PAGE, 1u << 9));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, rejects_argsz_too_small)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = offsetof(struct vfio_iommu_type1_dma_unmap, size),
		.iova = IOVA,
		.size = 4 * PAGE,
	};

	EXPECT_EQ(-1, ioctl(self->d.container, VFIO_IOMMU_UNMAP_DMA, &u));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, rejects_range_that_splits_a_mapping)
{
	EXPECT_EQ(-EINVAL, unmap(self, IOVA, 2 * PAGE, 0));
	EXPECT_EQ(-EINVAL, unmap(self, IOVA + 2 * PAGE, 2 * PAGE, 0));
	EXPECT_EQ(-EINVAL, unmap(self, IOVA + 2 * PAGE, 5 * PAGE, 0));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, of_range_without_mappings_returns_zero)
{
	EXPECT_EQ(0, unmap(self, IOVA + 4 * PAGE, PAGE, 0));
	EXPECT_EQ(0, unmap(self, IOVA + 64 * PAGE, 16 * PAGE, 0));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, range_covering_several_mappings_removes_them_all)
{
	EXPECT_EQ(8 * PAGE, unmap(self, IOVA, 9 * PAGE, 0));
	EXPECT_EQ(4 * PAGE, unmap(self, 0, 0, ALL));
	EXPECT_EQ(self->locked_kb, proc_status_kb("VmLck"));
}

TEST_F(unmap, unmap_all_removes_every_mapping_and_its_pins)
{
	EXPECT_EQ(MAPPED, unmap(self, 0, 0, ALL));
	EXPECT_EQ(self->locked_kb, proc_status_kb("VmLck"));
	EXPECT_EQ(self->pinned, pinned_pages());
	/* the IOVA space is free again */
	EXPECT_EQ(0, vfio_dma_map(self->d.container, self->buf, IOVA, BUF_SIZE, RW));
}

TEST_F(unmap, unmap_all_rejects_iova_or_size)
{
	EXPECT_EQ(-EINVAL, unmap(self, IOVA, 0, ALL));
	EXPECT_EQ(-EINVAL, unmap(self, 0, 4 * PAGE, ALL));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, unmap_all_rejects_dirty_bitmap_flag)
{
	EXPECT_EQ(-EINVAL, unmap(self, 0, 0, ALL | VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, invalidated_vaddr_keeps_pages_pinned_until_unmapped)
{
	EXPECT_EQ(4 * PAGE, unmap(self, IOVA, 4 * PAGE, VADDR));
	/* the IOMMU mapping and its pins stay; a plain unmap ends them */
	EXPECT_ALL_MAPPED();
	EXPECT_EQ(self->pinned, pinned_pages());
}

TEST_F(unmap, invalidate_vaddr_twice_fails)
{
	ASSERT_EQ(4 * PAGE, unmap(self, IOVA, 4 * PAGE, VADDR));
	EXPECT_EQ(-EINVAL, unmap(self, IOVA, 4 * PAGE, VADDR));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, update_vaddr_after_invalidate_succeeds)
{
	ASSERT_EQ(4 * PAGE, unmap(self, IOVA + 5 * PAGE, 4 * PAGE, VADDR));
	EXPECT_EQ(0, update_vaddr(self, self->buf + 5 * PAGE, IOVA + 5 * PAGE, 4 * PAGE));
	/* valid again: a second update has nothing to update */
	EXPECT_EQ(-EINVAL, update_vaddr(self, self->buf + 5 * PAGE, IOVA + 5 * PAGE, 4 * PAGE));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, update_vaddr_without_invalidate_fails)
{
	EXPECT_EQ(-EINVAL, update_vaddr(self, self->buf, IOVA, 4 * PAGE));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, update_vaddr_of_unmapped_range_fails)
{
	EXPECT_EQ(-ENOENT, update_vaddr(self, self->buf, IOVA + 64 * PAGE, 4 * PAGE));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, update_vaddr_must_cover_the_whole_mapping)
{
	ASSERT_EQ(4 * PAGE, unmap(self, IOVA, 4 * PAGE, VADDR));
	EXPECT_EQ(-EINVAL, update_vaddr(self, self->buf, IOVA, 2 * PAGE));
	EXPECT_EQ(0, update_vaddr(self, self->buf, IOVA, 4 * PAGE));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, update_vaddr_rejects_read_write_flags)
{
	ASSERT_EQ(4 * PAGE, unmap(self, IOVA, 4 * PAGE, VADDR));
	EXPECT_EQ(-EINVAL, vfio_dma_map(self->d.container, self->buf, IOVA, 4 * PAGE,
					RW | VFIO_DMA_MAP_FLAG_VADDR));
	EXPECT_EQ(0, update_vaddr(self, self->buf, IOVA, 4 * PAGE));
	EXPECT_ALL_MAPPED();
}

TEST_F(unmap, unmap_all_with_vaddr_invalidates_every_mapping)
{
	EXPECT_EQ(MAPPED, unmap(self, 0, 0, ALL | VADDR));
	EXPECT_EQ(0, update_vaddr(self, self->buf, IOVA, 4 * PAGE));
	EXPECT_EQ(0, update_vaddr(self, self->buf + 5 * PAGE, IOVA + 5 * PAGE, 4 * PAGE));
	EXPECT_EQ(0, update_vaddr(self, self->buf + 10 * PAGE, IOVA + 10 * PAGE, 4 * PAGE));
	EXPECT_ALL_MAPPED();
}

TEST_HARNESS_MAIN
