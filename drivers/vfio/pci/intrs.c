// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of a vfio-pci device, delivered to userspace through eventfds:
 * VFIO_DEVICE_SET_IRQS for every index, and the error and request
 * notifications the host raises.
 *
 *	INTx	one level-triggered line, automasked (intx.c).
 *	MSI	one host vector per user vector, each signalling its own
 *		eventfd, and offered to KVM as an irq bypass producer.
 *	ERR	signalled on AER errors (PCI Express functions only).
 *	REQ	signalled when the host wants the device back.
 *
 * MSI-X is not offered yet (count 0): its vector table lives in a BAR that
 * userspace can reach, which must be fenced off first.
 *
 * Interrupt configuration runs under igate.
 */
#include <linux/bitfield.h>
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/lockdep.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "priv.h"

/**
 * vfio_pci_irq_count - number of interrupts of one index
 * @vdev: an open device
 * @index: a VFIO_PCI_*_IRQ_INDEX; anything else has none
 *
 * Return: how many interrupts userspace may configure at @index.
 */
unsigned int vfio_pci_irq_count(struct vfio_pci_core_device *vdev,
				unsigned int index)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 flags;

	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		return vdev->has_intx ? 1 : 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
		if (!pdev->msi_cap ||
		    pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS,
					 &flags))
			return 0;
		/* Multiple Message Capable: log2 of the vector count, <= 5 */
		return 1U << min_t(u16, FIELD_GET(PCI_MSI_FLAGS_QMASK, flags),
				   5);
	case VFIO_PCI_ERR_IRQ_INDEX:
		return pci_is_pcie(pdev) ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	}
	return 0;
}

/*
 * MSI
 */

static irqreturn_t vfio_pci_msi_handler(int irq, void *trigger)
{
	eventfd_signal(trigger, 1);
	return IRQ_HANDLED;
}

/*
 * Allocate @nvec host vectors.  If the device cannot get that many, return
 * how many it could get: userspace may retry with fewer.
 */
static int vfio_pci_msi_enable(struct vfio_pci_core_device *vdev,
			       unsigned int nvec)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx;
	int ret;

	lockdep_assert_held(&vdev->igate);

	ctx = kcalloc(nvec, sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;

	ret = pci_alloc_irq_vectors(pdev, 1, nvec, PCI_IRQ_MSI);
	if (ret < 0) {
		pci_info_ratelimited(pdev, "cannot enable %u MSI vectors: %d\n",
				     nvec, ret);
		kfree(ctx);
		return ret;
	}
	if (ret < nvec) {
		pci_info_ratelimited(pdev, "only %d of %u MSI vectors available\n",
				     ret, nvec);
		pci_free_irq_vectors(pdev);
		kfree(ctx);
		return ret;
	}

	vdev->ctx = ctx;
	vdev->num_ctx = nvec;
	vdev->irq_type = VFIO_PCI_MSI_IRQ_INDEX;
	return 0;
}

static void vfio_pci_msi_vector_release(struct vfio_pci_core_device *vdev,
					unsigned int vector)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[vector];
	struct eventfd_ctx *trigger = vfio_pci_ctx_trigger(vdev, ctx);

	if (!trigger)
		return;

	if (ctx->producer.token) {
		irq_bypass_unregister_producer(&ctx->producer);
		ctx->producer.token = NULL;
	}
	free_irq(pci_irq_vector(vdev->pdev, vector), trigger);
	RCU_INIT_POINTER(ctx->trigger, NULL);
	eventfd_ctx_put(trigger);
	kfree(ctx->name);
	ctx->name = NULL;
}

/* Let KVM deliver the vector straight to a guest; optional */
static void vfio_pci_msi_bypass_register(struct vfio_pci_core_device *vdev,
					 struct vfio_pci_irq_ctx *ctx,
					 unsigned int vector, int irq,
					 struct eventfd_ctx *trigger)
{
	int ret;

	if (!IS_ENABLED(CONFIG_IRQ_BYPASS_MANAGER))
		return;

	memset(&ctx->producer, 0, sizeof(ctx->producer));
	ctx->producer.token = trigger;
	ctx->producer.irq = irq;
	ret = irq_bypass_register_producer(&ctx->producer);
	if (ret) {
		pci_info_ratelimited(vdev->pdev, "MSI vector %u: no irq bypass (%d), interrupts will be relayed\n",
				     vector, ret);
		ctx->producer.token = NULL;
	}
}

static int vfio_pci_msi_vector_set(struct vfio_pci_core_device *vdev,
				   unsigned int vector, s32 fd)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[vector];
	struct pci_dev *pdev = vdev->pdev;
	struct eventfd_ctx *trigger;
	char *name;
	int irq, ret;

	vfio_pci_msi_vector_release(vdev, vector);
	if (fd == -1)
		return 0;

	irq = pci_irq_vector(pdev, vector);
	if (irq < 0)
		return irq;

	trigger = eventfd_ctx_fdget(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);

	name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-msi[%u](%s)", vector,
			 pci_name(pdev));
	if (!name) {
		ret = -ENOMEM;
		goto out_put;
	}

	ret = request_irq(irq, vfio_pci_msi_handler, 0, name, trigger);
	if (ret)
		goto out_free_name;

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

