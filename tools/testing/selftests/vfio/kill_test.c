// SPDX-License-Identifier: GPL-2.0
/*
 * A VFIO user killed with SIGKILL while it holds everything: the edu at
 * 00:02.0 open, 64 MiB mapped for DMA (pinned), its MSI routed to an
 * eventfd, a DMA done.  Once it is reaped, its group can be opened again,
 * every page it had pinned is released (FOLL_PIN counts in /proc/vmstat
 * are back where they were) and the device works for the next user.
 * stack_unload_test, last in the list, then proves no module reference
 * was left behind either.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/pci.h"
#include "lib/proc.h"
#include "lib/vfio.h"

#define PAGE		4096UL
#define MAP_SIZE	(64UL << 20)
#define IOVA		0x1000000ULL
#define RW		(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

/* The victim: set everything up, report on FD, wait to be killed. */
static void victim(int fd)
{
	unsigned char *buf;
	struct edu e;
	char ok = 1;

	if (edu_open(&e, EDU_BDF))
		_exit(2);
	buf = vfio_dma_buffer(MAP_SIZE);
	if (!buf || vfio_dma_map(e.dev.container, buf, IOVA, MAP_SIZE, RW))
		_exit(3);
	memset(buf, 0x5a, EDU_DMA_MAX);
	if (!edu_dma(e.bar, IOVA, EDU_DMA_MAX, false, false) ||
	    !edu_dma(e.bar, IOVA + PAGE, EDU_DMA_MAX, true, true) ||
	    edu_wait_dma_irq(&e, 5000))
		_exit(4);
	if (write(fd, &ok, 1) != 1)
		_exit(5);
	for (;;)
		pause();
}

FIXTURE(killed) {
	long long pinned_before;
	long long pinned_during;
	pid_t pid;
};

FIXTURE_SETUP(killed)
{
	self->pid = 0;
}

/* a victim that a failed test left alive */
FIXTURE_TEARDOWN(killed)
{
	if (self->pid > 0) {
		kill(self->pid, SIGKILL);
		waitpid(self->pid, NULL, 0);
	}
}

/* Start the victim, see its pins, kill it and reap it. */
static void kill_victim(struct __test_metadata *_metadata,
			struct _test_data_killed *self)
{
	struct pollfd p = { .events = POLLIN };
	int pipefd[2], status;
	char ok;

	self->pinned_before = pinned_pages();
	ASSERT_LE(0, self->pinned_before);
	ASSERT_EQ(0, pipe(pipefd));
	self->pid = fork();
	ASSERT_LE(0, self->pid);
	if (!self->pid) {
		close(pipefd[0]);
		victim(pipefd[1]);
	}
	close(pipefd[1]);
	p.fd = pipefd[0];
	ASSERT_EQ(1, poll(&p, 1, 60000));
	ASSERT_EQ(1, read(pipefd[0], &ok, 1)) {
		waitpid(self->pid, &status, 0);
		self->pid = 0;
		TH_LOG("the victim failed to set up (exit %d)", WEXITSTATUS(status));
	}
	close(pipefd[0]);
	self->pinned_during = pinned_pages();
	/* it is holding its pins now: the counters can see them go */
	ASSERT_LE(self->pinned_before + (long long)(MAP_SIZE / PAGE), self->pinned_during);
	ASSERT_EQ(0, kill(self->pid, SIGKILL));
	ASSERT_EQ(self->pid, waitpid(self->pid, &status, 0));
	self->pid = 0;
	ASSERT_TRUE(WIFSIGNALED(status));
}

TEST_F(killed, group_can_be_opened_again)
{
	int group;

	kill_victim(_metadata, self);
	group = vfio_open_group(pci_iommu_group(EDU_BDF));

	EXPECT_LE(0, group);
	EXPECT_EQ(VFIO_GROUP_FLAGS_VIABLE, vfio_group_flags(group));
	close(group);
}

TEST_F(killed, every_pinned_page_is_released)
{
	kill_victim(_metadata, self);
	EXPECT_EQ(self->pinned_before, pinned_pages()) {
		TH_LOG("%lld pages still pinned of %lld",
		       pinned_pages() - self->pinned_before,
		       self->pinned_during - self->pinned_before);
	}
}

TEST_F(killed, device_works_for_the_next_user)
{
	unsigned char *buf = vfio_dma_buffer(2 * PAGE);
	struct edu e;

	kill_victim(_metadata, self);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, edu_open(&e, EDU_BDF));
	memset(buf, 0xa5, EDU_DMA_MAX);
	ASSERT_EQ(0, vfio_dma_map(e.dev.container, buf, IOVA, 2 * PAGE, RW));
	ASSERT_TRUE(edu_dma(e.bar, IOVA, EDU_DMA_MAX, false, false));
	ASSERT_TRUE(edu_dma(e.bar, IOVA + PAGE, EDU_DMA_MAX, true, true));
	EXPECT_EQ(0, edu_wait_dma_irq(&e, 5000));
	EXPECT_EQ(0, memcmp(buf, buf + PAGE, EDU_DMA_MAX));
	edu_close(&e);
}

TEST_HARNESS_MAIN
