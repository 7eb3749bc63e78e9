// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: MSI to eventfd round trip through vfio-pci.  The edu at
 * 00:02.0 raises its MSI when a status bit is written to 0x60; the time is
 * from that write until poll() on the vector's eventfd returns and the
 * count is read, then the interrupt is acknowledged (0x64) and the next
 * round starts.  That covers the host interrupt, vfio-pci's handler, the
 * eventfd signal and the wakeup of the waiting task.
 *
 *   irq_bench BATCHES ROUNDS
 *
 * The interrupt is steered to CPU 0 and the task runs on CPU 0 ("same")
 * or on CPU 1 ("cross"): where they would land otherwise varies from run
 * to run and would swamp any difference between stacks.  Prints, per
 * batch, "BENCH msi_roundtrip_same_cpu_us <value>" and the same for
 * "cross": the median of ROUNDS round trips, in microseconds.  bench.sh
 * adds which stack was loaded.
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/bench.h"
#include "../lib/edu.h"
#include "../lib/irq.h"
#include "../lib/pci.h"
#include "../lib/vfio.h"

#define EDU_IRQ_BENCH	0x1
#define MAX_ROUNDS	100000
#define WARMUP		10

/* One raise, wait, acknowledge; the microseconds until the eventfd read */
static double round_trip(struct edu *e)
{
	struct pollfd p = { .fd = e->msi, .events = POLLIN };
	uint64_t count;
	double t0, t1;

	t0 = bench_now_us();
	edu_wr32(e->bar, EDU_REG_IRQ_RAISE, EDU_IRQ_BENCH);
	if (poll(&p, 1, 5000) != 1 ||
	    read(e->msi, &count, sizeof(count)) != sizeof(count))
		return -1;
	t1 = bench_now_us();
	edu_wr32(e->bar, EDU_REG_IRQ_ACK, EDU_IRQ_BENCH);
	return t1 - t0;
}

static int pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Steer the edu's MSI (the host IRQ named after vector 0) to CPU 0 */
static int steer_irq(void)
{
	char name[64], path[64];
	int irq;

	snprintf(name, sizeof(name), "vfio-msi[0](%s)", EDU_BDF);
	irq = proc_irq_find(name, NULL);
	if (irq < 0)
		return irq;
	snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irq);
	return sysfs_write(path, "0");
}

/* ROUNDS round trips with the task on CPU: their median, or -1 */
static double batch(struct edu *e, double *t, int rounds, int cpu)
{
	int i;

	if (pin_self(cpu))
		return -1;
	/* first interrupts pay for cold caches and the move */
	for (i = 0; i < WARMUP; i++)
		round_trip(e);
	for (i = 0; i < rounds; i++) {
		t[i] = round_trip(e);
		if (t[i] < 0)
			return -1;
	}
	return bench_median(t, rounds);
}

int main(int argc, char **argv)
{
	int batches, rounds, b, cpu, ret;
	struct edu e;
	double *t, med;

	if (argc != 3) {
		fprintf(stderr, "usage: %s BATCHES ROUNDS\n", argv[0]);
		return 2;
	}
	batches = atoi(argv[1]);
	rounds = atoi(argv[2]);
	if (batches < 1 || rounds < 1 || rounds > MAX_ROUNDS)
		return 2;
	t = calloc(rounds, sizeof(*t));
	if (!t)
		return 1;

	ret = edu_open(&e, EDU_BDF);
	if (ret) {
		printf("BENCH_ERROR opening edu with MSI: %s\n", strerror(-ret));
		return 1;
	}
	ret = steer_irq();
	if (ret) {
		printf("BENCH_ERROR steering the MSI to CPU 0: %s\n",
		       strerror(-ret));
		edu_close(&e);
		return 1;
	}

	for (b = 0; b < batches; b++) {
		for (cpu = 0; cpu < 2; cpu++) {
			med = batch(&e, t, rounds, cpu);
			if (med < 0) {
				printf("BENCH_ERROR no MSI within 5 s (task on CPU %d)\n",
				       cpu);
				edu_close(&e);
				return 1;
			}
			printf("BENCH msi_roundtrip_%s_cpu_us %.2f\n",
			       cpu ? "cross" : "same", med);
		}
	}
	edu_close(&e);
	free(t);
	return 0;
}
