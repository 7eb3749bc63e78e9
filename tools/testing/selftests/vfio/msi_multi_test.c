// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-vector MSI.  No device of the test machine has more than one MSI
 * vector, so each test swaps the hot-pluggable edu behind root port rp1
 * (QEMU id "hotedu", 01:00.0) for an NEC xHCI controller with MSI-X off
 * and 16 MSI vectors, through QEMU's monitor, and puts the edu back after.
 * Vectors are exercised by loopback: the controller is not driven.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/irq.h"
#include "lib/monitor.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define MSI		VFIO_PCI_MSI_IRQ_INDEX
#define TRIGGER		VFIO_IRQ_SET_ACTION_TRIGGER
#define NVEC		16
/* Seconds between a device leaving rp1's slot and the next one plugged */
#define SETTLE_S	3

/* NEC xHCI: MSI-X off, 16 MSI vectors */
#define XHCI_DEVICE	"nec-usb-xhci,bus=rp1,id=irqxhci,msix=off,intrs=16"
#define PCI_CAP_ID_MSI	0x05
#define PCI_MSI_FLAGS_ENABLE	0x1
#define PCI_MSI_FLAGS_QSIZE	0x70

/*
 * Unplug QEMU device DEL_ID from rp1, plug ADD in, wait for VENDOR and
 * bind it to vfio-pci
 */
static int swap_slot(const char *del_id, const char *add, const char *vendor)
{
	char cmd[128];
	int ret;

	snprintf(cmd, sizeof(cmd), "device_del %s", del_id);
	ret = monitor_cmd(cmd);
	if (!ret)
		ret = pci_wait_exists(HOTEDU_BDF, false, 30000);
	if (ret)
		return ret;
	/*
	 * The guest sees the device go before its ACPI hotplug code is done
	 * ejecting it.  A new device (another QEMU id, so QEMU takes it as
	 * soon as the slot is free) plugged in right away is never seen by
	 * the debug kernel, resends and rescans notwithstanding (swap timed
	 * out on the first try without this pause).  Waiting until the
	 * slot's "adapter" read empty was tried too, on stock, and lost a
	 * swap.  So a fixed pause, on every kernel.
	 */
	sleep(SETTLE_S);
	snprintf(cmd, sizeof(cmd), "device_add %s", add);
	ret = monitor_plug(cmd, HOTEDU_BDF, vendor, 30000);
	return ret ? ret : pci_wait_bind(HOTEDU_BDF, "vfio-pci", 30000);
}

FIXTURE(xhci) {
	struct vfio_dev d;
	bool noslot;
	bool swapped;
	int efd[NVEC];
};

/*
 * The xhci is in the slot but would not open: say what the guest shows,
 * then put the edu back.  A failed setup skips the teardown (kselftest
 * harness), and the slot left swapped would fail every later test.
 */
static void open_failed(struct __test_metadata *_metadata,
			struct vfio_dev *d, int ret)
{
	char drv[64] = "", node[32];
	int grp = pci_iommu_group(HOTEDU_BDF);

	pci_driver(HOTEDU_BDF, drv, sizeof(drv));
	snprintf(node, sizeof(node), "/dev/vfio/%d", grp);
	TH_LOG("open: %d; driver \"%s\", iommu group %d, %s %s", ret, drv,
	       grp, node, access(node, F_OK) ? "missing" : "present");
	vfio_dev_close(d);
	EXPECT_EQ(0, swap_slot("irqxhci", "edu,bus=rp1,id=hotedu", "0x1234"));
}

FIXTURE_SETUP(xhci)
{
	int i, ret;

	vfio_dev_init(&self->d);
	for (i = 0; i < NVEC; i++)
		self->efd[i] = -1;
	/* Without a hotplug driver for rp1 the tests are skipped, not run */
	self->noslot = !pci_hotplug_slot("0000:01:00");
	if (self->noslot)
		return;
	ASSERT_EQ(0, swap_slot("hotedu", XHCI_DEVICE, "0x1033"));
	self->swapped = true;
	ret = vfio_dev_open(&self->d, HOTEDU_BDF, VFIO_TYPE1v2_IOMMU);
	if (ret)
		open_failed(_metadata, &self->d, ret);
	ASSERT_EQ(0, ret);
	for (i = 0; i < NVEC; i++) {
		self->efd[i] = efd_new();
		ASSERT_LE(0, self->efd[i]);
	}
}

FIXTURE_TEARDOWN(xhci)
{
	int i;

	if (self->d.device >= 0)
		vfio_irq_none(&self->d, MSI, TRIGGER, 0, 0);
	vfio_dev_close(&self->d);
	for (i = 0; i < NVEC; i++)
		if (self->efd[i] >= 0)
			close(self->efd[i]);
	if (self->swapped)
		EXPECT_EQ(0, swap_slot("irqxhci", "edu,bus=rp1,id=hotedu",
				       "0x1234"));
}

