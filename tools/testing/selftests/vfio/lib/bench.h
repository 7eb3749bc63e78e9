/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Benchmark helpers: a monotonic clock in microseconds and the median of
 * a set of samples.
 */
#ifndef VFIO_SELFTEST_BENCH_H
#define VFIO_SELFTEST_BENCH_H

/* CLOCK_MONOTONIC in microseconds. */
double bench_now_us(void);
/* Median of the N samples in V (N > 0); V is sorted in place. */
double bench_median(double *v, int n);

#endif
