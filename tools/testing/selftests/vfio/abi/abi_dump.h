/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runtime side of the generated abi_dump.c.
 *
 * abi_dump.c is built against the reference header and calls the ABI_*()
 * macros below once per definition found in it.  Each macro measures the
 * definition with the compiler (value, type, sizeof, _Alignof, offsetof) and
 * prints C11 _Static_assert() lines that pin what it measured.  The printed
 * file is later compiled against our header, so any difference breaks that
 * build with a message naming the definition.
 */
#ifndef ABI_DUMP_H
#define ABI_DUMP_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* How many checks of each kind were printed; reported at the end. */
static unsigned int abi_nr_asserts, abi_nr_macros, abi_nr_enumerators;
static unsigned int abi_nr_types, abi_nr_members, abi_nr_strings;

/* String macros are also compared at runtime; collected for the table. */
#define ABI_MAX_STRINGS 256
static const char *abi_str_name[ABI_MAX_STRINGS], *abi_str_val[ABI_MAX_STRINGS];

/* Name of the integer type of x, NULL if x is not of integer type. */
#define ABI_TYPE_NAME(x) _Generic((x),					\
	_Bool : "_Bool", char : "char",					\
	signed char : "signed char", unsigned char : "unsigned char",	\
	short : "short", unsigned short : "unsigned short",		\
	int : "int", unsigned int : "unsigned int",			\
	long : "long", unsigned long : "unsigned long",			\
	long long : "long long",					\
	unsigned long long : "unsigned long long",			\
	default :							\
		(const char *)0)

/*
 * Is x below zero?  Written so that it works for unsigned 64 bit values
 * and does not trip -Wbool-compare on boolean expressions.
 */
static inline int abi_neg(int is_signed, long long v)
{
	return is_signed && v < 0;
}
#define ABI_NEG(x) abi_neg((__typeof__((x) + 0))-1 < 0, (long long)(x))

static inline void abi_die(const char *what, const char *why)
{
	fprintf(stderr, "abi_dump: %s: %s\n", what, why);
	exit(1);
}

/* Print an integer as a C literal that has exactly this value. */
static inline void abi_literal(int neg, long long s, unsigned long long u)
{
	if (neg && s == LLONG_MIN)
		printf("(-%lldLL - 1)", LLONG_MAX);
	else if (neg)
		printf("(%lldLL)", s);
	else
		printf("%lluULL", u);
}

/* _Static_assert((expr) == value, "what: value must be value"); */
static inline void abi_value(const char *what, const char *expr, int neg, long long s,
		      unsigned long long u)
{
	printf("_Static_assert((%s) == ", expr);
	abi_literal(neg, s, u);
	printf(", \"%s: value must be ", what);
	if (neg)
		printf("%lld", s);
	else
		printf("%llu", u);
	printf("\");\n");
	abi_nr_asserts++;
}

/* _Static_assert(_Generic((expr), type: 1, default: 0), ...); */
static inline void abi_type(const char *what, const char *expr, const char *type)
{
	if (!type)
		abi_die(what, "not an integer constant expression");
	printf("_Static_assert(_Generic((%s), %s: 1, default: 0), ", expr, type);
	printf("\"%s: type must be %s\");\n", what, type);
	abi_nr_asserts++;
}

/* Assert that a plain size_t fact (sizeof, offsetof, alignment) holds. */
static inline void abi_size(const char *what, const char *fact, const char *expr, size_t v)
{
	printf("_Static_assert(%s == %zu, \"%s: %s must be %zu\");\n",
	       expr, v, what, fact, v);
	abi_nr_asserts++;
}

/* The macro has to exist; used for empty and function-like macros. */
static inline void abi_defined(const char *name)
{
	printf("#ifndef %s\n#error \"%s: macro is not defined\"\n#endif\n",
	       name, name);
	abi_nr_asserts++;
}

/*
 * Everything below stringifies its arguments in the macro the generated code
 * calls: an argument passed on to another macro would be expanded first, and
 * the assertion would then name the reference's expansion, not the macro.
 */

/* Pin value and type of an integer expression x whose source text is expr. */
#define ABI_VALUE(what, expr, x) do {					\
	_Static_assert((x) || 1, "not an integer constant: " expr);	\
	abi_type(what, "(" expr ")", ABI_TYPE_NAME(x));			\
	abi_value(what, expr, ABI_NEG(x), (long long)(x),		\
		  (unsigned long long)(x));				\
} while (0)

/* Object-like macro whose body is an integer constant expression. */
#define ABI_INT(x) do { ABI_VALUE(#x, #x, x); abi_nr_macros++; } while (0)

/* Object-like macro with an empty body: existence only. */
#define ABI_EMPTY(x) do { abi_defined(#x); abi_nr_macros++; } while (0)

