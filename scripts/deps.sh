#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Set-up: install what building and testing this tree needs, from Debian's
# archive only, and fill the cache folder ($VFIO_CACHE, default
# ~/.cache/vfio-oot) with each architecture's kernel headers tree and the
# matching kernel image.  Idempotent: a second run finds everything in place
# and returns in seconds.
#
# Kernel ABI numbers (the NN of 6.1.0-NN) are resolved from the archive at
# run time, per architecture, since they move with Debian point releases and
# differ between architectures.
#
# Usage: scripts/deps.sh [x86] [arm64] [powerpc]   (default: all three)

set -euo pipefail

CACHE=${VFIO_CACHE:-$HOME/.cache/vfio-oot}
ARCHES=${*:-x86 arm64 powerpc}
export DEBIAN_FRONTEND=noninteractive

log() { echo "deps: $*"; }

HOST_PKGS="make gcc libc6-dev bc flex bison libelf-dev libssl-dev kmod cpio
	xz-utils zstd perl rsync socat busybox-static sparse linux-headers-amd64
	linux-source-6.1 linux-kbuild-6.1 linux-libc-dev
	qemu-system-x86 qemu-utils gdb"
declare -A ARCH_PKGS=(
	[x86]=""
	[arm64]="qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
	[powerpc]="qemu-system-ppc gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross"
)
declare -A DEB_ARCH=([x86]=amd64 [arm64]=arm64 [powerpc]=ppc64el)
declare -A FLAVOUR=([x86]=amd64 [arm64]=arm64 [powerpc]=powerpc64le)

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return 0
	log "apt-get update"
	# A mirror caught mid-sync fails one index; what we need usually still
	# resolves, and the install below reports it if it does not.
	apt-get update -q >/dev/null 2>&1 || apt-get update -q >/dev/null 2>&1 || true
	apt_updated=1
}

missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || echo "$p"
	done
}

install_host_pkgs() {
	local want="$HOST_PKGS" a miss
	for a in $ARCHES; do want="$want ${ARCH_PKGS[$a]}"; done
	# shellcheck disable=SC2086
	miss=$(missing_pkgs $want)
	[ -z "$miss" ] && return 0
	apt_update
	log "installing:" $miss
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $miss >/dev/null
}

add_foreign_arch() {
	local da=$1
	[ "$da" = "$(dpkg --print-architecture)" ] && return 0
	dpkg --print-foreign-architectures | grep -qx "$da" && return 0
	log "adding dpkg architecture $da"
	dpkg --add-architecture "$da"
	apt_updated=
}

