// SPDX-License-Identifier: GPL-2.0
/*
 * Taking a device away from its user: hot unplug of the edu at 01:00.0
 * (QEMU id "hotedu", behind root port rp1) through QEMU's monitor, and
 * unbinding it through sysfs, while userspace has it open.  vfio-pci asks
 * the user to let go through the request (REQ) eventfd and the removal
 * waits until the user closes the device; then it completes.  Each test
 * puts the device back (device_add) and waits until vfio-pci has it, so
 * later tests find 01:00.0 ready to open.  A kernel without a hotplug driver for
 * the slot never sees device_del: those tests are skipped there.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/monitor.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define WAIT_MS		30000
#define HOLD_MS		500
#define UNBIND		"/sys/bus/pci/drivers/vfio-pci/unbind"
#define HOTEDU_SLOT	"0000:01:00"
#define NO_SLOT		"no hotplug driver for slot " HOTEDU_SLOT \
			" in this kernel (QEMU hot plugs root ports through ACPI: CONFIG_HOTPLUG_PCI_ACPI)"

/* An unbind through sysfs, which blocks while the device is in use */
struct unbind {
	pthread_t thread;
	int ret;
	bool done;
};

static void *unbind_fn(void *arg)
{
	struct unbind *u = arg;

	u->ret = sysfs_write(UNBIND, HOTEDU_BDF);
	__atomic_store_n(&u->done, true, __ATOMIC_SEQ_CST);
	return NULL;
}

FIXTURE(hotedu) {
	struct vfio_dev d;
	int req;
	bool unplugged;
};

/* device_add after device_del: wait for the removal to end first */
static int replug(void)
{
	int ret = pci_wait_exists(HOTEDU_BDF, false, WAIT_MS);

	if (!ret)
		ret = monitor_plug("device_add edu,bus=rp1,id=hotedu",
				   HOTEDU_BDF, NULL, WAIT_MS);
	if (!ret)
		ret = pci_wait_bind(HOTEDU_BDF, "vfio-pci", WAIT_MS);
	return ret;
}

/* device_del, noting that the teardown must put the device back */
static int unplug(bool *unplugged)
{
	*unplugged = true;
	return monitor_cmd("device_del hotedu");
}

FIXTURE_SETUP(hotedu)
{
	self->req = -1;
	self->unplugged = false;
	ASSERT_EQ(0, vfio_dev_open(&self->d, HOTEDU_BDF, VFIO_TYPE1v2_IOMMU));
}

FIXTURE_TEARDOWN(hotedu)
{
	vfio_dev_close(&self->d);
	if (self->req >= 0)
		close(self->req);
	/* put the device back for whatever runs next */
	if (self->unplugged)
		EXPECT_EQ(0, replug());
}

/* A new eventfd in *REQ, on D's request index; 0 or -errno */
static int arm_request(struct vfio_dev *d, int *req)
{
	*req = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*req < 0)
		return -errno;
	return vfio_irq_set_fd(d, VFIO_PCI_REQ_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_TRIGGER, *req);
}

TEST_F(hotedu, unplug_while_open_signals_request_and_waits_for_close)
{
	if (!pci_hotplug_slot(HOTEDU_SLOT))
		SKIP(return, NO_SLOT);
	ASSERT_EQ(0, arm_request(&self->d, &self->req));
	ASSERT_EQ(0, unplug(&self->unplugged));

	ASSERT_LE(1, eventfd_wait(self->req, WAIT_MS));
	/* the removal waits for us */
	usleep(HOLD_MS * 1000);
	EXPECT_TRUE(pci_exists(HOTEDU_BDF));

	vfio_dev_close(&self->d);
	EXPECT_EQ(0, pci_wait_exists(HOTEDU_BDF, false, WAIT_MS));
}

TEST_F(hotedu, unplug_while_open_without_request_eventfd_waits_for_close)
{
	if (!pci_hotplug_slot(HOTEDU_SLOT))
		SKIP(return, NO_SLOT);
	ASSERT_EQ(0, unplug(&self->unplugged));

	usleep(HOLD_MS * 1000);
	EXPECT_TRUE(pci_exists(HOTEDU_BDF));

	vfio_dev_close(&self->d);
	EXPECT_EQ(0, pci_wait_exists(HOTEDU_BDF, false, WAIT_MS));
}

TEST_F(hotedu, unbind_while_open_signals_request_and_completes_on_close)
{
	struct unbind u = {};
	char drv[32];
	int i;

	ASSERT_EQ(0, arm_request(&self->d, &self->req));
	ASSERT_EQ(0, pthread_create(&u.thread, NULL, unbind_fn, &u));

	EXPECT_LE(1, eventfd_wait(self->req, WAIT_MS));
	usleep(HOLD_MS * 1000);
	EXPECT_FALSE(__atomic_load_n(&u.done, __ATOMIC_SEQ_CST));

	vfio_dev_close(&self->d);
	for (i = 0; i < WAIT_MS / 50 && !__atomic_load_n(&u.done, __ATOMIC_SEQ_CST); i++)
		usleep(50 * 1000);
	ASSERT_TRUE(__atomic_load_n(&u.done, __ATOMIC_SEQ_CST));
	pthread_join(u.thread, NULL);
	EXPECT_EQ(0, u.ret);
	ASSERT_EQ(0, pci_driver(HOTEDU_BDF, drv, sizeof(drv)));
	EXPECT_STREQ("", drv);
}

TEST(replugged_device_binds_and_opens_again)
{
	struct edu e;

	if (!pci_hotplug_slot(HOTEDU_SLOT))
		SKIP(return, NO_SLOT);
	/* unplugged while bound but unused: nothing to wait for */
	ASSERT_EQ(0, pci_bind(HOTEDU_BDF, "vfio-pci"));
	ASSERT_EQ(0, monitor_cmd("device_del hotedu"));
	ASSERT_EQ(0, replug());

	ASSERT_EQ(0, edu_open(&e, HOTEDU_BDF));
	ASSERT_EQ(0, vfio_pci_cmd_set(&e.dev, 0x2));
	edu_wr32(e.bar, EDU_REG_LIVENESS, 0x0badf00d);
	EXPECT_EQ(~0x0badf00du, edu_rd32(e.bar, EDU_REG_LIVENESS));
	edu_close(&e);
}

TEST_HARNESS_MAIN
