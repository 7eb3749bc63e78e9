/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers: counters that show whether memory and pins came back
 * (the caller's locked memory, the system's FOLL_PIN page counts) and the
 * process privileges the accounting depends on.
 */
#ifndef VFIO_SELFTEST_PROC_H
#define VFIO_SELFTEST_PROC_H

/* A "Name:  N kB" field of /proc/self/status in KiB, or -errno. */
long long proc_status_kb(const char *field);
/* A counter of /proc/vmstat, or -errno. */
long long vmstat_read(const char *name);
/*
 * Pages pinned with FOLL_PIN system-wide, acquired minus released, exact
 * (per-CPU counts folded in through /proc/sys/vm/stat_refresh), or -errno.
 */
long long pinned_pages(void);
/* Drop capability CAP from this thread's effective set; 0 or -errno. */
int cap_drop_effective(int cap);

#endif
