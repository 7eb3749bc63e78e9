// SPDX-License-Identifier: GPL-2.0
/*
 * The container fd (/dev/vfio/vfio): API version, extension queries, and
 * VFIO_SET_IOMMU with its refusals.  A container only becomes privileged
 * (may pick an IOMMU backend) once a group joins it, and drops back to the
 * unset state when its last group leaves.  Uses the edu at 00:02.0, alone
 * in its IOMMU group.
 */
#include <errno.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/vfio.h"

/* an ioctl number in VFIO's range that no VFIO version defines */
#define VFIO_UNKNOWN_IOCTL	_IO(VFIO_TYPE, VFIO_BASE + 60)

TEST(get_api_version_returns_vfio_api_version)
{
	int c = vfio_open_container();

	ASSERT_LE(0, c);
	EXPECT_EQ(VFIO_API_VERSION, ioctl(c, VFIO_GET_API_VERSION));
	close(c);
}

TEST(check_extension_reports_type1_and_type1v2)
{
	int c = vfio_open_container();

	ASSERT_LE(0, c);
	EXPECT_EQ(1, ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU));
	EXPECT_EQ(1, ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	close(c);
}

TEST(check_extension_answers_zero_for_unknown_extension)
{
	int c = vfio_open_container();

	ASSERT_LE(0, c);
	EXPECT_EQ(0, ioctl(c, VFIO_CHECK_EXTENSION, 0x7ff1UL));
	close(c);
}

TEST(set_iommu_without_a_group_fails)
{
	int c = vfio_open_container();

	ASSERT_LE(0, c);
	EXPECT_EQ(-EINVAL, vfio_set_iommu(c, VFIO_TYPE1v2_IOMMU));
	close(c);
}

TEST(backend_ioctl_before_set_iommu_fails)
{
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	int c = vfio_open_container();

	ASSERT_LE(0, c);
	EXPECT_EQ(-1, ioctl(c, VFIO_IOMMU_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	close(c);
}

/* A container holding the edu's group, no IOMMU type set yet. */
FIXTURE(container) {
	int container;
	int group;
};

FIXTURE_SETUP(container)
{
	self->container = vfio_open_container();
	ASSERT_LE(0, self->container);
	self->group = vfio_open_group_of(EDU_BDF);
	ASSERT_LE(0, self->group);
	ASSERT_EQ(0, vfio_group_set_container(self->group, self->container));
}

FIXTURE_TEARDOWN(container)
{
	if (self->group >= 0)
		close(self->group);
	if (self->container >= 0)
		close(self->container);
}

TEST_F(container, set_iommu_type1v2_succeeds_once_a_group_joined)
{
	EXPECT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET,
		  vfio_group_flags(self->group));
}

TEST_F(container, set_iommu_rejects_unknown_type)
{
	EXPECT_EQ(-ENODEV, vfio_set_iommu(self->container, 0x7ff1));
	/* the refusal left the container able to take a real type */
	EXPECT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
}

TEST_F(container, set_iommu_twice_fails)
{
	ASSERT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(-EINVAL, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(-EINVAL, vfio_set_iommu(self->container, VFIO_TYPE1_IOMMU));
}

TEST_F(container, backend_answers_its_extensions_after_set_iommu)
{
	ASSERT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL));
	EXPECT_EQ(1, ioctl(self->container, VFIO_CHECK_EXTENSION, VFIO_UPDATE_VADDR));
	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION, 0x7ff1UL));
}

TEST_F(container, backend_rejects_unknown_ioctl)
{
	ASSERT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(-1, ioctl(self->container, VFIO_UNKNOWN_IOCTL));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(container, group_keeps_container_after_its_fd_is_closed)
{
	int dev;

	ASSERT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, close(self->container));
	self->container = -1;
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET,
		  vfio_group_flags(self->group));
	/* the backend is still there: the device can be opened */
	dev = ioctl(self->group, VFIO_GROUP_GET_DEVICE_FD, EDU_BDF);
	EXPECT_LE(0, dev);
	if (dev >= 0)
		close(dev);
}

TEST_F(container, last_group_leaving_returns_container_to_unset)
{
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };

	ASSERT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, ioctl(self->container, VFIO_IOMMU_GET_INFO, &info));
	ASSERT_EQ(0, vfio_group_unset_container(self->group));
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, vfio_group_flags(self->group));
	/* no backend any more, and no right to choose one */
	EXPECT_EQ(-1, ioctl(self->container, VFIO_IOMMU_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	/* and the same container works again once the group is back */
	ASSERT_EQ(0, vfio_group_set_container(self->group, self->container));
	EXPECT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
}

TEST_HARNESS_MAIN
