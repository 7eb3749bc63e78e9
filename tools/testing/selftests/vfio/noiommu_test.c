// SPDX-License-Identifier: GPL-2.0
/*
 * Unsafe no-IOMMU mode (vfio's module parameter enable_unsafe_noiommu_mode):
 * off by default; when vfio is loaded with it, containers offer the
 * VFIO_NOIOMMU_IOMMU backend; it can be switched off again at run time;
 * and it never replaces the IOMMU for a group that has one.
 *
 * In this machine every PCI device sits behind the emulated Intel IOMMU,
 * so no device ever lands in a no-IOMMU group here; what happens to such a
 * device (fake group, tainted kernel, CAP_SYS_RAWIO checks) is tested by
 * noiommu_device_test on a machine without an IOMMU (noiommu.list).
 *
 * The tests that reload the stack leave it loaded without the parameter.
 *
 * Expected to fail on the stock (in-tree) VFIO: Debian builds it without
 * CONFIG_VFIO_NOIOMMU, so the parameter does not exist (vfio ignores it
 * at load time) and VFIO_NOIOMMU_IOMMU is never offered:
 * - param_exists_and_is_off_by_default
 * - loading_with_the_param_offers_the_noiommu_extension
 * - noiommu_mode_can_be_switched_off_at_run_time
 */
#include <errno.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/modules.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define PARAM	"/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"

static int noiommu_offered(void)
{
	int c = vfio_open_container(), ret;

	if (c < 0)
		return c;
	ret = ioctl(c, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU);
	close(c);
	return ret;
}

TEST(noiommu_extension_is_not_offered_by_default)
{
	EXPECT_EQ(0, noiommu_offered());
}

TEST(param_exists_and_is_off_by_default)
{
	char val[8];

	ASSERT_EQ(0, sysfs_read(PARAM, val, sizeof(val)));
	EXPECT_STREQ("N", val);
}

/* Tests that reload the stack with the parameter; the teardown undoes it. */
FIXTURE(reloaded) {
	int container;
	int group;
};

FIXTURE_SETUP(reloaded)
{
	self->container = -1;
	self->group = -1;
}

FIXTURE_TEARDOWN(reloaded)
{
	if (self->group >= 0)
		close(self->group);
	if (self->container >= 0)
		close(self->container);
	EXPECT_EQ(0, vfio_stack_reload(""));
}

TEST_F(reloaded, loading_with_the_param_offers_the_noiommu_extension)
{
	char val[8];

	ASSERT_EQ(0, vfio_stack_reload("enable_unsafe_noiommu_mode=1"));
	ASSERT_EQ(0, sysfs_read(PARAM, val, sizeof(val)));
	EXPECT_STREQ("Y", val);
	EXPECT_EQ(1, noiommu_offered());
}

TEST_F(reloaded, noiommu_mode_can_be_switched_off_at_run_time)
{
	ASSERT_EQ(0, vfio_stack_reload("enable_unsafe_noiommu_mode=1"));
	ASSERT_EQ(0, sysfs_write(PARAM, "N"));
	EXPECT_EQ(0, noiommu_offered());
}

TEST_F(reloaded, iommu_backed_group_cannot_use_the_noiommu_backend)
{
	ASSERT_EQ(0, vfio_stack_reload("enable_unsafe_noiommu_mode=1"));
	self->container = vfio_open_container();
	ASSERT_LE(0, self->container);
	self->group = vfio_open_group_of(EDU_BDF);
	ASSERT_LE(0, self->group);
	ASSERT_EQ(0, vfio_group_set_container(self->group, self->container));
	/* with a real group in it, the container no longer offers it */
	EXPECT_EQ(0, ioctl(self->container, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU));
	EXPECT_EQ(-ENODEV, vfio_set_iommu(self->container, VFIO_NOIOMMU_IOMMU));
	/* the group keeps its IOMMU */
	EXPECT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
}

TEST_HARNESS_MAIN
