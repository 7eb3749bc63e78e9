// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime power management of vfio-pci devices.
 *
 * The nvme at 02:00.0 has the PM capability: bound to vfio-pci and not
 * open, it sits in D3hot; open, in D0.  An open device enters D3hot on
 * VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY and leaves it on LOW_POWER_EXIT;
 * with LOW_POWER_ENTRY_WITH_WAKEUP, the first access wakes it and signals
 * the user's eventfd.  While in the low power state its BAR mappings
 * raise SIGBUS (tried on the edu at 00:02.0, whose BAR0 is mappable; it
 * has no PM capability, so it stays in D0 but is runtime suspended all
 * the same).  With vfio-pci's disable_idle_d3, idle devices stay in D0.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/modules.h"
#include "lib/pci.h"
#include "lib/power.h"
#include "lib/vfio.h"

#define PCI_COMMAND_MEMORY	0x2
#define WAIT_MS		3000
#define STAY_MS		500
#define PARAM		"/sys/module/vfio_pci/parameters/disable_idle_d3"

#define ENTRY		(VFIO_DEVICE_FEATURE_SET | \
			 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY)
#define ENTRY_WAKEUP	(VFIO_DEVICE_FEATURE_SET | \
			 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP)
#define EXIT		(VFIO_DEVICE_FEATURE_SET | \
			 VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)

/* power/runtime_status of BDF: "active", "suspended", ... */
static int rpm_status(const char *bdf, char *buf, int len)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/power/%s", bdf,
		 "runtime_status");
	return sysfs_read(path, buf, len);
}

TEST(idle_device_bound_to_vfio_sits_in_d3hot)
{
	char state[16];

	ASSERT_EQ(0, pci_bind(NVME_BDF, "vfio-pci"));
	EXPECT_EQ(0, pci_wait_power_state(NVME_BDF, "D3hot", WAIT_MS, state,
					  sizeof(state)))
		TH_LOG("power_state %s", state);
}

TEST(open_device_is_in_d0_and_back_in_d3hot_after_close)
{
	struct vfio_dev d;
	char state[16];

	ASSERT_EQ(0, vfio_dev_open(&d, NVME_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, pci_power_state(NVME_BDF, state, sizeof(state)));
	EXPECT_STREQ("D0", state);
	/* and it stays there while open */
	usleep(STAY_MS * 1000);
	ASSERT_EQ(0, pci_power_state(NVME_BDF, state, sizeof(state)));
	EXPECT_STREQ("D0", state);
	vfio_dev_close(&d);
	EXPECT_EQ(0, pci_wait_power_state(NVME_BDF, "D3hot", WAIT_MS, state,
					  sizeof(state)))
		TH_LOG("power_state %s", state);
}

FIXTURE(nvme) {
	struct vfio_dev d;
};

FIXTURE_SETUP(nvme)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, NVME_BDF, VFIO_TYPE1v2_IOMMU));
}

FIXTURE_TEARDOWN(nvme)
{
	vfio_dev_close(&self->d);
}

TEST_F(nvme, low_power_features_can_be_probed_for_set)
{
	uint32_t probe = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET;

	EXPECT_EQ(0, vfio_device_feature(self->d.device,
		  probe | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0));
	EXPECT_EQ(0, vfio_device_feature(self->d.device,
		  probe | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
		  NULL, 0));
	EXPECT_EQ(0, vfio_device_feature(self->d.device,
		  probe | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL, 0));
}

TEST_F(nvme, low_power_entry_cannot_be_read_back)
{
	EXPECT_EQ(-EINVAL, vfio_device_feature(self->d.device,
		  VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
		  NULL, 0));
}

