// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registry of IOMMU backends (type1, sPAPR TCE, ...) and the built-in
 * "No-IOMMU" backend used by containers of unsafe no-IOMMU groups.
 *
 * Backends are kept in registration order.  A container that already
 * holds no-IOMMU groups may only use the no-IOMMU backend, and one with
 * real groups may not use it.  Whoever gets a backend from here holds a
 * reference on its module and gives it back with vfio_iommu_driver_put().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "vfio.h"

/**
 * struct vfio_iommu_backend - a registered backend
 * @ops: its operations
 * @next: link in vfio_iommu_drivers
 */
struct vfio_iommu_backend {
	const struct vfio_iommu_driver_ops	*ops;
	struct list_head			next;
};

/* protects vfio_iommu_drivers; see the lock order in vfio_main.c */
static DEFINE_MUTEX(vfio_iommu_drivers_lock);
static LIST_HEAD(vfio_iommu_drivers);

/*
 * The no-IOMMU backend: nothing to map, DMA goes straight to physical
 * addresses.  Offered only while enable_unsafe_noiommu_mode is set.
 */
static void *vfio_noiommu_open(unsigned long arg)
{
	if (arg != VFIO_NOIOMMU_IOMMU)
		return ERR_PTR(-EINVAL);
	if (!capable(CAP_SYS_RAWIO))
		return ERR_PTR(-EPERM);
	return NULL;
}

static void vfio_noiommu_release(void *iommu_data)
{
}

static long vfio_noiommu_ioctl(void *iommu_data, unsigned int cmd,
			       unsigned long arg)
{
	if (cmd == VFIO_CHECK_EXTENSION)
		return vfio_noiommu && arg == VFIO_NOIOMMU_IOMMU;
	return -ENOTTY;
}

static int vfio_noiommu_attach_group(void *iommu_data,
				     struct iommu_group *group,
				     enum vfio_group_type type)
{
	return 0;
}

static void vfio_noiommu_detach_group(void *iommu_data,
				      struct iommu_group *group)
{
}

static const struct vfio_iommu_driver_ops vfio_noiommu_ops = {
	.name		= "vfio-noiommu",
	.owner		= THIS_MODULE,
	.open		= vfio_noiommu_open,
	.release	= vfio_noiommu_release,
	.ioctl		= vfio_noiommu_ioctl,
	.attach_group	= vfio_noiommu_attach_group,
	.detach_group	= vfio_noiommu_detach_group,
};

static bool vfio_iommu_driver_allowed(const struct vfio_iommu_driver_ops *ops,
				      bool noiommu)
{
	return noiommu == (ops == &vfio_noiommu_ops);
}

static bool vfio_iommu_driver_ops_valid(const struct vfio_iommu_driver_ops *ops)
{
	unsigned int group_hooks = !!ops->owns_group + !!ops->claim_group +
				   !!ops->release_group + !!ops->group_coherent;

	if (!ops->name || !ops->open || !ops->release || !ops->ioctl ||
	    !ops->attach_group || !ops->detach_group)
		return false;
	if (!ops->register_device != !ops->unregister_device)
		return false;
	return group_hooks == 0 || group_hooks == 4;
}

/**
 * vfio_register_iommu_driver - make an IOMMU backend available
 * @ops: the backend; must stay valid until vfio_unregister_iommu_driver()
 *
 * Return: 0, -EINVAL if @ops lacks a mandatory callback or has only some of
 * the optional group hooks, -EEXIST if already registered, -ENOMEM.
 */
