#!/usr/bin/env bash
# kmdkit_ntoskrnl_ext and who imports what (label klib; no Wine needed, any arch):
#   check-imports.sh ARCH NM OBJDUMP IMPLIB NEWAPI.sys [RUNTIME-BOUND.sys...]
# - the import library defines the import symbols with the arch's decoration
#   (x64 __imp_ExAllocatePool2, x86 __imp__ExAllocatePool2@16);
# - NEWAPI.sys (linked with it) imports the routines from ntoskrnl.exe by their plain names;
# - every other driver given (linked with kmdkit_klib only) imports none of them: the library
#   binds them at run time, so the driver still loads where they are missing.
set -uo pipefail
arch=$1 nm=$2 objdump=$3 implib=$4 newapi=$5
shift 5
routines=(ExAllocatePool2:16 KeQuerySystemTimePrecise:4 MmMapIoSpaceEx:16)
fail=0
say() { echo "$*"; }
bad() { echo "FAIL: $*"; fail=1; }

syms=$("$nm" "$implib" 2>/dev/null) || { bad "$nm $implib failed"; exit 1; }
imports() { "$objdump" -p "$1" 2>/dev/null | awk '/DLL Name:/{dll=$3; next} dll && NF>=3 && $2 ~ /^[0-9]+$/ {print dll ":" $3}'; }
newapi_imports=$(imports "$newapi")
for r in "${routines[@]}"; do
    name=${r%%:*} bytes=${r##*:}
    if [ "$arch" = x86 ]; then want="__imp__${name}@${bytes}"; else want="__imp_${name}"; fi
    if grep -Eq " I ${want}\$" <<<"$syms"; then say "ok: import library defines $want"; else bad "import library lacks $want"; fi
    if grep -qx "ntoskrnl.exe:${name}" <<<"$newapi_imports"; then
        say "ok: $(basename "$newapi") imports ntoskrnl.exe!$name (undecorated)"
    else
        bad "$(basename "$newapi") does not import ntoskrnl.exe!$name; it imports: $(tr '\n' ' ' <<<"$newapi_imports")"
    fi
    for drv in "$@"; do
        if imports "$drv" | grep -q ":${name}\(@[0-9]*\)\?\$"; then
            bad "$(basename "$drv") imports $name statically (it must bind it at run time)"
        else
            say "ok: $(basename "$drv") does not import $name"
        fi
    done
done
[ "$fail" = 0 ] && echo "imports: all good" || echo "imports: FAILED"
exit $fail
