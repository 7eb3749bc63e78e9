// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers: process and system counters (see proc.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include "proc.h"

static long long proc_field(const char *file, const char *name, char sep)
{
	char line[256];
	size_t len = strlen(name);
	long long val = -ENOENT;
	FILE *f;

	f = fopen(file, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == sep) {
			val = strtoll(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

long long proc_status_kb(const char *field)
{
	return proc_field("/proc/self/status", field, ':');
}

long long vmstat_read(const char *name)
{
	return proc_field("/proc/vmstat", name, ' ');
}

long long pinned_pages(void)
{
	long long acq, rel;
	int fd;

	/* fold the per-CPU deltas in first, or the two drift apart */
	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "1", 1) != 1) {
		close(fd);
		return -EIO;
	}
	close(fd);
	acq = vmstat_read("nr_foll_pin_acquired");
	rel = vmstat_read("nr_foll_pin_released");
	if (acq < 0)
		return acq;
	if (rel < 0)
		return rel;
	return acq - rel;
}

int cap_drop_effective(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[cap / 32].effective &= ~(1u << (cap % 32));
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}
