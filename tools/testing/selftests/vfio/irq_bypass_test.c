// SPDX-License-Identifier: GPL-2.0
/*
 * Irq bypass: every MSI/MSI-X vector with an eventfd registers an irq
 * bypass producer whose token is that eventfd, so that KVM, once it has an
 * irqfd on the same eventfd, can take the vector over (post it on x86,
 * inject it as a vLPI on GICv4).  The guest's /dev/kvm (kvm-amd under
 * nested SVM) provides a real consumer; vfio-pci-core's debugfs file
 * /sys/kernel/debug/vfio-pci/<BDF>/irqs shows each vector's state
 * (offered, connected).  Posting itself needs an IOMMU with posted
 * interrupts, which QEMU's does not emulate: KVM accepts the producer and
 * keeps delivering through the irqfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/edu.h"
#include "lib/irq.h"
#include "lib/pci.h"
#include "lib/vfio.h"

#define EDU_IRQ_TEST	0x1
#define FIRE_MS		5000
#define QUIET_MS	300
#define GSI		10
#define MSI		VFIO_PCI_MSI_IRQ_INDEX
#define MSIX		VFIO_PCI_MSIX_IRQ_INDEX

/*
 * The state of VECTOR of BDF in debugfs ("offered", "connected", "off")
 * into STATE, its host IRQ into *IRQ; -ENOENT if the vector has no line.
 */
static int bypass_state(const char *bdf, unsigned int vector, char *state,
			size_t len, int *irq)
{
	char path[128], line[256], want[16];
	int ret = -ENOENT;
	char *p;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/vfio-pci/%s/irqs", bdf);
	snprintf(want, sizeof(want), "%u ", vector);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, strlen(want)))
			continue;
		p = strstr(line, "irq=");
		if (p && irq)
			*irq = atoi(p + 4);
		p = strstr(line, "bypass=");
		if (!p)
			break;
		snprintf(state, len, "%.*s", (int)strcspn(p + 7, "\n "), p + 7);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* Only the state, or "none" if the vector has no line */
static const char *state_of(const char *bdf, unsigned int vector)
{
	static char state[32];

	if (bypass_state(bdf, vector, state, sizeof(state), NULL))
		return "none";
	return state;
}

/* KVM_IRQFD of EFD on GSI, assigned or not: 0 or -errno */
static int kvm_irqfd(int vm, int efd, bool assign)
{
	struct kvm_irqfd irqfd = {
		.fd = efd,
		.gsi = GSI,
		.flags = assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN,
	};

	return ioctl(vm, KVM_IRQFD, &irqfd) ? -errno : 0;
}

/* A VM with an in-kernel irqchip (KVM_IRQFD needs one), or -errno */
static int kvm_vm_new(int *kvm)
{
	int vm;

	*kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (*kvm < 0)
		return -errno;
	vm = ioctl(*kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return -errno;
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0)) {
		close(vm);
		return -errno;
	}
	return vm;
}

FIXTURE(edu) {
	struct vfio_dev d;
	void *bar;
	size_t bar_size;
	int efd;
	int kvm;
	int vm;
};

FIXTURE_SETUP(edu)
{
	int efd;

	self->bar = NULL;
	self->efd = -1;
	self->vm = -1;
	self->kvm = -1;
	ASSERT_EQ(0, vfio_dev_open(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
	self->bar = vfio_region_mmap(&self->d, VFIO_PCI_BAR0_REGION_INDEX,
				     &self->bar_size);
	ASSERT_NE(NULL, self->bar);
	ASSERT_EQ(0, vfio_pci_cmd_set(&self->d, 0x4));	/* bus master */
	self->efd = efd_new();
	ASSERT_LE(0, self->efd);
	efd = self->efd;
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &efd));
	self->vm = kvm_vm_new(&self->kvm);
	ASSERT_LE(0, self->vm) TH_LOG("no usable /dev/kvm: %s",
				      strerror(-self->vm));
}

