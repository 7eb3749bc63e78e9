// SPDX-License-Identifier: GPL-2.0
/*
 * make demo: pass QEMU's edu device through the VFIO stack under test and
 * show, step by step, what a userspace driver sees: the stack loaded, the
 * device bound to vfio-pci, its group and container set up, its BAR read
 * and mapped, a DMA into and out of user memory through the IOMMU, and the
 * completion interrupt arriving on an eventfd.  Exits non-zero at the first
 * step that fails, saying which.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/edu.h"
#include "lib/modules.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define IOVA	0x100000ULL

static int fail(const char *what, int err)
{
	printf("demo: FAILED: %s: %s\n", what, strerror(err < 0 ? -err : err));
	printf("not ok 1 edu_passthrough\n");
	return 1;
}

int main(void)
{
	struct vfio_region_info ri;
	unsigned char *in, *out;
	struct vfio_dev d;
	char drv[64];
	size_t barsz;
	void *bar;
	int ret, i, efd;
	int64_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..1\n");
	ret = vfio_stack_load();
	if (ret)
		return fail("loading the VFIO stack", ret);
	printf("demo: VFIO stack loaded from %s\n", getenv("VFIO_MODDIR"));

	ret = vfio_dev_open(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU);
	pci_driver(EDU_BDF, drv, sizeof(drv));
	printf("demo: %s (edu) is bound to %s, IOMMU group %d\n", EDU_BDF,
	       drv[0] ? drv : "no driver", pci_iommu_group(EDU_BDF));
	if (ret)
		return fail("opening the device through its group and a type1 container", ret);
	printf("demo: device fd open: %u regions, %u irqs\n", d.info.num_regions,
	       d.info.num_irqs);

	ret = vfio_region_info(&d, VFIO_PCI_BAR0_REGION_INDEX, &ri);
	if (ret)
		return fail("BAR0 region info", ret);
	bar = vfio_region_mmap(&d, VFIO_PCI_BAR0_REGION_INDEX, &barsz);
	if (!bar)
		return fail("mapping BAR0", errno);
	printf("demo: BAR0 is %llu KiB, mapped; edu id register reads %#x\n",
	       (unsigned long long)ri.size >> 10, edu_rd32(bar, EDU_REG_ID));
	edu_wr32(bar, EDU_REG_LIVENESS, 0x12345678);
	printf("demo: liveness: wrote 0x12345678, device answered %#x\n",
	       edu_rd32(bar, EDU_REG_LIVENESS));

	in = mmap(NULL, 2 * EDU_BUF_SIZE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (in == MAP_FAILED)
		return fail("allocating the DMA buffer", errno);
	out = in + EDU_BUF_SIZE;
	for (i = 0; i < EDU_BUF_SIZE; i++)
		in[i] = (unsigned char)(i * 7 + 3);
	ret = vfio_dma_map(d.container, in, IOVA, 2 * EDU_BUF_SIZE,
			   VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	if (ret)
		return fail("VFIO_IOMMU_MAP_DMA", ret);
	printf("demo: mapped 8 KiB of user memory at IOVA %#llx\n", IOVA);

	ret = vfio_pci_cmd_set(&d, 0x4 /* bus master */);
	if (ret)
		return fail("enabling bus mastering", ret);
	ret = vfio_irq_eventfds(&d, VFIO_PCI_MSI_IRQ_INDEX, 1, &efd);
	if (ret)
		return fail("routing MSI to an eventfd", ret);

	if (!edu_dma(bar, IOVA, EDU_DMA_MAX, false, false))
		return fail("DMA from memory into the device", ETIMEDOUT);
	if (!edu_dma(bar, IOVA + EDU_BUF_SIZE, EDU_DMA_MAX, true, true))
		return fail("DMA from the device back to memory", ETIMEDOUT);
	n = eventfd_wait(efd, 5000);
	if (n < 0)
		return fail("waiting for the DMA-done MSI", n);
	edu_wr32(bar, EDU_REG_IRQ_ACK, EDU_DMA_IRQ_STATUS);
	printf("demo: device copied %d bytes in and back out by DMA; MSI arrived on the eventfd (count %lld)\n",
	       EDU_DMA_MAX, (long long)n);
	if (memcmp(in, out, EDU_DMA_MAX))
		return fail("the bytes that came back differ", EIO);
	printf("demo: all %d bytes that came back match what was sent\n", EDU_DMA_MAX);

	n = vfio_dma_unmap(d.container, IOVA, 2 * EDU_BUF_SIZE, 0);
	if (n < 0)
		return fail("VFIO_IOMMU_UNMAP_DMA", n);
	printf("demo: unmapped %lld bytes; closing\n", (long long)n);
	vfio_irq_disable(&d, VFIO_PCI_MSI_IRQ_INDEX);
	munmap(bar, barsz);
	vfio_dev_close(&d);
	printf("demo: done\n");
	printf("ok 1 edu_passthrough\n");
	return 0;
}
