// SPDX-License-Identifier: GPL-2.0-only
/*
 * INTx of a vfio-pci device: one level-triggered line, relayed to an
 * eventfd.  The handler masks the line (INTx Disable where the function
 * supports PCI 2.3 masking, else disable_irq() on an exclusive line) and
 * signals userspace, which unmasks it once it has serviced the device,
 * by VFIO_DEVICE_SET_IRQS or through an unmask eventfd (virqfd).
 *
 * Configuration runs under igate; the masked state is shared with the
 * interrupt handler and the unmask eventfd under irqlock.  The trigger is
 * read under RCU by the paths that signal it, so userspace can swap it
 * while the line is live: an interrupt still asserted and masked is
 * signalled on the new eventfd when userspace unmasks.
 *
 * Some functions cannot be trusted with INTx Disable (nointx): they are
 * shown without INTx and the bit stays set.  vfio-pci's nointxmask
 * parameter turns PCI 2.3 masking off altogether.
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/lockdep.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "priv.h"

/* See <linux/vfio_pci_core.h>; set through vfio-pci's module parameter */
bool vfio_pci_core_nointxmask;
EXPORT_SYMBOL_GPL(vfio_pci_core_nointxmask);

/*
 * Functions whose INTx Disable bit works but whose INTx does not: the
 * i40e family (XL710/X710/XXV710) and X550 raise INTx regardless, so
 * masking at the device cannot be relied on.  They have MSI-X.
 */
static const struct pci_device_id vfio_pci_nointx_ids[] = {
	{ PCI_VDEVICE(INTEL, 0x1572) },
	{ PCI_VDEVICE(INTEL, 0x1574) },
	{ PCI_VDEVICE(INTEL, 0x1580) },
	{ PCI_VDEVICE(INTEL, 0x1581) },
	{ PCI_VDEVICE(INTEL, 0x1583) },
	{ PCI_VDEVICE(INTEL, 0x1584) },
	{ PCI_VDEVICE(INTEL, 0x1585) },
	{ PCI_VDEVICE(INTEL, 0x1586) },
	{ PCI_VDEVICE(INTEL, 0x1587) },
	{ PCI_VDEVICE(INTEL, 0x1588) },
	{ PCI_VDEVICE(INTEL, 0x1589) },
	{ PCI_VDEVICE(INTEL, 0x158a) },
	{ PCI_VDEVICE(INTEL, 0x158b) },
	{ PCI_VDEVICE(INTEL, 0x37d0) },
	{ PCI_VDEVICE(INTEL, 0x37d1) },
	{ PCI_VDEVICE(INTEL, 0x37d2) },
	{ PCI_VDEVICE(INTEL, 0x1563) },
	{}
};

/**
 * vfio_pci_intx_probe - decide how INTx is offered and masked (device open)
 * @vdev: the device being opened, before config space is set up
 *
 * Sets @nointx, @pci_2_3 (mask with INTx Disable, line shareable; else
 * mask the line, which must be exclusive) and @has_intx (INTx count 1).
 * With PCI 2.3 masking, INTx Disable is ours: the line starts unmasked.
 */
void vfio_pci_intx_probe(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd;

	vdev->nointx = false;
	vdev->pci_2_3 = false;

	if (!READ_ONCE(vfio_pci_core_nointxmask)) {
		if (pci_match_id(vfio_pci_nointx_ids, pdev)) {
			pci_info(pdev, "INTx masking is broken on this device: INTx hidden, use MSI or MSI-X\n");
			vdev->nointx = true;
			pci_intx(pdev, 0);
		} else {
			vdev->pci_2_3 = pci_intx_mask_supported(pdev);
		}
	}

	if (vdev->pci_2_3 && !pci_read_config_word(pdev, PCI_COMMAND, &cmd) &&
	    (cmd & PCI_COMMAND_INTX_DISABLE))
		pci_write_config_word(pdev, PCI_COMMAND,
				      cmd & ~PCI_COMMAND_INTX_DISABLE);

	vdev->has_intx = !vdev->nointx && pdev->pin && pdev->irq &&
			 pdev->irq != IRQ_NOTCONNECTED;
}

/* Tell userspace the line fired.  Any context. */
static void vfio_pci_intx_signal(struct vfio_pci_core_device *vdev)
{
	if (READ_ONCE(vdev->virq_disabled))
		return;

	vfio_pci_trigger_signal(&vdev->ctx[0].trigger);
}

/* Mask the line if it is not.  irqlock held. */
static void __vfio_pci_intx_mask(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[0];

	lockdep_assert_held(&vdev->irqlock);

	if (ctx->masked)
		return;
	if (vdev->pci_2_3)
		pci_intx(vdev->pdev, 0);
	else
		disable_irq_nosync(vdev->pdev->irq);
	ctx->masked = true;
}

/*
 * Unmask the line unless the user has INTx disabled.  With PCI 2.3 masking
 * a line still asserted stays masked; returns true then, so the caller
 * signals userspace again.  irqlock held.
 */
