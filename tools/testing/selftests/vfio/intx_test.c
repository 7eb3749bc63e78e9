// SPDX-License-Identifier: GPL-2.0
/*
 * INTx of vfio-pci, driven by the edu at 00:02.0, which asserts its INTx
 * line while MSI is off and a status bit is set (0x60 sets bits, 0x64
 * clears them).  vfio-pci signals the trigger eventfd and masks the line
 * until userspace unmasks it; a line still asserted at unmask fires again.
 * The trigger eventfd can be swapped while the line is asserted without
 * the interrupt being lost.  The nointxmask fixture reloads vfio-pci with
 * nointxmask=1, so the line is masked at the interrupt controller instead
 * of with the device's INTx Disable bit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/irq.h"
#include "lib/modules.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define EDU_IRQ_TEST	0x1	/* a status bit the edu does not use itself */
#define QUIET_MS	300	/* how long a masked line must stay silent */
#define FIRE_MS		5000
#define INTX		VFIO_PCI_INTX_IRQ_INDEX
#define PCI_COMMAND_INTX_DISABLE 0x400

static int intx_open(struct vfio_dev *d, void **bar, size_t *bar_size,
		     int *trigger)
{
	int ret;

	ret = vfio_dev_open(d, EDU_BDF, VFIO_TYPE1v2_IOMMU);
	if (ret)
		return ret;
	*bar = vfio_region_mmap(d, VFIO_PCI_BAR0_REGION_INDEX, bar_size);
	if (!*bar)
		return -ENOMEM;
	*trigger = efd_new();
	if (*trigger < 0)
		return *trigger;
	return vfio_irq_fds(d, INTX, 0, 1, trigger);
}

static void intx_close(struct vfio_dev *d, void *bar, size_t bar_size,
		       int trigger)
{
	if (d->device >= 0)
		vfio_irq_none(d, INTX, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
	if (bar) {
		edu_wr32(bar, EDU_REG_IRQ_ACK, EDU_IRQ_TEST);
		munmap(bar, bar_size);
	}
	if (trigger >= 0)
		close(trigger);
	vfio_dev_close(d);
}

FIXTURE(intx) {
	struct vfio_dev d;
	void *bar;
	size_t bar_size;
	int trigger;
};

FIXTURE_SETUP(intx)
{
	self->bar = NULL;
	self->trigger = -1;
	ASSERT_EQ(0, intx_open(&self->d, &self->bar, &self->bar_size,
			       &self->trigger));
}

FIXTURE_TEARDOWN(intx)
{
	intx_close(&self->d, self->bar, self->bar_size, self->trigger);
}

static void raise_intx(void *bar)
{
	edu_wr32(bar, EDU_REG_IRQ_RAISE, EDU_IRQ_TEST);
}

static void ack_intx(void *bar)
{
	edu_wr32(bar, EDU_REG_IRQ_ACK, EDU_IRQ_TEST);
}

static int unmask(struct vfio_dev *d)
{
	return vfio_irq_none(d, INTX, VFIO_IRQ_SET_ACTION_UNMASK, 0, 1);
}

static int mask(struct vfio_dev *d)
{
	return vfio_irq_none(d, INTX, VFIO_IRQ_SET_ACTION_MASK, 0, 1);
}

/* INTx Disable in the real command register (sysfs config): 0, 1, -errno */
static int host_intx_disabled(const char *bdf)
{
	char path[128];
	uint16_t cmd;
	int fd, n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, &cmd, sizeof(cmd), 4);
	close(fd);
	if (n != sizeof(cmd))
		return -EIO;
	return !!(cmd & PCI_COMMAND_INTX_DISABLE);
}

TEST_F(intx, info_reports_one_maskable_automasked_interrupt)
{
	struct vfio_irq_info info;

	ASSERT_EQ(0, vfio_irq_info(&self->d, INTX, &info));
	EXPECT_EQ(1, info.count);
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
		  VFIO_IRQ_INFO_AUTOMASKED, info.flags);
}

TEST_F(intx, asserted_line_fires_once_then_stays_masked)
{
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
}

TEST_F(intx, unmask_resignals_a_line_still_asserted)
{
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
}

