// SPDX-License-Identifier: GPL-2.0-only
/*
 * type1: what a container tells userspace about itself:
 * VFIO_CHECK_EXTENSION answers and VFIO_IOMMU_GET_INFO with its capability
 * chain (usable IOVA ranges, migration/dirty logging, mappings left).
 */
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "type1.h"

/* VFIO_DMA_CC_IOMMU: every domain blocks non-coherent (no-snoop) DMA. */
static bool vfio_domains_enforce_coherency(struct vfio_iommu *iommu)
{
	struct vfio_domain *domain;
	bool ret = true;

	mutex_lock(&iommu->lock);
	list_for_each_entry(domain, &iommu->domain_list, next) {
		if (!domain->enforce_cache_coherency) {
			ret = false;
			break;
		}
	}
	mutex_unlock(&iommu->lock);
	return ret;
}

static bool vfio_iommu_has_emulated(struct vfio_iommu *iommu)
{
	bool ret;

	mutex_lock(&iommu->lock);
	ret = !list_empty(&iommu->emulated_iommu_groups);
	mutex_unlock(&iommu->lock);
	return ret;
}

/**
 * type1_check_extension - VFIO_CHECK_EXTENSION
 * @iommu: the container, or NULL before VFIO_SET_IOMMU
 * @arg: the extension
 *
 * Return: 1 if supported, else 0.
 */
int type1_check_extension(struct vfio_iommu *iommu, unsigned long arg)
{
	switch (arg) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_TYPE1_NESTING_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_UPDATE_VADDR:
		/* Emulated devices cannot pin or rw while vaddrs are gone. */
		return iommu && !vfio_iommu_has_emulated(iommu);
	case VFIO_DMA_CC_IOMMU:
		return iommu && vfio_domains_enforce_coherency(iommu);
	default:
		return 0;
	}
}

static int vfio_build_cap_iova_range(struct vfio_iommu *iommu,
				     struct vfio_info_cap *caps)
{
	struct vfio_iommu_type1_info_cap_iova_range *cap;
	struct vfio_info_cap_header *header;
	struct vfio_iova *iova;
	u32 nr = 0, i = 0;

	list_for_each_entry(iova, &iommu->iova_list, list)
		nr++;
	/* Emulated groups only: no IOMMU, no list, no capability. */
	if (!nr)
		return 0;

	header = vfio_info_cap_add(caps, struct_size(cap, iova_ranges, nr),
				   VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1);
	if (IS_ERR(header))
		return PTR_ERR(header);

	cap = container_of(header, struct vfio_iommu_type1_info_cap_iova_range,
			   header);
	cap->nr_iovas = nr;
	list_for_each_entry(iova, &iommu->iova_list, list) {
		cap->iova_ranges[i].start = iova->start;
		cap->iova_ranges[i].end = iova->end;
		i++;
	}
	return 0;
}

static int vfio_build_cap_migration(struct vfio_iommu *iommu,
				    struct vfio_info_cap *caps)
{
	struct vfio_iommu_type1_info_cap_migration cap = {
		.header.id = VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION,
		.header.version = 1,
		/* dirty bits are kept at the smallest page size only */
		.pgsize_bitmap = vfio_pgsize(iommu),
		.max_dirty_bitmap_size = DIRTY_BITMAP_SIZE_MAX,
	};

	return vfio_info_add_capability(caps, &cap.header, sizeof(cap));
}

static int vfio_build_cap_dma_avail(struct vfio_iommu *iommu,
				    struct vfio_info_cap *caps)
{
	struct vfio_iommu_type1_info_dma_avail cap = {
		.header.id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL,
		.header.version = 1,
		.avail = iommu->dma_avail,
	};

	return vfio_info_add_capability(caps, &cap.header, sizeof(cap));
}

/**
 * type1_get_info - VFIO_IOMMU_GET_INFO
 * @iommu: the container
 * @hdr: the user's struct vfio_iommu_type1_info up to iova_pgsizes,
 *	 argsz checked
 * @arg: user pointer to it
 *
 * Old userspace knows no cap_offset: it gets exactly the fields it asked
 * for.  Newer userspace whose buffer is too small for the capabilities
 * learns the size it needs from argsz (cap_offset stays 0).
 *
 * Return: 0 or a negative errno.
 */
int type1_get_info(struct vfio_iommu *iommu, void *hdr, void __user *arg)
{
	const size_t capsz = offsetofend(struct vfio_iommu_type1_info,
					 cap_offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_iommu_type1_info info = {};
	size_t copysz;
	int ret;

	memcpy(&info, hdr, offsetofend(struct vfio_iommu_type1_info,
				       iova_pgsizes));
	copysz = offsetofend(struct vfio_iommu_type1_info, iova_pgsizes);
	if (info.argsz >= capsz)
		copysz = capsz;	/* cap_offset is output only */
	info.cap_offset = 0;

	mutex_lock(&iommu->lock);
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = iommu->pgsize_bitmap;
	/* With disable_hugepages only the smallest page size is used. */
	if (READ_ONCE(type1_disable_hugepages))
		info.iova_pgsizes = vfio_pgsize(iommu);

	ret = vfio_build_cap_migration(iommu, &caps);
	if (!ret)
		ret = vfio_build_cap_dma_avail(iommu, &caps);
	if (!ret)
		ret = vfio_build_cap_iova_range(iommu, &caps);
	mutex_unlock(&iommu->lock);
	if (ret)
		goto out_free;

	if (caps.size) {
		info.flags |= VFIO_IOMMU_INFO_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			/* too small: say how much is needed */
			info.argsz = sizeof(info) + caps.size;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + sizeof(info), caps.buf,
					 caps.size)) {
				ret = -EFAULT;
				goto out_free;
			}
			info.cap_offset = sizeof(info);
		}
	}

	if (copy_to_user(arg, &info, copysz))
		ret = -EFAULT;
out_free:
	kfree(caps.buf);
	return ret;
}
