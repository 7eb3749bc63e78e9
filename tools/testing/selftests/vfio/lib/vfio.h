/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers: the usual VFIO sequence (container, group, IOMMU type,
 * device fd) and small wrappers for regions, config space, DMA maps and
 * eventfd-signalled interrupts.  Functions return 0 or -errno.
 */
#ifndef VFIO_SELFTEST_VFIO_H
#define VFIO_SELFTEST_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

struct vfio_dev {
	int container;
	int group;
	int device;
	int group_id;
	bool own_container;	/* vfio_dev_close() closes the container */
	char bdf[32];
	struct vfio_device_info info;
};

/* Mark every fd of D closed, so vfio_dev_close() may run on it. */
void vfio_dev_init(struct vfio_dev *d);
/* Bind BDF to vfio-pci and open it through a new container of IOMMU type. */
int vfio_dev_open(struct vfio_dev *d, const char *bdf, unsigned long iommu);
/* The same without the device fd: a container ready for DMA maps. */
int vfio_dev_open_group(struct vfio_dev *d, const char *bdf,
			unsigned long iommu);
/*
 * The same in steps, for several groups in one container: vfio_dev_attach()
 * binds BDF to vfio-pci, opens its group and adds it to CONTAINER (which
 * stays the caller's); once the container has an IOMMU type,
 * vfio_dev_get_device() opens the device fd and reads its info.
 */
int vfio_dev_attach(struct vfio_dev *d, const char *bdf, int container);
int vfio_dev_get_device(struct vfio_dev *d);
/* Close what is open of D: device, group, and its container if owned. */
void vfio_dev_close(struct vfio_dev *d);

int vfio_open_container(void);
int vfio_open_group(int group_id);
/* Bind BDF to vfio-pci and open its group; the fd or -errno. */
int vfio_open_group_of(const char *bdf);
/* VFIO_GROUP_GET_STATUS flags, or -errno. */
int vfio_group_flags(int group);
int vfio_group_set_container(int group, int container);
int vfio_group_unset_container(int group);
int vfio_set_iommu(int container, unsigned long type);

int vfio_region_info(struct vfio_dev *d, unsigned int index,
		     struct vfio_region_info *ri);
int vfio_region_read(struct vfio_dev *d, unsigned int index, uint64_t off,
		     void *buf, size_t len);
int vfio_region_write(struct vfio_dev *d, unsigned int index, uint64_t off,
		      const void *buf, size_t len);
void *vfio_region_mmap(struct vfio_dev *d, unsigned int index, size_t *size);

/* Set bits in the PCI command register through the config region. */
int vfio_pci_cmd_set(struct vfio_dev *d, uint16_t bits);

int vfio_dma_map(int container, void *vaddr, uint64_t iova, uint64_t size,
		 uint32_t flags);
/* Returns the size unmapped, or -errno. */
int64_t vfio_dma_unmap(int container, uint64_t iova, uint64_t size,
		       uint32_t flags);

/*
 * VFIO_IOMMU_GET_INFO with room for its capability chain: a malloc()ed
 * copy to free(), or NULL with errno set.
 */
struct vfio_iommu_type1_info *vfio_iommu_info(int container);
/*
 * Capability ID in the chain of an info struct INFO whose first entry is
 * at offset FIRST (0: no chain); NULL if absent.
 */
const struct vfio_info_cap_header *vfio_info_cap(const void *info,
						 uint32_t first, uint16_t id);
/* The usable IOVA ranges (IOVA_RANGE capability): count stored, or -errno. */
int vfio_iova_ranges(int container, struct vfio_iova_range *ranges, int max);
/* Page-aligned anonymous memory, zeroed, or NULL. */
void *vfio_dma_buffer(size_t size);

/* Route COUNT vectors of IRQ index INDEX to new eventfds in EFDS. */
int vfio_irq_eventfds(struct vfio_dev *d, unsigned int index, int count,
		      int *efds);
/* One eventfd (or -1 to remove it) for ACTION of vector 0 of INDEX. */
int vfio_irq_set_fd(struct vfio_dev *d, unsigned int index, uint32_t action,
		    int fd);
int vfio_irq_disable(struct vfio_dev *d, unsigned int index);
/* Wait up to MS for an eventfd to fire; returns its count or -errno. */
int64_t eventfd_wait(int efd, int ms);

#endif
