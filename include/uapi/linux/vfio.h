/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * VFIO user ABI.
 *
 * This file owns every value userspace and the VFIO drivers have to agree on:
 * ioctl request numbers, the structures passed through them, their flag bits,
 * capability ids, region/IRQ index numbering and the migration state values.
 * The kernel pulls it in through include/linux/vfio.h; userspace can use it
 * directly (-I include/uapi) or as installed by headers_install.
 *
 * Nothing in here may change value or layout once released.  The selftest in
 * tools/testing/selftests/vfio/abi/ checks it against a distribution header.
 */
#ifndef _UAPI_VFIO_H
#define _UAPI_VFIO_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * __user is a sparse annotation.  The kernel defines it and headers_install
 * deletes it; a userspace build that reads this file in place needs it empty.
 */
#if !defined(__KERNEL__) && !defined(__user)
#define __user
#endif

/* Returned by VFIO_GET_API_VERSION; bumped only for an incompatible rework. */
#define VFIO_API_VERSION	0

/*
 * Extension ids, probed with VFIO_CHECK_EXTENSION.  Most name an IOMMU
 * backend that can then be selected with VFIO_SET_IOMMU.
 */
#define VFIO_TYPE1_IOMMU		1
#define VFIO_SPAPR_TCE_IOMMU		2
#define VFIO_TYPE1v2_IOMMU		3
/* DMA is cache coherent (no-snoop is blocked); may change as groups come and go. */
#define VFIO_DMA_CC_IOMMU		4
/* POWER EEH error recovery is available (VFIO_EEH_PE_OP). */
#define VFIO_EEH			5
/* Two level translation; a superset of TYPE1v2. */
#define VFIO_TYPE1_NESTING_IOMMU	6
#define VFIO_SPAPR_TCE_v2_IOMMU		7
/*
 * Device access with no IOMMU at all: no isolation, no translation, taints
 * the kernel.  Only VFIO_CHECK_EXTENSION works on such a container.
 */
#define VFIO_NOIOMMU_IOMMU		8
/* VFIO_DMA_UNMAP_FLAG_ALL is understood. */
#define VFIO_UNMAP_ALL			9
/*
 * The VADDR flags of map/unmap DMA are understood.  Mediated devices cannot
 * support them, so the answer may change as groups come and go.
 */
#define VFIO_UPDATE_VADDR		10

/*
 * All VFIO ioctls are built with plain _IO(): the argument size is not part
 * of the request number.  Instead each argument structure starts with argsz,
 * which the caller must always fill in, and new trailing fields are announced
 * by new flag bits.  That lets a structure grow without changing its ioctl.
 */
#define VFIO_TYPE	(';')
#define VFIO_BASE	100

/*
 * Capability chains.
 *
 * An INFO structure that sets its "caps" flag bit also carries cap_offset:
 * the byte offset, from the start of the caller's buffer, of the first
 * capability.  Each capability begins with this header, and ->next is the
 * offset (again from the start of the buffer) of the next one, or 0 at the
 * end.  Ids are scoped to the ioctl that returned them; version is scoped to
 * the id; the payload after the header depends on both.
 *
 * If argsz is too small for the chain, the call still succeeds: the caps flag
 * is set, cap_offset (if it fits) is 0, and argsz is raised to the size the
 * caller should retry with.
 */
struct vfio_info_cap_header {
	__u16	id;		/* meaning depends on the ioctl */
	__u16	version;	/* meaning depends on the id */
	__u32	next;		/* offset of the next capability, 0 = last */
};

/* ---------------- Container: ioctls on /dev/vfio/vfio ------------------ */

/* Returns VFIO_API_VERSION.  Always available. */
#define VFIO_GET_API_VERSION		_IO(VFIO_TYPE, VFIO_BASE + 0)

/*
 * Argument: an extension id (see above).  Returns 0 when it is not supported
 * and a positive value when it is.  Always available.
 */
#define VFIO_CHECK_EXTENSION		_IO(VFIO_TYPE, VFIO_BASE + 1)

/*
 * Argument: IOMMU extension id.  Picks the IOMMU backend for the container,
 * which decides which further container ioctls exist.  A group has to be
 * attached first.  Returns 0 or -errno.
 */
#define VFIO_SET_IOMMU			_IO(VFIO_TYPE, VFIO_BASE + 2)

/* ---------------- Group: ioctls on /dev/vfio/<group> ------------------- */

/* VFIO_GROUP_GET_STATUS: the caller sets argsz, the kernel sets flags. */
struct vfio_group_status {
	__u32	argsz;
	__u32	flags;
#define VFIO_GROUP_FLAGS_VIABLE		(1 << 0)	/* all devices usable */
#define VFIO_GROUP_FLAGS_CONTAINER_SET	(1 << 1)	/* in a container */
};
#define VFIO_GROUP_GET_STATUS		_IO(VFIO_TYPE, VFIO_BASE + 3)

/*
 * Argument: pointer to a container fd.  Puts the group in that container;
 * a group lives in at most one container.  Returns 0 or -errno.
 */
#define VFIO_GROUP_SET_CONTAINER	_IO(VFIO_TYPE, VFIO_BASE + 4)

/*
 * No argument.  Takes the group back out of its container; every device fd
 * must be closed first.  Removing the last group resets the container.
 */
