#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test VM and run selftests in it.
#
# run.sh --machine x86_64 --kernel stock|debug --stack ours|stock
#        --ours DIR --tests DIR [--list FILE] [--timeout SECONDS]
#        [--inject "warn fail"] [--live] [--logdir DIR] [--mem SIZE] [--kvm]
#
# Software emulation (TCG) by default; --kvm (or VFIO_VM_KVM=1) asks for
# KVM, used only if a quick probe shows QEMU can start with it.
#
# --ours is where our *.ko for that kernel are; --tests holds the static
# selftest binaries and a "list" file (name, per-test timeout, arguments).
# The run fails on a failed or missing test result, on a test that exits
# non-zero, on a run that does not finish in time, and on any kernel Oops,
# BUG, WARN, lockdep, KASAN, kmemleak, "scheduling while atomic" or
# "sleeping function called" report in the guest log.  It prints the guest
# log on failure and ends with "N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${VFIO_CACHE:-$HOME/.cache/vfio-oot}

machine=x86_64 kernel=stock stack=ours ours= tests= list= timeout=600
inject= live= logdir= mem= accel=tcg
while [ $# -gt 0 ]; do
	case "$1" in
	--machine) machine=$2;; --kernel) kernel=$2;; --stack) stack=$2;;
	--ours) ours=$2;; --tests) tests=$2;; --list) list=$2;;
	--timeout) timeout=$2;; --inject) inject=$2;; --logdir) logdir=$2;;
	--mem) mem=$2;;
	--kvm) accel=kvm; shift; continue;;
	--live) live=1; shift; continue;;
	*) echo "run.sh: unknown option $1" >&2; exit 2;;
	esac
	shift 2
done
[ -n "$ours" ] && [ -n "$tests" ] || { echo "run.sh: --ours and --tests are required" >&2; exit 2; }

[ "${VFIO_VM_KVM:-0}" = 1 ] && accel=kvm

VM_TMP=$(mktemp -d)
trap 'rm -rf "$VM_TMP"' EXIT
# shellcheck source=machines/x86_64.conf
. "$here/machines/$machine.conf"
case "$machine" in x86_64*) arch=x86;; aarch64) arch=arm64;; ppc64le) arch=powerpc;; esac

case "$kernel" in
stock)
	kimage=$(cat "$CACHE/$arch/kernel")
	kver=$(cat "$CACHE/$arch/kver")
	modroot="$CACHE/$arch/image"
	;;
debug)
	kdir=$("$here/build-debug-kernel.sh" | tail -n 1)
	kimage="$kdir/arch/x86/boot/bzImage"
	kver=$(cat "$kdir/include/config/kernel.release")
	modroot="$kdir/modroot"
	;;
*) echo "run.sh: --kernel stock or debug" >&2; exit 2;;
esac
if [ "$arch" = x86 ]; then
	busybox=/bin/busybox
else
	busybox="$CACHE/$arch/busybox/bin/busybox"
fi

logdir=${logdir:-$VM_TMP}
mkdir -p "$logdir"
logdir=$(cd "$logdir" && pwd)
console="$logdir/console-$kernel-$stack.log"
output="$logdir/tests-$kernel-$stack.log"
: >"$console"
: >"$output"

# Tests directory for this boot: the binaries plus the list to run, and the
# runner's own self-test injections.
cp -r "$tests" "$VM_TMP/tests"
[ -n "$list" ] && cp "$list" "$VM_TMP/tests/list"
for i in $inject; do
	if [ "$i" = fail ]; then
		printf '#!/bin/sh\necho "TAP version 13"\necho "1..1"\necho "not ok 1 injected_failure"\nexit 1\n' \
			>"$VM_TMP/tests/injected_failure"
		chmod +x "$VM_TMP/tests/injected_failure"
		echo "injected_failure 10" >>"$VM_TMP/tests/list"
	fi
done
cat >"$VM_TMP/conf" <<EOC
VFIO_STACK=$stack
TEST_OUTPUT=$TEST_OUTPUT
GUEST_MONITOR=${GUEST_MONITOR:-}
VFIO_INJECT="$inject"
EOC

"$here/mkinitrd.sh" --out "$VM_TMP/initrd.gz" --busybox "$busybox" \
	--kver "$kver" --modroot "$modroot" --ours "$ours" \
	--tests "$VM_TMP/tests" --conf "$VM_TMP/conf" \
	--boot-modules "$BOOT_MODULES"
prepare_machine
if [ "$accel" = kvm ]; then
	if ! [ -w /dev/kvm ] || ! timeout 20 "$QEMU" -accel kvm -machine none \
		-display none -monitor none -S -qmp stdio >/dev/null 2>&1 \
		<<<'{"execute":"qmp_capabilities"}{"execute":"quit"}'; then
		echo "vm: KVM asked for but the probe failed; using TCG"
		accel=tcg
	fi
