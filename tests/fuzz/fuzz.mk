# Fuzzing the baseline and report parsers (user/gate/baseline.c), the scenario
# files (user/model) and the recording reader (user/record/recfile.c) with
# libFuzzer, ASan and UBSan. Included by the Makefile; also usable on its own:
#
#   make fuzz-build                   build/fuzz/fuzz_TARGET for each of FUZZ_TARGETS
#   make fuzz                         each for 10 minutes, in parallel; fails on a crash
#   make fuzz FUZZ_SECONDS=60         a shorter run
#   make fuzz FUZZ_TARGETS=record     one target
#   make fuzz-smoke                   each over its seed corpus once (seconds; for make test)
#   make -f tests/fuzz/fuzz.mk fuzz   the same without the Makefile
#
# Needs clang and libclang_rt.fuzzer (Debian: clang, libclang-rt-14-dev),
# libyaml-dev and libjansson-dev. The seeds in tests/fuzz/corpus/TARGET are
# copied into build/fuzz/corpus-TARGET, which the runs grow (the repository's
# corpus is never written). A crash leaves build/fuzz/crash-TARGET-<sha1> (or
# leak-, timeout-, oom-) and the run's log in build/fuzz/TARGET.log; replay it
# with
#
#   build/fuzz/fuzz_baseline build/fuzz/crash-baseline-<sha1>
#
# FUZZ_CONTRACT=0 checks memory safety only; 1 also the documented
# invariants (tests/fuzz/fuzz_common.h); 2 (default) also that a recorded
# baseline parses back and passes the report it came from.

ifeq ($(firstword $(MAKEFILE_LIST)),$(lastword $(MAKEFILE_LIST)))
FUZZ_STANDALONE := 1
else
FUZZ_SAVED_GOAL := $(.DEFAULT_GOAL)
endif

FUZZ_CC       ?= clang
FUZZ_OUT      ?= build/fuzz
FUZZ_SECONDS  ?= 600
FUZZ_CONTRACT ?= 2
FUZZ_TARGETS  := baseline report scenario record replay
# what the targets link of the program: baseline.c and what it calls
# (figures.c: the figure names; render.c: fault latency's histograms read
# back; baseline.c needs nothing of util.c), the
# recording reader (recfile.c; avstat.c and lockstat.c: the chain kinds' names),
# replay's loader (replay_load.c, util.c: its messages)
FUZZ_LIB_SRCS ?= user/gate/baseline.c user/stats/figures.c user/lib/yamltext.c \
                 $(wildcard user/model/*.c) user/record/recfile.c user/stats/anon_vma.c \
                 user/stats/mmap_lock.c user/record/replay_load.c user/lib/util.c \
                 user/report/render.c
FUZZ_SANITIZE ?= -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS   ?= -g -O1 -fno-omit-frame-pointer $(FUZZ_SANITIZE) \
                 -Wall -Wextra -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE \
                 -I. -Iuser -Ibuild -Itests/fuzz -DMMRETRY_VERSION='"fuzz"' \
                 -DFUZZ_CONTRACT=$(FUZZ_CONTRACT)
FUZZ_LIBS     ?= -lyaml -ljansson -lm
FUZZ_FLAGS    ?= -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
                 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_DICT_baseline ?= -dict=tests/fuzz/baseline.dict
FUZZ_DICT_report   ?=
FUZZ_DICT_scenario ?=
FUZZ_DICT_record   ?=
FUZZ_DICT_replay   ?=
FUZZ_ENV      ?= ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

FUZZ_BINS     := $(patsubst %,$(FUZZ_OUT)/fuzz_%,$(FUZZ_TARGETS))

# The targets are rebuilt when the compile command changes (FUZZ_CONTRACT=0,
# another FUZZ_CC): $(FUZZ_OUT)/build-flags holds the last one, rewritten
# only for the fuzz goals and only when it differs.
FUZZ_BUILD_CMD := $(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_LIB_SRCS) $(FUZZ_LIBS)
ifneq ($(filter fuzz fuzz-build fuzz-smoke $(FUZZ_BINS),$(MAKECMDGOALS))$(if $(MAKECMDGOALS),,$(FUZZ_STANDALONE)),)
ifneq ($(file < $(FUZZ_OUT)/build-flags),$(FUZZ_BUILD_CMD))
$(shell mkdir -p $(FUZZ_OUT))
$(file > $(FUZZ_OUT)/build-flags,$(FUZZ_BUILD_CMD))
endif
endif

.PHONY: fuzz-build fuzz fuzz-smoke
fuzz-build: $(FUZZ_BINS)

$(FUZZ_OUT):
	mkdir -p $@

$(FUZZ_OUT)/build-flags: ;

$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB_SRCS) user/*/*.h \
		tests/fuzz/fuzz.mk $(FUZZ_OUT)/build-flags | $(FUZZ_OUT)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_LIB_SRCS) $(FUZZ_LIBS) -o $@

