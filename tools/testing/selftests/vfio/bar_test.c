// SPDX-License-Identifier: GPL-2.0
/*
 * BAR and ROM regions through the device fd: pci-testdev's I/O port BAR
 * (00:03.0, read/write, never mappable), accesses of odd sizes and at the
 * end of a BAR, the option ROMs of e1000e (00:04.0, a ROM BAR) and of the
 * std VGA (00:08.0, the shadow copy the firmware made), and the 1 GiB BAR2
 * of ivshmem (00:09.0) mapped and touched throughout.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/pci.h"
#include "lib/regions.h"
#include "lib/vfio.h"

/*
 * pci-testdev: each BAR starts with a test header.  Writing a test number
 * to byte 0 selects a test; test 0 counts writes of its data word to its
 * offset.
 */
#define TD_TEST		0
#define TD_WIDTH	1
#define TD_OFFSET	4
#define TD_DATA		8
#define TD_COUNT	12
#define TD_NAME		16

#define BAR1	VFIO_PCI_BAR1_REGION_INDEX

static int td_read(struct vfio_dev *d, unsigned int off, void *val, size_t n)
{
	return vfio_region_read(d, BAR1, off, val, n);
}

TEST(io_bar_counts_writes_made_through_the_fd)
{
	uint32_t count = 1, data, off;
	struct vfio_dev d;
	uint8_t test = 0, width;
	int i;

	ASSERT_EQ(0, vfio_dev_open(&d, TESTDEV_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfio_pci_cmd_set(&d, 0x1));
	ASSERT_EQ(0, vfio_region_write(&d, BAR1, TD_TEST, &test, 1));
	ASSERT_EQ(0, td_read(&d, TD_COUNT, &count, 4));
	ASSERT_EQ(0, count);
	ASSERT_EQ(0, td_read(&d, TD_WIDTH, &width, 1));
	ASSERT_EQ(0, td_read(&d, TD_DATA, &data, 4));
	ASSERT_EQ(0, td_read(&d, TD_OFFSET, &off, 4));
	ASSERT_TRUE(width == 1 || width == 2 || width == 4);

	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, vfio_region_write(&d, BAR1, off, &data, width));
	ASSERT_EQ(0, td_read(&d, TD_COUNT, &count, 4));
	EXPECT_EQ(5, count);
	vfio_dev_close(&d);
}