fi

# Optional third serial port wired to QEMU's human monitor, so a test can
# hot-unplug or re-add a device; socat relays between the two sockets.
monitor_args=()
if [ -n "${GUEST_MONITOR:-}" ]; then
	monitor_args=(-chardev "socket,id=gmon,path=$VM_TMP/gmon.sock,server=on,wait=off"
		-serial chardev:gmon
		-chardev "socket,id=hmon,path=$VM_TMP/hmon.sock,server=on,wait=off"
		-mon chardev=hmon,mode=readline)
fi
# The relay connects once the guest's init has opened its end without echo
# (it says so with its boot line): a tty echoing the monitor's banner back
# would start the monitor redrawing its line, forever.
relay() {
	local i
	for i in $(seq 3000); do
		[ -S "$VM_TMP/gmon.sock" ] && [ -S "$VM_TMP/hmon.sock" ] &&
			grep -q '^### vfio-vm: boot' "$output" 2>/dev/null && break
		sleep 0.1
	done
	# -v: the monitor traffic both ways lands in the relay log
	exec socat -v "UNIX-CONNECT:$VM_TMP/gmon.sock" "UNIX-CONNECT:$VM_TMP/hmon.sock"
}

# QEMU killed by a signal of its own (not by timeout's TERM or KILL): say
# so with what QEMU printed and the crashing thread's stack (exported
# symbols only: Debian's QEMU is stripped), which CI shows as "vm:" lines;
# the whole backtrace goes to qemu-crash-*.log.
qemu_crash_report() {
	local sig core bin
	[ "$qrc" -gt 128 ] && [ "$qrc" != 137 ] && [ "$qrc" != 143 ] || return 0
	sig=$(kill -l $((qrc - 128)) 2>/dev/null || echo $((qrc - 128)))
	echo "vm: QEMU itself died of SIG$sig (an emulator bug, not a guest one)"
	tail -n 5 "$VM_TMP/qemu.log" | sed 's/^/vm: qemu: /'
	core=$(ls "$VM_TMP"/qemu/core* 2>/dev/null | head -n 1 || true)
	bin=$(command -v "$QEMU" || echo "$QEMU")
	if [ -z "$core" ] || ! command -v gdb >/dev/null; then
		echo "vm: no core file or no gdb for a backtrace"
		return 0
	fi
	gdb -batch -nx -ex bt -ex 'thread apply all bt' "$bin" "$core" \
		>"$logdir/qemu-crash-$kernel-$stack.log" 2>&1 || true
	{ awk '/^#0 / { p = 1 } p && /^$/ { exit } p && /^#/' \
		"$logdir/qemu-crash-$kernel-$stack.log" | uniq | head -n 16 |
		cut -c1-150 | sed 's/^/vm: qemu bt: /'; } || true
}

# One VM at a time on this machine: several under TCG on 2 cores only make
# each other time out.
exec 9>"${TMPDIR:-/tmp}/vfio-oot-vm.lock"
flock 9

echo "vm: $machine, kernel $kver ($kernel), stack $stack"
start=$(date +%s)
tailpid=
if [ -n "$live" ]; then
	tail -n +1 -f "$output" 9>&- &
	tailpid=$!
