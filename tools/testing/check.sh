#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check / make check-quick.  Every step is a test: the builds for three
# architectures (any compiler or sparse warning in our code fails), checkpatch,
# the selftest build, a self-test of the VM runner (an injected failing test
# and an injected kernel WARN must each fail the run), and the selftest suite
# in the VM on the stock Debian kernel and on the debug kernel (KASAN,
# lockdep, ...), on the main machine and on one without an IOMMU (unsafe
# no-IOMMU mode).  Ends with "N passed, N failed".
#
# check.sh full|quick
set -uo pipefail
mode=${1:-full}
root=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${VFIO_CACHE:-$HOME/.cache/vfio-oot}
B="$root/build"
L="$B/logs"
mkdir -p "$L"
passed=0 failed=0
start=$(date +%s)

# step NAME CMD...: one pass or fail, the log kept in build/logs/NAME.log
step() {
	local name=$1 t0=$(date +%s)
	shift
	if "$@" >"$L/$name.log" 2>&1; then
		passed=$((passed + 1))
		echo "ok   $name ($(($(date +%s) - t0)) s)"
	else
		failed=$((failed + 1))
		echo "FAIL $name ($(($(date +%s) - t0)) s): last lines of $L/$name.log"
		tail -n 30 "$L/$name.log" | sed 's/^/    /'
	fi
}

# vm NAME run.sh-args...: adds the suite's own "N passed, N failed"
vm() {
	local name=$1 line p f
	shift
	echo "== $name"
	"$root/tools/testing/vm/run.sh" --logdir "$B/vm" "$@" 2>&1 | tee "$L/$name.log" |
		grep -E '^(FAIL|SKIP|vm:)' | sed 's/^/    /'
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$L/$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "FAIL $name: the runner did not report (see $L/$name.log)"
		tail -n 30 "$L/$name.log" | sed 's/^/    /'
		failed=$((failed + 1))
		return
	fi
	read -r p _ f _ <<<"${line//,/}"
	passed=$((passed + p))
	failed=$((failed + f))
	# CI keeps only this summary: give a failed suite's last guest words
	if [ "$f" != 0 ]; then
		echo "    last lines of the guest console:"
		sed -n '/^---- guest console/,/^----$/p' "$L/$name.log" |
			sed '1d;$d' | tail -n 12 | cut -c1-160 | sed 's/^/      /'
	fi
	echo "     $name: $line"
}

# The runner must catch what it exists to catch.
runner_selftest() {
	local out
	# a short list: only the injections are under test here
	printf 'modules_test 120\nstack_unload_test 60\n' >"$B/runner-selftest.list"
	out=$("$root/tools/testing/vm/run.sh" --logdir "$B/vm-selftest" \
		--kernel stock --stack ours --ours "$B/x86-stock/src" \
		--tests "$B/selftests/x86" --list "$B/runner-selftest.list" \
		--timeout 600 --inject "warn fail" 2>&1)
	local rc=$?
	echo "$out"
	[ $rc != 0 ] || { echo "runner passed a run with injected failures"; return 1; }
	echo "$out" | grep -q '^FAIL injected_failure: not ok' ||
		{ echo "runner missed the failing test"; return 1; }
	echo "$out" | grep -q '^FAIL guest log: .*WARNING: CPU: 0 PID: 1 at injected' ||
		{ echo "runner missed the kernel WARN"; return 1; }
	echo "runner caught both injected failures"
}

"$root/scripts/deps.sh" $([ "$mode" = quick ] && echo x86) || {
	echo "set-up failed"
	echo "0 passed, 1 failed"
	exit 1
}

step build-x86 "$root/scripts/build-modules.sh" "$B/x86-stock" x86
if [ "$mode" = full ]; then
	step build-arm64 "$root/scripts/build-modules.sh" "$B/arm64" arm64
	step build-powerpc "$root/scripts/build-modules.sh" "$B/powerpc" powerpc
fi
step sparse "$root/scripts/build-modules.sh" "$B/sparse" x86 C=2 CHECK=sparse
step checkpatch "$root/scripts/checkpatch.sh"
step selftests-build make -C "$root/tools/testing/selftests/vfio" O="$B/selftests/x86"

if [ -f "$B/selftests/x86/list" ]; then
	step runner-catches-failures runner_selftest
	vm vm-stock --kernel stock --stack ours --ours "$B/x86-stock/src" \
		--tests "$B/selftests/x86" --timeout 900
	vm vm-stock-noiommu --machine x86_64-noiommu --kernel stock --stack ours \
		--ours "$B/x86-stock/src" --tests "$B/selftests/x86" \
		--list "$B/selftests/x86/noiommu.list" --timeout 300
	if [ "$mode" = full ]; then
		if kdir=$("$root/tools/testing/vm/build-debug-kernel.sh" 2>"$L/debug-kernel.log" | tail -n 1) &&
		   [ -n "$kdir" ]; then
			step build-x86-debug "$root/scripts/build-modules.sh" "$B/x86-debug" x86 "$kdir"
			vm vm-debug --kernel debug --stack ours --ours "$B/x86-debug/src" \
				--tests "$B/selftests/x86" --timeout 1200
			vm vm-debug-noiommu --machine x86_64-noiommu --kernel debug \
				--stack ours --ours "$B/x86-debug/src" --tests "$B/selftests/x86" \
				--list "$B/selftests/x86/noiommu.list" --timeout 600
		else
			echo "FAIL debug-kernel: see $L/debug-kernel.log"
			tail -n 30 "$L/debug-kernel.log" | sed 's/^/    /'
			failed=$((failed + 1))
		fi
	fi
fi

echo "check ($mode) took $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
