// SPDX-License-Identifier: GPL-2.0
/*
 * Config space virtualization, as the CONFIG region shows it, checked
 * against what the hardware holds (sysfs config, read behind VFIO's back):
 * BAR and ROM BAR sizing stay virtual, the command register's decode bits
 * reach the device while INTx Disable does not, MSI and MSI-X are driven
 * by SET_IRQS only, the capability lists of nvme (02:00.0) and e1000e
 * (00:04.0), FLR and MRRS through the PCI Express capability, power
 * states through PMCSR, and accesses out of range, misaligned or
 * straddling registers.
 *
 * Expected to differ on the stock (in-tree) VFIO:
 * - access_past_the_end_fails_whole,
 *   access_past_the_end_of_extended_config_space_fails (stock: EFAULT)
 * - msix_function_mask_is_virtual (stock: read-only, reads as the device)
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/pci.h"
#include "lib/regions.h"
#include "lib/vfio.h"

#define CMD		0x04
#define CMD_IO		0x1
#define CMD_MEM		0x2
#define CMD_INTX_DIS	0x400
#define BAR0		0x10
#define BAR1		0x14
#define ROM		0x30

/* The edu at 00:02.0: 1 MiB 32-bit BAR0, 64-bit MSI at 0x40, INTx */
FIXTURE(edu) {
	struct vfio_dev d;
};

FIXTURE_SETUP(edu)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, EDU_BDF, VFIO_TYPE1v2_IOMMU));
}

FIXTURE_TEARDOWN(edu)
{
	vfio_dev_close(&self->d);
}

TEST_F(edu, bar_sizing_reads_back_the_size_mask)
{
	ASSERT_EQ(0, cfg_write(&self->d, BAR0, 4, 0xffffffff));
	EXPECT_EQ(0xfff00000, cfg_read(&self->d, BAR0, 4));
}

TEST_F(edu, bar_writes_do_not_reach_the_hardware)
{
	int64_t real = hw_cfg_read(EDU_BDF, BAR0, 4);

	ASSERT_LT(0, real);
	ASSERT_EQ(0, cfg_write(&self->d, BAR0, 4, 0xffffffff));
	ASSERT_EQ(0, cfg_write(&self->d, BAR0, 4, 0x12345678));
	EXPECT_EQ(real, hw_cfg_read(EDU_BDF, BAR0, 4));
}

TEST_F(edu, bar_address_reads_back_aligned_to_the_bar_size)
{
	ASSERT_EQ(0, cfg_write(&self->d, BAR0, 4, 0x12345678));
	EXPECT_EQ(0x12300000, cfg_read(&self->d, BAR0, 4));
}

TEST_F(edu, unimplemented_bar_stays_zero)
{
	ASSERT_EQ(0, cfg_write(&self->d, BAR1, 4, 0xffffffff));
	EXPECT_EQ(0, cfg_read(&self->d, BAR1, 4));
}

TEST_F(edu, missing_rom_bar_stays_zero)
{
	ASSERT_EQ(0, cfg_write(&self->d, ROM, 4, 0xffffffff));
	EXPECT_EQ(0, cfg_read(&self->d, ROM, 4));
}

TEST_F(edu, memory_enable_reaches_the_device)
{
	int64_t cmd = cfg_read(&self->d, CMD, 2);

	ASSERT_LE(0, cmd);
	ASSERT_EQ(0, cfg_write(&self->d, CMD, 2, cmd & ~CMD_MEM));
	EXPECT_EQ(0, hw_cfg_read(EDU_BDF, CMD, 2) & CMD_MEM);
	ASSERT_EQ(0, cfg_write(&self->d, CMD, 2, cmd | CMD_MEM));
	EXPECT_EQ(CMD_MEM, hw_cfg_read(EDU_BDF, CMD, 2) & CMD_MEM);
}

/*
 * With INTx in use the real INTx Disable bit is the host's, for masking
 * the line; userspace sees its own bit.
 */
