#!/usr/bin/env bash
# A fake Windows VM for ci/deploy-vm's tests: a real OpenSSH server on 127.0.0.1 whose only key runs
# every command under Wine's cmd.exe, in a private Wine prefix with a persistent wineserver, and
# serves SFTP from that prefix's C:\users\<user> folder (the "home", as on Windows' OpenSSH).
#
#   fakevm.sh prefix PREFIX [COPY...]    create the Wine prefix once (reused afterwards) and save
#                                        its registry (and the list of the files where driver
#                                        packages go) as the "snapshot" every start reverts to;
#                                        each COPY becomes a full copy of it (a second fake VM
#                                        for the price of a copy, not of another wineboot)
#   fakevm.sh start DIR PREFIX [ALIAS]   revert PREFIX to its snapshot, start its Wine session and
#                                        sshd on a free port; writes DIR/ssh_config (Host ALIAS,
#                                        default "fakevm": port, user, key, known_hosts)
#   fakevm.sh stop DIR                   stop sshd and the Wine session
#   fakevm.sh ssh DIR COMMAND...         run a command on the fake VM (as ci/deploy-vm would)
#
# DIR gets: host and user keys, sshd_config, sshd.log, authorized_keys (key with
# command="fakevm-shell.sh DIR"), fakevm.env (read by the forced command), commands.log (every
# command received), driver.log (DbgPrint of the drivers: Wine sends it to the stderr of the
# session's first process), ssh_config, known_hosts.
#
# Runs as root (sshd then allows root logins by key only) or as any user (sshd runs as that user
# and only that user can log in). Nothing it starts keeps the caller's stdout/stderr open.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
wine=${KMDKIT_WINE:-/usr/lib/wine/wine64}
wineserver=$(dirname "$wine")/wineserver
# Wine processes start with address randomisation off (see cmake/kmdkit-wine.sh: no preloader).
norand=()
if setarch "$(uname -m)" -R true 2>/dev/null; then norand=(setarch "$(uname -m)" -R); fi
sshd=/usr/sbin/sshd
sftp_server=/usr/lib/openssh/sftp-server
user=$(id -un)

die() { echo "fakevm: $*" >&2; exit 1; }

wine_env() {
    export WINEPREFIX=$1 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
    unset DISPLAY WAYLAND_DISPLAY
}

# The saved registry: reverting to it forgets every service and certificate of an earlier run.
snapshot_files=(system.reg user.reg userdef.reg)
# Where driver packages leave files (pnp-add: the INF folder, the catalog database; the driver's
# copy): files there that the snapshot's list does not name are removed at every start.
package_dirs=(inf system32/catroot system32/catroot2 system32/drivers system32/DriverStore system32/unknown)
list_package_files() { # PREFIX: the files in package_dirs, relative to drive_c/windows
    (cd "$1/drive_c/windows" && for d in "${package_dirs[@]}"; do
        [ ! -d "$d" ] || find "$d" -type f
    done | LC_ALL=C sort)
}

make_prefix() {
    local prefix=$1 copy start p
    shift
    mkdir -p "$(dirname "$prefix")"
    exec 9>"$prefix.lock"
    flock 9
    if [ -f "$prefix/.kmdkit-snapshot/system.reg" ]; then
        echo "fakevm prefix $prefix: reused"
        # A prefix made before the list existed: its files now are the snapshot's.
        [ -f "$prefix/.kmdkit-snapshot/package-files.list" ] ||
            list_package_files "$prefix" >"$prefix/.kmdkit-snapshot/package-files.list"
    else
        new_prefix "$prefix"
    fi
    # The copies: a copy has its own wineserver (one per prefix folder) and its own registry, so
    # two fake VMs made this way share nothing at run time. Copied only while no wineserver runs
    # in the original (a VM left running by an aborted run is stopped first).
    for copy in "$@"; do
        if [ -f "$copy/.kmdkit-snapshot/system.reg" ] &&
            cmp -s "$prefix/.kmdkit-snapshot/system.reg" "$copy/.kmdkit-snapshot/system.reg"; then
            echo "fakevm prefix $copy: reused (a copy of $prefix)"
            [ -f "$copy/.kmdkit-snapshot/package-files.list" ] ||
                cp "$prefix/.kmdkit-snapshot/package-files.list" "$copy/.kmdkit-snapshot/"
            continue
        fi
        start=$(date +%s.%N)
        for p in "$prefix" "$copy"; do
            [ -d "$p" ] || continue
            (wine_env "$p" && "$wineserver" -k >/dev/null 2>&1; timeout 30 "$wineserver" -w) || true
        done
        rm -rf "$copy" "$copy.tmp"
        if ! { cp -a "$prefix" "$copy.tmp" && mv "$copy.tmp" "$copy"; }; then die "cannot copy $prefix to $copy"; fi
        echo "fakevm prefix $copy: copied from $prefix in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
    done
}

