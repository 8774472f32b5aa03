#!/usr/bin/env bash
# The forced command of the fake VM's key (see fakevm.sh): sshd runs "fakevm-shell.sh DIR" for every
# session, with what the client asked for in SSH_ORIGINAL_COMMAND:
#   - an SFTP subsystem request arrives as the Subsystem line's command (the sftp-server path): it
#     is served by sftp-server rooted in the Wine prefix's C:\users\<user> (the "home");
#   - anything else is a cmd.exe command line, run as Windows' OpenSSH does with cmd.exe as its
#     shell: `cmd /c <command>` in the home folder, its exit code passed through.
set -u
dir=${1:?fakevm-shell.sh needs the fake VM folder}
# shellcheck source=/dev/null
. "$dir/fakevm.env"
export WINEPREFIX WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
cmd=${SSH_ORIGINAL_COMMAND-}
printf '%s %s\n' "$(date +%T)" "${cmd:-<interactive shell>}" >>"$LOG"

case "$cmd" in
"$SFTP_SERVER" | "$SFTP_SERVER "* | internal-sftp)
    exec "$SFTP_SERVER" -d "$HOME_DIR"
    ;;
"")
    echo "fakevm: no interactive shell here; give a command" >&2
    exit 1
    ;;
esac
cd "$HOME_DIR" || exit 1
# Address randomisation off, as in cmake/kmdkit-wine.sh: Debian's wine64 has no preloader, and a
# process (cmd.exe and the programs it starts inherit this) could otherwise fail to start.
if setarch "$(uname -m)" -R true 2>/dev/null; then
    exec setarch "$(uname -m)" -R "$WINE" cmd /c "$cmd"
fi
exec "$WINE" cmd /c "$cmd"