TEST_F(edu, intx_disable_shows_the_users_bit_not_the_hosts_mask)
{
	struct vfio_irq_set mask = {
		.argsz = sizeof(mask),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.count = 1,
	};
	int efd = eventfd(0, EFD_CLOEXEC);

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vfio_irq_set_fd(&self->d, VFIO_PCI_INTX_IRQ_INDEX,
				     VFIO_IRQ_SET_ACTION_TRIGGER, efd));
	ASSERT_EQ(0, ioctl(self->d.device, VFIO_DEVICE_SET_IRQS, &mask));
	EXPECT_EQ(CMD_INTX_DIS, hw_cfg_read(EDU_BDF, CMD, 2) & CMD_INTX_DIS);
	EXPECT_EQ(0, cfg_read(&self->d, CMD, 2) & CMD_INTX_DIS);
	vfio_irq_disable(&self->d, VFIO_PCI_INTX_IRQ_INDEX);
	close(efd);
}

TEST_F(edu, interrupt_line_is_virtual)
{
	int64_t real = hw_cfg_read(EDU_BDF, 0x3c, 1);

	ASSERT_LE(0, real);
	ASSERT_EQ(0, cfg_write(&self->d, 0x3c, 1, real ^ 0xa5));
	EXPECT_EQ(real ^ 0xa5, cfg_read(&self->d, 0x3c, 1));
	EXPECT_EQ(real, hw_cfg_read(EDU_BDF, 0x3c, 1));
}

TEST_F(edu, ids_and_interrupt_pin_are_read_only)
{
	ASSERT_EQ(0, cfg_write(&self->d, 0x00, 4, 0));
	ASSERT_EQ(0, cfg_write(&self->d, 0x3d, 1, 0));
	EXPECT_EQ(0x11e81234, cfg_read(&self->d, 0x00, 4));
	EXPECT_EQ(1, cfg_read(&self->d, 0x3d, 1));
}

TEST_F(edu, msi_address_and_data_are_virtual)
{
	ASSERT_EQ(0x05, cfg_read(&self->d, 0x40, 1));
	ASSERT_EQ(0, cfg_write(&self->d, 0x44, 4, 0xfee01000));
	ASSERT_EQ(0, cfg_write(&self->d, 0x48, 4, 0x1));
	ASSERT_EQ(0, cfg_write(&self->d, 0x4c, 2, 0x4021));
	EXPECT_EQ(0xfee01000, cfg_read(&self->d, 0x44, 4));
	EXPECT_EQ(0x1, cfg_read(&self->d, 0x48, 4));
	EXPECT_EQ(0x4021, cfg_read(&self->d, 0x4c, 2));
	/* MSI is off: the host never programmed the device */
	EXPECT_EQ(0, hw_cfg_read(EDU_BDF, 0x44, 4));
	EXPECT_EQ(0, hw_cfg_read(EDU_BDF, 0x4c, 2));
}

TEST_F(edu, msi_enable_cannot_be_written)
{
	int64_t flags = cfg_read(&self->d, 0x42, 2);

	ASSERT_LE(0, flags);
	ASSERT_EQ(0, cfg_write(&self->d, 0x42, 2, flags | 0x71));
	EXPECT_EQ(0, cfg_read(&self->d, 0x42, 2) & 0x71);
	EXPECT_EQ(0, hw_cfg_read(EDU_BDF, 0x42, 2) & 0x71);
}

TEST_F(edu, access_past_the_end_fails_whole)
{
	uint32_t val;

	EXPECT_EQ(-EINVAL, vfio_region_read(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
					    0xfe, &val, 4));
	EXPECT_EQ(-EINVAL, vfio_region_read(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
					    0x100, &val, 1));
	val = 0;
	EXPECT_EQ(-EINVAL, vfio_region_write(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
					     0xfd, &val, 4));
}

