#!/usr/bin/env bash
# kmdkit installed and used from another project (tests/install/CMakeLists.txt).
#
#   run.sh package BUILD WORK COMPILER
#       cmake --install BUILD --prefix WORK/prefix; then the project in project/ with only
#       find_package(KmdKit 0.2) and the installed toolchain file: configure, build (driver signed,
#       client on kmdkit::user), its own ctest (lint, Wine load, one Wine test, unload); an x86
#       configure of it too (the version file must not refuse another architecture)
#   run.sh fetch SOURCE WORK COMPILER KMDPE
#       the same project with FetchContent(SOURCE_DIR SOURCE): none of kmdkit's examples or tests
#       in its build, kmdctl built and staged
#   run.sh version BUILD WORK
#       find_package(KmdKit 9.0) and (0.1) fail naming the version found; without the toolchain
#       file, the error names it
# Every step's output is printed; the first failure stops the run with "FAIL: ..." and exit 1.
set -uo pipefail
mode=$1
here=$(cd "$(dirname "$0")" && pwd)
project=$here/project

# shellcheck source=tests/steps.sh
. "$(dirname "${BASH_SOURCE[0]}")/../steps.sh" # fail, run
# What the project's own ctest must report: its 7 tests (3 Wine session fixtures, lint, load,
# smoke, unload) all passed, and with clang a <target>.symbols test per staged image; the smoke
# test prints the answer the driver computed.
inner_ctest() {
    local build=$1 n
    run "$build/../ctest.log" ctest --test-dir "$build" --output-on-failure -V ||
        fail "the project's ctest failed"
    n=$(sed -n 's/^100% tests passed, 0 tests failed out of \([0-9]*\)$/\1/p' "$build/../ctest.log")
    [ -n "$n" ] && [ "$n" -ge 7 ] || fail "the project's ctest did not run its 7 tests (all passed: ${n:-none})"
    for t in lint load smoke unload; do
        grep -Eq "Test +#[0-9]+: [A-Za-z_]+\.$t \.+ +Passed" "$build/../ctest.log" ||
            fail "the project's ctest did not pass its $t test"
    done
    grep -Eq "^[0-9]+: answer: 20 -> 41, magic 0x4b444d4b, 12 bytes$" "$build/../ctest.log" ||
        fail "the client did not print the driver's answer"
}
# The project's dist/: the signed driver, its client, kmdctl.exe and the certificate, all in
# SHA256SUMS and matching it.
check_dist() {
    local dist=$1/dist f
    for f in instdrv.sys instdrv.exe kmdctl.exe signing.cer; do
        [ -f "$dist/$f" ] || fail "dist/$f is missing"
        grep -q " $f\$" "$dist/SHA256SUMS" || fail "dist/SHA256SUMS does not list $f"
    done
    (cd "$dist" && sha256sum -c --quiet SHA256SUMS) || fail "dist/SHA256SUMS does not match"
    echo "dist: instdrv.sys instdrv.exe kmdctl.exe signing.cer, SHA256SUMS ok"
}

case "$mode" in
package)
    build=$2 work=$3 compiler=$4
    rm -rf "$work" && mkdir -p "$work"
    prefix=$work/prefix
    run "$work/install.log" cmake --install "$build" --prefix "$prefix" || fail "cmake --install failed"
    for f in lib/cmake/KmdKit/KmdKitConfig.cmake lib/cmake/KmdKit/KmdKitConfigVersion.cmake \
        share/kmdkit/toolchain-mingw.cmake share/kmdkit/cmake/KmdKit.cmake \
        share/kmdkit/headers/kmdkit/user.h share/kmdkit/kernel/lib/CMakeLists.txt \
        share/kmdkit/user/lib/CMakeLists.txt share/kmdkit/windows/x64/kmdctl.exe bin/kmdpe bin/kmdinf bin/kmdcat bin/kmdkit-deploy; do
        [ -e "$prefix/$f" ] || fail "the install has no $f"
    done
    for f in kmdpe kmdinf kmdcat kmdkit-deploy; do [ -x "$prefix/bin/$f" ] || fail "bin/$f is not executable"; done
    # Relocatable: the installed CMake files name no folder of the build or the prefix.
    if grep -rlF -e "$build" -e "$prefix" "$prefix/lib/cmake" "$prefix/share/kmdkit"; then
        fail "installed files name an absolute build or install path (above)"
    fi
    src=$(cd "$here/../.." && pwd)
    b=$work/build
    run "$work/configure.log" cmake -S "$project" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        "-DCMAKE_TOOLCHAIN_FILE=$prefix/share/kmdkit/toolchain-mingw.cmake" "-DCMAKE_PREFIX_PATH=$prefix" \
        -DKMDKIT_USE=package "-DKMDKIT_COMPILER=$compiler" || fail "configure failed"
    grep -q "instdrv: KmdKit 0.2.0 from $prefix/lib/cmake/KmdKit" "$work/configure.log" ||
        fail "find_package did not take KmdKit 0.2.0 from the prefix"
    run "$work/build.log" cmake --build "$b" || fail "build failed"
    grep -q "Completed 'kmdkit_kmdpe'" "$work/build.log" && fail "the project built kmdpe (the installed one must be used)"
    grep -q "warning:" "$work/build.log" && fail "the build printed warnings"
    # Only the installed copy is used: nothing in the project's build names the checkout.
    if grep -lF -e "$src/cmake/" -e "$src/headers" -e "$src/kernel/" -e "$src/user/" -e "$src/toolchain" \
        "$b/CMakeCache.txt" "$b/build.ninja"; then
        fail "the project's build uses the checkout $src (above), not the installed prefix"
    fi
    echo "build: uses only $prefix"
    check_dist "$b"
    inner_ctest "$b"
    # x86 from the same installation (configure only: Debian has no 32-bit Wine to run it).
    run "$work/configure-x86.log" cmake -S "$project" -B "$work/build-x86" -G Ninja \
        "-DCMAKE_TOOLCHAIN_FILE=$prefix/share/kmdkit/toolchain-mingw.cmake" "-DCMAKE_PREFIX_PATH=$prefix" \
        -DKMDKIT_USE=package -DKMDKIT_ARCH=x86 "-DKMDKIT_COMPILER=$compiler" ||
        fail "x86 configure against the same installation failed"
    echo "PASS: installed to $prefix; find_package(KmdKit 0.2) project built, signed, linted and run under Wine; x86 configures"
    ;;
