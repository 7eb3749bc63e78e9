#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM.  Mounts the usual file systems, loads the host
# drivers the machine needs, runs each selftest listed in /tests/list under
# a per-test timeout and powers off.  Test output goes to $TEST_OUTPUT (its
# own serial port), framed by "### vfio-vm:" lines that run.sh parses; the
# kernel console stays on the other port.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/hugepages && mount -t hugetlbfs hugetlbfs /dev/hugepages

. /etc/vfio-test.conf
exec >"$TEST_OUTPUT" 2>&1

# The line to QEMU's monitor: raw, no echo (an echo would feed the monitor's
# own output back to it as commands), and drained for the whole run: the
# monitor echoes every command, and if nobody read that, the serial port
# and the relay's buffers would fill and QEMU would stop taking commands
# (the host's relay log keeps the replies).  A tty's settings last only
# while it is open: the reader keeps it open.  The host connects the
# monitor once the boot line below is out.
if [ -n "$GUEST_MONITOR" ] && [ -c "$GUEST_MONITOR" ]; then
	exec 3<>"$GUEST_MONITOR"
	stty raw -echo <&3
	cat <&3 >/dev/null &
	exec 3<&-
	export GUEST_MONITOR
fi

echo "### vfio-vm: boot $(uname -r) stack=$VFIO_STACK"
for m in $(cat /lib/modules/boot/order); do
	insmod "/lib/modules/boot/$m.ko" || echo "### vfio-vm: boot module $m failed"
done

# One KVM VM held for the whole run (see kvm_hold.c: the tests' own VMs
# then never patch kernel text, which froze the guest under TCG).
if [ -c /dev/kvm ] && [ -x /tests/kvm_hold ]; then
	/tests/kvm_hold </dev/null >/dev/null 2>&1 &
fi

# Leaks present before the tests are not ours: mark them seen.
leaks=/sys/kernel/debug/kmemleak
if [ -w $leaks ]; then
	echo scan >$leaks
	echo clear >$leaks
fi

export VFIO_MODDIR=/lib/modules/$VFIO_STACK
export VFIO_STACK
for inject in $VFIO_INJECT; do
	case "$inject" in
	warn) echo "WARNING: CPU: 0 PID: 1 at injected by the runner's self-test" >/dev/kmsg;;
	esac
done

while read -r name timeout args; do
	case "$name" in ''|'#'*) continue;; esac
	echo "### vfio-vm: begin $name"
	# shellcheck disable=SC2086
	timeout -s KILL "$timeout" /tests/$name $args
	echo "### vfio-vm: end $name rc=$?"
done </tests/list

if [ -w $leaks ]; then
	echo scan >$leaks
	sleep 1
	echo scan >$leaks
	cat $leaks
fi
echo "### vfio-vm: done"
sync
poweroff -f
