// SPDX-License-Identifier: GPL-2.0-only
/*
 * MSI and MSI-X of a vfio-pci device: host vectors relayed to eventfds.
 *
 * Userspace picks the index (VFIO_PCI_MSI_IRQ_INDEX or _MSIX_) and hands
 * one eventfd per vector.  The first eventfd enables the interrupt type at
 * the device: for MSI exactly the vectors asked for, for MSI-X every table
 * entry when the platform allows (msix.c).  Each vector with an eventfd
 * has its own host interrupt whose handler signals the eventfd, and an irq
 * bypass producer keyed by the eventfd, so that KVM can deliver the vector
 * to a guest without going through the eventfd (posted interrupts, GICv4
 * vLPIs).  Vectors are connected and disconnected one at a time; -1 (any
 * negative fd) disconnects.  DATA_NONE with count 0 turns the type off.
 *
 * Everything here runs under igate.  The handlers see only their eventfd,
 * which outlives them: free_irq() waits for a running handler.  Steps that
 * touch the MSI-X table (allocating, requesting and freeing vectors) hold
 * memory_lock with decode on, inside igate (vfio_pci_msi_table_lock()).
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "priv.h"

static irqreturn_t vfio_pci_msi_handler(int irq, void *trigger)
{
	eventfd_signal(trigger, 1);
	return IRQ_HANDLED;
}

static bool vfio_pci_is_msix(struct vfio_pci_core_device *vdev)
{
	return vfio_pci_irq_is(vdev, VFIO_PCI_MSIX_IRQ_INDEX);
}

/*
 * The MSI-X table is in a BAR: the host writes it with memory decode on,
 * and user BAR accesses wait meanwhile.  MSI lives in config space.
 */
static u16 vfio_pci_msi_table_lock(struct vfio_pci_core_device *vdev,
				   bool msix)
{
	return msix ? vfio_pci_memory_lock_and_enable(vdev) : 0;
}

static void vfio_pci_msi_table_unlock(struct vfio_pci_core_device *vdev,
				      bool msix, u16 cmd)
{
	if (msix)
		vfio_pci_memory_unlock_and_restore(vdev, cmd);
}

/* MSI: exactly @want vectors */
static int vfio_pci_msi_alloc(struct vfio_pci_core_device *vdev,
			      unsigned int want)
{
	int ret;

	ret = pci_alloc_irq_vectors(vdev->pdev, 1, want, PCI_IRQ_MSI);
	if (ret < 0)
		pci_info_ratelimited(vdev->pdev, "cannot enable %u MSI vectors: %d\n",
				     want, ret);
	return ret;
}

/*
 * Turn MSI or MSI-X off at the device.  Functions whose INTx is hidden
 * keep INTx Disable set at all times.
 */
static void vfio_pci_msi_free_vectors(struct vfio_pci_core_device *vdev,
				      bool msix)
{
	u16 cmd = vfio_pci_msi_table_lock(vdev, msix);

	pci_free_irq_vectors(vdev->pdev);
	vfio_pci_msi_table_unlock(vdev, msix, cmd);
	if (vdev->nointx)
		pci_intx(vdev->pdev, 0);
}

/*
 * Enable @index with at least @want vectors.  Returns 0, a negative errno,
 * or the positive number of vectors the platform could give, below @want.
 */
static int vfio_pci_msi_enable(struct vfio_pci_core_device *vdev,
			       unsigned int index, unsigned int want)
{
	bool msix = index == VFIO_PCI_MSIX_IRQ_INDEX;
	struct vfio_pci_irq_ctx *ctx;
	int nvec;
	u16 cmd;

	lockdep_assert_held(&vdev->igate);

	cmd = vfio_pci_msi_table_lock(vdev, msix);
	if (msix)
		nvec = vfio_pci_msix_alloc(vdev, want);
	else
		nvec = vfio_pci_msi_alloc(vdev, want);
	vfio_pci_msi_table_unlock(vdev, msix, cmd);
	if (nvec < 0)
		return nvec;
	if ((unsigned int)nvec < want) {
		/* Userspace may try again with what it can have */
		pci_info_ratelimited(vdev->pdev, "only %d of %u vectors available\n",
				     nvec, want);
		vfio_pci_msi_free_vectors(vdev, msix);
		return nvec;
	}

	ctx = kvcalloc(nvec, sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx) {
		vfio_pci_msi_free_vectors(vdev, msix);
		return -ENOMEM;
	}

	vdev->ctx = ctx;
	vdev->num_ctx = nvec;
	vdev->irq_type = index;
	return 0;
}

