// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-pci's module parameters as Linux 6.1 has them: ids= binds matching
 * functions at load (malformed entries are skipped with a warning), and
 * each parameter has Linux's name, permissions and default.  The other
 * parameters' effects are tested where they act: nointxmask in intx_test,
 * disable_vga in vga_test, disable_idle_d3 in power_test, enable_sriov in
 * sriov_test.  disable_denylist only matters for the denylisted Intel QAT
 * functions, which the test machine does not have: only its presence,
 * permissions and default are checked here.
 *
 * The pci-testdev at 00:03.0 (1b36:0005) has no host driver; the fixture
 * leaves it unbound with no driver_override, so only ids= can bind it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "lib/kmsg.h"
#include "lib/modules.h"
#include "lib/pci.h"

#define OVERRIDE	"/sys/bus/pci/devices/" TESTDEV_BDF "/driver_override"
#define PARAMS		"/sys/module/vfio_pci/parameters/"

FIXTURE(ids) {
	char drv[64];
};

FIXTURE_SETUP(ids)
{
	ASSERT_EQ(0, pci_unbind(TESTDEV_BDF));
	ASSERT_EQ(0, sysfs_write(OVERRIDE, "\n"));
}

FIXTURE_TEARDOWN(ids)
{
	/* a plain reload forgets the ids: vfio-pci binds nothing new */
	pci_unbind(TESTDEV_BDF);
	vfio_pci_reload("");
}

TEST_F(ids, binds_a_matching_device_at_load)
{
	ASSERT_EQ(0, vfio_pci_reload("ids=1b36:0005"));
	ASSERT_EQ(0, pci_driver(TESTDEV_BDF, self->drv, sizeof(self->drv)));
	EXPECT_STREQ("vfio-pci", self->drv);
}

TEST_F(ids, subsystem_fields_may_be_given)
{
	ASSERT_EQ(0, vfio_pci_reload("ids=1b36:0005:ffffffff:ffffffff"));
	ASSERT_EQ(0, pci_driver(TESTDEV_BDF, self->drv, sizeof(self->drv)));
	EXPECT_STREQ("vfio-pci", self->drv);
}

TEST_F(ids, another_id_leaves_the_device_alone)
{
	ASSERT_EQ(0, vfio_pci_reload("ids=1af4:7fff"));
	ASSERT_EQ(0, pci_driver(TESTDEV_BDF, self->drv, sizeof(self->drv)));
	EXPECT_STREQ("", self->drv);
}

TEST_F(ids, malformed_entry_is_skipped_and_the_rest_applies)
{
	char line[512];
	int kmsg = kmsg_open();

	ASSERT_LE(0, kmsg);
	ASSERT_EQ(0, vfio_pci_reload("ids=zz:1,1b36:0005"));
	ASSERT_EQ(0, pci_driver(TESTDEV_BDF, self->drv, sizeof(self->drv)));
	EXPECT_STREQ("vfio-pci", self->drv);
	EXPECT_EQ(1, kmsg_count(kmsg, line, sizeof(line), "vfio",
				"\"zz:1\"", NULL));
	close(kmsg);
}

TEST_F(ids, reload_without_ids_forgets_them)
{
	ASSERT_EQ(0, vfio_pci_reload("ids=1b36:0005"));
	ASSERT_EQ(0, pci_unbind(TESTDEV_BDF));
	ASSERT_EQ(0, vfio_pci_reload(""));
	ASSERT_EQ(0, pci_driver(TESTDEV_BDF, self->drv, sizeof(self->drv)));
	EXPECT_STREQ("", self->drv);
}

/* Mode of a vfio-pci parameter file (permission bits), or -errno */
static int param_mode(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	if (stat(path, &st))
		return -errno;
	return st.st_mode & 0777;
}

TEST(parameters_have_the_names_and_permissions_of_linux)
{
	EXPECT_EQ(0644, param_mode("nointxmask"));
	EXPECT_EQ(0444, param_mode("disable_vga"));
	EXPECT_EQ(0644, param_mode("disable_idle_d3"));
	EXPECT_EQ(0644, param_mode("enable_sriov"));
	EXPECT_EQ(0444, param_mode("disable_denylist"));
	/* ids is load time only: no sysfs file */
	EXPECT_EQ(-ENOENT, param_mode("ids"));
}

TEST(booleans_default_to_off)
{
	static const char * const names[] = {
		"nointxmask", "disable_vga", "disable_idle_d3",
		"enable_sriov", "disable_denylist",
	};
	char path[128], val[8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), PARAMS "%s", names[i]);
		ASSERT_EQ(0, sysfs_read(path, val, sizeof(val)));
		EXPECT_EQ('N', val[0]) TH_LOG("%s is %s", names[i], val);
	}
}

TEST(disable_denylist_is_logged_when_set)
{
	char line[512];
	int kmsg = kmsg_open();

	ASSERT_LE(0, kmsg);
	ASSERT_EQ(0, vfio_pci_reload("disable_denylist=1"));
	EXPECT_EQ(1, kmsg_count(kmsg, line, sizeof(line), "denylist", NULL));
	EXPECT_EQ(0, vfio_pci_reload(""));
	close(kmsg);
}

TEST_HARNESS_MAIN