#define VFIO_GROUP_UNSET_CONTAINER	_IO(VFIO_TYPE, VFIO_BASE + 5)

/*
 * Argument: NUL terminated device name as listed under the group in sysfs.
 * Returns a new device fd, or -errno.  The group must be in a container.
 */
#define VFIO_GROUP_GET_DEVICE_FD	_IO(VFIO_TYPE, VFIO_BASE + 6)

/* ---------------- Device: ioctls on a device fd ------------------------ */

/* VFIO_DEVICE_GET_INFO: the caller sets argsz, the kernel fills the rest. */
struct vfio_device_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_FLAGS_RESET		(1 << 0)	/* VFIO_DEVICE_RESET works */
#define VFIO_DEVICE_FLAGS_PCI		(1 << 1)	/* bus driver: vfio-pci */
#define VFIO_DEVICE_FLAGS_PLATFORM	(1 << 2)	/* bus driver: vfio-platform */
#define VFIO_DEVICE_FLAGS_AMBA		(1 << 3)	/* bus driver: vfio-amba */
#define VFIO_DEVICE_FLAGS_CCW		(1 << 4)	/* bus driver: vfio-ccw */
#define VFIO_DEVICE_FLAGS_AP		(1 << 5)	/* bus driver: vfio-ap */
#define VFIO_DEVICE_FLAGS_FSL_MC	(1 << 6)	/* bus driver: vfio-fsl-mc */
#define VFIO_DEVICE_FLAGS_CAPS		(1 << 7)	/* cap_offset is valid */
	__u32	num_regions;	/* highest region index + 1 */
	__u32	num_irqs;	/* highest IRQ index + 1 */
	__u32	cap_offset;	/* first capability, see vfio_info_cap_header */
};
#define VFIO_DEVICE_GET_INFO		_IO(VFIO_TYPE, VFIO_BASE + 7)

/*
 * Values a mediated device type reports in its "device_api" sysfs attribute.
 * Each one pairs with a VFIO_DEVICE_FLAGS_* bus bit above.
 */
#define VFIO_DEVICE_API_PCI_STRING		"vfio-pci"
#define VFIO_DEVICE_API_PLATFORM_STRING		"vfio-platform"
#define VFIO_DEVICE_API_AMBA_STRING		"vfio-amba"
#define VFIO_DEVICE_API_CCW_STRING		"vfio-ccw"
#define VFIO_DEVICE_API_AP_STRING		"vfio-ap"

/* Device info capability ids used only by s390 zPCI (payloads: vfio_zdev.h). */
#define VFIO_DEVICE_INFO_CAP_ZPCI_BASE		1
#define VFIO_DEVICE_INFO_CAP_ZPCI_GROUP		2
#define VFIO_DEVICE_INFO_CAP_ZPCI_UTIL		3
#define VFIO_DEVICE_INFO_CAP_ZPCI_PFIP		4

/*
 * VFIO_DEVICE_GET_REGION_INFO: the caller sets argsz and index.  A region is
 * a window of the device fd (MMIO, port I/O, config space, ...) found at
 * ->offset; the bus driver decides what each index means.  A size of 0 means
 * the region is not implemented.
 */
struct vfio_region_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_REGION_INFO_FLAG_READ	(1 << 0)	/* read() allowed */
#define VFIO_REGION_INFO_FLAG_WRITE	(1 << 1)	/* write() allowed */
#define VFIO_REGION_INFO_FLAG_MMAP	(1 << 2)	/* mmap() allowed */
#define VFIO_REGION_INFO_FLAG_CAPS	(1 << 3)	/* cap_offset is valid */
	__u32	index;		/* in: which region */
	__u32	cap_offset;	/* first capability, see vfio_info_cap_header */
	__u64	size;		/* bytes */
	__u64	offset;		/* where the region sits in the device fd */
};
#define VFIO_DEVICE_GET_REGION_INFO	_IO(VFIO_TYPE, VFIO_BASE + 8)

/*
 * Region capability 1, version 1: only the listed areas of an mmap-capable
 * region may be mapped.  Mapping anything else (an MSI-X table, say) can
 * fail or upset the device.
 */
#define VFIO_REGION_INFO_CAP_SPARSE_MMAP	1

struct vfio_region_sparse_mmap_area {
	__u64	offset;		/* start of the area, relative to the region */
	__u64	size;		/* length of the area */
};

struct vfio_region_info_cap_sparse_mmap {
	struct vfio_info_cap_header header;
	__u32	nr_areas;
	__u32	reserved;
	struct vfio_region_sparse_mmap_area areas[];
};

/*
 * Region capability 2, version 1: tells what a device specific region is,
 * so such regions need no fixed index.  Types are allocated per bus driver,
 * subtypes per type.
 */
#define VFIO_REGION_INFO_CAP_TYPE	2

struct vfio_region_info_cap_type {
	struct vfio_info_cap_header header;
	__u32	type;
	__u32	subtype;
};

/* Region types.  A PCI vendor type is the vendor id ORed with this bit. */
#define VFIO_REGION_TYPE_PCI_VENDOR_TYPE	(1 << 31)
#define VFIO_REGION_TYPE_PCI_VENDOR_MASK	(0xffff)
#define VFIO_REGION_TYPE_GFX			(1)
#define VFIO_REGION_TYPE_CCW			(2)
#define VFIO_REGION_TYPE_MIGRATION_DEPRECATED	(3)