/* Disconnect @vector from its eventfd, if it has one */
static void vfio_pci_msi_vector_release(struct vfio_pci_core_device *vdev,
					unsigned int vector)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[vector];
	struct eventfd_ctx *trigger = vfio_pci_ctx_trigger(vdev, ctx);
	bool msix = vfio_pci_is_msix(vdev);
	u16 cmd;

	if (!trigger)
		return;

	/* KVM must stop using the host interrupt before it goes away */
	if (ctx->producer.token) {
		irq_bypass_unregister_producer(&ctx->producer);
		ctx->producer.token = NULL;
	}
	cmd = vfio_pci_msi_table_lock(vdev, msix);
	free_irq(pci_irq_vector(vdev->pdev, vector), trigger);
	vfio_pci_msi_table_unlock(vdev, msix, cmd);
	RCU_INIT_POINTER(ctx->trigger, NULL);
	eventfd_ctx_put(trigger);
	kfree(ctx->name);
	ctx->name = NULL;
}

/*
 * The irqbypass manager tells the producer when a consumer with the same
 * token comes and goes; nothing is needed of us then but the record, shown
 * in debugfs so a user can see whether KVM took the vector over.
 */
static int vfio_pci_msi_bypass_add(struct irq_bypass_producer *prod,
				   struct irq_bypass_consumer *cons)
{
	struct vfio_pci_irq_ctx *ctx =
		container_of(prod, struct vfio_pci_irq_ctx, producer);

	WRITE_ONCE(ctx->bypass_connected, true);
	return 0;
}

static void vfio_pci_msi_bypass_del(struct irq_bypass_producer *prod,
				    struct irq_bypass_consumer *cons)
{
	struct vfio_pci_irq_ctx *ctx =
		container_of(prod, struct vfio_pci_irq_ctx, producer);

	WRITE_ONCE(ctx->bypass_connected, false);
}

/* Offer the vector to KVM; without it, interrupts go through the eventfd */
static void vfio_pci_msi_bypass_register(struct vfio_pci_core_device *vdev,
					 struct vfio_pci_irq_ctx *ctx,
					 unsigned int vector, int irq,
					 struct eventfd_ctx *trigger)
{
	int ret;

	memset(&ctx->producer, 0, sizeof(ctx->producer));
	ctx->producer.token = trigger;
	ctx->producer.irq = irq;
	ctx->producer.add_consumer = vfio_pci_msi_bypass_add;
	ctx->producer.del_consumer = vfio_pci_msi_bypass_del;
	WRITE_ONCE(ctx->bypass_connected, false);
	ret = irq_bypass_register_producer(&ctx->producer);
	if (ret) {
		pci_info_ratelimited(vdev->pdev, "vector %u: irq bypass producer not registered (%d), interrupts go through the eventfd\n",
				     vector, ret);
		ctx->producer.token = NULL;
	}
}

/* Connect @vector to eventfd @fd; a negative @fd only disconnects it */
static int vfio_pci_msi_vector_set(struct vfio_pci_core_device *vdev,
				   unsigned int vector, s32 fd)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[vector];
	struct pci_dev *pdev = vdev->pdev;
	bool msix = vfio_pci_is_msix(vdev);
	struct eventfd_ctx *trigger;
	char *name;
	int irq, ret;
	u16 cmd;

	vfio_pci_msi_vector_release(vdev, vector);
	if (fd < 0)
		return 0;

	irq = pci_irq_vector(pdev, vector);
	if (irq < 0)
		return irq;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);

	name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-msi%s[%u](%s)",
			 msix ? "x" : "", vector, pci_name(pdev));
	if (!name) {
		ret = -ENOMEM;
		goto out_put;
	}

	cmd = vfio_pci_msi_table_lock(vdev, msix);
	if (msix)
		vfio_pci_msix_vector_prepare(irq);
	ret = request_irq(irq, vfio_pci_msi_handler, 0, name, trigger);
	vfio_pci_msi_table_unlock(vdev, msix, cmd);
	if (ret) {
		pci_info_ratelimited(pdev, "cannot request IRQ %d for vector %u: %d\n",
				     irq, vector, ret);
		goto out_free_name;
	}

	ctx->name = name;
	rcu_assign_pointer(ctx->trigger, trigger);
	vfio_pci_msi_bypass_register(vdev, ctx, vector, irq, trigger);
	return 0;

out_free_name:
	kfree(name);
out_put:
	eventfd_ctx_put(trigger);
	return ret;
}

/*
 * Point vectors [start, start + count) at @fds.  On failure, the vectors
 * of the range handled so far are left disconnected; the others keep
 * their eventfds.
 */
