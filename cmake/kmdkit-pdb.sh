#!/usr/bin/env bash
# PDBs of clang builds (KMDKIT_COMPILER=clang): staged in dist/symbols/ in the layout of a symbol
# store, which WinDbg reads (.sympath / _NT_SYMBOL_PATH pointing at dist/symbols):
#     symbols/<name>.pdb/<GUID><age>/<name>.pdb
# GUID: the 32 uppercase hex digits of the image's CodeView (RSDS) entry, without dashes or
# braces; age: in hex, uppercase, no leading zeros.
#
#   kmdkit-pdb.sh stage READOBJ PDBUTIL IMAGE PDB DIST_DIR LIST_FILE
#       Copies PDB into DIST_DIR/symbols/ under the GUID and age IMAGE names, after checking that
#       they are PDB's own; drops this PDB's older GUID folders; writes to LIST_FILE the staged
#       path relative to DIST_DIR (for SHA256SUMS).
#   kmdkit-pdb.sh check READOBJ PDBUTIL IMAGE SYMBOLS_DIR
#       The test (label symbols): IMAGE has exactly one CodeView entry, naming the PDB by bare
#       file name; no DWARF section and no COFF symbol table; SYMBOLS_DIR holds that PDB under
#       the image's GUID and age, the PDB's own GUID and age are those, and it carries full
#       debug information (procedures and line tables, not only public symbols).
set -uo pipefail
mode=${1:-} readobj=${2:-} pdbutil=${3:-}
[[ $mode =~ ^(stage|check)$ && -x $readobj && -x $pdbutil ]] ||
    { sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 2; }
shift 3
fail() { echo "FAIL: $*"; exit 1; }

# rsds IMAGE: sets guid (32 hex digits), age (hex) and pdbname from the image's CodeView entry;
# ncv: the number of CodeView entries.
rsds() {
    local out
    out=$("$readobj" --coff-debug-directory "$1" 2>&1) || fail "$readobj cannot read $1: $out"
    ncv=$(grep -c 'Type: CodeView' <<<"$out")
    guid=$(sed -n 's/^ *PDBGUID: {\([0-9A-Fa-f-]*\)}$/\1/p' <<<"$out" | head -n 1 | tr -d - | tr a-f A-F)
    local dec
    dec=$(sed -n 's/^ *PDBAge: \([0-9]*\)$/\1/p' <<<"$out" | head -n 1)
    pdbname=$(sed -n 's/^ *PDBFileName: \(.*\)$/\1/p' <<<"$out" | head -n 1)
    [[ ${#guid} -eq 32 && -n $dec ]] || fail "$1 has no CodeView (RSDS) debug entry"
    age=$(printf '%X' "$dec")
}
# pdbid PDB: sets pguid and page from the PDB's own info stream.
pdbid() {
    local out
    out=$("$pdbutil" dump -summary "$1" 2>&1) || fail "$pdbutil cannot read $1: $out"
    pguid=$(sed -n 's/^ *GUID: {\([0-9A-Fa-f-]*\)}$/\1/p' <<<"$out" | head -n 1 | tr -d - | tr a-f A-F)
    local dec
    dec=$(sed -n 's/^ *Age: \([0-9]*\)$/\1/p' <<<"$out" | head -n 1)
    [[ ${#pguid} -eq 32 && -n $dec ]] || fail "no GUID/age in the summary of $1"
    page=$(printf '%X' "$dec")
}

if [ "$mode" = stage ]; then
    image=${1:?IMAGE} pdb=${2:?PDB} dist=${3:?DIST_DIR} list=${4:?LIST_FILE}
    rsds "$image"
    pdbid "$pdb"
    [ "$pdbname" = "$(basename "$pdb")" ] || fail "$image names '$pdbname', not $(basename "$pdb")"
    [ "$pguid$page" = "$guid$age" ] ||
        fail "$pdb is $pguid age $page, but $image wants $guid age $age (a stale PDB?)"
    top="$dist/symbols/$pdbname"
    dest="$top/$guid$age"
    mkdir -p "$dest" || fail "cannot make $dest"
    # One version per PDB name: earlier builds' GUID folders go.
    find "$top" -mindepth 1 -maxdepth 1 ! -name "$guid$age" -exec rm -rf {} + || fail "cannot clean $top"
    cp "$pdb" "$dest/$pdbname.tmp" && mv -f "$dest/$pdbname.tmp" "$dest/$pdbname" ||
        fail "cannot copy $pdb to $dest"
    mkdir -p "$(dirname "$list")" &&
        printf 'symbols/%s/%s/%s\n' "$pdbname" "$guid$age" "$pdbname" >"$list.tmp" && mv -f "$list.tmp" "$list" ||
        fail "cannot write $list"
    exit 0
fi

image=${1:?IMAGE} symbols=${2:?SYMBOLS_DIR}
name=$(basename "$image")
rsds "$image"
[ "$ncv" -eq 1 ] || fail "$name has $ncv CodeView debug entries (expected 1)"
case $pdbname in
    */* | *\\* | *:* | '') fail "$name names its PDB '$pdbname', a path: it must be a bare file name" ;;
    *.pdb) echo "ok: $name names its PDB by bare file name: $pdbname" ;;
    *) fail "$name names '$pdbname', not a .pdb file" ;;
esac
heads=$("$readobj" --file-headers --sections "$image" 2>&1) || fail "$readobj cannot read $image"
dwarf=$(sed -n 's/^ *Name: \([^ ]*\) .*/\1/p' <<<"$heads" | grep -E '^(\.debug|\.zdebug|/[0-9])' | tr '\n' ' ')
[ -z "$dwarf" ] || fail "$name carries DWARF sections: $dwarf"
grep -Eq '^ *PointerToSymbolTable: 0x0$' <<<"$heads" || fail "$name has a COFF symbol table"
echo "ok: $name has no DWARF section and no COFF symbol table"
pdb="$symbols/$pdbname/$guid$age/$pdbname"
[ -f "$pdb" ] || fail "no $pdb (the symbol-store path for $name: GUID $guid, age $age)"
pdbid "$pdb"
[ "$pguid" = "$guid" ] && [ "$page" = "$age" ] ||
    fail "$pdb is $pguid age $page, but $name wants $guid age $age"
echo "ok: $pdbname/$guid$age/$pdbname: the PDB's GUID and age are the image's"
procs=$("$pdbutil" dump -symbols "$pdb" 2>&1 | grep -cE 'S_[GL]PROC32(_ID)? ') || true
lines=$("$pdbutil" dump -l "$pdb" 2>&1 | grep -cE 'line/addr entries = [1-9]') || true
[ "$procs" -gt 0 ] && [ "$lines" -gt 0 ] ||
    fail "$pdbname has no full debug information ($procs procedures, $lines line tables)"
echo "ok: $pdbname has $procs procedures and $lines line tables"
echo "symbols: $name ok"
