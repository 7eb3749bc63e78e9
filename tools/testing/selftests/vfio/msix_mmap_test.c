// SPDX-License-Identifier: GPL-2.0
/*
 * The MSI-X table and PBA stay out of user mappings.  nvme (02:00.0) has
 * them in its 16 KiB BAR0 at 0x2000 and 0x3000; e1000e (00:04.0) in its
 * 16 KiB BAR3 at 0 and 0x2000.  Region info lists what may be mapped in a
 * sparse mmap capability and never claims the table mappable; mmap() of
 * any range touching the table or PBA pages fails; the rest maps and
 * reaches the device; reads of the table through the fd return all ones.
 *
 * Expected to fail on the stock (in-tree) VFIO, which maps the MSI-X
 * table (and says so with VFIO_REGION_INFO_CAP_MSIX_MAPPABLE):
 * sparse_mmap_leaves_out_the_table_and_pba_pages,
 * table_is_never_reported_mappable, mapping_the_table_is_refused and
 * e1000e_msix_bar_maps_only_between_table_and_pba.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/regions.h"
#include "lib/vfio.h"

#define KIB	1024ULL

static const struct vfio_region_info_cap_sparse_mmap *
sparse_of(const struct vfio_region_info *ri)
{
	if (!(ri->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	return (const void *)vfio_info_cap(ri, ri->cap_offset,
					   VFIO_REGION_INFO_CAP_SPARSE_MMAP);
}

static void *map_at(struct vfio_dev *d, unsigned int index, uint64_t off,
		    size_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d->device,
		    ((uint64_t)index << 40) + off);
}

FIXTURE(nvme) {
	struct vfio_dev d;
	struct vfio_region_info *ri;
};

FIXTURE_SETUP(nvme)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, NVME_BDF, VFIO_TYPE1v2_IOMMU));
	self->ri = region_info_caps(&self->d, VFIO_PCI_BAR0_REGION_INDEX);
	ASSERT_NE(NULL, self->ri);
}

FIXTURE_TEARDOWN(nvme)
{
	free(self->ri);
	vfio_dev_close(&self->d);
}

TEST_F(nvme, sparse_mmap_leaves_out_the_table_and_pba_pages)
{
	const struct vfio_region_info_cap_sparse_mmap *sparse =
		sparse_of(self->ri);

	EXPECT_TRUE(self->ri->flags & VFIO_REGION_INFO_FLAG_MMAP);
	ASSERT_NE(NULL, sparse);
	ASSERT_EQ(1, sparse->nr_areas);
	EXPECT_EQ(0, sparse->areas[0].offset);
	EXPECT_EQ(8 * KIB, sparse->areas[0].size);
}

TEST_F(nvme, table_is_never_reported_mappable)
{
	if (self->ri->flags & VFIO_REGION_INFO_FLAG_CAPS)
		EXPECT_EQ(NULL, vfio_info_cap(self->ri, self->ri->cap_offset,
					      VFIO_REGION_INFO_CAP_MSIX_MAPPABLE));
}

TEST_F(nvme, mapping_the_table_is_refused)
{
	EXPECT_EQ(MAP_FAILED, map_at(&self->d, 0, 8 * KIB, 4 * KIB));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, map_at(&self->d, 0, 12 * KIB, 4 * KIB));
	EXPECT_EQ(EINVAL, errno);
	/* the whole BAR, as a user ignoring the sparse areas would */
	EXPECT_EQ(MAP_FAILED, map_at(&self->d, 0, 0, 16 * KIB));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(nvme, mapping_a_sparse_area_reaches_the_device)
{
	uint32_t cap_fd, cap_map;
	uint8_t *bar = map_at(&self->d, 0, 0, 8 * KIB);

	ASSERT_NE(MAP_FAILED, bar);
	/* CAP, the controller capabilities */
	ASSERT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_BAR0_REGION_INDEX, 0,
				      &cap_fd, 4));
	ASSERT_EQ(0, touch32(bar, false, &cap_map));
	EXPECT_EQ(cap_fd, cap_map);
	EXPECT_NE(0, cap_map);
	munmap(bar, 8 * KIB);
}

TEST_F(nvme, table_reads_as_all_ones_through_the_fd)
{
	uint32_t v = 0;

	ASSERT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_BAR0_REGION_INDEX,
				      8 * KIB, &v, 4));
	EXPECT_EQ(0xffffffff, v);
}

TEST_F(nvme, short_argsz_gets_the_size_the_chain_needs)
{
	struct vfio_region_info ri = {
		.argsz = sizeof(ri),
		.index = VFIO_PCI_BAR0_REGION_INDEX,
	};

	ASSERT_EQ(0, ioctl(self->d.device, VFIO_DEVICE_GET_REGION_INFO, &ri));
	EXPECT_TRUE(ri.flags & VFIO_REGION_INFO_FLAG_CAPS);
	EXPECT_EQ(self->ri->argsz, ri.argsz);
	EXPECT_LT(sizeof(ri), ri.argsz);
	EXPECT_EQ(0, ri.cap_offset);
}

TEST(e1000e_msix_bar_maps_only_between_table_and_pba)
{
	const struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_region_info *ri;
	struct vfio_dev d;
	void *p;

	ASSERT_EQ(0, vfio_dev_open(&d, E1000E_BDF, VFIO_TYPE1v2_IOMMU));
	ri = region_info_caps(&d, VFIO_PCI_BAR3_REGION_INDEX);
	ASSERT_NE(NULL, ri);
	sparse = sparse_of(ri);
	ASSERT_NE(NULL, sparse);
	ASSERT_EQ(2, sparse->nr_areas);
	EXPECT_EQ(4 * KIB, sparse->areas[0].offset);
	EXPECT_EQ(4 * KIB, sparse->areas[0].size);
	EXPECT_EQ(12 * KIB, sparse->areas[1].offset);
	EXPECT_EQ(4 * KIB, sparse->areas[1].size);

	EXPECT_EQ(MAP_FAILED, map_at(&d, 3, 0, 4 * KIB));
	EXPECT_EQ(MAP_FAILED, map_at(&d, 3, 8 * KIB, 4 * KIB));
	p = map_at(&d, 3, 4 * KIB, 4 * KIB);
	EXPECT_NE(MAP_FAILED, p);
	munmap(p, 4 * KIB);
	free(ri);
	vfio_dev_close(&d);
}

TEST(bars_without_msix_have_no_sparse_capability)
{
	struct vfio_region_info *ri;
	struct vfio_dev d;

	ASSERT_EQ(0, vfio_dev_open(&d, E1000E_BDF, VFIO_TYPE1v2_IOMMU));
	ri = region_info_caps(&d, VFIO_PCI_BAR0_REGION_INDEX);
	ASSERT_NE(NULL, ri);
	EXPECT_TRUE(ri->flags & VFIO_REGION_INFO_FLAG_MMAP);
	EXPECT_EQ(0, ri->flags & VFIO_REGION_INFO_FLAG_CAPS);
	free(ri);
	vfio_dev_close(&d);
}

TEST_HARNESS_MAIN
