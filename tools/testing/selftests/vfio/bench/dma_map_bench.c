// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: time VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA of one large
 * region through the type1 backend, with edu's group attached so a real
 * IOMMU domain is programmed.  Memory is touched first, so the times are
 * the driver's pinning and IOMMU work, not page faults.
 *
 *   dma_map_bench anon|anon4k|huge SIZE_MIB REPS
 *
 * anon is anonymous memory as the kernel's THP policy backs it, anon4k the
 * same with MADV_NOHUGEPAGE (4 KiB pages only), huge 2 MiB hugetlb pages.
 *
 * Prints one "BENCH <kind>_map_ms <value>" and "BENCH <kind>_unmap_ms
 * <value>" line per repetition; bench.sh adds which stack was loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#include "../lib/bench.h"
#include "../lib/pci.h"
#include "../lib/vfio.h"

#define IOVA	(1ULL << 32)

int main(int argc, char **argv)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	const char *kind;
	struct vfio_dev d;
	uint64_t size;
	double t0, t1;
	int reps, i, ret;
	int64_t n;
	void *buf;

	if (argc != 4) {
		fprintf(stderr, "usage: %s anon|anon4k|huge SIZE_MIB REPS\n", argv[0]);
		return 2;
	}
	kind = argv[1];
	size = strtoull(argv[2], NULL, 0) << 20;
	reps = atoi(argv[3]);
	if (!strcmp(kind, "huge"))
		flags |= MAP_HUGETLB;
	else if (strcmp(kind, "anon") && strcmp(kind, "anon4k"))
		return 2;

	ret = vfio_dev_open(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU);
	if (ret) {
		printf("BENCH_ERROR opening edu: %s\n", strerror(-ret));
		return 1;
	}
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (buf == MAP_FAILED) {
		printf("BENCH_ERROR mmap %s: %s\n", kind, strerror(errno));
		return 1;
	}
	if (!strcmp(kind, "anon4k") && madvise(buf, size, MADV_NOHUGEPAGE)) {
		printf("BENCH_ERROR madvise: %s\n", strerror(errno));
		return 1;
	}
	memset(buf, 0x5a, size);

	for (i = 0; i < reps; i++) {
		t0 = bench_now_us() / 1e3;
		ret = vfio_dma_map(d.container, buf, IOVA, size,
				   VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
		t1 = bench_now_us() / 1e3;
		if (ret) {
			printf("BENCH_ERROR map: %s\n", strerror(-ret));
			return 1;
		}
		printf("BENCH %s_map_ms %.3f\n", kind, t1 - t0);
		t0 = bench_now_us() / 1e3;
		n = vfio_dma_unmap(d.container, IOVA, size, 0);
		t1 = bench_now_us() / 1e3;
		if (n != (int64_t)size) {
			printf("BENCH_ERROR unmap returned %lld\n", (long long)n);
			return 1;
		}
		printf("BENCH %s_unmap_ms %.3f\n", kind, t1 - t0);
	}
	munmap(buf, size);
	vfio_dev_close(&d);
	return 0;
}
