// SPDX-License-Identifier: GPL-2.0
/*
 * The device fd of the edu at 00:02.0: what VFIO_DEVICE_GET_INFO and the
 * region and IRQ info ioctls say about it (QEMU's edu: 1234:11e8, a 1 MiB
 * MMIO BAR0, INTx and one MSI vector), reads of config space and BAR0
 * through the fd and through mmap(), and the refusals of malformed
 * requests.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_BAR_SIZE	(1u << 20)

FIXTURE(device) {
	struct vfio_dev d;
};

FIXTURE_SETUP(device)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
}

FIXTURE_TEARDOWN(device)
{
	vfio_dev_close(&self->d);
}

TEST_F(device, info_reports_a_pci_device_with_its_regions_and_irqs)
{
	EXPECT_TRUE(self->d.info.flags & VFIO_DEVICE_FLAGS_PCI);
	EXPECT_LE(VFIO_PCI_NUM_REGIONS, self->d.info.num_regions);
	EXPECT_LE(VFIO_PCI_NUM_IRQS, self->d.info.num_irqs);
}

TEST_F(device, info_rejects_argsz_too_small)
{
	struct vfio_device_info info = { .argsz = sizeof(info.argsz) };

	EXPECT_EQ(-1, ioctl(self->d.device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(device, bar0_is_a_1mib_mappable_mmio_region)
{
	struct vfio_region_info ri;
	uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

	ASSERT_EQ(0, vfio_region_info(&self->d, VFIO_PCI_BAR0_REGION_INDEX, &ri));
	EXPECT_EQ(EDU_BAR_SIZE, ri.size);
	EXPECT_EQ(rw, ri.flags & rw);
	EXPECT_TRUE(ri.flags & VFIO_REGION_INFO_FLAG_MMAP);
}

TEST_F(device, unused_bar_is_an_empty_region)
{
	struct vfio_region_info ri;

	ASSERT_EQ(0, vfio_region_info(&self->d, VFIO_PCI_BAR1_REGION_INDEX, &ri));
	EXPECT_EQ(0, ri.size);
}

TEST_F(device, region_info_rejects_index_out_of_range)
{
	struct vfio_region_info ri;

	EXPECT_EQ(-EINVAL, vfio_region_info(&self->d, self->d.info.num_regions + 8, &ri));
}

TEST_F(device, region_info_rejects_argsz_too_small)
{
	struct vfio_region_info ri = {
		.argsz = sizeof(ri.argsz),
		.index = VFIO_PCI_BAR0_REGION_INDEX,
	};

	EXPECT_EQ(-1, ioctl(self->d.device, VFIO_DEVICE_GET_REGION_INFO, &ri));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(device, config_region_reads_edu_vendor_and_device_ids)
{
	uint16_t ids[2];

	ASSERT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_CONFIG_REGION_INDEX, 0,
				      ids, sizeof(ids)));
	EXPECT_EQ(EDU_VENDOR, ids[0]);
	EXPECT_EQ(EDU_DEVICE, ids[1]);
}

TEST_F(device, bar0_read_through_the_fd_reaches_the_device)
{
	uint32_t id;

	ASSERT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_BAR0_REGION_INDEX,
				      EDU_REG_ID, &id, sizeof(id)));
	/* 0xRRrr00ed: the low byte identifies the edu */
	EXPECT_EQ(0xed, id & 0xff);
}

TEST_F(device, mmapped_bar0_reaches_the_device)
{
	size_t size;
	void *bar = vfio_region_mmap(&self->d, VFIO_PCI_BAR0_REGION_INDEX, &size);

	ASSERT_NE(NULL, bar);
	EXPECT_EQ(EDU_BAR_SIZE, size);
	/* the liveness register answers with the complement */
	edu_wr32(bar, EDU_REG_LIVENESS, 0x5aa5f00f);
	EXPECT_EQ(~0x5aa5f00fu, edu_rd32(bar, EDU_REG_LIVENESS));
	munmap(bar, size);
}

TEST_F(device, irq_info_reports_intx_and_one_msi_vector)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq) };

	irq.index = VFIO_PCI_INTX_IRQ_INDEX;
	ASSERT_EQ(0, ioctl(self->d.device, VFIO_DEVICE_GET_IRQ_INFO, &irq));
	EXPECT_EQ(1, irq.count);
	EXPECT_TRUE(irq.flags & VFIO_IRQ_INFO_EVENTFD);
	irq.index = VFIO_PCI_MSI_IRQ_INDEX;
	ASSERT_EQ(0, ioctl(self->d.device, VFIO_DEVICE_GET_IRQ_INFO, &irq));
	EXPECT_EQ(1, irq.count);
	EXPECT_TRUE(irq.flags & VFIO_IRQ_INFO_EVENTFD);
}

TEST_F(device, irq_info_rejects_index_out_of_range)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq) };

	irq.index = self->d.info.num_irqs + 8;
	EXPECT_EQ(-1, ioctl(self->d.device, VFIO_DEVICE_GET_IRQ_INFO, &irq));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(device, set_irqs_rejects_unknown_flags)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER | (1u << 12),
		.index = VFIO_PCI_MSI_IRQ_INDEX,
	};

	EXPECT_EQ(-1, ioctl(self->d.device, VFIO_DEVICE_SET_IRQS, &set));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(device, msi_raised_by_the_device_signals_the_eventfd)
{
	size_t size;
	void *bar = vfio_region_mmap(&self->d, VFIO_PCI_BAR0_REGION_INDEX, &size);
	int efd;

	ASSERT_NE(NULL, bar);
	/* an MSI is a memory write: the device must be a bus master */
	ASSERT_EQ(0, vfio_pci_cmd_set(&self->d, 0x4));
	ASSERT_EQ(0, vfio_irq_eventfds(&self->d, VFIO_PCI_MSI_IRQ_INDEX, 1, &efd));
	/* nothing pending before the device raises it */
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(efd, 0));
	edu_wr32(bar, EDU_REG_IRQ_RAISE, 0x1);
	EXPECT_EQ(1, eventfd_wait(efd, 5000));
	edu_wr32(bar, EDU_REG_IRQ_ACK, 0x1);
	EXPECT_EQ(0, vfio_irq_disable(&self->d, VFIO_PCI_MSI_IRQ_INDEX));
	close(efd);
	munmap(bar, size);
}

TEST_F(device, device_fd_rejects_unknown_ioctl)
{
	EXPECT_EQ(-1, ioctl(self->d.device, _IO(VFIO_TYPE, VFIO_BASE + 60)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_HARNESS_MAIN