TEST_F(nvme, low_power_entry_puts_the_device_in_d3hot_and_exit_in_d0)
{
	char state[16];

	ASSERT_EQ(0, vfio_device_feature(self->d.device, ENTRY, NULL, 0));
	EXPECT_EQ(0, pci_wait_power_state(NVME_BDF, "D3hot", WAIT_MS, state,
					  sizeof(state)))
		TH_LOG("power_state %s", state);
	ASSERT_EQ(0, rpm_status(NVME_BDF, state, sizeof(state)));
	EXPECT_STREQ("suspended", state);

	ASSERT_EQ(0, vfio_device_feature(self->d.device, EXIT, NULL, 0));
	ASSERT_EQ(0, pci_power_state(NVME_BDF, state, sizeof(state)));
	EXPECT_STREQ("D0", state);
	/* and it stays there: the open device holds it again */
	usleep(STAY_MS * 1000);
	ASSERT_EQ(0, pci_power_state(NVME_BDF, state, sizeof(state)));
	EXPECT_STREQ("D0", state);
}

TEST_F(nvme, second_low_power_entry_is_refused)
{
	ASSERT_EQ(0, vfio_device_feature(self->d.device, ENTRY, NULL, 0));
	EXPECT_EQ(-EINVAL, vfio_device_feature(self->d.device, ENTRY, NULL, 0));
	EXPECT_EQ(0, vfio_device_feature(self->d.device, EXIT, NULL, 0));
}

TEST_F(nvme, low_power_exit_without_entry_is_harmless)
{
	char state[16];

	EXPECT_EQ(0, vfio_device_feature(self->d.device, EXIT, NULL, 0));
	ASSERT_EQ(0, pci_power_state(NVME_BDF, state, sizeof(state)));
	EXPECT_STREQ("D0", state);
}

TEST_F(nvme, device_closed_in_low_power_goes_back_to_idle_d3hot)
{
	char state[16];

	ASSERT_EQ(0, vfio_device_feature(self->d.device, ENTRY, NULL, 0));
	ASSERT_EQ(0, pci_wait_power_state(NVME_BDF, "D3hot", WAIT_MS, state,
					  sizeof(state)));
	vfio_dev_close(&self->d);
	EXPECT_EQ(0, pci_wait_power_state(NVME_BDF, "D3hot", WAIT_MS, state,
					  sizeof(state)));
	/* and it opens again as usual */
	ASSERT_EQ(0, vfio_dev_open(&self->d, NVME_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, pci_power_state(NVME_BDF, state, sizeof(state)));
	EXPECT_STREQ("D0", state);
}

TEST_F(nvme, access_after_entry_with_wakeup_signals_the_eventfd)
{
	struct vfio_device_low_power_entry_with_wakeup w = {};
	char state[16];
	uint16_t vendor;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ASSERT_LE(0, efd);
	w.wakeup_eventfd = efd;
	ASSERT_EQ(0, vfio_device_feature(self->d.device, ENTRY_WAKEUP, &w,
					 sizeof(w)));
	ASSERT_EQ(0, pci_wait_power_state(NVME_BDF, "D3hot", WAIT_MS, state,
					  sizeof(state)));
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(efd, 0));

	/* a config space read through the fd wakes it */
	ASSERT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
				      0, &vendor, sizeof(vendor)));
	EXPECT_EQ(0x1b36, vendor);
	EXPECT_EQ(1, eventfd_wait(efd, WAIT_MS));

	/* woken for good: it stays in D0 */
	usleep(STAY_MS * 1000);
	ASSERT_EQ(0, pci_power_state(NVME_BDF, state, sizeof(state)));
	EXPECT_STREQ("D0", state);
	/* and a new entry is allowed */
	EXPECT_EQ(0, vfio_device_feature(self->d.device, ENTRY, NULL, 0));
	EXPECT_EQ(0, vfio_device_feature(self->d.device, EXIT, NULL, 0));
	close(efd);
}

TEST_F(nvme, entry_with_wakeup_rejects_a_bad_eventfd)
{
	struct vfio_device_low_power_entry_with_wakeup w = { -1 };

	EXPECT_EQ(-EINVAL, vfio_device_feature(self->d.device, ENTRY_WAKEUP,
					       &w, sizeof(w)));
	w.wakeup_eventfd = self->d.container;	/* not an eventfd */
	EXPECT_EQ(-EINVAL, vfio_device_feature(self->d.device, ENTRY_WAKEUP,
					       &w, sizeof(w)));
}