static int msi_flags(struct vfio_dev *d)
{
	uint8_t pos, hdr[2];
	uint16_t flags;
	int hops = 0;

	if (vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 0x34, &pos, 1))
		return -EIO;
	while (pos && hops++ < 48) {
		if (vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, pos, hdr,
				     2))
			return -EIO;
		if (hdr[0] == PCI_CAP_ID_MSI) {
			if (vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX,
					     pos + 2, &flags, 2))
				return -EIO;
			return flags;
		}
		pos = hdr[1];
	}
	return -ENOENT;
}

static int vec_irq(struct vfio_dev *d, unsigned int v)
{
	char name[64];

	snprintf(name, sizeof(name), "vfio-msi[%u](%s)", v, d->bdf);
	return proc_irq_find(name, NULL);
}

TEST_F_TIMEOUT(xhci, info_reports_sixteen_vectors, 90)
{
	struct vfio_irq_info info;

	if (self->noslot)
		SKIP(return, "no hotplug driver for the slot of root port rp1 in this kernel");
	ASSERT_EQ(0, vfio_irq_info(&self->d, MSI, &info));
	EXPECT_EQ(NVEC, info.count);
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, info.flags);
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, MSI, 0, NVEC + 1,
					self->efd));
}

TEST_F_TIMEOUT(xhci, every_vector_gets_its_own_host_irq_and_eventfd, 90)
{
	int irq[NVEC];
	unsigned int v, w;

	if (self->noslot)
		SKIP(return, "no hotplug driver for the slot of root port rp1 in this kernel");
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, NVEC, self->efd));
	EXPECT_EQ(4 << 4, msi_flags(&self->d) & PCI_MSI_FLAGS_QSIZE);
	for (v = 0; v < NVEC; v++) {
		irq[v] = vec_irq(&self->d, v);
		ASSERT_LT(0, irq[v]);
		for (w = 0; w < v; w++)
			EXPECT_NE(irq[w], irq[v]);
	}
	/* loopback one vector at a time: only its eventfd fires */
	for (v = 0; v < NVEC; v++) {
		ASSERT_EQ(0, vfio_irq_none(&self->d, MSI, TRIGGER, v, 1));
		for (w = 0; w < NVEC; w++)
			EXPECT_EQ(w == v, efd_drain(self->efd[w]));
	}
}

TEST_F_TIMEOUT(xhci, three_vectors_enable_four_at_the_device, 90)
{
	int flags;

	if (self->noslot)
		SKIP(return, "no hotplug driver for the slot of root port rp1 in this kernel");
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 3, self->efd));
	flags = msi_flags(&self->d);
	ASSERT_LE(0, flags);
	EXPECT_EQ(PCI_MSI_FLAGS_ENABLE, flags & PCI_MSI_FLAGS_ENABLE);
	EXPECT_EQ(2 << 4, flags & PCI_MSI_FLAGS_QSIZE);
	EXPECT_LT(0, vec_irq(&self->d, 2));
	EXPECT_EQ(-ENOENT, vec_irq(&self->d, 3));
}

TEST_F_TIMEOUT(xhci, msi_cannot_grow_while_enabled, 90)
{
	if (self->noslot)
		SKIP(return, "no hotplug driver for the slot of root port rp1 in this kernel");
	/* enabled with vectors 0-1: vector 5 needs MSI off and on again */
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 2, self->efd));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->d, MSI, 5, 1, &self->efd[5]));
	ASSERT_EQ(0, vfio_irq_none(&self->d, MSI, TRIGGER, 0, 0));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 5, 1, &self->efd[5]));
	EXPECT_LT(0, vec_irq(&self->d, 5));
	/* vectors below the one asked for exist but have no eventfd */
	EXPECT_EQ(-ENOENT, vec_irq(&self->d, 0));
}

TEST_F_TIMEOUT(xhci, vectors_are_connected_and_disconnected_one_by_one, 90)
{
	int none = -1, irq7;

	if (self->noslot)
		SKIP(return, "no hotplug driver for the slot of root port rp1 in this kernel");
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 8, self->efd));
	irq7 = vec_irq(&self->d, 7);
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 3, 1, &none));
	EXPECT_EQ(-ENOENT, vec_irq(&self->d, 3));
	EXPECT_EQ(irq7, vec_irq(&self->d, 7));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 3, 1, &self->efd[3]));
	EXPECT_LT(0, vec_irq(&self->d, 3));
	ASSERT_EQ(0, vfio_irq_none(&self->d, MSI, TRIGGER, 3, 1));
	EXPECT_EQ(1, efd_drain(self->efd[3]));
}

TEST_HARNESS_MAIN