/* String literal macro: length now, full text compared at runtime. */
#define ABI_STR(x) do {							\
	if (abi_nr_strings >= ABI_MAX_STRINGS)				\
		abi_die(#x, "too many string macros");			\
	abi_str_name[abi_nr_strings] = #x;				\
	abi_str_val[abi_nr_strings++] = (x);				\
	abi_size(#x, "sizeof", "sizeof(" #x ")", sizeof(x));		\
	abi_nr_macros++;						\
} while (0)

/*
 * Function-like macro with one parameter: must exist, and must give the same
 * type and values for a few small int arguments.  Function-like macros with
 * other parameter lists are only checked for existence (ABI_FN).
 */
static const int abi_fn_args[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 255 };
#define ABI_FN1(m) do {							\
	char e_[128];							\
	size_t i_;							\
	abi_defined(#m);						\
	abi_type(#m "()", #m "(0)", ABI_TYPE_NAME(m(0)));		\
	for (i_ = 0; i_ < sizeof(abi_fn_args) / sizeof(int); i_++) {	\
		int a_ = abi_fn_args[i_];				\
		snprintf(e_, sizeof(e_), "%s(%d)", #m, a_);		\
		abi_value(e_, e_, ABI_NEG(m(a_)), (long long)m(a_),	\
			  (unsigned long long)m(a_));			\
	}								\
	abi_nr_macros++;						\
} while (0)
#define ABI_FN(m) do { abi_defined(#m); abi_nr_macros++; } while (0)

/* Enumerators are always int in C, so only the value is pinned. */
#define ABI_ENUMERATOR(x) do {						\
	abi_value(#x, #x, ABI_NEG(x), (long long)(x),			\
		  (unsigned long long)(x));				\
	abi_nr_enumerators++;						\
} while (0)

/* struct/union/enum tag or typedef: size and alignment. */
#define ABI_AGG(t) do {							\
	abi_size(#t, "sizeof", "sizeof(" #t ")", sizeof(t));		\
	abi_size(#t, "_Alignof", "_Alignof(" #t ")", _Alignof(t));	\
	abi_nr_types++;							\
} while (0)

/*
 * One member: offset, size and alignment (of the element for a flexible
 * array, which has no size), and, when type is given, the declared type.
 * type is "pointer to the member's type", e.g. "__u32 (*)" or
 * "__u8 (*)[]", so arrays and qualifiers survive into the _Generic test.
 */
static inline void abi_member(const char *t, const char *m, const char *type,
		       size_t off, size_t size, size_t align, int flex)
{
	char what[256], expr[256];
	const char *el = flex ? "[0]" : "";

	snprintf(what, sizeof(what), "%s.%s", t, m);
	snprintf(expr, sizeof(expr), "offsetof(%s, %s)", t, m);
	abi_size(what, "offsetof", expr, off);
	snprintf(expr, sizeof(expr), "sizeof(((%s *)0)->%s%s)", t, m, el);
	abi_size(what, flex ? "element sizeof" : "sizeof", expr, size);
	snprintf(expr, sizeof(expr), "__alignof__(((%s *)0)->%s%s)", t, m, el);
	abi_size(what, flex ? "element alignment" : "alignment", expr, align);
	if (type) {
		printf("_Static_assert(_Generic(&(((%s *)0)->%s), %s: 1, default: 0), ",
		       t, m, type);
		printf("\"%s: wrong type, &member must be %s\");\n", what, type);
		abi_nr_asserts++;
	}
	abi_nr_members++;
}

#define ABI_M(t, m)	(((t *)0)->m)
/* Also proves the generator read the type right, against the reference. */
#define ABI_CHECK_TYPE(t, m, ...)					\
	_Static_assert(_Generic(&ABI_M(t, m), __VA_ARGS__ : 1, default : 0), \
		       "generator misread the type of " #t "." #m)

#define ABI_MEMBER(t, m, ...) do {					\
	ABI_CHECK_TYPE(t, m, __VA_ARGS__);				\
	abi_member(#t, #m, #__VA_ARGS__, offsetof(t, m),		\
		   sizeof(ABI_M(t, m)), __alignof__(ABI_M(t, m)), 0);	\
} while (0)
#define ABI_FLEX(t, m, ...) do {					\
	ABI_CHECK_TYPE(t, m, __VA_ARGS__);				\
	abi_member(#t, #m, #__VA_ARGS__, offsetof(t, m),		\
		   sizeof(ABI_M(t, m)[0]), __alignof__(ABI_M(t, m)[0]), 1); \
} while (0)
/* Named member of an anonymous struct/union type, which has no name. */
#define ABI_MEMBER_NOTYPE(t, m)						\
	abi_member(#t, #m, NULL, offsetof(t, m), sizeof(ABI_M(t, m)),	\
		   __alignof__(ABI_M(t, m)), 0)

/* Print a string as a C literal. */
static inline void abi_cstring(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\%03o", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Trailer: the string table and the counters the test reports. */
static inline int abi_finish(const char *ref)
{
	unsigned int i;

	printf("\nstatic const struct vfio_abi_string vfio_abi_strings[] = {\n");
	for (i = 0; i < abi_nr_strings; i++) {
		printf("\t{ \"%s\", %s, ", abi_str_name[i], abi_str_name[i]);
		abi_cstring(abi_str_val[i]);
		printf(" },\n");
	}
	printf("\t{ NULL, NULL, NULL }\n};\n\n");
	printf("#define VFIO_ABI_REFERENCE \"%s\"\n", ref);
	printf("#define VFIO_ABI_NR_ASSERTS %u\n", abi_nr_asserts);
	printf("#define VFIO_ABI_NR_MACROS %u\n", abi_nr_macros);
	printf("#define VFIO_ABI_NR_ENUMERATORS %u\n", abi_nr_enumerators);
	printf("#define VFIO_ABI_NR_TYPES %u\n", abi_nr_types);
	printf("#define VFIO_ABI_NR_MEMBERS %u\n", abi_nr_members);
	printf("#define VFIO_ABI_NR_STRINGS %u\n", abi_nr_strings);
	fprintf(stderr,
		"abi_dump: %s: %u assertions (%u macros, %u enumerators, %u types, %u members, %u strings)\n",
		ref, abi_nr_asserts, abi_nr_macros, abi_nr_enumerators,
		abi_nr_types, abi_nr_members, abi_nr_strings);
	return fflush(stdout) ? 1 : 0;
}

#endif /* ABI_DUMP_H */