fi
set +e
relaypid=
if [ ${#monitor_args[@]} -gt 0 ]; then
	relay >"$logdir/relay-$kernel-$stack.log" 2>&1 9>&- &
	relaypid=$!
fi
# A run about to hit the whole-run timeout has likely frozen: a few seconds
# before, the host's own monitor records where every vCPU is
# (qemu-state-*.log; RIPs map to symbols with the kernel's System.map).
dump_state() {
	sleep $(($1 > 20 ? $1 - 10 : $1))
	[ -S "$VM_TMP/hostmon.sock" ] || return 0
	printf 'info cpus\ninfo registers -a\ncpu 0\nx/96gx $sp\ncpu 1\nx/96gx $sp\n' |
		timeout 10 socat -t 5 - "UNIX-CONNECT:$VM_TMP/hostmon.sock" \
		>"$logdir/qemu-state-$kernel-$stack.log" 2>&1
}
# (helpers in the background leave the lock's fd 9 behind: one that
# outlived its run must not hold up the next)
dump_state "$timeout" </dev/null >/dev/null 2>&1 9>&- &
dumppid=$!
# QEMU runs in its own folder with core dumps on (guest memory left out),
# so a crash of QEMU itself leaves a core to take a backtrace from.
mkdir "$VM_TMP/qemu"
(cd "$VM_TMP/qemu" && ulimit -c unlimited 2>/dev/null
exec timeout --foreground -k 5 "$timeout" "$QEMU" "${QEMU_ARGS[@]}" \
	-machine dump-guest-core=off -m "${mem:-$VM_MEM}" \
	-accel "$accel" -no-reboot -display none -monitor none \
	-chardev "socket,id=hostmon,path=$VM_TMP/hostmon.sock,server=on,wait=off" \
	-mon chardev=hostmon,mode=readline \
	-chardev file,id=con,path="$console" -serial chardev:con \
	-chardev file,id=out,path="$output" -serial chardev:out \
	"${monitor_args[@]}" \
	-kernel "$kimage" -initrd "$VM_TMP/initrd.gz" \
	-append "$KERNEL_CMDLINE" </dev/null >"$VM_TMP/qemu.log" 2>&1)
qrc=$?
set -e
[ -n "$tailpid" ] && { sleep 0.2; kill "$tailpid"; wait "$tailpid" || true; } 2>/dev/null
[ -n "$relaypid" ] && { kill "$relaypid" 2>/dev/null || true; }
pkill -P "$dumppid" 2>/dev/null || true
kill "$dumppid" 2>/dev/null || true
wait "$dumppid" 2>/dev/null || true
echo "vm: finished in $(($(date +%s) - start)) s (qemu rc $qrc)"
qemu_crash_report

# Tally: test results from the output port, kernel trouble from the console.
bad='(Oops|BUG:|WARNING:|Kernel panic|general protection fault|KASAN|UBSAN|'
bad+='possible circular locking|possible recursive locking|inconsistent lock state|'
bad+='turning off the locking correctness validator|DEBUG_LOCKS_WARN_ON|suspicious RCU usage|scheduling while atomic|sleeping function called|'
bad+='ODEBUG:|list_add corruption|list_del corruption|suspected memory leak|'
bad+='unreferenced object|hung_task|blocked for more than|soft lockup|hard LOCKUP|'
bad+='rcu: INFO|detected stalls|csd: Detected non-responsive)'
tally=$(awk -v bad="$bad" '
	{ sub(/\r$/, "") }
	/^### vfio-vm: begin / { test = $4; results = 0; running = ""; next }
	/^### vfio-vm: end / {
		rc = $5; sub("rc=", "", rc)
		if (rc != 0 && fails_in_test == 0) {
			printf "FAIL %s exited with status %s\n", test, rc; failed++
		}
		if (results == 0 && rc == 0) {
			printf "FAIL %s reported no results\n", test; failed++
		}
		test = ""; fails_in_test = 0; next
	}
	/^### vfio-vm: done/ { done = 1; next }
	/^### vfio-vm: boot module .* failed/ { print "FAIL " $0; failed++; next }
	test != "" && /^# +RUN / {
		running = $0; sub(/^# +RUN +/, "", running); ncase = 0; next
	}
	# what a failed case said (its assertion lines) goes with its FAIL
	test != "" && /^# / && !/^# +(OK|FAIL) / && ncase < 8 { said[++ncase] = $0 }
	test != "" && /^(not )?ok [0-9]+/ {
		results++
		if ($0 ~ /# SKIP/) { printf "SKIP %s: %s\n", test, $0; skipped++ }
		else if ($1 == "ok") passed++
		else {
			printf "FAIL %s: %s\n", test, $0; failed++; fails_in_test++
			for (i = 1; i <= ncase; i++) printf "FAIL   | %s\n", said[i]
		}
		ncase = 0
		next
	}
	test == "" && $0 ~ bad { printf "FAIL guest log: %s\n", $0; failed++ }
	END {
		if (!done) {
			where = test == "" ? "between tests" : "in " test (running == "" ? "" : " at " running)
			print "FAIL the run did not finish (timeout or crash) " where
			failed++
		}
		printf "TOTAL %d %d %d\n", passed, failed, skipped
	}' "$output" <(sed 's/\r$//' "$console" | grep -E "$bad" || true))
# Kernel reports are looked for in the whole console and in the test output
# outside the tests themselves (where the kmemleak report is printed).

echo "$tally" | grep -v '^TOTAL' || true
read -r _ passed failed skipped < <(echo "$tally" | grep '^TOTAL')
if [ "$failed" != 0 ]; then
	sed "s/^/qemu: /" "$VM_TMP/qemu.log"
	echo "---- guest test output ($output) ----"
	tail -n 200 "$output"
	echo "---- guest console ($console) ----"
	tail -n 200 "$console"
	echo "----"
fi
echo "$passed passed, $failed failed${skipped:+, $skipped skipped}"
[ "$failed" = 0 ]
