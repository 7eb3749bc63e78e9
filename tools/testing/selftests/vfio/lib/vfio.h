/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers: the usual VFIO sequence (container, group, IOMMU type,
 * device fd) and small wrappers for regions, config space, DMA maps and
 * eventfd-signalled interrupts.  Functions return 0 or -errno.
 */
#ifndef VFIO_SELFTEST_VFIO_H
#define VFIO_SELFTEST_VFIO_H

#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

struct vfio_dev {
	int container;
	int group;
	int device;
	int group_id;
	char bdf[32];
	struct vfio_device_info info;
};

/* Bind BDF to vfio-pci and open it through a new container of IOMMU type. */
int vfio_dev_open(struct vfio_dev *d, const char *bdf, unsigned long iommu);
void vfio_dev_close(struct vfio_dev *d);

int vfio_open_container(void);
int vfio_open_group(int group_id);

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

/* Route COUNT vectors of IRQ index INDEX to new eventfds in EFDS. */
int vfio_irq_eventfds(struct vfio_dev *d, unsigned int index, int count,
		      int *efds);
int vfio_irq_disable(struct vfio_dev *d, unsigned int index);
/* Wait up to MS for an eventfd to fire; returns its count or -errno. */
int64_t eventfd_wait(int efd, int ms);

#endif