TEST_F(intx, acknowledged_line_stays_quiet_after_unmask)
{
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	ack_intx(self->bar);
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
	/* and the line works again */
	raise_intx(self->bar);
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
}

TEST_F(intx, unmask_bool_acts_only_when_true)
{
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	ASSERT_EQ(0, vfio_irq_bool(&self->d, INTX, VFIO_IRQ_SET_ACTION_UNMASK,
				   0, 0));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
	ASSERT_EQ(0, vfio_irq_bool(&self->d, INTX, VFIO_IRQ_SET_ACTION_UNMASK,
				   0, 1));
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
}

TEST_F(intx, mask_holds_an_interrupt_until_unmask)
{
	ASSERT_EQ(0, mask(&self->d));
	raise_intx(self->bar);
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
}

TEST_F(intx, mask_bool_acts_only_when_true)
{
	ASSERT_EQ(0, vfio_irq_bool(&self->d, INTX, VFIO_IRQ_SET_ACTION_MASK,
				   0, 0));
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	ack_intx(self->bar);
	ASSERT_EQ(0, unmask(&self->d));
	ASSERT_EQ(0, vfio_irq_bool(&self->d, INTX, VFIO_IRQ_SET_ACTION_MASK,
				   0, 1));
	raise_intx(self->bar);
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
}

TEST_F(intx, masking_through_an_eventfd_is_not_supported)
{
	int efd = efd_new();

	ASSERT_LE(0, efd);
	EXPECT_EQ(-ENOTTY, vfio_set_irqs(&self->d, VFIO_IRQ_SET_DATA_EVENTFD |
					 VFIO_IRQ_SET_ACTION_MASK, INTX, 0, 1,
					 &efd, sizeof(efd)));
	close(efd);
}

TEST_F(intx, swapped_trigger_gets_the_asserted_interrupt_at_unmask)
{
	int fresh = efd_new();

	ASSERT_LE(0, fresh);
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	/* still asserted and masked: swap, then unmask */
	ASSERT_EQ(0, vfio_irq_fds(&self->d, INTX, 0, 1, &fresh));
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(1, eventfd_wait(fresh, FIRE_MS));
	EXPECT_EQ(0, efd_drain(self->trigger));
	close(fresh);
}

TEST_F(intx, swap_while_masked_by_ioctl_loses_nothing)
{
	int fresh = efd_new();

	ASSERT_LE(0, fresh);
	ASSERT_EQ(0, mask(&self->d));
	raise_intx(self->bar);
	ASSERT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, INTX, 0, 1, &fresh));
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(1, eventfd_wait(fresh, FIRE_MS));
	EXPECT_EQ(0, efd_drain(self->trigger));
	close(fresh);
}

TEST_F(intx, interrupt_without_trigger_reaches_a_later_trigger)
{
	int none = -1, fresh = efd_new();

	ASSERT_LE(0, fresh);
	/* INTx stays enabled with no eventfd: it fires and masks silently */
	ASSERT_EQ(0, vfio_irq_fds(&self->d, INTX, 0, 1, &none));
	raise_intx(self->bar);
	usleep(QUIET_MS * 1000);
	ASSERT_EQ(0, vfio_irq_fds(&self->d, INTX, 0, 1, &fresh));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(fresh, QUIET_MS));
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(1, eventfd_wait(fresh, FIRE_MS));
	close(fresh);
}

TEST_F(intx, swapped_trigger_gets_the_interrupt_at_eventfd_unmask)
{
	int fresh = efd_new(), unmask_fd = efd_new();

	ASSERT_LE(0, fresh);
	ASSERT_LE(0, unmask_fd);
	ASSERT_EQ(0, vfio_set_irqs(&self->d, VFIO_IRQ_SET_DATA_EVENTFD |
				   VFIO_IRQ_SET_ACTION_UNMASK, INTX, 0, 1,
				   &unmask_fd, sizeof(unmask_fd)));
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, INTX, 0, 1, &fresh));
	/* the resend from the unmask eventfd goes to the new trigger */
	efd_signal(unmask_fd);
	EXPECT_EQ(1, eventfd_wait(fresh, FIRE_MS));
	EXPECT_EQ(0, efd_drain(self->trigger));
	close(fresh);
	close(unmask_fd);
}