/* Point vectors [start, start + count) at @fds (NULL: disconnect them) */
static int vfio_pci_msi_set_block(struct vfio_pci_core_device *vdev,
				  unsigned int start, unsigned int count,
				  const s32 *fds)
{
	unsigned int i, j;
	int ret;

	if (start >= vdev->num_ctx || count > vdev->num_ctx - start)
		return -EINVAL;

	for (i = 0; i < count; i++) {
		ret = vfio_pci_msi_vector_set(vdev, start + i,
					      fds ? fds[i] : -1);
		if (ret) {
			for (j = 0; j < i; j++)
				vfio_pci_msi_vector_set(vdev, start + j, -1);
			return ret;
		}
	}
	return 0;
}

static void vfio_pci_msi_disable(struct vfio_pci_core_device *vdev)
{
	unsigned int i;

	lockdep_assert_held(&vdev->igate);

	for (i = 0; i < vdev->num_ctx; i++)
		vfio_pci_msi_vector_release(vdev, i);
	pci_free_irq_vectors(vdev->pdev);

	vdev->irq_type = VFIO_PCI_NUM_IRQS;
	vdev->num_ctx = 0;
	kfree(vdev->ctx);
	vdev->ctx = NULL;
}

/**
 * vfio_pci_msi_enabled_vectors - MSI vectors userspace has enabled
 * @vdev: an open device
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

static int vfio_pci_set_msi_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	bool active = vfio_pci_irq_is(vdev, index);
	struct eventfd_ctx *trigger;
	const u8 *bools = data;
	unsigned int i;
	int ret;

	if (active && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfio_pci_msi_disable(vdev);
		return 0;
	}

	if (!(active || vfio_pci_irq_none(vdev)))
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		if (active)
			return vfio_pci_msi_set_block(vdev, start, count, data);
		if (!count)
			return -EINVAL;

		ret = vfio_pci_msi_enable(vdev, start + count);
		if (ret)
			return ret;
		ret = vfio_pci_msi_set_block(vdev, start, count, data);
		if (ret)
			vfio_pci_msi_disable(vdev);
		return ret;
	}

	/* Loopback, for testing the eventfd path */
	if (!active || start >= vdev->num_ctx ||
	    count > vdev->num_ctx - start)
		return -EINVAL;

	for (i = 0; i < count; i++) {
		trigger = vfio_pci_ctx_trigger(vdev, &vdev->ctx[start + i]);
		if (!trigger)
			continue;
		if ((flags & VFIO_IRQ_SET_DATA_NONE) || bools[i])
			eventfd_signal(trigger, 1);
	}
	return 0;
}

/*
 * ERR and REQ: a single eventfd each, no host interrupt behind it
 */

static int vfio_pci_set_single_trigger(struct eventfd_ctx **pctx,
				       unsigned int count, u32 flags,
				       void *data)
{
	struct eventfd_ctx *trigger;
	s32 fd;

	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		if (!count) {
			if (*pctx)
				eventfd_ctx_put(*pctx);
			*pctx = NULL;
		} else if (*pctx) {
			eventfd_signal(*pctx, 1);
		}
		return 0;
	}

	if (count != 1)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(u8 *)data && *pctx)
			eventfd_signal(*pctx, 1);
		return 0;
	}

	fd = *(s32 *)data;
	trigger = NULL;
	if (fd != -1) {
		trigger = eventfd_ctx_fdget(fd);
		if (IS_ERR(trigger))
			return PTR_ERR(trigger);
	}
	if (*pctx)
		eventfd_ctx_put(*pctx);
	*pctx = trigger;
	return 0;
}

static int vfio_pci_set_err_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	return vfio_pci_set_single_trigger(&vdev->err_trigger, count, flags,
					   data);
}

static int vfio_pci_set_req_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	return vfio_pci_set_single_trigger(&vdev->req_trigger, count, flags,
					   data);
}

/*
 * VFIO_DEVICE_SET_IRQS dispatch: one handler per index and action.  The
 * header was validated by vfio_set_irqs_validate_and_prepare() against
 * vfio_pci_irq_count(), so start + count is within the index and @data
 * holds count entries of the data type.
 */
enum {
	VFIO_PCI_ACTION_MASK,
	VFIO_PCI_ACTION_UNMASK,
	VFIO_PCI_ACTION_TRIGGER,
	VFIO_PCI_NUM_ACTIONS
};

typedef int (*vfio_pci_irq_set_fn)(struct vfio_pci_core_device *vdev,
				   unsigned int index, unsigned int start,
				   unsigned int count, u32 flags, void *data);

