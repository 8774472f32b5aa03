#!/usr/bin/env bash
# Bit-reproducible dist/: clean builds of this source tree made from a copy of the sources in
# another folder, into a differently named build folder, with the same certificate, key and
# signing time, must give byte-identical dist/ trees (every file, every byte, no file more or less).
#
#   repro.sh reference SOURCE_DIR ARCH WORKDIR REFERENCE_DIST SIGN_TIME [cmake -D args...]
#       ONE clean build, compared with REFERENCE_DIST (the dist/ of the build tree running the
#       tests). The -D args give that tree's settings (build type, compiler, KMDKIT_* options)
#       and its signing input (certificate/key, PKCS#12, CA file, or KMDKIT_SIGN=OFF); SIGN_TIME
#       is its signing time.
#   repro.sh twice SOURCE_DIR ARCH WORKDIR [cmake -D args...]
#       TWO clean builds (for the architecture the tree running the tests is not built for), with
#       a throwaway certificate; they share nothing but the sources.
#
# Only what dist/ needs is built (target kmdkit_dist: drivers, clients, kmdpe to fix the drivers,
# the certificate copies and SHA256SUMS), not the test-only host builds (ASan kmdpe, fuzzer, lint
# fixtures). The second build runs with LIBRARY_PATH naming an extra (empty) folder: clang hands
# LIBRARY_PATH's folders to lld, which would record them in PDBs, so kmdkit links without it and
# this shows that it does. Each build compiles its own kmdpe from its own copy of the sources: a kmdpe whose
# output depended on where it was built would show up as a difference.
set -uo pipefail
mode=${1:-} src=${2:-} arch=${3:-} work=${4:-}
[[ $mode =~ ^(reference|twice)$ && -d $src && -n $arch && -n $work ]] ||
    { sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 2; }
shift 4
if [ "$mode" = reference ]; then
    ref=${1:?REFERENCE_DIST} sign_time=${2:?SIGN_TIME}
    shift 2
    [ -d "$ref" ] || { echo "FAIL: no reference dist/ at $ref (build the tree first)"; exit 1; }
else
    sign_time=1700000000
fi
rm -rf "$work"
mkdir -p "$work"

# copy FROM TO: the sources without build trees or .git.
copy() {
    mkdir -p "$2"
    tar -C "$1" --exclude=./build --exclude=./.git -cf - . | tar -C "$2" -xf - ||
        { echo "FAIL: cannot copy the sources to $2"; exit 1; }
}
# build SOURCE_COPY BUILD_DIR [cmake -D args...]: configured and built clean, dist/ only.
build() {
    local s=$1 b=$2 start=$SECONDS
    shift 2
    mkdir -p "$(dirname "$b")"
    # SOURCE_DATE_EPOCH at configure time is the signing time (cmake/KmdKitSign.cmake).
    SOURCE_DATE_EPOCH=$sign_time cmake -S "$s" -B "$b" -G Ninja \
        -DCMAKE_TOOLCHAIN_FILE="$s/toolchain-mingw.cmake" -DKMDKIT_ARCH="$arch" \
        -DKMDKIT_WINE_TESTS=OFF "$@" >"$b.log" 2>&1 &&
        cmake --build "$b" --target kmdkit_dist >>"$b.log" 2>&1 ||
        { tail -n 30 "$b.log"; echo "FAIL: configure/build in $b"; exit 1; }
    echo "built $b (dist/ only) in $((SECONDS - start)) s${LIBRARY_PATH:+ (LIBRARY_PATH=$LIBRARY_PATH)}"
}
listing() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs -r sha256sum); }
# same A B: exit 0 when the two folders hold the same files with the same bytes (diff on stdout).
same() { diff -u <(listing "$1") <(listing "$2"); }

if [ "$mode" = reference ]; then
    copy "$src" "$work/elsewhere/kmdkit-src"
    mkdir -p "$work/decoy-libs"
    LIBRARY_PATH=$work/decoy-libs build "$work/elsewhere/kmdkit-src" "$work/out/b2" "$@"
    one=$ref two=$work/out/b2/dist what="this tree's dist/ and a clean $arch build elsewhere"
else
    openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 30 -subj "/CN=kmdkit repro" \
        -addext extendedKeyUsage=codeSigning -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 ||
        { echo "FAIL: openssl could not make the certificate"; exit 1; }
    sign=(-DKMDKIT_SIGN_CERT="$work/cert.pem" -DKMDKIT_SIGN_KEY="$work/key.pem")
    # The second copy is made from the first: both builds see the same sources even if the
    # checkout changes meanwhile.
    copy "$src" "$work/one/src"
    copy "$work/one/src" "$work/second-tree/kmdkit-copy"
    build "$work/one/src" "$work/one/build" "${sign[@]}" "$@"
    mkdir -p "$work/decoy-libs"
    LIBRARY_PATH=$work/decoy-libs build "$work/second-tree/kmdkit-copy" "$work/second-tree/out/b" "${sign[@]}" "$@"
    one=$work/one/build/dist two=$work/second-tree/out/b/dist what="two clean $arch builds"
fi

listing "$one" >"$work/one.sums"
n=$(wc -l <"$work/one.sums")
# dist/ must hold something worth comparing: drivers, the certificate (when signing) and SHA256SUMS.
grep -q '\.sys$' "$work/one.sums" && grep -q '/SHA256SUMS$' "$work/one.sums" && [ "$n" -ge 4 ] ||
    { cat "$work/one.sums"; echo "FAIL: only $n files in $one, or no .sys or SHA256SUMS"; exit 1; }
if ! same "$one" "$two"; then
    echo "FAIL: the dist/ trees of $what differ ($one, $two)"
    [ "$mode" = twice ] || echo "  (or the sources changed since this tree was last built: rebuild it, then rerun)"
    exit 1
fi
cat "$work/one.sums"

# Self-check of the comparison: one byte changed in one file of a copy must be seen.
cp -a "$two" "$work/spoiled"
f=$(cd "$work/spoiled" && ls ./*.sys | head -n 1)
b=$(od -An -tu1 -j 300 -N 1 "$work/spoiled/$f" | tr -d ' ')
printf "$(printf '\\%03o' $(((b + 1) % 256)))" | dd of="$work/spoiled/$f" bs=1 seek=300 conv=notrunc status=none
if same "$one" "$work/spoiled" >/dev/null; then
    echo "FAIL: self-check: the comparison did not see one changed byte in $f"
    exit 1
fi
echo "self-check: one changed byte in $f is seen as a difference"
echo "PASS: $n files in dist/ are byte-identical across $what"