# Version (package version) of the kernel the meta package currently points to.
# Prints "ABI PKGVERSION", e.g. "6.1.0-56 6.1.192-2".
resolve_kernel() {
	local a=$1 da=${DEB_ARCH[$1]} fl=${FLAVOUR[$1]} dep
	dep=$(apt-cache show "linux-image-$fl:$da" 2>/dev/null |
		sed -n 's/^Depends: \(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1 \2/p' |
		sort -V -k2 | tail -n 1) || true
	# A fresh foreign architecture has no package index until an update
	# lands; a mirror caught mid-sync can fail that update, so try again.
	local try
	for try in 1 2 3; do
		[ -n "$dep" ] && break
		apt_updated=
		apt_update >&2
		dep=$(apt-cache show "linux-image-$fl:$da" 2>/dev/null |
			sed -n 's/^Depends: \(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1 \2/p' |
			sort -V -k2 | tail -n 1) || true
		[ -n "$dep" ] || sleep $((try * 5))
	done
	[ -n "$dep" ] || return 0
	# linux-image-6.1.0-56-amd64 6.1.192-2  ->  6.1.0-56 6.1.192-2
	set -- $dep
	local abi=${1#linux-image-}
	abi=${abi%-"$fl"}
	abi=${abi%-unsigned}
	echo "$abi $2"
}

# Download one package (name[:arch][=version]) into the cache and unpack it.
fetch_unpack() {
	local spec=$1 dest=$2 debs="$CACHE/debs" name ver=\* arch=\* pat f
	name=${spec%%=*}
	[ "$spec" != "${spec#*=}" ] && ver=${spec#*=}
	[ "$name" != "${name#*:}" ] && arch=${name#*:}
	name=${name%%:*}
	pat="${name}_${ver}_${arch}.deb"
	[ "$arch" = \* ] || pat="${name}_${ver}_@($arch|all).deb"
	mkdir -p "$debs" "$dest"
	shopt -s extglob nullglob
	# shellcheck disable=SC2206
	f=($debs/$pat)
	if [ ${#f[@]} = 0 ]; then
		(cd "$debs" && apt-get download -q "$spec" >/dev/null 2>&1) || {
			apt_update
			(cd "$debs" && apt-get download -q "$spec" >/dev/null)
		}
		# shellcheck disable=SC2206
		f=($debs/$pat)
	fi
	shopt -u extglob nullglob
	[ ${#f[@]} -gt 0 ] || { echo "deps: could not fetch $spec" >&2; return 1; }
	dpkg -x "${f[0]}" "$dest"
}

setup_arch() {
	local a=$1 da=${DEB_ARCH[$1]} fl=${FLAVOUR[$1]} abi pv kver dir root
	dir="$CACHE/$a"
	if [ -f "$dir/stamp" ] && [ -d "$(cat "$dir/kdir" 2>/dev/null)" ] &&
	   [ -f "$(cat "$dir/kernel" 2>/dev/null)" ]; then
		if [ "$a" != x86 ] || [ -d "/usr/src/linux-headers-$(cat "$dir/kver")" ]; then
			return 0
		fi
	fi
	[ "$a" = x86 ] || add_foreign_arch "$da"
	abi= pv=
	read -r abi pv < <(resolve_kernel "$a") || true
	[ -n "$abi" ] || {
		echo "deps: cannot resolve the $a kernel: apt-cache show linux-image-$fl:$da finds nothing (apt-get update failing?)" >&2
		exit 1
	}
	kver="$abi-$fl"
	log "$a kernel: $kver ($pv)"
	rm -rf "$dir"
	mkdir -p "$dir"
	root="$dir/root"

	if [ "$a" = x86 ]; then
		# The host's own architecture: headers through apt, like a user.
		[ -z "$(missing_pkgs "linux-headers-$kver")" ] || {
			apt_update
			apt-get install -y -q "linux-headers-$kver" >/dev/null
		}
		echo "/usr/src/linux-headers-$kver" >"$dir/kdir"
	else
		# Foreign headers tree: the arch package, the shared -common of the
		# same version and the (host) kbuild tools of the same version, all
		# unpacked into one root so their relative links resolve.
		fetch_unpack "linux-headers-$kver:$da=$pv" "$root"
		fetch_unpack "linux-headers-$abi-common=$pv" "$root"
		fetch_unpack "linux-kbuild-6.1=$pv" "$root" ||
			fetch_unpack "linux-kbuild-6.1" "$root"
		sed -i "s|^include /usr/src/|include $root/usr/src/|" \
			"$root/usr/src/linux-headers-$kver/Makefile"
		echo "$root/usr/src/linux-headers-$kver" >"$dir/kdir"
		fetch_unpack "busybox-static:$da" "$dir/busybox"
	fi

	# The matching kernel image and the stock in-tree modules.
	fetch_unpack "linux-image-$kver:$da=$pv" "$dir/image" 2>/dev/null ||
		fetch_unpack "linux-image-$kver-unsigned:$da=$pv" "$dir/image"
	local k
	for k in "$dir/image/boot/vmlinuz-$kver" "$dir/image/boot/vmlinux-$kver"; do
		[ -f "$k" ] && { echo "$k" >"$dir/kernel"; break; }
	done
	[ -f "$dir/kernel" ] || { echo "deps: no kernel in image for $a" >&2; exit 1; }
	echo "$kver" >"$dir/kver"
	date >"$dir/stamp"
}

# Tools we take from Debian's kernel source package rather than commit:
# checkpatch and the kselftest harness headers.
setup_source() {
	local src="$CACHE/src" tar
	[ -f "$src/stamp" ] && return 0
	tar=$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)
	log "unpacking $(basename "$tar")"
	rm -rf "$src"
	mkdir -p "$src"
	tar -C "$src" -xf "$tar"
	mv "$src"/linux-source-6.1 "$src/linux"
	date >"$src/stamp"
}

mkdir -p "$CACHE"
install_host_pkgs
for a in $ARCHES; do
	setup_arch "$a"
done
setup_source
log "ready (cache: $CACHE)"
