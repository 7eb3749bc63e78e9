// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_virqfd through vfio-pci's INTx unmask eventfd (the path a VMM uses
 * to let the guest's EOI re-enable a level interrupt without a syscall).
 * The edu at 00:02.0 raises INTx while its MSI is off; vfio-pci masks the
 * line when it fires, and only a signal on the unmask eventfd lets the
 * still-asserted line fire again.  Also: one unmask eventfd per vector,
 * released by removing it or by closing it.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define EDU_IRQ_TEST	0x1	/* a status bit the edu does not use itself */
#define QUIET_MS	300	/* how long a masked line must stay silent */
#define FIRE_MS		5000

FIXTURE(intx) {
	struct vfio_dev d;
	void *bar;
	size_t bar_size;
	int trigger;
	int unmask;
};

FIXTURE_SETUP(intx)
{
	self->trigger = -1;
	self->unmask = -1;
	ASSERT_EQ(0, vfio_dev_open(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	self->bar = vfio_region_mmap(&self->d, VFIO_PCI_BAR0_REGION_INDEX,
				     &self->bar_size);
	ASSERT_NE(NULL, self->bar);
	self->trigger = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	self->unmask = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, self->trigger);
	ASSERT_LE(0, self->unmask);
	ASSERT_EQ(0, vfio_irq_set_fd(&self->d, VFIO_PCI_INTX_IRQ_INDEX,
				     VFIO_IRQ_SET_ACTION_TRIGGER, self->trigger));
}

FIXTURE_TEARDOWN(intx)
{
	vfio_irq_disable(&self->d, VFIO_PCI_INTX_IRQ_INDEX);
	if (self->bar) {
		edu_wr32(self->bar, EDU_REG_IRQ_ACK, EDU_IRQ_TEST);
		munmap(self->bar, self->bar_size);
	}
	if (self->trigger >= 0)
		close(self->trigger);
	if (self->unmask >= 0)
		close(self->unmask);
	vfio_dev_close(&self->d);
}

static int set_unmask_fd(struct _test_data_intx *self, int fd)
{
	return vfio_irq_set_fd(&self->d, VFIO_PCI_INTX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_UNMASK, fd);
}

static void signal_fd(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		_exit(3);
}

TEST_F(intx, unmask_eventfd_reenables_the_masked_line)
{
	ASSERT_EQ(0, set_unmask_fd(self, self->unmask));
	edu_wr32(self->bar, EDU_REG_IRQ_RAISE, EDU_IRQ_TEST);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	/* still asserted, but masked after firing: silence */
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
	signal_fd(self->unmask);
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	/* acknowledged at the device, an unmask brings nothing more */
	edu_wr32(self->bar, EDU_REG_IRQ_ACK, EDU_IRQ_TEST);
	signal_fd(self->unmask);
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
}

TEST_F(intx, unmask_signalled_before_registration_still_unmasks)
{
	edu_wr32(self->bar, EDU_REG_IRQ_RAISE, EDU_IRQ_TEST);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	signal_fd(self->unmask);
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
	/* the pending count is seen when the eventfd is attached */
	ASSERT_EQ(0, set_unmask_fd(self, self->unmask));
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
}

TEST_F(intx, second_unmask_eventfd_is_busy_until_the_first_is_removed)
{
	int other = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ASSERT_LE(0, other);
	ASSERT_EQ(0, set_unmask_fd(self, self->unmask));
	EXPECT_EQ(-EBUSY, set_unmask_fd(self, other));
	ASSERT_EQ(0, set_unmask_fd(self, -1));
	EXPECT_EQ(0, set_unmask_fd(self, other));
	close(other);
}

TEST_F(intx, closing_the_unmask_eventfd_releases_it)
{
	int other = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ASSERT_LE(0, other);
	ASSERT_EQ(0, set_unmask_fd(self, self->unmask));
	ASSERT_EQ(0, close(self->unmask));
	self->unmask = -1;
	/* the old one is gone: a new one may take its place and works */
	ASSERT_EQ(0, set_unmask_fd(self, other));
	edu_wr32(self->bar, EDU_REG_IRQ_RAISE, EDU_IRQ_TEST);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	signal_fd(other);
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	close(other);
}

TEST_F(intx, unmask_rejects_an_fd_that_is_no_eventfd)
{
	EXPECT_EQ(-EINVAL, set_unmask_fd(self, self->d.container));
	EXPECT_EQ(-EBADF, set_unmask_fd(self, 1000));
}

TEST_HARNESS_MAIN
