// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers: driving QEMU's edu device (see edu.h). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "edu.h"

#define PCI_COMMAND_MASTER	0x4

uint32_t edu_rd32(void *bar, unsigned int reg)
{
	return __atomic_load_n((uint32_t *)((char *)bar + reg), __ATOMIC_SEQ_CST);
}

void edu_wr32(void *bar, unsigned int reg, uint32_t val)
{
	__atomic_store_n((uint32_t *)((char *)bar + reg), val, __ATOMIC_SEQ_CST);
}

void edu_wr64(void *bar, unsigned int reg, uint64_t val)
{
	__atomic_store_n((uint64_t *)((char *)bar + reg), val, __ATOMIC_SEQ_CST);
}

bool edu_dma(void *bar, uint64_t iova, uint32_t len, bool to_ram,
	     bool irq)
{
	struct timespec ts = { 0, 1000000 };
	uint32_t cmd = EDU_DMA_START;
	int i;

	if (to_ram) {
		edu_wr64(bar, EDU_REG_DMA_SRC, EDU_BUF_ADDR);
		edu_wr64(bar, EDU_REG_DMA_DST, iova);
		cmd |= EDU_DMA_TO_RAM;
	} else {
		edu_wr64(bar, EDU_REG_DMA_SRC, iova);
		edu_wr64(bar, EDU_REG_DMA_DST, EDU_BUF_ADDR);
	}
	if (irq)
		cmd |= EDU_DMA_IRQ;
	edu_wr64(bar, EDU_REG_DMA_COUNT, len);
	edu_wr32(bar, EDU_REG_DMA_CMD, cmd);
	for (i = 0; i < 5000; i++) {
		if (!(edu_rd32(bar, EDU_REG_DMA_CMD) & EDU_DMA_START))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

int edu_start(struct edu *e)
{
	int ret;

	e->msi = -1;
	errno = 0;
	e->bar = vfio_region_mmap(&e->dev, VFIO_PCI_BAR0_REGION_INDEX,
				  &e->bar_size);
	if (!e->bar)
		return errno ? -errno : -ENOENT;
	ret = vfio_pci_cmd_set(&e->dev, PCI_COMMAND_MASTER);
	if (ret)
		return ret;
	return vfio_irq_eventfds(&e->dev, VFIO_PCI_MSI_IRQ_INDEX, 1, &e->msi);
}

void edu_init(struct edu *e)
{
	memset(e, 0, sizeof(*e));
	vfio_dev_init(&e->dev);
	e->msi = -1;
}

int edu_open(struct edu *e, const char *bdf)
{
	int ret;

	edu_init(e);
	ret = vfio_dev_open(&e->dev, bdf, VFIO_TYPE1v2_IOMMU);
	if (ret)
		return ret;
	return edu_start(e);
}

void edu_close(struct edu *e)
{
	if (e->msi >= 0) {
		vfio_irq_disable(&e->dev, VFIO_PCI_MSI_IRQ_INDEX);
		close(e->msi);
	}
	if (e->bar)
		munmap(e->bar, e->bar_size);
	vfio_dev_close(&e->dev);
	edu_init(e);
}

int edu_wait_dma_irq(struct edu *e, int ms)
{
	int64_t n = eventfd_wait(e->msi, ms);

	if (n < 0)
		return n;
	edu_wr32(e->bar, EDU_REG_IRQ_ACK, EDU_DMA_IRQ_STATUS);
	return 0;
}
