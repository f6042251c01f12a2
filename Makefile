# Convenience wrapper around CMake (./run installs the packages first):
#   make demo   builds, analyses the bundled example
#   make check  builds twice (plain, ASan+UBSan; both with -Werror) and runs
#               every test under ctest, then the ThreadSanitizer run
#   make tsan   builds only the tournament and table tests with
#               -fsanitize=thread (in build-tsan) and runs them: the
#               runner's threads, the store, the worker processes; the
#               table's sessions, each under its own lock, from many threads
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan

.PHONY: all deps build demo check test asan tsan bench fuzz clean
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

# the threads of tournaments and of the table under ThreadSanitizer: only
# what they need
tsan: deps
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DPL_TSAN=ON -DPL_WERROR=ON -DPL_BENCH=OFF >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS) --target test_tournament broken test_table_threads
	cd $(TSAN_BUILD) && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" ctest --output-on-failure -R '^(test_tournament|test_table_threads)$$'

check: test asan tsan

bench: build
	$(BUILD)/bench/bench_analyze

# Fuzzing campaigns (clang, libFuzzer): FUZZ_SECONDS per target (600).
fuzz: deps
	scripts/fuzz $(or $(FUZZ_SECONDS),600)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)
