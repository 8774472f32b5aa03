#!/usr/bin/env bash
# A signing failure at build time leaves nothing in dist/: build the out-of-tree project signed
# with a copy of a good key, break that key, rebuild, and check that the build fails and that
# neither the old nor a partial hello.sys is left in dist/.
#   halfsigned.sh FIXTURES WORKDIR [KMDPE]
# KMDPE: a built kmdpe to use (KMDKIT_KMDPE) instead of building one for this project.
set -uo pipefail
fx=$1 work=$2 kmdpe=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
kmdkit=$(cd "$here/../.." && pwd)
rm -rf "$work"
mkdir -p "$work/src"
cp -r "$kmdkit/tests/outoftree/." "$work/src/"
cp "$fx/good.crt" "$fx/good.key" "$work/"
cmake -S "$work/src" -B "$work/build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$kmdkit/toolchain-mingw.cmake" \
    -DKMDKIT_DIR="$kmdkit" -DKMDKIT_WINE_TESTS=OFF ${kmdpe:+"-DKMDKIT_KMDPE=$kmdpe"} \
    -DKMDKIT_SIGN_CERT="$work/good.crt" -DKMDKIT_SIGN_KEY="$work/good.key" >"$work/configure.txt" 2>&1 ||
    { cat "$work/configure.txt"; echo "FAIL: configure"; exit 1; }
cmake --build "$work/build" >"$work/build1.txt" 2>&1 || { cat "$work/build1.txt"; echo "FAIL: first build"; exit 1; }
[ -f "$work/build/dist/hello.sys" ] || { echo "FAIL: no dist/hello.sys after the first build"; exit 1; }
echo "first build: dist/hello.sys signed"
cp "$fx/other.key" "$work/good.key" # now the key does not match the certificate
echo "/* changed */" >>"$work/src/hello.c"
if cmake --build "$work/build" >"$work/build2.txt" 2>&1; then
    cat "$work/build2.txt"; echo "FAIL: the build with a wrong key succeeded"; exit 1
fi
grep -E "kmdkit-sign|signing|verify" "$work/build2.txt" | head -5
left=$(find "$work/build/dist" -name 'hello.sys*')
[ -z "$left" ] || { echo "FAIL: left in dist/: $left"; exit 1; }
echo "PASS: the failed signing left no hello.sys (nor a temporary file) in dist/"
