#!/usr/bin/env bash
# Catalog tests (label cat), one mode per ctest test:
#   cat.sh package KMDCAT WORK HASH OSLIST DIST_SYS UNSIGNED_SYS OSSLSIGNCODE SIGN_SCRIPT SIGN_ARGS...
#   cat.sh repro KMDCAT WORK OSLIST DIST_SYS
#   cat.sh malformed KMDCAT WORK OSLIST DIST_SYS        (KMDCAT built with ASan+UBSan)
#   cat.sh fuzz KMDCAT_FUZZ KMDCAT WORK OSLIST DIST_SYS SECONDS
# Each prints what it checks and ends with PASS, or FAIL and the reason (exit 1).
set -uo pipefail
mode=$1
shift

fail() {
    echo "FAIL: $*"
    exit 1
}
step() { echo "== $*"; }

# Runs a command, keeps its output in $out and its exit code in $rc, and shows both.
run() {
    out=$("$@" 2>&1)
    rc=$?
    [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/   | /'
    echo "   exit $rc"
}

# A small INF for the package: what Windows hashes flat.
write_inf() {
    printf '%s\r\n' '[Version]' 'Signature="$Windows NT$"' 'Class=System' \
        'ClassGuid={4d36e97d-e325-11ce-bfc1-08002be10318}' 'Provider=%KmdKit%' \
        'CatalogFile=skeleton.cat' 'DriverVer=01/01/2024,1.0.0.0' '' '[Strings]' \
        'KmdKit="kmdkit"' >"$1"
}

new_work() {
    rm -rf "$1"
    mkdir -p "$1/pkg"
}

case "$mode" in
package)
    kmdcat=$1 work=$2 hash=$3 os=$4 dist_sys=$5 unsigned_sys=$6 osc=$7 sign=$8
    shift 8
    sign_args=("$@")
    ca= tsa=
    for ((i = 0; i < ${#sign_args[@]}; i++)); do
        [ "${sign_args[$i]}" = "--ca" ] && ca=${sign_args[$((i + 1))]}
        [ "${sign_args[$i]}" = "--timestamp-url" ] && tsa=${sign_args[$((i + 1))]}
    done
    [ -n "$ca" ] || fail "no --ca in the signing arguments (${sign_args[*]})"
    [ -f "$dist_sys" ] || fail "$dist_sys: not built"
    new_work "$work"
    cd "$work" || fail "cd $work"
    cp "$dist_sys" pkg/skeleton.sys
    write_inf pkg/skeleton.inf

    step "kmdcat make, twice: the same unsigned bytes"
    run "$kmdcat" make unsigned.cat --hash "$hash" --os "$os" --hwid 'Root\KmdSkeleton' \
        pkg/skeleton.sys pkg/skeleton.inf
    [ $rc -eq 0 ] || fail "kmdcat make exited $rc"
    run "$kmdcat" make again.cat --hash "$hash" --os "$os" --hwid 'Root\KmdSkeleton' \
        pkg/skeleton.inf pkg/skeleton.sys
    [ $rc -eq 0 ] || fail "kmdcat make (again) exited $rc"
    cmp unsigned.cat again.cat || fail "two runs of kmdcat make gave different bytes"
    sha256sum unsigned.cat

    step "openssl asn1parse reads it (an independent DER decoder)"
    asn=$(openssl asn1parse -inform DER -in unsigned.cat) || fail "openssl asn1parse refused the catalog"
    member_oid=1.3.6.1.4.1.311.12.1.2
    [ "$hash" = sha256 ] && member_oid=1.3.6.1.4.1.311.12.1.3
    for oid in pkcs7-signedData 1.3.6.1.4.1.311.10.1 1.3.6.1.4.1.311.12.1.1 $member_oid \
        1.3.6.1.4.1.311.2.1.15 1.3.6.1.4.1.311.2.1.25 1.3.6.1.4.1.311.12.2.1; do
        grep -q ":$oid" <<<"$asn" || fail "openssl asn1parse shows no $oid"
    done
    echo "   pkcs7-signedData, szOID_CTL, catalog list, $member_oid, PE and flat members, name-values: present"

    step "unsigned, the catalog vouches for nothing: osslsigncode verify fails"
    run "$osc" verify -CAfile "$ca" -in pkg/skeleton.sys -catalog unsigned.cat
    [ $rc -ne 0 ] || fail "osslsigncode verify passed against an unsigned catalog"

    step "sign it with this tree's certificate, twice (fixed signing time): the same bytes"
    run bash "$sign" --osslsigncode "$osc" "${sign_args[@]}" --in unsigned.cat --out signed.cat
    [ $rc -eq 0 ] || fail "signing the catalog failed"
    run bash "$sign" --osslsigncode "$osc" "${sign_args[@]}" --in unsigned.cat --out signed2.cat
    [ $rc -eq 0 ] || fail "signing the catalog (again) failed"
    if [ -n "$tsa" ]; then
        echo "not checked: signatures carry a timestamp from $tsa (KMDKIT_SIGN_TIMESTAMP_URL), so they differ"
    else
        cmp signed.cat signed2.cat || fail "two signatures with the same -time gave different bytes"
    fi
    sha256sum signed.cat

    step "osslsigncode verify -in skeleton.sys -catalog: ok, for the signed and the unsigned driver"
    run "$osc" verify -CAfile "$ca" -in pkg/skeleton.sys -catalog signed.cat
    [ $rc -eq 0 ] || fail "osslsigncode verify of skeleton.sys against the catalog failed"
    grep -q "Signature verification: ok" <<<"$out" || fail "no 'Signature verification: ok'"
    digest=$(sed -n 's/^Calculated message digest *: *\([0-9A-Fa-f]*\).*/\1/p' <<<"$out" | head -n 1)
    [ -n "$digest" ] || fail "osslsigncode printed no calculated message digest"
    run "$osc" verify -CAfile "$ca" -in "$unsigned_sys" -catalog signed.cat
    [ $rc -eq 0 ] || fail "osslsigncode verify of the unsigned skeleton.sys against the catalog failed"

    step "kmdcat check agrees: both files are members, with osslsigncode's digest"
    run "$kmdcat" check signed.cat pkg/skeleton.sys pkg/skeleton.inf
    [ $rc -eq 0 ] || fail "kmdcat check exited $rc"
    grep -q "signed (1 signer" <<<"$out" || fail "kmdcat check does not see the signature"
    grep -Eq "^signed.cat: OSAttr 2:[0-9.,:]+ \(catalog attribute\)$" <<<"$out" || fail "no OSAttr line"
    grep -q "^pkg/skeleton.sys: ok: member skeleton.sys ($hash Authenticode hash $digest)" <<<"$out" ||
        fail "kmdcat check's hash of skeleton.sys is not osslsigncode's ($digest)"
    grep -q "^pkg/skeleton.inf: ok: member skeleton.inf ($hash file hash " <<<"$out" ||
        fail "kmdcat check does not find skeleton.inf"
    grep -q "attribute HWID1 = root\\\\kmdskeleton" <<<"$out" || fail "no HWID1 attribute"
    run "$kmdcat" check unsigned.cat
    grep -q ", unsigned$" <<<"$out" || fail "kmdcat check does not say the unsigned catalog is unsigned"

    step "one byte of the driver changed: osslsigncode and kmdcat both refuse it"
    mkdir -p bad
    cp pkg/skeleton.sys bad/skeleton.sys
    printf '\x5a' | dd of=bad/skeleton.sys bs=1 seek=$((0x210)) conv=notrunc status=none
    cmp -s pkg/skeleton.sys bad/skeleton.sys && fail "the tampered copy did not change"
    run "$osc" verify -CAfile "$ca" -in bad/skeleton.sys -catalog signed.cat
    [ $rc -ne 0 ] || fail "osslsigncode verify passed a tampered driver"
    grep -q "Catalog verification: failed" <<<"$out" || fail "osslsigncode did not fail on the catalog"
    run "$kmdcat" check signed.cat bad/skeleton.sys
    [ $rc -eq 1 ] || fail "kmdcat check exited $rc for a tampered driver, not 1"
    grep -q "MISMATCH: .* is not in signed.cat (its member skeleton.sys has $digest)" <<<"$out" ||
        fail "kmdcat check does not explain the mismatch"

    step "one byte of the INF changed: kmdcat check refuses it"
    sed 's/1.0.0.0/1.0.0.1/' pkg/skeleton.inf >bad/skeleton.inf
    run "$kmdcat" check signed.cat bad/skeleton.inf
    [ $rc -eq 1 ] || fail "kmdcat check exited $rc for a changed INF, not 1"

    step "an unsigned image whose size is not a multiple of 8: the same padding rule as osslsigncode"
    cp "$unsigned_sys" odd.sys
    printf 'abc' >>odd.sys
    run "$kmdcat" make odd.cat --hash "$hash" --os "$os" odd.sys
    [ $rc -eq 0 ] || fail "kmdcat make odd.cat exited $rc"
    run bash "$sign" --osslsigncode "$osc" "${sign_args[@]}" --in odd.cat --out odd-signed.cat
    [ $rc -eq 0 ] || fail "signing odd.cat failed"
    run "$osc" verify -CAfile "$ca" -in odd.sys -catalog odd-signed.cat
    [ $rc -eq 0 ] || fail "osslsigncode does not find odd.sys in the catalog kmdcat made"
    run "$kmdcat" check odd-signed.cat odd.sys
    [ $rc -eq 0 ] || fail "kmdcat check exited $rc for odd.sys"
    echo "not checked without Windows: that Windows (CryptCATAdmin, Code Integrity) accepts these catalogs"
    echo "PASS: $hash catalog made, signed, verified by osslsigncode and kmdcat; tampering caught"
    ;;

repro)
    kmdcat=$1 work=$2 os=$3 dist_sys=$4
    new_work "$work"
    cd "$work" || fail "cd $work"
    cp "$dist_sys" pkg/skeleton.sys
    write_inf pkg/skeleton.inf
    mk() { # mk OUT [args...]: kmdcat make with the package's files
        local o=$1
        shift
        run "$kmdcat" make "$o" --os "$os" "$@" pkg/skeleton.sys pkg/skeleton.inf
        [ $rc -eq 0 ] || fail "kmdcat make $o exited $rc"
    }
    step "SOURCE_DATE_EPOCH sets ThisUpdate; the same epoch gives the same bytes"
    SOURCE_DATE_EPOCH=1700000000 mk e1.cat
    SOURCE_DATE_EPOCH=1700000000 mk e2.cat
    cmp e1.cat e2.cat || fail "the same SOURCE_DATE_EPOCH gave different bytes"
    SOURCE_DATE_EPOCH=1700000001 mk e3.cat
    cmp -s e1.cat e3.cat && fail "another SOURCE_DATE_EPOCH gave the same bytes"
    run "$kmdcat" check e1.cat
    grep -q "this update 2023-11-14 22:13:20 UTC" <<<"$out" || fail "ThisUpdate is not SOURCE_DATE_EPOCH"
    step "--time wins over SOURCE_DATE_EPOCH; without either, 2024-01-01"
    SOURCE_DATE_EPOCH=5 mk t1.cat --time 1700000000
    cmp e1.cat t1.cat || fail "--time did not win over SOURCE_DATE_EPOCH"
    (unset SOURCE_DATE_EPOCH; mk d1.cat) || exit 1
    run "$kmdcat" check d1.cat
    grep -q "this update 2024-01-01 00:00:00 UTC" <<<"$out" || fail "the default ThisUpdate is not 2024-01-01"
    step "another folder, other paths, the files in another order: the same bytes"
    mkdir -p elsewhere/deeper/pkg
    cp pkg/skeleton.sys pkg/skeleton.inf elsewhere/deeper/pkg/
    (cd elsewhere/deeper && SOURCE_DATE_EPOCH=1700000000 "$kmdcat" make ../../o1.cat --os "$os" \
        "$PWD/pkg/skeleton.inf" pkg/skeleton.sys >/dev/null) || fail "kmdcat make from another folder failed"
    cmp e1.cat o1.cat || fail "the catalog depends on the folder, the paths or the order of the files"
    step "a member's content changes the list identifier (derived from the content)"
    printf '; comment\r\n' >>pkg/skeleton.inf
    SOURCE_DATE_EPOCH=1700000000 mk c1.cat
    id1=$("$kmdcat" check e1.cat | sed -n 's/.*list identifier //p')
    id2=$("$kmdcat" check c1.cat | sed -n 's/.*list identifier //p')
    echo "   identifiers: $id1 $id2"
    [ -n "$id1" ] && [ "$id1" != "$id2" ] || fail "the list identifier does not follow the content"
    echo "PASS: catalogs are byte-for-byte reproducible"
    ;;

malformed)
    kmdcat=$1 work=$2 os=$3 dist_sys=$4
    new_work "$work"
    cd "$work" || fail "cd $work"
    cp "$dist_sys" pkg/skeleton.sys
    write_inf pkg/skeleton.inf
    run "$kmdcat" make good.cat --os "$os" pkg/skeleton.sys pkg/skeleton.inf
    [ $rc -eq 0 ] || fail "kmdcat make exited $rc"
    size=$(stat -c %s good.cat)
    # Must exit 2 with a message naming the problem, and no sanitizer report.
    expect2() { # expect2 REGEX kmdcat-args...
        local re=$1
        shift
        run "$kmdcat" "$@"
        [ $rc -eq 2 ] || fail "kmdcat $* exited $rc, not 2"
        grep -Eq -- "$re" <<<"$out" || fail "kmdcat $* did not say /$re/"
        grep -Eq "Sanitizer|runtime error" <<<"$out" && fail "sanitizer report"
        return 0
    }
    step "truncated DER: exit 2, 'malformed catalog'"
    for cut in 0 1 2 3 4 16 100 $((size / 2)) $((size - 1)); do
        head -c "$cut" good.cat >cut.cat
        expect2 "cut.cat: malformed catalog: " check cut.cat pkg/skeleton.sys
    done
    step "garbage, a PE and a certificate as catalogs; trailing bytes"
    openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f -iv 0 -in /dev/zero 2>/dev/null |
        head -c 4096 >garbage.cat
    expect2 "garbage.cat: malformed catalog: " check garbage.cat
    printf '\x30' | cat - garbage.cat >garbage2.cat
    expect2 "garbage2.cat: malformed catalog: " check garbage2.cat
    expect2 "skeleton.sys: malformed catalog: " check pkg/skeleton.sys
    cat good.cat good.cat >twice.cat
    expect2 "malformed catalog: [0-9]+ bytes after the PKCS#7 ContentInfo" check twice.cat
    cer=$(dirname "$dist_sys")/signing.cer
    if [ -f "$cer" ]; then
        expect2 "signing.cer: malformed catalog: ContentInfo content type: expected tag 0x06" check "$cer"
    else
        echo "   not checked: no $cer (signing is off)"
    fi
    step "a well-formed CTL that is not a catalog (its subject usage changed)"
    at=$(LC_ALL=C grep -obUaP '\x2b\x06\x01\x04\x01\x82\x37\x0c\x01\x01' good.cat | head -n 1 | cut -d: -f1)
    [ -n "$at" ] || fail "szOID_CATALOG_LIST not found in good.cat"
    cp good.cat usage.cat
    printf '\x07' | dd of=usage.cat bs=1 seek=$((at + 9)) conv=notrunc status=none
    expect2 "malformed catalog: the CTL's subject usage has no szOID_CATALOG_LIST" check usage.cat
    step "every 7th byte changed: exit 0, 1 or 2, never a crash"
    cp good.cat flip.cat
    for ((pos = 0; pos < size; pos += 7)); do
        cp good.cat flip.cat
        printf "\\x$(printf %02x $(((pos * 37 + 11) % 256)))" |
            dd of=flip.cat bs=1 seek=$pos conv=notrunc status=none
        o=$("$kmdcat" check flip.cat pkg/skeleton.sys pkg/skeleton.inf 2>&1)
        r=$?
        case $r in 0 | 1 | 2) ;; *) printf '%s\n' "$o" | tail -n 20; fail "byte $pos changed: exit $r" ;; esac
        grep -Eq "Sanitizer|runtime error" <<<"$o" && { printf '%s\n' "$o" | tail -n 20; fail "byte $pos: sanitizer report"; }
    done
    echo "   $(((size + 6) / 7)) variants: no crash"
    step "member files: a broken PE, a folder, a missing file"
    printf 'MZ' >pkg/broken.sys
    expect2 "broken.sys: malformed PE: 2 bytes, smaller than a DOS header" make x.cat --os "$os" pkg/broken.sys
    expect2 "broken.sys: malformed PE" check good.cat pkg/broken.sys
    expect2 "pkg: not a regular file" check good.cat pkg
    expect2 "absent.sys: cannot open" check good.cat pkg/absent.sys
    [ ! -e x.cat ] || fail "a failed make left x.cat behind"
    ls -A | grep -q '\.tmp\.' && fail "a failed make left a temporary file"
    echo "PASS: malformed input exits 2 with a message, under ASan+UBSan"
    ;;

