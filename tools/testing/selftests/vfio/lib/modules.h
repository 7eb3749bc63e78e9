/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Selftest helpers: load and unload the VFIO stack under test.  The VM's
 * /init exports VFIO_MODDIR, a folder with the stack's .ko files and an
 * "order" file listing them in load order (ours or the stock ones).
 */
#ifndef VFIO_SELFTEST_MODULES_H
#define VFIO_SELFTEST_MODULES_H

#include <stdbool.h>

#define VFIO_MAX_MODULES 16

struct vfio_stack {
	const char *dir;
	int count;
	char names[VFIO_MAX_MODULES][64];	/* file names, without .ko */
};

/* Read $VFIO_MODDIR/order; returns 0 or -errno. */
int vfio_stack_read(struct vfio_stack *stack);
/* Module name as the kernel shows it in /sys/module (dashes to '_'). */
void vfio_module_sysname(const char *file, char *out, int len);
bool vfio_module_loaded(const char *file);
/* finit_module() of DIR/NAME.ko; 0, or -errno (-EEXIST if loaded). */
int vfio_module_load(const char *dir, const char *file);
/* The same with module parameters ("name=value ..."). */
int vfio_module_load_params(const char *dir, const char *file,
			    const char *params);
/* delete_module(); 0 or -errno. */
int vfio_module_unload(const char *file);
/* Unload every loaded module of the stack, in reverse; 0 or first -errno. */
int vfio_stack_unload(void);
/*
 * Unload the stack, load vfio with the module parameters VFIO_PARAMS, then
 * the rest of the stack; 0 or the first -errno.
 */
int vfio_stack_reload(const char *vfio_params);
/*
 * Unload vfio-pci (if loaded) and load it again with PARAMS ("" for the
 * defaults); 0 or the first -errno.
 */
int vfio_pci_reload(const char *params);
/* Load every module of the stack not loaded yet; 0 or first -errno. */
int vfio_stack_load(void);

#endif
