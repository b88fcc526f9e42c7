# Weir — top-level entry points. Everything goes through CMake in build/.
#   make            build build/weir
#   make test       unit tests (ctest) and end-to-end tests (pytest)
#   make demo       install what is missing, build, run the demo scenario
#   make asan       ASan+UBSan build in build-asan/; make asan-test runs its unit tests
#   make bench      benchmarks (prints figures and ratios); make bench-server for the query server
#   make format / make lint

SHELL := /bin/bash
# Let ccache share results between checkouts in different directories.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
JOBS ?= $(shell nproc)
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS := -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)
SOURCES := $(shell git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 2>/dev/null)

.PHONY: all build deps test unit-test e2e-test demo asan asan-test bench bench-server fuzz format lint clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS) -DDUCKDB_ROOT=$$(scripts/duckdb.sh)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	python3 -m pytest -q tests/e2e

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

e2e-test: build
	python3 -m pytest -q tests/e2e

demo: build
	$(BUILD)/weir demo

build-asan/build.ninja:
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWEIR_SANITIZE=ON -DWEIR_BUILD_BENCH=OFF -DDUCKDB_ROOT=$$(scripts/duckdb.sh)

asan: deps build-asan/build.ninja
	cmake --build build-asan -j $(JOBS)

asan-test: asan
	cd build-asan && ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

bench: build
	$(BUILD)/bench/governed_scan_bench --dir $(BUILD)/bench-data
	$(BUILD)/bench/policy_bench
	$(BUILD)/bench/snapshot_bench

# The query server over loopback beside PostgreSQL (when its server binaries
# are installed): connection setup, round trip, bulk export, load, idle cost.
bench-server: build
	python3 -m pip install -q duckdb==1.4.4 2>/dev/null || python3 -m pip install -q --break-system-packages duckdb==1.4.4
	python3 bench/server_bench.py

# libFuzzer targets (clang): the policy parser and evaluator, and the
# PostgreSQL protocol decoder with SCRAM, each for a bounded time.
FUZZ_SECONDS ?= 60
FUZZ_IAM := $(filter-out src/iam/assume.cc src/iam/role.cc,$(wildcard src/iam/*.cc))
fuzz: deps
	mkdir -p build-fuzz
	clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/policy_fuzz.cc $(FUZZ_IAM) \
	    src/common/status.cc -lcrypto -o build-fuzz/policy_fuzz
	mkdir -p build-fuzz/corpus && cp -n fuzz/corpus/policy/* build-fuzz/corpus/
	build-fuzz/policy_fuzz -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus fuzz/corpus/policy
	clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc fuzz/pgwire_fuzz.cc src/pgwire/protocol.cc \
	    src/pgwire/scram_exchange.cc src/iam/scram.cc src/common/status.cc -lcrypto -o build-fuzz/pgwire_fuzz
	mkdir -p build-fuzz/corpus-pgwire && cp -n fuzz/corpus/pgwire/* build-fuzz/corpus-pgwire/
	build-fuzz/pgwire_fuzz -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus-pgwire fuzz/corpus/pgwire

format:
	clang-format -i $(SOURCES)

lint: $(BUILD)/build.ninja
	clang-format --dry-run --Werror $(SOURCES)
	run-clang-tidy -quiet -p $(BUILD) $(filter src/%.cc,$(SOURCES)) >/dev/null

clean:
	rm -rf build build-asan build-fuzz
