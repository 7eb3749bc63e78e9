/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers: QEMU's "edu" teaching device (docs/specs/edu.txt in
 * QEMU): an MMIO BAR0 with an ID register, a liveness register, an
 * interrupt raiser and a DMA engine that copies between host memory (by
 * DMA address, limited to 28 bits) and a 4 KiB buffer inside the device.
 */
#ifndef VFIO_SELFTEST_EDU_H
#define VFIO_SELFTEST_EDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfio.h"

#define EDU_REG_ID		0x00	/* 0xRRrr00ed */
#define EDU_REG_LIVENESS	0x04	/* reads back ~written */
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_RAISE	0x60
#define EDU_REG_IRQ_ACK		0x64
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define  EDU_DMA_START		0x1
#define  EDU_DMA_TO_RAM		0x2
#define  EDU_DMA_IRQ		0x4
#define EDU_DMA_IRQ_STATUS	0x100
#define EDU_BUF_ADDR		0x40000	/* device-side buffer */
#define EDU_BUF_SIZE		4096	/* QEMU 7.2 rejects a transfer of all of it */
#define EDU_DMA_MAX		2048	/* largest transfer used */
#define EDU_DMA_LIMIT		(1ULL << 28)

/* MMIO accessors: single, untorn accesses the compiler may not merge. */
uint32_t edu_rd32(void *bar, unsigned int reg);
void edu_wr32(void *bar, unsigned int reg, uint32_t val);
void edu_wr64(void *bar, unsigned int reg, uint64_t val);
/*
 * One DMA transfer of LEN bytes between bus address IOVA and the device
 * buffer; TO_RAM picks the direction, IRQ asks for an interrupt when done.
 * Waits for the engine; false if it did not finish within a few seconds.
 */
bool edu_dma(void *bar, uint64_t iova, uint32_t len, bool to_ram,
	     bool irq);

/*
 * An edu opened through VFIO and ready for DMA: BAR0 mapped, bus mastering
 * on, its MSI routed to the eventfd MSI.
 */
struct edu {
	struct vfio_dev dev;
	void *bar;
	size_t bar_size;
	int msi;
};

/* Mark E closed, so edu_close() may run on it. */
void edu_init(struct edu *e);
/* Make E->dev (device fd open) ready for DMA as above; 0 or -errno. */
int edu_start(struct edu *e);
/* Open BDF through a new type1v2 container and start it; 0 or -errno. */
int edu_open(struct edu *e, const char *bdf);
/* Undo edu_start() and close E->dev. */
void edu_close(struct edu *e);
/* Wait up to MS for the DMA-done MSI and acknowledge it; 0 or -errno. */
int edu_wait_dma_irq(struct edu *e, int ms);

#endif