/* Subtypes of PCI vendor 0x8086 (Intel IGD). */
#define VFIO_REGION_SUBTYPE_INTEL_IGD_OPREGION	(1)
#define VFIO_REGION_SUBTYPE_INTEL_IGD_HOST_CFG	(2)
#define VFIO_REGION_SUBTYPE_INTEL_IGD_LPC_CFG	(3)

/* Subtype of PCI vendor 0x10de: NVLink2 GPU RAM.  Retired, never offered. */
#define VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM	(1)

/* Subtype of PCI vendor 0x1014: NPU ATSD registers.  Retired, never offered. */
#define VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD	(1)

/* Subtypes of VFIO_REGION_TYPE_GFX. */
#define VFIO_REGION_SUBTYPE_GFX_EDID		(1)

/*
 * Layout of the GFX_EDID region: lets userspace give a virtual display an
 * EDID blob (monitor identity, supported modes, ...).
 *
 * To replace the EDID: set link_state to DOWN, write the blob and edid_size,
 * then set link_state to UP.  A max_xres/max_yres of 0 means "no limit".
 */
struct vfio_region_gfx_edid {
	__u32	edid_offset;	/* ro: blob position inside the region */
	__u32	edid_max_size;	/* ro: room for the blob */
	__u32	edid_size;	/* rw: current blob length */
	__u32	max_xres;	/* ro: widest mode allowed */
	__u32	max_yres;	/* ro: tallest mode allowed */
	__u32	link_state;	/* rw: one of the values below */
#define VFIO_DEVICE_GFX_LINK_STATE_UP		1
#define VFIO_DEVICE_GFX_LINK_STATE_DOWN		2
};

/* Subtypes of VFIO_REGION_TYPE_CCW. */
#define VFIO_REGION_SUBTYPE_CCW_ASYNC_CMD	(1)
#define VFIO_REGION_SUBTYPE_CCW_SCHIB		(2)
#define VFIO_REGION_SUBTYPE_CCW_CRW		(3)

/* Subtype of the retired migration region type. */
#define VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED (1)

/*
 * Header of the retired (v1) migration region.  Kept only so old code still
 * builds; no driver offers it.  Migration now goes through
 * VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE.
 */
struct vfio_device_migration_info {
	__u32	device_state;	/* VFIO_DEVICE_STATE_V1_* bits */
#define VFIO_DEVICE_STATE_V1_STOP	(0)
#define VFIO_DEVICE_STATE_V1_RUNNING	(1 << 0)
#define VFIO_DEVICE_STATE_V1_SAVING	(1 << 1)
#define VFIO_DEVICE_STATE_V1_RESUMING	(1 << 2)
#define VFIO_DEVICE_STATE_MASK		(VFIO_DEVICE_STATE_V1_RUNNING | \
					 VFIO_DEVICE_STATE_V1_SAVING | \
					 VFIO_DEVICE_STATE_V1_RESUMING)
/* RESUMING may not be combined with any other bit. */
#define VFIO_DEVICE_STATE_VALID(state)					\
	((state) & VFIO_DEVICE_STATE_V1_RESUMING ?			\
	 ((state) & VFIO_DEVICE_STATE_MASK) ==				\
		VFIO_DEVICE_STATE_V1_RESUMING : 1)
/* SAVING together with RESUMING marks a device in error. */
#define VFIO_DEVICE_STATE_IS_ERROR(state)				\
	(((state) & VFIO_DEVICE_STATE_MASK) ==				\
	 (VFIO_DEVICE_STATE_V1_SAVING | VFIO_DEVICE_STATE_V1_RESUMING))
#define VFIO_DEVICE_STATE_SET_ERROR(state)				\
	(((state) & ~VFIO_DEVICE_STATE_MASK) |				\
	 VFIO_DEVICE_STATE_V1_SAVING | VFIO_DEVICE_STATE_V1_RESUMING)
	__u32	reserved;
	__u64	pending_bytes;
	__u64	data_offset;
	__u64	data_size;
};

/*
 * Region capability 3 (no payload): the page(s) holding the MSI-X table of
 * this BAR may be mmapped, so nearby registers are reachable directly.  MSI-X
 * itself must still be programmed with VFIO_DEVICE_SET_IRQS.
 */
#define VFIO_REGION_INFO_CAP_MSIX_MAPPABLE	3

/* Region capability 4: NVLink2 GPU RAM system address.  Retired. */
#define VFIO_REGION_INFO_CAP_NVLINK2_SSATGT	4

struct vfio_region_info_cap_nvlink2_ssatgt {
	struct vfio_info_cap_header header;
	__u64	tgt;
};

/* Region capability 5: NVLink2 link speed.  Retired. */
#define VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD	5

struct vfio_region_info_cap_nvlink2_lnkspd {
	struct vfio_info_cap_header header;
	__u32	link_speed;
	__u32	__pad;
};

