// SPDX-License-Identifier: GPL-2.0
/*
 * The limits type1 enforces on a container's mappings: the number of
 * mappings (module parameter dma_entry_limit, read when the IOMMU type is
 * set) and the memory pinned, charged to the caller's RLIMIT_MEMLOCK
 * unless it has CAP_IPC_LOCK.  A refused map leaves no pin and no locked
 * memory behind.  The container holds the edu's group at 00:02.0.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/proc.h"
#include "lib/vfio.h"

#define PAGE		4096UL
#define BUF_SIZE	(1UL << 20)
#define MEMLOCK		(64 * 1024UL)
#define IOVA		0x1000000ULL
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define ENTRY_LIMIT	"/sys/module/vfio_iommu_type1/parameters/dma_entry_limit"

FIXTURE(limits) {
	struct vfio_dev d;
	char *buf;
	char old_limit[32];
};

FIXTURE_SETUP(limits)
{
	vfio_dev_init(&self->d);
	self->buf = vfio_dma_buffer(BUF_SIZE);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, sysfs_read(ENTRY_LIMIT, self->old_limit, sizeof(self->old_limit)));
}

FIXTURE_TEARDOWN(limits)
{
	vfio_dev_close(&self->d);
	sysfs_write(ENTRY_LIMIT, self->old_limit);
}

static int map(struct _test_data_limits *self, size_t off, uint64_t size)
{
	return vfio_dma_map(self->d.container, self->buf + off, IOVA + off, size, RW);
}

static int memlock_limit(unsigned long bytes)
{
	struct rlimit rl = { bytes, bytes };

	return setrlimit(RLIMIT_MEMLOCK, &rl) ? -errno : 0;
}

TEST_F(limits, map_stops_at_dma_entry_limit)
{
	long long locked;
	int i;

	ASSERT_EQ(0, sysfs_write(ENTRY_LIMIT, "4"));
	ASSERT_EQ(0, vfio_dev_open_group(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	locked = proc_status_kb("VmLck");
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, map(self, 2 * i * PAGE, PAGE));
	EXPECT_EQ(-ENOSPC, map(self, 8 * PAGE, PAGE));
	EXPECT_EQ(locked + 4 * PAGE / 1024, proc_status_kb("VmLck"));
	/* a freed slot can be used again */
	ASSERT_EQ(PAGE, vfio_dma_unmap(self->d.container, IOVA, PAGE, 0));
	EXPECT_EQ(0, map(self, 8 * PAGE, PAGE));
	EXPECT_EQ(4 * PAGE, vfio_dma_unmap(self->d.container, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL));
}

TEST_F(limits, map_beyond_memlock_fails_without_cap_ipc_lock)
{
	long long locked, pinned;

	ASSERT_EQ(0, vfio_dev_open_group(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, memlock_limit(MEMLOCK));
	ASSERT_EQ(0, cap_drop_effective(CAP_IPC_LOCK));
	locked = proc_status_kb("VmLck");
	pinned = pinned_pages();
	ASSERT_LE(0, pinned);

	EXPECT_EQ(-ENOMEM, map(self, 0, BUF_SIZE));
	EXPECT_EQ(locked, proc_status_kb("VmLck"));
	EXPECT_EQ(pinned, pinned_pages());
	EXPECT_EQ(0, vfio_dma_unmap(self->d.container, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL));
	/* within the limit it works, and the charges add up */
	EXPECT_EQ(0, map(self, 0, MEMLOCK / 2));
	EXPECT_EQ(-ENOMEM, map(self, MEMLOCK, MEMLOCK));
	EXPECT_EQ(locked + MEMLOCK / 2 / 1024, proc_status_kb("VmLck"));
}

TEST_F(limits, cap_ipc_lock_lifts_the_memlock_limit)
{
	long long locked;

	ASSERT_EQ(0, vfio_dev_open_group(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, memlock_limit(MEMLOCK));
	locked = proc_status_kb("VmLck");
	EXPECT_EQ(0, map(self, 0, BUF_SIZE));
	/* still charged, only not limited */
	EXPECT_EQ(locked + BUF_SIZE / 1024, proc_status_kb("VmLck"));
}

TEST_HARNESS_MAIN
