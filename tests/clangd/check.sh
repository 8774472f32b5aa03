#!/usr/bin/env bash
# clangd parses the tree's sources without an error through the .clangd kmdkit generates
# (cmake/KmdKitClangd.cmake), and fails without it.
#   check.sh CLANGD SOURCE_DIR BUILD_DIR [--also CLANGD2]... FILE...
# FILEs are relative to SOURCE_DIR. Three checks:
#   1. sandbox: a temporary folder outside the checkout (so that no other .clangd is in effect)
#      mirrors SOURCE_DIR: the FILEs' folders, the generated .clangd (BUILD_DIR/kmdkit/clangd) and,
#      where that .clangd names the database, BUILD_DIR's compile_commands.json with the FILEs'
#      paths moved to the copies. `clangd --check` must load that database and report 0 errors.
#      Repeated with each --also clangd (e.g. clangd-14, Debian 12's default `clangd`).
#   2. control: the same sandbox without its .clangd must give errors (the check can fail).
#   3. in place: when SOURCE_DIR/.clangd is the generated one for BUILD_DIR, clangd on the real
#      FILEs, from SOURCE_DIR, must report 0 errors; otherwise the output says why it is skipped.
set -uo pipefail
clangd=${1:-} src=${2:-} build=${3:-}
shift 3 || { echo "usage: check.sh CLANGD SOURCE_DIR BUILD_DIR [--also CLANGD2]... FILE..." >&2; exit 2; }
also=()
while [ "${1:-}" = --also ]; do also+=("$2"); shift 2; done
files=("$@")
fail() { echo "FAIL: $*"; exit 1; }
[ ${#files[@]} -gt 0 ] || fail "no files to check"
[ -x "$clangd" ] || fail "clangd-19 not found ('$clangd'): install the Debian package clangd-19 (ci/setup)"
gen=$build/kmdkit/clangd/.clangd
[ -f "$gen" ] || fail "no generated $gen: configure $build again (cmake/KmdKitClangd.cmake writes it)"
[ -f "$build/compile_commands.json" ] || fail "no $build/compile_commands.json (CMAKE_EXPORT_COMPILE_COMMANDS)"
marker=$(head -n 1 "$gen")
db=$(sed -n 's/^  CompilationDatabase: //p' "$gen")
[ -n "$db" ] || fail "$gen names no CompilationDatabase"
# It must name this tree (the sandbox below puts the database wherever the file says).
case $db in /*) named=$db ;; *) named=$src/$db ;; esac
[ "$(realpath -m "$named")" = "$(realpath -m "$build")" ] ||
    fail "$gen names the database folder '$db' ($named), not this build tree $build"

sb=$(mktemp -d "${TMPDIR:-/tmp}/kmdkit-clangd.XXXXXX") || fail "mktemp"
trap 'rm -rf "$sb"' EXIT
d=$sb
while [ "$d" != / ]; do
    d=$(dirname "$d")
    [ ! -e "$d/.clangd" ] || fail "$d/.clangd is above the sandbox $sb: set TMPDIR to a folder without one"
done
mkdir -p "$sb/src" "$sb/xdg" # XDG_CONFIG_HOME: no user config (~/.config/clangd) in effect
for f in "${files[@]}"; do
    [ -f "$src/$f" ] || fail "no $src/$f"
    mkdir -p "$sb/src/$(dirname "$f")"
    cp -r "$src/$(dirname "$f")/." "$sb/src/$(dirname "$f")/"
done
# The database where the sandbox's .clangd will look for it: the same relative folder, or, for
# an absolute one (a build tree outside the source folder), a folder in the sandbox.
case $db in
/*) sbdb=$sb/db; sed "s|^  CompilationDatabase: .*|  CompilationDatabase: $sbdb|" "$gen" >"$sb/src/.clangd" ;;
*) sbdb=$sb/src/$db; cp "$gen" "$sb/src/.clangd" ;;
esac
mkdir -p "$sbdb"
moves=()
for f in "${files[@]}"; do moves+=(-e "s|$src/$f\"|$sb/src/$f\"|g"); done
sed "${moves[@]}" "$build/compile_commands.json" >"$sbdb/compile_commands.json"
for f in "${files[@]}"; do
    grep -q "\"file\": \"$sb/src/$f\"" "$sbdb/compile_commands.json" || fail "$f is not in $build/compile_commands.json"
done

# run CLANGD DIR FILE: clangd --check from DIR; sets out and errors ("" when no summary line).
run() {
    out=$(cd "$2" && XDG_CONFIG_HOME=$sb/xdg "$1" --check="$3" 2>&1)
    errors=$(sed -n 's/.*All checks completed, \([0-9][0-9]*\) errors.*/\1/p' <<<"$out" | tail -n 1)
}
# expect_clean CLANGD DIR FILE DATABASE LABEL: the database loaded, 0 errors.
expect_clean() {
    run "$1" "$2" "$3"
    if [ "$errors" != 0 ] || ! grep -qF "Loaded compilation database from $4/compile_commands.json" <<<"$out"; then
        grep -E '^(E\[|I\[[^]]*\] (Loaded compilation database|Compile command))' <<<"$out" | head -n 25
        fail "$5: $3: ${errors:-no summary line} errors, database $4 ${out:+(output above)}"
    fi
    echo "$5: $(basename "$1") --check=$3: database $4, 0 errors"
}

version() { "$1" --version 2>/dev/null | sed -n 's/.*clangd version \([0-9][0-9.]*\).*/\1/p' | head -n 1; }
echo "clangd $(version "$clangd") with $gen:"
sed 's/^/    /' "$gen"
for c in "$clangd" "${also[@]}"; do
    for f in "${files[@]}"; do
        expect_clean "$c" "$sb/src" "$sb/src/$f" "$sbdb" "sandbox, clangd $(version "$c")"
    done
done

# The control: no .clangd, nothing else changed.
rm "$sb/src/.clangd"
run "$clangd" "$sb/src" "$sb/src/${files[0]}"
if [ "$errors" = 0 ] && grep -qF "Loaded compilation database from $sbdb/" <<<"$out"; then
    fail "control: without the .clangd, clangd still found the database and parsed ${files[0]}: the check above proves nothing"
fi
[[ $errors =~ ^[1-9] ]] || { tail -n 5 <<<"$out"; fail "control: clangd without the .clangd gave no error count (output above)"; }
echo "control: without the .clangd, ${files[0]}: $errors errors (as it must: no compile commands found)"

# In place: the real .clangd, when it is this tree's.
real=$src/.clangd
if [ ! -f "$real" ]; then
    echo "in place: not checked: $real does not exist (KMDKIT_CLANGD=OFF, or deleted since the configure)"
elif [ "$(head -n 1 "$real")" != "$marker" ]; then
    echo "in place: not checked: $real is not kmdkit's (no marker line)"
elif ! cmp -s "$real" "$gen"; then
    echo "in place: not checked: $real names $(sed -n 's/^  CompilationDatabase: //p' "$real"), not this tree (the first tree configured keeps it)"
else
    # One file is enough here: the sandbox above checked them all with the same .clangd.
    expect_clean "$clangd" "$src" "$src/${files[0]}" "$named" "in place"
fi
echo "PASS: clangd parses ${#files[@]} sources with 0 errors through the generated .clangd, and not without it"