static bool __vfio_pci_intx_unmask(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[0];

	lockdep_assert_held(&vdev->irqlock);

	if (!ctx->masked || vdev->virq_disabled)
		return false;

	if (!vdev->pci_2_3) {
		enable_irq(vdev->pdev->irq);
		ctx->masked = false;
		return false;
	}
	if (pci_check_and_unmask_intx(vdev->pdev)) {
		ctx->masked = false;
		return false;
	}
	return true;
}

static void vfio_pci_intx_mask(struct vfio_pci_core_device *vdev)
{
	unsigned long flags;

	spin_lock_irqsave(&vdev->irqlock, flags);
	__vfio_pci_intx_mask(vdev);
	spin_unlock_irqrestore(&vdev->irqlock, flags);
}

static void vfio_pci_intx_unmask(struct vfio_pci_core_device *vdev)
{
	unsigned long flags;
	bool resend;

	spin_lock_irqsave(&vdev->irqlock, flags);
	resend = __vfio_pci_intx_unmask(vdev);
	spin_unlock_irqrestore(&vdev->irqlock, flags);

	if (resend)
		vfio_pci_intx_signal(vdev);
}

/* virqfd callbacks of the unmask eventfd: atomic, then process context */
static int vfio_pci_intx_unmask_handler(void *opaque, void *unused)
{
	struct vfio_pci_core_device *vdev = opaque;
	unsigned long flags;
	bool resend;

	spin_lock_irqsave(&vdev->irqlock, flags);
	resend = __vfio_pci_intx_unmask(vdev);
	spin_unlock_irqrestore(&vdev->irqlock, flags);

	return resend;
}

static void vfio_pci_intx_resend(void *opaque, void *unused)
{
	vfio_pci_intx_signal(opaque);
}

static irqreturn_t vfio_pci_intx_handler(int irq, void *dev_id)
{
	struct vfio_pci_core_device *vdev = dev_id;
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[0];
	irqreturn_t ret = IRQ_NONE;
	unsigned long flags;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (!vdev->pci_2_3) {
		/*
		 * An exclusive line: it is ours.  It may have been masked
		 * while this interrupt was in flight; disable it only once.
		 */
		if (!ctx->masked) {
			disable_irq_nosync(irq);
			ctx->masked = true;
		}
		ret = IRQ_HANDLED;
	} else if (!ctx->masked && pci_check_and_mask_intx(vdev->pdev)) {
		ctx->masked = true;
		ret = IRQ_HANDLED;
	}
	spin_unlock_irqrestore(&vdev->irqlock, flags);

	if (ret == IRQ_HANDLED)
		vfio_pci_intx_signal(vdev);
	return ret;
}

static int vfio_pci_intx_enable(struct vfio_pci_core_device *vdev,
				struct eventfd_ctx *trigger)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx;
	unsigned long irqflags;
	int ret;

	lockdep_assert_held(&vdev->igate);

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	ctx->name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-intx(%s)",
			      pci_name(pdev));
	if (!ctx->name) {
		ret = -ENOMEM;
		goto out_free_ctx;
	}
	RCU_INIT_POINTER(ctx->trigger, trigger);

	/*
	 * Start masked if the user has INTx disabled.  virq_disabled only
	 * changes under igate, which we hold.
	 */
	ctx->masked = vdev->virq_disabled;
	if (vdev->pci_2_3) {
		pci_intx(pdev, !ctx->masked);
		irqflags = IRQF_SHARED;
	} else {
		irqflags = ctx->masked ? IRQF_NO_AUTOEN : 0;
	}

	/* The handler uses these as soon as it is requested */
	vdev->ctx = ctx;
	vdev->num_ctx = 1;
	vdev->irq_type = VFIO_PCI_INTX_IRQ_INDEX;

	ret = request_irq(pdev->irq, vfio_pci_intx_handler, irqflags,
			  ctx->name, vdev);
	if (ret) {
		pci_info_ratelimited(pdev, "cannot request INTx (IRQ %u): %d\n",
				     pdev->irq, ret);
		vdev->irq_type = VFIO_PCI_NUM_IRQS;
		vdev->num_ctx = 0;
		vdev->ctx = NULL;
		kfree(ctx->name);
		goto out_free_ctx;
	}
	/*
	 * An exclusive line is masked by disable_irq(): make that mask the
	 * interrupt controller at once.  Left lazy, the level still high
	 * at EOI is delivered once more, and if that delivery is taken
	 * only after the user serviced the device and unmasked, it reaches
	 * the handler as a spurious interrupt.  free_irq() clears the flag.
	 */
	if (!vdev->pci_2_3)
		irq_set_status_flags(pdev->irq, IRQ_DISABLE_UNLAZY);
	return 0;

out_free_ctx:
	kfree(ctx);
	return ret;
}

/* The handler and the resend path read the trigger under RCU */
static void vfio_pci_intx_set_trigger(struct vfio_pci_core_device *vdev,
				      struct eventfd_ctx *trigger)
{
	vfio_pci_trigger_set(vdev, &vdev->ctx[0].trigger, trigger);
}

/**
 * vfio_pci_intx_disable - stop relaying INTx (SET_IRQS or device close)
 * @vdev: a device with INTx in use; igate held
 */
