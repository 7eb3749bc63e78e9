// SPDX-License-Identifier: GPL-2.0
/*
 * Device DMA through type1 mappings, end to end, with the edu at 00:02.0
 * behind the emulated Intel IOMMU: bytes go out of and back into user
 * memory, completion arrives as an MSI on an eventfd, and the IOMMU stops
 * what it must stop: writes to an unmapped IOVA or to a read-only mapping
 * do not reach memory, and a remapped IOVA reaches the new buffer, not a
 * stale translation of the old one.
 *
 * The blocked DMAs make the guest's IOMMU driver log a DMAR fault on the
 * console ("DMAR: DRHD: handling fault ..."); that is expected.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define PAGE		4096UL
#define BUF_SIZE	(4 * PAGE)
#define IOVA		0x100000ULL	/* below the edu's 28-bit DMA limit */
#define IOVA2		0x200000ULL
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

FIXTURE(dma) {
	struct edu e;
	unsigned char *buf;
	unsigned char *buf2;
};

FIXTURE_SETUP(dma)
{
	ASSERT_EQ(0, edu_open(&self->e, EDU_BDF));
	self->buf = vfio_dma_buffer(BUF_SIZE);
	self->buf2 = vfio_dma_buffer(BUF_SIZE);
	ASSERT_NE(NULL, self->buf);
	ASSERT_NE(NULL, self->buf2);
}

FIXTURE_TEARDOWN(dma)
{
	edu_close(&self->e);
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 13 + seed);
}

static bool all_zero(const unsigned char *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

/* DMA_IN: memory at IOVA into the device buffer; DMA_OUT: back out to IOVA */
#define DMA_IN(self, iova)	edu_dma((self)->e.bar, (iova), EDU_DMA_MAX, false, false)
#define DMA_OUT(self, iova)	edu_dma((self)->e.bar, (iova), EDU_DMA_MAX, true, false)

TEST_F(dma, round_trip_through_the_iommu_copies_the_bytes)
{
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->buf, IOVA, BUF_SIZE, RW));
	fill(self->buf, EDU_DMA_MAX, 1);
	ASSERT_TRUE(DMA_IN(self, IOVA));
	ASSERT_TRUE(DMA_OUT(self, IOVA + 2 * PAGE));
	EXPECT_EQ(0, memcmp(self->buf, self->buf + 2 * PAGE, EDU_DMA_MAX));
	/* nothing beyond the transfer was touched */
	EXPECT_TRUE(all_zero(self->buf + 2 * PAGE + EDU_DMA_MAX,
			     2 * PAGE - EDU_DMA_MAX));
}

TEST_F(dma, completion_raises_msi_on_the_eventfd)
{
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->buf, IOVA, BUF_SIZE, RW));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->e.msi, 0));
	ASSERT_TRUE(edu_dma(self->e.bar, IOVA, EDU_DMA_MAX, true, true));
	EXPECT_EQ(0, edu_wait_dma_irq(&self->e, 5000));
}

TEST_F(dma, device_write_to_unmapped_iova_does_not_reach_memory)
{
	fill(self->buf2, EDU_DMA_MAX, 7);
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->buf, IOVA, BUF_SIZE, RW));
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->buf2, IOVA2, BUF_SIZE, RW));
	ASSERT_TRUE(DMA_IN(self, IOVA2));
	/* while mapped, the write lands */
	ASSERT_TRUE(DMA_OUT(self, IOVA));
	ASSERT_EQ(0, memcmp(self->buf, self->buf2, EDU_DMA_MAX));
	ASSERT_EQ(BUF_SIZE, vfio_dma_unmap(self->e.dev.container, IOVA, BUF_SIZE, 0));
	memset(self->buf, 0, BUF_SIZE);
	/* the device still completes the transfer; the IOMMU drops it */
	EXPECT_TRUE(DMA_OUT(self, IOVA));
	EXPECT_TRUE(all_zero(self->buf, BUF_SIZE));
}

