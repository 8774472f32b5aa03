#!/usr/bin/env bash
# kmdkit-new end to end (tests/new/CMakeLists.txt):
#   project.sh KMDKIT_NEW KMDKIT_ROOT KMDPE WORK PRESET
# makes the project "demo" in WORK/demo with this checkout as its kmdkit, then, as its README says,
# configures (PRESET: x64, or x64-clang from a clang tree; with -DKMDKIT_DIR and this tree's kmdpe
# so that no host build runs),
# builds, and runs its own ctest in its own build tree and Wine prefix: every one of its tests must
# pass, the driver signed and verified, no warning printed. Last, a driver that answers a wrong
# version must fail the project's version test (its tests can fail).
# Every step's output is printed; the first failure stops the run with "FAIL: ..." and exit 1.
set -uo pipefail
new=$(readlink -f "$1") kmdkit=$(readlink -f "$2") kmdpe=$(readlink -f "$3") work=$(readlink -m "$4") preset=$5
proj=$work/demo
build=$proj/build/$preset
# The project's tests: 3 Wine session fixtures, lint, load, unload, smoke, version, echo, 6 bad
# buffers, 2 usage errors; clang adds demo.symbols and demo_client.symbols (PDBs).
count=17
[ "$preset" = x64-clang ] && count=19

# shellcheck source=tests/steps.sh
. "$(dirname "${BASH_SOURCE[0]}")/../steps.sh" # fail, run

rm -rf "$work"
mkdir -p "$work"
# The project's build must not see a kmdkit or Wine of the surrounding run.
unset KMDKIT_DIR WINEPREFIX KMDKIT_WINE KMDKIT_WINE_LOG CMAKE_PREFIX_PATH

run "$work/new.log" "$new" demo --dir "$proj" --kmdkit "$kmdkit" || fail "kmdkit-new failed"
grep -q "^kmdkit-new: demo created in $proj: 11 files$" "$work/new.log" || fail "kmdkit-new did not say what it made"
for f in driver.c client.c demo_ioctl.h CMakeLists.txt CMakePresets.json cmake/kmdkit-toolchain.cmake \
    README.md .gitignore .clang-format .github/workflows/ci.yml .gitlab-ci.yml; do
    [ -s "$proj/$f" ] || fail "$f is missing or empty"
done
# The README's two commands are the ones CI runs.
for f in README.md .github/workflows/ci.yml .gitlab-ci.yml; do
    grep -q "cmake --workflow --preset x64" "$proj/$f" && grep -q "ctest --preset x64" "$proj/$f" ||
        fail "$f does not have the two commands (cmake --workflow --preset x64, ctest --preset x64)"
done
grep -q "image: debian:12" "$proj/.gitlab-ci.yml" && grep -q "container: debian:12" "$proj/.github/workflows/ci.yml" ||
    fail "the CI files do not run in debian:12"
echo "files: all 11, README and both CI files with the two commands"

cd "$proj" || fail "no $proj"
run "$work/configure.log" cmake --preset "$preset" "-DKMDKIT_DIR=$kmdkit" "-DKMDKIT_KMDPE=$kmdpe" ||
    fail "configure failed"
grep -q "CMAKE_TOOLCHAIN_FILE.*cmake/kmdkit-toolchain.cmake" "$build/CMakeCache.txt" ||
    fail "the preset did not take cmake/kmdkit-toolchain.cmake as the toolchain file"
grep -qx "KMDKIT_DIR:PATH=$kmdkit" "$build/CMakeCache.txt" || fail "KMDKIT_DIR is not $kmdkit in the cache"
run "$work/build.log" cmake --build --preset "$preset" || fail "build failed"
grep -q "Completed 'kmdkit_kmdpe'" "$work/build.log" && fail "the project built kmdpe (KMDKIT_KMDPE names one)"
grep -Eq "warning:|CMake Warning" "$work/configure.log" "$work/build.log" && fail "configure or build printed a warning"
grep -q "Signing demo.sys into dist/" "$work/build.log" || fail "the build did not sign demo.sys"
for f in demo.sys demo.exe signing.cer signing.pem; do
    [ -f "$build/dist/$f" ] || fail "dist/$f is missing"
    grep -q " $f\$" "$build/dist/SHA256SUMS" || fail "dist/SHA256SUMS does not list $f"
done
(cd "$build/dist" && sha256sum -c --quiet SHA256SUMS) || fail "dist/SHA256SUMS does not match"
run "$work/verify.log" osslsigncode verify -CAfile "$build/dist/signing.pem" -in "$build/dist/demo.sys" ||
    fail "the signature of dist/demo.sys does not verify"
grep -q "^Signature verification: ok" "$work/verify.log" || fail "osslsigncode did not say the signature is ok"
echo "dist: demo.sys (signature ok), demo.exe, signing.cer, signing.pem; SHA256SUMS ok"

run "$work/ctest.log" ctest --preset "$preset" -V || fail "the project's ctest failed"
grep -q "100% tests passed, 0 tests failed out of $count" "$work/ctest.log" ||
    fail "the project's ctest did not pass its $count tests"
for t in demo.lint demo.load demo.unload demo.smoke demo.version demo.echo demo.bad.version_short_out \
    demo.bad.version_with_input demo.bad.echo_empty demo.bad.echo_too_long demo.bad.echo_short_out \
    demo.bad.unknown_code demo.usage.unknown_command demo.usage.echo_no_text; do
    grep -Eq "Test +#[0-9]+: $t \.+ +Passed" "$work/ctest.log" || fail "$t did not pass"
done
grep -Eq "^[0-9]+: +0000  0c 00 00 00 00 00 01 00 00 00 00 00 " "$work/ctest.log" ||
    fail "the version test did not show the driver's 12 bytes (0.1.0, release)"
grep -q "demo: pool: no leaks" "$build/wine/driver.log" || fail "the driver log has no 'demo: pool: no leaks'"
echo "project tests: $count of $count passed, its own prefix $build/wine/prefix"

# Its tests fail when the driver is wrong: a driver that says 9.1.0 fails demo.version.
sed -i 's/Version->Major = DEMO_VERSION_MAJOR;/Version->Major = 9;/' driver.c
grep -q "Version->Major = 9;" driver.c || fail "could not break driver.c"
run "$work/build2.log" cmake --build --preset "$preset" || fail "the rebuild of the broken driver failed"
echo "+ ctest --preset $preset -R '^demo\.version\$' (must fail; its output marked 'broken|')"
ctest --preset "$preset" -R '^demo\.version$' >"$work/ctest2.log" 2>&1
rc=$?
sed 's/^/broken| /' "$work/ctest2.log"
[ $rc -ne 0 ] || fail "demo.version passed with a driver that answers version 9.1.0"
grep -q "FAIL: output does not match /call: ok: 12 bytes" "$work/ctest2.log" || fail "demo.version failed, but not on the bytes"
echo "broken driver: demo.version fails on the bytes, as it must"

rm -rf "$proj"/build/*/wine/prefix # the prefix's registry copy; its DLLs are hard links
echo "PASS: kmdkit-new demo configured, built ($preset), signed and passed its $count tests"
