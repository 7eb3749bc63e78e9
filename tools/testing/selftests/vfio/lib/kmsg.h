/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers: the kernel log as /dev/kmsg gives it, for tests that
 * check what the kernel told the administrator about a refusal.
 */
#ifndef VFIO_SELFTEST_KMSG_H
#define VFIO_SELFTEST_KMSG_H

/* Open /dev/kmsg positioned after the last record: an fd or -errno. */
int kmsg_open(void);
/*
 * Read the records logged since kmsg_open() (or the last call) and count
 * those containing every one of the NULL-terminated strings; -errno on
 * error.  The first match is copied to LINE (LEN bytes) if LINE is set.
 */
int kmsg_count(int fd, char *line, int len, ...);

#endif
