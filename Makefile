# SPDX-License-Identifier: GPL-2.0
#
# kbuddy: make [module] | deps | demo | check | style | clean
#   make                 build kbuddy.ko against the newest installed Debian headers (W=1)
#   make FLAVOUR=rt      ... against the newest Debian PREEMPT_RT (-rt-amd64) headers
#   make KDIR=/path      ... against another kernel build tree
#   make install         build kbuddy.ko alone (no test modules) for the running kernel and
#                        install it in /lib/modules/$(uname -r)/updates/, then depmod;
#                        KDIR= or FLAVOUR= as above pick another kernel, INSTALL_MOD_PATH=
#                        a staging or chroot root
#   make uninstall       remove it again (same variables), then depmod
#   make deps            install the Debian packages the other targets need
#   make demo            boot a VM, load kbuddy over a 64 MiB memmap= region, show it working
#   make unit            the userspace tests (tools/testing): no VM, under a minute
#   make check           every test: style, userspace, VM tests on Debian's 6.1, 6.12, 6.1-rt and
#                        6.12-rt, KUnit on the 6.12 debug kernel; the last line is "N passed, N failed"
#   make check KERNELS=6.1   ... VM tests on one Debian kernel series
#   make check-all       make check with KUnit on every debug kernel: 6.1, 6.12 and 6.12-rt (CI)
#   make kunit           only the KUnit suites (and stress) on the debug kernels of KUNIT_KERNELS
#   make kunit KUNIT_KDIR=/path  ... on a kernel build tree of one's own (kunit/.kunitconfig)
#   make stress          the long runs on Debian's kernels (KERNELS=): the debugfs fuzzer with
#                        10^6 inputs, 100 insmod/rmmod cycles, the concurrent stress for 150 s
#   make bench           kbuddy against the kernel's allocators in one VM run: ratios
#   make fuzz            the userspace model-based fuzzer, long run (64 seeds x 100000 steps)
#   make style           checkpatch --strict, kernel-doc and sparse (C=2) over the sources

# The newest Debian headers of the plain amd64 flavour; FLAVOUR=rt picks the
# PREEMPT_RT flavour (linux-headers-*-rt-amd64, which a bare *-amd64 glob
# also matches and sort -V would put last).
FLAVOUR ?=
# make install and uninstall are for the running kernel unless KDIR= or
# FLAVOUR= says otherwise, as for any out-of-tree module.
ifneq ($(filter install uninstall,$(MAKECMDGOALS)),)
ifeq ($(origin KDIR)$(FLAVOUR),undefined)
KRELEASE ?= $(shell uname -r)
KDIR := /lib/modules/$(KRELEASE)/build
endif
endif
ifeq ($(FLAVOUR),rt)
KDIR ?= $(shell ls -d /usr/src/linux-headers-*-rt-amd64 2>/dev/null | sort -V | tail -n 1)
else ifeq ($(FLAVOUR),)
KDIR ?= $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -- '-rt-amd64$$' | sort -V | tail -n 1)
else
$(error FLAVOUR=$(FLAVOUR): only FLAVOUR=rt or none)
endif
SOURCES := $(wildcard kernel/*.c kernel/*.h kunit/*.c kunit/*.h)
# Debian kernel series make check covers: Debian 12's two LTS kernels, plain
# and PREEMPT_RT.
KERNELS ?= 6.1 6.12 6.1-rt 6.12-rt
# Debug kernels (built once per machine from linux-source) that run KUnit:
# one for the developer loop, all three for CI (make check-all).
KUNIT_KERNELS ?= 6.12
ALL_KUNIT_KERNELS := 6.1 6.12 6.12-rt

.PHONY: all module install uninstall deps demo unit kunit check check-all stress bench fuzz style clean

all: module

module:
	@test -n "$(KDIR)" || { echo "no kernel headers found: run 'make deps' or pass KDIR="; exit 1; }
	@echo "kbuddy: building against $(KDIR)"
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# The release KDIR was built for: UTS_RELEASE, what uname -r says and the
# module's vermagic (not include/config/kernel.release, which says 6.1.192
# in Debian's 6.1.0-57-amd64 headers). modules_install is told it, as dkms
# does. KRELEASE= uninstalls for a kernel whose headers are gone.
KRELEASE ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
# modules_install runs depmod only where KDIR has a System.map, which Debian's
# headers do not: depmod runs here, on INSTALL_MOD_PATH's tree.
DEPMOD_CMD = depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)
# Debian's headers set CONFIG_MODULE_SIG_ALL but ship no signing key, and
# modules_install would print sign-file's errors and install the module
# unsigned: sign only where KDIR has the key (or it is a pkcs11: URI).
SIG_KEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"$$/\1/p' $(KDIR)/.config 2>/dev/null)
NO_SIGN = $(if $(SIG_KEY),$(if $(filter pkcs11:%,$(SIG_KEY))$(wildcard $(KDIR)/$(SIG_KEY) $(filter /%,$(SIG_KEY))),,CONFIG_MODULE_SIG_ALL=))

# KBUDDY_TEST_MODULES=n (Kbuild): kbuddy.ko alone, so that modules.order and
# modules_install see no test module.
install:
	@test -f "$(KDIR)/Makefile" || { echo "install: no kernel build tree at '$(KDIR)': install linux-headers-$$(uname -r), or pass KDIR= or FLAVOUR="; exit 1; }
	@test -n "$(KRELEASE)" || { echo "install: no UTS_RELEASE in $(KDIR)/include/generated/utsrelease.h"; exit 1; }
	@echo "kbuddy: installing for $(KRELEASE) ($(KDIR)) in $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/updates"
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 KBUDDY_TEST_MODULES=n modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) KBUDDY_TEST_MODULES=n KERNELRELEASE=$(KRELEASE) \
		INSTALL_MOD_DIR=updates $(NO_SIGN) modules_install
	$(DEPMOD_CMD)

uninstall:
	@test -n "$(KRELEASE)" || { echo "uninstall: no kernel release: pass KRELEASE=, KDIR= or FLAVOUR="; exit 1; }
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/updates/kbuddy.ko $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/updates/kbuddy.ko.*
	$(DEPMOD_CMD)

deps:
	@tools/deps.sh

demo: deps
	@tools/vm/demo.sh

unit:
	@tools/check.sh unit

kunit: deps
	@KUNIT_KERNELS="$(KUNIT_KERNELS)" tools/check.sh kunit

check: deps
	@KERNELS="$(KERNELS)" KUNIT_KERNELS="$(KUNIT_KERNELS)" tools/check.sh

check-all: deps
	@KERNELS="$(KERNELS)" KUNIT_KERNELS="$(ALL_KUNIT_KERNELS)" tools/check.sh

stress: deps
	@KERNELS="$(KERNELS)" tools/check.sh stress

bench: deps
	@tools/bench/run.sh

fuzz:
	@$(MAKE) -s -C tools/testing fuzz-long

style:
	@tools/style.sh $(SOURCES)

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf build
