// SPDX-License-Identifier: GPL-2.0
/*
 * The group fd (/dev/vfio/$GROUP): its status, joining and leaving a
 * container, handing out device fds, and each refusal on the way (group
 * opened twice, second container, GET_DEVICE_FD too early or for a device
 * of another group, leaving the container while a device fd is open).
 * Uses the edu at 00:02.0, alone in its IOMMU group.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define VIABLE		VFIO_GROUP_FLAGS_VIABLE
#define CONTAINER_SET	VFIO_GROUP_FLAGS_CONTAINER_SET

FIXTURE(group) {
	int container;
	int group;
	int group_id;
};

FIXTURE_SETUP(group)
{
	self->container = vfio_open_container();
	ASSERT_LE(0, self->container);
	self->group = vfio_open_group_of(EDU_BDF);
	ASSERT_LE(0, self->group);
	self->group_id = pci_iommu_group(EDU_BDF);
	ASSERT_LE(0, self->group_id);
}

FIXTURE_TEARDOWN(group)
{
	if (self->group >= 0)
		close(self->group);
	close(self->container);
}

/* group in the container, IOMMU type set: ready for GET_DEVICE_FD */
static int group_ready(struct _test_data_group *self)
{
	int ret = vfio_group_set_container(self->group, self->container);

	return ret ? ret : vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU);
}

TEST_F(group, status_of_unused_group_is_viable_without_container)
{
	EXPECT_EQ(VIABLE, vfio_group_flags(self->group));
}

TEST_F(group, status_shows_container_set_after_set_container)
{
	ASSERT_EQ(0, vfio_group_set_container(self->group, self->container));
	EXPECT_EQ(VIABLE | CONTAINER_SET, vfio_group_flags(self->group));
}

TEST_F(group, status_rejects_argsz_too_small)
{
	struct vfio_group_status status = { .argsz = sizeof(status.argsz) };

	EXPECT_EQ(-1, ioctl(self->group, VFIO_GROUP_GET_STATUS, &status));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(group, second_open_of_the_group_is_busy)
{
	int again = vfio_open_group(self->group_id);

	EXPECT_EQ(-EBUSY, again);
	if (again >= 0)
		close(again);
}

TEST_F(group, closed_group_can_be_opened_again)
{
	int again;

	ASSERT_EQ(0, close(self->group));
	self->group = -1;
	again = vfio_open_group(self->group_id);
	EXPECT_LE(0, again);
	if (again >= 0)
		close(again);
}

TEST_F(group, set_container_twice_fails)
{
	ASSERT_EQ(0, vfio_group_set_container(self->group, self->container));
	EXPECT_EQ(-EINVAL, vfio_group_set_container(self->group, self->container));
}

TEST_F(group, set_container_to_a_second_container_fails)
{
	int other = vfio_open_container();

	ASSERT_LE(0, other);
	ASSERT_EQ(0, vfio_group_set_container(self->group, self->container));
	EXPECT_EQ(-EINVAL, vfio_group_set_container(self->group, other));
	close(other);
}

TEST_F(group, set_container_rejects_an_fd_that_is_no_container)
{
	int efd = eventfd(0, EFD_CLOEXEC);

	ASSERT_LE(0, efd);
	EXPECT_EQ(-EINVAL, vfio_group_set_container(self->group, efd));
	EXPECT_EQ(VIABLE, vfio_group_flags(self->group));
	close(efd);
}

TEST_F(group, set_container_rejects_a_closed_fd)
{
	EXPECT_EQ(-EBADF, vfio_group_set_container(self->group, -1));
}

TEST_F(group, unset_container_without_container_fails)
{
	EXPECT_EQ(-EINVAL, vfio_group_unset_container(self->group));
}

TEST_F(group, get_device_fd_without_container_fails)
{
	EXPECT_EQ(-1, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, EDU_BDF));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(group, get_device_fd_before_set_iommu_fails)
{
	ASSERT_EQ(0, vfio_group_set_container(self->group, self->container));
	EXPECT_EQ(-1, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, EDU_BDF));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(group, get_device_fd_rejects_device_of_another_group)
{
	ASSERT_EQ(0, group_ready(self));
	EXPECT_EQ(-1, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, HOTEDU_BDF));
	EXPECT_EQ(ENODEV, errno);
}

TEST_F(group, get_device_fd_rejects_unknown_name)
{
	ASSERT_EQ(0, group_ready(self));
	EXPECT_EQ(-1, ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, "no-such-device"));
	EXPECT_EQ(ENODEV, errno);
}

TEST_F(group, get_device_fd_opens_the_device)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int dev;

	ASSERT_EQ(0, group_ready(self));
	dev = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, EDU_BDF);
	ASSERT_LE(0, dev);
	EXPECT_EQ(0, ioctl(dev, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_TRUE(info.flags & VFIO_DEVICE_FLAGS_PCI);
	close(dev);
}

TEST_F(group, unset_container_with_open_device_is_busy)
{
	int dev;

	ASSERT_EQ(0, group_ready(self));
	dev = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, EDU_BDF);
	ASSERT_LE(0, dev);
	EXPECT_EQ(-EBUSY, vfio_group_unset_container(self->group));
	EXPECT_EQ(VIABLE | CONTAINER_SET, vfio_group_flags(self->group));
	/* the device fd closed, the group may leave */
	close(dev);
	EXPECT_EQ(0, vfio_group_unset_container(self->group));
	EXPECT_EQ(VIABLE, vfio_group_flags(self->group));
}

TEST_F(group, open_device_fd_keeps_the_group_busy)
{
	int dev, again;

	ASSERT_EQ(0, group_ready(self));
	dev = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, EDU_BDF);
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, close(self->group));
	self->group = -1;
	/* the device fd holds the group: nobody else may take it */
	EXPECT_EQ(-EBUSY, vfio_open_group(self->group_id));
	close(dev);
	again = vfio_open_group(self->group_id);
	ASSERT_LE(0, again);
	/* and the last close took the group out of the container */
	EXPECT_EQ(VIABLE, vfio_group_flags(again));
	close(again);
}

TEST_F(group, group_rejects_unknown_ioctl)
{
	EXPECT_EQ(-1, ioctl(self->group, _IO(VFIO_TYPE, VFIO_BASE + 60)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_HARNESS_MAIN
