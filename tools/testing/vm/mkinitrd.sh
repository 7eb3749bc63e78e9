#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test VM's initramfs: static busybox, /init, the VFIO stack under
# test (ours and the kernel's stock one, side by side), the host drivers the
# machine loads at boot, and the selftest binaries.
#
# mkinitrd.sh --out FILE --busybox BIN --kver KVER --modroot DIR
#             --ours DIR --tests DIR --conf FILE [--boot-modules "a b"]
#
# --modroot holds lib/modules/KVER of the booted kernel (stock modules);
# --ours is a tree containing our *.ko files built for that same kernel.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

out= busybox= kver= modroot= ours= tests= conf= boot_modules=
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2;; --busybox) busybox=$2;; --kver) kver=$2;;
	--modroot) modroot=$2;; --ours) ours=$2;; --tests) tests=$2;;
	--conf) conf=$2;; --boot-modules) boot_modules=$2;;
	*) echo "mkinitrd: unknown option $1" >&2; exit 2;;
	esac
	shift 2
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,tests} \
	"$root"/lib/modules/{ours,stock,boot}
cp "$busybox" "$root/bin/busybox"
cp "$here/init.sh" "$root/init"
chmod 755 "$root/init"
cp "$conf" "$root/etc/vfio-test.conf"

moddir="$modroot/lib/modules/$kver"
[ -f "$moddir/modules.dep" ] || depmod -b "$modroot" "$kver"

# Copy one stock module and, first, everything it depends on; append each
# to DEST/order once.
add_stock() {
	local name=$1 dest=$2 rel dep
	# built into this kernel (the debug kernel has e1000 built in)
	grep -qE "(^|/)${name//-/[-_]}\.ko$" "$moddir/modules.builtin" 2>/dev/null && return 0
	rel=$(grep -E "(^|/)${name//-/[-_]}\.ko(\.xz|\.zst)?:" "$moddir/modules.dep" |
		head -n 1 | cut -d: -f1) || true
	[ -n "$rel" ] || { echo "mkinitrd: no stock module $name" >&2; return 1; }
	for dep in $(grep -E "^$rel:" "$moddir/modules.dep" | cut -d: -f2); do
		add_stock "$(basename "${dep%%.ko*}")" "$dest"
	done
	grep -qx "$name" "$dest/order" 2>/dev/null && return 0
	case "$rel" in
	*.xz) xz -dc "$moddir/$rel" >"$dest/$name.ko";;
	*.zst) zstd -qdc "$moddir/$rel" >"$dest/$name.ko";;
	*) cp "$moddir/$rel" "$dest/$name.ko";;
	esac
	echo "$name" >>"$dest/order"
}

touch "$root/lib/modules/boot/order"
for m in $boot_modules; do
	add_stock "$m" "$root/lib/modules/boot"
done

# The stack: ours and the stock one, in stack.list order.  Stock dependencies
# that are not part of the stack (irqbypass) are loaded at boot already.
touch "$root/lib/modules/stock/order" "$root/lib/modules/ours/order"
stack=$(grep -v '^#' "$here/stack.list")
for m in $stack; do
	if grep -qE "(^|/)$m\.ko(\.xz|\.zst)?:" "$moddir/modules.dep"; then
		rel=$(grep -E "(^|/)$m\.ko(\.xz|\.zst)?:" "$moddir/modules.dep" | head -n 1 | cut -d: -f1)
		case "$rel" in
		*.xz) xz -dc "$moddir/$rel" >"$root/lib/modules/stock/$m.ko";;
		*.zst) zstd -qdc "$moddir/$rel" >"$root/lib/modules/stock/$m.ko";;
		*) cp "$moddir/$rel" "$root/lib/modules/stock/$m.ko";;
		esac
		echo "$m" >>"$root/lib/modules/stock/order"
	fi
	f=$(find "$ours" -name "$m.ko" -not -path '*/.git/*' | head -n 1)
	if [ -n "$f" ]; then
		cp "$f" "$root/lib/modules/ours/"
		echo "$m" >>"$root/lib/modules/ours/order"
	fi
done
# Our modules outside the stack list (samples) load on demand by tests.
find "$ours" -name '*.ko' -not -path '*/.git/*' | while read -r f; do
	[ -f "$root/lib/modules/ours/$(basename "$f")" ] || cp "$f" "$root/lib/modules/ours/"
done

[ -s "$root/lib/modules/ours/order" ] ||
	{ echo "mkinitrd: none of our stack modules found under $ours" >&2; exit 1; }
cp -r "$tests"/. "$root/tests/"

(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
