#!/usr/bin/env bash
# The Debian package (label package): deb.sh BUILD WORK VERSION ARCH X86_KMDCTL
#   cpack -G DEB from BUILD into WORK; the file is kmdkit_VERSION_<host arch>.deb; dpkg-deb -c
#   lists the install layout under /usr; dpkg-deb -I shows the Depends a project needs; lintian,
#   when installed, reports no error (its warnings are printed); a second cpack run makes the same
#   bytes; the package's files, unpacked, serve find_package(KmdKit) (configure only).
set -uo pipefail
build=$1 work=$2 version=$3 kmd_arch=$4 x86_kmdctl=$5
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*"; exit 1; }

rm -rf "$work" && mkdir -p "$work"
echo "+ cpack --config $build/CPackConfig.cmake -G DEB -B $work"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work" >"$work/cpack.log" 2>&1 || {
    cat "$work/cpack.log"
    fail "cpack failed"
}
cat "$work/cpack.log"
arch=$(dpkg --print-architecture)
deb=$work/kmdkit_${version}_${arch}.deb
[ -f "$deb" ] || fail "no $(basename "$deb") in $work: $(ls "$work")"

# Reproducible: a second cpack run gives the same bytes (file times are SOURCE_DATE_EPOCH).
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/again" >"$work/cpack-again.log" 2>&1 ||
    fail "the second cpack run failed"
cmp "$deb" "$work/again/$(basename "$deb")" || fail "two cpack runs made different packages"
echo "reproducible: a second cpack run made the same $(basename "$deb")"

dpkg-deb -c "$deb" >"$work/contents.txt" || fail "dpkg-deb -c failed"
cat "$work/contents.txt"
for path in ./usr/lib/cmake/KmdKit/KmdKitConfig.cmake ./usr/lib/cmake/KmdKit/KmdKitConfigVersion.cmake \
    ./usr/share/kmdkit/toolchain-mingw.cmake ./usr/share/kmdkit/cmake/KmdKit.cmake \
    ./usr/share/kmdkit/cmake/KmdKitWine.cmake ./usr/share/kmdkit/cmake/kmdkit-wine.sh \
    ./usr/share/kmdkit/headers/kmdkit/kernel.h ./usr/share/kmdkit/headers/kmdkit/user.h \
    ./usr/share/kmdkit/kernel/lib/CMakeLists.txt ./usr/share/kmdkit/kernel/wdk/CMakeLists.txt \
    ./usr/share/kmdkit/kernel/support/reloc_anchor.c ./usr/share/kmdkit/user/lib/CMakeLists.txt \
    ./usr/share/kmdkit/user/wdk/CMakeLists.txt "./usr/share/kmdkit/windows/$kmd_arch/kmdctl.exe" \
    ./usr/bin/kmdpe ./usr/bin/kmdinf ./usr/bin/kmdcat ./usr/bin/kmdkit-deploy ./usr/share/doc/kmdkit/copyright ./usr/share/doc/kmdkit/changelog.gz; do
    grep -q " $path\$" "$work/contents.txt" || fail "the package has no $path"
done
# KMDKIT_INSTALL_X86_KMDCTL=ON adds the x86 kmdctl.exe to an x64 tree's.
if [ "$kmd_arch" = x64 ] && [[ $x86_kmdctl =~ ^(ON|TRUE|1|YES)$ ]]; then
    grep -q " ./usr/share/kmdkit/windows/x86/kmdctl.exe\$" "$work/contents.txt" || fail "the package has no x86 kmdctl.exe"
    echo "x86: ./usr/share/kmdkit/windows/x86/kmdctl.exe (KMDKIT_INSTALL_X86_KMDCTL)"
fi
# Owned by root, nothing outside /usr, no build-tree leftovers.
awk '$2 != "root/root" { print; bad = 1 } END { exit bad }' "$work/contents.txt" || fail "files not owned by root/root (above)"
grep -v " \./usr/" "$work/contents.txt" | grep -v " \./$" && fail "files outside /usr (above)"
grep -E "CMakeFiles|\.obj$|\.o$|KmdKitInstall|KmdKitPackage" "$work/contents.txt" && fail "build leftovers in the package (above)"
echo "contents: the install layout under /usr"

dpkg-deb -I "$deb" >"$work/info.txt" || fail "dpkg-deb -I failed"
cat "$work/info.txt"
depends=$(sed -n 's/^ Depends: //p' "$work/info.txt")
for p in cmake ninja-build gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 binutils-mingw-w64-x86-64 \
    binutils-mingw-w64-i686 mingw-w64-x86-64-dev osslsigncode openssl libc6; do
    [[ ", $depends," == *", $p "* || ", $depends," == *", $p,"* ]] || fail "Depends lacks $p: $depends"
done
grep -q "^ Recommends: .*wine64" "$work/info.txt" || fail "Recommends lacks wine64"
grep -q "^ Suggests: .*clang-19" "$work/info.txt" || fail "Suggests lacks clang-19"
grep -q "^ Version: $version\$" "$work/info.txt" || fail "Version is not $version"
echo "control: Depends, Recommends, Suggests as a project needs them"

if command -v lintian >/dev/null; then
    # --no-cfg: this machine's lintian settings do not change the verdict.
    lintian --no-cfg --tag-display-limit 0 "$deb" >"$work/lintian.txt" 2>&1
    cat "$work/lintian.txt"
    grep -q "^E: " "$work/lintian.txt" && fail "lintian reports errors (above)"
    echo "lintian: no errors ($(grep -c "^W: " "$work/lintian.txt") warnings, listed above)"
else
    echo "not checked: lintian is not installed (apt-get install lintian)"
fi

# The unpacked files serve find_package(KmdKit 0.2) as the installed package would (/usr made $root/usr).
dpkg-deb -x "$deb" "$work/root" || fail "dpkg-deb -x failed"
prefix=$work/root/usr
cmake -S "$here/project" -B "$work/project" -G Ninja "-DCMAKE_TOOLCHAIN_FILE=$prefix/share/kmdkit/toolchain-mingw.cmake" \
    "-DCMAKE_PREFIX_PATH=$prefix" -DKMDKIT_USE=package -DKMDKIT_WINE_TESTS=OFF >"$work/configure.log" 2>&1 || {
    cat "$work/configure.log"
    fail "a project does not configure against the unpacked package"
}
grep -q "instdrv: KmdKit $version from $prefix/lib/cmake/KmdKit" "$work/configure.log" ||
    fail "find_package did not find the package's KmdKitConfig.cmake"
echo "PASS: $(basename "$deb"): layout, control fields, lintian, find_package against its files"
