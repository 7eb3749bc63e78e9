// SPDX-License-Identifier: GPL-2.0
/*
 * Test bed helper, not a test: holds one KVM VM open until killed, so the
 * per-VM global state of KVM stays up for the whole run instead of being
 * brought up on every KVM_CREATE_VM and torn down on every last close.
 *
 * Why: each such edge live-patches kernel text on the guest's vCPUs (the
 * preempt notifier static key in __schedule(), through text_poke_bp()
 * and IPIs) and turns EFER.SVME on or off on every vCPU.  Under QEMU's
 * TCG the guest froze about once in fifty VM creations, both vCPUs
 * stopped with interrupts off at that patch site in __schedule().  The
 * tests create VMs for kvm-vfio and irq bypass, not to exercise that
 * edge.  /init starts this in the background when /dev/kvm exists.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

int main(void)
{
	int kvm, vm;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		perror("kvm_hold: /dev/kvm");
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		perror("kvm_hold: KVM_CREATE_VM");
		return 1;
	}
	for (;;)
		pause();
}