fetch)
    src=$2 work=$3 compiler=$4 kmdpe=$5
    rm -rf "$work" && mkdir -p "$work"
    b=$work/build
    run "$work/configure.log" cmake -S "$project" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        "-DCMAKE_TOOLCHAIN_FILE=$src/toolchain-mingw.cmake" -DKMDKIT_USE=fetch "-DKMDKIT_SOURCE=$src" \
        "-DKMDKIT_COMPILER=$compiler" "-DKMDKIT_KMDPE=$kmdpe" || fail "configure failed"
    grep -q "instdrv: kmdkit 0.2.0 from $src" "$work/configure.log" || fail "FetchContent did not take kmdkit 0.2.0 from $src"
    # kmdkit is not the top-level project: no example and no kmdkit test is in this build.
    ninja -C "$b" -t targets all >"$work/targets.txt" || fail "ninja -t targets failed"
    if grep -E "(_deps/kmdkit-build|$src)/(examples|tests)/" "$work/targets.txt" | grep -v "^$project/" | head -5 | grep .; then
        fail "kmdkit's examples or tests are part of the project's build (above)"
    fi
    grep -q "_deps/kmdkit-build/user/kmdctl/kmdctl.exe" "$work/targets.txt" || fail "kmdctl is not in the build"
    run "$work/build.log" cmake --build "$b" || fail "build failed"
    grep -q "warning:" "$work/build.log" && fail "the build printed warnings"
    check_dist "$b"
    inner_ctest "$b"
    echo "PASS: FetchContent(SOURCE_DIR $src): no examples or kmdkit tests; project built, signed, linted and run under Wine"
    ;;
version)
    build=$2 work=$3
    rm -rf "$work" && mkdir -p "$work"
    prefix=$work/prefix
    run "$work/install.log" cmake --install "$build" --prefix "$prefix" || fail "cmake --install failed"
    for want in 9.0 0.1; do
        if run "$work/configure-$want.log" cmake -S "$project" -B "$work/build-$want" -G Ninja \
            "-DCMAKE_TOOLCHAIN_FILE=$prefix/share/kmdkit/toolchain-mingw.cmake" "-DCMAKE_PREFIX_PATH=$prefix" \
            -DKMDKIT_USE=package "-DKMDKIT_WANT=$want" -DKMDKIT_WINE_TESTS=OFF; then
            fail "find_package(KmdKit $want) succeeded against kmdkit 0.2.0"
        fi
        tr -s ' \n' '  ' <"$work/configure-$want.log" >"$work/flat-$want"
        grep -q "Could not find a configuration file for package \"KmdKit\" that is compatible with requested version \"$want\"" "$work/flat-$want" ||
            fail "find_package(KmdKit $want): no version mismatch error"
        grep -q "KmdKitConfig.cmake, version: 0.2.0" "$work/flat-$want" || fail "the error does not name the version found (0.2.0)"
        echo "ok: find_package(KmdKit $want) refused: 0.2.0 found"
    done
    # No toolchain file: the package says which one to use.
    if run "$work/configure-host.log" cmake -S "$project" -B "$work/build-host" -G Ninja \
        "-DCMAKE_PREFIX_PATH=$prefix" -DKMDKIT_USE=package; then
        fail "find_package(KmdKit) succeeded without the toolchain file"
    fi
    tr -s ' \n' '  ' <"$work/configure-host.log" >"$work/flat-host"
    grep -q "configure with -DCMAKE_TOOLCHAIN_FILE=$prefix/share/kmdkit/toolchain-mingw.cmake" "$work/flat-host" ||
        fail "without the toolchain file, the error does not name it"
    echo "PASS: version mismatches (9.0, 0.1) and a missing toolchain file stop the configure with a clear error"
    ;;
*)
    echo "usage: run.sh package|fetch|version ..." >&2
    exit 2
    ;;
esac
