// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO and VFIO_DEVICE_PCI_HOT_RESET: which
 * devices a slot or bus reset reaches, and doing it once the caller has
 * proved, with group fds, that it owns all of them.
 *
 * The edu at 01:00.0 is alone behind its root port: a bus reset reaches
 * only it.  Behind the PCI bridge, a reset of bus 03 reaches the edu at
 * 03:01.0 and the e1000 at 03:02.0 (one IOMMU group): it is possible only
 * while both are bound to vfio-pci.  The edu at 00:02.0 is on the root
 * bus, which cannot be reset.  Tests that unbind the e1000 give it back to
 * its host driver.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define MAX_DEPS	8

struct reset_info {
	struct vfio_pci_hot_reset_info hdr;
	struct vfio_pci_dependent_device devices[MAX_DEPS];
};

static int hot_reset_info(struct vfio_dev *d, struct reset_info *info)
{
	memset(info, 0, sizeof(*info));
	info->hdr.argsz = sizeof(*info);
	return ioctl(d->device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info) ?
	       -errno : 0;
}

/* VFIO_DEVICE_PCI_HOT_RESET with COUNT group fds FDS and FLAGS */
static int hot_reset(struct vfio_dev *d, const int32_t *fds, int count,
		     uint32_t flags)
{
	size_t sz = sizeof(struct vfio_pci_hot_reset) + count * sizeof(int32_t);
	struct vfio_pci_hot_reset *r = calloc(1, sz);
	int ret = 0;

	if (!r)
		return -ENOMEM;
	r->argsz = sz;
	r->flags = flags;
	r->count = count;
	if (count)
		memcpy(r->group_fds, fds, count * sizeof(int32_t));
	if (ioctl(d->device, VFIO_DEVICE_PCI_HOT_RESET, r))
		ret = -errno;
	free(r);
	return ret;
}

/* Parse "0000:BB:DD.F" */
static void bdf_split(const char *bdf, int *bus, int *devfn)
{
	unsigned int dom, b = 0xff, dev = 0xff, fn = 0xff;

	if (sscanf(bdf, "%x:%x:%x.%x", &dom, &b, &dev, &fn) != 4)
		b = dev = fn = 0xff;
	*bus = b;
	*devfn = dev << 3 | fn;
}

FIXTURE(hotedu) {
	struct vfio_dev d;
};

FIXTURE_SETUP(hotedu)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, HOTEDU_BDF, VFIO_TYPE1v2_IOMMU));
}

FIXTURE_TEARDOWN(hotedu)
{
	vfio_dev_close(&self->d);
}

TEST_F(hotedu, info_of_a_device_alone_on_its_bus_lists_only_itself)
{
	struct reset_info info;
	int bus, devfn;

	bdf_split(HOTEDU_BDF, &bus, &devfn);
	ASSERT_EQ(0, hot_reset_info(&self->d, &info));
	ASSERT_EQ(1, info.hdr.count);
	EXPECT_EQ(0, info.hdr.flags);
	EXPECT_EQ(self->d.group_id, info.devices[0].group_id);
	EXPECT_EQ(0, info.devices[0].segment);
	EXPECT_EQ(bus, info.devices[0].bus);
	EXPECT_EQ(devfn, info.devices[0].devfn);
}

TEST_F(hotedu, info_without_room_for_the_devices_fails_with_enospc_and_count)
{
	struct vfio_pci_hot_reset_info hdr = { .argsz = sizeof(hdr) };

	EXPECT_EQ(-1, ioctl(self->d.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
			    &hdr));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(1, hdr.count);
}

TEST_F(hotedu, info_rejects_argsz_too_small)
{
	struct vfio_pci_hot_reset_info hdr = { .argsz = 8 };

	EXPECT_EQ(-1, ioctl(self->d.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
			    &hdr));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(hotedu, hot_reset_with_the_device_group_succeeds)
{
	int32_t fd = self->d.group;

	EXPECT_EQ(0, hot_reset(&self->d, &fd, 1, 0));
}

TEST_F(hotedu, hot_reset_with_another_group_is_refused)
{
	int32_t fd = vfio_open_group_of(EDU_BDF);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, hot_reset(&self->d, &fd, 1, 0));
	close(fd);
}

TEST_F(hotedu, hot_reset_with_a_fd_that_is_not_a_group_is_refused)
{
	int32_t fd = self->d.container;

	EXPECT_EQ(-EINVAL, hot_reset(&self->d, &fd, 1, 0));
}

TEST_F(hotedu, hot_reset_with_a_closed_fd_fails_with_ebadf)
{
	int32_t fd = 1000;

	EXPECT_EQ(-EBADF, hot_reset(&self->d, &fd, 1, 0));
}

TEST_F(hotedu, hot_reset_without_groups_is_refused)
{
	EXPECT_EQ(-EINVAL, hot_reset(&self->d, NULL, 0, 0));
}

