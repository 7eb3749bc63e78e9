/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers: hot plug.  The VM gives the guest a line to QEMU's
 * human monitor ($GUEST_MONITOR), so a test can unplug a device
 * (device_del) and plug it back (device_add), then wait for the guest's
 * PCI core to see the change.
 */
#ifndef VFIO_SELFTEST_MONITOR_H
#define VFIO_SELFTEST_MONITOR_H

#include <stdbool.h>

/* Send one HMP command line to QEMU; 0 or -errno (-ENODEV: no monitor). */
int monitor_cmd(const char *cmd);
/*
 * Whether the guest kernel drives the hotplug slot at DOMAIN:BUS:DEV
 * ("0000:01:00"): without a hotplug driver for it (acpiphp for QEMU's
 * ACPI hotplug of root ports), device_del never reaches the guest.
 */
bool pci_hotplug_slot(const char *addr);
/* Wait up to MS for BDF to exist (or be gone); 0 or -ETIMEDOUT. */
int pci_wait_exists(const char *bdf, bool exists, int ms);
/*
 * Plug a device in with the HMP command ADD ("device_add ...") and wait up
 * to MS for BDF to appear with vendor ID VENDOR ("0x1234"; NULL: any).  The
 * guest sees a device_del's device go before QEMU has finished removing
 * it, and QEMU refuses to add one with the same id until then, so the
 * command is sent again every couple of seconds.  QEMU's ACPI hotplug
 * event can also be missed by a slow guest still busy with the removal:
 * each retry also rescans the PCI buses.  0 or -errno.
 */
int monitor_plug(const char *add, const char *bdf, const char *vendor,
		 int ms);
/*
 * Bind BDF to DRIVER (pci_bind()), retrying for up to MS while the probe
 * finds nothing: a device just hot added shows in sysfs a moment before
 * the PCI core lets drivers probe it.  0 or -errno.
 */
int pci_wait_bind(const char *bdf, const char *driver, int ms);

#endif
