// SPDX-License-Identifier: GPL-2.0
/*
 * The error (ERR) and request (REQ) indexes of vfio-pci: one eventfd each,
 * no host interrupt behind them.  REQ exists on every device and is
 * signalled when the host wants the device back: here, an unbind from
 * vfio-pci (in a child, as it blocks) while the device is open; the unbind
 * completes once the parent closes the device.  ERR exists only on PCI
 * Express functions (the nvme at 02:00.0, not the conventional edu).  A
 * real AER error reaches it: QEMU's monitor injects an uncorrectable,
 * non-fatal error (poisoned TLP) into the virtio-rng behind root port rp3
 * (QEMU's virtio devices offer AER with aer=on; its e1000e cannot enable
 * error reporting); the guest's AER driver receives it through the port
 * and calls vfio-pci's error handler, which signals the ERR eventfd.  As on Linux 6.1, enabling
 * the function's error reporting (Device Control) is the user's job, as a
 * guest driver would through QEMU; the write passes through to the device.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lib/irq.h"
#include "lib/monitor.h"
#include "lib/pci.h"
#include "lib/regions.h"
#include "lib/vfio.h"

#define REQ		VFIO_PCI_REQ_IRQ_INDEX
#define ERR		VFIO_PCI_ERR_IRQ_INDEX
#define TRIGGER		VFIO_IRQ_SET_ACTION_TRIGGER
#define FIRE_MS		5000
#define PCI_CAP_ID_EXP	0x10
#define PCI_EXP_DEVCTL	8
/* correctable, non-fatal, fatal and unsupported request reporting */
#define DEVCTL_REPORT_ALL	0x000f

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
	if (self->efd >= 0)
		close(self->efd);
	vfio_dev_close(&self->d);
	/* the unbind test leaves the edu unbound: give it back */
	pci_bind(EDU_BDF, "vfio-pci");
}

TEST_F(edu, req_index_has_one_eventfd_interrupt)
{
	struct vfio_irq_info info;

	ASSERT_EQ(0, vfio_irq_info(&self->d, REQ, &info));
	EXPECT_EQ(1, info.count);
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, info.flags);
}

TEST_F(edu, err_index_is_absent_on_conventional_pci)
{
	struct vfio_irq_info info;

	EXPECT_EQ(-EINVAL, vfio_irq_info(&self->d, ERR, &info));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, ERR, 0, 1, &self->efd));
}

TEST_F(edu, req_loopback_signals_the_eventfd)
{
	ASSERT_EQ(0, vfio_irq_fds(&self->d, REQ, 0, 1, &self->efd));
	ASSERT_EQ(0, vfio_irq_none(&self->d, REQ, TRIGGER, 0, 1));
	EXPECT_EQ(1, efd_drain(self->efd));
	ASSERT_EQ(0, vfio_irq_bool(&self->d, REQ, TRIGGER, 0, 0));
	EXPECT_EQ(0, efd_drain(self->efd));
	ASSERT_EQ(0, vfio_irq_bool(&self->d, REQ, TRIGGER, 0, 1));
	EXPECT_EQ(1, efd_drain(self->efd));
}

TEST_F(edu, req_signal_or_removal_needs_an_eventfd)
{
	EXPECT_EQ(-EINVAL, vfio_irq_none(&self->d, REQ, TRIGGER, 0, 1));
	EXPECT_EQ(-EINVAL, vfio_irq_none(&self->d, REQ, TRIGGER, 0, 0));
	/* a bool without an eventfd is a no-op, as in Linux */
	EXPECT_EQ(0, vfio_irq_bool(&self->d, REQ, TRIGGER, 0, 1));
}

TEST_F(edu, req_eventfd_is_removed_by_minus_one_or_count_zero)
{
	int none = -1;

	ASSERT_EQ(0, vfio_irq_fds(&self->d, REQ, 0, 1, &self->efd));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, REQ, 0, 1, &none));
	EXPECT_EQ(-EINVAL, vfio_irq_none(&self->d, REQ, TRIGGER, 0, 1));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, REQ, 0, 1, &self->efd));
	ASSERT_EQ(0, vfio_irq_none(&self->d, REQ, TRIGGER, 0, 0));
	EXPECT_EQ(-EINVAL, vfio_irq_none(&self->d, REQ, TRIGGER, 0, 1));
}

TEST_F(edu, req_descriptor_below_minus_one_changes_nothing)
{
	int odd = -2;

	ASSERT_EQ(0, vfio_irq_fds(&self->d, REQ, 0, 1, &self->efd));
	EXPECT_EQ(0, vfio_irq_fds(&self->d, REQ, 0, 1, &odd));
	ASSERT_EQ(0, vfio_irq_none(&self->d, REQ, TRIGGER, 0, 1));
	EXPECT_EQ(1, efd_drain(self->efd));
}

