// SPDX-License-Identifier: GPL-2.0
/*
 * Unsafe no-IOMMU mode on a machine without an IOMMU (noiommu.list, booted
 * on machines/x86_64-noiommu.conf): edu has no IOMMU group, so type1 can
 * never take it.  Without enable_unsafe_noiommu_mode vfio-pci refuses it
 * and says why; with it the device gets a /dev/vfio/noiommu-N group that
 * only the No-IOMMU backend accepts, opening it needs CAP_SYS_RAWIO, and
 * the kernel is tainted.  Tests run in order and build on each other.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/kmsg.h"
#include "lib/modules.h"
#include "lib/pci.h"
#include "lib/proc.h"
#include "lib/vfio.h"

#define TAINT_USER_BIT	(1UL << 6)

static unsigned long taint_flags(void)
{
	char buf[32] = "";

	sysfs_read("/proc/sys/kernel/tainted", buf, sizeof(buf));
	return strtoul(buf, NULL, 0);
}

/* Reload the stack with vfio's no-IOMMU parameter set to VAL. */
static int reload_with_noiommu(const char *val)
{
	char params[64];

	pci_unbind(EDU_BDF);
	snprintf(params, sizeof(params), "enable_unsafe_noiommu_mode=%s", val);
	return vfio_stack_reload(params);
}

static int noiommu_group_fd(void)
{
	int id = pci_iommu_group(EDU_BDF);
	char path[64];
	int fd;

	if (id < 0)
		return id;
	snprintf(path, sizeof(path), "/dev/vfio/noiommu-%d", id);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

TEST(device_without_iommu_is_refused_and_the_log_says_why)
{
	char line[512], drv[64];
	int kmsg;

	ASSERT_EQ(0, reload_with_noiommu("0"));
	ASSERT_GT(0, pci_iommu_group(EDU_BDF));
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	EXPECT_NE(0, pci_bind(EDU_BDF, "vfio-pci"));
	ASSERT_EQ(0, pci_driver(EDU_BDF, drv, sizeof(drv)));
	EXPECT_STREQ("", drv);
	EXPECT_EQ(1, kmsg_count(kmsg, line, sizeof(line), EDU_BDF,
				"no IOMMU group", "enable_unsafe_noiommu_mode", NULL));
	close(kmsg);
}

TEST(noiommu_mode_gives_the_device_a_noiommu_group_and_taints)
{
	struct stat st;
	int fd;

	char line[512];
	int kmsg;

	/* driver_override is still vfio-pci: it may bind as vfio-pci loads */
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	ASSERT_EQ(0, reload_with_noiommu("1"));
	ASSERT_EQ(0, pci_bind(EDU_BDF, "vfio-pci"));
	EXPECT_EQ(1, kmsg_count(kmsg, line, sizeof(line), EDU_BDF, "UNSAFE",
				"noiommu-", "tainting", NULL));
	close(kmsg);
	ASSERT_LE(0, pci_iommu_group(EDU_BDF));
	fd = noiommu_group_fd();
	ASSERT_LE(0, fd) {
		TH_LOG("open /dev/vfio/noiommu-%d: %s", pci_iommu_group(EDU_BDF),
		       strerror(-fd));
	}
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_NE(0, taint_flags() & TAINT_USER_BIT);
	close(fd);
}

TEST(noiommu_group_takes_only_the_noiommu_backend)
{
	int group, container;

	group = noiommu_group_fd();
	ASSERT_LE(0, group);
	container = vfio_open_container();
	ASSERT_LE(0, container);
	ASSERT_EQ(0, ioctl(group, VFIO_GROUP_SET_CONTAINER, &container));
	/* with a no-IOMMU group in it, only that backend is on offer */
	EXPECT_EQ(0, ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(1, ioctl(container, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU));
	EXPECT_EQ(-1, ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	EXPECT_EQ(0, ioctl(container, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU));
	close(group);
	close(container);
}

TEST(noiommu_device_fd_reaches_the_device)
{
	int group, container, device;
	struct vfio_dev d;
	uint16_t ids[2];
	size_t size;
	void *bar;

	group = noiommu_group_fd();
	ASSERT_LE(0, group);
	container = vfio_open_container();
	ASSERT_LE(0, container);
	ASSERT_EQ(0, ioctl(group, VFIO_GROUP_SET_CONTAINER, &container));
	ASSERT_EQ(0, ioctl(container, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU));
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, EDU_BDF);
	ASSERT_LE(0, device);

	vfio_dev_init(&d);
	d.device = device;
	ASSERT_EQ(0, vfio_region_read(&d, VFIO_PCI_CONFIG_REGION_INDEX, 0, ids,
				      sizeof(ids)));
	EXPECT_EQ(0x1234, ids[0]);
	EXPECT_EQ(0x11e8, ids[1]);
	bar = vfio_region_mmap(&d, VFIO_PCI_BAR0_REGION_INDEX, &size);
	ASSERT_NE(NULL, bar);
	EXPECT_EQ(0xed, edu_rd32(bar, EDU_REG_ID) & 0xff);
	close(device);
	close(group);
	close(container);
}

TEST(opening_a_noiommu_group_needs_cap_sys_rawio)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (cap_drop_effective(CAP_SYS_RAWIO))
			_exit(2);
		fd = noiommu_group_fd();
		_exit(fd == -EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