TEST_F(nvme, entry_with_wakeup_rejects_a_short_payload)
{
	EXPECT_EQ(-EINVAL, vfio_device_feature(self->d.device, ENTRY_WAKEUP,
					       NULL, 0));
}

static sigjmp_buf sigbus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(sigbus_jmp, 1);
}

/* Read a BAR word; false if it raised SIGBUS */
static bool bar_readable(void *bar, uint32_t *val)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	bool ok = false;

	sigaction(SIGBUS, &sa, &old);
	if (!sigsetjmp(sigbus_jmp, 1)) {
		*val = edu_rd32(bar, EDU_REG_ID);
		ok = true;
	}
	sigaction(SIGBUS, &old, NULL);
	return ok;
}

TEST(mapped_bar_faults_while_in_low_power_and_works_after_exit)
{
	struct edu e;
	uint32_t id = 0;

	ASSERT_EQ(0, edu_open(&e, EDU_BDF));
	ASSERT_EQ(0, vfio_pci_cmd_set(&e.dev, PCI_COMMAND_MEMORY));
	ASSERT_TRUE(bar_readable(e.bar, &id));
	ASSERT_EQ(0xed, id & 0xff);

	ASSERT_EQ(0, vfio_device_feature(e.dev.device, ENTRY, NULL, 0));
	EXPECT_FALSE(bar_readable(e.bar, &id));

	ASSERT_EQ(0, vfio_device_feature(e.dev.device, EXIT, NULL, 0));
	id = 0;
	EXPECT_TRUE(bar_readable(e.bar, &id));
	EXPECT_EQ(0xed, id & 0xff);
	edu_close(&e);
}

/* vfio-pci reloaded with disable_idle_d3=1; the teardown reloads it plain */
FIXTURE(no_idle_d3) {
};

FIXTURE_SETUP(no_idle_d3)
{
	ASSERT_TRUE(vfio_module_loaded("vfio-pci"));
	ASSERT_EQ(0, vfio_pci_reload("disable_idle_d3=1"));
}

FIXTURE_TEARDOWN(no_idle_d3)
{
	EXPECT_TRUE(vfio_module_loaded("vfio-pci"));
	EXPECT_EQ(0, vfio_pci_reload(""));
}

TEST_F(no_idle_d3, param_reads_back_as_set)
{
	char val[8];

	ASSERT_EQ(0, sysfs_read(PARAM, val, sizeof(val)));
	EXPECT_STREQ("Y", val);
}

TEST_F(no_idle_d3, idle_device_stays_in_d0)
{
	char state[16];

	ASSERT_EQ(0, pci_bind(NVME_BDF, "vfio-pci"));
	EXPECT_EQ(-ETIMEDOUT, pci_wait_power_state(NVME_BDF, "D3hot", STAY_MS,
						   state, sizeof(state)));
	EXPECT_STREQ("D0", state);
}

TEST_F(no_idle_d3, device_closed_stays_in_d0)
{
	struct vfio_dev d;
	char state[16];

	ASSERT_EQ(0, vfio_dev_open(&d, NVME_BDF, VFIO_TYPE1v2_IOMMU));
	vfio_dev_close(&d);
	EXPECT_EQ(-ETIMEDOUT, pci_wait_power_state(NVME_BDF, "D3hot", STAY_MS,
						   state, sizeof(state)));
	EXPECT_STREQ("D0", state);
}

TEST_F(no_idle_d3, reloading_without_the_param_brings_idle_d3_back)
{
	char state[16];

	ASSERT_TRUE(vfio_module_loaded("vfio-pci"));
	ASSERT_EQ(0, vfio_pci_reload(""));
	ASSERT_EQ(0, pci_bind(NVME_BDF, "vfio-pci"));
	EXPECT_EQ(0, pci_wait_power_state(NVME_BDF, "D3hot", WAIT_MS, state,
					  sizeof(state)))
		TH_LOG("power_state %s", state);
}

TEST(disable_idle_d3_param_is_off_by_default)
{
	char val[8];

	ASSERT_EQ(0, sysfs_read(PARAM, val, sizeof(val)));
	EXPECT_STREQ("N", val);
}

TEST_HARNESS_MAIN
