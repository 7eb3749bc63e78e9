// SPDX-License-Identifier: GPL-2.0
/*
 * MSI-X of vfio-pci on the e1000e at 00:04.0 (5 vectors) and the nvme at
 * 02:00.0.  Vectors are connected one at a time without disturbing those
 * already connected: same host IRQ, same eventfd, still delivering.
 *
 * The e1000e raises a vector from userspace: in MSI-X mode, a cause set
 * through ICS (and enabled in IMS) is sent to the vector that IVAR assigns
 * to it.  Causes RXQ0, RXQ1, TXQ0, TXQ1 and Other are routed to vectors 0
 * to 4.  A cause must be cleared in ICR before it can fire again.
 *
 * QEMU 7.2's e1000e arms a per-vector throttling timer (EITR, about
 * 128 us) with each message.  A message sent while it runs is postponed,
 * and from then on every expiry of that timer sends the vector again; an
 * expiry with MSI-X off aborts QEMU.  So the tests let the timers expire
 * before each message and before turning MSI-X off (e1000e_settle()).
 *
 * Also: the table is fenced off from read()/write(), config space shows
 * MSI-X enabled, and a vector works even if userspace had turned memory
 * decode off while it was set up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/irq.h"
#include "lib/kmsg.h"
#include "lib/pci.h"
#include "lib/regions.h"
#include "lib/vfio.h"

#define MSIX		VFIO_PCI_MSIX_IRQ_INDEX
#define QUIET_MS	300
#define FIRE_MS		5000
#define MAX_VEC		64

#define PCI_COMMAND_MEMORY	0x2
#define PCI_COMMAND_MASTER	0x4
#define PCI_CAP_ID_MSIX		0x11
#define PCI_MSIX_FLAGS_ENABLE	0x8000
#define PCI_MSIX_FLAGS_QSIZE	0x07ff

/* e1000e (82574) interrupt registers, BAR0 */
#define E1000_ICR	0xc0
#define E1000_ICS	0xc8
#define E1000_IMS	0xd0
#define E1000_IMC	0xd8
#define E1000_EIAC	0xdc
#define E1000_IVAR	0xe4
#define E1000E_NVEC	5
#define IVAR_VALID	0x8

/* the causes IVAR routes, in IVAR field order: RXQ0 RXQ1 TXQ0 TXQ1 Other */
static const uint32_t e1000e_cause[E1000E_NVEC] = {
	1u << 20, 1u << 21, 1u << 22, 1u << 23, 1u << 24,
};

struct msix_dev {
	struct vfio_dev d;
	unsigned int nvec;
	int efd[MAX_VEC];
};

/*
 * Registers in BAR0, reached through read()/write() of the device fd: an
 * mmap() of a BAR holding the MSI-X table (the nvme's) may be refused.
 */
static uint32_t bar0_rd(struct msix_dev *m, unsigned int reg)
{
	uint32_t val;

	if (vfio_region_read(&m->d, VFIO_PCI_BAR0_REGION_INDEX, reg, &val, 4))
		return ~0u;
	return val;
}

static void bar0_wr(struct msix_dev *m, unsigned int reg, uint32_t val)
{
	vfio_region_write(&m->d, VFIO_PCI_BAR0_REGION_INDEX, reg, &val, 4);
}

static void msix_dev_init(struct msix_dev *m)
{
	int i;

	memset(m, 0, sizeof(*m));
	vfio_dev_init(&m->d);
	for (i = 0; i < MAX_VEC; i++)
		m->efd[i] = -1;
}

