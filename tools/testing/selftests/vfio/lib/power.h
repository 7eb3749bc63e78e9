/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers: a PCI function's power state as sysfs shows it, and
 * VFIO_DEVICE_FEATURE requests (low power entry and exit, VF token).
 */
#ifndef VFIO_SELFTEST_POWER_H
#define VFIO_SELFTEST_POWER_H

#include <stddef.h>
#include <stdint.h>

/* power_state of BDF ("D0", "D3hot", ...) into buf; 0 or -errno. */
int pci_power_state(const char *bdf, char *buf, int len);
/*
 * Wait up to MS for BDF's power_state to read STATE (runtime PM acts
 * asynchronously); 0, or -ETIMEDOUT with the last state read in LAST.
 */
int pci_wait_power_state(const char *bdf, const char *state, int ms,
			 char *last, int len);
/*
 * VFIO_DEVICE_FEATURE on DEVICE with FLAGS (feature number | GET/SET/
 * PROBE) and SIZE bytes of payload DATA; 0 or -errno.
 */
int vfio_device_feature(int device, uint32_t flags, const void *data,
			size_t size);

#endif
