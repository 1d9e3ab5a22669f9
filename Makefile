# heapscope — one build for everything. See README.md and docs/internals.md.
#
#   make            bin/heapscope and the libraries (release mode: -O2 -g)
#   make test       installs missing packages, builds, runs every test; ends "N passed, N failed"
#   make check      the suite under ASan+UBSan, then the runtime tests again under both GC
#                   stress modes, and every tests/erl program under both (docs/gc.md)
#   make bench      benchmarks as JSON (ratios against OTP when erl is installed)
#   make demo       installs, builds, runs the main demo
#   make clean
#
# MODE selects the flavour (release, asan, tsan); objects go to build/$(MODE)/.

MODE ?= release
BUILD ?= build/$(MODE)

CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif
PKGS := gmp libunwind libcjson ncursesw zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -std=c11 -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes
BASE_CFLAGS := $(WARN) -D_GNU_SOURCE -DHS_HAVE_ZLIB -g -pthread -Iruntime -Iagent -Iviewer -Itests $(PKG_CFLAGS)
ifeq ($(MODE),release)
MODE_CFLAGS := -O2 -DHS_TEST_HOOKS
else ifeq ($(MODE),asan)
MODE_CFLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DHS_TEST_HOOKS -DHS_DEBUG
MODE_LDFLAGS := -fsanitize=address,undefined
else ifeq ($(MODE),tsan)
MODE_CFLAGS := -O1 -fsanitize=thread -DHS_TEST_HOOKS
MODE_LDFLAGS := -fsanitize=thread
else ifeq ($(MODE),debug)
MODE_CFLAGS := -O0 -DHS_TEST_HOOKS -DHS_DEBUG
else
$(error unknown MODE $(MODE))
endif
CFLAGS_ALL := $(BASE_CFLAGS) $(MODE_CFLAGS) $(CFLAGS)
LDLIBS_ALL := $(MODE_LDFLAGS) -pthread $(PKG_LIBS) -lm $(LDLIBS)

RT_SRC := $(wildcard runtime/*.c runtime/*/*.c)
AGENT_SRC := $(wildcard agent/*.c)
VIEWER_SRC := $(wildcard viewer/*.c)
CLI_SRC := cli/heapscope.c
TEST_SRC := $(wildcard tests/unit/*/test_*.c tests/agent/test_*.c tests/viewer/test_*.c)
BENCH_SRC := $(wildcard bench/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
RT_OBJ := $(call obj,$(RT_SRC))
AGENT_OBJ := $(call obj,$(AGENT_SRC))
VIEWER_OBJ := $(call obj,$(VIEWER_SRC))
LIBHSRT := $(BUILD)/libhsrt.a
LIBHSAGENT := $(BUILD)/libhsagent.a
LIBHSVIEW := $(BUILD)/libhsviewer.a
LIBS := $(LIBHSVIEW) $(LIBHSAGENT) $(LIBHSRT)
BIN := $(BUILD)/bin/heapscope
TEST_BINS := $(patsubst %.c,$(BUILD)/%,$(TEST_SRC))
BENCH_BINS := $(patsubst %.c,$(BUILD)/%,$(BENCH_SRC))

.PHONY: all deps test check bench demo clean tests
.SECONDARY:
all: $(BIN) bin/heapscope

# bin/heapscope is the release binary; other modes keep theirs under build/<mode>/bin.
bin/heapscope: $(BIN)
	@mkdir -p bin
	@if [ "$(BUILD)" = build/release ]; then ln -sfn ../$(BIN) bin/heapscope; fi

# Objects depend on the flags they were built with: a change of flags (a new -D, a package's
# include path) rebuilds them instead of linking stale objects.
FLAGS_STAMP := $(BUILD)/cflags.stamp
$(shell mkdir -p $(BUILD) && (echo '$(CFLAGS_ALL)' | cmp -s - $(FLAGS_STAMP) || echo '$(CFLAGS_ALL)' > $(FLAGS_STAMP)))

$(BUILD)/obj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# The stdlib's Erlang sources, embedded in the binary as C strings (code.h); the real stdlib
# (runtime/stdlib) shadows the bootstrap modules (runtime/stdlib_boot) of the same name.
STDLIB_ERL := $(wildcard runtime/stdlib/*.erl) $(wildcard runtime/stdlib_boot/*.erl)
EMBED_C := $(BUILD)/gen/stdlib_embed.c
EMBED_OBJ := $(BUILD)/gen/stdlib_embed.o
$(EMBED_C): $(STDLIB_ERL) scripts/embed-stdlib.sh
	@mkdir -p $(dir $@)
	scripts/embed-stdlib.sh $(STDLIB_ERL) > $@.tmp && mv $@.tmp $@
$(EMBED_OBJ): $(EMBED_C)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIBHSRT): $(RT_OBJ) $(EMBED_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(LIBHSAGENT): $(AGENT_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^ $(if $(AGENT_OBJ),,)
$(LIBHSVIEW): $(VIEWER_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(call obj,$(CLI_SRC)) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(LIBS) $(LDLIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(LIBS) $(LDLIBS_ALL)
$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $< $(LIBS) $(LDLIBS_ALL)

tests: $(TEST_BINS) $(BIN)

deps:
	@scripts/deps.sh

test: deps
	@$(MAKE) --no-print-directory all tests
	@BUILD=$(BUILD) MODE=$(MODE) scripts/run-tests.sh

check: deps
	@$(MAKE) --no-print-directory MODE=asan all tests
	@MODE=asan scripts/run-tests.sh
	@MODE=asan HEAPSCOPE_GC_STRESS=1 scripts/run-tests.sh --runtime-only
	@MODE=asan HEAPSCOPE_GC_STRESS=move scripts/run-tests.sh --runtime-only
	@$(MAKE) --no-print-directory MODE=release all
	@MODE=release GCSTRESS_FULL=1 tests/gcstress/run.sh
	@$(MAKE) --no-print-directory MODE=tsan all
	@MODE=tsan tests/tsan/run.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS) >&2
	@BUILD=$(BUILD) MODE=$(MODE) scripts/bench.sh

demo: deps
	@$(MAKE) --no-print-directory all >&2
	@scripts/demo.sh

clean:
	rm -rf build bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
