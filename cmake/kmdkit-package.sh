#!/usr/bin/env bash
# The driver package of a PnP driver (kmd_add_driver(... INF), KmdKitInf.cmake): INF + catalog.
#
# kmdkit-package.sh make --kmdinf K --kmdcat C --src IN.inx|IN.inf --dist DIR --inf NAME.inf
#                        --cat NAME.cat --arch x64|x86 --version W.X.Y.Z --os LIST --hash sha1|sha256
#                        --time UNIX --work DIR [--osslsigncode O --sign SCRIPT -- SIGN-ARGS...]
#   Stamps the INX (DriverVer from --version and --time, NT$ARCH$ decorations), checks the INF
#   (an error stops here), makes the catalog of the INF and every file it copies (all of them must
#   be in DIR), signs it (when --sign is given) and verifies each member against it, then moves
#   NAME.inf and NAME.cat into DIR. On any failure neither is left in DIR (stale copies are
#   removed first), so nothing half-made is staged or summed.
#
# kmdkit-package.sh verify --kmdinf K --kmdcat C --dist DIR --inf NAME.inf --arch A [--osslsigncode O --ca CA.pem]
#   The <driver>.package test: the staged INF passes the check, every member verifies against the
#   staged catalog (osslsigncode verify -catalog for PE files, kmdcat check for all), and a copy of
#   each PE file with one byte changed is refused by both.
set -euo pipefail

die() { echo "kmdkit-package: $*" >&2; exit 1; }
mode=${1:-}
shift || true
kmdinf= kmdcat= src= dist= inf= cat= arch= version= os= hash= time= work= osc= sign= ca=
while [ $# -gt 0 ]; do
    case "$1" in
    --kmdinf) kmdinf=$2 ;;
    --kmdcat) kmdcat=$2 ;;
    --src) src=$2 ;;
    --dist) dist=$2 ;;
    --inf) inf=$2 ;;
    --cat) cat=$2 ;;
    --arch) arch=$2 ;;
    --version) version=$2 ;;
    --os) os=$2 ;;
    --hash) hash=$2 ;;
    --time) time=$2 ;;
    --work) work=$2 ;;
    --osslsigncode) osc=$2 ;;
    --ca) ca=$2 ;;
    --sign) sign=$2 ;;
    --) shift; break ;;
    *) die "unknown argument '$1'" ;;
    esac
    shift 2
done
sign_args=("$@")

# The members of the package: the INF and the files it copies, as paths relative to the INF.
members() {
    local list
    list=$("$kmdinf" files "$1" --arch "$arch") || die "kmdinf files $1 failed"
    printf '%s\n' "$(basename "$1")"
    printf '%s\n' "$list"
}

# verify_members INF_DIR CATALOG: each member against the catalog, with both readers.
verify_members() {
    local dir=$1 catalog=$2 m out
    while IFS= read -r m; do
        [ -f "$dir/$m" ] || die "$m, a file of the package, is not in $dir"
        out=$("$kmdcat" check "$catalog" "$dir/$m" 2>&1) || die "kmdcat check: $m is not in $(basename "$catalog"):"$'\n'"$out"
        if [ -n "$osc" ] && [ "$(head -c 2 "$dir/$m")" = "MZ" ]; then
            out=$("$osc" verify -CAfile "$ca" -in "$dir/$m" -catalog "$catalog" 2>&1) ||
                die "osslsigncode verify -catalog: $m does not verify against $(basename "$catalog"):"$'\n'"$out"
        fi
    done < <(members "$dir/$(basename "$inf")")
}

