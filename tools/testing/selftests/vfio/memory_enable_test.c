// SPDX-License-Identifier: GPL-2.0
/*
 * No user access reaches a BAR that does not decode (CVE-2020-12888):
 * while Memory Space Enable is clear, or the function is in D3hot, BAR
 * read()/write() fail with EIO and mappings raise SIGBUS, in every process
 * mapping them; once decode is back, both work again.  The host's own
 * accesses (the ROM) still work meanwhile.
 *
 * Devices: the edu (00:02.0, 1 MiB BAR0), nvme (02:00.0, PM capability),
 * e1000e (00:04.0, option ROM).
 *
 * Expected to fail on the stock (in-tree) VFIO:
 * - mapping_of_a_forked_child_is_zapped_too: the child's page tables are
 *   copied after the vma was zapped and listed, so they are never zapped
 * - rom_reads_while_memory_is_off (stock: ENOMEM)
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/pci.h"
#include "lib/regions.h"
#include "lib/vfio.h"

#define CMD		0x04
#define CMD_MEM		0x2
#define BAR0		VFIO_PCI_BAR0_REGION_INDEX

static int set_mem(struct vfio_dev *d, bool on)
{
	int64_t cmd = cfg_read(d, CMD, 2);

	if (cmd < 0)
		return cmd;
	return cfg_write(d, CMD, 2, on ? cmd | CMD_MEM : cmd & ~CMD_MEM);
}

FIXTURE(edu) {
	struct vfio_dev d;
	uint8_t *bar;
	size_t size;
};

FIXTURE_SETUP(edu)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	self->bar = vfio_region_mmap(&self->d, BAR0, &self->size);
	ASSERT_NE(NULL, self->bar);
}

FIXTURE_TEARDOWN(edu)
{
	munmap(self->bar, self->size);
	vfio_dev_close(&self->d);
}

TEST_F(edu, bar_read_fails_with_eio_while_memory_is_off)
{
	uint32_t id;

	ASSERT_EQ(0, set_mem(&self->d, false));
	EXPECT_EQ(-EIO, vfio_region_read(&self->d, BAR0, EDU_REG_ID, &id, 4));
	ASSERT_EQ(0, set_mem(&self->d, true));
	EXPECT_EQ(0, vfio_region_read(&self->d, BAR0, EDU_REG_ID, &id, 4));
	EXPECT_EQ(0xed, id & 0xff);
}

TEST_F(edu, bar_write_fails_with_eio_while_memory_is_off)
{
	uint32_t v = 0x1234;

	ASSERT_EQ(0, set_mem(&self->d, false));
	EXPECT_EQ(-EIO, vfio_region_write(&self->d, BAR0, EDU_REG_LIVENESS,
					  &v, 4));
	ASSERT_EQ(0, set_mem(&self->d, true));
	EXPECT_EQ(0, vfio_region_write(&self->d, BAR0, EDU_REG_LIVENESS,
				       &v, 4));
	EXPECT_EQ(0, vfio_region_read(&self->d, BAR0, EDU_REG_LIVENESS, &v, 4));
	EXPECT_EQ(~0x1234u, v);
}

TEST_F(edu, mapping_raises_sigbus_while_memory_is_off)
{
	uint32_t id;

	ASSERT_EQ(0, touch32(self->bar + EDU_REG_ID, false, &id));
	ASSERT_EQ(0xed, id & 0xff);
	ASSERT_EQ(0, set_mem(&self->d, false));
	EXPECT_EQ(-EFAULT, touch32(self->bar + EDU_REG_ID, false, &id));
	/* pages never touched before fault the same way */
	EXPECT_EQ(-EFAULT, touch32(self->bar + (512 << 10), false, &id));
	ASSERT_EQ(0, set_mem(&self->d, true));
}

