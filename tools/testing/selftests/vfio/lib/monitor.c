// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers: QEMU monitor commands from the guest (see monitor.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor.h"
#include "pci.h"

int monitor_cmd(const char *cmd)
{
	const char *path = getenv("GUEST_MONITOR");
	char line[256];
	ssize_t n;
	int fd, len;

	if (!path || !*path)
		return -ENODEV;
	/* a leading newline ends whatever partial line the monitor holds */
	len = snprintf(line, sizeof(line), "\n%s\n", cmd);
	if (len >= (int)sizeof(line))
		return -E2BIG;
	fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, line, len);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	return n == len ? 0 : -EIO;
}

bool pci_hotplug_slot(const char *addr)
{
	char path[512], val[32];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	dir = opendir("/sys/bus/pci/slots");
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/slots/%s/address",
			 de->d_name);
		found = !sysfs_read(path, val, sizeof(val)) &&
			!strcmp(val, addr);
	}
	closedir(dir);
	return found;
}

int pci_wait_exists(const char *bdf, bool exists, int ms)
{
	int waited = 0;

	while (pci_exists(bdf) != exists) {
		if (waited >= ms)
			return -ETIMEDOUT;
		usleep(50 * 1000);
		waited += 50;
	}
	return 0;
}

/* Does BDF exist, with vendor ID VENDOR if that is set? */
static bool pci_present(const char *bdf, const char *vendor)
{
	char path[128], val[16];

	if (!vendor)
		return pci_exists(bdf);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", bdf);
	return !sysfs_read(path, val, sizeof(val)) && !strcmp(val, vendor);
}

int monitor_plug(const char *add, const char *bdf, const char *vendor,
		 int ms)
{
	int waited = 0, since_cmd = 0, ret;

	ret = monitor_cmd(add);
	while (!ret && !pci_present(bdf, vendor)) {
		if (waited >= ms)
			return -ETIMEDOUT;
		usleep(50 * 1000);
		waited += 50;
		since_cmd += 50;
		if (since_cmd >= 2000 && !pci_exists(bdf)) {
			/*
			 * Either QEMU refused the add (the old device was
			 * still there) or it took it and the guest missed the
			 * ACPI event: send it again, and rescan, which finds
			 * a device QEMU has but the guest never enumerated.
			 */
			ret = monitor_cmd(add);
			sysfs_write("/sys/bus/pci/rescan", "1");
			since_cmd = 0;
		}
	}
	return ret;
}

int pci_wait_bind(const char *bdf, const char *driver, int ms)
{
	int waited = 0, ret;

	/* ENODEV while the PCI core has not yet made the device probeable */
	while ((ret = pci_bind(bdf, driver)) == -ENODEV && waited < ms) {
		usleep(50 * 1000);
		waited += 50;
	}
	return ret;
}
