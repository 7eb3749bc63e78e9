// SPDX-License-Identifier: GPL-2.0
/*
 * SR-IOV through vfio-pci, on the nvme at 02:00.0 (QEMU: up to 2 VFs, at
 * 02:00.1 and 02:00.2, each in its own IOMMU group).
 *
 * A PF bound to vfio-pci creates VFs through sriov_numvfs only when
 * vfio-pci's enable_sriov parameter is set.  The VFs bind to vfio-pci by
 * themselves.  The VF token: the PF's user sets a UUID (through
 * VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, or by naming one when opening the PF
 * while no VF is open); a VF opens only with that token appended to its
 * name, and the PF, while a VF is open, only with it too.
 *
 * QEMU's nvme VFs need resources assigned through NVMe admin commands to
 * work as controllers; as PCI functions they exist as soon as they are
 * enabled, which is all these tests need.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/kmsg.h"
#include "lib/monitor.h"
#include "lib/pci.h"
#include "lib/power.h"
#include "lib/vfio.h"

#define VF1_BDF		"0000:02:00.1"
#define VF2_BDF		"0000:02:00.2"
#define NUMVFS		"/sys/bus/pci/devices/" NVME_BDF "/sriov_numvfs"
#define ENABLE_SRIOV	"/sys/module/vfio_pci/parameters/enable_sriov"
#define WAIT_MS		3000

#define TOKEN		"2ab1c7b4-2d10-4d4d-9a36-6f0c5a0d1e01"
#define TOKEN_BYTES	{ 0x2a, 0xb1, 0xc7, 0xb4, 0x2d, 0x10, 0x4d, 0x4d, \
			  0x9a, 0x36, 0x6f, 0x0c, 0x5a, 0x0d, 0x1e, 0x01 }
#define WRONG_TOKEN	"00000000-1111-2222-3333-444444444444"

#define SET_TOKEN	(VFIO_DEVICE_FEATURE_SET | \
			 VFIO_DEVICE_FEATURE_PCI_VF_TOKEN)

/* VFIO_GROUP_GET_DEVICE_FD of "BDF[ vf_token=TOKEN]" on D's group */
static int open_named(struct vfio_dev *d, const char *bdf, const char *token)
{
	char name[128];

	if (token)
		snprintf(name, sizeof(name), "%s vf_token=%s", bdf, token);
	else
		snprintf(name, sizeof(name), "%s", bdf);
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, name);
	return d->device < 0 ? -errno : 0;
}

static int set_token(struct vfio_dev *pf)
{
	const unsigned char uuid[16] = TOKEN_BYTES;

	return vfio_device_feature(pf->device, SET_TOKEN, uuid, sizeof(uuid));
}

TEST(enable_sriov_param_is_off_by_default)
{
	char val[8];

	ASSERT_EQ(0, sysfs_read(ENABLE_SRIOV, val, sizeof(val)));
	EXPECT_STREQ("N", val);
}

TEST(sriov_numvfs_is_refused_without_enable_sriov)
{
	ASSERT_EQ(0, pci_bind(NVME_BDF, "vfio-pci"));
	EXPECT_EQ(-ENOENT, sysfs_write(NUMVFS, "1"));
	EXPECT_FALSE(pci_exists(VF1_BDF));
}

