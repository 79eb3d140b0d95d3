# Every libFuzzer target runs for a short fixed time from seeds made by real
# tools; any finding fails the suite.
# `make fuzz` runs them longer.
. "$GB_TOP/tests/lib/common.sh"
wanted fuzz/ || exit 0
fb="$GB_TOP/build-fuzz"
if [ ! -f "$fb/build.ninja" ]; then
	(cd "$GB_TOP" && CC=clang CFLAGS=-fsanitize=fuzzer-no-link meson setup build-fuzz \
		-Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false) >setup.log 2>&1 ||
		{ fail fuzz/build "$(tail -5 setup.log)"; exit 0; }
fi
ninja -C "$fb" >build.log 2>&1 || { fail fuzz/build "$(grep -m3 error build.log)"; exit 0; }
# The whole-image and config targets for GB_FUZZ_SECONDS each; the
# per-driver, LVM, GPT, qcow2 and pygrub-path targets (which reach one
# parser each) for GB_FUZZ_SHORT_SECONDS: some 50 s together on 2 cores.
# Every target first replays its committed regression inputs
# (fuzz/regressions/).
GB_FUZZ_WORK=$PWD "$GB_TOP/fuzz/run" "$fb" "${GB_FUZZ_SECONDS:-10}" fuzz-image fuzz-sparse \
	fuzz-output fuzz-payload fuzz-grub2 fuzz-grub1 fuzz-syslinux fuzz-bls fuzz-lilo
GB_FUZZ_WORK=$PWD "$GB_TOP/fuzz/run" "$fb" "${GB_FUZZ_SHORT_SECONDS:-4}" fuzz-boot fuzz-ext \
	fuzz-xfs fuzz-btrfs fuzz-fat fuzz-iso9660 fuzz-squashfs fuzz-ufs fuzz-zfs fuzz-lvm fuzz-gpt \
	fuzz-qcow2
