// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers: the VFIO open sequence and wrappers (see vfio.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "pci.h"
#include "vfio.h"

#define REGION_OFFSET(index)	((uint64_t)(index) << 40)

int vfio_open_container(void)
{
	int fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vfio_open_group(int group_id)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/vfio/%d", group_id);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int vfio_dev_open(struct vfio_dev *d, const char *bdf, unsigned long iommu)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int ret;

	memset(d, 0, sizeof(*d));
	d->container = d->group = d->device = -1;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	ret = pci_bind(bdf, "vfio-pci");
	if (ret)
		return ret;
	d->group_id = pci_iommu_group(bdf);
	if (d->group_id < 0)
		return d->group_id;
	d->container = vfio_open_container();
	if (d->container < 0)
		return d->container;
	d->group = vfio_open_group(d->group_id);
	if (d->group < 0)
		return d->group;
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status))
		return -errno;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EPERM;
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		return -errno;
	if (ioctl(d->container, VFIO_SET_IOMMU, iommu))
		return -errno;
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->device < 0)
		return -errno;
	d->info.argsz = sizeof(d->info);
	if (ioctl(d->device, VFIO_DEVICE_GET_INFO, &d->info))
		return -errno;
	return 0;
}

void vfio_dev_close(struct vfio_dev *d)
{
	if (d->device >= 0)
		close(d->device);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	d->device = d->group = d->container = -1;
}

int vfio_region_info(struct vfio_dev *d, unsigned int index,
		     struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	return ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, ri) ? -errno : 0;
}

int vfio_region_read(struct vfio_dev *d, unsigned int index, uint64_t off,
		     void *buf, size_t len)
{
	ssize_t n = pread(d->device, buf, len, REGION_OFFSET(index) + off);

	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

int vfio_region_write(struct vfio_dev *d, unsigned int index, uint64_t off,
		      const void *buf, size_t len)
{
	ssize_t n = pwrite(d->device, buf, len, REGION_OFFSET(index) + off);

	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

void *vfio_region_mmap(struct vfio_dev *d, unsigned int index, size_t *size)
{
	struct vfio_region_info ri;
	void *p;

	if (vfio_region_info(d, index, &ri) || !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return NULL;
	p = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->device,
		 ri.offset);
	if (p == MAP_FAILED)
		return NULL;
	*size = ri.size;
	return p;
}

int vfio_pci_cmd_set(struct vfio_dev *d, uint16_t bits)
{
	uint16_t cmd;
	int ret;

	ret = vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 4, &cmd, 2);
	if (ret)
		return ret;
	cmd |= bits;
	return vfio_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, 4, &cmd, 2);
}

int vfio_dma_map(int container, void *vaddr, uint64_t iova, uint64_t size,
		 uint32_t flags)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
}

int64_t vfio_dma_unmap(int container, uint64_t iova, uint64_t size,
		       uint32_t flags)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.flags = flags,
		.iova = iova,
		.size = size,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	return unmap.size;
}

int vfio_irq_eventfds(struct vfio_dev *d, unsigned int index, int count,
		      int *efds)
{
	size_t sz = sizeof(struct vfio_irq_set) + count * sizeof(int32_t);
	struct vfio_irq_set *set = calloc(1, sz);
	int i, ret = 0;

	if (!set)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		efds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (efds[i] < 0) {
			ret = -errno;
			goto out;
		}
	}
	set->argsz = sz;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = index;
	set->start = 0;
	set->count = count;
	memcpy(set->data, efds, count * sizeof(int32_t));
	if (ioctl(d->device, VFIO_DEVICE_SET_IRQS, set))
		ret = -errno;
out:
	free(set);
	return ret;
}

int vfio_irq_disable(struct vfio_dev *d, unsigned int index)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
		.index = index,
	};

	return ioctl(d->device, VFIO_DEVICE_SET_IRQS, &set) ? -errno : 0;
}

int64_t eventfd_wait(int efd, int ms)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t v;
	int ret;

	ret = poll(&p, 1, ms);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return -errno;
	return v;
}
