# SPDX-License-Identifier: GPL-2.0
#
# Front door of the out-of-tree VFIO stack.
#
#   make [ARCH=x86|arm64|powerpc] [KDIR=...]   build the modules
#   make deps        install build/test dependencies (idempotent)
#   make demo        boot a VM, load our stack, pass the edu device through
#   make check       everything: builds, sparse, checkpatch, VM suites
#   make check-quick VM suite on the stock Debian kernel only
#   make bench       our modules against the in-tree ones, as ratios
#
# Kernel builds are delegated to kbuild (make -C $(KDIR) M=$(CURDIR)).

VFIO_ROOT := $(CURDIR)
export VFIO_CACHE ?= $(HOME)/.cache/vfio-oot

HOSTARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
			-e 's/ppc64le/powerpc/')
ARCH ?= $(HOSTARCH)
override ARCH := $(patsubst x86_64,x86,$(ARCH))

ifeq ($(ARCH),x86)
CROSS_COMPILE ?=
else ifeq ($(ARCH),arm64)
CROSS_COMPILE ?= aarch64-linux-gnu-
else ifeq ($(ARCH),powerpc)
CROSS_COMPILE ?= powerpc64le-linux-gnu-
else
$(error unsupported ARCH=$(ARCH): use x86, arm64 or powerpc)
endif

# Headers tree: set-up records where it put each architecture's tree.
KDIR ?= $(shell cat $(VFIO_CACHE)/$(ARCH)/kdir 2>/dev/null)
ifeq ($(KDIR),)
KDIR := /lib/modules/$(shell uname -r)/build
endif

# Per-architecture choice of modules, handed to kbuild as CONFIG_ variables.
VFIO_CONFIG := $(VFIO_ROOT)/scripts/configs/$(ARCH).config
# Every option our Kconfig files declare is first cleared, so the target
# kernel's own CONFIG_VFIO_* values (from its auto.conf) never leak in.
VFIO_KCONFIGS := $(shell find $(VFIO_ROOT) -name Kconfig -not -path '*/.git/*')
VFIO_OPTIONS := $(shell sed -n 's/^\(menu\)\?config \([A-Z0-9_]*\)/CONFIG_\2/p' \
		  $(VFIO_KCONFIGS))
KCONFIG_ARGS := $(addsuffix =,$(VFIO_OPTIONS)) \
		$(shell grep -E '^CONFIG_[A-Z0-9_]+=' $(VFIO_CONFIG))

KBUILD_ARGS := -C $(KDIR) M=$(VFIO_ROOT) ARCH=$(ARCH) \
	       CROSS_COMPILE=$(CROSS_COMPILE) $(KCONFIG_ARGS)

.PHONY: all modules clean
all: modules

modules:
	$(MAKE) $(KBUILD_ARGS) modules

clean:
	$(MAKE) $(KBUILD_ARGS) clean

# ---- set-up, tests and the demo (see README.md) ----
.PHONY: deps check check-quick demo selftests bench

deps:
	$(VFIO_ROOT)/scripts/deps.sh

check:
	$(VFIO_ROOT)/tools/testing/check.sh full

check-quick:
	$(VFIO_ROOT)/tools/testing/check.sh quick

selftests:
	$(MAKE) -C tools/testing/selftests/vfio O=$(VFIO_ROOT)/build/selftests/x86

demo:
	$(VFIO_ROOT)/tools/testing/demo.sh
bench:
	$(VFIO_ROOT)/tools/testing/bench.sh
