// SPDX-License-Identifier: GPL-2.0
/*
 * Two IOMMU groups in one type1 container: the edu at 00:02.0 (A) and the
 * edu behind the root port at 01:00.0 (B).  One set of mappings serves
 * both devices, including mappings made before B joined (hot-add); B
 * leaving does not disturb A; and no group may join while a mapping's
 * vaddr is invalidated, since joining may need to pin through it.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define PAGE		4096UL
#define BUF_SIZE	(4 * PAGE)
#define IOVA		0x300000ULL
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

FIXTURE(two) {
	int container;
	struct edu a;
	struct edu b;
	unsigned char *buf;
};

FIXTURE_SETUP(two)
{
	edu_init(&self->a);
	edu_init(&self->b);
	self->container = vfio_open_container();
	ASSERT_LE(0, self->container);
	self->buf = vfio_dma_buffer(BUF_SIZE);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, vfio_dev_attach(&self->a.dev, EDU_BDF, self->container));
}

FIXTURE_TEARDOWN(two)
{
	edu_close(&self->a);
	edu_close(&self->b);
	close(self->container);
}

/* E's group is in the container and the IOMMU type set: open and start it */
static int start(struct edu *e)
{
	int ret = vfio_dev_get_device(&e->dev);

	return ret ? ret : edu_start(e);
}

/* E copies the first EDU_DMA_MAX bytes at IOVA to IOVA + OFF; true if done */
static bool copy(struct edu *e, unsigned long off)
{
	return edu_dma(e->bar, IOVA, EDU_DMA_MAX, false, false) &&
	       edu_dma(e->bar, IOVA + off, EDU_DMA_MAX, true, false);
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 29 + seed);
}

TEST_F(two, both_devices_reach_the_shared_mappings)
{
	ASSERT_EQ(0, vfio_dev_attach(&self->b.dev, HOTEDU_BDF, self->container));
	ASSERT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, start(&self->a));
	ASSERT_EQ(0, start(&self->b));
	fill(self->buf, EDU_DMA_MAX, 1);
	ASSERT_EQ(0, vfio_dma_map(self->container, self->buf, IOVA, BUF_SIZE, RW));
	ASSERT_TRUE(copy(&self->a, PAGE));
	ASSERT_TRUE(copy(&self->b, 2 * PAGE));
	EXPECT_EQ(0, memcmp(self->buf, self->buf + PAGE, EDU_DMA_MAX));
	EXPECT_EQ(0, memcmp(self->buf, self->buf + 2 * PAGE, EDU_DMA_MAX));
}

TEST_F(two, group_joining_later_reaches_existing_mappings)
{
	ASSERT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, start(&self->a));
	fill(self->buf, EDU_DMA_MAX, 2);
	ASSERT_EQ(0, vfio_dma_map(self->container, self->buf, IOVA, BUF_SIZE, RW));
	ASSERT_TRUE(copy(&self->a, PAGE));
	/* B joins the container that already has the IOMMU set and a map */
	ASSERT_EQ(0, vfio_dev_attach(&self->b.dev, HOTEDU_BDF, self->container));
	ASSERT_EQ(0, start(&self->b));
	ASSERT_TRUE(copy(&self->b, 2 * PAGE));
	EXPECT_EQ(0, memcmp(self->buf, self->buf + 2 * PAGE, EDU_DMA_MAX));
}

TEST_F(two, group_leaving_keeps_the_mappings_for_the_other)
{
	ASSERT_EQ(0, vfio_dev_attach(&self->b.dev, HOTEDU_BDF, self->container));
	ASSERT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, start(&self->a));
	ASSERT_EQ(0, vfio_dev_get_device(&self->b.dev));
	fill(self->buf, EDU_DMA_MAX, 3);
	ASSERT_EQ(0, vfio_dma_map(self->container, self->buf, IOVA, BUF_SIZE, RW));
	close(self->b.dev.device);
	self->b.dev.device = -1;
	ASSERT_EQ(0, vfio_group_unset_container(self->b.dev.group));
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, vfio_group_flags(self->b.dev.group));
	EXPECT_TRUE(copy(&self->a, PAGE));
	EXPECT_EQ(0, memcmp(self->buf, self->buf + PAGE, EDU_DMA_MAX));
}

TEST_F(two, group_cannot_join_while_a_vaddr_is_invalidated)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_VADDR,
		.vaddr = (uintptr_t)self->buf,
		.iova = IOVA,
		.size = BUF_SIZE,
	};
	int group;

	ASSERT_EQ(0, vfio_set_iommu(self->container, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, vfio_dma_map(self->container, self->buf, IOVA, BUF_SIZE, RW));
	ASSERT_EQ(BUF_SIZE, vfio_dma_unmap(self->container, IOVA, BUF_SIZE,
					   VFIO_DMA_UNMAP_FLAG_VADDR));
	group = vfio_open_group_of(HOTEDU_BDF);
	ASSERT_LE(0, group);
	self->b.dev.group = group;
	EXPECT_EQ(-EBUSY, vfio_group_set_container(group, self->container));
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, vfio_group_flags(group));
	/* once the vaddr is valid again, the group may join */
	ASSERT_EQ(0, ioctl(self->container, VFIO_IOMMU_MAP_DMA, &map));
	EXPECT_EQ(0, vfio_group_set_container(group, self->container));
}

TEST_HARNESS_MAIN
