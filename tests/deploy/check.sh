#!/usr/bin/env bash
# The deploy tests: runs ci/deploy-vm against the fake Windows VMs (fakevm.sh) and checks its exit
# code, its output, its logs and what is left on the VM afterwards.
#
#   check.sh CASE      CASE: usage missing_dist ok unreachable wrong_key driver_fails client_fails
#                            corrupted parallel snapshot_keep oot_usage oot smoketests pnp_usage
#                            pnp symbols_usage symbols
# Environment (set by tests/deploy/CMakeLists.txt):
#   DEPLOY_VM  ci/deploy-vm      DIST  the build's dist/      WORK  a scratch folder for this case
#   SRC        the checkout      BUILD the build tree
#   VM1, VM2   the fake VMs' folders (fakevm.sh start DIR)
#   VM         the fake VM of a one-VM case (one of VM1, VM2; default VM1)
#   KMDINF     the tree's kmdinf, given to every deploy-vm run (--kmdinf)
set -uo pipefail

case_name=${1:?usage: check.sh CASE}
: "${DEPLOY_VM:?}" "${DIST:?}" "${WORK:?}" "${VM1:?}" "${VM2:?}" "${SRC:?}" "${BUILD:?}"
rm -rf "$WORK"
mkdir -p "$WORK"
failures=0
out=$WORK/out.txt

ok() { echo "check: ok: $*"; }
fail() { echo "check: FAIL: $*"; failures=$((failures + 1)); }

# deploy ARGS...: runs ci/deploy-vm, output into $out (and shown), exit code into $rc.
deploy() {
    echo "check: \$ ci/deploy-vm $*"
    local start=$SECONDS
    rc=0
    # The tree's kmdinf reads PnP packages (KMDINF; deploy-vm's own search is a checkout's x64 tree).
    "$DEPLOY_VM" ${KMDINF:+--kmdinf "$KMDINF"} "$@" >"$out" 2>&1 </dev/null || rc=$?
    sed 's/^/  > /' "$out"
    echo "check: deploy-vm exited $rc after $((SECONDS - start)) s"
}
expect_rc() { if [ "$rc" = "$1" ]; then ok "exit code $1"; else fail "exit code $rc, expected $1"; fi; }
# expect RE / expect_no RE: an extended regular expression on some line of the output.
expect() { if grep -Eq -- "$1" "$out"; then ok "output has /$1/"; else fail "output lacks /$1/"; fi; }
expect_no() { if grep -Eq -- "$1" "$out"; then fail "output has /$1/ but must not"; else ok "output lacks /$1/"; fi; }
expect_file() { # FILE RE
    if grep -Eq -- "$2" "$1" 2>/dev/null; then ok "$(basename "$1") has /$2/"; else fail "$1 lacks /$2/"; fi
}

vm_alias() { cat "$1/alias"; }
# shellcheck source=/dev/null
vm_home() { (. "$1/fakevm.env" && echo "$HOME_DIR"); }
vm_commands() { wc -l <"$1/commands.log" 2>/dev/null || echo 0; }
vm_ssh() { # VMDIR COMMAND: a command on the fake VM, like deploy-vm sends them
    ssh -F "$1/ssh_config" "$(vm_alias "$1")" "$2" </dev/null
}
vm_staging_count() {
    local h
    h=$(vm_home "$1")
    find "$h/kmdkit-staging" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l
}
# kmdctl on the VM (a copy outside any staging folder) to look at what a deploy left behind.
vm_kmdctl() { # VMDIR ARGS...
    local vm=$1
    shift
    if [ ! -f "$(vm_home "$vm")/kmdctl-check.exe" ]; then
        echo "put $DIST/kmdctl.exe kmdctl-check.exe" |
            sftp -q -F "$vm/ssh_config" -b - "$(vm_alias "$vm")" >/dev/null || fail "cannot copy kmdctl.exe to $vm"
    fi
    vm_ssh "$vm" "kmdctl-check.exe $*"
}
expect_service_gone() { # VMDIR NAME
    local o r=0
    o=$(vm_kmdctl "$1" status "$2" --json 2>&1) || r=$?
    if [ "$r" = 3 ] && [[ $o == *'"code":1060'* ]]; then
        ok "service $2 does not exist on $(vm_alias "$1") (kmdctl status: exit 3, error 1060)"
    else
        fail "service $2 is still on $(vm_alias "$1"): kmdctl status exit $r: $o"
    fi
}
# ssh config of both fake VMs, for --ssh-config.
both_configs() { cat "$VM1/ssh_config" "$VM2/ssh_config" >"$WORK/ssh_config"; }

# A copy of dist/ to spoil.
copy_dist() { cp -a "$DIST" "$WORK/dist"; }
resum() { (cd "$WORK/dist" && awk '{print $2}' SHA256SUMS | xargs sha256sum >SHA256SUMS.new && mv SHA256SUMS.new SHA256SUMS); }

