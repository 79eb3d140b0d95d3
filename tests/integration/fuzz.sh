# Every libFuzzer target runs for a short fixed time (GB_FUZZ_SECONDS,
# default 10) from seeds made by real tools; any finding fails the suite.
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
GB_FUZZ_WORK=$PWD "$GB_TOP/fuzz/run" "$fb" "${GB_FUZZ_SECONDS:-10}"