/*
 * VFIO_DEVICE_GET_IRQ_INFO: the caller sets argsz and index; count is the
 * number of interrupts behind that index (0 = not implemented).
 *
 * EVENTFD:    can be signalled through an eventfd.
 * MASKABLE:   ACTION_MASK/ACTION_UNMASK work on it.
 * AUTOMASKED: the kernel masks it after each signal and the user unmasks it
 *             (how level triggered interrupts behave).
 * NORESIZE:   all vectors are set up as one block; enabling more means
 *             disabling the index and starting over (e.g. PCI MSI).
 */
struct vfio_irq_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_INFO_EVENTFD		(1 << 0)
#define VFIO_IRQ_INFO_MASKABLE		(1 << 1)
#define VFIO_IRQ_INFO_AUTOMASKED	(1 << 2)
#define VFIO_IRQ_INFO_NORESIZE		(1 << 3)
	__u32	index;		/* in: which IRQ index */
	__u32	count;		/* out: interrupts behind this index */
};
#define VFIO_DEVICE_GET_IRQ_INFO	_IO(VFIO_TYPE, VFIO_BASE + 9)

/*
 * VFIO_DEVICE_SET_IRQS: apply one action to interrupts start..start+count-1
 * of an index.  Exactly one DATA_* and one ACTION_* bit is set.
 *
 * DATA_NONE:    act on every interrupt in the range now.
 * DATA_BOOL:    data[] holds count __u8 values; act where the value is set.
 * DATA_EVENTFD: data[] holds count __s32 fds.  With ACTION_TRIGGER the fd is
 *               signalled by the interrupt; with MASK/UNMASK writing the fd
 *               does the action.  -1 tears down (or skips) that slot.
 *
 * TRIGGER with NONE or BOOL fires the interrupt from software, for testing.
 * Setting up TRIGGER enables the index; TRIGGER with DATA_NONE and count 0
 * disables the whole index.
 */
struct vfio_irq_set {
	__u32	argsz;
	__u32	flags;
#define VFIO_IRQ_SET_DATA_NONE		(1 << 0)	/* no payload */
#define VFIO_IRQ_SET_DATA_BOOL		(1 << 1)	/* payload: __u8[] */
#define VFIO_IRQ_SET_DATA_EVENTFD	(1 << 2)	/* payload: __s32[] */
#define VFIO_IRQ_SET_ACTION_MASK	(1 << 3)	/* user -> kernel */
#define VFIO_IRQ_SET_ACTION_UNMASK	(1 << 4)	/* user -> kernel */
#define VFIO_IRQ_SET_ACTION_TRIGGER	(1 << 5)	/* kernel -> user */
	__u32	index;
	__u32	start;
	__u32	count;
	__u8	data[];
};
#define VFIO_DEVICE_SET_IRQS		_IO(VFIO_TYPE, VFIO_BASE + 10)

#define VFIO_IRQ_SET_DATA_TYPE_MASK	(VFIO_IRQ_SET_DATA_NONE | \
					 VFIO_IRQ_SET_DATA_BOOL | \
					 VFIO_IRQ_SET_DATA_EVENTFD)
#define VFIO_IRQ_SET_ACTION_TYPE_MASK	(VFIO_IRQ_SET_ACTION_MASK | \
					 VFIO_IRQ_SET_ACTION_UNMASK | \
					 VFIO_IRQ_SET_ACTION_TRIGGER)

/* No argument.  Resets the device (see VFIO_DEVICE_FLAGS_RESET). */
#define VFIO_DEVICE_RESET		_IO(VFIO_TYPE, VFIO_BASE + 11)

/*
 * vfio-pci region indexes.  These are fixed; regions from index 9 up are
 * described by VFIO_REGION_INFO_CAP_TYPE instead.
 */
enum {
	VFIO_PCI_BAR0_REGION_INDEX,
	VFIO_PCI_BAR1_REGION_INDEX,
	VFIO_PCI_BAR2_REGION_INDEX,
	VFIO_PCI_BAR3_REGION_INDEX,
	VFIO_PCI_BAR4_REGION_INDEX,
	VFIO_PCI_BAR5_REGION_INDEX,
	VFIO_PCI_ROM_REGION_INDEX,
	VFIO_PCI_CONFIG_REGION_INDEX,
	/*
	 * Legacy VGA (class 03, subclass 00): ports 0x3b0-0x3bb and
	 * 0x3c0-0x3df plus memory 0xa0000-0xbffff, each at its own address
	 * relative to the region offset.  The gaps are unimplemented.
	 */
	VFIO_PCI_VGA_REGION_INDEX,
	VFIO_PCI_NUM_REGIONS = 9
};

/* vfio-pci IRQ indexes. */
enum {
	VFIO_PCI_INTX_IRQ_INDEX,
	VFIO_PCI_MSI_IRQ_INDEX,
	VFIO_PCI_MSIX_IRQ_INDEX,
	VFIO_PCI_ERR_IRQ_INDEX,		/* AER error notification */
	VFIO_PCI_REQ_IRQ_INDEX,		/* host asks for the device back */
	VFIO_PCI_NUM_IRQS
};

/* vfio-ccw region indexes. */
enum {
	VFIO_CCW_CONFIG_REGION_INDEX,
	VFIO_CCW_NUM_REGIONS
};

