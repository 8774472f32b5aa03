#!/usr/bin/env bash
# Stands for a Wine process that fails to start once: the first call prints Wine's start-up
# failure and exits 1, later calls print a line and exit 0.
#   flaky-start.sh STATE_FILE (always|once)
set -uo pipefail
state=$1 mode=$2
if [ "$mode" = always ] || [ ! -e "$state" ]; then
    touch "$state"
    echo "wine: failed to map the shared user data: c0000018"
    exit 1
fi
echo "flaky: started"