new_prefix() {
    local prefix=$1 start f
    rm -rf "$prefix"
    wine_env "$prefix"
    start=$(date +%s)
    timeout 300 "${norand[@]}" "$wine" wineboot -i </dev/null >"$prefix.wineboot.log" 2>&1 ||
        { cat "$prefix.wineboot.log" >&2; die "wineboot -i failed for $prefix"; }
    timeout 60 "$wineserver" -w
    [ -d "$prefix/drive_c/users/$user" ] || die "wineboot made no $prefix/drive_c/users/$user"
    mkdir -p "$prefix/.kmdkit-snapshot"
    for f in "${snapshot_files[@]}"; do cp -p "$prefix/$f" "$prefix/.kmdkit-snapshot/"; done
    list_package_files "$prefix" >"$prefix/.kmdkit-snapshot/package-files.list"
    echo "fakevm prefix $prefix: created in $(($(date +%s) - start)) s"
}

free_port() {
    perl -MIO::Socket::INET -e '
        my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0", ReuseAddr => 0)
            or die "bind: $!\n";
        print $s->sockport, "\n";'
}

stop_vm() {
    local dir=$1 pid
    if [ -f "$dir/sshd.pid" ]; then
        pid=$(cat "$dir/sshd.pid")
        if kill "$pid" 2>/dev/null; then
            # sshd is a daemon, a child of init: once it has exited it stays a zombie until init
            # reaps it (over a second here), so "exited" means gone or state Z, not kill -0.
            for _ in $(seq 1 100); do
                case "$(ps -o stat= -p "$pid" 2>/dev/null)" in "" | Z*) break ;; esac
                sleep 0.05
            done
        fi
        rm -f "$dir/sshd.pid"
    fi
    if [ -f "$dir/fakevm.env" ]; then
        # shellcheck source=/dev/null
        . "$dir/fakevm.env"
        wine_env "$WINEPREFIX"
        "$wineserver" -k >/dev/null 2>&1 || true
        timeout 30 "$wineserver" -w || true
    fi
}

