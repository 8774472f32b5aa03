#!/usr/bin/env bash
# Signs one PE file with osslsigncode (SHA-256, page hashes, fixed signing time), verifies the
# result against the certificate, and only then moves it to --out. On any failure nothing is left
# at --out (a stale signed copy from an earlier build is removed too).
#
# kmdkit-sign.sh --osslsigncode BIN (--cert C --key K | --pkcs12 P (--pass-file F | --pass-env VAR))
#                --ca CERT.pem --time UNIX [--timestamp-url URL] --in FILE --out FILE
set -euo pipefail
osc=osslsigncode cert= key= p12= passfile= passenv= ca= time= tsurl= in= out=
while [ $# -gt 0 ]; do
    case "$1" in
    --osslsigncode) osc=$2 ;;
    --cert) cert=$2 ;;
    --key) key=$2 ;;
    --pkcs12) p12=$2 ;;
    --pass-file) passfile=$2 ;;
    --pass-env) passenv=$2 ;;
    --ca) ca=$2 ;;
    --time) time=$2 ;;
    --timestamp-url) tsurl=$2 ;;
    --in) in=$2 ;;
    --out) out=$2 ;;
    *) echo "kmdkit-sign: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift 2
done
for v in ca time in out; do
    [ -n "${!v}" ] || { echo "kmdkit-sign: --$v is required" >&2; exit 2; }
done

rm -f "$out"
mkdir -p "$(dirname "$out")"
tmp="$out.signing.$$"
log="$out.signing.$$.log"
trap 'rm -f "$tmp" "$log"' EXIT

args=(sign -h sha256 -ph -time "$time" -in "$in" -out "$tmp")
[ -z "$tsurl" ] || args+=(-ts "$tsurl")
if [ -n "$p12" ]; then
    if [ -n "$passfile" ]; then
        "$osc" "${args[@]}" -pkcs12 "$p12" -readpass "$passfile" >"$log" 2>&1 || status=$?
    else
        [ -n "${!passenv+x}" ] || { echo "kmdkit-sign: $p12: environment variable $passenv (the password) is not set" >&2; exit 1; }
        # The password reaches osslsigncode through a pipe, never through its command line.
        "$osc" "${args[@]}" -pkcs12 "$p12" -readpass <(printf '%s' "${!passenv}") >"$log" 2>&1 || status=$?
    fi
else
    "$osc" "${args[@]}" -certs "$cert" -key "$key" >"$log" 2>&1 || status=$?
fi
if [ "${status:-0}" -ne 0 ] || [ ! -s "$tmp" ]; then
    echo "kmdkit-sign: signing $in failed:" >&2
    cat "$log" >&2
    exit 1
fi
# osslsigncode sign can report success without a usable signature: always verify.
if ! "$osc" verify -CAfile "$ca" -in "$tmp" >"$log" 2>&1; then
    echo "kmdkit-sign: the signature of $in does not verify against $ca:" >&2
    cat "$log" >&2
    exit 1
fi
mv -f "$tmp" "$out"
