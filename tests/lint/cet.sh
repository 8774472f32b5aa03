#!/usr/bin/env bash
# The CET mark on every shipped driver, read back by llvm-readobj (a reader independent of kmdpe).
#   cet.sh KMDPE READOBJ ARCH DIST PYTHON BREAK_PY WORKDIR [OPTED_OUT...]
# x64: each dist/*.sys has an IMAGE_DEBUG_TYPE_EX_DLLCHARACTERISTICS (20) debug entry with
# IMAGE_DLLCHARACTERISTICS_EX_CET_COMPAT; an lld image keeps its PDB's CodeView entry next to
# it; kmdpe info says the same. A copy with the bit cleared (fixtures/break.py no-cet) must show
# neither and fail `kmdpe check` with KPE025, so this test cannot pass on unmarked drivers.
# OPTED_OUT names drivers built with NO_CET: they need no mark and must pass `check --no-cet`.
# x86: kernel shadow stacks are x64 only; nothing is required, and `check` passes without it.
set -uo pipefail
kmdpe=$1 readobj=$2 arch=$3 dist=$4 py=$5 break=$6 work=$7
shift 7
opted_out=" $* "
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work"
shopt -s nullglob
drivers=("$dist"/*.sys)
[ ${#drivers[@]} -gt 0 ] || fail "no driver in $dist"
cet_line='IMAGE_DLL_CHARACTERISTICS_EX_CET_COMPAT \(0x1\)'
if [ "$arch" != x64 ]; then
    for f in "${drivers[@]}"; do
        "$kmdpe" check --quiet "$f" --arch "$arch" || fail "$f fails kmdpe check"
    done
    echo "not checked on $arch: kernel-mode shadow stacks (and the CET mark) are x64 only;" \
         "${#drivers[@]} drivers pass kmdpe check without it"
    exit 0
fi
n=0
for f in "${drivers[@]}"; do
    if [[ $opted_out == *" $(basename "$f" .sys) "* ]]; then
        "$kmdpe" check --quiet --no-cet "$f" || fail "$f (NO_CET) fails kmdpe check --no-cet"
        echo "$(basename "$f"): opted out (NO_CET), passes check --no-cet"
        continue
    fi
    out=$("$readobj" --coff-debug-directory "$f" 2>&1) || fail "$readobj cannot read $f: $out"
    grep -q 'Type: ExtendedDLLCharacteristics (0x14)' <<<"$out" ||
        fail "$f: no EX_DLLCHARACTERISTICS debug entry:"$'\n'"$out"
    grep -Eq "$cet_line" <<<"$out" || fail "$f: the entry lacks CET_COMPAT:"$'\n'"$out"
    if grep -q 'Type: CodeView' <<<"$out"; then # lld: the PDB reference must survive
        name=$(basename "$f" .sys)
        grep -Eq "PDBFileName: $name\.pdb$" <<<"$out" || fail "$f: CodeView entry names no $name.pdb"
        echo "$(basename "$f"): CET_COMPAT, next to its CodeView entry ($name.pdb)"
    else
        echo "$(basename "$f"): CET_COMPAT"
    fi
    "$kmdpe" info "$f" | grep -q '^cet compat: *yes' || fail "kmdpe info does not see the mark in $f"
    n=$((n + 1))
done
# The counter-test: the same driver, unmarked. (dist/ is signed; break.py wants the bytes before
# the signature, so strip it with osslsigncode first.)
[ $n -gt 0 ] || fail "every driver in $dist opted out: nothing was checked"
f=${drivers[0]}
for g in "${drivers[@]}"; do # one that carries the mark
    [[ $opted_out == *" $(basename "$g" .sys) "* ]] || { f=$g; break; }
done
osslsigncode remove-signature -in "$f" -out "$work/unsigned.sys" >/dev/null 2>&1 ||
    fail "could not strip the signature of $f"
"$kmdpe" fix "$work/unsigned.sys" >/dev/null || fail "kmdpe fix of the unsigned copy failed"
"$py" "$break" no-cet "$work/unsigned.sys" "$work/unmarked.sys" || fail "break.py no-cet failed"
out=$("$readobj" --coff-debug-directory "$work/unmarked.sys" 2>&1)
grep -Eq "$cet_line" <<<"$out" && fail "llvm-readobj still sees CET_COMPAT in the unmarked copy"
out=$("$kmdpe" check "$work/unmarked.sys")
[ $? -eq 1 ] && grep -q 'error KPE025 cet-compat' <<<"$out" ||
    fail "kmdpe check does not fail the unmarked copy with KPE025: $out"
"$kmdpe" check --quiet --no-cet "$work/unmarked.sys" || fail "check --no-cet rejects the unmarked copy"
echo "PASS: $n drivers carry the CET mark (llvm-readobj and kmdpe agree); an unmarked copy fails KPE025"
