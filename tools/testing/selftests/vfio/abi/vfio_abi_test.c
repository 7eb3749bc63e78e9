// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_abi_test - our include/uapi/linux/vfio.h against a reference header.
 *
 * The real test happens at build time: vfio_abi_checks.h, printed by
 * abi_dump from the reference header, is a list of _Static_assert()s on
 * every value, type and layout there, and is compiled here against OUR
 * header (-I include/uapi comes before /usr/include).  If this program
 * exists, they all held.  At runtime it reports that in KTAP, checks the
 * assertion count is plausible and compares the string macros.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/vfio.h>

#ifndef _UAPI_VFIO_H
#error "<linux/vfio.h> is not include/uapi/linux/vfio.h: check the -I order"
#endif

struct vfio_abi_string {
	const char *name, *ours, *ref;
};

#include "vfio_abi_checks.h"

/* A generator that lost most of the header must not pass quietly. */
#define VFIO_ABI_MIN_ASSERTS 300u
_Static_assert(VFIO_ABI_NR_ASSERTS >= VFIO_ABI_MIN_ASSERTS,
	       "too few ABI assertions generated: the generator is broken");

static int failures;

__attribute__((format(printf, 4, 5)))	/* no __printf() in userspace */
static void result(int ok, int nr, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d %s: ", ok ? "ok" : "not ok", nr, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!ok)
		failures++;
}

int main(void)
{
	const struct vfio_abi_string *s;
	unsigned int bad = 0;

	printf("TAP version 13\n1..3\n");
	printf("# reference: %s\n", VFIO_ABI_REFERENCE);
	printf("# checked: %u macros, %u enumerators, %u types, %u members, %u strings\n",
	       VFIO_ABI_NR_MACROS, VFIO_ABI_NR_ENUMERATORS, VFIO_ABI_NR_TYPES,
	       VFIO_ABI_NR_MEMBERS, VFIO_ABI_NR_STRINGS);

	result(1, 1, "vfio_abi_static",
	       "%u compile-time assertions matched", VFIO_ABI_NR_ASSERTS);
	result(VFIO_ABI_NR_ASSERTS >= VFIO_ABI_MIN_ASSERTS, 2, "vfio_abi_count",
	       "%u assertions, at least %u expected",
	       VFIO_ABI_NR_ASSERTS, VFIO_ABI_MIN_ASSERTS);

	for (s = vfio_abi_strings; s->name; s++) {
		if (strcmp(s->ours, s->ref)) {
			printf("# %s: \"%s\", reference has \"%s\"\n",
			       s->name, s->ours, s->ref);
			bad++;
		}
	}
	result(!bad, 3, "vfio_abi_strings", "%u string macros differ", bad);

	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       3 - failures, failures);
	return failures ? 1 : 0;
}
