// SPDX-License-Identifier: GPL-2.0
/*
 * Runs last in the VM: after every other test, each module of the VFIO stack
 * unloads in reverse load order and /dev/vfio/vfio goes away, so nothing the
 * tests did (fds, maps, pins, eventfds) left a reference behind.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "lib/modules.h"

TEST(stack_unloads_cleanly_after_all_tests)
{
	struct vfio_stack stack;
	struct stat st;
	int i;

	ASSERT_EQ(0, vfio_stack_read(&stack));
	for (i = stack.count - 1; i >= 0; i--) {
		ASSERT_TRUE(vfio_module_loaded(stack.names[i]));
		ASSERT_EQ(0, vfio_module_unload(stack.names[i])) {
			TH_LOG("unloading %s: %s", stack.names[i], strerror(errno));
		}
		ASSERT_FALSE(vfio_module_loaded(stack.names[i]));
	}
	ASSERT_NE(0, stat("/dev/vfio/vfio", &st));
}

TEST_HARNESS_MAIN