case "$mode" in
make)
    for v in kmdinf kmdcat src dist inf cat arch version os hash time work; do
        [ -n "${!v}" ] || die "--$v is required"
    done
    rm -f "$dist/$inf" "$dist/$cat"
    rm -rf "$work"
    mkdir -p "$work/pkg"
    SOURCE_DATE_EPOCH=$time "$kmdinf" stamp "$src" "$work/pkg/$inf" --arch "$arch" --version "$version" >/dev/null ||
        die "kmdinf stamp $src failed"
    # Stamping keeps line numbers: findings name the source file (the stamped copy is temporary).
    rc=0
    out=$("$kmdinf" check "$work/pkg/$inf" --arch "$arch" --quiet 2>&1) || rc=$?
    [ -z "$out" ] || printf '%s\n' "${out//"$work/pkg/$inf"/"$src"}" >&2
    [ $rc -eq 0 ] || die "$src breaks the INF rules above for $arch (tools/kmdinf/README.md): no package staged"
    named=$("$kmdinf" files "$work/pkg/$inf" --arch "$arch" --json | sed -n 's/.*"catalog":"\([^"]*\)".*/\1/p')
    [ "$named" = "$cat" ] || die "$src names the catalog '$named' for $arch, CMake expected '$cat' (reconfigure)"
    # The package's files come from dist/ (signed), beside the stamped INF.
    files=()
    while IFS= read -r m; do
        [ "$m" = "$inf" ] && continue
        [ -f "$dist/$m" ] || die "$src copies $m, which is not in dist/ (stage it with kmd_add_driver or kmd_add_client)"
        mkdir -p "$work/pkg/$(dirname "$m")"
        cp "$dist/$m" "$work/pkg/$m"
        files+=("$work/pkg/$m")
    done < <(members "$work/pkg/$inf")
    "$kmdcat" make "$work/unsigned.cat" --os "$os" --hash "$hash" --time "$time" "$work/pkg/$inf" "${files[@]}" >/dev/null ||
        die "kmdcat make failed"
    if [ -n "$sign" ]; then
        bash "$sign" --osslsigncode "$osc" "${sign_args[@]}" --in "$work/unsigned.cat" --out "$work/pkg/$cat" ||
            die "signing $cat failed"
        for ((i = 0; i < ${#sign_args[@]}; i++)); do
            [ "${sign_args[$i]}" = "--ca" ] && ca=${sign_args[$((i + 1))]}
        done
    else
        mv "$work/unsigned.cat" "$work/pkg/$cat"
        osc=
    fi
    verify_members "$work/pkg" "$work/pkg/$cat"
    mv -f "$work/pkg/$inf" "$dist/$inf"
    mv -f "$work/pkg/$cat" "$dist/$cat"
    rm -rf "$work"
    ;;
verify)
    for v in kmdinf kmdcat dist inf arch; do
        [ -n "${!v}" ] || die "--$v is required"
    done
    "$kmdinf" check "$dist/$inf" --arch "$arch" || die "the staged $inf breaks the INF rules"
    cat=$("$kmdinf" files "$dist/$inf" --arch "$arch" --json | sed -n 's/.*"catalog":"\([^"]*\)".*/\1/p')
    [ -f "$dist/$cat" ] || die "the catalog $cat is not in $dist"
    if [ -n "$osc" ]; then
        [ -n "$ca" ] || die "--ca is required with --osslsigncode"
        out=$("$kmdcat" check "$dist/$cat" 2>&1) || die "kmdcat check $cat:"$'\n'"$out"
        grep -q "signed (1 signer" <<<"$out" || die "$cat is not signed"
    else
        echo "not checked: signing is off in this tree (KMDKIT_SIGN), $cat is unsigned"
    fi
    verify_members "$dist" "$dist/$cat"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    n=0
    while IFS= read -r m; do
        echo "member ok: $m"
        n=$((n + 1))
        [ "$(head -c 2 "$dist/$m")" = "MZ" ] || continue
        # One byte of the code changed (past the headers): both readers must refuse the copy.
        cp "$dist/$m" "$tmp/$(basename "$m")"
        printf '\x5a' | dd of="$tmp/$(basename "$m")" bs=1 seek=$((0x410)) conv=notrunc status=none
        cmp -s "$dist/$m" "$tmp/$(basename "$m")" && die "changing one byte of $m changed nothing"
        if "$kmdcat" check "$dist/$cat" "$tmp/$(basename "$m")" >/dev/null 2>&1; then
            die "kmdcat check accepts $m with one byte changed"
        fi
        if [ -n "$osc" ] && "$osc" verify -CAfile "$ca" -in "$tmp/$(basename "$m")" -catalog "$dist/$cat" >/dev/null 2>&1; then
            die "osslsigncode verify -catalog accepts $m with one byte changed"
        fi
        echo "one byte changed, refused: $m"
    done < <(members "$dist/$inf")
    echo "package $inf: $n members verified against $cat"
    ;;
*) die "usage: kmdkit-package.sh make|verify ..." ;;
esac
