#!/usr/bin/env bash
# Throwaway certificates for the signing tests, made in WORKDIR:
#   good.crt/.key   RSA-3072 with EKU codeSigning     other.key  a key of another certificate
#   noeku.crt/.key  no code-signing usage             expired.crt/.key  valid 2020-2021 only
#   good.p12        good.crt+key, password in pass.txt (and wrong.txt holds a wrong one)
set -euo pipefail
w=$1
rm -rf "$w"
mkdir -p "$w/ca/newcerts"
cd "$w"
q() { "$@" >/dev/null 2>&1 || { echo "make-fixtures: failed: $*" >&2; "$@"; exit 1; }; }
q openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 30 -subj "/CN=kmdkit fixture" \
    -addext extendedKeyUsage=codeSigning -keyout good.key -out good.crt
q openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 30 -subj "/CN=other" \
    -addext extendedKeyUsage=codeSigning -keyout other.key -out other.crt
q openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 30 -subj "/CN=no code signing" \
    -addext extendedKeyUsage=serverAuth -keyout noeku.key -out noeku.crt
# An expired certificate needs explicit dates: openssl ca can set them.
touch ca/index.txt
echo 01 >ca/serial
cat >ca.cnf <<'CNF'
[ca]
default_ca = d
[d]
database = ca/index.txt
new_certs_dir = ca/newcerts
serial = ca/serial
default_md = sha256
policy = p
x509_extensions = ext
[p]
commonName = supplied
[ext]
extendedKeyUsage = codeSigning
CNF
q openssl req -new -newkey rsa:2048 -nodes -subj "/CN=expired" -keyout expired.key -out expired.csr
q openssl ca -batch -config ca.cnf -selfsign -keyfile expired.key -in expired.csr -out expired.crt \
    -startdate 20200101000000Z -enddate 20210101000000Z
printf 'correct horse battery staple' >pass.txt
printf 'wrong password' >wrong.txt
q openssl pkcs12 -export -inkey good.key -in good.crt -out good.p12 -passout file:pass.txt
chmod 600 ./*.key pass.txt wrong.txt good.p12
echo "fixtures in $w: $(ls | tr '\n' ' ')"
