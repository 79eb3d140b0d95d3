# SPDX-License-Identifier: LGPL-2.1-or-later
# Entry points: make deps (install the Debian 12 packages it builds and tests
# with), make (build), make check (all tests; installs nothing: run make deps
# first on a new machine), make demo (installs, builds, sample run),
# make deb (Debian packages in build-deb/). meson test -C build runs the
# fast suites only (unit tests and config cases).
BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps check demo asan fuzz bench clean install deb

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

deps:
	@scripts/install-deps

# `make deps check` in one invocation (CI: .ci/run), -j or not: when deps
# is asked for, the build waits for it (meson and the libraries come with it).
all $(BUILD)/build.ninja: | $(filter deps,$(MAKECMDGOALS))

check: all
	tests/run $(BUILD)

demo: deps
	$(MAKE) all
	scripts/demo $(BUILD)

# The test suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	$(MAKE) BUILD=build-asan MESON_OPTS="-Db_sanitize=address,undefined -Db_lundef=false" all
	tests/run build-asan

# libFuzzer targets: each replays fuzz/regressions/, then runs for FUZZ_SECONDS
# (findings in /var/tmp/guestboot-fuzz),
# then ZFS_MUTANTS mutants of a ZFS pool read by the fuzz build's guestboot.
FUZZ_SECONDS ?= 60
ZFS_MUTANTS ?= 1000
fuzz: deps
	@[ -f build-fuzz/build.ninja ] || CC=clang CFLAGS=-fsanitize=fuzzer-no-link \
		meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-fuzz
	fuzz/run build-fuzz $(FUZZ_SECONDS)
	GB_ZFS_MUTANTS=$(ZFS_MUTANTS) tests/run build-fuzz mutate/zfs

# Timings against pygrub, grub-fstest and cat (not a test: see bench/run).
bench: deps
	$(MAKE) all
	bench/run $(BUILD)

# Debian packages (guestboot, libguestboot0, libguestboot-dev) in build-deb/,
# built from a copy of the tree (scripts/build-deb).
deb: deps
	scripts/build-deb build-deb

install: all
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-fuzz
