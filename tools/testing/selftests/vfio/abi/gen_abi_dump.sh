#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# gen_abi_dump.sh - write abi_dump.c, a program that prints the ABI of a
# uapi header as C11 _Static_assert() lines.
#
# usage: gen_abi_dump.sh <reference header> > abi_dump.c
#
# The header is run through "$CC -E -dD" so the awk parser sees it without
# comments but with its #defines, then gen_abi_dump.awk does the work.
# Only POSIX sh, awk and the C compiler are needed.

set -eu

hdr=${1:?usage: gen_abi_dump.sh <header>}
cc=${CC:-gcc}
here=$(dirname "$0")

if [ ! -r "$hdr" ]; then
	echo "gen_abi_dump.sh: cannot read $hdr" >&2
	exit 1
fi

pp=$(mktemp)
trap 'rm -f "$pp"' EXIT INT TERM
"$cc" -E -dD "$hdr" > "$pp"
awk -v hdr="$hdr" -f "$here/gen_abi_dump.awk" "$hdr" "$pp"
