#!/usr/bin/env bash
# Two clean builds of this source tree for ARCH, from two different source folders into two
# different build folders, with the same certificate/key and SOURCE_DATE_EPOCH, must give
# byte-identical dist/ trees.
#   repro.sh SOURCE_DIR ARCH WORKDIR
set -uo pipefail
src=$1 arch=$2 work=$3
export SOURCE_DATE_EPOCH=1700000000
rm -rf "$work"
mkdir -p "$work"
openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 30 -subj "/CN=kmdkit repro" \
    -addext extendedKeyUsage=codeSigning -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 ||
    { echo "FAIL: openssl could not make the certificate"; exit 1; }

build() { # build SOURCE_COPY BUILD_DIR
    mkdir -p "$1" "$(dirname "$2")"
    tar -C "$src" --exclude=./build --exclude=./.git -cf - . | tar -C "$1" -xf -
    cmake -S "$1" -B "$2" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$1/toolchain-mingw.cmake" \
        -DKMDKIT_ARCH="$arch" -DCMAKE_BUILD_TYPE=Release -DKMDKIT_WINE_TESTS=OFF \
        -DKMDKIT_SIGN_CERT="$work/cert.pem" -DKMDKIT_SIGN_KEY="$work/key.pem" >"$2.log" 2>&1 &&
        cmake --build "$2" >>"$2.log" 2>&1 || { tail -n 30 "$2.log"; echo "FAIL: build in $2"; exit 1; }
}
listing() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs sha256sum); }

build "$work/one/src" "$work/one/build"
build "$work/second-tree/kmdkit-copy" "$work/second-tree/out/b"
listing "$work/one/build/dist" >"$work/one.sums"
listing "$work/second-tree/out/b/dist" >"$work/two.sums"
n=$(wc -l <"$work/one.sums")
[ "$n" -ge 4 ] || { cat "$work/one.sums"; echo "FAIL: only $n files in dist/"; exit 1; }
if ! diff -u "$work/one.sums" "$work/two.sums"; then
    echo "FAIL: the two $arch dist/ trees differ"
    exit 1
fi
cat "$work/one.sums"
echo "PASS: $n files in dist/ are byte-identical across two $arch builds"
