// SPDX-License-Identifier: GPL-2.0
/*
 * Runs first in the VM: the VFIO stack loads in dependency order and
 * creates /dev/vfio/vfio, unloads, and loads again for the tests after it.
 * stack_unload_test, run last, proves the tests left nothing holding it.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kselftest_harness.h"
#include "lib/modules.h"

TEST(stack_loads_in_dependency_order)
{
	struct vfio_stack stack;
	struct stat st;
	int i;

	ASSERT_EQ(0, vfio_stack_read(&stack));
	for (i = 0; i < stack.count; i++) {
		ASSERT_FALSE(vfio_module_loaded(stack.names[i])) {
			TH_LOG("%s already loaded before the test", stack.names[i]);
		}
		ASSERT_EQ(0, vfio_module_load(stack.dir, stack.names[i])) {
			TH_LOG("loading %s/%s.ko: %s", stack.dir, stack.names[i],
			       strerror(errno));
		}
		ASSERT_TRUE(vfio_module_loaded(stack.names[i]));
		if (!strcmp(stack.names[i], "vfio")) {
			/* the container node is the misc device 10:196 */
			ASSERT_EQ(0, stat("/dev/vfio/vfio", &st));
			ASSERT_TRUE(S_ISCHR(st.st_mode));
			ASSERT_EQ(10, major(st.st_rdev));
			ASSERT_EQ(196, minor(st.st_rdev));
		}
	}
}

TEST(stack_unloads_and_reloads)
{
	struct vfio_stack stack;
	int i;

	ASSERT_EQ(0, vfio_stack_read(&stack));
	ASSERT_EQ(0, vfio_stack_unload());
	for (i = 0; i < stack.count; i++)
		ASSERT_FALSE(vfio_module_loaded(stack.names[i]));
	ASSERT_EQ(0, vfio_stack_load());
	for (i = 0; i < stack.count; i++)
		ASSERT_TRUE(vfio_module_loaded(stack.names[i]));
}

TEST_HARNESS_MAIN