/* vfio-ccw IRQ indexes. */
enum {
	VFIO_CCW_IO_IRQ_INDEX,
	VFIO_CCW_CRW_IRQ_INDEX,
	VFIO_CCW_REQ_IRQ_INDEX,
	VFIO_CCW_NUM_IRQS
};

/*
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO: lists every device a bus reset of this
 * device would also reset.  -ENOSPC: argsz too small; -ENODEV: no hot reset.
 */
struct vfio_pci_dependent_device {
	__u32	group_id;
	__u16	segment;
	__u8	bus;
	__u8	devfn;		/* slot << 3 | function */
};

struct vfio_pci_hot_reset_info {
	__u32	argsz;
	__u32	flags;
	__u32	count;
	struct vfio_pci_dependent_device devices[];
};
#define VFIO_DEVICE_GET_PCI_HOT_RESET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 12)

/*
 * VFIO_DEVICE_PCI_HOT_RESET: resets the bus; group_fds[] must cover every
 * group the reset touches, as proof the caller owns them all.
 */
struct vfio_pci_hot_reset {
	__u32	argsz;
	__u32	flags;
	__u32	count;
	__s32	group_fds[];
};
#define VFIO_DEVICE_PCI_HOT_RESET	_IO(VFIO_TYPE, VFIO_BASE + 13)

/*
 * VFIO_DEVICE_QUERY_GFX_PLANE: describe a plane of a virtual GPU.
 *
 * PROBE together with DMABUF or REGION asks whether that way of exposing
 * planes is supported (0 or -EINVAL).  Without PROBE, exactly one of DMABUF
 * or REGION is set and the plane given by drm_plane_type is described.  A
 * plane the guest disabled reads back as all zero; x_hot/y_hot are
 * 0xffffffff when the cursor has no hotspot.
 */
struct vfio_device_gfx_plane_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_GFX_PLANE_TYPE_PROBE	(1 << 0)
#define VFIO_GFX_PLANE_TYPE_DMABUF	(1 << 1)
#define VFIO_GFX_PLANE_TYPE_REGION	(1 << 2)
	__u32	drm_plane_type;	/* in: DRM_PLANE_TYPE_* */
	__u32	drm_format;	/* out: DRM fourcc */
	__u64	drm_format_mod;	/* out: DRM format modifier (tiling) */
	__u32	width;		/* out: pixels */
	__u32	height;		/* out: pixels */
	__u32	stride;		/* out: bytes per line */
	__u32	size;		/* out: bytes, page aligned */
	__u32	x_pos;		/* out: cursor plane position */
	__u32	y_pos;
	__u32	x_hot;		/* out: cursor hotspot */
	__u32	y_hot;
	union {
		__u32	region_index;	/* with TYPE_REGION */
		__u32	dmabuf_id;	/* with TYPE_DMABUF */
	};
};
#define VFIO_DEVICE_QUERY_GFX_PLANE	_IO(VFIO_TYPE, VFIO_BASE + 14)

/*
 * Argument: a __u32 dmabuf_id from VFIO_DEVICE_QUERY_GFX_PLANE.  Returns a
 * dma-buf fd for that guest framebuffer.
 */
#define VFIO_DEVICE_GET_GFX_DMABUF	_IO(VFIO_TYPE, VFIO_BASE + 15)

/*
 * VFIO_DEVICE_IOEVENTFD: when fd is signalled the kernel itself writes data
 * (of the width given by one size flag) at offset in the device fd.  Support
 * is optional; vfio-pci does it for BARs other than the MSI-X table.
 */
struct vfio_device_ioeventfd {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_IOEVENTFD_8		(1 << 0)	/* byte */
#define VFIO_DEVICE_IOEVENTFD_16	(1 << 1)	/* 16 bit */
#define VFIO_DEVICE_IOEVENTFD_32	(1 << 2)	/* 32 bit */
#define VFIO_DEVICE_IOEVENTFD_64	(1 << 3)	/* 64 bit */
#define VFIO_DEVICE_IOEVENTFD_SIZE_MASK	(0xf)
	__u64	offset;		/* device fd offset to write to */
	__u64	data;		/* value to write */
	__s32	fd;		/* eventfd, or -1 to remove */
};
#define VFIO_DEVICE_IOEVENTFD		_IO(VFIO_TYPE, VFIO_BASE + 16)

/*
 * VFIO_DEVICE_FEATURE: get, set or probe one device feature.  The low 16
 * bits of flags pick the feature, data[] is its payload.  GET and SET
 * exclude each other; PROBE (alone or with GET and/or SET) just reports
 * whether those operations are supported and needs no payload.
 */
struct vfio_device_feature {
	__u32	argsz;
	__u32	flags;
#define VFIO_DEVICE_FEATURE_MASK	(0xffff)	/* feature number */
#define VFIO_DEVICE_FEATURE_GET		(1 << 16)	/* read into data[] */
#define VFIO_DEVICE_FEATURE_SET		(1 << 17)	/* write from data[] */
#define VFIO_DEVICE_FEATURE_PROBE	(1 << 18)	/* support check */
	__u8	data[];
};
#define VFIO_DEVICE_FEATURE		_IO(VFIO_TYPE, VFIO_BASE + 17)

/*
 * Feature 0 (SET): the SR-IOV VF token, a 16 byte UUID shared between PF
 * and VF users.  Only on a PF with SR-IOV on and no VF opened.
 */