# A dist of the kind any kmdkit project's build makes (tests/outoftree's: kmd_add_driver(hello),
# kmd_add_client(hello_client OUTPUT_NAME hello)): a driver, its client, the certificate and
# SHA256SUMS, and no kmdctl.exe (only kmdkit's own build and an installed kit's projects stage one).
# Its driver and client are the skeleton's under another name: the service is "hello", the
# device \\.\KmdSkeleton.
make_oot_dist() { # DIR
    mkdir -p "$1"
    cp "$DIST/skeleton.sys" "$1/hello.sys"
    cp "$DIST/skeleton.exe" "$1/hello.exe"
    cp "$DIST/signing.cer" "$DIST/signing.pem" "$1/"
    (cd "$1" && sha256sum hello.exe hello.sys signing.cer signing.pem >SHA256SUMS)
}
# sums DIR [FILE...]: SHA256SUMS over FILE... (default: every file but SHA256SUMS), sorted by name.
sums() {
    local d=$1
    shift
    (
        cd "$d" || exit 1
        if [ $# = 0 ]; then
            for f in *; do [ "$f" = SHA256SUMS ] || set -- "$@" "$f"; done
        fi
        LC_ALL=C sha256sum "$@" | LC_ALL=C sort -k 2 >SHA256SUMS
    )
}
# A fingerprint of a folder (names, sizes, hashes), to show that a deploy left it as it was.
tree_print() { (cd "$1" && find . -type f -printf '%p %s\n' | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort); }
# A copy of a PE image that claims another machine (0x014c, x86) in its header: never run, only read.
as_x86() { # SRC DEST
    cp "$1" "$2"
    perl -e 'open(my $f, "+<", $ARGV[0]) or die; binmode $f; read($f, my $h, 64);
             seek($f, unpack("V", substr($h, 60, 4)) + 4, 0); print $f pack("v", 0x14c); close $f' "$2"
}
# An installed kit in a folder: bin/kmdkit-deploy (this ci/deploy-vm) and, with a kmdctl.exe,
# share/kmdkit/windows/x64/kmdctl.exe (cmake/KmdKitInstall.cmake's layout); no CMakePresets.json.
make_prefix() { # DIR [KMDCTL]
    mkdir -p "$1/bin"
    cp "$DEPLOY_VM" "$1/bin/kmdkit-deploy"
    if [ -n "${2:-}" ]; then
        mkdir -p "$1/share/kmdkit/windows/x64"
        cp "$2" "$1/share/kmdkit/windows/x64/kmdctl.exe"
    fi
}
# An installed kit's program: deploy_with PROGRAM ARGS... (like deploy).
deploy_with() {
    local prog=$1
    shift
    echo "check: \$ $prog $*"
    local start=$SECONDS
    rc=0
    "$prog" "$@" >"$out" 2>&1 </dev/null || rc=$?
    sed 's/^/  > /' "$out"
    echo "check: $prog exited $rc after $((SECONDS - start)) s"
}
# This build tree's name when it is build/<name> of the checkout (--preset <name> finds its kmdctl).
tree_preset() {
    local src b
    src=$(cd "$SRC" && pwd -P) b=$(cd "$BUILD" && pwd -P)
    if [ "$(dirname "$b")" = "$src/build" ]; then basename "$b"; fi
}

# --symbols cases. A clang tree's dist/ has a symbol store (symbols/<name>.pdb/<GUID><age>/<name>.pdb,
# listed in SHA256SUMS); a GCC tree's has none, so these cases make a stand-in store there: to
# deploy-vm a PDB is a file to copy and verify, and what it checks (the layout, SHA256SUMS, the
# hashes on the VM) is the same.
sym_lines() { grep -E '^[0-9a-f]{64} [ *]symbols/' "$1/SHA256SUMS"; }
dist_with_symbols() { # DIR: a copy of dist/ with a symbol store (the real one, else a stand-in)
    cp -a "$DIST" "$1"
    if sym_lines "$1" >/dev/null; then
        echo "check: this tree's dist/ has a symbol store: $(sym_lines "$1" | wc -l) PDBs"
        return
    fi
    local n g
    for n in skeleton skeleton_client; do
        g=0123456789ABCDEF0123456789ABCDEF1
        mkdir -p "$1/symbols/$n.pdb/$g"
        { echo "stand-in for $n.pdb (tests/deploy/check.sh): not a PDB"; head -c 50000 /dev/urandom; } \
            >"$1/symbols/$n.pdb/$g/$n.pdb"
        (cd "$1" && sha256sum "symbols/$n.pdb/$g/$n.pdb" >>SHA256SUMS)
    done
    echo "check: this tree's dist/ has no symbol store (GCC): a stand-in store of 2 files is used"
}
dist_without_symbols() { # DIR: prints the path of a dist/ with no symbol store
    if ! sym_lines "$DIST" >/dev/null && [ ! -e "$DIST/symbols" ]; then
        echo "$DIST"
        return
    fi
    cp -a "$DIST" "$1"
    rm -rf "$1/symbols"
    sed -i -E '/^[0-9a-f]{64} [ *]symbols\//d' "$1/SHA256SUMS"
    echo "$1"
}

common=(--timeout 90 --log-dir "$WORK/logs")
# A case without a fake VM (usage, unreachable) finds no alias file: a placeholder says so.
h1=$(cat "$VM1/alias" 2>/dev/null || echo fakevm1-not-started)
h2=$(cat "$VM2/alias" 2>/dev/null || echo fakevm2-not-started)
# A one-VM case runs on $VM, whichever of the two CMakeLists.txt gave it (they are alike).
VM=${VM:-$VM1}
hv=$(cat "$VM/alias" 2>/dev/null || echo fakevm-not-started)
vmo=(--ssh-config "$VM/ssh_config" --host "$hv")

case "$case_name" in
usage)
    # Every one of these must stop before touching a host (none is reachable anyway).
    deploy --host nowhere.invalid --bogus
    expect_rc 2; expect "error: unknown option '--bogus'"
    deploy --dist "$DIST"
    expect_rc 2; expect "error: no --host given"
    deploy --host nowhere.invalid --dist "$DIST" --reboot
    expect_rc 2; expect "error: --reboot is only used with --enable-testsigning"
    deploy --host nowhere.invalid --dist "$DIST" --enable-testsigning
    expect_rc 2; expect "error: --enable-testsigning needs --reboot"
    deploy --host nowhere.invalid --dist "$DIST" --snapshot clean
    expect_rc 2; expect "error: --snapshot needs --libvirt-domain"
    deploy --host nowhere.invalid --dist "$DIST" --timeout soon
    expect_rc 2; expect "error: --timeout 'soon' is not a number of seconds"
    deploy --host nowhere.invalid --host nowhere.invalid --dist "$DIST"
    expect_rc 2; expect "error: --host nowhere.invalid is given twice"
    deploy --host nowhere.invalid --dist "$DIST" --driver nosuch
    expect_rc 2; expect "error: driver nosuch: .*/nosuch.sys does not exist"
    copy_dist
    rm "$WORK/dist/signing.pem"
    deploy --host nowhere.invalid --dist "$WORK/dist"
    expect_rc 2; expect "error: .*/dist/signing.pem is listed in SHA256SUMS but missing"
    cp "$DIST/signing.pem" "$WORK/dist/"
    deploy --host nowhere.invalid --dist "$WORK/dist" --kmdctl "$WORK/no-such-kmdctl.exe"
    expect_rc 2; expect "error: --kmdctl .*/no-such-kmdctl.exe: no such readable file"
    rm "$WORK/dist/SHA256SUMS"
    deploy --host nowhere.invalid --dist "$WORK/dist"
    expect_rc 2; expect "error: .*/dist/SHA256SUMS is missing"
    expect_no "logs in"
    ;;
fuzz)
    # --fuzz: kmdctl fuzz runs on the VM after the smoke test, as a step of its own.
    deploy --host nowhere.invalid --dist "$DIST" --fuzz 'skeleton'
    expect_rc 2; expect "error: --fuzz 'skeleton' is not DRIVER=ARGS"
    deploy --host nowhere.invalid --dist "$DIST" --driver skeleton --fuzz 'skeleton=KmdSkeleton & del x'
    expect_rc 2; expect "error: --fuzz skeleton: ARGS may hold only"
    deploy --host nowhere.invalid --dist "$DIST" --driver skeleton --fuzz 'simplest=KmdSimplest --code 1'
    expect_rc 2; expect "error: --fuzz simplest: simplest is not one of the drivers deployed"
    deploy "${vmo[@]}" "${common[@]}" --dist "$DIST" --driver skeleton \
        --fuzz 'skeleton=KmdSkeleton --type 0x8100 --functions 0x800-0x801 --count 40'
    expect_rc 0
    p="^\[$hv\] step"
    expect "$p 8/12: run skeleton.exe \(smoke test\): ok \(exit 0\)$"
    expect "$p 9/12: fuzz skeleton \(kmdctl fuzz KmdSkeleton --type 0x8100 --functions 0x800-0x801 --count 40\): ok$"
    expect "all 1 host\(s\) passed"
    log=$WORK/logs/$hv.log
    expect_file "$log" "fuzz: seed 1: [0-9]+ requests, 0 findings; host alive"
    expect_service_gone "$VM" skeleton
    ;;
missing_dist)
    before=$(vm_commands "$VM")
    deploy "${vmo[@]}" "${common[@]}" --dist "$WORK/no-such-dist"
    expect_rc 2; expect "error: dist folder .*/no-such-dist does not exist"
    deploy "${vmo[@]}" "${common[@]}" --preset no-such-preset
    expect_rc 2; expect "error: dist folder .*/build/no-such-preset/dist does not exist \(build it first: cmake --preset no-such-preset"
    if [ "$(vm_commands "$VM")" = "$before" ]; then ok "the fake VM received no command"; else fail "the fake VM received commands"; fi
    ;;