TEST_F(edu, mapping_reaches_the_device_again_once_memory_is_on)
{
	uint32_t v = 0x5a5a0f0f;

	ASSERT_EQ(0, set_mem(&self->d, false));
	ASSERT_EQ(-EFAULT, touch32(self->bar + EDU_REG_LIVENESS, true, &v));
	ASSERT_EQ(0, set_mem(&self->d, true));
	ASSERT_EQ(0, touch32(self->bar + EDU_REG_LIVENESS, true, &v));
	ASSERT_EQ(0, touch32(self->bar + EDU_REG_LIVENESS, false, &v));
	EXPECT_EQ(~0x5a5a0f0fu, v);
}

TEST_F(edu, mapping_of_a_forked_child_is_zapped_too)
{
	int to_child[2], to_parent[2], status;
	uint32_t id;
	pid_t pid;
	char c;

	ASSERT_EQ(0, touch32(self->bar, false, &id));
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* 0: mapped before, SIGBUS after; 1, 2: something else */
		if (touch32(self->bar, false, &id) || (id & 0xff) != 0xed)
			_exit(1);
		if (write(to_parent[1], "r", 1) != 1 ||
		    read(to_child[0], &c, 1) != 1)
			_exit(2);
		_exit(touch32(self->bar, false, &id) == -EFAULT ? 0 : 3);
	}
	ASSERT_EQ(1, read(to_parent[0], &c, 1));
	ASSERT_EQ(0, set_mem(&self->d, false));
	ASSERT_EQ(1, write(to_child[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, set_mem(&self->d, true));
}

TEST(rom_reads_while_memory_is_off)
{
	struct vfio_dev d;
	uint8_t sig[2];

	ASSERT_EQ(0, vfio_dev_open(&d, E1000E_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, set_mem(&d, false));
	ASSERT_EQ(0, vfio_region_read(&d, VFIO_PCI_ROM_REGION_INDEX, 0, sig, 2));
	EXPECT_EQ(0x55, sig[0]);
	EXPECT_EQ(0xaa, sig[1]);
	/* and the device is left as the user set it */
	EXPECT_EQ(0, hw_cfg_read(E1000E_BDF, CMD, 2) & CMD_MEM);
	vfio_dev_close(&d);
}

/* nvme: BAR0's first 8 KiB map (the MSI-X table follows) */
FIXTURE(nvme) {
	struct vfio_dev d;
	uint8_t *bar;
	unsigned int pm;
};

FIXTURE_SETUP(nvme)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, NVME_BDF, VFIO_TYPE1v2_IOMMU));
	self->bar = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->d.device, 0);
	ASSERT_NE(MAP_FAILED, self->bar);
	self->pm = cfg_find_cap(&self->d, 0x01);
	ASSERT_NE(0, self->pm);
}

FIXTURE_TEARDOWN(nvme)
{
	munmap(self->bar, 8192);
	vfio_dev_close(&self->d);
}

static int set_d_state(struct vfio_dev *d, unsigned int pm, unsigned int st)
{
	int64_t csr = cfg_read(d, pm + 4, 2);

	if (csr < 0)
		return csr;
	return cfg_write(d, pm + 4, 2, (csr & ~3) | st);
}

TEST_F(nvme, d3hot_fails_bar_access_and_faults)
{
	uint32_t cap;

	ASSERT_EQ(0, touch32(self->bar, false, &cap));
	ASSERT_EQ(0, set_d_state(&self->d, self->pm, 3));
	EXPECT_EQ(-EIO, vfio_region_read(&self->d, BAR0, 0, &cap, 4));
	EXPECT_EQ(-EFAULT, touch32(self->bar, false, &cap));
	ASSERT_EQ(0, set_d_state(&self->d, self->pm, 0));
	EXPECT_EQ(0, vfio_region_read(&self->d, BAR0, 0, &cap, 4));
	EXPECT_EQ(0, touch32(self->bar, false, &cap));
}

TEST_F(nvme, mapping_survives_a_device_reset)
{
	uint32_t before, after;

	ASSERT_EQ(0, touch32(self->bar, false, &before));
	ASSERT_EQ(0, ioctl(self->d.device, VFIO_DEVICE_RESET));
	ASSERT_EQ(0, touch32(self->bar, false, &after));
	EXPECT_EQ(before, after);
}

TEST_HARNESS_MAIN