#define VFIO_DEVICE_FEATURE_PCI_VF_TOKEN	(0)

/*
 * Feature 1 (GET): migration support.  If present, RUNNING and ERROR always
 * exist; STOP_COPY adds STOP, STOP_COPY and RESUMING (and is mandatory);
 * P2P on top of it adds RUNNING_P2P.
 */
struct vfio_device_feature_migration {
	__aligned_u64	flags;
#define VFIO_MIGRATION_STOP_COPY	(1 << 0)
#define VFIO_MIGRATION_P2P		(1 << 1)
};
#define VFIO_DEVICE_FEATURE_MIGRATION	1

/*
 * Feature 2: the migration state.  SET moves the device to device_state,
 * fully, before returning, taking the shortest path through the states
 * below.  If the step starts a data transfer, data_fd is a new fd that
 * carries the opaque device state: read() it while saving, write() it while
 * resuming; keep the byte order, chunking does not matter.  The caller must
 * close it.  On failure the device may be at any state along the path;
 * VFIO_DEVICE_RESET always brings it back to RUNNING.  GET reports the
 * current state, with data_fd set to -1.
 */
struct vfio_device_feature_mig_state {
	__u32	device_state;	/* enum vfio_device_mig_state */
	__s32	data_fd;
};
#define VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE	2

/*
 * Migration states.
 *
 * RUNNING:     normal operation.
 * STOP:        no DMA, no interrupts, no change of internal or external
 *              state; config space and MSI-X still answer.
 * STOP_COPY:   like STOP, while data_fd streams the state out (EOF = all
 *              of it).  Entered only from STOP.
 * RESUMING:    stopped, absorbing the state written to data_fd.  Entered
 *              only from STOP; leaving it for STOP validates and applies
 *              the data (and fails the SET if it is bad).
 * ERROR:       cannot be requested; reached when a failed step could not be
 *              undone.  Leave it with VFIO_DEVICE_RESET.
 * RUNNING_P2P: like RUNNING but starts no new peer to peer DMA, so several
 *              devices can be quiesced before any is stopped.  Optional.
 *
 * The user should not touch the device in STOP or STOP_COPY.  Optional states
 * can only be set when advertised by VFIO_DEVICE_FEATURE_MIGRATION.
 */
enum vfio_device_mig_state {
	VFIO_DEVICE_STATE_ERROR = 0,
	VFIO_DEVICE_STATE_STOP = 1,
	VFIO_DEVICE_STATE_RUNNING = 2,
	VFIO_DEVICE_STATE_STOP_COPY = 3,
	VFIO_DEVICE_STATE_RESUMING = 4,
	VFIO_DEVICE_STATE_RUNNING_P2P = 5,
};

/*
 * Feature 3 (SET, no payload): let runtime PM put the device in a low power
 * state.  Any access wakes it up again as needed; mmaps of the device are
 * blocked until LOW_POWER_EXIT.
 */
#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY	3

/*
 * Feature 4 (SET): as feature 3, but single shot: when the device wakes up,
 * wakeup_eventfd is signalled and it stays awake until entry is requested
 * again.  LOW_POWER_EXIT is optional after the signal.
 */
struct vfio_device_low_power_entry_with_wakeup {
	__s32	wakeup_eventfd;
	__u32	reserved;
};
#define VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP	4

/*
 * Feature 5 (SET, no payload): undo feature 3 or 4.  May itself fire the
 * wakeup eventfd if the device had been powered down.
 */
#define VFIO_DEVICE_FEATURE_LOW_POWER_EXIT	5

/*
 * Feature 6 (SET): have the device record its own DMA writes inside the
 * given IOVA ranges, for dirty page tracking during migration.  page_size is
 * a wish on input and the chosen granularity on output.  ranges points to
 * num_ranges struct vfio_device_feature_dma_logging_range; at least a page
 * worth of them is always accepted.  Only one start per stop.
 */
struct vfio_device_feature_dma_logging_control {
	__aligned_u64	page_size;
	__u32		num_ranges;
	__u32		__reserved;
	__aligned_u64	ranges;		/* user pointer */
};

struct vfio_device_feature_dma_logging_range {
	__aligned_u64	iova;
	__aligned_u64	length;
};
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_START	6

/* Feature 7 (SET, no payload): end what feature 6 started. */
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP	7

/*
 * Feature 8 (GET): fetch and clear the DMA write log for iova..iova+length.
 * bitmap points to __u64 words, one bit per page_size (any power of two),
 * bit n covering iova + n * page_size.  Bits are only ever set, so the
 * buffer must start zeroed.  After an error treat all memory as dirty.
 */
struct vfio_device_feature_dma_logging_report {
	__aligned_u64	iova;
	__aligned_u64	length;
	__aligned_u64	page_size;
	__aligned_u64	bitmap;		/* user pointer */
};
#define VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT	8

/* ---------------- Type1 IOMMU container ioctls ------------------------- */

/* VFIO_IOMMU_GET_INFO: the caller sets argsz. */
struct vfio_iommu_type1_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IOMMU_INFO_PGSIZES	(1 << 0)	/* iova_pgsizes is valid */
#define VFIO_IOMMU_INFO_CAPS	(1 << 1)	/* cap_offset is valid */
	__u64	iova_pgsizes;	/* each set bit is a usable page size */
	__u32	cap_offset;	/* first capability, see vfio_info_cap_header */
};

