// SPDX-License-Identifier: GPL-2.0-only
/*
 * virqfd: let an eventfd drive a callback.
 *
 * A bus driver hands us an eventfd and up to two callbacks.  Each time the
 * eventfd is signalled, @handler runs straight from the eventfd wakeup
 * (atomic context, may not sleep); if there is no handler, or it returns
 * non-zero, @thread then runs from the system workqueue.  Used for INTx
 * unmask/mask eventfds and PCI ioeventfds.
 *
 * A virqfd dies either because its owner disables it or because the eventfd
 * is closed (EPOLLHUP).  Both paths queue the same shutdown work on one
 * ordered, module-private workqueue, so teardown is serialised and the
 * owner's slot (*pvirqfd) tells, under virqfd_slot_lock, whether a shutdown
 * is already on its way.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>

/* Ordered: shutdowns and thread flushes run one at a time, in order. */
static struct workqueue_struct *virqfd_cleanup_wq;

/*
 * Protects every owner slot (struct virqfd **pvirqfd) handed to us: a slot
 * is set by enable and cleared by whoever queues the shutdown.  Taken from
 * the eventfd wakeup, hence irq-safe.
 */
static DEFINE_SPINLOCK(virqfd_slot_lock);

/* Caller holds virqfd_slot_lock and has just cleared the owner's slot. */
static void virqfd_queue_shutdown(struct virqfd *virqfd)
{
	queue_work(virqfd_cleanup_wq, &virqfd->shutdown);
}

/* The eventfd fired: run the handler now, the thread later if asked to. */
static void virqfd_fire(struct virqfd *virqfd)
{
	bool want_thread = true;

	if (virqfd->handler)
		want_thread = virqfd->handler(virqfd->opaque, virqfd->data);
	if (want_thread && virqfd->thread)
		schedule_work(&virqfd->inject);
}

/* Wait-queue callback, called with the eventfd's wait-queue lock held. */
static int virqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			 int sync, void *key)
{
	struct virqfd *virqfd = container_of(wait, struct virqfd, wait);
	__poll_t events = key_to_poll(key);

	if (events & EPOLLIN) {
		u64 count;

		/* Consume the count so the next signal wakes us again. */
		eventfd_ctx_do_read(virqfd->eventfd, &count);
		virqfd_fire(virqfd);
	}

	if (events & EPOLLHUP) {
		unsigned long irqflags;

		/*
		 * The eventfd is going away.  Unless the owner already
		 * disabled us (slot no longer points here), queue our own
		 * shutdown.  The virqfd cannot be freed under us: freeing
		 * needs the shutdown work, which needs the slot cleared,
		 * which needs this lock.
		 */
		spin_lock_irqsave(&virqfd_slot_lock, irqflags);
		if (*virqfd->pvirqfd == virqfd) {
			*virqfd->pvirqfd = NULL;
			virqfd_queue_shutdown(virqfd);
		}
		spin_unlock_irqrestore(&virqfd_slot_lock, irqflags);
	}

	return 0;
}

/* Called by vfs_poll() to hook our wait entry onto the eventfd. */
static void virqfd_ptable_queue_proc(struct file *file,
				     wait_queue_head_t *wqh, poll_table *pt)
{
	struct virqfd *virqfd = container_of(pt, struct virqfd, pt);

	add_wait_queue(wqh, &virqfd->wait);
}

static void virqfd_shutdown(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd, shutdown);
	u64 count;

	/* After this no wakeup can reach us any more ... */
	eventfd_ctx_remove_wait_queue(virqfd->eventfd, &virqfd->wait, &count);
	/* ... and after this no thread callback is pending or running. */
	flush_work(&virqfd->inject);
	eventfd_ctx_put(virqfd->eventfd);
	kfree(virqfd);
}

static void virqfd_inject(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd, inject);

	if (virqfd->thread)
		virqfd->thread(virqfd->opaque, virqfd->data);
}

/* Runs on the ordered cleanup queue, so never concurrently with shutdown. */
static void virqfd_flush_inject(struct work_struct *work)
{
	struct virqfd *virqfd = container_of(work, struct virqfd, flush_inject);

	flush_work(&virqfd->inject);
}

/**
 * vfio_virqfd_enable - run callbacks whenever an eventfd is signalled
 * @opaque: first argument of both callbacks
 * @handler: optional; runs in atomic context on every signal.  A non-zero
 *	     return asks for @thread to run as well.
 * @thread: optional; runs in process context (system workqueue) after a
 *	    signal, unless @handler returned 0
 * @data: second argument of both callbacks
 * @pvirqfd: the owner's slot; must be NULL, and is set to the new virqfd.
 *	     It is cleared again when the virqfd is torn down, by
 *	     vfio_virqfd_disable() or by the eventfd being closed.
 * @fd: the eventfd
 *
 * If the eventfd was already signalled, the callbacks run right away.
 *
 * Context: process context; may sleep.
 * Return: 0, -EBUSY if *@pvirqfd is in use, -EBADF or -EINVAL for a bad
 * @fd, -ENOMEM.
 */
