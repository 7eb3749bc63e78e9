// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers for interrupts (see irq.h). */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "irq.h"

int vfio_set_irqs_argsz(struct vfio_dev *d, uint32_t argsz, uint32_t flags,
			uint32_t index, uint32_t start, uint32_t count,
			const void *data, size_t len)
{
	struct vfio_irq_set *set;
	int ret = 0;

	/* room for what argsz claims, so the kernel reads only our memory */
	set = calloc(1, sizeof(*set) + len + (argsz > sizeof(*set) + len ?
					      argsz - sizeof(*set) - len : 0));
	if (!set)
		return -ENOMEM;
	set->argsz = argsz;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (len)
		memcpy(set->data, data, len);
	if (ioctl(d->device, VFIO_DEVICE_SET_IRQS, set))
		ret = -errno;
	free(set);
	return ret;
}

int vfio_set_irqs(struct vfio_dev *d, uint32_t flags, uint32_t index,
		  uint32_t start, uint32_t count, const void *data, size_t len)
{
	return vfio_set_irqs_argsz(d, sizeof(struct vfio_irq_set) + len, flags,
				   index, start, count, data, len);
}

int vfio_irq_none(struct vfio_dev *d, uint32_t index, uint32_t action,
		  uint32_t start, uint32_t count)
{
	return vfio_set_irqs(d, VFIO_IRQ_SET_DATA_NONE | action, index, start,
			     count, NULL, 0);
}

int vfio_irq_bool(struct vfio_dev *d, uint32_t index, uint32_t action,
		  uint32_t start, uint8_t val)
{
	return vfio_set_irqs(d, VFIO_IRQ_SET_DATA_BOOL | action, index, start,
			     1, &val, 1);
}

int vfio_irq_fds(struct vfio_dev *d, uint32_t index, uint32_t start,
		 uint32_t count, const int *fds)
{
	int32_t *data = calloc(count ? count : 1, sizeof(*data));
	uint32_t i;
	int ret;

	if (!data)
		return -ENOMEM;
	for (i = 0; i < count; i++)
		data[i] = fds[i];
	ret = vfio_set_irqs(d, VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER, index, start, count,
			    data, count * sizeof(*data));
	free(data);
	return ret;
}

int vfio_irq_info(struct vfio_dev *d, uint32_t index,
		  struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, info) ? -errno : 0;
}

int efd_new(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

void efd_signal(int efd)
{
	uint64_t one = 1;

	if (write(efd, &one, sizeof(one)) != sizeof(one))
		_exit(3);
}

int64_t efd_drain(int efd)
{
	uint64_t v;

	if (read(efd, &v, sizeof(v)) == sizeof(v))
		return v;
	return errno == EAGAIN ? 0 : -errno;
}

/* Is NAME one of the actions, the last fields of a line? */
static bool proc_irq_names(const char *fields, const char *name)
{
	size_t len = strlen(name);
	const char *p = fields;

	while ((p = strstr(p, name))) {
		bool start = p == fields || p[-1] == ' ' || p[-1] == ',';
		char end = p[len];

		if (start && (end == 0 || end == ',' || end == '\n'))
			return true;
		p += len;
	}
	return false;
}

int proc_irq_find(const char *name, uint64_t *total)
{
	char *line = NULL, *p, *end;
	int ncpu = 0, irq = -ENOENT, i;
	size_t cap = 0;
	uint64_t sum;
	FILE *f;

	f = fopen("/proc/interrupts", "r");
	if (!f)
		return -errno;
	/* header: one "CPUn" per CPU */
	if (getline(&line, &cap, f) > 0)
		for (p = line; (p = strstr(p, "CPU")); p += 3)
			ncpu++;
	while (irq < 0 && getline(&line, &cap, f) > 0) {
		p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (!isdigit((unsigned char)*p))
			continue;	/* NMI, LOC, ...: not device lines */
		i = strtol(p, &end, 10);
		p = end + 1;	/* past the ':' */
		sum = 0;
		for (int c = 0; c < ncpu; c++)
			sum += strtoull(p, &p, 10);
		/* chip, hwirq and trigger type, then the actions */
		if (proc_irq_names(p, name)) {
			irq = i;
			if (total)
				*total = sum;
		}
	}
	free(line);
	fclose(f);
	return irq;
}