void vfio_pci_intx_disable(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->ctx[0];
	struct eventfd_ctx *trigger;

	lockdep_assert_held(&vdev->igate);

	vfio_virqfd_disable(&ctx->unmask);
	vfio_virqfd_disable(&ctx->mask);
	free_irq(vdev->pdev->irq, vdev);

	/* Handler gone and virqfds flushed: nobody else can see the trigger */
	trigger = vfio_pci_ctx_trigger(vdev, ctx);
	if (trigger)
		eventfd_ctx_put(trigger);

	vdev->irq_type = VFIO_PCI_NUM_IRQS;
	vdev->num_ctx = 0;
	vdev->ctx = NULL;
	kfree(ctx->name);
	kfree(ctx);
}

/**
 * vfio_pci_intx_virt_disable - the user's INTx Disable was written
 * @vdev: an open device
 * @disable: the bit's new (virtual) value
 *
 * Masks or unmasks the line on a change.  With PCI 2.3 masking the real
 * INTx Disable bit is ours, and the read-modify-write of the command
 * register that brought us here may have raced with the interrupt
 * handler, so the bit is set again to match our state; while INTx is not
 * in use it follows the user's bit, so a device the user silenced does
 * not assert a line nobody handles.
 */
void vfio_pci_intx_virt_disable(struct vfio_pci_core_device *vdev,
				bool disable)
{
	unsigned long flags;
	bool resend = false;

	mutex_lock(&vdev->igate);
	spin_lock_irqsave(&vdev->irqlock, flags);

	if (vdev->virq_disabled != disable) {
		WRITE_ONCE(vdev->virq_disabled, disable);
		if (vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX)) {
			if (disable)
				__vfio_pci_intx_mask(vdev);
			else
				resend = __vfio_pci_intx_unmask(vdev);
		}
	}
	/* Without INTx in use, the real bit simply follows the user's */
	if (vdev->pci_2_3)
		pci_intx(vdev->pdev,
			 vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX) ?
			 !vdev->ctx[0].masked : !disable);

	spin_unlock_irqrestore(&vdev->irqlock, flags);
	if (resend)
		vfio_pci_intx_signal(vdev);
	mutex_unlock(&vdev->igate);
}

/* SET_IRQS ACTION_MASK: mask the line now */
int vfio_pci_set_intx_mask(struct vfio_pci_core_device *vdev,
			   unsigned int index, unsigned int start,
			   unsigned int count, u32 flags, void *data)
{
	if (!vfio_pci_irq_is(vdev, index) || start || count != 1)
		return -EINVAL;

	/* Masking through an eventfd is not offered */
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return -ENOTTY;

	if (vfio_pci_irq_data_true(flags, data))
		vfio_pci_intx_mask(vdev);
	return 0;
}

/* SET_IRQS ACTION_UNMASK: unmask now, or whenever an eventfd fires */
int vfio_pci_set_intx_unmask(struct vfio_pci_core_device *vdev,
			     unsigned int index, unsigned int start,
			     unsigned int count, u32 flags, void *data)
{
	struct vfio_pci_irq_ctx *ctx = vdev->ctx;
	s32 fd;

	if (!vfio_pci_irq_is(vdev, index) || start || count != 1)
		return -EINVAL;

	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD)) {
		if (vfio_pci_irq_data_true(flags, data))
			vfio_pci_intx_unmask(vdev);
		return 0;
	}

	fd = *(s32 *)data;
	if (fd < 0) {
		vfio_virqfd_disable(&ctx[0].unmask);
		return 0;
	}
	return vfio_virqfd_enable(vdev, vfio_pci_intx_unmask_handler,
				  vfio_pci_intx_resend, NULL, &ctx[0].unmask,
				  fd);
}

/*
 * SET_IRQS ACTION_TRIGGER: enable INTx with an eventfd, replace the
 * eventfd, disable INTx (count 0, DATA_NONE), or fire it by hand.
 */
int vfio_pci_set_intx_trigger(struct vfio_pci_core_device *vdev,
			      unsigned int index, unsigned int start,
			      unsigned int count, u32 flags, void *data)
{
	bool is_intx = vfio_pci_irq_is(vdev, index);
	struct eventfd_ctx *trigger = NULL;
	s32 fd;
	int ret;

	if (is_intx && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfio_pci_intx_disable(vdev);
		return 0;
	}

	if (!(is_intx || vfio_pci_irq_none(vdev)) || start || count != 1)
		return -EINVAL;

	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD)) {
		/* Loopback, for testing the eventfd path */
		if (!is_intx)
			return -EINVAL;
		if (vfio_pci_irq_data_true(flags, data))
			vfio_pci_intx_signal(vdev);
		return 0;
	}

	fd = *(s32 *)data;
	if (fd >= 0) {
		trigger = eventfd_ctx_fdget(fd);
		if (IS_ERR(trigger))
			return PTR_ERR(trigger);
	}

	if (is_intx) {
		vfio_pci_intx_set_trigger(vdev, trigger);
		return 0;
	}

	ret = vfio_pci_intx_enable(vdev, trigger);
	if (ret && trigger)
		eventfd_ctx_put(trigger);
	return ret;
}
