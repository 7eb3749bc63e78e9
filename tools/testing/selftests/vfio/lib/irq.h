/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers for interrupts: VFIO_DEVICE_SET_IRQS and GET_IRQ_INFO
 * with every field under the caller's control, eventfds, and the host's
 * view of the interrupts in /proc/interrupts.  Functions return 0 (or a
 * value) or -errno.
 */
#ifndef VFIO_SELFTEST_IRQ_H
#define VFIO_SELFTEST_IRQ_H

#include <stddef.h>
#include <stdint.h>

#include "vfio.h"

/*
 * SET_IRQS of FLAGS (data type | action) on [START, START + COUNT) of
 * INDEX, with LEN bytes of DATA after the header; argsz is the header
 * plus LEN.
 */
int vfio_set_irqs(struct vfio_dev *d, uint32_t flags, uint32_t index,
		  uint32_t start, uint32_t count, const void *data, size_t len);
/* The same with ARGSZ given: it may claim less or more than is there. */
int vfio_set_irqs_argsz(struct vfio_dev *d, uint32_t argsz, uint32_t flags,
			uint32_t index, uint32_t start, uint32_t count,
			const void *data, size_t len);
/* ACTION with DATA_NONE. */
int vfio_irq_none(struct vfio_dev *d, uint32_t index, uint32_t action,
		  uint32_t start, uint32_t count);
/* ACTION with one DATA_BOOL. */
int vfio_irq_bool(struct vfio_dev *d, uint32_t index, uint32_t action,
		  uint32_t start, uint8_t val);
/* ACTION_TRIGGER with COUNT eventfds (or negative values) from START. */
int vfio_irq_fds(struct vfio_dev *d, uint32_t index, uint32_t start,
		 uint32_t count, const int *fds);
/* GET_IRQ_INFO of INDEX into INFO. */
int vfio_irq_info(struct vfio_dev *d, uint32_t index,
		  struct vfio_irq_info *info);

/* A new non-blocking eventfd, or -errno. */
int efd_new(void);
/* Add one to an eventfd (as a guest's EOI would through KVM). */
void efd_signal(int efd);
/* Read an eventfd's count without waiting: the count, 0 if none, -errno. */
int64_t efd_drain(int efd);

/*
 * The /proc/interrupts line whose action list names exactly NAME (such as
 * "vfio-msix[0](0000:00:04.0)"): its IRQ number, or -ENOENT.  If TOTAL is
 * set it receives the line's count summed over the CPUs.
 */
int proc_irq_find(const char *name, uint64_t *total);

#endif
