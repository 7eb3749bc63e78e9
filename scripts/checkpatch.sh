#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kernel's checkpatch.pl (from Debian's linux-source, unpacked by
# scripts/deps.sh; not committed) over every C file of ours.  Any ERROR or
# WARNING fails.  Usage: scripts/checkpatch.sh [files...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VFIO_CACHE:-$HOME/.cache/vfio-oot}
cp="$CACHE/src/linux/scripts/checkpatch.pl"
[ -f "$cp" ] || { echo "checkpatch.pl missing: run make deps" >&2; exit 1; }
cd "$root"
if [ $# -eq 0 ]; then
	# tracked and new (not ignored) files alike
	mapfile -t files < <(git ls-files --cached --others --exclude-standard \
		-- drivers include samples tools/testing/selftests/vfio |
		grep -E '\.[ch]$')
else
	files=("$@")
fi
bad=0
for f in "${files[@]}"; do
	# Userspace test code has no kernel print helpers to prefer, and no
	# readl()/writel(): it reaches mmap()ed BARs through volatile pointers.
	ignore=
	case "$f" in tools/*) ignore=--ignore=PREFER_DEFINED_ATTRIBUTE_MACRO,PREFER_PRINTF,VOLATILE;; esac
	out=$(perl "$cp" --no-tree --show-types --terse $ignore -f "$f" 2>&1 |
		grep -E ": (ERROR|WARNING|CHECK):" || true)
	if [ -n "$out" ]; then
		echo "$out"
		bad=1
	fi
done
echo "checkpatch: ${#files[@]} files, $([ $bad = 0 ] && echo clean || echo 'problems above')"
[ $bad = 0 ]