TEST_F(edu, whole_config_space_reads_in_one_go)
{
	uint8_t buf[256];

	EXPECT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
				      0, buf, sizeof(buf)));
	EXPECT_EQ(0x34, buf[0]);
	EXPECT_EQ(0x12, buf[1]);
}

TEST_F(edu, misaligned_read_matches_byte_reads)
{
	uint8_t bytes[4], word[4];
	int i;

	for (i = 0; i < 4; i++)
		bytes[i] = cfg_read(&self->d, 0x3d + i, 1);
	ASSERT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
				      0x3d, word, 4));
	EXPECT_EQ(0, memcmp(bytes, word, 4));
}

TEST_F(edu, write_straddling_registers_applies_to_each)
{
	uint8_t buf[2] = { 0xff, 0x5a };	/* reserved 0x3b, line 0x3c */

	ASSERT_EQ(0, vfio_region_write(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
				       0x3b, buf, 2));
	EXPECT_EQ(0x5a, cfg_read(&self->d, 0x3c, 1));
	EXPECT_EQ(0, cfg_read(&self->d, 0x3b, 1));
}

/* pci-testdev at 00:03.0: a 256 byte I/O BAR1 */
TEST(io_bar_sizing_reports_io_space)
{
	struct vfio_dev d;

	ASSERT_EQ(0, vfio_dev_open(&d, TESTDEV_BDF, VFIO_TYPE1v2_IOMMU));
	ASSERT_EQ(0, cfg_write(&d, BAR1, 4, 0xffffffff));
	EXPECT_EQ(0xffffff01, cfg_read(&d, BAR1, 4));
	vfio_dev_close(&d);
}

/* nvme at 02:00.0: MSI-X, PCI Express and PM; ARI and SR-IOV */
FIXTURE(nvme) {
	struct vfio_dev d;
};

FIXTURE_SETUP(nvme)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, NVME_BDF, VFIO_TYPE1v2_IOMMU));
}

FIXTURE_TEARDOWN(nvme)
{
	vfio_dev_close(&self->d);
}

TEST_F(nvme, sixty_four_bit_bar_sizes_both_halves)
{
	ASSERT_EQ(0, cfg_write(&self->d, BAR0, 4, 0xffffffff));
	ASSERT_EQ(0, cfg_write(&self->d, BAR1, 4, 0xffffffff));
	EXPECT_EQ(0xffffc004, cfg_read(&self->d, BAR0, 4));
	EXPECT_EQ(0xffffffff, cfg_read(&self->d, BAR1, 4));
}

TEST_F(nvme, capability_list_is_msix_express_pm)
{
	static const uint8_t want[] = { 0x11, 0x10, 0x01 };
	int64_t pos = cfg_read(&self->d, 0x34, 1);
	unsigned int i;

	ASSERT_TRUE(cfg_read(&self->d, 0x06, 2) & 0x10);
	for (i = 0; i < sizeof(want); i++) {
		ASSERT_LE(0x40, pos);
		EXPECT_EQ(want[i], cfg_read(&self->d, pos, 1));
		pos = cfg_read(&self->d, pos + 1, 1);
	}
	EXPECT_EQ(0, pos);
}

TEST_F(nvme, extended_capabilities_are_ari_and_sriov)
{
	int64_t hdr = cfg_read(&self->d, 0x100, 4);

	EXPECT_EQ(0x000e, hdr & 0xffff);
	hdr = cfg_read(&self->d, (hdr >> 20) & 0xffc, 4);
	EXPECT_EQ(0x0010, hdr & 0xffff);
	EXPECT_EQ(0, hdr >> 20);
}

TEST_F(nvme, sriov_capability_is_read_only)
{
	unsigned int sriov = cfg_find_ecap(&self->d, 0x0010);

	ASSERT_NE(0, sriov);
	/* NumVFs */
	ASSERT_EQ(0, cfg_write(&self->d, sriov + 0x10, 2, 1));
	EXPECT_EQ(0, cfg_read(&self->d, sriov + 0x10, 2));
	EXPECT_EQ(0, hw_cfg_read(NVME_BDF, sriov + 0x10, 2));
}

