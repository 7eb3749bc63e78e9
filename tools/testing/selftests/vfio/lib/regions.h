/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers for config space and regions: typed config space
 * accesses through the device fd, the real config space as sysfs shows
 * it (what the hardware holds, behind VFIO's virtualization), region info
 * with its capability chain, and touching a mapping with SIGBUS caught.
 */
#ifndef VFIO_SELFTEST_REGIONS_H
#define VFIO_SELFTEST_REGIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfio.h"

/* Further devices of the x86_64 test machine (machines/x86_64.conf) */
#define VGA_BDF		"0000:00:08.0"
#define IVSHMEM_BDF	"0000:00:09.0"

/* Config space through the device fd: the value, or -errno */
int64_t cfg_read(struct vfio_dev *d, unsigned int off, unsigned int len);
int cfg_write(struct vfio_dev *d, unsigned int off, unsigned int len,
	      uint32_t val);
/* The real config space (/sys/bus/pci/devices/BDF/config): value or -errno */
int64_t hw_cfg_read(const char *bdf, unsigned int off, unsigned int len);
/* Offset of capability ID in the list as the device fd shows it, or 0 */
unsigned int cfg_find_cap(struct vfio_dev *d, uint8_t id);
/* The same for an extended capability, or 0 */
unsigned int cfg_find_ecap(struct vfio_dev *d, uint16_t id);

/*
 * VFIO_DEVICE_GET_REGION_INFO with room for the capability chain: a
 * malloc()ed copy to free(), or NULL with errno set.
 */
struct vfio_region_info *region_info_caps(struct vfio_dev *d,
					  unsigned int index);

/*
 * Read (or write, if WRITE) the 32-bit word at P, catching SIGBUS: 0 if
 * the access went through (*val holds what was read), -EFAULT on SIGBUS.
 */
int touch32(volatile void *p, bool write, uint32_t *val);

#endif
