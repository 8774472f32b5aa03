#!/usr/bin/env bash
# kmdkit-new's arguments and its folder rules (tests/new/CMakeLists.txt):
#   cases.sh KMDKIT_NEW KMDKIT_ROOT WORK CASE
# CASE: bad_names, good_names, usage, not_empty, force, no_half_write.
# Each check prints the command, its output and exit code; the first failure stops the run with
# "FAIL: ..." and exit 1.
set -uo pipefail
new=$1 root=$2 work=$3 case=$4

fail() { echo "FAIL: $*"; exit 1; }
# expect EXIT REGEX -- COMMAND...: the exit code is EXIT and the output (stdout+stderr) matches REGEX.
expect() {
    local want=$1 re=$2 out rc
    shift 3
    echo "+ $*"
    out=$("$@" 2>&1)
    rc=$?
    printf '%s\n---- exit code: %s\n' "$out" "$rc"
    [ "$rc" = "$want" ] || fail "exit code $rc, expected $want"
    grep -Eq -- "$re" <<<"$out" || fail "output does not match /$re/"
}
# The files and folders below $1, with a checksum of each file: what "nothing changed" compares.
snapshot() { (cd "$1" && find . -mindepth 1 -printf '%y %p\n' | sort && find . -type f -exec sha256sum {} + | sort -k2); }
no_staging() { ! compgen -G "$1/.kmdkit-new.*" >/dev/null || fail "a staging folder was left in $1: $(ls -A "$1")"; }
generated=(driver.c client.c demo_ioctl.h CMakeLists.txt CMakePresets.json cmake/kmdkit-toolchain.cmake
    README.md .gitignore .clang-format .github/workflows/ci.yml .gitlab-ci.yml)

rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1

case "$case" in
bad_names)
    # Each is refused with exit code 2 and a message naming the problem; nothing is written.
    long=abcdefghij_abcdefghij_abcdefghij_ # 33
    while IFS='|' read -r name re; do
        expect 2 "$re" -- "$new" "$name" --dir "$work/p"
        [ -z "$(ls -A "$work")" ] || fail "'$name' left files in $work: $(ls -A "$work")"
    done <<EOF
1demo|^kmdkit-new: '1demo' is not a valid name: use a letter, then letters, digits or underscores
my-drv|^kmdkit-new: 'my-drv' is not a valid name
_demo|^kmdkit-new: '_demo' is not a valid name
my drv|^kmdkit-new: 'my drv' is not a valid name
démo|^kmdkit-new: 'démo' is not a valid name
$long|^kmdkit-new: '$long' is too long: 33 characters, at most 32
con|^kmdkit-new: 'con' is a reserved Windows device name
NUL|^kmdkit-new: 'NUL' is a reserved Windows device name
Com1|^kmdkit-new: 'Com1' is a reserved Windows device name
kmdtest|^kmdkit-new: 'kmdtest' starts with 'kmd', which kmdkit keeps for its own names
test|^kmdkit-new: 'test' is a target name CMake keeps for itself
EOF
    expect 2 "^kmdkit-new: NAME is empty" -- "$new" "" --dir "$work/p"
    [ -z "$(ls -A "$work")" ] || fail "the empty name left files in $work"
    echo "PASS: 12 bad names refused with exit code 2, nothing written"
    ;;
good_names)
    # Mixed case and underscores: the file, macro and routine names follow; 32 characters is fine.
    expect 0 "^kmdkit-new: My_Drv2 created in $work/a: 11 files$" -- "$new" My_Drv2 --dir "$work/a" --kmdkit ''
    [ -f a/My_Drv2_ioctl.h ] || fail "no My_Drv2_ioctl.h"
    grep -q "#define MY_DRV2_DEVICE_TYPE (KMD_DEVICE_TYPE_BASE + 0x" a/My_Drv2_ioctl.h || fail "no MY_DRV2_DEVICE_TYPE"
    grep -q "static NTSTATUS MyDrv2GetVersion(" a/driver.c || fail "no MyDrv2GetVersion in driver.c"
    grep -q 'KmdLibInitialize(DriverObject, "My_Drv2")' a/driver.c || fail "the log prefix is not My_Drv2"
    grep -q "kmd_add_driver(My_Drv2 SOURCES driver.c)" a/CMakeLists.txt || fail "no My_Drv2 target"
    # --kmdkit '': nothing recorded, so an installed kmdkit (find_package) unless KMDKIT_DIR says.
    grep -q 'set(_kmdkit_recorded "")' a/cmake/kmdkit-toolchain.cmake || fail "--kmdkit '' recorded a checkout"
    # Without --kmdkit: the checkout kmdkit-new is in.
    expect 0 "kmdkit: $root$" -- "$new" abcdefghij_abcdefghij_abcdefghij --dir "$work/b"
    grep -q "set(_kmdkit_recorded \"$root\")" b/cmake/kmdkit-toolchain.cmake || fail "the checkout $root is not recorded"
    # The device type comes from the name: the same every time, in 0x8400-0xFFFF.
    expect 0 "created" -- "$new" My_Drv2 --dir "$work/c" --kmdkit ''
    cmp a/My_Drv2_ioctl.h c/My_Drv2_ioctl.h || fail "two runs gave different contracts"
    type=$(sed -n 's/.*KMD_DEVICE_TYPE_BASE + 0x\([0-9A-F]*\)).*/\1/p' a/My_Drv2_ioctl.h)
    [ $((0x$type)) -ge $((0x400)) ] && [ $((0x$type)) -le $((0x7FFF)) ] || fail "device type offset 0x$type is out of 0x400-0x7FFF"
    echo "PASS: My_Drv2 (files, macros, routines, offset 0x$type both times), a 32-character name"
    ;;