static int vfio_pci_msi_set_block(struct vfio_pci_core_device *vdev,
				  unsigned int start, unsigned int count,
				  const s32 *fds)
{
	unsigned int i, j;
	int ret;

	if (start >= vdev->num_ctx || count > vdev->num_ctx - start)
		return -EINVAL;

	for (i = 0; i < count; i++) {
		ret = vfio_pci_msi_vector_set(vdev, start + i, fds[i]);
		if (ret) {
			for (j = 0; j < i; j++)
				vfio_pci_msi_vector_set(vdev, start + j, -1);
			return ret;
		}
	}
	return 0;
}

/**
 * vfio_pci_msi_disable - turn MSI or MSI-X off (SET_IRQS or device close)
 * @vdev: a device with MSI or MSI-X in use; igate held
 */
void vfio_pci_msi_disable(struct vfio_pci_core_device *vdev)
{
	unsigned int i;

	lockdep_assert_held(&vdev->igate);

	for (i = 0; i < vdev->num_ctx; i++)
		vfio_pci_msi_vector_release(vdev, i);
	vfio_pci_msi_free_vectors(vdev, vfio_pci_is_msix(vdev));

	vdev->irq_type = VFIO_PCI_NUM_IRQS;
	vdev->num_ctx = 0;
	kvfree(vdev->ctx);
	vdev->ctx = NULL;
}

/**
 * vfio_pci_msi_enabled_vectors - MSI vectors userspace has enabled
 * @vdev: an open device
 *
 * For the MSI capability's Message Control, as config space shows it.
 *
 * Return: the vector count while MSI is in use, else 0.
 */
unsigned int vfio_pci_msi_enabled_vectors(struct vfio_pci_core_device *vdev)
{
	unsigned int nvec = 0;

	mutex_lock(&vdev->igate);
	if (vfio_pci_irq_is(vdev, VFIO_PCI_MSI_IRQ_INDEX))
		nvec = vdev->num_ctx;
	mutex_unlock(&vdev->igate);
	return nvec;
}

/**
 * vfio_pci_msix_enabled - is MSI-X in use?
 * @vdev: an open device
 *
 * For the MSI-X capability's Message Control (MSI-X Enable), as config
 * space shows it.  May be called with config_lock held.
 *
 * Return: true from the first MSI-X eventfd until MSI-X is turned off.
 */
bool vfio_pci_msix_enabled(struct vfio_pci_core_device *vdev)
{
	bool on;

	mutex_lock(&vdev->igate);
	on = vfio_pci_is_msix(vdev);
	mutex_unlock(&vdev->igate);
	return on;
}

/* Loopback: signal the eventfds of [start, start + count), for testing */
static int vfio_pci_msi_loopback(struct vfio_pci_core_device *vdev,
				 unsigned int index, unsigned int start,
				 unsigned int count, u32 flags, const u8 *bools)
{
	struct eventfd_ctx *trigger;
	unsigned int i;

	if (!vfio_pci_irq_is(vdev, index) || start >= vdev->num_ctx ||
	    count > vdev->num_ctx - start)
		return -EINVAL;

	for (i = 0; i < count; i++) {
		trigger = vfio_pci_ctx_trigger(vdev, &vdev->ctx[start + i]);
		if (trigger && ((flags & VFIO_IRQ_SET_DATA_NONE) || bools[i]))
			eventfd_signal(trigger, 1);
	}
	return 0;
}

/**
 * vfio_pci_set_msi_trigger - SET_IRQS ACTION_TRIGGER of MSI and MSI-X
 * @vdev: an open device; igate held
 * @index: VFIO_PCI_MSI_IRQ_INDEX or VFIO_PCI_MSIX_IRQ_INDEX
 * @start: first vector
 * @count: number of vectors
 * @flags: the SET_IRQS flags (data type)
 * @data: @count eventfds (DATA_EVENTFD) or bools (DATA_BOOL)
 *
 * Return: 0, a negative errno, or the positive number of vectors the
 * platform could give when enabling fewer than start + count.
 */
int vfio_pci_set_msi_trigger(struct vfio_pci_core_device *vdev,
			     unsigned int index, unsigned int start,
			     unsigned int count, u32 flags, void *data)
{
	int ret;

	lockdep_assert_held(&vdev->igate);

	if (vfio_pci_irq_is(vdev, index) && !count &&
	    (flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfio_pci_msi_disable(vdev);
		return 0;
	}

	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD))
		return vfio_pci_msi_loopback(vdev, index, start, count, flags,
					     data);

	if (vfio_pci_irq_is(vdev, index))
		return vfio_pci_msi_set_block(vdev, start, count, data);

	if (!vfio_pci_irq_none(vdev) || !count)
		return -EINVAL;

	ret = vfio_pci_msi_enable(vdev, index, start + count);
	if (ret)
		return ret;
	ret = vfio_pci_msi_set_block(vdev, start, count, data);
	if (ret)
		vfio_pci_msi_disable(vdev);
	return ret;
}
