// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci: the generic VFIO driver for PCI functions.
 *
 * It binds only to functions an administrator points at it, through
 * driver_override or the ids= parameter, and hands them to userspace with
 * the vfio-pci-core helpers.  Vendor variant drivers are built the same way
 * and may reuse any of these callbacks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vfio_pci_core.h>

static char ids[1024] __initdata;
module_param_string(ids, ids, sizeof(ids), 0);
MODULE_PARM_DESC(ids, "PCI IDs to bind at load time, comma separated, in hex: \"vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]\"");

module_param_named(nointxmask, vfio_pci_core_nointxmask, bool, 0644);
MODULE_PARM_DESC(nointxmask, "Do not mask INTx with the PCI 2.3 INTx Disable bit: mask the interrupt line instead, which then cannot be shared");

#if VFIO_PCI_CORE_VGA	/* config space and regions: vga.c */
module_param_named(disable_vga, vfio_pci_core_disable_vga, bool, 0444);
MODULE_PARM_DESC(disable_vga, "Disable VGA resource access through vfio-pci");
#endif

/*
 * reset, power management, SR-IOV.  disable_idle_d3 is handed to the core
 * when the module loads (a later write has no effect until it is loaded
 * again), so loading it without the parameter always means off.
 */
static bool disable_idle_d3;
module_param(disable_idle_d3, bool, 0644);
MODULE_PARM_DESC(disable_idle_d3, "Keep devices nobody has open in D0 instead of putting them in a low power state (D3hot)");

static bool enable_sriov;
#ifdef CONFIG_PCI_IOV
module_param(enable_sriov, bool, 0644);
MODULE_PARM_DESC(enable_sriov, "Let sriov_numvfs create VFs of a PF bound to vfio-pci.  The VFs usually only work if the PF's user (its userspace driver) supports them");
#endif

static bool disable_denylist;
module_param(disable_denylist, bool, 0444);
MODULE_PARM_DESC(disable_denylist, "Also bind to devices whose errata make them unsafe to give to an untrusted user");

/* Devices with errata that let their user harm the host */
static const struct pci_device_id vfio_pci_denylist[] = {
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C3XXX) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C3XXX_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C62X) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C62X_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_DH895XCC) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_DH895XCC_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_DSA_SPR0) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_IAX_SPR0) },
	{}
};

static bool vfio_pci_denied(struct pci_dev *pdev)
{
	if (!pci_match_id(vfio_pci_denylist, pdev))
		return false;

	if (disable_denylist) {
		pci_warn(pdev, "%04x:%04x is on the vfio-pci denylist, binding anyway (disable_denylist)\n",
			 pdev->vendor, pdev->device);
		return false;
	}
	pci_warn(pdev, "%04x:%04x is on the vfio-pci denylist (unsafe errata), not binding\n",
		 pdev->vendor, pdev->device);
	return true;
}

static int vfio_pci_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;

	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops vfio_pci_ops = {
	.name		= "vfio-pci",
	.open_device	= vfio_pci_open_device,
	.close_device	= vfio_pci_core_close_device,
	.ioctl		= vfio_pci_core_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_pci_core_read,
	.write		= vfio_pci_core_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
};

static int vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_core_device *vdev;
	int ret;

	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL) {
		pci_info(pdev, "not binding: config header type %#x is a bridge, vfio-pci assigns normal functions only\n",
			 pdev->hdr_type);
		return -EINVAL;
	}

	if (vfio_pci_denied(pdev))
		return -EINVAL;

	vdev = kzalloc(sizeof(*vdev), GFP_KERNEL);
	if (!vdev)
		return -ENOMEM;

	vfio_pci_core_init_device(vdev, pdev, &vfio_pci_ops);
	dev_set_drvdata(&pdev->dev, vdev);

	ret = vfio_pci_core_register_device(vdev);
	if (ret)
		goto out_uninit;
	return 0;

out_uninit:
	vfio_pci_core_uninit_device(vdev);
	kfree(vdev);
	return ret;
}

static void vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_pci_core_uninit_device(vdev);
	kfree(vdev);
}

static int vfio_pci_sriov_configure(struct pci_dev *pdev, int nr_virtfn)
{
	if (!enable_sriov) {
		pci_info(pdev, "vfio-pci creates VFs only with enable_sriov=1\n");
		return -ENOENT;
	}
	return vfio_pci_core_sriov_configure(dev_get_drvdata(&pdev->dev),
					     nr_virtfn);
}

/* Any function, but only once driver_override names this driver */
static const struct pci_device_id vfio_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, vfio_pci_table);

static struct pci_driver vfio_pci_driver = {
	.name			= "vfio-pci",
	.id_table		= vfio_pci_table,
	.probe			= vfio_pci_probe,
	.remove			= vfio_pci_remove,
	.sriov_configure	= vfio_pci_sriov_configure,
	.err_handler		= &vfio_pci_core_err_handlers,
	.driver_managed_dma	= true,
};

/*
 * Parse "vendor:device[:subvendor[:subdevice[:class[:class_mask]]]]" (hex)
 * into @f: vendor, device, subvendor, subdevice, class, class_mask.
 */
static int __init vfio_pci_parse_id(char *str, u32 f[6])
{
	unsigned int n = 0;
	char *field;

	f[2] = PCI_ANY_ID;
	f[3] = PCI_ANY_ID;
	f[4] = 0;
	f[5] = 0;

	while ((field = strsep(&str, ":"))) {
		if (n == 6 || kstrtou32(field, 16, &f[n]))
			return -EINVAL;
		n++;
	}
	return n < 2 ? -EINVAL : 0;
}

static void __init vfio_pci_add_ids(void)
{
	char *p = ids, *id, desc[64];
	u32 f[6];
	int ret;

	while ((id = strsep(&p, ","))) {
		id = strim(id);
		if (!*id)
			continue;
		strscpy(desc, id, sizeof(desc));

		if (vfio_pci_parse_id(id, f)) {
			pr_warn("ids: ignoring \"%s\", expected vendor:device[:subvendor[:subdevice[:class[:class_mask]]]] in hex\n",
				desc);
			continue;
		}

		ret = pci_add_dynid(&vfio_pci_driver, f[0], f[1], f[2], f[3],
				    f[4], f[5], 0);
		if (ret)
			pr_warn("ids: cannot add \"%s\": %d\n", desc, ret);
		else
			pr_info("ids: added %04x:%04x sub %04x:%04x class %06x/%06x\n",
				f[0], f[1], f[2], f[3], f[4], f[5]);
	}
}

static int __init vfio_pci_init(void)
{
	int ret;

	WRITE_ONCE(vfio_pci_core_disable_idle_d3, disable_idle_d3);

	ret = pci_register_driver(&vfio_pci_driver);
	if (ret)
		return ret;

	vfio_pci_add_ids();

	if (disable_denylist)
		pr_warn("device denylist disabled\n");
	return 0;
}
module_init(vfio_pci_init);

static void __exit vfio_pci_exit(void)
{
	pci_unregister_driver(&vfio_pci_driver);
	/*
	 * nointxmask and disable_vga live in the core, which outlives us: the
	 * next load of vfio-pci must start from the defaults again.
	 */
	WRITE_ONCE(vfio_pci_core_nointxmask, false);
	WRITE_ONCE(vfio_pci_core_disable_vga, false);
}
module_exit(vfio_pci_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO driver for PCI functions");
