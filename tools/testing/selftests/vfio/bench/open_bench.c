// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: opening and closing a device fd.  With the group of the edu
 * at 00:02.0 in a container, each round is VFIO_GROUP_GET_DEVICE_FD plus
 * close(): the first open of the device (enable: power up, reset attempt,
 * config state saved, config space virtualization set up) and its last
 * close (disable: interrupts and mappings dropped, state restored, back to
 * idle).  The edu has no reset and no PM capability, so no reset or power
 * transition delay hides the drivers' own work.
 *
 *   open_bench BATCHES ROUNDS
 *
 * Prints, per batch, "BENCH device_open_close_us <value>": the median of
 * ROUNDS open+close pairs, in microseconds.  bench.sh adds which stack was
 * loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "../lib/bench.h"
#include "../lib/pci.h"
#include "../lib/vfio.h"

#define MAX_ROUNDS	10000
#define WARMUP		5

/* One open+close of the device fd, in microseconds; negative errno */
static double open_close(struct vfio_dev *d)
{
	double t0 = bench_now_us();
	int fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);

	if (fd < 0)
		return -errno;
	close(fd);
	return bench_now_us() - t0;
}

int main(int argc, char **argv)
{
	int batches, rounds, b, i, ret;
	struct vfio_dev d;
	double *t;

	if (argc != 3) {
		fprintf(stderr, "usage: %s BATCHES ROUNDS\n", argv[0]);
		return 2;
	}
	batches = atoi(argv[1]);
	rounds = atoi(argv[2]);
	if (batches < 1 || rounds < 1 || rounds > MAX_ROUNDS)
		return 2;

	ret = vfio_dev_open_group(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU);
	if (ret) {
		printf("BENCH_ERROR open_bench: opening %s: %s\n", EDU_BDF,
		       strerror(-ret));
		return 1;
	}
	t = calloc(rounds, sizeof(*t));
	if (!t)
		return 1;

	for (i = 0; i < WARMUP; i++) {
		if (open_close(&d) < 0) {
			printf("BENCH_ERROR open_bench: device open failed\n");
			return 1;
		}
	}
	for (b = 0; b < batches; b++) {
		for (i = 0; i < rounds; i++) {
			t[i] = open_close(&d);
			if (t[i] < 0) {
				printf("BENCH_ERROR open_bench: device open failed: %s\n",
				       strerror((int)-t[i]));
				return 1;
			}
		}
		printf("BENCH device_open_close_us %.1f\n",
		       bench_median(t, rounds));
	}
	free(t);
	vfio_dev_close(&d);
	return 0;
}
