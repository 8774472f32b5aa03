#!/usr/bin/env bash
# wdk.runtime.nx_win10: the NX opt-in on a system that reports Windows 10.
#   nx-win10.sh KMDKIT-WINE.SH DRIVER.sys CLIENT.exe
# Wine 8's prefix reports Windows 7 SP1 (6.1.7601), where POOL_NX_OPTIN must leave NonPagedPool
# executable (wdk.runtime.nx_optin checks that). Here the driver's host process is told to report
# Windows 10 instead (HKCU\Software\Wine\AppDefaults\winedevice.exe, Version win10): wdktest is
# restarted in a new winedevice.exe, its runtime case must find NonPagedPool = NonPagedPoolNx and
# ExDefaultMdlProtection = MdlMappingNoExecute, and then everything is put back (the key removed,
# wdktest started again as its fixture left it).
set -uo pipefail
script=$1 sys=$2 client=$3
key='HKCU\Software\Wine\AppDefaults\winedevice.exe'

reg() {
    setarch "$(uname -m)" -R "$KMDKIT_WINE" reg "$@" </dev/null >/dev/null 2>&1
}

restore() {
    reg delete "$key" /v Version /f
    bash "$script" unload wdktest >/dev/null 2>&1
    bash "$script" load wdktest "$sys" >/dev/null || echo "nx-win10: could not start wdktest again"
}

bash "$script" unload wdktest || exit 1
if ! reg add "$key" /v Version /d win10 /f; then
    echo "nx-win10: cannot set $key Version"
    bash "$script" load wdktest "$sys" >/dev/null
    exit 1
fi
trap restore EXIT
bash "$script" load wdktest "$sys" --expect-log "NonPagedPool is pool type 512$" || exit 1
bash "$script" run \
    --expect "^runtime: note: the system reports Windows 10\\.0 build [0-9]+ SP 0$" \
    --expect "^runtime: pass: POOL_NX_OPTIN file: NonPagedPool is pool type 512 " \
    --expect "^runtime: pass: POOL_NX_OPTIN file: NonPagedPoolCacheAligned is pool type 516$" \
    --expect "^runtime: pass: ExDefaultMdlProtection is 0x40000000$" \
    --expect "^runtime: pass: POOL_NX_OPTOUT file: NonPagedPool is pool type 0 " \
    --expect "^runtime: pass: NPaged lookaside list \\(POOL_NX_ALLOCATION added: yes\\)" \
    --expect "^runtime: pass: RtlIsNtDdiVersionAvailable\\(NTDDI_WIN8\\) is TRUE$" \
    --expect "^runtime: [1-9][0-9]* passed, 0 failed" \
    -- "$client" run runtime || exit 1
echo "nx-win10: passed"