ok)
    stages=$(vm_staging_count "$VM")
    # The driver lines must come from this deploy, not from an earlier case on the same VM.
    log_from=$(stat -c %s "$VM/driver.log" 2>/dev/null || echo 0)
    deploy "${vmo[@]}" "${common[@]}" --dist "$DIST" --driver skeleton
    tail -c +"$((log_from + 1))" "$VM/driver.log" >"$WORK/driver.log"
    expect_rc 0
    p="^\[$hv\] step"
    expect "$p 1/11: wait for SSH: ok$"
    expect "$p 2/11: copy [0-9]+ files \+ SHA256SUMS to kmdkit-staging.*: ok$"
    expect "$p 3/11: verify checksums \(kmdctl checksums SHA256SUMS\): ok$"
    expect "^\[$hv\] staging folder: C:\\\\users\\\\.*\\\\kmdkit-staging\\\\"
    expect "$p 4/11: install certificate signing.cer \(Root, TrustedPublisher\): ok$"
    expect "$p 5/11: check test signing: ok \(unknown: continuing\)$"
    expect "^\[$hv\] warning: test signing state unknown"
    expect "$p 6/11: install driver skeleton \(kmdctl install skeleton.sys --name skeleton\): ok$"
    expect "$p 7/11: start skeleton: ok$"
    expect "$p 8/11: run skeleton.exe \(smoke test\): ok \(exit 0\)$"
    expect "$p 9/11: stop skeleton: ok$"
    expect "$p 10/11: remove skeleton: ok$"
    expect "$p 11/11: remove staging folder: ok$"
    expect "^\[$hv\] deployed: passed in [0-9]+ s$"
    expect "^$hv +ok +[0-9]+ +-$"
    expect "all 1 host\(s\) passed"
    expect_no "FAILED"
    expect_no "kmdctl.exe \(x64\):"                      # dist's own kmdctl.exe, no staged copy
    if [ -e "$WORK/logs/dist" ]; then fail "a staged copy of dist was made"; else ok "no staged copy of dist"; fi
    log=$WORK/logs/$hv.log
    expect_file "$log" "smoke: passed"                  # the client's own output
    expect_file "$log" "OK skeleton.sys"                # kmdctl checksums, file by file
    expect_file "$WORK/driver.log" "skeleton: DriverEntry: device .*KmdSkeleton ready"
    expect_file "$WORK/driver.log" "skeleton: DriverUnload: device and link removed"
    expect_service_gone "$VM" skeleton
    thumb=$(openssl x509 -inform der -in "$DIST/signing.cer" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
    for store in Root TrustedPublisher; do
        if vm_ssh "$VM" "reg query HKLM\\Software\\Microsoft\\SystemCertificates\\$store\\Certificates\\$thumb" >/dev/null 2>&1; then
            ok "certificate $thumb is in LocalMachine\\$store"
        else
            fail "certificate $thumb is not in LocalMachine\\$store"
        fi
    done
    if [ "$(vm_staging_count "$VM")" = "$stages" ]; then ok "no staging folder left"; else fail "a staging folder was left behind"; fi
    ;;
unreachable)
    # A port nobody listens on (bound, then closed) and a key of its own: no fake VM involved.
    # --timeout 1: deploy-vm retries every 2 s until the timeout, so a longer one only waits.
    port=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")->sockport')
    ssh-keygen -q -t ed25519 -N '' -C unreachable -f "$WORK/key"
    deploy --host 127.0.0.1 --port "$port" --identity "$WORK/key" --dist "$DIST" --driver skeleton --timeout 1 --log-dir "$WORK/logs"
    expect_rc 1
    expect "^\[127.0.0.1\] step 1/[0-9]+: wait for SSH: FAILED$"
    expect "^\[127.0.0.1\] +\| ssh: connect to host 127.0.0.1 port $port: Connection refused"
    expect "^\[127.0.0.1\] +\| \(deploy-vm: 127.0.0.1 did not answer over SSH within 1 s\)"
    expect "^\[127.0.0.1\] FAILED at step 1/[0-9]+ wait for SSH after [0-9]+ s; log: .*/127.0.0.1.log$"
    expect "^127.0.0.1 +FAILED +[0-9]+ +1/[0-9]+ wait for SSH$"
    expect "1 of 1 host\(s\) FAILED"
    expect_no "staging folder kept|rollback"
    expect_file "$WORK/logs/127.0.0.1.log" "Connection refused"
    ;;
wrong_key)
    ssh-keygen -q -t ed25519 -N '' -C wrong -f "$WORK/wrong_key"
    sed "s|IdentityFile .*|IdentityFile $WORK/wrong_key|" "$VM/ssh_config" >"$WORK/ssh_config"
    before=$(vm_commands "$VM")
    deploy --ssh-config "$WORK/ssh_config" --host "$hv" --dist "$DIST" --driver skeleton "${common[@]}"
    expect_rc 1
    expect "^\[$hv\] step 1/[0-9]+: wait for SSH: FAILED$"
    expect "^\[$hv\] +\| .*Permission denied \(publickey\)"
    expect "^\[$hv\] +\| \(deploy-vm: $hv refused the SSH login: wrong key or user\? .*not retrying"
    expect "^$hv +FAILED +[0-9]+ +1/[0-9]+ wait for SSH$"
    expect_no "staging folder kept|rollback"
    if [ "$(vm_commands "$VM")" = "$before" ]; then ok "the fake VM ran no command"; else fail "the fake VM ran commands"; fi
    ;;
driver_fails)
    # simplest's DriverEntry fails (Win32 87); skeleton, given after it, is never installed.
    stages=$(vm_staging_count "$VM")
    deploy "${vmo[@]}" "${common[@]}" --dist "$DIST" --driver simplest --driver skeleton
    expect_rc 1
    expect "^\[$hv\] step 6/[0-9]+: install driver simplest .*: ok$"
    expect "^\[$hv\] step 7/[0-9]+: start simplest: FAILED$"
    expect "^\[$hv\] +\| .*87"
    expect "^\[$hv\] rollback: remove simplest: ok$"
    expect "^\[$hv\] staging folder kept for inspection: C:\\\\users\\\\.*\\\\kmdkit-staging\\\\[0-9-]+$"
    expect "^$hv +FAILED +[0-9]+ +7/[0-9]+ start simplest$"
    expect_no "install driver skeleton"
    expect_service_gone "$VM" simplest
    expect_service_gone "$VM" skeleton
    if [ "$(vm_staging_count "$VM")" = $((stages + 1)) ]; then ok "the staging folder was kept"; else fail "no staging folder kept"; fi
    ;;
client_fails)
    # kmdctl.exe as skeleton.exe: with no arguments it prints its usage and exits non-zero.
    copy_dist
    cp "$WORK/dist/kmdctl.exe" "$WORK/dist/skeleton.exe"
    resum
    deploy "${vmo[@]}" "${common[@]}" --dist "$WORK/dist" --driver skeleton
    expect_rc 1
    expect "^\[$hv\] step 7/11: start skeleton: ok$"
    expect "^\[$hv\] step 8/11: run skeleton.exe \(smoke test\): FAILED$"
    expect "^\[$hv\] +\| kmdctl: "                    # the stand-in client's own complaint
    expect "^\[$hv\] +\| \(deploy-vm: skeleton.exe exited with code [1-9][0-9]*\)"
    expect "^\[$hv\] rollback: stop skeleton: ok$"
    expect "^\[$hv\] rollback: remove skeleton: ok$"
    expect "^$hv +FAILED +[0-9]+ +8/11 run skeleton.exe \(smoke test\)$"
    expect_service_gone "$VM" skeleton
    ;;
