# Convenience wrapper around CMake (./run installs the packages first):
#   make demo   builds, analyses the bundled example
#   make check  builds twice (plain, ASan+UBSan; both with -Werror) and runs
#               every test under ctest
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan

.PHONY: all deps build demo check test asan bench fuzz clean
all: build

deps:
	@scripts/install-deps

$(BUILD)/Makefile: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPL_WERROR=ON >/dev/null

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPL_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	$(BUILD)/parley analyze examples/security-talks.yaml

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPL_SANITIZE=ON -DPL_WERROR=ON -DPL_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

check: test asan

bench: build
	$(BUILD)/bench/bench_analyze

# Fuzzing campaigns (clang, libFuzzer): FUZZ_SECONDS per target (600).
fuzz: deps
	scripts/fuzz $(or $(FUZZ_SECONDS),600)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