TEST_F(dma, device_write_to_read_only_mapping_does_not_reach_memory)
{
	unsigned char expect[EDU_DMA_MAX];

	fill(expect, EDU_DMA_MAX, 3);
	fill(self->buf, EDU_DMA_MAX, 3);
	fill(self->buf2, EDU_DMA_MAX, 5);
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->buf, IOVA, BUF_SIZE,
				  VFIO_DMA_MAP_FLAG_READ));
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->buf2, IOVA2, BUF_SIZE, RW));
	/* the device may read the read-only buffer ... */
	ASSERT_TRUE(DMA_IN(self, IOVA));
	ASSERT_TRUE(DMA_OUT(self, IOVA2 + PAGE));
	ASSERT_EQ(0, memcmp(self->buf, self->buf2 + PAGE, EDU_DMA_MAX));
	/* ... but not write to it */
	ASSERT_TRUE(DMA_IN(self, IOVA2));
	EXPECT_TRUE(DMA_OUT(self, IOVA));
	EXPECT_EQ(0, memcmp(self->buf, expect, EDU_DMA_MAX));
}

TEST_F(dma, remapped_iova_reaches_the_new_buffer)
{
	fill(self->buf, EDU_DMA_MAX, 9);
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->buf, IOVA, BUF_SIZE, RW));
	ASSERT_TRUE(DMA_IN(self, IOVA));
	ASSERT_TRUE(DMA_OUT(self, IOVA + PAGE));
	ASSERT_EQ(0, memcmp(self->buf, self->buf + PAGE, EDU_DMA_MAX));
	ASSERT_EQ(BUF_SIZE, vfio_dma_unmap(self->e.dev.container, IOVA, BUF_SIZE, 0));
	memset(self->buf + PAGE, 0, PAGE);
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->buf2, IOVA, BUF_SIZE, RW));
	ASSERT_TRUE(DMA_OUT(self, IOVA + PAGE));
	/* the new buffer got it; the old one, through a stale entry, did not */
	EXPECT_EQ(0, memcmp(self->buf, self->buf2 + PAGE, EDU_DMA_MAX));
	EXPECT_TRUE(all_zero(self->buf + PAGE, PAGE));
}

TEST_F(dma, invalidated_vaddr_keeps_the_device_mapping)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_VADDR,
		.iova = IOVA,
		.size = BUF_SIZE,
	};
	unsigned char *alias;
	int memfd;

	/* two views of the same memory, as a VMM restarting would have */
	memfd = memfd_create("vfio-dma-test", MFD_CLOEXEC);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, BUF_SIZE));
	munmap(self->buf, BUF_SIZE);
	self->buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	alias = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	ASSERT_NE(MAP_FAILED, alias);
	fill(self->buf2, EDU_DMA_MAX, 11);
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->buf, IOVA, BUF_SIZE, RW));
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->buf2, IOVA2, BUF_SIZE, RW));
	ASSERT_TRUE(DMA_IN(self, IOVA2));

	ASSERT_EQ(BUF_SIZE, vfio_dma_unmap(self->e.dev.container, IOVA, BUF_SIZE,
					   VFIO_DMA_UNMAP_FLAG_VADDR));
	munmap(self->buf, BUF_SIZE);
	self->buf = NULL;
	/* while the vaddr is invalid the device still reaches the pages */
	ASSERT_TRUE(DMA_OUT(self, IOVA));
	EXPECT_EQ(0, memcmp(alias, self->buf2, EDU_DMA_MAX));
	map.vaddr = (uintptr_t)alias;
	EXPECT_EQ(0, ioctl(self->e.dev.container, VFIO_IOMMU_MAP_DMA, &map));
	memset(alias, 0, PAGE);
	ASSERT_TRUE(DMA_OUT(self, IOVA));
	EXPECT_EQ(0, memcmp(alias, self->buf2, EDU_DMA_MAX));
	EXPECT_EQ(BUF_SIZE, vfio_dma_unmap(self->e.dev.container, IOVA, BUF_SIZE, 0));
	close(memfd);
}

TEST_HARNESS_MAIN