TEST(io_bar_reads_the_test_name)
{
	struct vfio_dev d;
	char name[18] = "";

	ASSERT_EQ(0, vfio_dev_open(&d, TESTDEV_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfio_pci_cmd_set(&d, 0x1));
	/* 17 bytes: four dwords and a byte */
	ASSERT_EQ(0, td_read(&d, TD_NAME, name, 17));
	EXPECT_STREQ("portio-no-eventfd", name);
	vfio_dev_close(&d);
}

TEST(io_bar_cannot_be_mapped)
{
	struct vfio_region_info ri;
	struct vfio_dev d;
	void *p;

	ASSERT_EQ(0, vfio_dev_open(&d, TESTDEV_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfio_region_info(&d, BAR1, &ri));
	EXPECT_EQ(256, ri.size);
	EXPECT_EQ(0, ri.flags & VFIO_REGION_INFO_FLAG_MMAP);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, d.device, ri.offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	vfio_dev_close(&d);
}

#define IVSHMEM_BAR2	VFIO_PCI_BAR2_REGION_INDEX
#define GIB		(1ULL << 30)

/* ivshmem's BAR2 is plain memory: any access size reads what was written */
TEST(odd_sized_accesses_split_into_aligned_ones)
{
	static const uint8_t pattern[16] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
	};
	uint8_t whole[16], part[11] = {};
	struct vfio_dev d;

	ASSERT_EQ(0, vfio_dev_open(&d, IVSHMEM_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfio_region_write(&d, IVSHMEM_BAR2, 0x1000, pattern, 16));
	ASSERT_EQ(0, vfio_region_read(&d, IVSHMEM_BAR2, 0x1001, part, 11));
	EXPECT_EQ(0, memcmp(pattern + 1, part, 11));
	/* a 7 byte write at an odd offset */
	ASSERT_EQ(0, vfio_region_write(&d, IVSHMEM_BAR2, 0x1003, part, 7));
	ASSERT_EQ(0, vfio_region_read(&d, IVSHMEM_BAR2, 0x1000, whole, 16));
	EXPECT_EQ(0, memcmp(whole, pattern, 3));
	EXPECT_EQ(0, memcmp(whole + 3, pattern + 1, 7));
	EXPECT_EQ(0, memcmp(whole + 10, pattern + 10, 6));
	vfio_dev_close(&d);
}

TEST(bar_read_stops_at_the_end_of_the_bar)
{
	struct vfio_dev d;
	uint8_t buf[16];
	ssize_t n;

	ASSERT_EQ(0, vfio_dev_open(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	n = pread(d.device, buf, sizeof(buf), (1 << 20) - 4);
	EXPECT_EQ(4, n);
	n = pread(d.device, buf, sizeof(buf), 1 << 20);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EINVAL, errno);
	vfio_dev_close(&d);
}

static void expect_rom(struct __test_metadata *_metadata, const char *bdf,
		       uint64_t size)
{
	struct vfio_region_info ri;
	struct vfio_dev d;
	uint8_t sig[2];

	ASSERT_EQ(0, vfio_dev_open(&d, bdf, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfio_region_info(&d, VFIO_PCI_ROM_REGION_INDEX, &ri));
	EXPECT_EQ(size, ri.size);
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ, ri.flags);
	ASSERT_EQ(0, vfio_region_read(&d, VFIO_PCI_ROM_REGION_INDEX, 0, sig, 2));
	/* every option ROM image starts with 55 aa */
	EXPECT_EQ(0x55, sig[0]);
	EXPECT_EQ(0xaa, sig[1]);
	EXPECT_EQ(-EINVAL, vfio_region_write(&d, VFIO_PCI_ROM_REGION_INDEX, 0,
					     sig, 2));
	vfio_dev_close(&d);
}

TEST(rom_of_e1000e_reads_its_option_rom)
{
	expect_rom(_metadata, E1000E_BDF, 256 << 10);
}

TEST(rom_of_the_boot_vga_reads_the_shadow_copy)
{
	expect_rom(_metadata, VGA_BDF, 128 << 10);
}

TEST(device_without_rom_has_an_empty_rom_region)
{
	struct vfio_region_info ri;
	struct vfio_dev d;
	uint8_t b;

	ASSERT_EQ(0, vfio_dev_open(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfio_region_info(&d, VFIO_PCI_ROM_REGION_INDEX, &ri));
	EXPECT_EQ(0, ri.size);
	EXPECT_EQ(-EINVAL, vfio_region_read(&d, VFIO_PCI_ROM_REGION_INDEX, 0,
					    &b, 1));
	vfio_dev_close(&d);
}

TEST(ivshmem_1g_bar_maps_and_every_2m_is_reachable)
{
	struct vfio_dev d;
	uint32_t v, got;
	uint64_t off;
	size_t size;
	uint8_t *bar;

	ASSERT_EQ(0, vfio_dev_open(&d, IVSHMEM_BDF, VFIO_TYPE1v2_IOMMU));
	bar = vfio_region_mmap(&d, IVSHMEM_BAR2, &size);
	ASSERT_NE(NULL, bar);
	ASSERT_EQ(GIB, size);

	for (off = 0; off < GIB; off += 2 << 20) {
		v = off ^ 0x5a5a5a5a;
		ASSERT_EQ(0, touch32(bar + off + (off >> 9) % (2 << 20), true,
				     &v));
	}
	for (off = 0; off < GIB; off += 2 << 20) {
		ASSERT_EQ(0, touch32(bar + off + (off >> 9) % (2 << 20), false,
				     &got));
		ASSERT_EQ((uint32_t)(off ^ 0x5a5a5a5a), got);
	}
	/* the last word, through the mapping and through the fd */
	v = 0xc0ffee;
	ASSERT_EQ(0, touch32(bar + GIB - 4, true, &v));
	ASSERT_EQ(0, vfio_region_read(&d, IVSHMEM_BAR2, GIB - 4, &got, 4));
	EXPECT_EQ(0xc0ffee, got);
	munmap(bar, size);
	vfio_dev_close(&d);
}

TEST(mapping_past_the_end_of_a_bar_is_refused)
{
	struct vfio_region_info ri;
	struct vfio_dev d;
	void *p;

	ASSERT_EQ(0, vfio_dev_open(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfio_region_info(&d, VFIO_PCI_BAR0_REGION_INDEX, &ri));
	p = mmap(NULL, ri.size + 4096, PROT_READ, MAP_SHARED, d.device,
		 ri.offset);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, d.device,
		 ri.offset + ri.size);
	EXPECT_EQ(MAP_FAILED, p);
	vfio_dev_close(&d);
}

TEST(private_mapping_is_refused)
{
	struct vfio_region_info ri;
	struct vfio_dev d;
	void *p;

	ASSERT_EQ(0, vfio_dev_open(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfio_region_info(&d, VFIO_PCI_BAR0_REGION_INDEX, &ri));
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, d.device, ri.offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	vfio_dev_close(&d);
}

TEST_HARNESS_MAIN
