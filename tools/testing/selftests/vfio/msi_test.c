// SPDX-License-Identifier: GPL-2.0
/*
 * MSI of vfio-pci, driven by the edu at 00:02.0 (one MSI vector, raised
 * by writing a status bit to 0x60 while MSI is on, acknowledged at 0x64):
 * the vector's eventfd fires, eventfds can be replaced while MSI is on,
 * the host interrupt carries the device's name, config space shows MSI
 * enabled, and MSI and INTx exclude each other.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/irq.h"
#include "lib/pci.h"
#include "lib/regions.h"
#include "lib/vfio.h"

#define EDU_IRQ_TEST	0x1
#define QUIET_MS	300
#define FIRE_MS		5000
#define MSI		VFIO_PCI_MSI_IRQ_INDEX
#define PCI_CAP_ID_MSI	0x05
#define PCI_MSI_FLAGS_ENABLE	0x1
#define PCI_MSI_FLAGS_QSIZE	0x70

FIXTURE(msi) {
	struct vfio_dev d;
	void *bar;
	size_t bar_size;
	int efd;
};

FIXTURE_SETUP(msi)
{
	self->bar = NULL;
	self->efd = -1;
	ASSERT_EQ(0, vfio_dev_open(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	self->bar = vfio_region_mmap(&self->d, VFIO_PCI_BAR0_REGION_INDEX,
				     &self->bar_size);
	ASSERT_NE(NULL, self->bar);
	/* an MSI is a DMA write: the device needs bus mastering */
	ASSERT_EQ(0, vfio_pci_cmd_set(&self->d, 0x4));
	self->efd = efd_new();
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(msi)
{
	if (self->d.device >= 0)
		vfio_irq_none(&self->d, MSI, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
	if (self->bar) {
		edu_wr32(self->bar, EDU_REG_IRQ_ACK, EDU_IRQ_TEST);
		munmap(self->bar, self->bar_size);
	}
	if (self->efd >= 0)
		close(self->efd);
	vfio_dev_close(&self->d);
}

/* Raise the edu's interrupt and acknowledge it at once: one MSI */
static void fire(void *bar)
{
	edu_wr32(bar, EDU_REG_IRQ_RAISE, EDU_IRQ_TEST);
	edu_wr32(bar, EDU_REG_IRQ_ACK, EDU_IRQ_TEST);
}

static int msi_flags(struct vfio_dev *d)
{
	int pos = cfg_find_cap(d, PCI_CAP_ID_MSI);
	uint16_t flags;

	if (!pos)
		return -ENOENT;
	if (vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, pos + 2, &flags,
			     2))
		return -EIO;
	return flags;
}

TEST_F(msi, info_reports_one_vector_that_cannot_be_resized)
{
	struct vfio_irq_info info;

	ASSERT_EQ(0, vfio_irq_info(&self->d, MSI, &info));
	EXPECT_EQ(1, info.count);
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, info.flags);
}

TEST_F(msi, device_interrupt_arrives_on_the_vector_eventfd)
{
	int i;

	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	for (i = 0; i < 3; i++) {
		fire(self->bar);
		EXPECT_EQ(1, eventfd_wait(self->efd, FIRE_MS));
	}
}

TEST_F(msi, more_vectors_than_the_device_has_are_refused)
{
	int fds[2] = { self->efd, self->efd };

	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, MSI, 0, 2, fds));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, MSI, 1, 1, fds));
	/* nothing was enabled by the refusals */
	EXPECT_EQ(0, msi_flags(&self->d) & PCI_MSI_FLAGS_ENABLE);
}

