// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers: driving QEMU's edu device (see edu.h). */
#include <time.h>

#include "edu.h"

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
