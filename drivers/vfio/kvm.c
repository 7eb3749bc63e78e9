// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VFIO side of the kvm-vfio pseudo-device.  The host's kvm.ko finds
 * these functions with symbol_get(), so their names and signatures are
 * those of Linux 6.1.  kvm.ko hands us group files; the KVM instance it
 * sets on a group is passed, with a reference, to devices opened later.
 *
 * That reference is taken and dropped through symbol_get() as well, so
 * vfio.ko does not depend on kvm.ko.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/module.h>

#include "vfio.h"

#if IS_ENABLED(CONFIG_KVM)
#include <linux/kvm_host.h>

/*
 * Called under group->group_lock, which vfio_file_set_kvm() needs to
 * clear group->kvm: so @kvm cannot be freed before we hold it, and a
 * dying one (refcount already 0) is simply not passed on.
 */
void vfio_device_get_kvm(struct vfio_device *device, struct kvm *kvm)
{
	bool (*get)(struct kvm *kvm);
	void (*put)(struct kvm *kvm);
	bool got;

	lockdep_assert_held(&device->group->group_lock);

	if (!kvm)
		return;

	get = symbol_get(kvm_get_kvm_safe);
	if (!get)
		return;
	put = symbol_get(kvm_put_kvm);
	if (!put) {
		symbol_put(kvm_get_kvm_safe);
		return;
	}

	got = get(kvm);
	symbol_put(kvm_get_kvm_safe);
	if (!got) {
		symbol_put(kvm_put_kvm);
		return;
	}
	device->put_kvm = put;
	device->kvm = kvm;
}

/*
 * Must not run under group->group_lock: the last put destroys the VM and
 * its kvm-vfio device, which calls vfio_file_set_kvm().
 */
void vfio_device_put_kvm(struct vfio_device *device)
{
	if (!device->kvm)
		return;

	device->put_kvm(device->kvm);
	symbol_put(kvm_put_kvm);
	device->put_kvm = NULL;
	device->kvm = NULL;
}
#else
void vfio_device_get_kvm(struct vfio_device *device, struct kvm *kvm)
{
}

void vfio_device_put_kvm(struct vfio_device *device)
{
}
#endif

/**
 * vfio_file_iommu_group - the IOMMU group of a VFIO group file
 * @file: a file
 *
 * Only the sPAPR TCE path of kvm-vfio needs this.
 *
 * Return: a reference on the iommu_group (drop it with iommu_group_put()),
 * or NULL if @file is no group fd, the group is gone, or sPAPR TCE is not
 * built into this kernel.
 */
struct iommu_group *vfio_file_iommu_group(struct file *file)
{
	struct vfio_group *group = vfio_group_from_file(file);
	struct iommu_group *iommu_group = NULL;

	if (!IS_ENABLED(CONFIG_SPAPR_TCE_IOMMU) || !group)
		return NULL;

	mutex_lock(&group->group_lock);
	if (group->iommu_group)
		iommu_group = iommu_group_ref_get(group->iommu_group);
	mutex_unlock(&group->group_lock);
	return iommu_group;
}
EXPORT_SYMBOL_GPL(vfio_file_iommu_group);

/**
 * vfio_file_is_group - whether a file is a VFIO group fd
 * @file: a file
 *
 * Return: true for an open /dev/vfio/$GROUP.
 */
bool vfio_file_is_group(struct file *file)
{
	return !!vfio_group_from_file(file);
}
EXPORT_SYMBOL_GPL(vfio_file_is_group);

/**
 * vfio_file_enforced_coherent - whether the group's DMA is always coherent
 * @file: a VFIO group file
 *
 * Enforced coherency means the IOMMU ignores no-snoop, so the guest needs
 * no cache maintenance instructions (such as WBINVD on x86) to be exposed.
 * The answer comes from the container's backend (VFIO_DMA_CC_IOMMU), so a
 * group must be in a container before it can argue for false.
 *
 * Return: false only for a group whose container's DMA is not coherent.
 */
bool vfio_file_enforced_coherent(struct file *file)
{
	struct vfio_group *group = vfio_group_from_file(file);
	bool coherent = true;

	if (!group)
		return true;

	mutex_lock(&group->group_lock);
	if (group->container)
		coherent = vfio_container_check_extension(group->container,
							  VFIO_DMA_CC_IOMMU) > 0;
	mutex_unlock(&group->group_lock);
	return coherent;
}
EXPORT_SYMBOL_GPL(vfio_file_enforced_coherent);

/**
 * vfio_file_set_kvm - associate a KVM instance with a VFIO group
 * @file: a VFIO group file
 * @kvm: the instance, or NULL to drop the association
 *
 * Devices of the group opened afterwards see it in device->kvm (with a
 * reference held until their last close); devices already open keep
 * what they had.
 */
void vfio_file_set_kvm(struct file *file, struct kvm *kvm)
{
	struct vfio_group *group = vfio_group_from_file(file);

	if (!group)
		return;

	mutex_lock(&group->group_lock);
	group->kvm = kvm;
	mutex_unlock(&group->group_lock);
}
EXPORT_SYMBOL_GPL(vfio_file_set_kvm);

/**
 * vfio_file_has_dev - whether a VFIO file gives access to a device
 * @file: a file
 * @device: a registered device
 *
 * Return: true if @file is the group fd of @device's group.
 */
bool vfio_file_has_dev(struct file *file, struct vfio_device *device)
{
	struct vfio_group *group = vfio_group_from_file(file);

	return group && group == device->group;
}
EXPORT_SYMBOL_GPL(vfio_file_has_dev);