static int msix_dev_open(struct msix_dev *m, const char *bdf)
{
	struct vfio_irq_info info;
	unsigned int i;
	int ret;

	ret = vfio_dev_open(&m->d, bdf, VFIO_TYPE1v2_IOMMU);
	if (ret)
		return ret;
	ret = vfio_irq_info(&m->d, MSIX, &info);
	if (ret)
		return ret;
	m->nvec = info.count < MAX_VEC ? info.count : MAX_VEC;
	for (i = 0; i < m->nvec; i++) {
		m->efd[i] = efd_new();
		if (m->efd[i] < 0)
			return m->efd[i];
	}
	/* MSI-X messages are DMA writes */
	return vfio_pci_cmd_set(&m->d, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static void msix_dev_close(struct msix_dev *m)
{
	int i;

	if (m->d.device >= 0)
		vfio_irq_none(&m->d, MSIX, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
	for (i = 0; i < MAX_VEC; i++)
		if (m->efd[i] >= 0)
			close(m->efd[i]);
	vfio_dev_close(&m->d);
}

static int vec_connect(struct msix_dev *m, unsigned int v)
{
	return vfio_irq_fds(&m->d, MSIX, v, 1, &m->efd[v]);
}

static int vec_disconnect(struct msix_dev *m, unsigned int v)
{
	int none = -1;

	return vfio_irq_fds(&m->d, MSIX, v, 1, &none);
}

static int vec_irq(struct msix_dev *m, unsigned int v)
{
	char name[64];

	snprintf(name, sizeof(name), "vfio-msix[%u](%s)", v, m->d.bdf);
	return proc_irq_find(name, NULL);
}

static int msix_ctrl(struct vfio_dev *d)
{
	int pos = cfg_find_cap(d, PCI_CAP_ID_MSIX);
	uint16_t ctrl;

	if (!pos)
		return -ENOENT;
	if (vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, pos + 2, &ctrl,
			     2))
		return -EIO;
	return ctrl;
}

/* BAR and offset of the MSI-X table, from the capability */
static int msix_table(struct vfio_dev *d, unsigned int *bar, uint32_t *off)
{
	int pos = cfg_find_cap(d, PCI_CAP_ID_MSIX);
	uint32_t table;

	if (!pos)
		return -ENOENT;
	if (vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, pos + 4, &table,
			     4))
		return -EIO;
	*bar = table & 7;
	*off = table & ~7u;
	return 0;
}

/*
 * e1000e
 */
FIXTURE(e1000e) {
	struct msix_dev m;
};

static uint32_t e1000e_rd(struct msix_dev *m, unsigned int reg)
{
	return bar0_rd(m, reg);
}

static void e1000e_wr(struct msix_dev *m, unsigned int reg, uint32_t val)
{
	bar0_wr(m, reg, val);
}

/* Route the five causes to vectors 0-4, all masked and clear */
static void e1000e_route_causes(struct msix_dev *m)
{
	uint32_t ivar = 0;
	int i;

	for (i = 0; i < E1000E_NVEC; i++)
		ivar |= (i | IVAR_VALID) << (4 * i);
	e1000e_wr(m, E1000_IMC, ~0u);
	e1000e_wr(m, E1000_EIAC, 0);
	e1000e_wr(m, E1000_IVAR, ivar);
	e1000e_wr(m, E1000_ICR, ~0u);
}

/* Let the throttling timers of messages sent so far expire */
static void e1000e_settle(void)
{
	usleep(20000);
}

/* Make the e1000e send vector V: enable its cause, set it, clear it */
static void e1000e_fire(struct msix_dev *m, unsigned int v)
{
	usleep(2000);	/* throttling timers off: the message goes now */
	e1000e_wr(m, E1000_IMS, e1000e_cause[v]);
	e1000e_wr(m, E1000_ICS, e1000e_cause[v]);
	e1000e_wr(m, E1000_ICR, e1000e_cause[v]);
	e1000e_wr(m, E1000_IMC, e1000e_cause[v]);
}

static int e1000e_msix_off(struct msix_dev *m)
{
	e1000e_settle();
	return vfio_irq_none(&m->d, MSIX, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
}

FIXTURE_SETUP(e1000e)
{
	msix_dev_init(&self->m);
	ASSERT_EQ(0, msix_dev_open(&self->m, E1000E_BDF));
	ASSERT_EQ(E1000E_NVEC, self->m.nvec);
	e1000e_route_causes(&self->m);
	ASSERT_EQ(0, e1000e_rd(&self->m, E1000_IMS));
}

FIXTURE_TEARDOWN(e1000e)
{
	if (self->m.d.device >= 0)
		e1000e_wr(&self->m, E1000_IMC, ~0u);
	if (self->m.d.device >= 0)
		e1000e_msix_off(&self->m);
	msix_dev_close(&self->m);
}

TEST_F(e1000e, info_reports_the_table_size_and_noresize)
{
	struct vfio_irq_info info;
	int ctrl = msix_ctrl(&self->m.d);

	ASSERT_LE(0, ctrl);
	ASSERT_EQ(0, vfio_irq_info(&self->m.d, MSIX, &info));
	EXPECT_EQ((ctrl & PCI_MSIX_FLAGS_QSIZE) + 1, info.count);
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, info.flags);
}

TEST_F(e1000e, each_cause_arrives_on_its_own_vector)
{
	unsigned int v, w;

	ASSERT_EQ(0, vfio_irq_fds(&self->m.d, MSIX, 0, E1000E_NVEC,
				  self->m.efd));
	for (v = 0; v < E1000E_NVEC; v++) {
		e1000e_fire(&self->m, v);
		EXPECT_EQ(1, eventfd_wait(self->m.efd[v], FIRE_MS)) {
			TH_LOG("vector %u", v);
		}
		for (w = 0; w < E1000E_NVEC; w++)
			EXPECT_EQ(0, efd_drain(self->m.efd[w]));
	}
}

TEST_F(e1000e, vectors_connected_one_by_one_keep_the_earlier_ones)
{
	int irq[E1000E_NVEC];
	unsigned int v, w;

	for (v = 0; v < E1000E_NVEC; v++) {
		ASSERT_EQ(0, vec_connect(&self->m, v));
		irq[v] = vec_irq(&self->m, v);
		ASSERT_LT(0, irq[v]);
		/* every vector so far: same host IRQ, still delivering */
		for (w = 0; w <= v; w++) {
			EXPECT_EQ(irq[w], vec_irq(&self->m, w));
			e1000e_fire(&self->m, w);
			EXPECT_EQ(1, eventfd_wait(self->m.efd[w], FIRE_MS)) {
				TH_LOG("vector %u after connecting %u", w, v);
			}
		}
	}
}

TEST_F(e1000e, vectors_connected_out_of_order_work)
{
	ASSERT_EQ(0, vec_connect(&self->m, 3));
	ASSERT_EQ(0, vec_connect(&self->m, 1));
	e1000e_fire(&self->m, 3);
	EXPECT_EQ(1, eventfd_wait(self->m.efd[3], FIRE_MS));
	e1000e_fire(&self->m, 1);
	EXPECT_EQ(1, eventfd_wait(self->m.efd[1], FIRE_MS));
	EXPECT_EQ(-ENOENT, vec_irq(&self->m, 0));
}

TEST_F(e1000e, disconnecting_one_vector_leaves_the_others)
{
	int irq2;

	ASSERT_EQ(0, vfio_irq_fds(&self->m.d, MSIX, 0, E1000E_NVEC,
				  self->m.efd));
	irq2 = vec_irq(&self->m, 2);
	ASSERT_EQ(0, vec_disconnect(&self->m, 1));
	EXPECT_EQ(-ENOENT, vec_irq(&self->m, 1));
	EXPECT_EQ(irq2, vec_irq(&self->m, 2));
	e1000e_fire(&self->m, 2);
	EXPECT_EQ(1, eventfd_wait(self->m.efd[2], FIRE_MS));
	/* a vector fired while disconnected is held, and comes on reconnect */
	e1000e_fire(&self->m, 1);
	EXPECT_EQ(-ETIMEDOUT, eventfd_wait(self->m.efd[1], QUIET_MS));
	ASSERT_EQ(0, vec_connect(&self->m, 1));
	EXPECT_EQ(1, eventfd_wait(self->m.efd[1], FIRE_MS));
}

TEST_F(e1000e, replaced_eventfd_takes_over_the_vector)
{
	int fresh = efd_new(), irq;

	ASSERT_LE(0, fresh);
	ASSERT_EQ(0, vec_connect(&self->m, 0));
	irq = vec_irq(&self->m, 0);
	ASSERT_EQ(0, vfio_irq_fds(&self->m.d, MSIX, 0, 1, &fresh));
	EXPECT_EQ(irq, vec_irq(&self->m, 0));
	e1000e_fire(&self->m, 0);
	EXPECT_EQ(1, eventfd_wait(fresh, FIRE_MS));
	EXPECT_EQ(0, efd_drain(self->m.efd[0]));
	close(fresh);
}

TEST_F(e1000e, config_space_shows_msix_enabled_while_in_use)
{
	EXPECT_EQ(0, msix_ctrl(&self->m.d) & PCI_MSIX_FLAGS_ENABLE);
	ASSERT_EQ(0, vec_connect(&self->m, 0));
	EXPECT_EQ(PCI_MSIX_FLAGS_ENABLE,
		  msix_ctrl(&self->m.d) & PCI_MSIX_FLAGS_ENABLE);
	ASSERT_EQ(0, e1000e_msix_off(&self->m));
	EXPECT_EQ(0, msix_ctrl(&self->m.d) & PCI_MSIX_FLAGS_ENABLE);
	EXPECT_EQ(-ENOENT, vec_irq(&self->m, 0));
}

TEST_F(e1000e, table_reads_as_ones_and_ignores_writes)
{
	uint8_t garbage[16], buf[16], ones[16];
	unsigned int bar;
	uint32_t off;

	ASSERT_EQ(0, vec_connect(&self->m, 0));
	ASSERT_EQ(0, msix_table(&self->m.d, &bar, &off));
	memset(ones, 0xff, sizeof(ones));
	memset(garbage, 0, sizeof(garbage));
	ASSERT_EQ(0, vfio_region_read(&self->m.d, bar, off, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, ones, sizeof(buf)));
	/* zero address, zero data, unmasked: would break vector 0 */
	ASSERT_EQ(0, vfio_region_write(&self->m.d, bar, off, garbage,
				       sizeof(garbage)));
	e1000e_fire(&self->m, 0);
	EXPECT_EQ(1, eventfd_wait(self->m.efd[0], FIRE_MS));
}

TEST_F(e1000e, vectors_work_when_set_up_with_memory_decode_off)
{
	uint16_t cmd;

	ASSERT_EQ(0, vfio_region_read(&self->m.d, VFIO_PCI_CONFIG_REGION_INDEX,
				      4, &cmd, 2));
	cmd &= ~PCI_COMMAND_MEMORY;
	ASSERT_EQ(0, vfio_region_write(&self->m.d, VFIO_PCI_CONFIG_REGION_INDEX,
				       4, &cmd, 2));
	ASSERT_EQ(0, vfio_irq_fds(&self->m.d, MSIX, 0, 2, self->m.efd));
	/* decode stays as the user left it */
	ASSERT_EQ(0, vfio_region_read(&self->m.d, VFIO_PCI_CONFIG_REGION_INDEX,
				      4, &cmd, 2));
	EXPECT_EQ(0, cmd & PCI_COMMAND_MEMORY);
	ASSERT_EQ(0, vfio_pci_cmd_set(&self->m.d, PCI_COMMAND_MEMORY));
	e1000e_fire(&self->m, 1);
	EXPECT_EQ(1, eventfd_wait(self->m.efd[1], FIRE_MS));
}

TEST_F(e1000e, one_eventfd_on_two_vectors_works_without_a_second_bypass)
{
	int fds[2] = { self->m.efd[0], self->m.efd[0] };
	char line[512];
	int kmsg = kmsg_open();

	ASSERT_LE(0, kmsg);
	/* the eventfd is the bypass token: only one producer can have it */
	ASSERT_EQ(0, vfio_irq_fds(&self->m.d, MSIX, 0, 2, fds));
	EXPECT_EQ(1, kmsg_count(kmsg, line, sizeof(line), E1000E_BDF,
				"irq bypass producer", NULL));
	e1000e_fire(&self->m, 1);
	EXPECT_EQ(1, eventfd_wait(self->m.efd[0], FIRE_MS));
	close(kmsg);
}

TEST_F(e1000e, loopback_signals_only_connected_vectors)
{
	uint8_t b[3] = { 1, 0, 1 };

	ASSERT_EQ(0, vec_connect(&self->m, 0));
	ASSERT_EQ(0, vec_connect(&self->m, 1));
	/* vector 2 has no eventfd: skipped */
	ASSERT_EQ(0, vfio_set_irqs(&self->m.d, VFIO_IRQ_SET_DATA_BOOL |
				   VFIO_IRQ_SET_ACTION_TRIGGER, MSIX, 0, 3,
				   b, sizeof(b)));
	EXPECT_EQ(1, efd_drain(self->m.efd[0]));
	EXPECT_EQ(0, efd_drain(self->m.efd[1]));
	ASSERT_EQ(0, vfio_irq_none(&self->m.d, MSIX,
				   VFIO_IRQ_SET_ACTION_TRIGGER, 0, 5));
	EXPECT_EQ(1, efd_drain(self->m.efd[0]));
	EXPECT_EQ(1, efd_drain(self->m.efd[1]));
}

TEST_F(e1000e, msi_and_intx_wait_until_msix_is_off)
{
	int efd = efd_new();

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vec_connect(&self->m, 0));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->m.d, VFIO_PCI_MSI_IRQ_INDEX, 0,
					1, &efd));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->m.d, VFIO_PCI_INTX_IRQ_INDEX, 0,
					1, &efd));
	ASSERT_EQ(0, e1000e_msix_off(&self->m));
	EXPECT_EQ(0, vfio_irq_fds(&self->m.d, VFIO_PCI_MSI_IRQ_INDEX, 0, 1,
				  &efd));
	vfio_irq_none(&self->m.d, VFIO_PCI_MSI_IRQ_INDEX,
		      VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
	close(efd);
}

