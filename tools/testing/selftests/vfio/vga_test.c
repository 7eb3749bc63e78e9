// SPDX-License-Identifier: GPL-2.0
/*
 * The legacy VGA region (VFIO_PCI_VGA_REGION_INDEX) of the std VGA at
 * 00:08.0: offered for VGA-class functions only, 0xc0000 bytes read/write
 * at the legacy addresses (frame buffer 0xa0000-0xbffff, registers
 * 0x3b0-0x3bb and 0x3c0-0x3df), nothing outside those ranges, and gone
 * when vfio-pci is loaded with disable_vga=1.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/modules.h"
#include "lib/pci.h"
#include "lib/regions.h"
#include "lib/vfio.h"

#define VGA	VFIO_PCI_VGA_REGION_INDEX
#define PARAM	"/sys/module/vfio_pci/parameters/disable_vga"

/* Sequencer index register: reads back the index written (3 bits) */
#define VGA_SEQ_I	0x3c4
/* Last character cell of the 80x25 colour text screen */
#define VGA_TEXT_LAST	(0xb8000 + 2 * (80 * 25 - 1))

FIXTURE(vga) {
	struct vfio_dev d;
};

FIXTURE_SETUP(vga)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, VGA_BDF, VFIO_TYPE1v2_IOMMU));
	/* the legacy ranges decode with the function's I/O and memory enables */
	ASSERT_EQ(0, vfio_pci_cmd_set(&self->d, 0x3));
}

FIXTURE_TEARDOWN(vga)
{
	vfio_dev_close(&self->d);
}

TEST_F(vga, region_is_offered_read_write)
{
	uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	struct vfio_region_info ri;

	ASSERT_EQ(0, vfio_region_info(&self->d, VGA, &ri));
	EXPECT_EQ(0xc0000, ri.size);
	EXPECT_EQ(rw, ri.flags);
	EXPECT_EQ((uint64_t)VGA << 40, ri.offset);
}

TEST_F(vga, io_register_writes_reach_the_device)
{
	uint8_t v;

	for (v = 1; v < 5; v++) {
		uint8_t got = 0xff;

		ASSERT_EQ(0, vfio_region_write(&self->d, VGA, VGA_SEQ_I, &v, 1));
		ASSERT_EQ(0, vfio_region_read(&self->d, VGA, VGA_SEQ_I, &got, 1));
		EXPECT_EQ(v, got);
	}
}

TEST_F(vga, frame_buffer_reads_back_what_was_written)
{
	uint16_t cell = 0x1f41, got = 0;	/* 'A', white on blue */

	ASSERT_EQ(0, vfio_region_write(&self->d, VGA, VGA_TEXT_LAST, &cell, 2));
	ASSERT_EQ(0, vfio_region_read(&self->d, VGA, VGA_TEXT_LAST, &got, 2));
	EXPECT_EQ(cell, got);
}

TEST_F(vga, access_outside_the_legacy_ranges_fails)
{
	static const uint64_t outside[] = { 0, 0x3af, 0x3bc, 0x3e0, 0x9ffff,
					    0xc0000 };
	unsigned int i;
	uint8_t b;

	for (i = 0; i < ARRAY_SIZE(outside); i++)
		EXPECT_EQ(-EINVAL, vfio_region_read(&self->d, VGA, outside[i],
						    &b, 1));
}

TEST_F(vga, access_stops_at_the_end_of_a_range)
{
	uint8_t buf[4];

	EXPECT_EQ(1, pread(self->d.device, buf, 4, ((uint64_t)VGA << 40) + 0x3df));
	EXPECT_EQ(4, pread(self->d.device, buf, 4, ((uint64_t)VGA << 40) + 0x3b0));
	EXPECT_EQ(2, pread(self->d.device, buf, 4, ((uint64_t)VGA << 40) + 0xbfffe));
}

TEST(non_vga_device_has_no_vga_region)
{
	struct vfio_region_info ri;
	struct vfio_dev d;
	uint8_t b;

	ASSERT_EQ(0, vfio_dev_open(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(-EINVAL, vfio_region_info(&d, VGA, &ri));
	EXPECT_EQ(-EINVAL, vfio_region_read(&d, VGA, 0x3c4, &b, 1));
	vfio_dev_close(&d);
}

/* vfio-pci reloaded with disable_vga=1; the teardown reloads it without */
FIXTURE(disabled) {
};

FIXTURE_SETUP(disabled)
{
	ASSERT_TRUE(vfio_module_loaded("vfio-pci"));
	ASSERT_EQ(0, vfio_pci_reload("disable_vga=1"));
}

FIXTURE_TEARDOWN(disabled)
{
	vfio_pci_reload("");
}

TEST_F(disabled, param_hides_the_vga_region)
{
	struct vfio_region_info ri;
	struct vfio_dev d;
	char val[8];

	ASSERT_EQ(0, sysfs_read(PARAM, val, sizeof(val)));
	EXPECT_STREQ("Y", val);
	ASSERT_EQ(0, vfio_dev_open(&d, VGA_BDF, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(-EINVAL, vfio_region_info(&d, VGA, &ri));
	vfio_dev_close(&d);
}

TEST(param_is_off_by_default)
{
	char val[8];

	ASSERT_EQ(0, sysfs_read(PARAM, val, sizeof(val)));
	EXPECT_STREQ("N", val);
}

TEST_HARNESS_MAIN
