// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: region access through a vfio-pci device fd.
 *
 *   bar_bench REPS
 *
 * Prints, once per repetition, "BENCH <metric> <value>" for:
 *
 *	bar_read_us		4-byte pread() of the edu's ID register
 *	bar_write_us		4-byte pwrite() of the edu's liveness register
 *	config_read_us		4-byte pread() of config space (the BARs)
 *	big_bar_first_touch_ms	mmap() of ivshmem's 1 GiB BAR2 to the end of
 *				the first access to it
 *	big_bar_touch_all_ms	a fresh mapping of it, touched once in every
 *				4 KiB page
 *
 * Per-access times are averages over a batch; bench.sh adds which stack
 * was loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "../lib/bench.h"
#include "../lib/edu.h"
#include "../lib/pci.h"
#include "../lib/regions.h"
#include "../lib/vfio.h"

#define BATCH	2000
#define GIB	(1UL << 30)

static int per_access(struct vfio_dev *d, unsigned int index, uint64_t off,
		      bool write, const char *metric)
{
	uint64_t pos = ((uint64_t)index << 40) + off;
	uint32_t v = 0x12345678;
	double t0, t1;
	ssize_t n;
	int i;

	t0 = bench_now_us();
	for (i = 0; i < BATCH; i++) {
		n = write ? pwrite(d->device, &v, 4, pos) :
			    pread(d->device, &v, 4, pos);
		if (n != 4) {
			printf("BENCH_ERROR %s: %s\n", metric, strerror(errno));
			return -1;
		}
	}
	t1 = bench_now_us();
	printf("BENCH %s %.3f\n", metric, (t1 - t0) / BATCH);
	return 0;
}

static int big_bar(struct vfio_dev *d)
{
	struct vfio_region_info ri;
	volatile uint32_t *p;
	double t0, t1;
	size_t off;
	uint32_t sum = 0;

	if (vfio_region_info(d, VFIO_PCI_BAR2_REGION_INDEX, &ri) ||
	    ri.size != GIB) {
		printf("BENCH_ERROR ivshmem BAR2 is not 1 GiB\n");
		return -1;
	}

	/*
	 * Untimed: the first pass over the BAR also makes QEMU allocate the
	 * memory behind it, which would be charged to whichever stack runs
	 * first.
	 */
	p = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_SHARED, d->device,
		 ri.offset);
	if (p == MAP_FAILED) {
		printf("BENCH_ERROR mmap: %s\n", strerror(errno));
		return -1;
	}
	for (off = 0; off < GIB; off += 4096)
		p[off / 4] = off;
	munmap((void *)p, GIB);

	t0 = bench_now_us();
	p = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_SHARED, d->device,
		 ri.offset);
	if (p == MAP_FAILED) {
		printf("BENCH_ERROR mmap: %s\n", strerror(errno));
		return -1;
	}
	sum += p[0];
	t1 = bench_now_us();
	printf("BENCH big_bar_first_touch_ms %.3f\n", (t1 - t0) / 1e3);
	munmap((void *)p, GIB);

	p = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_SHARED, d->device,
		 ri.offset);
	if (p == MAP_FAILED) {
		printf("BENCH_ERROR mmap: %s\n", strerror(errno));
		return -1;
	}
	t0 = bench_now_us();
	for (off = 0; off < GIB; off += 4096)
		sum += p[off / 4];
	t1 = bench_now_us();
	printf("BENCH big_bar_touch_all_ms %.3f\n", (t1 - t0) / 1e3);
	munmap((void *)p, GIB);
	return sum == 0xdeadbeef;	/* keeps the loads */
}

int main(int argc, char **argv)
{
	struct vfio_dev edu, ivshmem;
	int reps, i, ret;

	reps = argc > 1 ? atoi(argv[1]) : 1;

	ret = vfio_dev_open(&edu, EDU_BDF, VFIO_TYPE1v2_IOMMU);
	if (ret) {
		printf("BENCH_ERROR opening edu: %s\n", strerror(-ret));
		return 1;
	}
	ret = vfio_dev_open(&ivshmem, IVSHMEM_BDF, VFIO_TYPE1v2_IOMMU);
	if (ret) {
		printf("BENCH_ERROR opening ivshmem: %s\n", strerror(-ret));
		return 1;
	}

	for (i = 0; i < reps; i++) {
		if (per_access(&edu, VFIO_PCI_BAR0_REGION_INDEX, EDU_REG_ID,
			       false, "bar_read_us") ||
		    per_access(&edu, VFIO_PCI_BAR0_REGION_INDEX,
			       EDU_REG_LIVENESS, true, "bar_write_us") ||
		    per_access(&edu, VFIO_PCI_CONFIG_REGION_INDEX, 0x10, false,
			       "config_read_us") ||
		    big_bar(&ivshmem))
			return 1;
	}

	vfio_dev_close(&ivshmem);
	vfio_dev_close(&edu);
	return 0;
}
