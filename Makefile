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
               -I$(OUTPUT) -Ibpf -Iuser -Iuser/model $(shell pkg-config --cflags libxml-2.0) -DMMRETRY_VERSION='"$(VERSION)"'
BPF_CFLAGS  := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I. -Ibpf -Wall \
               -Wno-unused-function
LIBS        := -lbpf -lelf -lz -ljansson -lyaml -lxml2 -lmicrohttpd -lpthread -lm

BPF_OBJS    := faults mmap_lock anon_vma probe
SKELS       := $(patsubst %,$(OUTPUT)/%.skel.h,$(BPF_OBJS))
MODEL_SRCS  := user/model/fault.c user/model/policy.c user/model/replay.c user/model/rmap.c \
               user/model/scenario.c \
               user/model/scenario_file.c user/model/sim.c
CORE_SRCS   := user/top.c user/acct.c user/baseline.c user/figures.c user/yamltext.c user/counters.c user/anon_trace.c user/bpfmap.c user/metrics.c user/ksyms.c user/lockstat.c user/lock_trace.c user/report_lock.c user/avstat.c user/report_anon.c user/kfeatures.c user/plan.c user/report.c user/util.c user/options.c \
               user/faults_trace.c user/target.c user/recfile.c user/recorder.c user/recreport.c user/replay_load.c \
               $(MODEL_SRCS)
CMD_SRCS    := user/cmd_dump.c user/cmd_top.c user/cmd_check.c user/cmd_export.c user/cmd_model.c user/cmd_probe.c \
               user/cmd_record.c user/cmd_stat.c
CORE_OBJS   := $(patsubst user/%.c,$(OUTPUT)/%.o,$(CORE_SRCS))
CMD_OBJS    := $(patsubst user/%.c,$(OUTPUT)/%.o,$(CMD_SRCS) user/main.c)
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(wildcard tests/unit/test_*.c))
GEN         := tools/mmretry-gen

.SECONDARY:
.PHONY: all clean deps demo vmlinux test unit live vmtest vmtest-full bench help
all: mmretry $(GEN)

help:
	@echo 'make            build ./mmretry and tools/mmretry-gen'
	@echo 'make deps       install the Debian packages the build and tests need'
	@echo 'make demo       deps, build, then mmretry stat over the workload mix (root)'
	@echo 'make test       deps, build, unit, live (root) and VM matrix tests'
	@echo 'make unit       unit tests only (no root, no kernel)'
	@echo 'make live       live tests on this kernel (root)'
	@echo 'make fuzz       fuzz the parsers and the recording reader, 10 min each (FUZZ_SECONDS)'
	@echo 'make fuzz-smoke the fuzz targets over their seed corpus once (in make test)'
	@echo 'make bench      overhead of mmretry stat on faults and on mmap/munmap (root)'
	@echo 'make vmtest     the VM suite on Debian kernels under QEMU (KERNELS="6.12"),'
	@echo '                each guest within VM_BUDGET seconds (in make test)'
	@echo 'make vmtest-full every VM check in every mode (not in make test)'
	@echo 'make vmlinux    regenerate vmlinux.h from this kernel'

deps:
	@tools/deps.sh

demo: deps
	$(MAKE) all
	./mmretry stat -- tools/mmretry-gen mix

vmlinux:
	tools/vmlinux.sh > vmlinux.h.tmp && mv vmlinux.h.tmp vmlinux.h

$(OUTPUT) $(OUTPUT)/tests:
	mkdir -p $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c bpf/*.h vmlinux.h | $(OUTPUT)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(LLVM_STRIP) -g $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

$(OUTPUT)/%.o: user/%.c user/*.h user/model/*.h bpf/*.h $(SKELS) | $(OUTPUT)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

mmretry: $(CORE_OBJS) $(CMD_OBJS)
	$(CC) $(CFLAGS) $^ $(LIBS) -o $@

$(GEN): tools/mmretry-gen.c
	$(CC) -O2 -g -Wall -Wextra -pthread -o $@ $<

$(OUTPUT)/tests/%: tests/unit/%.c tests/unit/*.h $(CORE_OBJS) | $(OUTPUT)/tests
	$(CC) $(CFLAGS) $< $(CORE_OBJS) $(LIBS) -lcmocka -o $@

unit: $(UNIT_TESTS)
	@tests/unit/run.sh $(UNIT_TESTS)

live: all
	@tests/live/run.sh
	@tests/export/run.sh
	@tests/export/packaging.sh
	@tests/check/run.sh
	@tests/model/live.sh
	@tests/record/run.sh
	@tests/top/run.sh

# The QEMU kernel matrix (tools/vmtest): KERNELS="6.12" for a subset; VM_JOBS
# guests at once (each TCG guest keeps one host CPU busy). VM_BUDGET is each
# guest's time in make test, in seconds, and its timeout: the README's
# figure; vmtest prints each guest's share of it and each section's time.
# vmtest-full runs every check in every mode (tests/vm/run --full).
KERNELS     ?= 6.1 6.12 7.2
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
VMTEST      = tools/vmtest -j $(VM_JOBS) $(foreach k,$(KERNELS),-k $(k)) \
              $(foreach t,$(VM_TOOLS),-i $(t))
vmtest: all
	@tools/deps.sh --vm
	$(VMTEST) -t $(VM_BUDGET) -- tests/vm/run

vmtest-full: all
	@tools/deps.sh --vm
	$(VMTEST) -t $(VM_FULL_BUDGET) -- tests/vm/run --full

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) fuzz-smoke
	$(MAKE) live
	$(MAKE) vmtest

bench: all
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