FIXTURE_TEARDOWN(edu)
{
	if (self->vm >= 0)
		close(self->vm);
	if (self->kvm >= 0)
		close(self->kvm);
	if (self->d.device >= 0)
		vfio_irq_none(&self->d, MSI, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
	if (self->bar) {
		edu_wr32(self->bar, EDU_REG_IRQ_ACK, EDU_IRQ_TEST);
		munmap(self->bar, self->bar_size);
	}
	if (self->efd >= 0)
		close(self->efd);
	vfio_dev_close(&self->d);
}

/* One MSI from the edu */
static void fire(void *bar)
{
	edu_wr32(bar, EDU_REG_IRQ_RAISE, EDU_IRQ_TEST);
	edu_wr32(bar, EDU_REG_IRQ_ACK, EDU_IRQ_TEST);
}

TEST_F(edu, msi_vector_is_offered_with_its_host_irq)
{
	char state[32];
	int irq = -1;

	ASSERT_EQ(0, bypass_state(EDU_BDF, 0, state, sizeof(state), &irq));
	EXPECT_STREQ("offered", state);
	EXPECT_EQ(proc_irq_find("vfio-msi[0](" EDU_BDF ")", NULL), irq);
}

TEST_F(edu, kvm_irqfd_on_the_eventfd_connects_the_producer)
{
	ASSERT_EQ(0, kvm_irqfd(self->vm, self->efd, true));
	EXPECT_STREQ("connected", state_of(EDU_BDF, 0));
}

TEST_F(edu, msi_reaches_kvm_not_userspace_while_connected)
{
	uint64_t total = 0;

	ASSERT_EQ(0, kvm_irqfd(self->vm, self->efd, true));
	fire(self->bar);
	usleep(QUIET_MS * 1000);
	/* KVM's irqfd consumed the count: nothing is left for userspace */
	EXPECT_EQ(0, efd_drain(self->efd));
	/* and the host interrupt did fire */
	EXPECT_LE(0, proc_irq_find("vfio-msi[0](" EDU_BDF ")", &total));
	EXPECT_LT(0, total);
}

TEST_F(edu, kvm_irqfd_deassign_disconnects_and_userspace_gets_msi_again)
{
	ASSERT_EQ(0, kvm_irqfd(self->vm, self->efd, true));
	ASSERT_EQ(0, kvm_irqfd(self->vm, self->efd, false));
	EXPECT_STREQ("offered", state_of(EDU_BDF, 0));
	fire(self->bar);
	EXPECT_EQ(1, eventfd_wait(self->efd, FIRE_MS));
}

TEST_F(edu, vector_released_under_kvm_reconnects_when_set_again)
{
	int efd = self->efd, none = -1;

	ASSERT_EQ(0, kvm_irqfd(self->vm, self->efd, true));
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &none));
	EXPECT_STREQ("none", state_of(EDU_BDF, 0));
	/* KVM's consumer is still waiting on the eventfd */
	ASSERT_EQ(0, vfio_irq_fds(&self->d, MSI, 0, 1, &efd));
	EXPECT_STREQ("connected", state_of(EDU_BDF, 0));
	EXPECT_EQ(0, kvm_irqfd(self->vm, self->efd, false));
}

TEST_F(edu, closing_the_vm_disconnects_the_producer)
{
	ASSERT_EQ(0, kvm_irqfd(self->vm, self->efd, true));
	ASSERT_STREQ("connected", state_of(EDU_BDF, 0));
	close(self->vm);
	self->vm = -1;
	EXPECT_STREQ("offered", state_of(EDU_BDF, 0));
}

TEST_F(edu, disabling_msi_with_kvm_connected_leaves_no_vector)
{
	ASSERT_EQ(0, kvm_irqfd(self->vm, self->efd, true));
	ASSERT_EQ(0, vfio_irq_none(&self->d, MSI, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	EXPECT_STREQ("none", state_of(EDU_BDF, 0));
	EXPECT_EQ(-ENOENT, proc_irq_find("vfio-msi[0](" EDU_BDF ")", NULL));
	EXPECT_EQ(0, kvm_irqfd(self->vm, self->efd, false));
}

/* MSI-X: each vector is a producer of its own */
TEST(msix_vectors_connect_one_by_one)
{
	struct vfio_dev d;
	int efd[2], kvm = -1, vm;

	ASSERT_EQ(0, vfio_dev_open(&d, E1000E_BDF, VFIO_TYPE1v2_IOMMU));
	efd[0] = efd_new();
	efd[1] = efd_new();
	ASSERT_LE(0, efd[0]);
	ASSERT_LE(0, efd[1]);
	ASSERT_EQ(0, vfio_irq_fds(&d, MSIX, 0, 2, efd));
	vm = kvm_vm_new(&kvm);
	ASSERT_LE(0, vm);

	ASSERT_EQ(0, kvm_irqfd(vm, efd[1], true));
	EXPECT_STREQ("offered", state_of(E1000E_BDF, 0));
	EXPECT_STREQ("connected", state_of(E1000E_BDF, 1));
	ASSERT_EQ(0, kvm_irqfd(vm, efd[0], true));
	EXPECT_STREQ("connected", state_of(E1000E_BDF, 0));
	EXPECT_STREQ("connected", state_of(E1000E_BDF, 1));

	close(vm);
	close(kvm);
	EXPECT_EQ(0, vfio_irq_none(&d, MSIX, VFIO_IRQ_SET_ACTION_TRIGGER,
				   0, 0));
	close(efd[0]);
	close(efd[1]);
	vfio_dev_close(&d);
}

TEST_HARNESS_MAIN