start_vm() {
    local dir=$1 prefix=$2 alias=${3:-fakevm} home port f
    [ -f "$prefix/.kmdkit-snapshot/system.reg" ] || die "$prefix is not a fake VM prefix (run: fakevm.sh prefix $prefix)"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    prefix=$(cd "$prefix" && pwd)
    stop_vm "$dir"
    home=$prefix/drive_c/users/$user

    # Revert to the snapshot: fresh registry, no staging folders, symbol store, driver packages
    # or files of an earlier run.
    wine_env "$prefix"
    "$wineserver" -k >/dev/null 2>&1 || true
    timeout 30 "$wineserver" -w || true
    for f in "${snapshot_files[@]}"; do cp -p "$prefix/.kmdkit-snapshot/$f" "$prefix/$f"; done
    rm -rf "${home:?}/kmdkit-staging" "$home/kmdkit-symbols" "$home"/*.exe
    if [ -f "$prefix/.kmdkit-snapshot/package-files.list" ]; then
        list_package_files "$prefix" | LC_ALL=C comm -23 - "$prefix/.kmdkit-snapshot/package-files.list" |
            while IFS= read -r f; do rm -f "$prefix/drive_c/windows/$f"; done
    fi
    rm -f "$dir"/{commands.log,driver.log,sshd.log,known_hosts,ssh_config}

    [ -f "$dir/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C fakevm-host -f "$dir/host_ed25519"
    [ -f "$dir/user_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C fakevm-user -f "$dir/user_ed25519"
    chmod 600 "$dir/host_ed25519" "$dir/user_ed25519"

    {
        printf 'WINEPREFIX=%q\n' "$prefix"
        printf 'WINE=%q\n' "$wine"
        printf 'HOME_DIR=%q\n' "$home"
        printf 'SFTP_SERVER=%q\n' "$sftp_server"
        printf 'LOG=%q\n' "$dir/commands.log"
    } >"$dir/fakevm.env"
    printf 'command="%s %s",no-port-forwarding,no-agent-forwarding,no-X11-forwarding,no-pty %s\n' \
        "$here/fakevm-shell.sh" "$dir" "$(cat "$dir/user_ed25519.pub")" >"$dir/authorized_keys"
    chmod 600 "$dir/authorized_keys"

    # The Wine session: the persistent wineserver keeps services (and loaded drivers) between SSH
    # commands; services.exe and winedevice.exe inherit the first process's stderr (DbgPrint).
    "$wineserver" -p </dev/null >/dev/null 2>&1 || die "wineserver -p failed for $prefix"
    : >"$dir/driver.log"
    (cd "$home" && WINEDEBUG=-all,warn+debugstr,err+all timeout 120 "${norand[@]}" "$wine" cmd /c echo fakevm-session-up \
        </dev/null >"$dir/session.out" 2>>"$dir/driver.log") || true
    grep -q fakevm-session-up "$dir/session.out" || die "the Wine session did not start (see $dir/driver.log)"

    if [ "$(id -u)" = 0 ]; then
        mkdir -p /run/sshd # sshd's privilege separation directory (made by the service unit normally)
    fi
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        cat >"$dir/sshd_config" <<EOF
# fakevm sshd (kmdkit tests): key login only, every command forced through fakevm-shell.sh
ListenAddress 127.0.0.1:$port
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers $user
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTTY no
MaxStartups 64
MaxSessions 64
LogLevel VERBOSE
Subsystem sftp $sftp_server
EOF
        rm -f "$dir/sshd.pid"
        if "$sshd" -f "$dir/sshd_config" -E "$dir/sshd.log" </dev/null >"$dir/sshd.out" 2>&1; then
            break
        fi
        port=
        grep -q "Bind to port" "$dir/sshd.log" "$dir/sshd.out" || { cat "$dir/sshd.log" "$dir/sshd.out" >&2; die "sshd did not start"; }
    done
    [ -n "$port" ] || die "no free port for sshd after 5 tries (see $dir/sshd.log)"

    printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$dir/host_ed25519.pub")" >"$dir/known_hosts"
    cat >"$dir/ssh_config" <<EOF
# The fake VM: ssh -F $dir/ssh_config $alias
Host $alias
    HostName 127.0.0.1
    Port $port
    User $user
    IdentityFile $dir/user_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $dir/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    BatchMode yes
    LogLevel ERROR
EOF
    echo "$alias" >"$dir/alias"
    echo "$port" >"$dir/port"

    local out=
    for _ in $(seq 1 50); do
        if out=$(timeout 30 ssh -F "$dir/ssh_config" "$alias" "echo fakevm-ready" </dev/null 2>&1) &&
            [[ $out == *fakevm-ready* ]]; then
            echo "fakevm $alias up: sshd pid $(cat "$dir/sshd.pid") on 127.0.0.1:$port, prefix $prefix, home $home"
            echo "  ssh -F $dir/ssh_config $alias <command>"
            return 0
        fi
        sleep 0.2
    done
    echo "$out" >&2
    die "sshd runs but the fake VM does not answer (see $dir/sshd.log)"
}

case "${1:-}" in
prefix)
    shift
    make_prefix "${1:?PREFIX}" "${@:2}"
    ;;
start) start_vm "${2:?DIR}" "${3:?PREFIX}" "${4:-}" ;;
stop)
    stop_vm "$(cd "${2:?DIR}" && pwd)"
    echo "fakevm stopped; logs kept in ${2}"
    ;;
ssh)
    dir=${2:?DIR}
    shift 2
    exec ssh -F "$dir/ssh_config" "$(cat "$dir/alias")" "$*" </dev/null
    ;;
*)
    sed -n '2,23s/^# \{0,1\}//p' "$0" >&2
    exit 2
    ;;
esac
