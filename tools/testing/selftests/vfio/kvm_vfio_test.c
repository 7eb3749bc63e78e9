// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm-vfio pseudo device (KVM_DEV_TYPE_VFIO) with a VFIO group: KVM
 * finds the VFIO core's vfio_file_* functions to recognise group files and
 * tell the core which VM a group belongs to.  Adding and removing the
 * edu's group (00:02.0), the refusals (an fd that is no group, a group
 * added twice, removing one never added), KVM holding the group file until
 * the VM goes, and the core's view of the association.
 *
 * The core's view is read from /sys/kernel/debug/vfio/groups: one line
 * per VFIO group, "<group id> kvm=<0|1>", more "key=value" fields allowed
 * after it; kvm=1 while a KVM instance is set on the group.
 *
 * Expected to fail on the stock (in-tree) VFIO, which has no such file:
 * - core_sees_the_kvm_association_come_and_go
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define GROUPS_FILE	"/sys/kernel/debug/vfio/groups"

FIXTURE(kvm) {
	int kvm;
	int vm;
	int kvfio;
	int group;
	int group_id;
};

FIXTURE_SETUP(kvm)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };

	self->vm = -1;
	self->kvfio = -1;
	self->group = -1;
	self->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->kvm);
	self->vm = ioctl(self->kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, self->vm);
	ASSERT_EQ(0, ioctl(self->vm, KVM_CREATE_DEVICE, &cd));
	self->kvfio = cd.fd;
	self->group = vfio_open_group_of(EDU_BDF);
	ASSERT_LE(0, self->group);
	self->group_id = pci_iommu_group(EDU_BDF);
}

FIXTURE_TEARDOWN(kvm)
{
	if (self->kvfio >= 0)
		close(self->kvfio);
	if (self->vm >= 0)
		close(self->vm);
	if (self->group >= 0)
		close(self->group);
	close(self->kvm);
}

/* KVM_DEV_VFIO_GROUP_ADD or _DEL of FD; 0 or -errno */
static int kvfio_group(struct _test_data_kvm *self, uint64_t attr, int fd)
{
	int32_t arg = fd;
	struct kvm_device_attr a = {
		.group = KVM_DEV_VFIO_GROUP,
		.attr = attr,
		.addr = (uintptr_t)&arg,
	};

	return ioctl(self->kvfio, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

static void destroy_vm(struct _test_data_kvm *self)
{
	close(self->kvfio);
	close(self->vm);
	self->kvfio = -1;
	self->vm = -1;
}

#define ADD	KVM_DEV_VFIO_GROUP_ADD
#define DEL	KVM_DEV_VFIO_GROUP_DEL

/* the core's kvm=0/1 for GROUP_ID, or -errno */
static int core_kvm_state(int group_id)
{
	char line[256], *kvm;
	int ret = -ENOENT;
	int id;
	FILE *f;

	f = fopen(GROUPS_FILE, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *end;

		id = strtol(line, &end, 10);
		if (end == line || id != group_id)
			continue;
		kvm = strstr(line, " kvm=");
		ret = kvm ? atoi(kvm + 5) : -EINVAL;
		break;
	}
	fclose(f);
	return ret;
}

TEST_F(kvm, group_add_and_del_succeed)
{
	EXPECT_EQ(0, kvfio_group(self, ADD, self->group));
	EXPECT_EQ(0, kvfio_group(self, DEL, self->group));
}

TEST_F(kvm, group_add_rejects_an_fd_that_is_no_group)
{
	int efd = eventfd(0, EFD_CLOEXEC);
	int c = vfio_open_container();

	ASSERT_LE(0, efd);
	ASSERT_LE(0, c);
	EXPECT_EQ(-EINVAL, kvfio_group(self, ADD, efd));
	/* a VFIO fd, but a container, not a group */
	EXPECT_EQ(-EINVAL, kvfio_group(self, ADD, c));
	EXPECT_EQ(-EBADF, kvfio_group(self, ADD, 1000));
	close(c);
	close(efd);
}

TEST_F(kvm, group_added_twice_is_refused)
{
	ASSERT_EQ(0, kvfio_group(self, ADD, self->group));
	EXPECT_EQ(-EEXIST, kvfio_group(self, ADD, self->group));
}

TEST_F(kvm, group_del_of_a_group_never_added_fails)
{
	EXPECT_EQ(-ENOENT, kvfio_group(self, DEL, self->group));
}

TEST_F(kvm, vm_holds_the_group_until_it_is_destroyed)
{
	int again;

	ASSERT_EQ(0, kvfio_group(self, ADD, self->group));
	ASSERT_EQ(0, close(self->group));
	self->group = -1;
	/* kvm-vfio keeps a reference: the group is still open */
	EXPECT_EQ(-EBUSY, vfio_open_group(self->group_id));
	destroy_vm(self);
	again = vfio_open_group(self->group_id);
	EXPECT_LE(0, again);
	if (again >= 0)
		close(again);
}

TEST_F(kvm, core_sees_the_kvm_association_come_and_go)
{
	EXPECT_EQ(0, core_kvm_state(self->group_id)) {
		TH_LOG("%s has no kvm=0 line for group %d", GROUPS_FILE,
		       self->group_id);
	}
	ASSERT_EQ(0, kvfio_group(self, ADD, self->group));
	EXPECT_EQ(1, core_kvm_state(self->group_id));
	ASSERT_EQ(0, kvfio_group(self, DEL, self->group));
	EXPECT_EQ(0, core_kvm_state(self->group_id));
	/* destroying the VM ends the association too */
	ASSERT_EQ(0, kvfio_group(self, ADD, self->group));
	EXPECT_EQ(1, core_kvm_state(self->group_id));
	destroy_vm(self);
	EXPECT_EQ(0, core_kvm_state(self->group_id));
}

TEST_HARNESS_MAIN