static const vfio_pci_irq_set_fn
vfio_pci_irq_set_handlers[VFIO_PCI_NUM_IRQS][VFIO_PCI_NUM_ACTIONS] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = {
		[VFIO_PCI_ACTION_MASK]		= vfio_pci_set_intx_mask,
		[VFIO_PCI_ACTION_UNMASK]	= vfio_pci_set_intx_unmask,
		[VFIO_PCI_ACTION_TRIGGER]	= vfio_pci_set_intx_trigger,
	},
	[VFIO_PCI_MSI_IRQ_INDEX] = {
		[VFIO_PCI_ACTION_TRIGGER]	= vfio_pci_set_msi_trigger,
	},
	[VFIO_PCI_ERR_IRQ_INDEX] = {
		[VFIO_PCI_ACTION_TRIGGER]	= vfio_pci_set_err_trigger,
	},
	[VFIO_PCI_REQ_IRQ_INDEX] = {
		[VFIO_PCI_ACTION_TRIGGER]	= vfio_pci_set_req_trigger,
	},
};

/**
 * vfio_pci_set_irqs - carry out a validated VFIO_DEVICE_SET_IRQS
 * @vdev: an open device
 * @hdr: the validated header
 * @data: its payload (NULL for DATA_NONE)
 *
 * Return: 0, a negative errno, or for MSI the (positive) number of vectors
 * the device could get when fewer than requested.
 */
int vfio_pci_set_irqs(struct vfio_pci_core_device *vdev,
		      const struct vfio_irq_set *hdr, void *data)
{
	vfio_pci_irq_set_fn fn;
	unsigned int index, action;

	lockdep_assert_held(&vdev->igate);

	switch (hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_MASK:
		action = VFIO_PCI_ACTION_MASK;
		break;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		action = VFIO_PCI_ACTION_UNMASK;
		break;
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		action = VFIO_PCI_ACTION_TRIGGER;
		break;
	default:
		return -EINVAL;		/* none, or more than one */
	}

	if (hdr->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	index = array_index_nospec(hdr->index, VFIO_PCI_NUM_IRQS);

	fn = vfio_pci_irq_set_handlers[index][action];
	if (!fn)
		return -ENOTTY;

	return fn(vdev, index, hdr->start, hdr->count, hdr->flags, data);
}

/**
 * vfio_pci_irqs_release - turn every interrupt off (device close)
 * @vdev: the device being closed
 *
 * Disables INTx or MSI and drops the error and request eventfds.
 */
void vfio_pci_irqs_release(struct vfio_pci_core_device *vdev)
{
	lockdep_assert_held(&vdev->igate);

	if (vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX))
		vfio_pci_intx_disable(vdev);
	else if (vfio_pci_irq_is(vdev, VFIO_PCI_MSI_IRQ_INDEX))
		vfio_pci_msi_disable(vdev);

	if (vdev->err_trigger)
		eventfd_ctx_put(vdev->err_trigger);
	vdev->err_trigger = NULL;
	if (vdev->req_trigger)
		eventfd_ctx_put(vdev->req_trigger);
	vdev->req_trigger = NULL;
}

/**
 * vfio_pci_core_request - request callback for PCI devices
 * @core_vdev: the device the host wants back
 * @count: how many times it has asked already
 *
 * Signals the request eventfd userspace registered at
 * VFIO_PCI_REQ_IRQ_INDEX; without one, says once that unbinding waits for
 * userspace to close the device.
 */
void vfio_pci_core_request(struct vfio_device *core_vdev, unsigned int count)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci(core_vdev);
	struct pci_dev *pdev = vdev->pdev;

	mutex_lock(&vdev->igate);
	if (vdev->req_trigger) {
		if (!(count % 10))
			pci_notice_ratelimited(pdev, "asking the user to release the device (#%u)\n",
					       count);
		eventfd_signal(vdev->req_trigger, 1);
	} else if (!count) {
		pci_notice(pdev, "no request eventfd registered: waiting for the user to release the device\n");
	}
	mutex_unlock(&vdev->igate);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_request);

/**
 * vfio_pci_core_aer_err_detected - relay an AER error to userspace
 * @vdev: the device the error was reported on
 * @state: channel state (unused: recovery is left to userspace)
 *
 * For a driver's pci_error_handlers.error_detected: signals the error
 * eventfd userspace registered at VFIO_PCI_ERR_IRQ_INDEX, if any.
 *
 * Return: PCI_ERS_RESULT_CAN_RECOVER.
 */
pci_ers_result_t vfio_pci_core_aer_err_detected(struct vfio_pci_core_device *vdev,
						pci_channel_state_t state)
{
	mutex_lock(&vdev->igate);
	if (vdev->err_trigger)
		eventfd_signal(vdev->err_trigger, 1);
	mutex_unlock(&vdev->igate);

	return PCI_ERS_RESULT_CAN_RECOVER;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_aer_err_detected);
