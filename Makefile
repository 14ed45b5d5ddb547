# mmretry: build, test and benchmark. `make help` lists the targets.
OUTPUT      := build
CLANG       ?= clang
LLVM_STRIP  ?= llvm-strip
BPFTOOL     ?= bpftool
CC          ?= cc
ARCH        := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

VERSION     := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
CFLAGS      ?= -O2 -g
CFLAGS      += -Wall -Wextra -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE \
               -I$(OUTPUT) -I. -Iuser $(shell pkg-config --cflags libxml-2.0) \
               -DMMRETRY_VERSION='"$(VERSION)"'
DEPFLAGS     = -MMD -MP
BPF_CFLAGS  := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I. -Ibpf -Wall \
               -Wno-unused-function
# what the pure library needs (no libbpf: the linker holds it to that),
# what tracing adds, and what only the commands use
PURE_LIBS   := -ljansson -lyaml -lxml2 -lm
TRACE_LIBS  := -lbpf -lelf -lz
LIBS        := $(TRACE_LIBS) $(PURE_LIBS) -lmicrohttpd -lpthread

# V=1 prints each command in full
ifeq ($(V),1)
Q           :=
say         :=
else
Q           := @
say          = @printf '  %-7s %s\n' $(1) $(2);
endif

# user/ by role (README "Layout"): cli/ the commands; trace/ kernel probing,
# the plan, the engine and the loaders (the only code that links libbpf);
# the rest is pure and builds as one library the unit tests link.
BPF_OBJS    := faults mmap_lock anon_vma probe
SKELS       := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_OBJS))
PURE_DIRS   := lib stats report record gate model
PURE_SRCS   := $(foreach d,$(PURE_DIRS),$(wildcard user/$(d)/*.c))
TRACE_SRCS  := $(wildcard user/trace/*.c)
CLI_SRCS    := $(wildcard user/cli/*.c)
PURE_OBJS   := $(patsubst user/%.c,$(OUTPUT)/%.o,$(PURE_SRCS))
TRACE_OBJS  := $(patsubst user/%.c,$(OUTPUT)/%.o,$(TRACE_SRCS))
CLI_OBJS    := $(patsubst user/%.c,$(OUTPUT)/%.o,$(CLI_SRCS))
PURE_LIB    := $(OUTPUT)/libmmretry-pure.a
TRACE_LIB   := $(OUTPUT)/libmmretry-trace.a
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(wildcard tests/unit/test_*.c))
# unit tests of trace/ code link libbpf too; the others cannot
UNIT_TRACE  := test_kfeatures test_acct
GEN         := tools/mmretry-gen
GEN_SRCS    := $(wildcard tools/gen/*.c)
# man pages: docs/man/NAME.SECTION.scd, turned into roff by scdoc at build
# time; bash completion: one script asking the binary for its own lists
MAN_SRCS    := $(wildcard docs/man/*.scd)
MAN_PAGES   := $(patsubst docs/man/%.scd,$(OUTPUT)/man/%,$(MAN_SRCS))
COMPLETION  := packaging/bash-completion/mmretry
# make install: PREFIX and DESTDIR as usual; the unit's directory apart,
# since Debian 12's debhelper looks for units in /lib/systemd/system only
PREFIX      ?= /usr/local
SBINDIR     := $(PREFIX)/sbin
MAN8DIR     := $(PREFIX)/share/man/man8
COMPLDIR    := $(PREFIX)/share/bash-completion/completions
DOCDIR      := $(PREFIX)/share/doc/mmretry
UNITDIR     ?= $(PREFIX)/lib/systemd/system
UNIT        := $(OUTPUT)/mmretry-export.service
DOCS        := README.md $(wildcard docs/*.md) packaging/mmretry-alerts.yml \
               packaging/prometheus-scrape.yml packaging/grafana-dashboard.json

.SECONDARY:
.PHONY: all clean deps demo vmlinux test unit live vmtest vmtest-full bench vmbench help man \
	install uninstall deb FORCE
all: mmretry $(GEN) man $(UNIT)

man: $(MAN_PAGES)

$(OUTPUT)/man/%: docs/man/%.scd
	@mkdir -p $(@D)
	$(call say,SCDOC,$@)scdoc <$< >$@.tmp && mv $@.tmp $@

# the exporter's unit names the installed binary and docs; rebuilt when
# PREFIX (or UNITDIR) changes, through the stamp of what it was made for
$(UNIT): packaging/mmretry-export.service.in $(OUTPUT)/install-dirs | $(OUTPUT)
	$(call say,GEN,$@)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' $< >$@.tmp && \
		mv $@.tmp $@
$(OUTPUT)/install-dirs: FORCE | $(OUTPUT)
	@echo '$(SBINDIR) $(DOCDIR)' | cmp -s - $@ || echo '$(SBINDIR) $(DOCDIR)' >$@
FORCE:

# the generator (tools/mmretry-gen) is a test tool: not installed
install: mmretry man $(UNIT)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR)
	install -m 755 mmretry $(DESTDIR)$(SBINDIR)/mmretry
	$(if $(MAN_PAGES),install -m 644 -D -t $(DESTDIR)$(MAN8DIR) $(MAN_PAGES))
	$(if $(wildcard $(COMPLETION)),install -m 644 -D $(COMPLETION) $(DESTDIR)$(COMPLDIR)/mmretry)
	install -m 644 $(UNIT) $(DESTDIR)$(UNITDIR)/mmretry-export.service
	install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/

# What install put there: its files and the doc directory. The shared
# directories (sbin, man8...) may have been there before, so they stay;
# under a DESTDIR, a staging tree, those left empty go too, up to DESTDIR.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/mmretry $(DESTDIR)$(COMPLDIR)/mmretry \
		$(DESTDIR)$(UNITDIR)/mmretry-export.service \
		$(addprefix $(DESTDIR)$(MAN8DIR)/,$(notdir $(MAN_PAGES))) \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS)))
	! [ -d $(DESTDIR)$(DOCDIR) ] || rmdir $(DESTDIR)$(DOCDIR)
	$(if $(DESTDIR),@for d in $(SBINDIR) $(MAN8DIR) $(COMPLDIR) $(UNITDIR) $(DOCDIR); do \
		while [ "$${d%/*}" != "$$d" ]; do \
			[ ! -d "$(DESTDIR)$$d" ] || rmdir "$(DESTDIR)$$d" 2>/dev/null || break; \
			d=$${d%/*}; \
		done; \
	done)

# The Debian package, built from a copy of the tree in build/deb/src (the
# files git tracks, as the working tree has them), since
# dpkg-buildpackage writes into the parent directory: the .deb, .buildinfo
# and .changes land in build/deb. The binary says the package's version
# and this tree's commit.
DEB_DIR     := $(OUTPUT)/deb
deb:
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	@git ls-files -z | xargs -0 sh -c 'for f; do [ ! -e "$$f" ] || printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -xf - -C $(DEB_DIR)/src
	cd $(DEB_DIR)/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL MMRETRY_GIT=$(VERSION) \
		DEB_BUILD_OPTIONS="parallel=2 $(DEB_BUILD_OPTIONS)" dpkg-buildpackage -b -us -uc
	@ls $(DEB_DIR)/*.deb

help:
	@echo 'make            build ./mmretry and tools/mmretry-gen'
	@echo 'make deps       install the Debian packages the build and tests need'
	@echo 'make demo       deps, build, then mmretry stat over the workload mix (root)'
	@echo 'make test       deps, build, unit, live (root) and VM matrix tests'
	@echo 'make unit       unit tests, man pages and completion (no root, no kernel)'
	@echo 'make live       live tests on this kernel (root)'
	@echo 'make fuzz       fuzz the parsers and the recording reader, 10 min each (FUZZ_SECONDS)'
	@echo 'make fuzz-smoke the fuzz targets over their seed corpus once (in make test)'
	@echo 'make bench      attach time, and the overhead of mmretry stat on faults and on'
	@echo '                mmap/munmap (root; BENCH_BASELINE=BINARY beside another build)'
	@echo 'make vmbench    each mode against a bare fexit counter on the fault and mmap'
	@echo '                loops, in one 6.12 and one 7.2 guest (VMBENCH_KERNELS; ~30 min)'
	@echo 'make vmtest     the VM suite on Debian kernels under QEMU (KERNELS="6.12"),'
	@echo '                each guest within VM_BUDGET seconds (in make test)'
	@echo 'make vmtest-full every VM check in every mode (not in make test)'
	@echo 'make vmlinux    regenerate vmlinux.h from this kernel'
	@echo 'make install    install the binary, man pages, bash completion, docs and the'
	@echo '                exporter'"'"'s systemd unit (PREFIX=/usr/local, DESTDIR)'
	@echo 'make uninstall  remove what make install put there (same PREFIX, DESTDIR)'
	@echo 'make deb        the Debian package, in build/deb (dpkg -i build/deb/mmretry_*.deb)'
	@echo 'V=1             print each build command in full'

deps:
	@tools/deps.sh

demo: deps
	$(MAKE) all
	./mmretry stat -- tools/mmretry-gen mix

vmlinux:
	tools/vmlinux.sh > vmlinux.h.tmp && mv vmlinux.h.tmp vmlinux.h

$(OUTPUT) $(OUTPUT)/tests:
	mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c vmlinux.h | $(OUTPUT)
	$(call say,BPF,$@)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call say,GEN-SKEL,$@)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# only a loader includes a skeleton
$(OUTPUT)/trace/faults.o: $(OUTPUT)/faults.skel.h
$(OUTPUT)/trace/mmap_lock.o: $(OUTPUT)/mmap_lock.skel.h
$(OUTPUT)/trace/anon_vma.o: $(OUTPUT)/anon_vma.skel.h
$(OUTPUT)/trace/kfeatures.o: $(OUTPUT)/probe.skel.h

$(OUTPUT)/%.o: user/%.c | $(OUTPUT)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(PURE_LIB): $(PURE_OBJS)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(TRACE_LIB): $(TRACE_OBJS)
	$(call say,AR,$@)rm -f $@ && $(AR) rcs $@ $^

mmretry: $(CLI_OBJS) $(TRACE_LIB) $(PURE_LIB)
	$(call say,LINK,$@)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

$(GEN): $(GEN_SRCS) tools/gen/*.h
	$(call say,CC,$@)$(CC) -O2 -g -Wall -Wextra -pthread -o $@ $(GEN_SRCS)

# A unit test links the pure library, the objects it names below, and
# libbpf only if it is one of UNIT_TRACE.
$(OUTPUT)/tests/%: tests/unit/%.c $(PURE_LIB) | $(OUTPUT)/tests
	$(call say,CC,$@)$(CC) $(CFLAGS) $(DEPFLAGS) $< $(filter %.o,$^) $(PURE_LIB) $(PURE_LIBS) \
		-lcmocka -o $@
$(patsubst %,$(OUTPUT)/tests/%,$(UNIT_TRACE)): $(OUTPUT)/tests/%: tests/unit/%.c $(TRACE_LIB) $(PURE_LIB) | $(OUTPUT)/tests
	$(call say,CC,$@)$(CC) $(CFLAGS) $(DEPFLAGS) $< $(TRACE_LIB) $(PURE_LIB) $(LIBS) -lcmocka -o $@
$(OUTPUT)/tests/test_plan $(OUTPUT)/tests/test_abi: $(OUTPUT)/trace/plan.o
$(OUTPUT)/tests/test_recfile: $(OUTPUT)/cli/cmd_dump.o $(OUTPUT)/cli/options.o
# the commands' option parsers live in the commands: this test links them all
$(OUTPUT)/tests/test_options: tests/unit/test_options.c $(filter-out %/main.o,$(CLI_OBJS)) \
		$(TRACE_LIB) $(PURE_LIB) | $(OUTPUT)/tests
	$(call say,CC,$@)$(CC) $(CFLAGS) $(DEPFLAGS) $< $(filter %.o,$^) $(TRACE_LIB) $(PURE_LIB) \
		$(LIBS) -lcmocka -o $@

-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/*/*.d $(OUTPUT)/tests/*.d)

# tests/docs/run.sh holds the man pages and the completion to the binary
unit: $(UNIT_TESTS) mmretry $(MAN_PAGES)
	@tests/unit/run.sh $(UNIT_TESTS)
	@tests/docs/run.sh

live: all
	@tests/live/run.sh
	@tests/cli/run.sh
	@tests/export/run.sh
	@tests/export/packaging.sh
	@tests/check/run.sh
	@tests/model/live.sh
	@tests/record/run.sh
	@tests/top/run.sh
	@tests/package/run.sh

# The QEMU kernel matrix (tools/vmtest): KERNELS="6.12" for a subset; VM_JOBS
# guests at once (each TCG guest keeps one host CPU busy). make test boots
# each kernel once per part of tests/vm/run (VM_PARTS: 1, the live tests in
# fentry mode and the model's judgment of them; 2, the kprobe and tracepoint
# passes and the front ends' suites), a guest each. VM_BUDGET is each
# guest's time in make test, in seconds, and its timeout: the README's
# figure; vmtest prints each guest's share of it and each section's time.
# vmtest-full runs every check in every mode (tests/vm/run --full), one
# guest per kernel.
KERNELS     ?= 6.1 6.12 7.2
VM_PARTS    ?= 1 2
VM_JOBS     ?= 2
VM_BUDGET   ?= 720
VM_FULL_BUDGET ?= 1800
# tmux for tests/top/run.sh's terminal checks, with the terminfo entries of
# its panes (default-terminal tmux-256color; screen for older defaults) and
# the C.UTF-8 locale it insists on
VM_TOOLS    := /usr/bin/bash /usr/bin/jq /usr/sbin/bpftool /usr/bin/setpriv /usr/bin/curl \
               /usr/bin/prometheus /usr/bin/promtool /usr/bin/tmux \
               /lib/terminfo/t/tmux-256color /lib/terminfo/s/screen /usr/lib/locale/C.utf8 \
               tests/lib.sh tests/live/run.sh tests/export/run.sh tests/check/run.sh tests/model/live.sh \
               tests/record/run.sh tests/top/run.sh
VMTEST      = tools/vmtest -j $(VM_JOBS) $(foreach t,$(VM_TOOLS),-i $(t))
vmtest: all
	@tools/deps.sh --vm
	$(VMTEST) $(foreach k,$(KERNELS),$(foreach p,$(VM_PARTS),-k $(k):$(p))) \
		-t $(VM_BUDGET) -- tests/vm/run

vmtest-full: all
	@tools/deps.sh --vm
	$(VMTEST) $(foreach k,$(KERNELS),-k $(k)) -t $(VM_FULL_BUDGET) -- tests/vm/run --full

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) fuzz-smoke
	$(MAKE) live
	$(MAKE) vmtest

# the guest benchmark's bare fentry+fexit counter (its floor) and its
# baseline (a pair on a function the loops never call); the mmap_lock
# tracepoints' floors (make bench's lock_overhead.sh)
BENCH_TOOLS := $(OUTPUT)/bench/floor $(OUTPUT)/bench/floor.bpf.o
$(OUTPUT)/bench/%.bpf.o: tests/bench/%.bpf.c vmlinux.h
	@mkdir -p $(@D)
	$(call say,BPF,$@)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(OUTPUT)/bench/floor: tests/bench/floor.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(CFLAGS) $< -lbpf -lelf -lz -o $@

# make vmbench: tests/bench/vm_overhead.sh in one boot of each kernel of
# VMBENCH_KERNELS, one guest at a time (a benchmark wants the host's CPUs)
VMBENCH_KERNELS ?= 6.12 7.2
vmbench: all $(BENCH_TOOLS)
	@tools/deps.sh --vm
	MMRETRY_VM_QEMU_ARGS="-icount shift=0" \
		tools/vmtest -j 1 $(foreach k,$(VMBENCH_KERNELS),-k $(k)) -t 3000 \
		-i /usr/bin/bash -i /usr/bin/jq -i /usr/bin/taskset -i /usr/bin/bc \
		-i tests/bench/lib.sh -i tests/bench/vm_overhead.sh \
		$(foreach t,$(BENCH_TOOLS),-i $(t)) -- tests/bench/vm_overhead.sh

bench: all $(BENCH_TOOLS)
	@tests/bench/attach_time.sh
	@echo
	@tests/bench/fault_overhead.sh
	@echo
	@tests/bench/lock_overhead.sh
	@echo
	@tests/bench/export_scrape.sh
	@echo
	@tests/bench/model_speed.sh

clean:
	rm -rf $(OUTPUT) mmretry $(GEN)

include tests/fuzz/fuzz.mk
