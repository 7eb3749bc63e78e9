// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts of a vfio-pci device, delivered to userspace through eventfds:
 * VFIO_DEVICE_SET_IRQS for every index, how many interrupts each index
 * has, and the error and request notifications the host raises.
 *
 *	INTx	one level-triggered line, automasked (intx.c).
 *	MSI	host vectors, each signalling its own eventfd and offered
 *	MSI-X	to KVM as an irq bypass producer (msi.c, msix.c).
 *	ERR	signalled on AER errors (PCI Express functions only).
 *	REQ	signalled when the host wants the device back.
 *
 * Only one of INTx, MSI and MSI-X is in use at a time (irq_type).
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
 * vfio_pci_irqs_probe - look at the function's interrupts (device open)
 * @vdev: the device being opened, before config space is set up
 *
 * Decides how INTx is masked and whether it is offered at all, and finds
 * the MSI-X table.
 */
void vfio_pci_irqs_probe(struct vfio_pci_core_device *vdev)
{
	vfio_pci_intx_probe(vdev);
	vfio_pci_msix_probe(vdev);
}

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
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return vfio_pci_msix_count(vdev);
	case VFIO_PCI_ERR_IRQ_INDEX:
		return pci_is_pcie(pdev) ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	}
	return 0;
}

/**
 * vfio_pci_trigger_set - replace the eventfd of an RCU-read slot
 * @vdev: the device; igate held
 * @slot: the INTx trigger, the error or the request eventfd
 * @trigger: the new eventfd (its reference passes to the slot), or NULL
 *
 * The old eventfd is released once no signalling path can still see it.
 */
void vfio_pci_trigger_set(struct vfio_pci_core_device *vdev,
			  struct eventfd_ctx __rcu **slot,
			  struct eventfd_ctx *trigger)
{
	struct eventfd_ctx *old = vfio_pci_trigger_get(vdev, slot);

	rcu_assign_pointer(*slot, trigger);
	if (old) {
		synchronize_rcu();
		eventfd_ctx_put(old);
	}
}

/**
 * vfio_pci_trigger_signal - signal the eventfd of an RCU-read slot
 * @slot: the slot
 *
 * Takes no lock of the device, so it may run under locks that igate
 * nests in (AER recovery holds pci_bus_sem, unbinding the device lock).
 *
 * Return: whether there was an eventfd to signal.
 */
bool vfio_pci_trigger_signal(struct eventfd_ctx __rcu **slot)
{
	struct eventfd_ctx *trigger;

	rcu_read_lock();
	trigger = rcu_dereference(*slot);
	if (trigger)
		eventfd_signal(trigger, 1);
	rcu_read_unlock();
	return trigger;
}

/*
 * ERR and REQ: a single eventfd each, no host interrupt behind it.
 *
 *	DATA_EVENTFD	set the eventfd; -1 removes it, other negative
 *			values change nothing
 *	DATA_BOOL	signal it if the bool is true (loopback)
 *	DATA_NONE	signal it, or remove it with count 0
 *
 * Each needs an eventfd registered, except setting one.
 */
static int vfio_pci_set_single_trigger(struct vfio_pci_core_device *vdev,
				       struct eventfd_ctx __rcu **slot,
				       unsigned int count, u32 flags,
				       void *data)
{
	struct eventfd_ctx *cur = vfio_pci_trigger_get(vdev, slot);
	struct eventfd_ctx *trigger;
	s32 fd;

	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		if (!cur)
			return -EINVAL;
		if (count)
			eventfd_signal(cur, 1);
		else
			vfio_pci_trigger_set(vdev, slot, NULL);
		return 0;
	}

	if (!count)
		return -EINVAL;

	if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(u8 *)data && cur)
			eventfd_signal(cur, 1);
		return 0;
	}

	fd = *(s32 *)data;
	if (fd < -1)
		return 0;
	trigger = NULL;
	if (fd >= 0) {
		trigger = eventfd_ctx_fdget(fd);
		if (IS_ERR(trigger))
			return PTR_ERR(trigger);
	}
	vfio_pci_trigger_set(vdev, slot, trigger);
	return 0;
}

static int vfio_pci_set_err_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	return vfio_pci_set_single_trigger(vdev, &vdev->err_trigger, count,
					   flags, data);
}

static int vfio_pci_set_req_trigger(struct vfio_pci_core_device *vdev,
				    unsigned int index, unsigned int start,
				    unsigned int count, u32 flags, void *data)
{
	return vfio_pci_set_single_trigger(vdev, &vdev->req_trigger, count,
					   flags, data);
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
	[VFIO_PCI_MSIX_IRQ_INDEX] = {
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
 * Return: 0, a negative errno, or for MSI and MSI-X the (positive) number
 * of vectors the platform could give when fewer than requested.
 */
int vfio_pci_set_irqs(struct vfio_pci_core_device *vdev,
		      const struct vfio_irq_set *hdr, void *data)
{
	vfio_pci_irq_set_fn fn;
	unsigned int index, action;

	lockdep_assert_held(&vdev->igate);

	if (hdr->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	index = array_index_nospec(hdr->index, VFIO_PCI_NUM_IRQS);

	/* No action, several, or one the index lacks: -ENOTTY, as Linux */
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
		return -ENOTTY;
	}

	fn = vfio_pci_irq_set_handlers[index][action];
	if (!fn)
		return -ENOTTY;

	return fn(vdev, index, hdr->start, hdr->count, hdr->flags, data);
}

/**
 * vfio_pci_irqs_release - turn every interrupt off (device close)
 * @vdev: the device being closed
 *
 * Disables INTx, MSI or MSI-X and drops the error and request eventfds.
 */
void vfio_pci_irqs_release(struct vfio_pci_core_device *vdev)
{
	lockdep_assert_held(&vdev->igate);

	if (vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX))
		vfio_pci_intx_disable(vdev);
	else if (!vfio_pci_irq_none(vdev))
		vfio_pci_msi_disable(vdev);

	vfio_pci_trigger_set(vdev, &vdev->err_trigger, NULL);
	vfio_pci_trigger_set(vdev, &vdev->req_trigger, NULL);
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

	if (vfio_pci_trigger_signal(&vdev->req_trigger)) {
		if (!(count % 10))
			pci_notice_ratelimited(pdev, "asking the user to release the device (#%u)\n",
					       count);
	} else if (!count) {
		pci_notice(pdev, "no request eventfd registered: waiting for the user to release the device\n");
	}
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
	vfio_pci_trigger_signal(&vdev->err_trigger);

	return PCI_ERS_RESULT_CAN_RECOVER;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_aer_err_detected);