TEST_F(hotedu, hot_reset_with_more_groups_than_devices_is_refused)
{
	int32_t fds[2] = { self->d.group, self->d.group };

	EXPECT_EQ(-EINVAL, hot_reset(&self->d, fds, 2, 0));
}

TEST_F(hotedu, hot_reset_rejects_unknown_flags)
{
	int32_t fd = self->d.group;

	EXPECT_EQ(-EINVAL, hot_reset(&self->d, &fd, 1, 1));
}

TEST_F(hotedu, hot_reset_rejects_argsz_too_small)
{
	struct vfio_pci_hot_reset r = { .argsz = 8, .count = 1 };

	EXPECT_EQ(-1, ioctl(self->d.device, VFIO_DEVICE_PCI_HOT_RESET, &r));
	EXPECT_EQ(EINVAL, errno);
}

TEST(device_on_the_root_bus_has_no_hot_reset)
{
	struct reset_info info;
	struct vfio_dev d;
	int32_t fd;

	ASSERT_EQ(0, vfio_dev_open(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	fd = d.group;
	EXPECT_EQ(-ENODEV, hot_reset_info(&d, &info));
	EXPECT_EQ(-ENODEV, hot_reset(&d, &fd, 1, 0));
	vfio_dev_close(&d);
}

/* The bridge group: the edu's device fd, the e1000 unbound or ours */
FIXTURE(bridge) {
	struct vfio_dev d;
};

FIXTURE_SETUP(bridge)
{
	vfio_dev_init(&self->d);
	ASSERT_EQ(0, pci_unbind(BRIDGE_NIC_BDF));
}

FIXTURE_TEARDOWN(bridge)
{
	vfio_dev_close(&self->d);
	EXPECT_EQ(0, pci_bind(BRIDGE_NIC_BDF, "e1000"));
}

TEST_F(bridge, info_lists_both_devices_behind_the_bridge_in_one_group)
{
	struct reset_info info;
	int edu_bus, edu_devfn, nic_bus, nic_devfn;

	bdf_split(BRIDGE_EDU_BDF, &edu_bus, &edu_devfn);
	bdf_split(BRIDGE_NIC_BDF, &nic_bus, &nic_devfn);
	ASSERT_EQ(0, vfio_dev_open(&self->d, BRIDGE_EDU_BDF,
				   VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, hot_reset_info(&self->d, &info));
	ASSERT_EQ(2, info.hdr.count);
	EXPECT_EQ(self->d.group_id, info.devices[0].group_id);
	EXPECT_EQ(self->d.group_id, info.devices[1].group_id);
	EXPECT_EQ(edu_bus, info.devices[0].bus);
	EXPECT_EQ(edu_devfn, info.devices[0].devfn);
	EXPECT_EQ(nic_bus, info.devices[1].bus);
	EXPECT_EQ(nic_devfn, info.devices[1].devfn);
}

TEST_F(bridge, info_without_room_for_both_devices_asks_for_two)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device dev;
	} one = { .hdr.argsz = sizeof(one) };

	ASSERT_EQ(0, vfio_dev_open(&self->d, BRIDGE_EDU_BDF,
				   VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(-1, ioctl(self->d.device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
			    &one));
	EXPECT_EQ(ENOSPC, errno);
	EXPECT_EQ(2, one.hdr.count);
}

TEST_F(bridge, hot_reset_reaching_a_device_not_bound_to_vfio_is_refused)
{
	int32_t fd;

	ASSERT_EQ(0, vfio_dev_open(&self->d, BRIDGE_EDU_BDF,
				   VFIO_TYPE1v2_IOMMU));
	fd = self->d.group;
	EXPECT_EQ(-EINVAL, hot_reset(&self->d, &fd, 1, 0));
}

TEST_F(bridge, hot_reset_of_the_bus_with_both_devices_bound_succeeds)
{
	int32_t fd;

	ASSERT_EQ(0, pci_bind(BRIDGE_NIC_BDF, "vfio-pci"));
	ASSERT_EQ(0, vfio_dev_open(&self->d, BRIDGE_EDU_BDF,
				   VFIO_TYPE1v2_IOMMU));
	fd = self->d.group;
	EXPECT_EQ(0, hot_reset(&self->d, &fd, 1, 0));
}

TEST_F(bridge, hot_reset_of_the_bus_needs_the_group_of_its_devices)
{
	int32_t fd;

	ASSERT_EQ(0, pci_bind(BRIDGE_NIC_BDF, "vfio-pci"));
	ASSERT_EQ(0, vfio_dev_open(&self->d, BRIDGE_EDU_BDF,
				   VFIO_TYPE1v2_IOMMU));
	fd = vfio_open_group_of(HOTEDU_BDF);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, hot_reset(&self->d, &fd, 1, 0));
	close(fd);
}

TEST_HARNESS_MAIN