/*
 * nvme: a table in BAR0, next to the registers.  The controller raises a
 * vector when it posts a completion: admin commands complete on the admin
 * queue (vector 0), commands of an I/O queue pair on that pair's
 * completion queue, created here with vector 1.  The controller has no
 * namespace, so the I/O command (a flush) fails, which is still a
 * completion.
 */
#define NVME_CAP	0x00
#define NVME_CC		0x14
#define NVME_CSTS	0x1c
#define NVME_AQA	0x24
#define NVME_ASQ	0x28
#define NVME_ACQ	0x30
#define NVME_DBS	0x1000
#define NVME_QSIZE	8
#define NVME_IOVA	(1ULL << 20)
/* queue memory, one page each: admin SQ, admin CQ, I/O SQ, I/O CQ, data */
#define NVME_PAGES	5

struct nvme_sqe {
	uint32_t cdw0;		/* opcode, command id */
	uint32_t nsid;
	uint64_t rsvd;
	uint64_t mptr;
	uint64_t prp1;
	uint64_t prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme_cqe {
	uint32_t dw0, dw1;
	uint16_t sqhd, sqid;
	uint16_t cid, status;	/* status bit 0: phase */
};

struct nvme_q {
	unsigned int qid, tail, head;
	uint16_t phase;
};

FIXTURE(nvme) {
	struct msix_dev m;
	uint8_t *mem;
	unsigned int dstrd;
	uint16_t cid;
	struct nvme_q admin, io;
};

FIXTURE_SETUP(nvme)
{
	msix_dev_init(&self->m);
	self->mem = NULL;
	ASSERT_EQ(0, msix_dev_open(&self->m, NVME_BDF));
	ASSERT_LE(2, self->m.nvec);
}

FIXTURE_TEARDOWN(nvme)
{
	if (self->m.d.device >= 0)
		bar0_wr(&self->m, NVME_CC, 0);
	msix_dev_close(&self->m);
	if (self->mem)
		munmap(self->mem, NVME_PAGES * 4096);
}

static uint64_t nvme_iova(unsigned int page)
{
	return NVME_IOVA + page * 4096ULL;
}

static void nvme_wr64(struct msix_dev *m, unsigned int reg, uint64_t val)
{
	bar0_wr(m, reg, (uint32_t)val);
	bar0_wr(m, reg + 4, val >> 32);
}

/* Enable the controller with an admin queue pair; 0 or -errno */
static int nvme_start(struct _test_data_nvme *self)
{
	struct msix_dev *m = &self->m;
	int i;

	self->mem = vfio_dma_buffer(NVME_PAGES * 4096);
	if (!self->mem)
		return -ENOMEM;
	if (vfio_dma_map(m->d.container, self->mem, NVME_IOVA,
			 NVME_PAGES * 4096, VFIO_DMA_MAP_FLAG_READ |
			 VFIO_DMA_MAP_FLAG_WRITE))
		return -EIO;
	self->dstrd = bar0_rd(m, NVME_CAP + 4) & 0xf;
	bar0_wr(m, NVME_CC, 0);
	for (i = 0; i < 200 && (bar0_rd(m, NVME_CSTS) & 1); i++)
		usleep(10000);
	bar0_wr(m, NVME_AQA, (NVME_QSIZE - 1) << 16 | (NVME_QSIZE - 1));
	nvme_wr64(m, NVME_ASQ, nvme_iova(0));
	nvme_wr64(m, NVME_ACQ, nvme_iova(1));
	/* 64-byte SQ entries, 16-byte CQ entries, 4 KiB pages, enable */
	bar0_wr(m, NVME_CC, 4 << 20 | 6 << 16 | 1);
	for (i = 0; i < 200 && !(bar0_rd(m, NVME_CSTS) & 1); i++)
		usleep(10000);
	if (!(bar0_rd(m, NVME_CSTS) & 1))
		return -ETIMEDOUT;
	self->admin = (struct nvme_q){ .qid = 0, .phase = 1 };
	self->io = (struct nvme_q){ .qid = 1, .phase = 1 };
	return 0;
}

/* Queue SQE on Q (its SQ in page SQ_PAGE) and ring the doorbell */
static void nvme_submit(struct _test_data_nvme *self, struct nvme_q *q,
			unsigned int sq_page, struct nvme_sqe *sqe)
{
	struct nvme_sqe *sq = (void *)(self->mem + sq_page * 4096);

	self->cid++;
	sqe->cdw0 |= (uint32_t)self->cid << 16;
	sq[q->tail] = *sqe;
	q->tail = (q->tail + 1) % NVME_QSIZE;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	bar0_wr(&self->m, NVME_DBS + (2 * q->qid << (2 + self->dstrd)),
		 q->tail);
}

/* Take the completion at the head of Q (CQ in page CQ_PAGE): its status */
static int nvme_reap(struct _test_data_nvme *self, struct nvme_q *q,
		     unsigned int cq_page)
{
	struct nvme_cqe *cq = (void *)(self->mem + cq_page * 4096);
	uint16_t *word = &cq[q->head].status;
	uint16_t status;
	int i;

	/* the device writes the entry behind the compiler's back */
	for (i = 0; i < 500; i++) {
		status = __atomic_load_n(word, __ATOMIC_ACQUIRE);
		if ((status & 1) == q->phase)
			break;
		usleep(1000);
	}
	if ((status & 1) != q->phase)
		return -ETIMEDOUT;
	status >>= 1;
	q->head = (q->head + 1) % NVME_QSIZE;
	if (!q->head)
		q->phase ^= 1;
	bar0_wr(&self->m, NVME_DBS +
		 ((2 * q->qid + 1) << (2 + self->dstrd)), q->head);
	return status;
}

/* An admin command; its completion status or -errno */
static int nvme_admin(struct _test_data_nvme *self, uint8_t opcode,
		      uint64_t prp1, uint32_t cdw10, uint32_t cdw11)
{
	struct nvme_sqe sqe = {
		.cdw0 = opcode, .prp1 = prp1, .cdw10 = cdw10, .cdw11 = cdw11,
	};

	nvme_submit(self, &self->admin, 0, &sqe);
	return nvme_reap(self, &self->admin, 1);
}

/* Identify Controller: an admin command that always succeeds */
static int nvme_identify(struct _test_data_nvme *self)
{
	return nvme_admin(self, 0x06, nvme_iova(4), 1, 0);
}

/* I/O queue pair 1, its completions on VECTOR; 0 or a status */
static int nvme_create_io_queues(struct _test_data_nvme *self,
				 unsigned int vector)
{
	int ret;

	/* Create I/O CQ: contiguous, interrupts enabled on VECTOR */
	ret = nvme_admin(self, 0x05, nvme_iova(3),
			 (NVME_QSIZE - 1) << 16 | 1, vector << 16 | 3);
	if (ret)
		return ret;
	/* Create I/O SQ on CQ 1, contiguous */
	return nvme_admin(self, 0x01, nvme_iova(2),
			  (NVME_QSIZE - 1) << 16 | 1, 1 << 16 | 1);
}

/* A flush on I/O queue 1: completes (with an error: no namespace) */
static int nvme_io_flush(struct _test_data_nvme *self)
{
	struct nvme_sqe sqe = { .cdw0 = 0x00, .nsid = 1 };

	nvme_submit(self, &self->io, 2, &sqe);
	return nvme_reap(self, &self->io, 3);
}

TEST_F(nvme, admin_and_io_completions_arrive_on_their_vectors)
{
	ASSERT_EQ(0, vfio_irq_fds(&self->m.d, MSIX, 0, 2, self->m.efd));
	ASSERT_EQ(0, nvme_start(self));
	ASSERT_EQ(0, nvme_identify(self));
	EXPECT_EQ(1, eventfd_wait(self->m.efd[0], FIRE_MS));
	ASSERT_EQ(0, nvme_create_io_queues(self, 1));
	/* two completions, one or two messages; let both arrive */
	usleep(100000);
	EXPECT_LE(1, efd_drain(self->m.efd[0]));
	EXPECT_EQ(0, efd_drain(self->m.efd[1]));
	EXPECT_LT(0, nvme_io_flush(self));
	EXPECT_EQ(1, eventfd_wait(self->m.efd[1], FIRE_MS));
	EXPECT_EQ(0, efd_drain(self->m.efd[0]));
}

TEST_F(nvme, vector_0_keeps_delivering_when_vector_1_joins)
{
	ASSERT_EQ(0, vec_connect(&self->m, 0));
	ASSERT_EQ(0, nvme_start(self));
	ASSERT_EQ(0, nvme_identify(self));
	EXPECT_EQ(1, eventfd_wait(self->m.efd[0], FIRE_MS));
	ASSERT_EQ(0, vec_connect(&self->m, 1));
	ASSERT_EQ(0, nvme_identify(self));
	EXPECT_EQ(1, eventfd_wait(self->m.efd[0], FIRE_MS));
	ASSERT_EQ(0, nvme_create_io_queues(self, 1));
	usleep(100000);
	EXPECT_LE(1, efd_drain(self->m.efd[0]));
	EXPECT_LT(0, nvme_io_flush(self));
	EXPECT_EQ(1, eventfd_wait(self->m.efd[1], FIRE_MS));
}

TEST_F(nvme, vectors_connected_one_by_one_keep_their_host_irqs)
{
	int irq[MAX_VEC];
	unsigned int v, w;

	for (v = 0; v < self->m.nvec; v++) {
		ASSERT_EQ(0, vec_connect(&self->m, v));
		irq[v] = vec_irq(&self->m, v);
		ASSERT_LT(0, irq[v]);
		for (w = 0; w < v; w++)
			EXPECT_EQ(irq[w], vec_irq(&self->m, w));
		/* and their eventfds */
		ASSERT_EQ(0, vfio_irq_none(&self->m.d, MSIX,
					   VFIO_IRQ_SET_ACTION_TRIGGER, 0,
					   v + 1));
		for (w = 0; w <= v; w++)
			EXPECT_EQ(1, efd_drain(self->m.efd[w]));
	}
}

TEST_F(nvme, last_vector_alone_can_be_connected_first)
{
	unsigned int last = self->m.nvec - 1;

	ASSERT_EQ(0, vec_connect(&self->m, last));
	EXPECT_LT(0, vec_irq(&self->m, last));
	ASSERT_EQ(0, vec_connect(&self->m, 0));
	EXPECT_LT(0, vec_irq(&self->m, last));
}

TEST_F(nvme, table_in_bar0_reads_as_ones_but_registers_do_not)
{
	uint32_t off, val, cap;
	unsigned int bar;

	ASSERT_EQ(0, vec_connect(&self->m, 0));
	ASSERT_EQ(0, msix_table(&self->m.d, &bar, &off));
	ASSERT_EQ(0, vfio_region_read(&self->m.d, bar, off, &val, 4));
	EXPECT_EQ(0xffffffffu, val);
	/* CAP (offset 0) is a register: its low bits hold MQES, not ones */
	if (bar == 0) {
		ASSERT_EQ(0, vfio_region_read(&self->m.d, 0, 0, &cap, 4));
		EXPECT_NE(0xffffffffu, cap);
	}
}

TEST_F(nvme, vector_beyond_the_table_is_refused)
{
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->m.d, MSIX, self->m.nvec, 1,
					self->m.efd));
	EXPECT_EQ(-EINVAL, vfio_irq_fds(&self->m.d, MSIX, 0, self->m.nvec + 1,
					self->m.efd));
}

TEST_HARNESS_MAIN
