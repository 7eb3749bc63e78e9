// SPDX-License-Identifier: GPL-2.0
/* Selftest helpers: load and unload the VFIO stack under test (modules.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "modules.h"

int vfio_stack_read(struct vfio_stack *stack)
{
	char path[256], line[64];
	FILE *f;

	memset(stack, 0, sizeof(*stack));
	stack->dir = getenv("VFIO_MODDIR");
	if (!stack->dir)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/order", stack->dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && stack->count < VFIO_MAX_MODULES) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		memcpy(stack->names[stack->count++], line, sizeof(line));
	}
	fclose(f);
	return stack->count ? 0 : -ENOENT;
}

void vfio_module_sysname(const char *file, char *out, int len)
{
	int i;

	snprintf(out, len, "%s", file);
	for (i = 0; out[i]; i++)
		if (out[i] == '-')
			out[i] = '_';
}

bool vfio_module_loaded(const char *file)
{
	char name[64], path[128];
	struct stat st;

	vfio_module_sysname(file, name, sizeof(name));
	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	return stat(path, &st) == 0;
}

int vfio_module_load(const char *dir, const char *file)
{
	return vfio_module_load_params(dir, file, "");
}

int vfio_module_load_params(const char *dir, const char *file,
			    const char *params)
{
	char path[256];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s.ko", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

int vfio_module_unload(const char *file)
{
	char name[64];

	vfio_module_sysname(file, name, sizeof(name));
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

int vfio_stack_load(void)
{
	struct vfio_stack stack;
	int i, ret;

	ret = vfio_stack_read(&stack);
	if (ret)
		return ret;
	for (i = 0; i < stack.count; i++) {
		if (vfio_module_loaded(stack.names[i]))
			continue;
		ret = vfio_module_load(stack.dir, stack.names[i]);
		if (ret && ret != -EEXIST)
			return ret;
	}
	return 0;
}

int vfio_stack_unload(void)
{
	struct vfio_stack stack;
	int i, ret;

	ret = vfio_stack_read(&stack);
	if (ret)
		return ret;
	for (i = stack.count - 1; i >= 0; i--) {
		if (!vfio_module_loaded(stack.names[i]))
			continue;
		ret = vfio_module_unload(stack.names[i]);
		if (ret)
			return ret;
	}
	return 0;
}

int vfio_stack_reload(const char *vfio_params)
{
	struct vfio_stack stack;
	int ret;

	ret = vfio_stack_unload();
	if (ret)
		return ret;
	ret = vfio_stack_read(&stack);
	if (ret)
		return ret;
	ret = vfio_module_load_params(stack.dir, "vfio", vfio_params);
	return ret ? ret : vfio_stack_load();
}

int vfio_pci_reload(const char *params)
{
	struct vfio_stack stack;
	int ret;

	ret = vfio_stack_read(&stack);
	if (ret)
		return ret;
	ret = vfio_module_unload("vfio-pci");
	if (ret && ret != -ENOENT)
		return ret;
	return vfio_module_load_params(stack.dir, "vfio-pci", params);
}