# Each seed once, each target on its own corpus (files as arguments: nothing
# is written to the corpus); non-zero if one crashes or breaks a contract.
fuzz-smoke: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		$(FUZZ_ENV) $(FUZZ_OUT)/fuzz_$$t -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=$(FUZZ_OUT)/crash-$$t- tests/fuzz/corpus/$$t/* \
			> $(FUZZ_OUT)/smoke-$$t.log 2>&1 || { \
			echo "fuzz_$$t: a seed fails (all of it in $(FUZZ_OUT)/smoke-$$t.log):"; \
			grep -E '^Running: ' $(FUZZ_OUT)/smoke-$$t.log | tail -n 1; \
			grep -E -A12 'ERROR: |fuzz contract|runtime error' $(FUZZ_OUT)/smoke-$$t.log | \
				grep -vE 'fuzzer::|libc[.]so|libc_start|_start |sanitizer_print' | \
				cut -c 1-200 | head -n 24; \
			exit 1; }; \
		echo "fuzz_$$t: $$(ls tests/fuzz/corpus/$$t | wc -l) seeds, no crash"; \
	done

# The targets at once, FUZZ_SECONDS each; then each one's last status line
# and final stats. Non-zero if one found a crash, leak, timeout or OOM.
fuzz: fuzz-build
	@set -u; \
	for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_OUT)/corpus-$$t || exit 1; \
		rm -f $(FUZZ_OUT)/$$t.rc; \
		cp -n tests/fuzz/corpus/$$t/* $(FUZZ_OUT)/corpus-$$t/ 2>/dev/null; \
	done; \
	echo "fuzzing $(FUZZ_TARGETS) for $(FUZZ_SECONDS) s each, logs in $(FUZZ_OUT)/TARGET.log"; \
	$(foreach t,$(FUZZ_TARGETS),( $(FUZZ_ENV) $(FUZZ_OUT)/fuzz_$(t) $(FUZZ_FLAGS) \
		$(FUZZ_DICT_$(t)) -artifact_prefix=$(FUZZ_OUT)/crash-$(t)- $(FUZZ_OUT)/corpus-$(t) \
		> $(FUZZ_OUT)/$(t).log 2>&1; echo $$? > $(FUZZ_OUT)/$(t).rc ) & ) \
	wait; \
	status=0; \
	for t in $(FUZZ_TARGETS); do \
		rc=$$(cat $(FUZZ_OUT)/$$t.rc 2>/dev/null || echo '?'); \
		last=$$(grep -E '^#[0-9]+' $(FUZZ_OUT)/$$t.log | tail -n 1); \
		echo "fuzz_$$t: exit $$rc: $$last"; \
		grep -E '^stat::' $(FUZZ_OUT)/$$t.log | sed 's/^/    /'; \
		if [ "$$rc" != 0 ]; then \
			status=1; \
			echo "fuzz_$$t FAILED (all of it in $(FUZZ_OUT)/$$t.log):"; \
			awk '/ERROR: |fuzz contract|runtime error|^SUMMARY|Test unit written/ { p = 1 } \
				/^stat::|^NOTE: libFuzzer|^ +Combine libFuzzer|^ *$$/ { next } \
				p && /^ *#[0-9]+ 0x/ && /fuzzer::|libc[.]so|libc_start|_start |sanitizer_print|pthread_kill|raise|abort / { next } \
				p && n < 40 { print "    " substr($$0, 1, 200); n++ }' $(FUZZ_OUT)/$$t.log; \
		fi; \
	done; \
	exit $$status

ifndef FUZZ_STANDALONE
.DEFAULT_GOAL := $(FUZZ_SAVED_GOAL)
endif