TEST_F(edu, req_fires_on_unbind_and_unbind_waits_for_close)
{
	char path[128], drv[64];
	int status, i;
	pid_t child;

	ASSERT_EQ(0, vfio_irq_fds(&self->d, REQ, 0, 1, &self->efd));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind",
		 EDU_BDF);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		/* our copy of the device fd would keep the unbind waiting */
		vfio_dev_close(&self->d);
		_exit(sysfs_write(path, EDU_BDF) ? 1 : 0);
	}

	ASSERT_EQ(1, eventfd_wait(self->efd, FIRE_MS));
	/* the unbind is still waiting for us (a second from now too) */
	usleep(1000000);
	EXPECT_EQ(0, waitpid(child, &status, WNOHANG));

	vfio_dev_close(&self->d);
	for (i = 0; i < 100; i++) {
		if (waitpid(child, &status, WNOHANG) == child)
			break;
		usleep(100000);
	}
	if (i == 100) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
	ASSERT_LT(i, 100);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, pci_driver(EDU_BDF, drv, sizeof(drv)));
	EXPECT_STREQ("", drv);
}

/* nvme at 02:00.0: a PCI Express function */
FIXTURE(nvme) {
	struct vfio_dev d;
	int efd;
};

FIXTURE_SETUP(nvme)
{
	self->efd = -1;
	ASSERT_EQ(0, vfio_dev_open(&self->d, NVME_BDF, VFIO_TYPE1v2_IOMMU));
	self->efd = efd_new();
	ASSERT_LE(0, self->efd);
}

FIXTURE_TEARDOWN(nvme)
{
	if (self->efd >= 0)
		close(self->efd);
	vfio_dev_close(&self->d);
}

TEST_F(nvme, err_index_has_one_eventfd_interrupt)
{
	struct vfio_irq_info info;

	ASSERT_EQ(0, vfio_irq_info(&self->d, ERR, &info));
	EXPECT_EQ(1, info.count);
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, info.flags);
}

TEST_F(nvme, err_eventfd_is_set_signalled_and_removed)
{
	ASSERT_EQ(0, vfio_irq_fds(&self->d, ERR, 0, 1, &self->efd));
	ASSERT_EQ(0, vfio_irq_none(&self->d, ERR, TRIGGER, 0, 1));
	EXPECT_EQ(1, efd_drain(self->efd));
	ASSERT_EQ(0, vfio_irq_none(&self->d, ERR, TRIGGER, 0, 0));
	EXPECT_EQ(-EINVAL, vfio_irq_none(&self->d, ERR, TRIGGER, 0, 1));
	EXPECT_EQ(0, efd_drain(self->efd));
}

TEST_F(nvme, err_index_has_no_mask_or_unmask)
{
	ASSERT_EQ(0, vfio_irq_fds(&self->d, ERR, 0, 1, &self->efd));
	EXPECT_EQ(-ENOTTY, vfio_irq_none(&self->d, ERR,
					 VFIO_IRQ_SET_ACTION_MASK, 0, 1));
	EXPECT_EQ(-ENOTTY, vfio_irq_none(&self->d, ERR,
					 VFIO_IRQ_SET_ACTION_UNMASK, 0, 1));
}

FIXTURE(aer) {
	struct vfio_dev d;
	int efd;
};

FIXTURE_SETUP(aer)
{
	self->efd = -1;
	unsigned int exp;
	uint16_t ctl;

	ASSERT_EQ(0, vfio_dev_open(&self->d, AERDEV_BDF, VFIO_TYPE1v2_IOMMU));
	self->efd = efd_new();
	ASSERT_LE(0, self->efd);
	exp = cfg_find_cap(&self->d, PCI_CAP_ID_EXP);
	ASSERT_NE(0, exp);
	ASSERT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
				      exp + PCI_EXP_DEVCTL, &ctl, 2));
	ctl |= DEVCTL_REPORT_ALL;
	ASSERT_EQ(0, vfio_region_write(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
				       exp + PCI_EXP_DEVCTL, &ctl, 2));
}

FIXTURE_TEARDOWN(aer)
{
	if (self->d.device >= 0)
		vfio_irq_none(&self->d, ERR, TRIGGER, 0, 0);
	if (self->efd >= 0)
		close(self->efd);
	vfio_dev_close(&self->d);
}

TEST_F(aer, injected_error_reaches_the_err_eventfd)
{
	ASSERT_EQ(0, vfio_irq_fds(&self->d, ERR, 0, 1, &self->efd));
	ASSERT_EQ(0, monitor_cmd("pcie_aer_inject_error aerdev POISON_TLP"));
	EXPECT_EQ(1, eventfd_wait(self->efd, FIRE_MS));
}

TEST_F(aer, error_after_the_eventfd_is_removed_signals_nothing)
{
	ASSERT_EQ(0, vfio_irq_fds(&self->d, ERR, 0, 1, &self->efd));
	ASSERT_EQ(0, vfio_irq_none(&self->d, ERR, TRIGGER, 0, 0));
	ASSERT_EQ(0, monitor_cmd("pcie_aer_inject_error aerdev POISON_TLP"));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->efd, 2000));
}

TEST_HARNESS_MAIN