/*
 * IOMMU info capability 1, version 1: the IOVA ranges that can be mapped,
 * reserved regions of attached devices already carved out.
 */
#define VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE	1

struct vfio_iova_range {
	__u64	start;
	__u64	end;		/* inclusive */
};

struct vfio_iommu_type1_info_cap_iova_range {
	struct vfio_info_cap_header header;
	__u32	nr_iovas;
	__u32	reserved;
	struct vfio_iova_range iova_ranges[];
};

/*
 * IOMMU info capability 2, version 1: present when dirty page tracking
 * works.  pgsize_bitmap lists the tracking page sizes; max_dirty_bitmap_size
 * is the largest bitmap, in bytes, one request may ask for.
 */
#define VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION	2

struct vfio_iommu_type1_info_cap_migration {
	struct vfio_info_cap_header header;
	__u32	flags;
	__u64	pgsize_bitmap;
	__u64	max_dirty_bitmap_size;
};

/* IOMMU info capability 3, version 1: how many more mappings are allowed. */
#define VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL	3

struct vfio_iommu_type1_info_dma_avail {
	struct vfio_info_cap_header header;
	__u32	avail;
};

#define VFIO_IOMMU_GET_INFO		_IO(VFIO_TYPE, VFIO_BASE + 12)

/*
 * VFIO_IOMMU_MAP_DMA: map size bytes of process memory at vaddr to IO
 * address iova.  READ and/or WRITE are required.
 *
 * With VADDR only the process address of an existing mapping (invalidated
 * by VFIO_DMA_UNMAP_FLAG_VADDR) is replaced: iova and size must equal the
 * original ones, READ and WRITE must be clear, and the new vaddr must point
 * at the same memory, or the device will see the wrong data.
 */
struct vfio_iommu_type1_dma_map {
	__u32	argsz;
	__u32	flags;
#define VFIO_DMA_MAP_FLAG_READ	(1 << 0)	/* device may read */
#define VFIO_DMA_MAP_FLAG_WRITE	(1 << 1)	/* device may write */
#define VFIO_DMA_MAP_FLAG_VADDR	(1 << 2)	/* only update vaddr */
	__u64	vaddr;
	__u64	iova;
	__u64	size;		/* bytes */
};
#define VFIO_IOMMU_MAP_DMA		_IO(VFIO_TYPE, VFIO_BASE + 13)

/* A user supplied dirty bitmap: one bit per pgsize bytes of IOVA. */
struct vfio_bitmap {
	__u64	pgsize;		/* bytes covered by one bit */
	__u64	size;		/* bitmap length in bytes */
	__u64 __user *data;	/* zeroed by the caller */
};

/*
 * VFIO_IOMMU_UNMAP_DMA: unmap an IOVA range; size returns what was really
 * unmapped.  Splitting an earlier mapping is not guaranteed to work.
 *
 * GET_DIRTY_BITMAP: data[] holds a struct vfio_bitmap that receives the
 *                   dirty state of the range first.
 * ALL:              unmap everything; iova and size must be 0.
 * VADDR:            keep the mappings but forget their process addresses
 *                   (DMA continues) until VFIO_DMA_MAP_FLAG_VADDR supplies
 *                   new ones.  No group may join meanwhile.
 * Neither ALL nor VADDR goes with GET_DIRTY_BITMAP.
 */
struct vfio_iommu_type1_dma_unmap {
	__u32	argsz;
	__u32	flags;
#define VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP	(1 << 0)
#define VFIO_DMA_UNMAP_FLAG_ALL			(1 << 1)
#define VFIO_DMA_UNMAP_FLAG_VADDR		(1 << 2)
	__u64	iova;
	__u64	size;		/* bytes */
	__u8	data[];
};
#define VFIO_IOMMU_UNMAP_DMA		_IO(VFIO_TYPE, VFIO_BASE + 14)

/* No argument: switch IOMMU use of the container on or off. */
#define VFIO_IOMMU_ENABLE		_IO(VFIO_TYPE, VFIO_BASE + 15)
#define VFIO_IOMMU_DISABLE		_IO(VFIO_TYPE, VFIO_BASE + 16)

/*
 * VFIO_IOMMU_DIRTY_PAGES: container wide dirty page tracking, one flag per
 * call.  START and STOP control logging of pages devices may have written.
 * GET_BITMAP needs a struct vfio_iommu_type1_dirty_bitmap_get in data[]
 * (counted in argsz, the bitmap memory itself is not); the page size must be
 * the smallest supported one and the bitmap must start zeroed.  Fails when
 * logging is off.
 */
struct vfio_iommu_type1_dirty_bitmap {
	__u32	argsz;
	__u32	flags;
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_START	(1 << 0)
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP	(1 << 1)
#define VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP	(1 << 2)
	__u8	data[];
};

struct vfio_iommu_type1_dirty_bitmap_get {
	__u64	iova;		/* start of the range */
	__u64	size;		/* length of the range */
	struct vfio_bitmap bitmap;
};
#define VFIO_IOMMU_DIRTY_PAGES		_IO(VFIO_TYPE, VFIO_BASE + 17)

