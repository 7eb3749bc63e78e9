// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_IOMMU_MAP_DMA on a type1v2 container (the edu's group at 00:02.0,
 * no device fd needed): what a mapping costs (pinned pages, accounted as
 * the caller's locked memory) and every refusal of bad input.  After each
 * refusal nothing may be left behind: no mapping (UNMAP_ALL finds none), no
 * pinned page and no locked memory.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/proc.h"
#include "lib/vfio.h"

#define PAGE		4096UL
#define BUF_SIZE	(16 * PAGE)
#define IOVA		0x1000000ULL
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define MSI_WINDOW	0xfee00000ULL	/* x86: interrupts, never DMA */

FIXTURE(map) {
	struct vfio_dev d;
	char *buf;
	long long locked_kb;
	long long pinned;
};

FIXTURE_SETUP(map)
{
	ASSERT_EQ(0, vfio_dev_open_group(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	self->buf = vfio_dma_buffer(BUF_SIZE);
	ASSERT_NE(NULL, self->buf);
	self->locked_kb = proc_status_kb("VmLck");
	self->pinned = pinned_pages();
	ASSERT_LE(0, self->locked_kb);
	ASSERT_LE(0, self->pinned);
}

FIXTURE_TEARDOWN(map)
{
	vfio_dev_close(&self->d);
}

/* A refused request left nothing: no mapping, no pin, no locked memory. */
#define EXPECT_NOTHING_LEFT() do { \
	EXPECT_EQ(self->locked_kb, proc_status_kb("VmLck")); \
	EXPECT_EQ(self->pinned, pinned_pages()); \
	EXPECT_EQ(0, vfio_dma_unmap(self->d.container, 0, 0, \
				    VFIO_DMA_UNMAP_FLAG_ALL)); \
} while (0)

static int map(struct _test_data_map *self, const void *vaddr, uint64_t iova,
	       uint64_t size)
{
	return vfio_dma_map(self->d.container, (void *)vaddr, iova, size, RW);
}

TEST_F(map, map_then_unmap_returns_the_size)
{
	ASSERT_EQ(0, map(self, self->buf, IOVA, BUF_SIZE));
	EXPECT_EQ(BUF_SIZE, vfio_dma_unmap(self->d.container, IOVA, BUF_SIZE, 0));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, mapping_pins_its_pages_as_locked_memory_until_unmapped)
{
	ASSERT_EQ(0, map(self, self->buf, IOVA, BUF_SIZE));
	EXPECT_EQ(self->locked_kb + BUF_SIZE / 1024, proc_status_kb("VmLck"));
	EXPECT_EQ(self->pinned + BUF_SIZE / PAGE, pinned_pages());
	ASSERT_EQ(BUF_SIZE, vfio_dma_unmap(self->d.container, IOVA, BUF_SIZE, 0));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, adjacent_mappings_are_separate)
{
	ASSERT_EQ(0, map(self, self->buf, IOVA, BUF_SIZE / 2));
	ASSERT_EQ(0, map(self, self->buf + BUF_SIZE / 2, IOVA + BUF_SIZE / 2, BUF_SIZE / 2));
	EXPECT_EQ(BUF_SIZE / 2, vfio_dma_unmap(self->d.container, IOVA + BUF_SIZE / 2,
					       BUF_SIZE / 2, 0));
	EXPECT_EQ(BUF_SIZE / 2, vfio_dma_unmap(self->d.container, IOVA, BUF_SIZE / 2, 0));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_overlapping_ranges)
{
	ASSERT_EQ(0, map(self, self->buf, IOVA + 4 * PAGE, 4 * PAGE));
	EXPECT_EQ(-EEXIST, map(self, self->buf + 4 * PAGE, IOVA + 4 * PAGE, 4 * PAGE));
	EXPECT_EQ(-EEXIST, map(self, self->buf, IOVA, 5 * PAGE));
	EXPECT_EQ(-EEXIST, map(self, self->buf, IOVA + 7 * PAGE, 4 * PAGE));
	EXPECT_EQ(-EEXIST, map(self, self->buf, IOVA, 12 * PAGE));
	EXPECT_EQ(-EEXIST, map(self, self->buf, IOVA + 5 * PAGE, PAGE));
	/* only the first mapping exists */
	EXPECT_EQ(4 * PAGE, vfio_dma_unmap(self->d.container, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_unaligned_size)
{
	EXPECT_EQ(-EINVAL, map(self, self->buf, IOVA, PAGE + 512));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_unaligned_iova)
{
	EXPECT_EQ(-EINVAL, map(self, self->buf, IOVA + 512, PAGE));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_unaligned_vaddr)
{
	EXPECT_EQ(-EINVAL, map(self, self->buf + 512, IOVA, PAGE));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_zero_size)
{
	EXPECT_EQ(-EINVAL, map(self, self->buf, IOVA, 0));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_neither_read_nor_write)
{
	EXPECT_EQ(-EINVAL, vfio_dma_map(self->d.container, self->buf, IOVA, PAGE, 0));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_unknown_flags)
{
	EXPECT_EQ(-EINVAL, vfio_dma_map(self->d.container, self->buf, IOVA, PAGE,
					RW | (1u << 9)));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_argsz_too_small)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = offsetof(struct vfio_iommu_type1_dma_map, size),
		.flags = RW,
		.vaddr = (uintptr_t)self->buf,
		.iova = IOVA,
		.size = PAGE,
	};

	EXPECT_EQ(-1, ioctl(self->d.container, VFIO_IOMMU_MAP_DMA, &m));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_iova_range_that_wraps_around)
{
	EXPECT_EQ(-EINVAL, map(self, self->buf, UINT64_MAX - PAGE + 1, 2 * PAGE));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_vaddr_range_that_wraps_around)
{
	EXPECT_EQ(-EINVAL, map(self, (void *)(uintptr_t)(UINT64_MAX - PAGE + 1),
			       IOVA, 2 * PAGE));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_iova_in_the_msi_window)
{
	EXPECT_EQ(-EINVAL, map(self, self->buf, MSI_WINDOW, PAGE));
	/* nor may a mapping reach into it from below */
	EXPECT_EQ(-EINVAL, map(self, self->buf, MSI_WINDOW - 2 * PAGE, 4 * PAGE));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, rejects_iova_beyond_the_last_usable_range)
{
	struct vfio_iova_range r[16];
	int n = vfio_iova_ranges(self->d.container, r, 16);

	ASSERT_LT(0, n);
	ASSERT_GT(UINT64_MAX - PAGE, r[n - 1].end);
	EXPECT_EQ(-EINVAL, map(self, self->buf, r[n - 1].end + 1, PAGE));
	/* the last page inside is fine */
	EXPECT_EQ(0, map(self, self->buf, r[n - 1].end + 1 - PAGE, PAGE));
	EXPECT_EQ(PAGE, vfio_dma_unmap(self->d.container, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL));
	EXPECT_NOTHING_LEFT();
}

TEST_F(map, of_partly_inaccessible_memory_fails_and_pins_nothing)
{
	/* the first half is ordinary memory, the second PROT_NONE */
	ASSERT_EQ(0, mprotect(self->buf + BUF_SIZE / 2, BUF_SIZE / 2, PROT_NONE));
	EXPECT_EQ(-EFAULT, map(self, self->buf, IOVA, BUF_SIZE));
	EXPECT_NOTHING_LEFT();
	/* the refused range was not left reserved */
	EXPECT_EQ(0, map(self, self->buf, IOVA, BUF_SIZE / 2));
}

TEST_F(map, of_memory_not_mapped_fails)
{
	ASSERT_EQ(0, munmap(self->buf, BUF_SIZE));
	EXPECT_EQ(-EFAULT, map(self, self->buf, IOVA, BUF_SIZE));
	EXPECT_NOTHING_LEFT();
}

TEST_HARNESS_MAIN