int vfio_virqfd_enable(void *opaque, int (*handler)(void *, void *),
		       void (*thread)(void *, void *), void *data,
		       struct virqfd **pvirqfd, int fd)
{
	struct eventfd_ctx *ctx;
	struct virqfd *virqfd;
	__poll_t events;
	struct fd f;
	int ret;

	virqfd = kzalloc(sizeof(*virqfd), GFP_KERNEL_ACCOUNT);
	if (!virqfd)
		return -ENOMEM;

	virqfd->pvirqfd = pvirqfd;
	virqfd->opaque = opaque;
	virqfd->handler = handler;
	virqfd->thread = thread;
	virqfd->data = data;
	INIT_WORK(&virqfd->shutdown, virqfd_shutdown);
	INIT_WORK(&virqfd->inject, virqfd_inject);
	INIT_WORK(&virqfd->flush_inject, virqfd_flush_inject);

	f = fdget(fd);
	if (!f.file) {
		ret = -EBADF;
		goto err_free;
	}

	ctx = eventfd_ctx_fileget(f.file);
	if (IS_ERR(ctx)) {
		ret = PTR_ERR(ctx);
		goto err_fdput;
	}
	virqfd->eventfd = ctx;

	/* Claim the owner's slot; one live virqfd per slot. */
	spin_lock_irq(&virqfd_slot_lock);
	if (*pvirqfd) {
		spin_unlock_irq(&virqfd_slot_lock);
		ret = -EBUSY;
		goto err_ctx_put;
	}
	*pvirqfd = virqfd;
	spin_unlock_irq(&virqfd_slot_lock);

	init_waitqueue_func_entry(&virqfd->wait, virqfd_wakeup);
	init_poll_funcptr(&virqfd->pt, virqfd_ptable_queue_proc);
	events = vfs_poll(f.file, &virqfd->pt);

	/* A signal that arrived before we were hooked up is not lost. */
	if (events & EPOLLIN)
		virqfd_fire(virqfd);

	/*
	 * Hold the file until we are fully set up: closing it earlier could
	 * deliver EPOLLHUP to a half-built virqfd.
	 */
	fdput(f);
	return 0;

err_ctx_put:
	eventfd_ctx_put(ctx);
err_fdput:
	fdput(f);
err_free:
	kfree(virqfd);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_virqfd_enable);

/**
 * vfio_virqfd_disable - tear down the virqfd in a slot
 * @pvirqfd: the owner's slot, as passed to vfio_virqfd_enable(); may be
 *	     empty already (then this only waits for pending teardowns)
 *
 * Clears the slot and returns once the virqfd is gone: no callback is
 * running and none will run again.  Safe against a concurrent close of the
 * eventfd.
 *
 * Context: process context; may sleep.
 */
void vfio_virqfd_disable(struct virqfd **pvirqfd)
{
	unsigned long irqflags;

	spin_lock_irqsave(&virqfd_slot_lock, irqflags);
	if (*pvirqfd) {
		virqfd_queue_shutdown(*pvirqfd);
		*pvirqfd = NULL;
	}
	spin_unlock_irqrestore(&virqfd_slot_lock, irqflags);

	/*
	 * Wait for our shutdown, or for one queued by an EPOLLHUP that
	 * emptied the slot before we looked.
	 */
	flush_workqueue(virqfd_cleanup_wq);
}
EXPORT_SYMBOL_GPL(vfio_virqfd_disable);

/**
 * vfio_virqfd_flush_thread - wait for a queued thread callback to finish
 * @pvirqfd: the owner's slot, as passed to vfio_virqfd_enable()
 *
 * After return, a @thread callback triggered before the call has completed.
 * The virqfd stays enabled.  Lets a driver retire data the thread uses (an
 * old trigger eventfd, for instance) without racing it.
 *
 * Context: process context; may sleep.
 */
void vfio_virqfd_flush_thread(struct virqfd **pvirqfd)
{
	unsigned long irqflags;

	/*
	 * The flush runs on the ordered cleanup queue, so it cannot overlap
	 * a shutdown freeing the virqfd.
	 */
	spin_lock_irqsave(&virqfd_slot_lock, irqflags);
	if (*pvirqfd && (*pvirqfd)->thread)
		queue_work(virqfd_cleanup_wq, &(*pvirqfd)->flush_inject);
	spin_unlock_irqrestore(&virqfd_slot_lock, irqflags);

	flush_workqueue(virqfd_cleanup_wq);
}
EXPORT_SYMBOL_GPL(vfio_virqfd_flush_thread);

static int __init vfio_virqfd_init(void)
{
	virqfd_cleanup_wq = alloc_ordered_workqueue("vfio-irqfd-cleanup",
						    WQ_MEM_RECLAIM);
	if (!virqfd_cleanup_wq)
		return -ENOMEM;
	return 0;
}

static void __exit vfio_virqfd_exit(void)
{
	destroy_workqueue(virqfd_cleanup_wq);
}

module_init(vfio_virqfd_init);
module_exit(vfio_virqfd_exit);

MODULE_LICENSE("GPL v2");
MODULE_DESCRIPTION("IRQFD support for VFIO bus drivers");
