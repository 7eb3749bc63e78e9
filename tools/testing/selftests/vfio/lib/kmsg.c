// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers: reading new kernel log records (see kmsg.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kmsg.h"

int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static bool kmsg_matches(const char *rec, va_list ap)
{
	const char *s;

	while ((s = va_arg(ap, const char *)))
		if (!strstr(rec, s))
			return false;
	return true;
}

int kmsg_count(int fd, char *line, int len, ...)
{
	char rec[2048];
	int found = 0;
	va_list ap;
	ssize_t n;

	for (;;) {
		/* one record per read(); EAGAIN once we have them all */
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			if (errno == EPIPE)	/* overwritten records: go on */
				continue;
			return -errno;
		}
		rec[n] = 0;
		va_start(ap, len);
		if (kmsg_matches(rec, ap)) {
			if (!found && line)
				snprintf(line, len, "%s", rec);
			found++;
		}
		va_end(ap);
	}
	return found;
}