TEST_F(nvme, msix_enable_follows_set_irqs_only)
{
	unsigned int msix = cfg_find_cap(&self->d, 0x11);
	int64_t flags;

	ASSERT_NE(0, msix);
	flags = cfg_read(&self->d, msix + 2, 2);
	ASSERT_EQ(0, cfg_write(&self->d, msix + 2, 2, flags | 0x8000));
	EXPECT_EQ(0, cfg_read(&self->d, msix + 2, 2) & 0x8000);
	EXPECT_EQ(0, hw_cfg_read(NVME_BDF, msix + 2, 2) & 0x8000);
}

TEST_F(nvme, msix_function_mask_is_virtual)
{
	unsigned int msix = cfg_find_cap(&self->d, 0x11);
	int64_t flags;

	ASSERT_NE(0, msix);
	flags = cfg_read(&self->d, msix + 2, 2);
	ASSERT_EQ(0, cfg_write(&self->d, msix + 2, 2, flags | 0x4000));
	EXPECT_EQ(0x4000, cfg_read(&self->d, msix + 2, 2) & 0x4000);
	EXPECT_EQ(0, hw_cfg_read(NVME_BDF, msix + 2, 2) & 0x4000);
	/* The table size is the device's */
	EXPECT_EQ(hw_cfg_read(NVME_BDF, msix + 2, 2) & 0x7ff,
		  cfg_read(&self->d, msix + 2, 2) & 0x7ff);
}

/*
 * QEMU's nvme ignores writes to MPS and MRRS, so only virtualization can
 * make them read back.
 */
TEST_F(nvme, max_payload_size_is_virtual)
{
	unsigned int exp = cfg_find_cap(&self->d, 0x10);
	int64_t ctl;

	ASSERT_NE(0, exp);
	ctl = cfg_read(&self->d, exp + 8, 2);
	ASSERT_EQ(0, cfg_write(&self->d, exp + 8, 2, (ctl & ~0xe0) | 0x20));
	EXPECT_EQ(0x20, cfg_read(&self->d, exp + 8, 2) & 0xe0);
	EXPECT_EQ(0, hw_cfg_read(NVME_BDF, exp + 8, 2) & 0xe0);
}

TEST_F(nvme, max_read_request_size_reads_back)
{
	unsigned int exp = cfg_find_cap(&self->d, 0x10);
	int64_t ctl;

	ASSERT_NE(0, exp);
	ctl = cfg_read(&self->d, exp + 8, 2);
	ASSERT_EQ(0, cfg_write(&self->d, exp + 8, 2, (ctl & ~0x7000) | 0x2000));
	EXPECT_EQ(0x2000, cfg_read(&self->d, exp + 8, 2) & 0x7000);
}

/* NVMe Interrupt Mask Set: cleared by a controller reset */
#define NVME_INTMS	0x0c

TEST_F(nvme, flr_through_device_control_resets_the_function)
{
	unsigned int exp = cfg_find_cap(&self->d, 0x10);
	uint32_t mask = 0x1;
	int64_t ctl;

	ASSERT_NE(0, exp);
	ASSERT_EQ(0, vfio_region_write(&self->d, VFIO_PCI_BAR0_REGION_INDEX,
				       NVME_INTMS, &mask, 4));
	mask = 0;
	ASSERT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_BAR0_REGION_INDEX,
				      NVME_INTMS, &mask, 4));
	ASSERT_EQ(0x1, mask);

	ctl = cfg_read(&self->d, exp + 8, 2);
	ASSERT_EQ(0, cfg_write(&self->d, exp + 8, 2, ctl | 0x8000));
	/* Initiate FLR reads as zero */
	EXPECT_EQ(0, cfg_read(&self->d, exp + 8, 2) & 0x8000);
	ASSERT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_BAR0_REGION_INDEX,
				      NVME_INTMS, &mask, 4));
	EXPECT_EQ(0, mask);
}

