// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers: PCI devices in sysfs (see pci.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "pci.h"

int sysfs_write(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	return 0;
}

int sysfs_read(const char *path, char *buf, int len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

bool pci_exists(const char *bdf)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", bdf);
	return stat(path, &st) == 0;
}

int pci_driver(const char *bdf, char *buf, int len)
{
	char path[128], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		if (errno != ENOENT)
			return -errno;
		buf[0] = 0;
		return 0;
	}
	link[n] = 0;
	snprintf(buf, len, "%s", basename(link));
	return 0;
}

int pci_unbind(const char *bdf)
{
	char path[128], drv[64];
	int ret;

	ret = pci_driver(bdf, drv, sizeof(drv));
	if (ret || !drv[0])
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	return sysfs_write(path, bdf);
}

int pci_bind(const char *bdf, const char *driver)
{
	char path[128], drv[64], cur[64];
	int ret;

	ret = pci_driver(bdf, drv, sizeof(drv));
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	if (!strcmp(drv, driver)) {
		/*
		 * The driver link shows as soon as a probe starts, before the
		 * driver's probe() runs: one the kernel started (a hot added
		 * device, whose driver_override we set while it was not yet
		 * probeable) may still be under way.  Storing driver_override
		 * takes the device lock that the probe holds, so writing the
		 * same value again returns only once the probe is over.
		 */
		if (!sysfs_read(path, cur, sizeof(cur)) && !strcmp(cur, driver))
			return sysfs_write(path, driver);
		return 0;
	}
	ret = pci_unbind(bdf);
	if (ret)
		return ret;
	ret = sysfs_write(path, driver);
	if (ret)
		return ret;
	ret = sysfs_write("/sys/bus/pci/drivers_probe", bdf);
	if (ret)
		return ret;
	ret = pci_driver(bdf, drv, sizeof(drv));
	if (ret)
		return ret;
	if (strcmp(drv, driver))
		return -ENODEV;
	/* bound, but perhaps by a probe the kernel began meanwhile: as above */
	return sysfs_write(path, driver);
}

int pci_iommu_group(const char *bdf)
{
	char path[128], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = 0;
	return atoi(basename(link));
}
