#!/usr/bin/env bash
# kmdinf on input that is no INF text, and bad usage: exit 2 and a message naming the problem.
#   cli.sh KMDINF WORKDIR
set -uo pipefail
k=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
fail=0
# case NAME EXIT REGEX -- ARGS...
case_() {
    local name=$1 want=$2 re=$3
    shift 4
    local out rc
    out=$("$k" "$@" 2>&1)
    rc=$?
    if [ "$rc" != "$want" ] || ! grep -Eq -- "$re" <<<"$out"; then
        echo "FAIL $name: exit $rc (want $want), output:"
        printf '%s\n' "$out"
        fail=1
    else
        echo "ok   $name: exit $rc: $(head -n 1 <<<"$out")"
    fi
}
printf '\xfe\xff\x00[' >"$work/be.inf"
printf '[\0V\0e\0r\0' >"$work/nobom.inf"
printf '\xff\xfe\x00\xdc' >"$work/lone.inf"
printf '\xff\xfe[\0V' >"$work/odd.inf"
printf '[Version]\nSignature=\x00\n' >"$work/nul.inf"
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' ';' >"$work/huge.inf"
case_ utf16be 2 "be.inf: not INF text: UTF-16BE byte order mark" -- check "$work/be.inf"
case_ utf16_without_bom 2 "nobom.inf: not INF text: .*UTF-16LE without a byte order mark" -- check "$work/nobom.inf"
case_ lone_surrogate 2 "lone.inf: not INF text: invalid UTF-16LE: unpaired low surrogate" -- check "$work/lone.inf"
case_ odd_length 2 "odd.inf: not INF text: UTF-16LE text with an odd number of bytes" -- files "$work/odd.inf"
case_ nul_byte 2 "nul.inf: not INF text: NUL byte at offset 20" -- check "$work/nul.inf"
case_ too_large 2 "huge.inf: file is larger than 16 MiB" -- check "$work/huge.inf"
case_ missing 2 "absent.inf: cannot open: No such file" -- check "$work/absent.inf"
case_ stamp_missing 2 "absent.inx: cannot open" -- stamp "$work/absent.inx" "$work/o.inf" --arch x64 --version 1.0.0.0 --date 01/01/2024
case_ no_args 2 "^usage: kmdinf COMMAND" --
case_ unknown_command 2 "unknown command 'verify'" -- verify x.inf
case_ unknown_option 2 "unknown option for check: --werror" -- check "$work/be.inf" --werror
case_ bad_arch 2 "--arch needs x64 or x86" -- check "$work/be.inf" --arch amd64
case_ no_file 2 "check: missing FILE.inf" -- check --arch x64
case_ stamp_one_file 2 "stamp: missing OUT.inf" -- stamp in.inx --arch x64 --version 1.0.0.0
case_ stamp_no_arch 2 "stamp needs --arch" -- stamp in.inx out.inf --version 1.0.0.0
case_ stamp_json 2 "unknown option for stamp: --json" -- stamp in.inx out.inf --json
case_ help 0 "^usage: kmdinf COMMAND" -- help
case_ version 0 "^kmdinf [0-9]+\.[0-9]+\.[0-9]+$" -- version
[ $fail -eq 0 ] && echo "PASS: every case exits as expected and names the problem"
exit $fail
