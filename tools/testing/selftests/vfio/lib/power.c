// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers: power states and device features (see power.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>

#include "pci.h"
#include "power.h"

int pci_power_state(const char *bdf, char *buf, int len)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power_state", bdf);
	return sysfs_read(path, buf, len);
}

int pci_wait_power_state(const char *bdf, const char *state, int ms,
			 char *last, int len)
{
	int waited = 0, ret;

	for (;;) {
		ret = pci_power_state(bdf, last, len);
		if (ret)
			return ret;
		if (!strcmp(last, state))
			return 0;
		if (waited >= ms)
			return -ETIMEDOUT;
		usleep(20 * 1000);
		waited += 20;
	}
}

int vfio_device_feature(int device, uint32_t flags, const void *data,
			size_t size)
{
	size_t argsz = sizeof(struct vfio_device_feature) + size;
	struct vfio_device_feature *f = calloc(1, argsz);
	int ret = 0;

	if (!f)
		return -ENOMEM;
	f->argsz = argsz;
	f->flags = flags;
	if (size)
		memcpy(f->data, data, size);
	if (ioctl(device, VFIO_DEVICE_FEATURE, f))
		ret = -errno;
	free(f);
	return ret;
}