corrupted)
    copy_dist
    f=$WORK/dist/skeleton.sys
    b=$(od -An -tu1 -j 200 -N 1 "$f" | tr -d ' ')
    perl -e 'print chr($ARGV[0])' $(((b + 1) % 256)) | dd of="$f" bs=1 seek=200 conv=notrunc status=none
    if cmp -s "$f" "$DIST/skeleton.sys"; then fail "the copy of skeleton.sys was not changed"; fi
    # No --driver: every *.inf (a PnP package, shown as NAME.inf) and every other *.sys of dist, in
    # name order (a package's driver has its name: examples/kmdpnp's kmdpnp.inf installs kmdpnp.sys).
    all=$(cd "$DIST" && for f in *; do
        case "$f" in
        *.inf) printf '%s ' "$f" ;;
        *.sys) [ -f "${f%.sys}.inf" ] || printf '%s ' "${f%.sys}" ;;
        esac
    done)
    deploy "${vmo[@]}" "${common[@]}" --dist "$WORK/dist"
    expect_rc 1
    expect "^deploy-vm: deploying ${all% } from $WORK/dist to $hv$"
    expect "^\[$hv\] step 3/[0-9]+: verify checksums \(kmdctl checksums SHA256SUMS\): FAILED$"
    expect "^\[$hv\] +\| .*skeleton.sys.*MISMATCH|MISMATCH.*skeleton.sys"
    expect "^\[$hv\] staging folder kept for inspection: "
    expect "^$hv +FAILED +[0-9]+ +3/[0-9]+ verify checksums"
    expect_no "install driver|rollback"
    expect_service_gone "$VM" skeleton
    ;;
parallel)
    both_configs
    deploy --ssh-config "$WORK/ssh_config" --host "$h1" --host "$h2" --dist "$DIST" --driver skeleton "${common[@]}"
    expect_rc 0
    for h in "$h1" "$h2"; do
        expect "^\[$h\] step 8/11: run skeleton.exe \(smoke test\): ok \(exit 0\)$"
        expect "^\[$h\] deployed: passed in [0-9]+ s$"
        expect "^$h +ok +[0-9]+ +-$"
        expect_file "$WORK/logs/$h.log" "smoke: passed"
    done
    expect "^host +result +seconds +failed step$"
    expect "all 2 host\(s\) passed"
    # Both ran at the same time: each started before the other finished.
    s1=$(grep -n "^\[$h1\] step 1/" "$out" | cut -d: -f1); e1=$(grep -n "^\[$h1\] deployed" "$out" | cut -d: -f1)
    s2=$(grep -n "^\[$h2\] step 1/" "$out" | cut -d: -f1); e2=$(grep -n "^\[$h2\] deployed" "$out" | cut -d: -f1)
    if [ -n "$s1" ] && [ -n "$s2" ] && [ "$s1" -lt "$e2" ] && [ "$s2" -lt "$e1" ]; then
        ok "the two deployments overlapped"
    else
        fail "the two deployments did not overlap (lines $s1-$e1 and $s2-$e2)"
    fi
    expect_service_gone "$VM1" skeleton
    expect_service_gone "$VM2" skeleton
    ;;
snapshot_keep)
    # --libvirt-domain/--snapshot through a stand-in virsh on PATH; --keep leaves the driver loaded.
    mkdir -p "$WORK/bin"
    cat >"$WORK/bin/virsh" <<EOF
#!/bin/sh
echo "\$*" >>"$WORK/virsh.calls"
if [ "\$3" = broken ]; then echo "error: Domain not found: no domain with matching name 'broken'" >&2; exit 1; fi
echo "Domain snapshot \$5 reverted"
EOF
    chmod +x "$WORK/bin/virsh"
    export PATH=$WORK/bin:$PATH
    deploy "${vmo[@]}" "${common[@]}" --dist "$DIST" --driver skeleton --libvirt-domain broken --snapshot clean
    expect_rc 1
    expect "^\[$hv\] step 1/[0-9]+: revert libvirt domain broken to snapshot clean: FAILED$"
    expect "^\[$hv\] +\| error: Domain not found"
    deploy "${vmo[@]}" "${common[@]}" --dist "$DIST" --driver skeleton --libvirt-domain win11 --snapshot clean --keep
    expect_rc 0
    expect_file "$WORK/virsh.calls" "^snapshot-revert --domain win11 --snapshotname clean --running$"
    expect "^\[$hv\] step 1/9: revert libvirt domain win11 to snapshot clean: ok$"
    expect "^\[$hv\] step 9/9: run skeleton.exe \(smoke test\): ok \(exit 0\)$"
    expect "^\[$hv\] --keep: skeleton left loaded, running from C:\\\\users\\\\.*\\\\kmdkit-staging\\\\"
    expect_no "stop skeleton|remove skeleton|remove staging"
    st=$(vm_kmdctl "$VM" status skeleton 2>&1)
    printf '  status: %s\n' "$st"
    if printf "%s\n" "$st" | tr -d "\r" | grep -Eq "^state +running$"; then ok "skeleton is still running on $hv"; else fail "skeleton is not running on $hv"; fi
    # A second run finds the kept service: it fails at the install and leaves that service alone.
    deploy "${vmo[@]}" "${common[@]}" --dist "$DIST" --driver skeleton
    expect_rc 1
    expect "^\[$hv\] step 6/11: install driver skeleton .*: FAILED$"
    expect "^\[$hv\] +\| state +running"
    expect "^\[$hv\] +\| \(deploy-vm: a service skeleton already exists on $hv and this run did not make it"
    expect_no "rollback"
    st=$(vm_kmdctl "$VM" status skeleton 2>&1)
    if printf "%s\n" "$st" | tr -d "\r" | grep -Eq "^state +running$"; then ok "the kept skeleton still runs"; else fail "the kept skeleton was touched: $st"; fi
    vm_kmdctl "$VM" stop skeleton >/dev/null 2>&1
    vm_kmdctl "$VM" remove skeleton >/dev/null 2>&1
    expect_service_gone "$VM" skeleton
    ;;
