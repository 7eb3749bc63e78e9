// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers for config space and regions (see regions.h). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "regions.h"

int64_t cfg_read(struct vfio_dev *d, unsigned int off, unsigned int len)
{
	uint32_t val = 0;
	int ret;

	ret = vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &val, len);
	return ret ? ret : (int64_t)val;
}

int cfg_write(struct vfio_dev *d, unsigned int off, unsigned int len,
	      uint32_t val)
{
	return vfio_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &val,
				 len);
}

int64_t hw_cfg_read(const char *bdf, unsigned int off, unsigned int len)
{
	char path[128];
	uint32_t val = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, &val, len, off);
	close(fd);
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? (int64_t)val : -EIO;
}

unsigned int cfg_find_cap(struct vfio_dev *d, uint8_t id)
{
	int64_t pos = cfg_read(d, 0x34, 1);
	int loops = 48;

	if (!(cfg_read(d, 0x06, 2) & 0x10))
		return 0;
	while (pos > 0 && loops--) {
		if (cfg_read(d, pos, 1) == id)
			return pos;
		pos = cfg_read(d, pos + 1, 1);
	}
	return 0;
}

unsigned int cfg_find_ecap(struct vfio_dev *d, uint16_t id)
{
	unsigned int pos = 0x100;
	int loops = 960;
	int64_t hdr;

	while (pos >= 0x100 && loops--) {
		hdr = cfg_read(d, pos, 4);
		if (hdr <= 0)
			return 0;
		if ((hdr & 0xffff) == id)
			return pos;
		pos = (hdr >> 20) & 0xffc;
	}
	return 0;
}

struct vfio_region_info *region_info_caps(struct vfio_dev *d,
					  unsigned int index)
{
	struct vfio_region_info *ri;
	uint32_t argsz = sizeof(*ri);

	for (;;) {
		ri = calloc(1, argsz);
		if (!ri)
			return NULL;
		ri->argsz = argsz;
		ri->index = index;
		if (ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, ri)) {
			free(ri);
			return NULL;
		}
		if (ri->argsz <= argsz)
			return ri;
		argsz = ri->argsz;
		free(ri);
	}
}

static sigjmp_buf touch_env;

static void touch_sigbus(int sig)
{
	siglongjmp(touch_env, 1);
}

int touch32(volatile void *p, bool write, uint32_t *val)
{
	struct sigaction sa = { .sa_handler = touch_sigbus }, old;
	int ret = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(touch_env, 1))
		ret = -EFAULT;
	else if (write)
		*(volatile uint32_t *)p = *val;
	else
		*val = *(volatile uint32_t *)p;
	sigaction(SIGBUS, &old, NULL);
	return ret;
}
