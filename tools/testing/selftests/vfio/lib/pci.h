/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers: PCI devices in sysfs (binding to a driver through
 * driver_override, IOMMU group lookup, finding a device by vendor/device).
 */
#ifndef VFIO_SELFTEST_PCI_H
#define VFIO_SELFTEST_PCI_H

#include <stdbool.h>

/* The fixed topology of the x86_64 test machine (machines/x86_64.conf). */
#define EDU_BDF		"0000:00:02.0"
#define TESTDEV_BDF	"0000:00:03.0"
#define E1000E_BDF	"0000:00:04.0"
#define HOTEDU_BDF	"0000:01:00.0"
#define NVME_BDF	"0000:02:00.0"
#define BRIDGE_EDU_BDF	"0000:03:01.0"
#define BRIDGE_NIC_BDF	"0000:03:02.0"
#define AERDEV_BDF	"0000:04:00.0"	/* QEMU id "aerdev" */

/* Write a string to a sysfs file; 0 or -errno. */
int sysfs_write(const char *path, const char *val);
/* Read a sysfs file into buf, without the trailing newline; 0 or -errno. */
int sysfs_read(const char *path, char *buf, int len);
/* Name of the driver bound to BDF into buf ("" if none); 0 or -errno. */
int pci_driver(const char *bdf, char *buf, int len);
/* Unbind BDF from its driver, if any; 0 or -errno. */
int pci_unbind(const char *bdf);
/* Bind BDF to DRIVER via driver_override + drivers_probe; 0 or -errno. */
int pci_bind(const char *bdf, const char *driver);
/* IOMMU group number of BDF, or -errno. */
int pci_iommu_group(const char *bdf);
bool pci_exists(const char *bdf);

#endif
