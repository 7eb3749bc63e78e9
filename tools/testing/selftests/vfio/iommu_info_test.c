// SPDX-License-Identifier: GPL-2.0
/*
 * What a type1v2 container reports about itself (VFIO_IOMMU_GET_INFO:
 * page sizes and the capability chain with the usable IOVA ranges, the
 * free mapping slots and the dirty-tracking limits) and the basics of
 * dirty page tracking (VFIO_IOMMU_DIRTY_PAGES start, get bitmap, stop).
 * The container holds the edu's group at 00:02.0; no device fd needed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define PAGE		4096UL
#define IOVA		0x1000000ULL
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define MSI_START	0xfee00000ULL	/* x86 interrupt window, inclusive */
#define MSI_END		0xfeefffffULL

FIXTURE(info) {
	struct vfio_dev d;
	char *buf;
};

FIXTURE_SETUP(info)
{
	ASSERT_EQ(0, vfio_dev_open_group(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	self->buf = vfio_dma_buffer(16 * PAGE);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(info)
{
	vfio_dev_close(&self->d);
}

static const void *cap(struct vfio_iommu_type1_info *info, uint16_t id)
{
	if (!(info->flags & VFIO_IOMMU_INFO_CAPS))
		return NULL;
	return vfio_info_cap(info, info->cap_offset, id);
}

TEST_F(info, reports_page_sizes_including_4k)
{
	struct vfio_iommu_type1_info *info = vfio_iommu_info(self->d.container);

	ASSERT_NE(NULL, info);
	EXPECT_TRUE(info->flags & VFIO_IOMMU_INFO_PGSIZES);
	EXPECT_TRUE(info->iova_pgsizes & PAGE);
	/* nothing smaller than a CPU page */
	EXPECT_EQ(0, info->iova_pgsizes & (PAGE - 1));
	free(info);
}

TEST_F(info, rejects_argsz_too_small)
{
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info.argsz) };

	EXPECT_EQ(-1, ioctl(self->d.container, VFIO_IOMMU_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(info, asks_for_room_when_the_caps_do_not_fit)
{
	struct vfio_iommu_type1_info info = {
		.argsz = sizeof(info),
		.cap_offset = 0x5a5a,
	};

	ASSERT_EQ(0, ioctl(self->d.container, VFIO_IOMMU_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_IOMMU_INFO_CAPS);
	EXPECT_LT(sizeof(info), info.argsz);
	/* no chain was written, and the offset says so */
	EXPECT_EQ(0, info.cap_offset);
}

TEST_F(info, lists_sorted_disjoint_iova_ranges)
{
	struct vfio_iova_range r[16];
	int i, n = vfio_iova_ranges(self->d.container, r, 16);

	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		EXPECT_LT(r[i].start, r[i].end);
		EXPECT_EQ(0, r[i].start & (PAGE - 1));
		EXPECT_EQ(PAGE - 1, r[i].end & (PAGE - 1));
		if (i)
			EXPECT_LT(r[i - 1].end + 1, r[i].start);
	}
	/* low memory, where the edu can reach, is usable */
	EXPECT_EQ(0, r[0].start);
}

TEST_F(info, iova_ranges_leave_out_the_msi_window)
{
	struct vfio_iova_range r[16];
	int i, n = vfio_iova_ranges(self->d.container, r, 16);

	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		EXPECT_TRUE(r[i].end < MSI_START || r[i].start > MSI_END) {
			TH_LOG("range %#llx-%#llx overlaps the MSI window",
			       (unsigned long long)r[i].start,
			       (unsigned long long)r[i].end);
		}
	}
}

TEST_F(info, dma_avail_counts_down_per_mapping)
{
	const struct vfio_iommu_type1_info_dma_avail *avail;
	struct vfio_iommu_type1_info *info;
	uint32_t before;

	info = vfio_iommu_info(self->d.container);
	ASSERT_NE(NULL, info);
	avail = cap(info, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	ASSERT_NE(NULL, avail);
	before = avail->avail;
	free(info);
	ASSERT_LT(2, before);

	ASSERT_EQ(0, vfio_dma_map(self->d.container, self->buf, IOVA, PAGE, RW));
	ASSERT_EQ(0, vfio_dma_map(self->d.container, self->buf + PAGE, IOVA + PAGE, PAGE, RW));
	info = vfio_iommu_info(self->d.container);
	ASSERT_NE(NULL, info);
	avail = cap(info, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	ASSERT_NE(NULL, avail);
	EXPECT_EQ(before - 2, avail->avail);
	free(info);
}

TEST_F(info, migration_cap_offers_4k_dirty_pages)
{
	const struct vfio_iommu_type1_info_cap_migration *mig;
	struct vfio_iommu_type1_info *info = vfio_iommu_info(self->d.container);

	ASSERT_NE(NULL, info);
	mig = cap(info, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	ASSERT_NE(NULL, mig);
	EXPECT_TRUE(mig->pgsize_bitmap & PAGE);
	EXPECT_LT(0, mig->max_dirty_bitmap_size);
	free(info);
}

/* VFIO_IOMMU_DIRTY_PAGES: one flag, and for GET_BITMAP one range */
struct dirty_req {
	struct vfio_iommu_type1_dirty_bitmap hdr;
	struct vfio_iommu_type1_dirty_bitmap_get get;
};

static int dirty(struct _test_data_info *self, uint32_t flags)
{
	struct vfio_iommu_type1_dirty_bitmap req = {
		.argsz = sizeof(req),
		.flags = flags,
	};

	return ioctl(self->d.container, VFIO_IOMMU_DIRTY_PAGES, &req) ? -errno : 0;
}

static int dirty_bitmap(struct _test_data_info *self, uint64_t iova, uint64_t size,
			uint64_t pgsize, uint64_t *bits, uint64_t bits_size)
{
	struct dirty_req req = {
		.hdr = {
			.argsz = sizeof(req),
			.flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
		},
		.get = {
			.iova = iova,
			.size = size,
			.bitmap = {
				.pgsize = pgsize,
				.size = bits_size,
				.data = (void *)bits,
			},
		},
	};

	return ioctl(self->d.container, VFIO_IOMMU_DIRTY_PAGES, &req) ? -errno : 0;
}

TEST_F(info, dirty_bitmap_without_tracking_fails)
{
	uint64_t bits = 0;

	ASSERT_EQ(0, vfio_dma_map(self->d.container, self->buf, IOVA, 8 * PAGE, RW));
	EXPECT_EQ(-EINVAL, dirty_bitmap(self, IOVA, 8 * PAGE, PAGE, &bits, sizeof(bits)));
}

TEST_F(info, dirty_tracking_takes_one_flag_at_a_time)
{
	EXPECT_EQ(-EINVAL, dirty(self, VFIO_IOMMU_DIRTY_PAGES_FLAG_START |
				       VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP));
	EXPECT_EQ(-EINVAL, dirty(self, 1u << 7));
}

TEST_F(info, dirty_bitmap_marks_every_pinned_page_while_tracking)
{
	uint64_t bits = 0;

	ASSERT_EQ(0, vfio_dma_map(self->d.container, self->buf, IOVA, 8 * PAGE, RW));
	ASSERT_EQ(0, dirty(self, VFIO_IOMMU_DIRTY_PAGES_FLAG_START));
	/* without a page-precise device, all pinned memory may be dirty */
	ASSERT_EQ(0, dirty_bitmap(self, IOVA, 8 * PAGE, PAGE, &bits, sizeof(bits)));
	EXPECT_EQ(0xffULL, bits);
	EXPECT_EQ(0, dirty(self, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP));
	/* stopped: no bitmap any more */
	EXPECT_EQ(-EINVAL, dirty_bitmap(self, IOVA, 8 * PAGE, PAGE, &bits, sizeof(bits)));
}

TEST_F(info, dirty_bitmap_rejects_a_page_size_other_than_the_smallest)
{
	uint64_t bits = 0;

	ASSERT_EQ(0, vfio_dma_map(self->d.container, self->buf, IOVA, 8 * PAGE, RW));
	ASSERT_EQ(0, dirty(self, VFIO_IOMMU_DIRTY_PAGES_FLAG_START));
	EXPECT_EQ(-EINVAL, dirty_bitmap(self, IOVA, 8 * PAGE, 2 * PAGE, &bits, sizeof(bits)));
	EXPECT_EQ(0, bits);
}

TEST_F(info, dirty_bitmap_rejects_a_range_that_splits_a_mapping)
{
	uint64_t bits = 0;

	ASSERT_EQ(0, vfio_dma_map(self->d.container, self->buf, IOVA, 8 * PAGE, RW));
	ASSERT_EQ(0, dirty(self, VFIO_IOMMU_DIRTY_PAGES_FLAG_START));
	EXPECT_EQ(-EINVAL, dirty_bitmap(self, IOVA, 4 * PAGE, PAGE, &bits, sizeof(bits)));
	EXPECT_EQ(0, bits);
}

TEST_HARNESS_MAIN
