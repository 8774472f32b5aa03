# Sourced by test scripts that run a sequence of commands (tests/install/run.sh,
# tests/new/project.sh): the first failure ends the script with "FAIL: ..." and exit 1.
# shellcheck shell=bash

fail() { echo "FAIL: $*"; exit 1; }
# run LOG command...: runs it with its output in LOG (and printed); returns its exit code.
run() {
    local log=$1 rc
    shift
    echo "+ $*"
    "$@" >"$log" 2>&1
    rc=$?
    cat "$log"
    return $rc
}
