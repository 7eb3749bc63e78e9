#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build our modules for one kernel in a staging copy of the tree, so builds
# for several kernels and architectures (stock, debug, arm64, ppc64le) can
# sit side by side without clobbering the in-place build a user makes.
#
# build-modules.sh OUTDIR ARCH [KDIR] [extra make args...]
# Leaves the .ko files under OUTDIR/src.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1 arch=$2
shift 2
kdir=
if [ $# -gt 0 ] && [ "${1#*=}" = "$1" ]; then kdir=$1; shift; fi

mkdir -p "$out/src"
rsync -a --delete --exclude=.git --exclude=/build --exclude='*.mod.c' \
	--include='*/' --include='*.c' --include='*.h' --include='Kbuild' \
	--include='Kconfig' --include='Makefile' --include='*.config' \
	--include='*.sh' --exclude='*' \
	"$root/" "$out/src/"
# Relink every module, so none that lost its source lingers in the copy.
find "$out/src" \( -name '*.ko' -o -name modules.order \) -delete
make -C "$out/src" ARCH="$arch" ${kdir:+KDIR="$kdir"} "$@" modules \
	>"$out/build.log" 2>&1 || {
	grep -vE '^make(\[[0-9]+\])?: (Entering|Leaving)' "$out/build.log" | tail -n 25 >&2
	echo "build for $arch failed: $out/build.log" >&2
	exit 1
}
# A warning in our code is a failure too.
if grep -E '^/.*(warning|error):' "$out/build.log" | grep -v '^/usr/src\|^/lib/modules' >&2; then
	echo "build for $arch has warnings: $out/build.log" >&2
	exit 1
fi