fuzz)
    fuzzer=$1 kmdcat=$2 work=$3 os=$4 dist_sys=$5 secs=$6
    new_work "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cd "$work" || fail "cd $work"
    cp "$dist_sys" pkg/skeleton.sys
    write_inf pkg/skeleton.inf
    "$kmdcat" make corpus/sha1.cat --os "$os" pkg/skeleton.sys pkg/skeleton.inf >/dev/null || fail "make"
    "$kmdcat" make corpus/sha256.cat --hash sha256 --os 10_X64 pkg/skeleton.inf >/dev/null || fail "make"
    cp pkg/skeleton.sys corpus/
    seeds=$(find corpus -type f | wc -l)
    "$fuzzer" -max_total_time="$secs" -max_len=8192 -artifact_prefix="$work/artifacts/" \
        -print_final_stats=1 corpus >fuzz.log 2>&1 ||
        { tail -n 40 fuzz.log; fail "the fuzzer found a crash (see $work/artifacts)"; }
    runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9][0-9]*\).*/\1/p' fuzz.log | tail -n 1)
    [ -n "$runs" ] && [ "$runs" -gt $((seeds * 100)) ] ||
        { tail -n 20 fuzz.log; fail "only '${runs:-no}' inputs executed for $seeds seeds"; }
    echo "PASS: $secs s of fuzzing the catalog reader and PE hash, $runs inputs, no crash"
    ;;

*)
    fail "unknown mode '$mode'"
    ;;
esac