TEST_F(nvme, pmcsr_moves_the_function_to_d3hot_and_back)
{
	unsigned int pm = cfg_find_cap(&self->d, 0x01);
	int64_t csr;

	ASSERT_NE(0, pm);
	csr = cfg_read(&self->d, pm + 4, 2);
	ASSERT_EQ(0, cfg_write(&self->d, pm + 4, 2, (csr & ~3) | 3));
	EXPECT_EQ(3, hw_cfg_read(NVME_BDF, pm + 4, 2) & 3);
	EXPECT_EQ(3, cfg_read(&self->d, pm + 4, 2) & 3);
	ASSERT_EQ(0, cfg_write(&self->d, pm + 4, 2, csr & ~3));
	EXPECT_EQ(0, hw_cfg_read(NVME_BDF, pm + 4, 2) & 3);
}

TEST_F(nvme, access_past_the_end_of_extended_config_space_fails)
{
	uint32_t val;

	EXPECT_EQ(-EINVAL, vfio_region_read(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
					    0xffe, &val, 4));
	EXPECT_EQ(0, vfio_region_read(&self->d, VFIO_PCI_CONFIG_REGION_INDEX,
				      0xffc, &val, 4));
}

/* e1000e at 00:04.0: PM, MSI, PCI Express, MSI-X; AER and DSN; a ROM */
FIXTURE(e1000e) {
	struct vfio_dev d;
};

FIXTURE_SETUP(e1000e)
{
	ASSERT_EQ(0, vfio_dev_open(&self->d, E1000E_BDF, VFIO_TYPE1v2_IOMMU));
}

FIXTURE_TEARDOWN(e1000e)
{
	vfio_dev_close(&self->d);
}

TEST_F(e1000e, capability_list_is_pm_msi_express_msix)
{
	static const uint8_t want[] = { 0x01, 0x05, 0x10, 0x11 };
	int64_t pos = cfg_read(&self->d, 0x34, 1);
	unsigned int i;

	for (i = 0; i < sizeof(want); i++) {
		ASSERT_LE(0x40, pos);
		EXPECT_EQ(want[i], cfg_read(&self->d, pos, 1));
		pos = cfg_read(&self->d, pos + 1, 1);
	}
	EXPECT_EQ(0, pos);
}

TEST_F(e1000e, extended_capabilities_are_aer_and_dsn)
{
	EXPECT_EQ(0x100, cfg_find_ecap(&self->d, 0x0001));
	EXPECT_NE(0, cfg_find_ecap(&self->d, 0x0003));
}

TEST_F(e1000e, rom_bar_sizing_keeps_the_enable_bit)
{
	int64_t real = hw_cfg_read(E1000E_BDF, ROM, 4);

	ASSERT_EQ(0, cfg_write(&self->d, ROM, 4, 0xffffffff));
	EXPECT_EQ(0xfffc0001, cfg_read(&self->d, ROM, 4));
	EXPECT_EQ(real, hw_cfg_read(E1000E_BDF, ROM, 4));
}

TEST_F(e1000e, pm_pme_enable_is_not_writable)
{
	unsigned int pm = cfg_find_cap(&self->d, 0x01);
	int64_t csr;

	ASSERT_EQ(0xc8, pm);
	csr = cfg_read(&self->d, pm + 4, 2);
	ASSERT_EQ(0, cfg_write(&self->d, pm + 4, 2, csr | 0x100));
	EXPECT_EQ(0, cfg_read(&self->d, pm + 4, 2) & 0x100);
	EXPECT_EQ(0, hw_cfg_read(E1000E_BDF, pm + 4, 2) & 0x100);
}

TEST_HARNESS_MAIN