/* ---------------- sPAPR TCE (POWER) container ioctls ------------------- */

/*
 * Dynamic DMA window limits: pgsizes is a bitmap of usable page sizes,
 * levels the deepest TCE table tree that can be built.
 */
struct vfio_iommu_spapr_tce_ddw_info {
	__u64	pgsizes;
	__u32	max_dynamic_windows_supported;
	__u32	levels;
};

/*
 * VFIO_IOMMU_SPAPR_TCE_GET_INFO: the default 32 bit DMA window, given in
 * PCI bus addresses (IOVAs here are bus addresses, not offsets).  ddw is
 * only valid with VFIO_IOMMU_SPAPR_INFO_DDW.
 */
struct vfio_iommu_spapr_tce_info {
	__u32	argsz;
	__u32	flags;
#define VFIO_IOMMU_SPAPR_INFO_DDW	(1 << 0)	/* dynamic windows exist */
	__u32	dma32_window_start;	/* bytes */
	__u32	dma32_window_size;	/* bytes */
	struct vfio_iommu_spapr_tce_ddw_info ddw;
};
#define VFIO_IOMMU_SPAPR_TCE_GET_INFO	_IO(VFIO_TYPE, VFIO_BASE + 12)

/*
 * VFIO_EEH_PE_OP: one EEH operation on the container's partitionable
 * endpoint; op is a VFIO_EEH_PE_* code.  err is used by INJECT_ERR.
 */
struct vfio_eeh_pe_err {
	__u32	type;
	__u32	func;
	__u64	addr;
	__u64	mask;
};

struct vfio_eeh_pe_op {
	__u32	argsz;
	__u32	flags;
	__u32	op;
	union {
		struct vfio_eeh_pe_err err;
	};
};

#define VFIO_EEH_PE_DISABLE		0	/* EEH off */
#define VFIO_EEH_PE_ENABLE		1	/* EEH on */
#define VFIO_EEH_PE_UNFREEZE_IO		2	/* resume MMIO/PIO */
#define VFIO_EEH_PE_UNFREEZE_DMA	3	/* resume DMA */
#define VFIO_EEH_PE_GET_STATE		4	/* returns a VFIO_EEH_PE_STATE_* */
#define VFIO_EEH_PE_RESET_DEACTIVATE	5	/* release reset */
#define VFIO_EEH_PE_RESET_HOT		6	/* hold hot reset */
#define VFIO_EEH_PE_RESET_FUNDAMENTAL	7	/* hold fundamental reset */
#define VFIO_EEH_PE_CONFIGURE		8	/* reconfigure after reset */
#define VFIO_EEH_PE_INJECT_ERR		9	/* inject vfio_eeh_pe_err */

/* Results of VFIO_EEH_PE_GET_STATE. */
#define VFIO_EEH_PE_STATE_NORMAL	0	/* working */
#define VFIO_EEH_PE_STATE_RESET		1	/* being reset */
#define VFIO_EEH_PE_STATE_STOPPED	2	/* MMIO and DMA frozen */
#define VFIO_EEH_PE_STATE_STOPPED_DMA	4	/* DMA frozen */
#define VFIO_EEH_PE_STATE_UNAVAIL	5	/* unknown */

#define VFIO_EEH_PE_OP			_IO(VFIO_TYPE, VFIO_BASE + 21)

/*
 * VFIO_IOMMU_SPAPR_REGISTER_MEMORY: pin and account a range of process
 * memory up front, so later map/unmap calls on it are cheap.
 * VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY takes the same structure and undoes it.
 */
struct vfio_iommu_spapr_register_memory {
	__u32	argsz;
	__u32	flags;
	__u64	vaddr;
	__u64	size;		/* bytes */
};
#define VFIO_IOMMU_SPAPR_REGISTER_MEMORY	_IO(VFIO_TYPE, VFIO_BASE + 17)
#define VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY	_IO(VFIO_TYPE, VFIO_BASE + 18)

/*
 * VFIO_IOMMU_SPAPR_TCE_CREATE: build one more TCE table (a new DMA window)
 * and install it in every group of the container; start_addr returns its bus
 * address, which also serves as the window id.
 */
struct vfio_iommu_spapr_tce_create {
	__u32	argsz;
	__u32	flags;
	__u32	page_shift;	/* in: log2 of the IOMMU page size */
	__u32	__resv1;
	__u64	window_size;	/* in: bytes */
	__u32	levels;		/* in: TCE table depth */
	__u32	__resv2;
	__u64	start_addr;	/* out: window bus address */
};
#define VFIO_IOMMU_SPAPR_TCE_CREATE	_IO(VFIO_TYPE, VFIO_BASE + 19)

/* VFIO_IOMMU_SPAPR_TCE_REMOVE: tear down the window starting at start_addr. */
struct vfio_iommu_spapr_tce_remove {
	__u32	argsz;
	__u32	flags;
	__u64	start_addr;	/* in: window id from TCE_CREATE */
};
#define VFIO_IOMMU_SPAPR_TCE_REMOVE	_IO(VFIO_TYPE, VFIO_BASE + 20)

#endif /* _UAPI_VFIO_H */
