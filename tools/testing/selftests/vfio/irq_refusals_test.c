// SPDX-License-Identifier: GPL-2.0
/*
 * What VFIO_DEVICE_SET_IRQS and GET_IRQ_INFO refuse, with the errno Linux
 * 6.1 gives: short or inconsistent headers, unknown flags, indexes and
 * ranges out of bounds (overflowing ones too), data arrays shorter than
 * the count, descriptors that are no eventfds, actions an index does not
 * have.  A refused request leaves nothing enabled.  Mostly on the edu at
 * 00:02.0 (INTx and one MSI vector); pci-testdev at 00:03.0 has no
 * interrupts at all.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/irq.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define HDR		((uint32_t)sizeof(struct vfio_irq_set))
#define MINSZ		((uint32_t)offsetof(struct vfio_irq_set, data))
#define INTX		VFIO_PCI_INTX_IRQ_INDEX
#define MSI		VFIO_PCI_MSI_IRQ_INDEX
#define TRIGGER		VFIO_IRQ_SET_ACTION_TRIGGER
#define EVENTFD		VFIO_IRQ_SET_DATA_EVENTFD

FIXTURE(edu) {
	struct vfio_dev d;
	int efd;
};

FIXTURE_SETUP(edu)
{
	self->efd = -1;
	ASSERT_EQ(0, vfio_dev_open(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	self->efd = efd_new();
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(edu)
{
	if (self->d.device >= 0) {
		vfio_irq_none(&self->d, MSI, TRIGGER, 0, 0);
		vfio_irq_none(&self->d, INTX, TRIGGER, 0, 0);
	}
	if (self->efd >= 0)
		close(self->efd);
	vfio_dev_close(&self->d);
}

/* Can MSI be enabled now?  Proves a refusal left nothing behind. */
static int msi_usable(struct _test_data_edu *self)
{
	int ret = vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd);

	if (!ret)
		ret = vfio_irq_none(&self->d, MSI, TRIGGER, 0, 0);
	return ret;
}

TEST_F(edu, header_shorter_than_its_fields_is_refused)
{
	EXPECT_EQ(-EINVAL, vfio_set_irqs_argsz(&self->d, MINSZ - 1, EVENTFD |
					       TRIGGER, MSI, 0, 1, &self->efd,
					       4));
	EXPECT_EQ(-EINVAL, vfio_set_irqs_argsz(&self->d, 0, EVENTFD | TRIGGER,
					       MSI, 0, 1, &self->efd, 4));
	EXPECT_EQ(0, msi_usable(self));
}

TEST_F(edu, unknown_flag_bits_are_refused)
{
	EXPECT_EQ(-EINVAL, vfio_set_irqs(&self->d, EVENTFD | TRIGGER | 1u << 6,
					 MSI, 0, 1, &self->efd, 4));
	EXPECT_EQ(-EINVAL, vfio_set_irqs(&self->d, EVENTFD | TRIGGER | 1u << 31,
					 MSI, 0, 1, &self->efd, 4));
	EXPECT_EQ(0, msi_usable(self));
}

TEST_F(edu, two_data_types_are_refused)
{
	EXPECT_EQ(-EINVAL, vfio_set_irqs(&self->d, VFIO_IRQ_SET_DATA_NONE |
					 VFIO_IRQ_SET_DATA_BOOL | TRIGGER, INTX,
					 0, 1, "\1\0\0\0", 4));
	EXPECT_EQ(-EINVAL, vfio_set_irqs(&self->d, EVENTFD |
					 VFIO_IRQ_SET_DATA_BOOL | TRIGGER, MSI,
					 0, 1, &self->efd, 4));
}

TEST_F(edu, no_action_or_two_actions_are_not_handled)
{
	EXPECT_EQ(-ENOTTY, vfio_set_irqs(&self->d, EVENTFD, MSI, 0, 1,
					 &self->efd, 4));
	EXPECT_EQ(-ENOTTY, vfio_set_irqs(&self->d, EVENTFD | TRIGGER |
					 VFIO_IRQ_SET_ACTION_UNMASK, INTX, 0, 1,
					 &self->efd, 4));
	EXPECT_EQ(0, msi_usable(self));
}

TEST_F(edu, index_past_the_last_is_refused)
{
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, VFIO_PCI_NUM_IRQS, 0, 1,
					&self->efd));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, ~0u, 0, 1, &self->efd));
}

TEST_F(edu, range_past_the_index_count_is_refused)
{
	int fds[2] = { self->efd, self->efd };

	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, INTX, 1, 1, fds));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, MSI, 0, 2, fds));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, MSI, 1, 0, fds));
	/* MSI-X: the edu has none */
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, VFIO_PCI_MSIX_IRQ_INDEX, 0,
					1, fds));
	EXPECT_EQ(0, msi_usable(self));
}

TEST_F(edu, overflowing_ranges_are_refused)
{
	EXPECT_EQ(-EINVAL, vfio_set_irqs(&self->d, VFIO_IRQ_SET_DATA_NONE |
					 TRIGGER, MSI, 1, ~0u, NULL, 0));
	EXPECT_EQ(-EINVAL, vfio_set_irqs(&self->d, VFIO_IRQ_SET_DATA_NONE |
					 TRIGGER, MSI, ~0u, 1, NULL, 0));
	EXPECT_EQ(-EINVAL, vfio_set_irqs(&self->d, VFIO_IRQ_SET_DATA_NONE |
					 TRIGGER, MSI, 0x80000000u,
					 0x80000000u, NULL, 0));
	/* a count whose eventfd array would overflow 32 bits */
	EXPECT_EQ(-EINVAL, vfio_set_irqs(&self->d, EVENTFD | TRIGGER, MSI, 0,
					 0x40000001u, &self->efd, 4));
	EXPECT_EQ(0, msi_usable(self));
}

