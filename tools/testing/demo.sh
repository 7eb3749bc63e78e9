#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: set up what is missing, build our modules and the demo program,
# boot the x86_64 test VM, load our VFIO stack and pass QEMU's edu device
# through it (see tools/testing/selftests/vfio/vfio_edu_demo.c), printing
# what happened.  DEMO_STACK=stock runs the same demo on the kernel's own
# in-tree VFIO for comparison.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
B="$root/build"
stack=${DEMO_STACK:-ours}

"$root/scripts/deps.sh" x86
echo "demo: building our modules and the demo program"
"$root/scripts/build-modules.sh" "$B/x86-stock" x86
make -s -C "$root/tools/testing/selftests/vfio" O="$B/selftests/x86" >/dev/null 2>&1 ||
	make -C "$root/tools/testing/selftests/vfio" O="$B/selftests/x86"
echo "demo: booting the test VM (software emulation, about 15 s)"
"$root/tools/testing/vm/run.sh" --kernel stock --stack "$stack" \
	--ours "$B/x86-stock/src" --tests "$B/selftests/x86" \
	--list "$B/selftests/x86/demo.list" --timeout 300 --live \
	--logdir "$B/demo" | grep -vE '^(### vfio-vm|TAP|1\.\.|ok |not ok )' || {
	echo "demo: failed; guest logs are in $B/demo"
	exit 1
}
