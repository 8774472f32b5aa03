#!/usr/bin/env bash
# kmdpe compact on a real linked driver that skipped it (NO_COMPACT): the result is smaller,
# passes kmdpe check and the pefile cross-check, a second compact changes nothing, and a signed
# file is refused. In clang trees (KMDKIT_COMPILER=clang) the lld image must be left alone instead.
#   compact.sh KMDPE ARCH PYTHON CROSSCHECK FILE.sys WORKDIR
set -uo pipefail
kmdpe=$1 arch=$2 py=$3 cross=$4 in=$5 work=$6
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work"
cp "$in" "$work/a.sys"
before=$(stat -c %s "$work/a.sys")
if [ "${KMDKIT_COMPILER:-gcc}" = clang ]; then
    # lld merged .pdata at link time and the image names its PDB (a debug directory): compact
    # must leave it alone, byte for byte, and say why.
    out=$("$kmdpe" compact "$work/a.sys" 2>&1) || fail "compact of an lld image failed: $out"
    echo "$out"
    grep -q "left alone: the image has a debug directory" <<<"$out" || fail "compact did not say why it left the image"
    cmp -s "$in" "$work/a.sys" || fail "compact changed an lld image"
    echo "PASS: the lld image ($before bytes) is left alone"
    exit 0
fi
"$kmdpe" info "$work/a.sys" | sed -n '/^sections/,/^imports/p' | head -n -1
"$kmdpe" compact "$work/a.sys" || fail "compact failed"
after=$(stat -c %s "$work/a.sys")
[ "$after" -lt "$before" ] || fail "not smaller: $before -> $after bytes"
"$kmdpe" info "$work/a.sys" | sed -n '/^sections/,/^imports/p' | head -n -1
"$kmdpe" check "$work/a.sys" --arch "$arch" || fail "the compacted file fails kmdpe check"
"$py" "$cross" "$kmdpe" "$work/a.sys" || fail "the compacted file disagrees with pefile"
cp "$work/a.sys" "$work/b.sys"
"$kmdpe" compact "$work/b.sys" | grep -q "nothing to compact" || fail "a second compact did something"
cmp -s "$work/a.sys" "$work/b.sys" || fail "a second compact changed bytes"
openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 1 -subj /CN=compact-test \
    -addext extendedKeyUsage=codeSigning -keyout "$work/k.pem" -out "$work/c.pem" >/dev/null 2>&1
osslsigncode sign -certs "$work/c.pem" -key "$work/k.pem" -h sha256 -ph -time 1704067200 \
    -in "$in" -out "$work/s.sys" >/dev/null || fail "could not sign a copy"
out=$("$kmdpe" compact "$work/s.sys" 2>&1)
rc=$?
[ $rc -eq 2 ] && grep -qi "signed" <<<"$out" || fail "compact of a signed file: exit $rc, '$out'"
echo "PASS: $before -> $after bytes; check and pefile agree; idempotent; signed file refused"