oot_usage)
    # A project's dist with no kmdctl.exe: each refusal is exit 2 before any host is contacted
    # (no log folder either), and the project's dist is never changed.
    make_oot_dist "$WORK/oot"
    before=$(tree_print "$WORK/oot")
    logs=(--log-dir "$WORK/logs")
    # Installed (bin/kmdkit-deploy) with no kmdctl.exe in the kit: where it looked, and --kmdctl.
    make_prefix "$WORK/bare"
    deploy_with "$WORK/bare/bin/kmdkit-deploy" --host nowhere.invalid --dist "$WORK/oot" "${logs[@]}"
    expect_rc 2
    expect "^kmdkit-deploy: error: no kmdctl.exe to run the steps on the VM: $WORK/oot has none, and the kit has no x64 one \(looked for $WORK/bare/share/kmdkit/windows/x64/kmdctl.exe\); give one with --kmdctl PATH \(a kmdctl.exe for x64"
    # x86 drivers: the kit's x86 kmdctl.exe is looked for (the architecture is the drivers' PE machine).
    make_prefix "$WORK/kit" "$DIST/kmdctl.exe"
    mkdir "$WORK/oot86" && cp "$WORK/oot"/* "$WORK/oot86/" && as_x86 "$DIST/skeleton.sys" "$WORK/oot86/hello.sys" && sums "$WORK/oot86"
    deploy_with "$WORK/kit/bin/kmdkit-deploy" --host nowhere.invalid --dist "$WORK/oot86" "${logs[@]}"
    expect_rc 2
    expect "error: no kmdctl.exe .*: $WORK/oot86 has none, and the kit has no x86 one \(looked for $WORK/kit/share/kmdkit/windows/x86/kmdctl.exe\)"
    # A kmdctl.exe of the wrong architecture.
    as_x86 "$DIST/kmdctl.exe" "$WORK/kmdctl-x86.exe"
    deploy_with "$WORK/kit/bin/kmdkit-deploy" --host nowhere.invalid --dist "$WORK/oot" --kmdctl "$WORK/kmdctl-x86.exe" "${logs[@]}"
    expect_rc 2
    expect "error: $WORK/kmdctl-x86.exe \(--kmdctl\) is x86, but the drivers are x64: give the x64 kmdctl.exe"
    # Drivers of both architectures in one run; a .sys that is no PE image.
    mkdir "$WORK/mixed" && cp "$WORK/oot"/* "$WORK/mixed/" && as_x86 "$DIST/skeleton.sys" "$WORK/mixed/other.sys" && sums "$WORK/mixed"
    deploy_with "$WORK/kit/bin/kmdkit-deploy" --host nowhere.invalid --dist "$WORK/mixed" "${logs[@]}"
    expect_rc 2
    expect "error: $WORK/mixed/hello.sys is x64 but $WORK/mixed/other.sys is x86: one run deploys drivers of one architecture"
    mkdir "$WORK/notpe" && cp "$WORK/oot"/* "$WORK/notpe/" && echo "not a driver" >"$WORK/notpe/hello.sys" && sums "$WORK/notpe"
    deploy_with "$WORK/kit/bin/kmdkit-deploy" --host nowhere.invalid --dist "$WORK/notpe" "${logs[@]}"
    expect_rc 2
    expect "error: $WORK/notpe/hello.sys: not a PE image: not a driver kmdkit can deploy \(x64 or x86\)"
    # A file changed after its SHA256SUMS was written: this run would write a SHA256SUMS of its own
    # for the VM, so it checks the dist first.
    mkdir "$WORK/bad" && cp "$WORK/oot"/* "$WORK/bad/"
    b=$(od -An -tu1 -j 200 -N 1 "$WORK/bad/hello.sys" | tr -d ' ')
    perl -e 'print chr($ARGV[0])' $(((b + 1) % 256)) | dd of="$WORK/bad/hello.sys" bs=1 seek=200 conv=notrunc status=none
    deploy_with "$WORK/kit/bin/kmdkit-deploy" --host nowhere.invalid --dist "$WORK/bad" "${logs[@]}"
    expect_rc 2
    expect "^kmdkit-deploy: error: $WORK/bad/SHA256SUMS does not match the files in $WORK/bad \(sha256sum -c\):$"
    expect "^hello.sys: FAILED$"
    expect "\(rebuild that dist; nothing was deployed\)"
    if [ -e "$WORK/logs" ]; then fail "a refused run made its log folder $WORK/logs"; else ok "no refused run made a log folder"; fi
    # Where kmdctl.exe comes from when the run goes ahead (the host is unreachable: exit 1 at step 1).
    # In a checkout: the build of --preset (this tree, when it is build/<name>).
    tp=$(tree_preset)
    if [ -n "$tp" ]; then
        deploy --host nowhere.invalid --dist "$WORK/oot" --preset "$tp" "${logs[@]}"
        expect_rc 1
        expect "^deploy-vm: kmdctl.exe \(x64\): $SRC/build/$tp/dist/kmdctl.exe \(the kit's\); $WORK/oot matches its SHA256SUMS, and is shipped from a copy with that kmdctl.exe added: $WORK/logs/dist$"
        expect "^\[nowhere.invalid\] step 1/11: wait for SSH: FAILED$"
    else
        echo "check: not checked: the checkout's lookup (build/<preset>/dist/kmdctl.exe): this build tree $BUILD is not in $SRC/build"
    fi
    # --kmdctl wins over dist's own; dist's own that SHA256SUMS does not list is used, hashed here.
    deploy --host nowhere.invalid --dist "$DIST" --driver skeleton --kmdctl "$DIST/kmdctl.exe" "${logs[@]}"
    expect_rc 1
    expect "^deploy-vm: kmdctl.exe \(x64\): $DIST/kmdctl.exe \(--kmdctl, instead of dist's own\)"
    cp "$DIST/kmdctl.exe" "$WORK/oot/" && before_own=$(tree_print "$WORK/oot")
    deploy_with "$WORK/bare/bin/kmdkit-deploy" --host nowhere.invalid --dist "$WORK/oot" "${logs[@]}"
    expect_rc 1
    expect "^kmdkit-deploy: kmdctl.exe \(x64\): $WORK/oot/kmdctl.exe \(dist's own, which SHA256SUMS does not list\)"
    if grep -q ' kmdctl.exe$' "$WORK/logs/dist/SHA256SUMS" && (cd "$WORK/logs/dist" && sha256sum -c --quiet SHA256SUMS); then
        ok "the staged copy's SHA256SUMS lists kmdctl.exe and matches"
    else
        fail "the staged copy $WORK/logs/dist does not match its SHA256SUMS with kmdctl.exe in it"
    fi
    if [ "$(tree_print "$WORK/oot")" = "$before_own" ]; then ok "the project's dist was not changed"; else fail "deploy-vm changed $WORK/oot"; fi
    rm "$WORK/oot/kmdctl.exe"
    if [ "$(tree_print "$WORK/oot")" = "$before" ]; then ok "the project's dist is as it was made"; else fail "$WORK/oot changed"; fi
    ;;
oot)
    # The installed kit (bin/kmdkit-deploy, share/kmdkit/windows/x64/kmdctl.exe) deploys a project's
    # dist that has no kmdctl.exe: it brings the kit's, ships a staged copy, and the project's dist
    # stays as it was.
    make_oot_dist "$WORK/oot"
    before=$(tree_print "$WORK/oot")
    make_prefix "$WORK/prefix" "$DIST/kmdctl.exe"
    log_from=$(stat -c %s "$VM/driver.log" 2>/dev/null || echo 0)
    deploy_with "$WORK/prefix/bin/kmdkit-deploy" "${vmo[@]}" "${common[@]}" --dist "$WORK/oot"
    tail -c +"$((log_from + 1))" "$VM/driver.log" >"$WORK/driver.log"
    expect_rc 0
    expect "^kmdkit-deploy: deploying hello from $WORK/oot to $hv$"
    expect "^kmdkit-deploy: kmdctl.exe \(x64\): $WORK/prefix/share/kmdkit/windows/x64/kmdctl.exe \(the kit's\); $WORK/oot matches its SHA256SUMS, and is shipped from a copy with that kmdctl.exe added: $WORK/logs/dist$"
    p="^\[$hv\] step"
    expect "$p 2/11: copy 5 files \+ SHA256SUMS to kmdkit-staging.*: ok$"
    expect "$p 3/11: verify checksums \(kmdctl checksums SHA256SUMS\): ok$"
    expect "$p 6/11: install driver hello \(kmdctl install hello.sys --name hello\): ok$"
    expect "$p 7/11: start hello: ok$"
    expect "$p 8/11: run hello.exe \(smoke test\): ok \(exit 0\)$"
    expect "$p 9/11: stop hello: ok$"
    expect "$p 10/11: remove hello: ok$"
    expect "$p 11/11: remove staging folder: ok$"
    expect "all 1 host\(s\) passed"
    log=$WORK/logs/$hv.log
    expect_file "$log" "^ +\| OK kmdctl.exe$"
    expect_file "$log" "^ +\| OK hello.sys$"
    expect_file "$log" "^ +\| checksums: all 5 files OK$"
    expect_file "$log" "smoke: passed"
    expect_file "$WORK/driver.log" "skeleton: DriverEntry: device .*KmdSkeleton ready"
    expect_file "$WORK/driver.log" "skeleton: DriverUnload: device and link removed"
    expect_service_gone "$VM" hello
    if cmp -s "$WORK/logs/dist/kmdctl.exe" "$DIST/kmdctl.exe" &&
        grep -q "^$(sha256sum <"$DIST/kmdctl.exe" | cut -d' ' -f1)  kmdctl.exe$" "$WORK/logs/dist/SHA256SUMS"; then
        ok "the staged copy has the kit's kmdctl.exe, listed in its SHA256SUMS"
    else
        fail "the staged copy $WORK/logs/dist lacks the kit's kmdctl.exe or its SHA256SUMS line"
    fi
    if [ "$(tree_print "$WORK/oot")" = "$before" ]; then ok "the project's dist was not changed"; else fail "deploy-vm changed $WORK/oot"; fi
    ;;
smoketests)
    # dist/SMOKETESTS (kmd_add_client SMOKE_TEST_FOR) names each driver's smoke tests: every client it
    # names runs, in its order, and the NAME.exe convention is off for that driver (skeleton.exe
    # here is kmdctl.exe, which fails when run with no arguments).
    d=$WORK/dist
    mkdir -p "$d"
    cp "$DIST/skeleton.sys" "$DIST/kmdctl.exe" "$DIST/signing.cer" "$DIST/signing.pem" "$d/"
    cp "$DIST/kmdctl.exe" "$d/skeleton.exe"
    cp "$DIST/skeleton.exe" "$d/skeleton_again.exe"
    cp "$DIST/skeleton.exe" "$d/skeleton_check.exe"
    printf '# dist/SMOKETESTS: <driver>.sys <client>.exe\nskeleton.sys skeleton_again.exe\nskeleton.sys skeleton_check.exe\n' >"$d/SMOKETESTS"
    cp "$d/SMOKETESTS" "$WORK/SMOKETESTS.good"
    # A line naming a file dist lacks, or not in the format: exit 2, the VM gets no command.
    before=$(vm_commands "$VM")
    for bad in "skeleton.sys nosuch.exe" "nosuch.sys skeleton_check.exe" "skeleton.sys  skeleton_check.exe" "skeleton skeleton_check.exe"; do
        { cat "$WORK/SMOKETESTS.good"; echo "$bad"; } >"$d/SMOKETESTS"
        sums "$d"
        deploy "${vmo[@]}" "${common[@]}" --dist "$d"
        expect_rc 2
        case "$bad" in
        *nosuch.exe) expect "error: $d/SMOKETESTS line 4 names nosuch.exe, which is not in $d$" ;;
        nosuch.sys*) expect "error: $d/SMOKETESTS line 4 names nosuch.sys, which is not in $d$" ;;
        *) expect "error: $d/SMOKETESTS line 4: '$bad' is not '<driver>.sys <client>.exe'$" ;;
        esac
    done
    if [ "$(vm_commands "$VM")" = "$before" ]; then ok "the fake VM received no command"; else fail "the fake VM received commands"; fi
    # A driver SMOKETESTS does not name keeps NAME.exe: hello (the skeleton again) gets hello.exe in
    # the plan (5 + skeleton's 2+2+2 + hello's 2+1+2 + cleanup = 17 steps; unreachable host).
    mkdir "$WORK/conv" && cp "$d"/* "$WORK/conv/" && cp "$WORK/SMOKETESTS.good" "$WORK/conv/SMOKETESTS"
    cp "$DIST/skeleton.sys" "$WORK/conv/hello.sys" && cp "$DIST/skeleton.exe" "$WORK/conv/hello.exe" && sums "$WORK/conv"
    deploy --host nowhere.invalid --dist "$WORK/conv" --log-dir "$WORK/conv-logs"
    expect_rc 1; expect "^\[nowhere.invalid\] step 1/17: wait for SSH: FAILED$"
    # One run: the two named clients pass, then a third one fails; the host fails at that step and
    # the driver is rolled back (the steps after a smoke test are the ok case's).
    cp "$DIST/kmdctl.exe" "$d/skeleton_fails.exe"
    { cat "$WORK/SMOKETESTS.good"; echo "skeleton.sys skeleton_fails.exe"; } >"$d/SMOKETESTS"
    sums "$d"
    deploy "${vmo[@]}" "${common[@]}" --dist "$d"
    expect_rc 1
    p="^\[$hv\] step"
    expect "$p 7/13: start skeleton: ok$"
    expect "$p 8/13: run skeleton_again.exe \(smoke test\): ok \(exit 0\)$"
    expect "$p 9/13: run skeleton_check.exe \(smoke test\): ok \(exit 0\)$"
    expect "$p 10/13: run skeleton_fails.exe \(smoke test\): FAILED$"
    expect "^\[$hv\] +\| \(deploy-vm: skeleton_fails.exe exited with code [1-9][0-9]*\)"
    expect "^\[$hv\] rollback: stop skeleton: ok$"
    expect "^\[$hv\] rollback: remove skeleton: ok$"
    expect "^$hv +FAILED +[0-9]+ +10/13 run skeleton_fails.exe \(smoke test\)$"
    expect_no "run skeleton.exe"
    n=$(grep -c "smoke: passed" "$WORK/logs/$hv.log")
    if [ "$n" = 2 ]; then ok "the log has both passing clients' 'smoke: passed'"; else fail "the log has $n 'smoke: passed' lines, expected 2"; fi
    expect_service_gone "$VM" skeleton
    ;;
pnp_usage)
    # The dist side of PnP packages, with the tree's reference INF (tests/inf/good/kmdpnp.inf) and
    # stand-ins for its driver and catalog: what is a package, what it must bring. No host is
    # reached: refusals exit 2, the rest stop at step 1 (unreachable host), after the plan.
    d=$WORK/dist
    mkdir -p "$d"
    cp "$SRC/tests/inf/good/kmdpnp.inf" "$d/"
    cp "$DIST/skeleton.sys" "$d/kmdpnp.sys"
    echo "stand-in catalog" >"$d/kmdpnp.cat"
    cp "$DIST/skeleton.sys" "$DIST/skeleton.exe" "$DIST/kmdctl.exe" "$DIST/signing.cer" "$DIST/signing.pem" "$d/"
    # other.inf: the same package, listing helper.sys: that .sys is the package's too.
    sed 's/kmdpnp\.sys/helper.sys/g; s/kmdpnp\.cat/other.cat/' "$d/kmdpnp.inf" >"$d/other.inf"
    cp "$DIST/skeleton.sys" "$d/helper.sys"
    echo "stand-in catalog" >"$d/other.cat"
    sums "$d"
    nh=(--host nowhere.invalid --log-dir "$WORK/logs")
    deploy "${nh[@]}" --dist "$d"
    expect_rc 1
    expect "^deploy-vm: deploying kmdpnp.inf other.inf skeleton from $d to nowhere.invalid$"
    # ssh copy checksums cert testsigning + 2 x (pnp-add pnp-create pnp-check pnp-remove pnp-delete)
    # + skeleton (install start client stop remove) + cleanup
    expect "^\[nowhere.invalid\] step 1/21: wait for SSH: FAILED$"
    deploy "${nh[@]}" --dist "$d" --driver kmdpnp.inf
    expect_rc 1; expect "^deploy-vm: deploying kmdpnp.inf from $d to nowhere.invalid$"
    deploy "${nh[@]}" --dist "$d" --driver helper
    expect_rc 2; expect "error: driver helper: helper.sys belongs to the PnP package other.inf, which installs it: deploy that package \(--driver other\)$"
    deploy "${nh[@]}" --dist "$d" --driver kmdpnp.sys
    expect_rc 1; expect "^deploy-vm: deploying kmdpnp.inf from"
    # What a package must bring: its catalog, listed; its files; a CatalogFile line.
    mv "$d/kmdpnp.cat" "$WORK/"
    sums "$d"
    deploy "${nh[@]}" --dist "$d" --driver kmdpnp
    expect_rc 2; expect "error: $d/kmdpnp.inf names kmdpnp.cat, which is not in $d \(the package is the INF, its catalog and the files it lists\)$"
    mv "$WORK/kmdpnp.cat" "$d/KmdPnp.CAT" # Windows' names are case-insensitive
    deploy "${nh[@]}" --dist "$d" --driver kmdpnp
    expect_rc 2; expect "error: $d/KmdPnp.CAT is not listed in $d/SHA256SUMS"
    sums "$d"
    deploy "${nh[@]}" --dist "$d" --driver kmdpnp
    expect_rc 1; expect "^deploy-vm: deploying kmdpnp.inf from"
    mv "$d/helper.sys" "$WORK/"
    sums "$d"
    deploy "${nh[@]}" --dist "$d" --driver other
    expect_rc 2; expect "error: $d/other.inf names helper.sys, which is not in $d"
    mv "$WORK/helper.sys" "$d/"
    sed -i '/^CatalogFile/d' "$d/other.inf"
    sums "$d"
    deploy "${nh[@]}" --dist "$d" --driver other
    expect_rc 2; expect "error: $d/other.inf will not install on x64 Windows \(kmdinf check; tools/kmdinf/README.md\):$"
    expect "error KINF014 catalog-file"
    # A UTF-16LE INF (with its BOM) reads the same.
    { printf '\xff\xfe'; sed 's/kmdpnp\.cat/wide.cat/' "$SRC/tests/inf/good/kmdpnp.inf" | iconv -f UTF-8 -t UTF-16LE; } >"$d/kmdpnp.inf"
    sums "$d"
    deploy "${nh[@]}" --dist "$d" --driver kmdpnp
    expect_rc 2; expect "error: $d/kmdpnp.inf names wide.cat, which is not in $d"
    ;;
pnp)
    # A PnP package end to end: examples/kmdpnp's kmdpnp.inf (+ kmdpnp.cat, kmdpnp.sys) with its client
    # kmdpnp.exe, and the rollback when its smoke test fails. Afterwards the VM has no device with
    # its hardware ID and no copy of the INF in its INF folder (the driver store's index). The
    # published name is oemN.inf on Windows; Wine 8 keeps the INF's own name.
    if [ ! -f "$DIST/kmdpnp.inf" ]; then
        echo "check: pnp: skipped: $DIST has no kmdpnp.inf (examples/kmdpnp is not built in this tree)"
        exit 0
    fi
    # shellcheck source=/dev/null
    vm_prefix=$(. "$VM/fakevm.env" && echo "$WINEPREFIX")
    hwid='Root\KmdPnpSample'
    package_gone() {
        local o r=0 f
        o=$(vm_kmdctl "$VM" pnp-devices "$hwid" 2>&1) || r=$?
        if [ "$r" = 3 ]; then
            ok "no device $hwid on $hv (kmdctl pnp-devices $hwid: exit 3)"
        else
            fail "kmdctl pnp-devices $hwid on $hv: exit $r, expected 3 (no such device): $o"
        fi
        f=$(grep -lis "KmdPnpSample" "$vm_prefix/drive_c/windows/inf"/*.inf | head -n 1)
        if [ -z "$f" ]; then ok "no INF of kmdpnp in the INF folder of $hv"; else fail "$f is left on $hv"; fi
    }
    p="^\[$hv\] step"
    # Wine 8 publishes an INF under its own name when %windir%\inf has none of that name; Windows
    # always as oem<N>.inf, the only name kmdctl pnp-delete takes. A placeholder kmdpnp.inf makes
    # the fake VM publish oem<N>.inf too (as examples/kmdpnp/pnp_test.sh does).
    placeholder=$vm_prefix/drive_c/windows/inf/kmdpnp.inf
    # shellcheck disable=SC2016 # $Windows NT$ is the INF's signature, not a variable
    printf '; kmdkit deploy test placeholder: Wine then publishes kmdpnp.inf as oem<N>.inf\r\n[Version]\r\nSignature = "$Windows NT$"\r\n' >"$placeholder"
    pub='oem[0-9]+\.inf'
    echo "check: not checked under Wine: the name Windows publishes a package under (the fake VM gets a placeholder kmdpnp.inf)"
    # A device with the package's hardware ID that the run did not make (made here without a
    # driver): the run stops before pnp-add and leaves it alone.
    o=$(vm_kmdctl "$VM" pnp-create "$hwid" 2>&1) || fail "kmdctl pnp-create $hwid on $hv failed: $o"
    deploy "${vmo[@]}" "${common[@]}" --dist "$DIST" --driver kmdpnp
    expect_rc 1
    expect "$p 6/12: add driver package kmdpnp.inf \(kmdctl pnp-add kmdpnp.inf\): FAILED$"
    expect "^\[$hv\] +\| \(deploy-vm: a device with the hardware ID Root\\\\KmdPnpSample of kmdpnp.inf already exists on $hv and this run did not make it"
    expect_no "rollback|pnp-create --inf"
    if vm_kmdctl "$VM" pnp-devices "$hwid" >/dev/null 2>&1; then ok "the device made by hand is still there"; else fail "the device made by hand is gone"; fi
    o=$(vm_kmdctl "$VM" pnp-remove "$hwid" 2>&1) || fail "kmdctl pnp-remove $hwid on $hv failed: $o"
    package_gone
    deploy "${vmo[@]}" "${common[@]}" --dist "$DIST" --driver kmdpnp
    expect_rc 0
    expect "$p 6/12: add driver package kmdpnp.inf \(kmdctl pnp-add kmdpnp.inf\): ok \(published: $pub\)$"
    expect "$p 7/12: create a device for kmdpnp.inf \(kmdctl pnp-create --inf kmdpnp.inf\): ok \(device: ROOT\\\\.+\)$"
    # Wine's CM_Get_DevNode_Status is a stub: there pnp-devices says "unknown", deploy-vm warns.
    expect "$p 8/12: check that device ROOT\\\\.+ started \(kmdctl pnp-devices\): ok \((started|unknown: continuing)\)$"
    if grep -Eq "$p 8/12: .*\(unknown: continuing\)$" "$out"; then
        expect "^\[$hv\] warning: the state of device ROOT\\\\.+ is unknown \(.*\): the smoke test shows whether its driver works$"
        echo "check: not checked under Wine: that the device started (Wine's CM_Get_DevNode_Status is a stub); the smoke test talks to it"
    fi
    expect "$p 9/12: run kmdpnp.exe \(smoke test\): ok \(exit 0\)$"
    expect "$p 10/12: remove device ROOT\\\\.+ \(kmdctl pnp-remove ROOT\\\\.+\): ok$"
    expect "$p 11/12: delete driver package $pub \(kmdctl pnp-delete --force $pub\): ok$"
    expect "$p 12/12: remove staging folder: ok$"
    expect "all 1 host\(s\) passed"
    expect_no "install driver kmdpnp"
    package_gone
    # A failing smoke test: the rollback removes the device and deletes the package.
    copy_dist
    cp "$WORK/dist/kmdctl.exe" "$WORK/dist/kmdpnp.exe"
    resum
    deploy "${vmo[@]}" "${common[@]}" --dist "$WORK/dist" --driver kmdpnp
    expect_rc 1
    expect "$p 8/12: check that device ROOT\\\\.+ started \(kmdctl pnp-devices\): ok \((started|unknown: continuing)\)$"
    expect "$p 9/12: run kmdpnp.exe \(smoke test\): FAILED$"
    expect "^\[$hv\] rollback: remove device ROOT\\\\.+: ok$"
    expect "^\[$hv\] rollback: delete driver package $pub: ok$"
    expect "^$hv +FAILED +[0-9]+ +9/12 run kmdpnp.exe \(smoke test\)$"
    package_gone
    rm -f "$placeholder" "${placeholder%.inf}.pnf"
    ;;
symbols_usage)
    # --symbols without a usable symbol store: exit 2, naming the problem, before any host.
    nosym=$(dist_without_symbols "$WORK/nosym")
    deploy --host nowhere.invalid --dist "$nosym" --symbols
    expect_rc 2
    expect "error: --symbols: .*/$(basename "$nosym") has no symbols/ folder\. GCC builds \(presets x64, x64-debug\) make no PDBs"
    expect "cmake --workflow --preset x64-clang .*ci/deploy-vm --preset x64-clang --symbols"
    expect_no "logs in"
    # A store whose listed PDB is missing, or whose SHA256SUMS names a path outside the layout.
    dist_with_symbols "$WORK/dist"
    first=$(sym_lines "$WORK/dist" | head -n 1 | awk '{print $2}')
    mv "$WORK/dist/$first" "$WORK/first.pdb"
    deploy --host nowhere.invalid --dist "$WORK/dist" --symbols
    expect_rc 2; expect "error: .*/dist/$first is listed in SHA256SUMS but missing"
    mv "$WORK/first.pdb" "$WORK/dist/$first"
    cp "$WORK/dist/SHA256SUMS" "$WORK/sums.orig"
    echo "$(sha256sum <"$WORK/dist/$first" | cut -d' ' -f1)  symbols/../../escape.pdb" >>"$WORK/dist/SHA256SUMS"
    deploy --host nowhere.invalid --dist "$WORK/dist" --symbols
    expect_rc 2; expect "error: .*/dist/SHA256SUMS: 'symbols/\.\./\.\./escape\.pdb' is not a symbol-store path"
    # A symbols/ folder that SHA256SUMS does not list is not shipped blind.
    grep -Ev '^[0-9a-f]{64} [ *]symbols/' "$WORK/sums.orig" >"$WORK/dist/SHA256SUMS"
    deploy --host nowhere.invalid --dist "$WORK/dist" --symbols
    expect_rc 2; expect "error: --symbols: .*/dist/SHA256SUMS lists no PDB of .*/dist/symbols/, so none could be verified"
    expect_no "logs in"
    ;;
