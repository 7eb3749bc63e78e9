#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the x86_64 debug kernel the VM suite also runs on: Debian's
# linux-source-6.1 with defconfig + kvm_guest.config + configs/debug-x86.config.
# The build lives in $VFIO_CACHE/debug-x86-<hash of the inputs>, so a changed
# fragment gets a new build and an unchanged one is reused.  Prints the build
# directory on stdout as its last line.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${VFIO_CACHE:-$HOME/.cache/vfio-oot}
src="$CACHE/src/linux"
frag="$here/configs/debug-x86.config"
[ -d "$src" ] || { echo "no kernel source in $src: run make deps" >&2; exit 1; }

key=$( (cat "$frag"; head -n 5 "$src/Makefile") | sha256sum | cut -c1-12)
out="$CACHE/debug-x86-$key"
if [ -f "$out/stamp" ]; then
	echo "$out"
	exit 0
fi

echo "debug kernel: building in $out (first time only; ~15 min on 2 cores)" >&2
rm -rf "$out"
mkdir -p "$out"
jobs=$(nproc)
{
	make -C "$src" O="$out" ARCH=x86_64 defconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$src/kernel/configs/kvm_guest.config" "$frag"
	make -C "$src" O="$out" ARCH=x86_64 olddefconfig
	# Every line of the fragment must have survived Kconfig.
	missing=0
	while read -r line; do
		case "$line" in CONFIG_*=n) opt=${line%%=*}
			grep -q "^$opt=" "$out/.config" && { echo "not off: $line"; missing=1; };;
		CONFIG_*) grep -qx "$line" "$out/.config" || { echo "lost: $line"; missing=1; };;
		esac
	done <"$frag"
	[ $missing = 0 ] || echo "warning: some fragment options did not apply"
	make -C "$src" O="$out" ARCH=x86_64 -j"$jobs" bzImage modules
	make -C "$src" O="$out" ARCH=x86_64 INSTALL_MOD_PATH="$out/modroot" \
		INSTALL_MOD_STRIP=1 modules_install
} >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "debug kernel build failed; full log: $out/build.log" >&2
	exit 1
}
grep -E '^(lost|not off):' "$out/build.log" >&2 || true
date >"$out/stamp"
echo "$out"