TEST(vf_token_on_a_device_without_sriov_is_refused)
{
	struct vfio_dev d;

	ASSERT_EQ(0, vfio_dev_open_group(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(-EINVAL, open_named(&d, EDU_BDF, TOKEN));
	EXPECT_EQ(0, open_named(&d, EDU_BDF, NULL));
	vfio_dev_close(&d);
}

TEST(vf_token_feature_is_not_offered_on_a_device_without_sriov)
{
	struct vfio_dev d;

	ASSERT_EQ(0, vfio_dev_open(&d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(-ENOTTY, set_token(&d));
	vfio_dev_close(&d);
}

/* Enable N VFs of the PF through sysfs and wait for them; 0 or -errno */
static int vfs_enable(const char *n)
{
	char drv[32];
	int ret;

	ret = sysfs_write(ENABLE_SRIOV, "1");
	if (!ret)
		ret = sysfs_write(NUMVFS, n);
	if (!ret)
		ret = pci_wait_exists(VF1_BDF, true, WAIT_MS);
	if (!ret)
		ret = pci_driver(VF1_BDF, drv, sizeof(drv));
	if (!ret && strcmp(drv, "vfio-pci"))
		ret = -ENODEV;
	return ret;
}

/* Disable the VFs and wait until they are gone; 0 or -errno */
static int vfs_disable(void)
{
	int ret = sysfs_write(NUMVFS, "0");

	if (!ret)
		ret = pci_wait_exists(VF1_BDF, false, WAIT_MS);
	sysfs_write(ENABLE_SRIOV, "0");
	return ret;
}

TEST(pf_with_vfs_stays_in_d0_while_idle)
{
	char state[16];

	ASSERT_EQ(0, pci_bind(NVME_BDF, "vfio-pci"));
	ASSERT_EQ(0, pci_wait_power_state(NVME_BDF, "D3hot", WAIT_MS, state,
					  sizeof(state)));
	ASSERT_EQ(0, vfs_enable("2"));
	EXPECT_EQ(-ETIMEDOUT, pci_wait_power_state(NVME_BDF, "D3hot", 500,
						   state, sizeof(state)));
	EXPECT_STREQ("D0", state);
	EXPECT_EQ(0, vfs_disable());
	EXPECT_EQ(0, pci_wait_power_state(NVME_BDF, "D3hot", WAIT_MS, state,
					  sizeof(state)));
}

TEST(disabling_sriov_removes_the_vfs)
{
	ASSERT_EQ(0, pci_bind(NVME_BDF, "vfio-pci"));
	ASSERT_EQ(0, vfs_enable("2"));
	ASSERT_TRUE(pci_exists(VF2_BDF));
	ASSERT_EQ(0, sysfs_write(NUMVFS, "0"));
	EXPECT_EQ(0, pci_wait_exists(VF1_BDF, false, WAIT_MS));
	EXPECT_FALSE(pci_exists(VF2_BDF));
	sysfs_write(ENABLE_SRIOV, "0");
}

/*
 * The PF open (its reset on open happens before it has VFs: resetting a
 * PF drops its VFs in QEMU), two VFs enabled, the group of the first VF
 * in a container.  pf2 is a second fd of the PF, opened by a test: it
 * checks the token without resetting the PF again.  The VFs are disabled
 * before the PF is closed, for the same reason.
 */
FIXTURE(vfs) {
	struct vfio_dev pf;
	struct vfio_dev vf;
	int pf2;
};

FIXTURE_SETUP(vfs)
{
	vfio_dev_init(&self->vf);
	self->pf2 = -1;
	ASSERT_EQ(0, vfio_dev_open(&self->pf, NVME_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfs_enable("2"));
	ASSERT_EQ(0, vfio_dev_open_group(&self->vf, VF1_BDF,
					 VFIO_TYPE1v2_IOMMU));
}

FIXTURE_TEARDOWN(vfs)
{
	vfio_dev_close(&self->vf);
	if (self->pf2 >= 0)
		close(self->pf2);
	EXPECT_EQ(0, vfs_disable());
	vfio_dev_close(&self->pf);
}

/* A second fd of the PF, named with TOKEN (or none); 0 or -errno */
static int open_pf2(FIXTURE_DATA(vfs) * self, const char *token)
{
	struct vfio_dev d = self->pf;
	int ret = open_named(&d, NVME_BDF, token);

	if (!ret)
		self->pf2 = d.device;
	return ret;
}

TEST_F(vfs, vfs_appear_bound_to_vfio_pci_in_groups_of_their_own)
{
	char drv[32];

	ASSERT_EQ(0, pci_driver(VF2_BDF, drv, sizeof(drv)));
	EXPECT_STREQ("vfio-pci", drv);
	EXPECT_NE(pci_iommu_group(NVME_BDF), pci_iommu_group(VF1_BDF));
	EXPECT_NE(pci_iommu_group(VF1_BDF), pci_iommu_group(VF2_BDF));
}

TEST_F(vfs, vf_without_a_token_is_refused_with_eacces_and_a_log_line)
{
	char line[512] = "";
	int kmsg = kmsg_open();

	ASSERT_LE(0, kmsg);
	EXPECT_EQ(-EACCES, open_named(&self->vf, VF1_BDF, NULL));
	EXPECT_EQ(1, kmsg_count(kmsg, line, sizeof(line), VF1_BDF,
				"VF token required", NULL));
	TH_LOG("%s", line);
	close(kmsg);
}

TEST_F(vfs, vf_with_a_wrong_token_is_refused_with_eacces)
{
	ASSERT_EQ(0, set_token(&self->pf));
	EXPECT_EQ(-EACCES, open_named(&self->vf, VF1_BDF, WRONG_TOKEN));
}

TEST_F(vfs, vf_opens_with_the_token_set_through_the_pf_feature)
{
	ASSERT_EQ(0, set_token(&self->pf));
	EXPECT_EQ(0, open_named(&self->vf, VF1_BDF, TOKEN));
}

TEST_F(vfs, token_named_when_opening_the_pf_becomes_the_vf_token)
{
	ASSERT_EQ(0, open_pf2(self, TOKEN));
	EXPECT_EQ(0, open_named(&self->vf, VF1_BDF, TOKEN));
}

TEST_F(vfs, malformed_token_is_refused)
{
	EXPECT_EQ(-EINVAL, open_named(&self->vf, VF1_BDF, "not-a-uuid"));
	EXPECT_EQ(-EINVAL, open_pf2(self, TOKEN "x"));
}

TEST_F(vfs, pf_with_an_open_vf_opens_only_with_the_token)
{
	ASSERT_EQ(0, set_token(&self->pf));
	ASSERT_EQ(0, open_named(&self->vf, VF1_BDF, TOKEN));

	EXPECT_EQ(-EACCES, open_pf2(self, NULL));
	EXPECT_EQ(-EACCES, open_pf2(self, WRONG_TOKEN));
	EXPECT_EQ(0, open_pf2(self, TOKEN));
}

TEST_F(vfs, pf_opens_without_a_token_once_its_vfs_are_closed)
{
	ASSERT_EQ(0, set_token(&self->pf));
	ASSERT_EQ(0, open_named(&self->vf, VF1_BDF, TOKEN));
	close(self->vf.device);
	self->vf.device = -1;

	EXPECT_EQ(0, open_pf2(self, NULL));
}

TEST_F(vfs, vf_token_cannot_be_read_back)
{
	unsigned char uuid[16];

	EXPECT_EQ(-EINVAL, vfio_device_feature(self->pf.device,
		  VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN,
		  uuid, sizeof(uuid)));
}

TEST_F(vfs, vf_token_feature_can_be_probed_for_set)
{
	EXPECT_EQ(0, vfio_device_feature(self->pf.device,
		  VFIO_DEVICE_FEATURE_PROBE | SET_TOKEN, NULL, 0));
}

TEST_F(vfs, vf_token_feature_rejects_a_short_payload)
{
	unsigned char uuid[8] = {};

	EXPECT_EQ(-EINVAL, vfio_device_feature(self->pf.device, SET_TOKEN,
					       uuid, sizeof(uuid)));
}

TEST_F(vfs, vf_token_feature_is_not_offered_on_a_vf)
{
	ASSERT_EQ(0, set_token(&self->pf));
	ASSERT_EQ(0, open_named(&self->vf, VF1_BDF, TOKEN));
	EXPECT_EQ(-ENOTTY, set_token(&self->vf));
}

TEST_F(vfs, open_vf_is_in_d0)
{
	char state[16];

	ASSERT_EQ(0, set_token(&self->pf));
	ASSERT_EQ(0, open_named(&self->vf, VF1_BDF, TOKEN));
	ASSERT_EQ(0, pci_power_state(VF1_BDF, state, sizeof(state)));
	EXPECT_STREQ("D0", state);
}

TEST_HARNESS_MAIN