TEST_F(intx, loopback_signals_the_trigger)
{
	ASSERT_EQ(0, vfio_irq_none(&self->d, INTX, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 1));
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	ASSERT_EQ(0, vfio_irq_bool(&self->d, INTX, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	EXPECT_EQ(0, efd_drain(self->trigger));
	ASSERT_EQ(0, vfio_irq_bool(&self->d, INTX, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 1));
	EXPECT_EQ(1, efd_drain(self->trigger));
}

static int set_user_intx_disable(struct vfio_dev *d, bool on)
{
	uint16_t cmd;
	int ret;

	ret = vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 4, &cmd, 2);
	if (ret)
		return ret;
	cmd = on ? cmd | PCI_COMMAND_INTX_DISABLE :
		   cmd & ~PCI_COMMAND_INTX_DISABLE;
	return vfio_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, 4, &cmd, 2);
}

TEST_F(intx, user_intx_disable_holds_the_interrupt_until_cleared)
{
	ASSERT_EQ(0, set_user_intx_disable(&self->d, true));
	raise_intx(self->bar);
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
	ASSERT_EQ(0, set_user_intx_disable(&self->d, false));
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
}

TEST_F(intx, line_is_masked_with_intx_disable_at_the_device)
{
	ASSERT_EQ(0, host_intx_disabled(EDU_BDF));
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	EXPECT_EQ(1, host_intx_disabled(EDU_BDF));
	ack_intx(self->bar);
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(0, host_intx_disabled(EDU_BDF));
}