TEST_F(msi, config_space_shows_msi_enabled_while_in_use)
{
	int flags;

	flags = msi_flags(&self->d);
	ASSERT_LE(0, flags);
	EXPECT_EQ(0, flags & PCI_MSI_FLAGS_ENABLE);
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	flags = msi_flags(&self->d);
	EXPECT_EQ(PCI_MSI_FLAGS_ENABLE, flags & PCI_MSI_FLAGS_ENABLE);
	/* one vector: Multiple Message Enable is 0 */
	EXPECT_EQ(0, flags & PCI_MSI_FLAGS_QSIZE);
	ASSERT_EQ(0, vfio_irq_none(&self->d, MSI, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	EXPECT_EQ(0, msi_flags(&self->d) & PCI_MSI_FLAGS_ENABLE);
}

TEST_F(msi, replaced_eventfd_takes_over_delivery)
{
	int fresh = efd_new();

	ASSERT_LE(0, fresh);
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &fresh));
	fire(self->bar);
	EXPECT_EQ(1, eventfd_wait(fresh, FIRE_MS));
	EXPECT_EQ(0, efd_drain(self->efd));
	close(fresh);
}

TEST_F(msi, disconnected_vector_keeps_msi_on_until_disabled)
{
	int none = -1;

	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &none));
	EXPECT_EQ(PCI_MSI_FLAGS_ENABLE,
		  msi_flags(&self->d) & PCI_MSI_FLAGS_ENABLE);
	/* reconnected, it delivers again */
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	fire(self->bar);
	EXPECT_EQ(1, eventfd_wait(self->efd, FIRE_MS));
}

TEST_F(msi, host_vector_is_named_after_the_device)
{
	char name[64];
	uint64_t before, after;

	snprintf(name, sizeof(name), "vfio-msi[0](%s)", EDU_BDF);
	EXPECT_EQ(-ENOENT, proc_irq_find(name, NULL));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	ASSERT_LT(0, proc_irq_find(name, &before));
	fire(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->efd, FIRE_MS));
	ASSERT_LT(0, proc_irq_find(name, &after));
	EXPECT_EQ(before + 1, after);
	ASSERT_EQ(0, vfio_irq_none(&self->d, MSI, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	EXPECT_EQ(-ENOENT, proc_irq_find(name, NULL));
}

TEST_F(msi, loopback_signals_the_eventfd)
{
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	ASSERT_EQ(0, vfio_irq_none(&self->d, MSI, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 1));
	EXPECT_EQ(1, efd_drain(self->efd));
	ASSERT_EQ(0, vfio_irq_bool(&self->d, MSI, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	EXPECT_EQ(0, efd_drain(self->efd));
	ASSERT_EQ(0, vfio_irq_bool(&self->d, MSI, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 1));
	EXPECT_EQ(1, efd_drain(self->efd));
}

TEST_F(msi, loopback_and_disable_need_msi_on)
{
	EXPECT_EQ(-EINVAL, vfio_irq_none(&self->d, MSI,
					 VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1));
	EXPECT_EQ(-EINVAL, vfio_irq_none(&self->d, MSI,
					 VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0));
}

TEST_F(msi, msi_can_be_turned_off_and_on_again)
{
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	ASSERT_EQ(0, vfio_irq_none(&self->d, MSI, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	fire(self->bar);
	EXPECT_EQ(1, eventfd_wait(self->efd, FIRE_MS));
}

TEST_F(msi, intx_and_msix_wait_until_msi_is_off)
{
	int efd = efd_new();

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
					&efd));
	/* the edu has no MSI-X at all */
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, VFIO_PCI_MSIX_IRQ_INDEX, 0,
					1, &efd));
	ASSERT_EQ(0, vfio_irq_none(&self->d, MSI, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	EXPECT_EQ(0, vfio_irq_fds(&self->d, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
				  &efd));
	vfio_irq_none(&self->d, VFIO_PCI_INTX_IRQ_INDEX,
		      VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
	close(efd);
}

TEST_F(msi, masking_is_not_supported)
{
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	EXPECT_EQ(-ENOTTY, vfio_irq_none(&self->d, MSI,
					 VFIO_IRQ_SET_ACTION_MASK, 0, 1));
	EXPECT_EQ(-ENOTTY, vfio_irq_none(&self->d, MSI,
					 VFIO_IRQ_SET_ACTION_UNMASK, 0, 1));
}

TEST_HARNESS_MAIN