int vfio_register_iommu_driver(const struct vfio_iommu_driver_ops *ops)
{
	struct vfio_iommu_backend *backend, *it;

	if (!vfio_iommu_driver_ops_valid(ops)) {
		pr_err("IOMMU backend %s: incomplete vfio_iommu_driver_ops\n",
		       ops->name ?: "(unnamed)");
		return -EINVAL;
	}

	backend = kzalloc(sizeof(*backend), GFP_KERNEL);
	if (!backend)
		return -ENOMEM;
	backend->ops = ops;

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(it, &vfio_iommu_drivers, next) {
		if (it->ops == ops) {
			mutex_unlock(&vfio_iommu_drivers_lock);
			kfree(backend);
			return -EEXIST;
		}
	}
	list_add_tail(&backend->next, &vfio_iommu_drivers);
	mutex_unlock(&vfio_iommu_drivers_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_register_iommu_driver);

/**
 * vfio_unregister_iommu_driver - withdraw an IOMMU backend
 * @ops: the backend passed to vfio_register_iommu_driver()
 *
 * Containers using the backend hold its module, so this only runs once
 * none does; new containers no longer see it.
 */
void vfio_unregister_iommu_driver(const struct vfio_iommu_driver_ops *ops)
{
	struct vfio_iommu_backend *it;

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(it, &vfio_iommu_drivers, next) {
		if (it->ops == ops) {
			list_del(&it->next);
			kfree(it);
			break;
		}
	}
	mutex_unlock(&vfio_iommu_drivers_lock);
}
EXPORT_SYMBOL_GPL(vfio_unregister_iommu_driver);

/*
 * VFIO_CHECK_EXTENSION on a container without a backend: ask each backend
 * (with no instance) and answer with the first positive reply.  When the
 * container already holds groups (@filter), only backends usable with
 * them are asked.
 */
long vfio_iommu_drivers_check_extension(bool filter, bool noiommu,
					unsigned long arg)
{
	struct vfio_iommu_backend *it;
	long ret = 0;

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(it, &vfio_iommu_drivers, next) {
		if (filter && !vfio_iommu_driver_allowed(it->ops, noiommu))
			continue;
		if (!try_module_get(it->ops->owner))
			continue;
		ret = it->ops->ioctl(NULL, VFIO_CHECK_EXTENSION, arg);
		module_put(it->ops->owner);
		if (ret > 0)
			break;
		ret = 0;
	}
	mutex_unlock(&vfio_iommu_drivers_lock);
	return ret;
}

/*
 * Offer each backend usable for a container of @noiommu groups to @fn, in
 * registration order, with a reference on its module held.  @fn returns 0
 * to take the backend (the module reference is then the caller's), a
 * positive value to pass, or a negative errno, remembered.  Returns 0 once
 * taken, else the last errno, or -ENODEV when no backend wanted to try.
 */
int vfio_iommu_drivers_try(bool noiommu,
			   int (*fn)(const struct vfio_iommu_driver_ops *ops,
				     void *priv),
			   void *priv)
{
	struct vfio_iommu_backend *it;
	int err = -ENODEV;
	int ret;

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(it, &vfio_iommu_drivers, next) {
		if (!vfio_iommu_driver_allowed(it->ops, noiommu))
			continue;
		if (!try_module_get(it->ops->owner))
			continue;
		ret = fn(it->ops, priv);
		if (!ret) {
			mutex_unlock(&vfio_iommu_drivers_lock);
			return 0;
		}
		module_put(it->ops->owner);
		if (ret < 0)
			err = ret;
	}
	mutex_unlock(&vfio_iommu_drivers_lock);
	return err;
}

/*
 * The backend that manages DMA ownership and coherency of @group itself
 * (owns_group() true), with a module reference, or NULL when the IOMMU
 * core does.
 */
const struct vfio_iommu_driver_ops *
vfio_iommu_driver_group_owner(struct iommu_group *group)
{
	const struct vfio_iommu_driver_ops *found = NULL;
	struct vfio_iommu_backend *it;

	mutex_lock(&vfio_iommu_drivers_lock);
	list_for_each_entry(it, &vfio_iommu_drivers, next) {
		if (!it->ops->owns_group || !try_module_get(it->ops->owner))
			continue;
		if (it->ops->owns_group(group)) {
			found = it->ops;
			break;
		}
		module_put(it->ops->owner);
	}
	mutex_unlock(&vfio_iommu_drivers_lock);
	return found;
}

void vfio_iommu_driver_put(const struct vfio_iommu_driver_ops *ops)
{
	module_put(ops->owner);
}

int vfio_iommu_drivers_init(void)
{
	/*
	 * Always present, as with CONFIG_VFIO_NOIOMMU in Linux; it only
	 * reports the extension while the module parameter is set.
	 */
	return vfio_register_iommu_driver(&vfio_noiommu_ops);
}

void vfio_iommu_drivers_exit(void)
{
	vfio_unregister_iommu_driver(&vfio_noiommu_ops);
	WARN_ON(!list_empty(&vfio_iommu_drivers));
}