TEST_F(intx, host_line_is_named_after_the_device_and_counts)
{
	char name[64];
	uint64_t before, after;

	snprintf(name, sizeof(name), "vfio-intx(%s)", EDU_BDF);
	ASSERT_LT(0, proc_irq_find(name, &before));
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	ASSERT_LT(0, proc_irq_find(name, &after));
	EXPECT_LT(before, after);
	/* gone with INTx */
	ASSERT_EQ(0, vfio_irq_none(&self->d, INTX, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	EXPECT_EQ(-ENOENT, proc_irq_find(name, NULL));
}

TEST_F(intx, msi_waits_until_intx_is_off)
{
	int efd = efd_new();

	ASSERT_LE(0, efd);
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
					&efd));
	ASSERT_EQ(0, vfio_irq_none(&self->d, INTX, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	EXPECT_EQ(0, vfio_irq_fds(&self->d, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
				  &efd));
	EXPECT_EQ(0, vfio_irq_none(&self->d, VFIO_PCI_MSI_IRQ_INDEX,
				   VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0));
	close(efd);
}

TEST_F(intx, mask_and_unmask_need_intx_enabled)
{
	ASSERT_EQ(0, vfio_irq_none(&self->d, INTX, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	EXPECT_EQ(-EINVAL, mask(&self->d));
	EXPECT_EQ(-EINVAL, unmask(&self->d));
	EXPECT_EQ(-EINVAL, vfio_irq_none(&self->d, INTX,
					 VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1));
}

/*
 * A shared line: on the test machine the edu at 00:02.0 and the nvme at
 * 02:00.0 are routed to the same interrupt.  Each registers its handler
 * on it; only the device actually asserting its INTx is signalled.
 */
FIXTURE(shared) {
	struct vfio_dev edu, nvme;
	void *bar;
	size_t bar_size;
	int edu_trigger, nvme_trigger;
};

FIXTURE_SETUP(shared)
{
	self->bar = NULL;
	self->edu_trigger = -1;
	self->nvme_trigger = -1;
	vfio_dev_init(&self->nvme);
	ASSERT_EQ(0, intx_open(&self->edu, &self->bar, &self->bar_size,
			       &self->edu_trigger));
	/* the nvme is not driven: its INTx stays deasserted */
	ASSERT_EQ(0, vfio_dev_open(&self->nvme, NVME_BDF, VFIO_TYPE1v2_IOMMU));
	self->nvme_trigger = efd_new();
	ASSERT_LE(0, self->nvme_trigger);
	ASSERT_EQ(0, vfio_irq_fds(&self->nvme, INTX, 0, 1,
				  &self->nvme_trigger));
}

FIXTURE_TEARDOWN(shared)
{
	intx_close(&self->nvme, NULL, 0, self->nvme_trigger);
	intx_close(&self->edu, self->bar, self->bar_size, self->edu_trigger);
}

TEST_F(shared, only_the_asserting_device_is_signalled)
{
	char edu_name[64], nvme_name[64];
	int irq;

	snprintf(edu_name, sizeof(edu_name), "vfio-intx(%s)", EDU_BDF);
	snprintf(nvme_name, sizeof(nvme_name), "vfio-intx(%s)", NVME_BDF);
	irq = proc_irq_find(edu_name, NULL);
	ASSERT_LT(0, irq);
	ASSERT_EQ(irq, proc_irq_find(nvme_name, NULL)) {
		TH_LOG("the machine no longer routes both to one line");
	}
	raise_intx(self->bar);
	EXPECT_EQ(1, eventfd_wait(self->edu_trigger, FIRE_MS));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->nvme_trigger, QUIET_MS));
	/* masked at the edu, the line is quiet; unmasked, the edu again */
	EXPECT_EQ(1, host_intx_disabled(EDU_BDF));
	EXPECT_EQ(0, host_intx_disabled(NVME_BDF));
	ASSERT_EQ(0, unmask(&self->edu));
	EXPECT_EQ(1, eventfd_wait(self->edu_trigger, FIRE_MS));
	EXPECT_EQ(0, efd_drain(self->nvme_trigger));
}

/*
 * vfio-pci reloaded with nointxmask=1: INTx Disable is left alone, the
 * line is masked at the interrupt controller and must be exclusive.
 */
FIXTURE(nointxmask) {
	struct vfio_dev d;
	void *bar;
	size_t bar_size;
	int trigger;
	bool reloaded;
};

FIXTURE_SETUP(nointxmask)
{
	char val[8];

	vfio_dev_init(&self->d);
	self->bar = NULL;
	self->trigger = -1;
	ASSERT_EQ(0, vfio_pci_reload("nointxmask=1"));
	self->reloaded = true;
	ASSERT_EQ(0, sysfs_read("/sys/module/vfio_pci/parameters/nointxmask",
				val, sizeof(val)));
	ASSERT_STREQ("Y", val);
	ASSERT_EQ(0, intx_open(&self->d, &self->bar, &self->bar_size,
			       &self->trigger));
}

FIXTURE_TEARDOWN(nointxmask)
{
	char val[8];

	intx_close(&self->d, self->bar, self->bar_size, self->trigger);
	if (!self->reloaded)
		return;
	/* loaded again without the parameter, masking is back to normal */
	EXPECT_EQ(0, vfio_pci_reload(""));
	EXPECT_EQ(0, sysfs_read("/sys/module/vfio_pci/parameters/nointxmask",
				val, sizeof(val)));
	EXPECT_STREQ("N", val);
}

TEST_F(nointxmask, line_fires_masks_and_refires_at_unmask)
{
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	ack_intx(self->bar);
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
}

TEST_F(nointxmask, mask_holds_an_interrupt_until_unmask)
{
	ASSERT_EQ(0, mask(&self->d));
	raise_intx(self->bar);
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->trigger, QUIET_MS));
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
}

TEST_F(nointxmask, line_is_masked_without_intx_disable)
{
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	EXPECT_EQ(0, host_intx_disabled(EDU_BDF));
}

TEST_F(nointxmask, swapped_trigger_gets_the_asserted_interrupt_at_unmask)
{
	int fresh = efd_new();

	ASSERT_LE(0, fresh);
	raise_intx(self->bar);
	ASSERT_EQ(1, eventfd_wait(self->trigger, FIRE_MS));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, INTX, 0, 1, &fresh));
	ASSERT_EQ(0, unmask(&self->d));
	EXPECT_EQ(1, eventfd_wait(fresh, FIRE_MS));
	EXPECT_EQ(0, efd_drain(self->trigger));
	close(fresh);
}

TEST_HARNESS_MAIN
