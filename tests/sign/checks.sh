#!/usr/bin/env bash
# Checks of the signed artifacts in dist/ (ctest label "sign").
#   checks.sh verify-all DIST            every .sys (and signed .exe) verifies against signing.pem
#   checks.sh tamper DIST FILE.sys WORK  one byte changed in the code section -> verify fails
#   checks.sh cert SIGN_DIR              generated certificate: RSA-3072, SHA-256, EKU codeSigning
#   checks.sh key SIGN_DIR DIST SRC      key file mode 0600, no private key in dist/ or the sources
#   checks.sh sums DIST                  SHA256SUMS lists every file in dist/ and matches it
set -uo pipefail
osc=${OSSLSIGNCODE:-osslsigncode}
fail() { echo "FAIL: $*"; exit 1; }

case "${1:-}" in
verify-all)
    dist=$2 n=0
    for f in "$dist"/*.sys "$dist"/*.exe; do
        [ -e "$f" ] || continue
        if [[ "$f" == *.exe ]] && ! "$osc" extract-signature -in "$f" -out /dev/null >/dev/null 2>&1; then
            echo "unsigned (not asked to sign): $(basename "$f")"
            continue
        fi
        out=$("$osc" verify -CAfile "$dist/signing.pem" -in "$f" 2>&1) || { echo "$out"; fail "$(basename "$f") does not verify"; }
        grep -q "Signature verification: ok" <<<"$out" || fail "$(basename "$f"): no 'Signature verification: ok'"
        echo "verified: $(basename "$f")"
        n=$((n + 1))
    done
    [ $n -gt 0 ] || fail "no signed file in $dist"
    echo "PASS: $n signed files verify"
    ;;
tamper)
    dist=$2 file=$3 work=$4
    mkdir -p "$work"
    copy="$work/$(basename "$file")"
    cp "$dist/$file" "$copy"
    "$osc" verify -CAfile "$dist/signing.pem" -in "$copy" >/dev/null 2>&1 || fail "the untouched copy does not verify"
    # File offset of .text from the section table (objdump -h: Idx Name Size VMA LMA File-off).
    off=$(objdump -h "$copy" | awk '$2 == ".text" { print $6; exit }')
    [ -n "$off" ] || fail "no .text section in $file"
    pos=$((0x$off + 16))
    byte=$(od -An -tu1 -j "$pos" -N1 "$copy" | tr -d ' ')
    printf "$(printf '\\%03o' $(((byte + 1) % 256)))" | dd of="$copy" bs=1 seek="$pos" conv=notrunc status=none
    if out=$("$osc" verify -CAfile "$dist/signing.pem" -in "$copy" 2>&1); then
        echo "$out"
        fail "a copy with the byte at 0x$(printf %x $pos) (.text) changed still verifies"
    fi
    echo "$out" | grep -iE "mismatch|failed" | head -3
    echo "PASS: changing one byte of .text at 0x$(printf %x $pos) breaks the signature"
    ;;
cert)
    dir=$2
    crt="$dir/test-signing.crt"
    [ -f "$crt" ] || fail "$crt: no generated certificate (was a certificate given?)"
    text=$(openssl x509 -in "$crt" -noout -text) || fail "cannot read $crt"
    grep -q "Public-Key: (3072 bit)" <<<"$text" || fail "key is not RSA-3072"
    grep -q "rsaEncryption" <<<"$text" || fail "key is not RSA"
    grep -q "Signature Algorithm: sha256WithRSAEncryption" <<<"$text" || fail "not signed with SHA-256"
    grep -A1 "Extended Key Usage" <<<"$text" | grep -q "Code Signing" || fail "no codeSigning extended key usage"
    # Valid at the signing time: from no later than it, to ten years ahead.
    sign_time=${3:?SIGN_TIME}
    start=$(date -u -d "$(openssl x509 -in "$crt" -noout -startdate | cut -d= -f2)" +%s)
    end=$(date -u -d "$(openssl x509 -in "$crt" -noout -enddate | cut -d= -f2)" +%s)
    [ "$start" -le "$sign_time" ] || fail "the certificate starts at $start, after the signing time $sign_time"
    [ "$end" -gt $((sign_time + 9 * 365 * 86400)) ] || fail "the certificate ends at $end, less than 9 years after the signing time"
    echo "subject: $(openssl x509 -in "$crt" -noout -subject)"
    echo "valid: $(openssl x509 -in "$crt" -noout -startdate) $(openssl x509 -in "$crt" -noout -enddate) (signing time $sign_time)"
    echo "PASS: RSA-3072, sha256WithRSAEncryption, EKU Code Signing, valid at the signing time"
    ;;
key)
    dir=$2 dist=$3 src=$4
    key="$dir/test-signing.key"
    [ -f "$key" ] || fail "$key: no generated key"
    mode=$(stat -c %a "$key")
    [ "$mode" = 600 ] || fail "$key has mode $mode, expected 600"
    if grep -rl "PRIVATE KEY" "$dist" >/dev/null 2>&1; then fail "a private key is in $dist"; fi
    if git -C "$src" ls-files 2>/dev/null | grep -Eq '\.(key|p12|pfx)$'; then fail "key material tracked in the sources"; fi
    echo "PASS: key mode 600, no private key in dist/ or the sources"
    ;;
sums)
    dist=$2
    (cd "$dist" && sha256sum --strict -c SHA256SUMS) || fail "SHA256SUMS does not match"
    # Every file below dist/ (clang trees add symbols/<name>.pdb/<id>/<name>.pdb).
    listed=$(awk '{print $2}' "$dist/SHA256SUMS" | LC_ALL=C sort)
    present=$(cd "$dist" && find . -type f ! -path ./SHA256SUMS -printf '%P\n' | LC_ALL=C sort)
    [ "$listed" = "$present" ] || fail "SHA256SUMS lists [$listed] but dist has [$present]"
    echo "PASS: SHA256SUMS covers and matches all $(wc -l <"$dist/SHA256SUMS") files"
    ;;
*)
    sed -n '2,8s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