TEST_F(edu, data_shorter_than_the_count_is_refused)
{
	EXPECT_EQ(-EINVAL, vfio_set_irqs_argsz(&self->d, HDR, EVENTFD |
					       TRIGGER, MSI, 0, 1, &self->efd,
					       4));
	EXPECT_EQ(-EINVAL, vfio_set_irqs_argsz(&self->d, HDR + 3, EVENTFD |
					       TRIGGER, MSI, 0, 1, &self->efd,
					       4));
	EXPECT_EQ(-EINVAL, vfio_set_irqs_argsz(&self->d, HDR,
					       VFIO_IRQ_SET_DATA_BOOL | TRIGGER,
					       INTX, 0, 1, "\1", 1));
	EXPECT_EQ(0, msi_usable(self));
}

TEST_F(edu, argsz_beyond_the_data_is_accepted)
{
	EXPECT_EQ(0, vfio_set_irqs_argsz(&self->d, HDR + 4 + 64, EVENTFD |
					 TRIGGER, MSI, 0, 1, &self->efd, 4));
}

TEST_F(edu, descriptor_that_is_no_eventfd_is_refused)
{
	int fd = self->d.container;

	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, MSI, 0, 1, &fd));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, INTX, 0, 1, &fd));
	fd = 1000;	/* not open */
	EXPECT_EQ(-EBADF, vfio_irq_fds(&self->d, MSI, 0, 1, &fd));
	EXPECT_EQ(0, msi_usable(self));
}

TEST_F(edu, any_negative_descriptor_disconnects_a_vector)
{
	char name[64];
	int fd = -2;

	snprintf(name, sizeof(name), "vfio-msi[0](%s)", EDU_BDF);
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	ASSERT_LT(0, proc_irq_find(name, NULL));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &fd));
	EXPECT_EQ(-ENOENT, proc_irq_find(name, NULL));
}

TEST_F(edu, actions_an_index_lacks_are_not_handled)
{
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &self->efd));
	EXPECT_EQ(-ENOTTY, vfio_irq_none(&self->d, MSI,
					 VFIO_IRQ_SET_ACTION_MASK, 0, 1));
	EXPECT_EQ(-ENOTTY, vfio_irq_none(&self->d, VFIO_PCI_REQ_IRQ_INDEX,
					 VFIO_IRQ_SET_ACTION_MASK, 0, 1));
	EXPECT_EQ(-ENOTTY, vfio_irq_none(&self->d, VFIO_PCI_REQ_IRQ_INDEX,
					 VFIO_IRQ_SET_ACTION_UNMASK, 0, 1));
}

TEST_F(edu, failed_enable_leaves_msi_off)
{
	int bad = 1000;

	EXPECT_EQ(-EBADF, vfio_irq_fds(&self->d, MSI, 0, 1, &bad));
	/* MSI off: INTx can take over */
	EXPECT_EQ(0, vfio_irq_fds(&self->d, INTX, 0, 1, &self->efd));
}

static int irq_info_argsz(struct vfio_dev *d, uint32_t argsz, uint32_t index,
			  struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = argsz;
	info->index = index;
	return ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, info) ? -errno : 0;
}

TEST_F(edu, irq_info_refuses_short_argsz_and_unknown_indexes)
{
	struct vfio_irq_info info;

	EXPECT_EQ(-EINVAL, irq_info_argsz(&self->d,
					  offsetof(struct vfio_irq_info, count),
					  INTX, &info));
	EXPECT_EQ(-EINVAL, irq_info_argsz(&self->d, sizeof(info),
					  VFIO_PCI_NUM_IRQS, &info));
	EXPECT_EQ(-EINVAL, irq_info_argsz(&self->d, sizeof(info), ~0u, &info));
	/* conventional PCI: no error reporting index */
	EXPECT_EQ(-EINVAL, irq_info_argsz(&self->d, sizeof(info),
					  VFIO_PCI_ERR_IRQ_INDEX, &info));
	EXPECT_EQ(0, irq_info_argsz(&self->d, sizeof(info),
				    VFIO_PCI_MSIX_IRQ_INDEX, &info));
	EXPECT_EQ(0, info.count);
}

/* pci-testdev: BARs only, no interrupt of any kind */
FIXTURE(testdev) {
	struct vfio_dev d;
};

FIXTURE_SETUP(testdev)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, TESTDEV_BDF, VFIO_TYPE1v2_IOMMU));
}

FIXTURE_TEARDOWN(testdev)
{
	vfio_dev_close(&self->d);
}

TEST_F(testdev, device_without_interrupts_has_none_to_set)
{
	static const uint32_t idx[] = { INTX, MSI, VFIO_PCI_MSIX_IRQ_INDEX };
	struct vfio_irq_info info;
	int efd = efd_new();
	unsigned int i;

	ASSERT_LE(0, efd);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, vfio_irq_info(&self->d, idx[i], &info));
		EXPECT_EQ(0, info.count);
		EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, idx[i], 0, 1, &efd));
		EXPECT_EQ(-EINVAL, vfio_irq_none(&self->d, idx[i], TRIGGER, 0,
						 0));
	}
	/* the request index exists on every device */
	ASSERT_EQ(0, vfio_irq_info(&self->d, VFIO_PCI_REQ_IRQ_INDEX, &info));
	EXPECT_EQ(1, info.count);
	close(efd);
}

TEST_HARNESS_MAIN