usage)
    expect 2 "^kmdkit-new: missing NAME" -- "$new"
    expect 2 "^usage: kmdkit-new NAME \[--dir DIR\] \[--force\] \[--kmdkit PATH\]" -- "$new"
    expect 2 "^kmdkit-new: unknown option '--bogus'" -- "$new" demo --bogus
    expect 2 "^usage: kmdkit-new NAME" -- "$new" demo --bogus
    expect 2 "^kmdkit-new: --dir needs a value" -- "$new" demo --dir
    expect 2 "^kmdkit-new: one NAME only \(got 'demo' and 'other'\)" -- "$new" demo other
    expect 2 "^kmdkit-new: --kmdkit '$work' is not a kmdkit checkout" -- "$new" demo --kmdkit "$work"
    expect 2 "^kmdkit-new: --kmdkit-git 'a b': a URL has no blanks" -- "$new" demo --kmdkit-git "a b"
    expect 0 "kmdkit-new NAME \[--dir DIR\]" -- "$new" --help
    [ -z "$(ls -A "$work")" ] || fail "a refused command wrote $(ls -A "$work")"
    echo "PASS: usage errors exit 2 with the usage line, --help exits 0, nothing written"
    ;;
not_empty)
    mkdir p && echo "my notes" >p/notes.txt
    before=$(snapshot p)
    expect 2 "^kmdkit-new: '$work/p' is not empty: choose another --dir, or --force" -- "$new" demo --dir "$work/p"
    [ "$(snapshot p)" = "$before" ] || fail "the refused run changed $work/p"
    touch f
    expect 2 "^kmdkit-new: '$work/f' exists and is not a folder" -- "$new" demo --dir "$work/f"
    no_staging "$work"
    # An empty folder is fine.
    mkdir e
    expect 0 "^kmdkit-new: demo written in $work/e: 11 files$" -- "$new" demo --dir "$work/e"
    for f in "${generated[@]}"; do [ -s "e/$f" ] || fail "e/$f is missing"; done
    echo "PASS: a folder with files is refused unless --force; a file is refused; an empty folder is filled"
    ;;
force)
    # --force overwrites the files kmdkit-new writes and touches nothing else.
    mkdir -p p/build/x64 p/cmake
    echo "my notes" >p/notes.txt
    echo "/* my driver */" >p/driver.c
    echo "kept" >p/build/x64/keep
    echo "mine" >p/cmake/other.cmake
    expect 0 "^kmdkit-new: demo written \(--force: files kmdkit-new writes were overwritten\) in $work/p: 11 files$" \
        -- "$new" demo --dir "$work/p" --force
    [ "$(cat p/notes.txt)" = "my notes" ] && [ "$(cat p/build/x64/keep)" = kept ] && [ "$(cat p/cmake/other.cmake)" = mine ] ||
        fail "--force changed a file it does not write"
    grep -q "static NTSTATUS DemoGetVersion(" p/driver.c || fail "--force did not overwrite driver.c"
    for f in "${generated[@]}"; do [ -s "p/$f" ] || fail "p/$f is missing"; done
    no_staging "$work"
    # A folder where a file goes: refused before anything is written.
    mkdir -p q/README.md && echo "my notes" >q/notes.txt
    before=$(snapshot q)
    expect 2 "^kmdkit-new: '$work/q/README.md' is in the way: it is a folder" -- "$new" demo --dir "$work/q" --force
    [ "$(snapshot q)" = "$before" ] || fail "the refused --force run changed $work/q"
    no_staging "$work"
    echo "PASS: --force overwrote the 11 files and kept notes.txt, build/, cmake/other.cmake; a folder in the way is refused"
    ;;
no_half_write)
    # A failure while writing (here a template gone) leaves no project and no staging folder.
    mkdir -p copy && cp -r "$(dirname "$(readlink -f "$new")")"/. copy/
    rm copy/template/README.md.in
    expect 1 "^kmdkit-new: template .*/README.md.in is missing" -- copy/kmdkit-new demo --dir "$work/p" --kmdkit "$root"
    [ ! -e p ] || fail "a half-written project was left at $work/p"
    no_staging "$work"
    mkdir e
    expect 1 "is missing" -- copy/kmdkit-new demo --dir "$work/e" --kmdkit "$root"
    [ -z "$(ls -A e)" ] || fail "files were left in the empty folder: $(ls -A e)"
    no_staging "$work"
    echo "PASS: a failed run leaves neither a project nor a staging folder"
    ;;
*)
    echo "cases.sh: unknown case '$case'" >&2
    exit 2
    ;;
esac
