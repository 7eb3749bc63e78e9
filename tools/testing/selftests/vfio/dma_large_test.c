// SPDX-License-Identifier: GPL-2.0
/*
 * Large mappings land where they should.  type1 maps big regions in
 * batches of physically contiguous runs (folios, hugetlb pages) and
 * unmaps them by range from per-mapping run records, so these tests check
 * translations at the edges that fast path creates: page, 2 MiB folio and
 * batch boundaries inside 64 MiB mappings of 4 KiB, THP-backed and 2 MiB
 * hugetlb memory.  The edu writes a distinct pattern at each probe
 * offset; a shadow copy says what memory must hold afterwards, byte for
 * byte, over the whole mapping.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define MIB		(1024UL * 1024)
#define SIZE		(64 * MIB)
#define IOVA		(16 * MIB)		/* below edu's 28-bit limit */
#define SRC_IOVA	(128 * MIB)
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define LEN		512

/* Offsets that straddle a page, a 2 MiB folio, and a 1 MiB-aligned batch. */
static const uint64_t probes[] = {
	0, 4096 - 100, 2 * MIB - 200, 2 * MIB + 4096 * 3, 17 * MIB - 7,
	32 * MIB - 256, 33 * MIB + 1, 48 * MIB + 2 * MIB - 300, SIZE - LEN,
};

FIXTURE(large) {
	struct edu e;
	unsigned char *mem;
	unsigned char *shadow;
	unsigned char *src;
	size_t size;
};

FIXTURE_VARIANT(large) {
	const char *kind;
};

FIXTURE_VARIANT_ADD(large, pages_4k) { .kind = "4k" };
FIXTURE_VARIANT_ADD(large, thp) { .kind = "thp" };
FIXTURE_VARIANT_ADD(large, hugetlb_2m) { .kind = "hugetlb" };

static void *alloc_kind(const char *kind, size_t size)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	void *p;

	if (!strcmp(kind, "hugetlb")) {
		sysfs_write("/proc/sys/vm/nr_hugepages", "64");
		flags |= MAP_HUGETLB;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (!strcmp(kind, "4k"))
		madvise(p, size, MADV_NOHUGEPAGE);
	else if (!strcmp(kind, "thp"))
		madvise(p, size, MADV_HUGEPAGE);
	return p;
}

FIXTURE_SETUP(large)
{
	size_t i;

	self->size = SIZE;
	ASSERT_EQ(0, edu_open(&self->e, EDU_BDF));
	self->mem = alloc_kind(variant->kind, SIZE);
	ASSERT_NE(NULL, self->mem) {
		TH_LOG("allocating 64 MiB of %s memory failed", variant->kind);
	}
	self->shadow = malloc(SIZE);
	ASSERT_NE(NULL, self->shadow);
	for (i = 0; i < SIZE; i++)
		self->shadow[i] = (unsigned char)(i ^ (i >> 12));
	memcpy(self->mem, self->shadow, SIZE);
	self->src = vfio_dma_buffer(4096);
	ASSERT_NE(NULL, self->src);
	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->src, SRC_IOVA,
				  4096, RW));
}

FIXTURE_TEARDOWN(large)
{
	edu_close(&self->e);
	if (self->mem)
		munmap(self->mem, SIZE);
	free(self->shadow);
}

/* Have the edu write LEN bytes of pattern SEED at bus address IOVA. */
static bool edu_write_at(struct edu *e, unsigned char *src, uint64_t iova,
			 unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < LEN; i++)
		src[i] = (unsigned char)(seed * 31 + i * 7 + 1);
	return edu_dma(e->bar, SRC_IOVA, LEN, false, false) &&
	       edu_dma(e->bar, iova, LEN, true, false);
}

/* First byte where MEM and SHADOW differ, or -1. */
static long first_difference(const unsigned char *mem,
			     const unsigned char *shadow, size_t size)
{
	size_t i;

	if (!memcmp(mem, shadow, size))
		return -1;
	for (i = 0; i < size; i++)
		if (mem[i] != shadow[i])
			return i;
	return -1;
}

TEST_F(large, device_writes_land_exactly_at_every_probe_offset)
{
	unsigned int i;
	long diff;

	ASSERT_EQ(0, vfio_dma_map(self->e.dev.container, self->mem, IOVA,
				  SIZE, RW));
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		ASSERT_TRUE(edu_write_at(&self->e, self->src, IOVA + probes[i], i));
		memcpy(self->shadow + probes[i], self->src, LEN);
	}
	diff = first_difference(self->mem, self->shadow, SIZE);
	EXPECT_EQ(-1, diff) {
		TH_LOG("%s memory differs from the expected bytes at offset %#lx",
		       variant->kind, diff);
	}
	EXPECT_EQ((int64_t)SIZE, vfio_dma_unmap(self->e.dev.container, IOVA,
						SIZE, 0));
}

TEST_F(large, unmapping_one_of_eight_maps_blocks_exactly_that_range)
{
	const uint64_t chunk = SIZE / 8;
	unsigned int i;
	long diff;

	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, vfio_dma_map(self->e.dev.container,
					  self->mem + i * chunk,
					  IOVA + i * chunk, chunk, RW));
	ASSERT_EQ((int64_t)chunk, vfio_dma_unmap(self->e.dev.container,
						 IOVA + 3 * chunk, chunk, 0));
	/* just before, inside (both edges) and just after the hole */
	ASSERT_TRUE(edu_write_at(&self->e, self->src, IOVA + 3 * chunk - LEN, 1));
	memcpy(self->shadow + 3 * chunk - LEN, self->src, LEN);
	ASSERT_TRUE(edu_write_at(&self->e, self->src, IOVA + 3 * chunk, 2));
	ASSERT_TRUE(edu_write_at(&self->e, self->src, IOVA + 4 * chunk - LEN, 3));
	ASSERT_TRUE(edu_write_at(&self->e, self->src, IOVA + 4 * chunk, 4));
	memcpy(self->shadow + 4 * chunk, self->src, LEN);

	diff = first_difference(self->mem, self->shadow, SIZE);
	EXPECT_EQ(-1, diff) {
		TH_LOG("%s memory differs from the expected bytes at offset %#lx",
		       variant->kind, diff);
	}
	/* the seven chunks left and the source page */
	EXPECT_EQ((int64_t)(SIZE - chunk + 4096),
		  vfio_dma_unmap(self->e.dev.container, 0, 0,
				 VFIO_DMA_UNMAP_FLAG_ALL));
}

TEST_HARNESS_MAIN