symbols)
    # --symbols: the store arrives in kmdkit-symbols with every file's hash intact, is verified on the
    # VM, outlives the staging folder, and a damaged PDB stops the run before any driver is installed.
    store=$(vm_home "$VM")/kmdkit-symbols
    rm -rf "$store"
    dist_with_symbols "$WORK/dist"
    n=$(sym_lines "$WORK/dist" | wc -l)
    deploy "${vmo[@]}" "${common[@]}" --dist "$WORK/dist" --driver skeleton --symbols
    expect_rc 0
    p="^\[$hv\] step"
    expect "$p 3/13: verify checksums \(kmdctl checksums SHA256SUMS\): ok$"
    expect "$p 4/13: copy $n PDBs \+ SHA256SUMS to the symbol store kmdkit-symbols: ok$"
    expect "$p 5/13: verify symbols \(kmdctl checksums kmdkit-symbols\\\\SHA256SUMS\): ok$"
    expect "^\[$hv\] symbol store: C:\\\\users\\\\[^\\]+\\\\kmdkit-symbols; WinDbg on $hv: \.sympath\+ srv\*C:\\\\users\\\\[^\\]+\\\\kmdkit-symbols$"
    expect "$p 10/13: run skeleton.exe \(smoke test\): ok \(exit 0\)$"
    expect "$p 13/13: remove staging folder: ok$"
    expect "all 1 host\(s\) passed"
    first=$(sym_lines "$WORK/dist" | head -n 1 | awk '{print $2}')
    expect_file "$WORK/logs/$hv.log" "^ +\| OK ${first#symbols/}$"  # kmdctl on the VM, file by file
    expect_file "$WORK/logs/$hv.log" "^ +\| checksums: all $n files OK$"
    # The hashes on the VM's disk (its home is a folder here), independently of kmdctl.
    good=0
    while read -r sum name; do
        f=$store/${name#symbols/}
        got=$(sha256sum <"$f" 2>/dev/null | cut -d' ' -f1)
        if [ "$got" = "$sum" ]; then good=$((good + 1)); else fail "$f: sha256 '${got:-missing}', expected $sum"; fi
    done < <(sym_lines "$WORK/dist")
    if [ "$good" = "$n" ]; then ok "all $n PDBs are on the VM with their hashes (kmdkit-symbols kept after the staging folder went)"; fi
    if [ -f "$store/SHA256SUMS" ] && [ "$(wc -l <"$store/SHA256SUMS")" = "$n" ]; then
        ok "kmdkit-symbols/SHA256SUMS lists the $n PDBs"
    else
        fail "kmdkit-symbols/SHA256SUMS is missing or does not list $n lines"
    fi
    # A PDB changed after SHA256SUMS was written: the VM's check catches it, nothing is installed.
    b=$(od -An -tu1 -j 100 -N 1 "$WORK/dist/$first" | tr -d ' ')
    perl -e 'print chr($ARGV[0])' $(((b + 1) % 256)) | dd of="$WORK/dist/$first" bs=1 seek=100 conv=notrunc status=none
    deploy "${vmo[@]}" "${common[@]}" --dist "$WORK/dist" --driver skeleton --symbols
    expect_rc 1
    expect "$p 5/13: verify symbols .*: FAILED$"
    expect "^\[$hv\] +\| MISMATCH ${first#symbols/}$"
    expect "^$hv +FAILED +[0-9]+ +5/13 verify symbols"
    expect_no "install driver|rollback"
    expect_service_gone "$VM" skeleton
    ;;
*)
    echo "check.sh: unknown case $case_name" >&2
    exit 2
    ;;
esac

if [ "$failures" -gt 0 ]; then
    # What deploy-vm logged per host says why (a step's full output), so show its end.
    for log in "$WORK"/logs/*.log; do
        [ -f "$log" ] || continue
        echo "check: the last lines of $log:"
        tail -n 25 "$log" | sed 's/^/  | /'
    done
    echo "check: $case_name: $failures check(s) FAILED"
    exit 1
fi
echo "check: $case_name: all checks passed"
