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

int vfio_open_group_of(const char *bdf)
{
	int ret, id;

	ret = pci_bind(bdf, "vfio-pci");
	if (ret)
		return ret;
	id = pci_iommu_group(bdf);
	if (id < 0)
		return id;
	return vfio_open_group(id);
}

int vfio_group_flags(int group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };

	if (ioctl(group, VFIO_GROUP_GET_STATUS, &status))
		return -errno;
	return status.flags;
}

int vfio_group_set_container(int group, int container)
{
	return ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ? -errno : 0;
}

int vfio_group_unset_container(int group)
{
	return ioctl(group, VFIO_GROUP_UNSET_CONTAINER) ? -errno : 0;
}

int vfio_set_iommu(int container, unsigned long type)
{
	return ioctl(container, VFIO_SET_IOMMU, type) ? -errno : 0;
}

void vfio_dev_init(struct vfio_dev *d)
{
	memset(d, 0, sizeof(*d));
	d->container = -1;
	d->group = -1;
	d->device = -1;
}

int vfio_dev_attach(struct vfio_dev *d, const char *bdf, int container)
{
	int flags;

	vfio_dev_init(d);
	d->container = container;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->group_id = pci_iommu_group(bdf);
	d->group = vfio_open_group_of(bdf);
	if (d->group < 0)
		return d->group;
	flags = vfio_group_flags(d->group);
	if (flags < 0)
		return flags;
	if (!(flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EPERM;
	return vfio_group_set_container(d->group, container);
}

int vfio_dev_get_device(struct vfio_dev *d)
{
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->device < 0)
		return -errno;
	d->info.argsz = sizeof(d->info);
	if (ioctl(d->device, VFIO_DEVICE_GET_INFO, &d->info))
		return -errno;
	return 0;
}

int vfio_dev_open_group(struct vfio_dev *d, const char *bdf,
			unsigned long iommu)
{
	int container, ret;

	container = vfio_open_container();
	if (container < 0) {
		vfio_dev_init(d);
		return container;
	}
	ret = vfio_dev_attach(d, bdf, container);
	d->own_container = true;
	if (ret)
		return ret;
	return vfio_set_iommu(container, iommu);
}

int vfio_dev_open(struct vfio_dev *d, const char *bdf, unsigned long iommu)
{
	int ret = vfio_dev_open_group(d, bdf, iommu);

	return ret ? ret : vfio_dev_get_device(d);
}

void vfio_dev_close(struct vfio_dev *d)
{
	if (d->device >= 0)
		close(d->device);
	if (d->group >= 0)
		close(d->group);
	if (d->own_container && d->container >= 0)
		close(d->container);
	vfio_dev_init(d);
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

struct vfio_iommu_type1_info *vfio_iommu_info(int container)
{
	struct vfio_iommu_type1_info *info;
	uint32_t argsz = sizeof(*info);

	for (;;) {
		info = calloc(1, argsz);
		if (!info)
			return NULL;
		info->argsz = argsz;
		if (ioctl(container, VFIO_IOMMU_GET_INFO, info)) {
			free(info);
			return NULL;
		}
		if (info->argsz <= argsz)
			return info;
		/* the capability chain did not fit: retry with what it needs */
		argsz = info->argsz;
		free(info);
	}
}

const struct vfio_info_cap_header *vfio_info_cap(const void *info,
						 uint32_t first, uint16_t id)
{
	const struct vfio_info_cap_header *hdr;
	uint32_t off = first;
	int hops = 0;

	/* a chain that loops is a kernel bug; stop instead of spinning */
	while (off && hops++ < 64) {
		hdr = (const void *)((const char *)info + off);
		if (hdr->id == id)
			return hdr;
		off = hdr->next;
	}
	return NULL;
}

int vfio_iova_ranges(int container, struct vfio_iova_range *ranges, int max)
{
	const struct vfio_iommu_type1_info_cap_iova_range *cap;
	struct vfio_iommu_type1_info *info;
	int i, n;

	info = vfio_iommu_info(container);
	if (!info)
		return -errno;
	cap = (const void *)vfio_info_cap(info, info->cap_offset,
					  VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	if (!cap) {
		free(info);
		return -ENOENT;
	}
	n = cap->nr_iovas < (uint32_t)max ? (int)cap->nr_iovas : max;
	for (i = 0; i < n; i++)
		ranges[i] = cap->iova_ranges[i];
	free(info);
	return n;
}

void *vfio_dma_buffer(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
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

int vfio_irq_set_fd(struct vfio_dev *d, unsigned int index, uint32_t action,
		    int fd)
{
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} req = {
		.set = {
			.argsz = sizeof(req),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD | action,
			.index = index,
			.count = 1,
		},
		.fd = fd,
	};

	return ioctl(d->device, VFIO_DEVICE_SET_IRQS, &req) ? -errno : 0;
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
