// SPDX-License-Identifier: GPL-2.0
/*
 * Unregistering a device that userspace holds: unbinding edu from
 * vfio-pci while its device fd is open makes the core ask userspace to let
 * go, through the driver's request op (vfio-pci signals the REQ eventfd),
 * and wait; the unbind completes only once the fd is closed.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/vfio.h"

TEST(unbind_asks_through_req_and_waits_for_the_last_close)
{
	struct vfio_dev d;
	int req, status;
	char drv[64];
	pid_t pid;

	ASSERT_EQ(0, vfio_dev_open(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfio_irq_eventfds(&d, VFIO_PCI_REQ_IRQ_INDEX, 1, &req));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* the fds we inherited would keep the device busy forever */
		close(req);
		vfio_dev_close(&d);
		_exit(sysfs_write("/sys/bus/pci/drivers/vfio-pci/unbind",
				  EDU_BDF) ? 1 : 0);
	}

	ASSERT_LE(1, eventfd_wait(req, 20000)) {
		TH_LOG("no request on the REQ eventfd while unbinding");
	}
	/*
	 * Asked, but still waiting for us.  (The driver core drops the
	 * device's "driver" link before calling remove, so only the blocked
	 * unbind shows that vfio-pci still has it.)
	 */
	usleep(300 * 1000);
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG));

	vfio_irq_disable(&d, VFIO_PCI_REQ_IRQ_INDEX);
	close(req);
	vfio_dev_close(&d);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, pci_driver(EDU_BDF, drv, sizeof(drv)));
	EXPECT_STREQ("", drv);
	EXPECT_EQ(0, pci_bind(EDU_BDF, "vfio-pci"));
}

TEST_HARNESS_MAIN
