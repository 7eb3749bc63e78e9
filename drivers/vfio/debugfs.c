// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugfs view of the core's state, for people and for the selftests:
 *
 *   /sys/kernel/debug/vfio/groups
 *	one line per group: "<name> kvm=<0|1> container=<0|1> devices=<n>
 *	type=<iommu|emulated|noiommu>".  kvm=1 while the kvm-vfio device of
 *	a VM has the group (vfio_file_set_kvm() with a KVM), which is how a
 *	test sees the association come and go.
 *
 * Nothing here is ABI: fields may be added at the end of a line.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "vfio.h"

static struct dentry *vfio_debugfs_root;

static const char * const vfio_group_type_name[] = {
	[VFIO_IOMMU] = "iommu",
	[VFIO_EMULATED_IOMMU] = "emulated",
	[VFIO_NO_IOMMU] = "noiommu",
};

static int vfio_debugfs_groups_show(struct seq_file *s, void *unused)
{
	struct vfio_group *group;
	struct vfio_device *device;
	unsigned int ndev;

	mutex_lock(&vfio_core.groups_lock);
	list_for_each_entry(group, &vfio_core.groups, core_next) {
		ndev = 0;
		mutex_lock(&group->device_lock);
		list_for_each_entry(device, &group->device_list, group_next)
			ndev++;
		mutex_unlock(&group->device_lock);

		mutex_lock(&group->group_lock);
		seq_printf(s, "%s kvm=%d container=%d devices=%u type=%s\n",
			   dev_name(&group->dev), group->kvm ? 1 : 0,
			   group->container ? 1 : 0, ndev,
			   vfio_group_type_name[group->type]);
		mutex_unlock(&group->group_lock);
	}
	mutex_unlock(&vfio_core.groups_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfio_debugfs_groups);

void vfio_debugfs_init(void)
{
	vfio_debugfs_root = debugfs_create_dir("vfio", NULL);
	debugfs_create_file("groups", 0444, vfio_debugfs_root, NULL,
			    &vfio_debugfs_groups_fops);
}

void vfio_debugfs_exit(void)
{
	debugfs_remove_recursive(vfio_debugfs_root);
}
