#!/bin/bash
# check-imports.sh OBJDUMP DRIVER.sys: wdktest imports neither the pool routines of Windows 10
# 2004 (ExAllocatePool2, ExAllocatePool3, ExFreePool2: kmdkit_wdk fills their import slots and
# binds them at run time) nor anything of the WDK's static libraries (Wdmlib*), and it does
# import the down-level routines kmdkit_wdk falls back to.
set -u
objdump=$1 sys=$2
imports=$("$objdump" -p "$sys" 2>/dev/null |
    awk '/DLL Name:/ {dll=$3; next} dll && NF >= 3 && $2 ~ /^[0-9]+$/ {print dll ":" $3}')
if [ -z "$imports" ]; then
    echo "imports: cannot read the import table of $sys"
    exit 1
fi
bad=0
for name in ExAllocatePool2 ExAllocatePool3 ExFreePool2 WdmlibIoCreateDeviceSecure \
            WdmlibRtlIsNtDdiVersionAvailable IoCreateDeviceSecure; do
    if grep -qx "ntoskrnl.exe:$name" <<<"$imports"; then
        echo "imports: $sys imports $name"
        bad=1
    fi
done
for name in ExAllocatePoolWithTag ExAllocatePoolWithQuotaTag MmGetSystemRoutineAddress \
            IoCreateDevice ZwSetSecurityObject; do
    if ! grep -qx "ntoskrnl.exe:$name" <<<"$imports"; then
        echo "imports: $sys does not import $name"
        bad=1
    fi
done
if [ "$bad" = 0 ]; then
    echo "imports: all good ($(wc -l <<<"$imports") imports, none of the Windows 10 2004 pool routines)"
fi
exit "$bad"
