#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions are called indirectly (traps, "case_$name")
# run.sh — drover's integration suites against a real sshd fleet on loopback.
#
#   tests/integration/run.sh BUILD_DIR [CASE...]       run the cases (all when none are named)
#   tests/integration/run.sh --ansible [CASE...]       run the same cases with ansible/ansible-playbook
#                                                      in drover's place: proves the playbooks and the
#                                                      expected outputs are right (slow: ~3 min)
# Cases: provision unreachable failing local adhoc static differential types keywords execution errors
#        secrets roles scripts http transfer async vars synchronize faults
#
# Brings up a 20-host fleet (fleet.sh), plus one extra inventory host on a closed port for the
# unreachable case, runs the cases, prints PASS/FAIL/SKIP per case (with the diff of expected vs
# actual on failure), tears the fleet down on exit, exits 1 when any case failed.
# Needs: /usr/sbin/sshd; root for the dedicated test user (see fleet.sh); ansible-playbook for the
# differential case. DROVER_IT_KEEP=1 keeps the work folder for inspection; DROVER_IT_VERBOSE=1
# prints every case's details. Exit codes: 0 all passed, 1 a case failed, 5 bad arguments,
# 77 skipped (no sshd).
set -euo pipefail

k_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly k_here
readonly k_playbooks=$k_here/playbooks
readonly k_expected=$k_here/expected
readonly k_hosts=20
readonly k_timeout=300           # seconds for any single drover invocation
readonly k_ansible_timeout=3600  # Ansible on 20 hosts takes minutes on a loaded 2-core machine
readonly k_all_cases="provision unreachable failing local adhoc static differential types keywords execution errors secrets roles scripts http transfer async vars synchronize faults"

g_mode=drover                    # drover | ansible
g_build=""
g_drover=""
g_runner=""
g_work=""
g_roots=()                       # per-run target folders to remove on exit
g_root=""                        # the last one made by new_root
g_failed=0
g_pid=0                          # a drover started in the background (faults)
g_rc=0                           # its exit code

usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0" >&2; exit 5; }

# ---------------------------------------------------------------------------------------------
# Running drover or Ansible with the same arguments

# run_playbook OUT ARGS...: `drover playbook ARGS` (or ansible-playbook ARGS) > OUT 2>&1; returns its rc
run_playbook() {
    local out=$1; shift
    local rc=0
    if [[ $g_mode == ansible ]]; then
        ANSIBLE_CONFIG=$FLEET_DIR/ansible.cfg timeout "$k_ansible_timeout" ansible-playbook "$@" > "$out" 2>&1 || rc=$?
    else
        (cd "$g_work" && env -u ANSIBLE_CONFIG NO_COLOR=1 timeout "$k_timeout" "$g_drover" playbook "$@") > "$out" 2>&1 || rc=$?
    fi
    return "$rc"
}

# run_adhoc OUT ARGS...: `drover ARGS` (or ansible ARGS) > OUT 2>&1; returns its rc
run_adhoc() {
    local out=$1; shift
    local rc=0
    if [[ $g_mode == ansible ]]; then
        ANSIBLE_CONFIG=$FLEET_DIR/ansible.cfg timeout "$k_ansible_timeout" ansible "$@" > "$out" 2>&1 || rc=$?
    else
        (cd "$g_work" && env -u ANSIBLE_CONFIG NO_COLOR=1 timeout "$k_timeout" "$g_drover" "$@") > "$out" 2>&1 || rc=$?
    fi
    return "$rc"
}

# ---------------------------------------------------------------------------------------------
# Checks. Each prints what went wrong and returns 1; the case function collects them.

strip_ansi() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }

# recap OUT: the PLAY RECAP's host lines, colour codes removed
recap() { strip_ansi "$1" | sed -n '/^PLAY RECAP /,/^$/p' | sed '1d;/^$/d'; }

# expect_rc WHAT EXPECTED ACTUAL
expect_rc() {
    [[ $3 -eq $2 ]] && return 0
    echo "    $1: exit code $3, expected $2"
    return 1
}

# expect_recap OUT EXPECTED_FILE: the recap equals the file exactly (Ansible's fixed columns)
expect_recap() {
    local actual; actual=$(recap "$1")
    if [[ $actual == "$(cat "$2")" ]]; then return 0; fi
    if [[ -z $actual ]]; then
        echo "    no PLAY RECAP in the output; expected ${2#"$k_here/"}:"
        sed 's/^/      /' "$2"
        return 1
    fi
    echo "    PLAY RECAP differs from ${2#"$k_here/"} (--- expected, +++ actual):"
    diff -u <(cat "$2") <(printf '%s\n' "$actual") | sed '1,2d;s/^/      /' || true
    return 1
}

# expect_line OUT REGEX COUNT: exactly COUNT lines of OUT match the extended REGEX
expect_line() {
    local n; n=$(strip_ansi "$1" | grep -cE -- "$2" || true)
    [[ $n -eq $3 ]] && return 0
    echo "    expected $3 line(s) matching /$2/, found $n"
    return 1
}

# show_output OUT: the tail of a run's output, for context after a failed check
show_output() {
    echo "    --- output (last 30 lines of ${1#"$g_work/"}):"
    strip_ansi "$1" | tail -n 30 | sed 's/^/      /'
}

# new_root BASE OWNER: a fresh folder under BASE for one run's target files, in g_root (not printed:
# a $(...) subshell would lose its registration for removal at exit)
new_root() {
    local base=$1 owner=$2
    g_root=$(mktemp -d "$base/drover-it.XXXXXX")
    chown "$owner:" "$g_root" 2>/dev/null || true
    g_roots+=("$g_root")
}

# tree_of DIR: "type mode path [-> target]" for everything under DIR, paths relative, sorted
tree_of() {
    (cd "$1" && find . -mindepth 1 -printf '%y %m %P -> %l\n' | sed 's/ -> $//' | LC_ALL=C sort -k3,3)
}

# expect_provisioned ROOT HOST ADDRESS OWNER: the files provision.yml creates, with their modes,
# contents and owner; ADDRESS "*" accepts any address line. Details for the first 2 hosts only.
g_reported=0
expect_provisioned() {
    local details rc=0
    details=$(check_provisioned "$@") || rc=$?
    (( rc == 0 )) && return 0
    g_reported=$(( g_reported + 1 ))
    if (( g_reported <= 2 )); then printf '%s\n' "$details"; else echo "    $2: also wrong"; fi
    return 1
}

check_provisioned() {
    local root=$1 host=$2 address=$3 owner=$4 base=$1/$2 bad=0
    if [[ ! -d $base ]]; then echo "    $host: $base was not created"; return 1; fi
    local want; want=$(sed "s|@BASE@|$base|g" "$k_expected/provision.tree")
    local got; got=$(tree_of "$base")
    if [[ $got != "$want" ]]; then
        echo "    $host: files under ${base#"$root/"} differ (--- expected, +++ actual):"
        diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed '1,2d;s/^/      /' || true
        bad=1
    fi
    local conf; conf=$(cat "$base/etc/app.conf" 2>/dev/null || true)
    if [[ $address == "*" ]]; then
        [[ $conf == "host=$host"$'\n'address=* ]] || { echo "    $host: app.conf is '$conf'"; bad=1; }
    else
        [[ $conf == "host=$host"$'\n'"address=$address" ]] || { echo "    $host: app.conf is '$conf', expected 'host=$host' then 'address=$address'"; bad=1; }
    fi
    [[ $(cat "$base/data/stamp" 2>/dev/null) == provisioned ]] || { echo "    $host: data/stamp missing or wrong"; bad=1; }
    [[ $(cat "$base/logs/beta.log" 2>/dev/null) == beta ]] || { echo "    $host: logs/beta.log missing or wrong"; bad=1; }
    local owners; owners=$(find "$base" -printf '%u\n' | sort -u | tr '\n' ' ')
    [[ $owners == "$owner " ]] || { echo "    $host: files owned by '$owners', expected '$owner'"; bad=1; }
    return "$bad"
}

# ---------------------------------------------------------------------------------------------
# The cases. Each returns 0 (pass), 1 (fail) or 77 (skip), printing its details indented.

fleet_hosts() { sed -n 's/^\(host[0-9]*\) .*/\1/p' "$FLEET_INVENTORY"; }
address_of_host() { sed -n "s/^$1 ansible_host=\([^ ]*\) .*/\1/p" "$FLEET_INVENTORY"; }

case_provision() {
    new_root "$FLEET_HOME" "$FLEET_USER"; local root=$g_root
    local out1=$g_work/provision-1.out out2=$g_work/provision-2.out rc=0 bad=0 h
    g_reported=0
    run_playbook "$out1" -i "$FLEET_INVENTORY" -f 25 "$k_playbooks/provision.yml" -e "fleet_root=$root" || rc=$?
    expect_rc "first run" 0 "$rc" || bad=1
    expect_recap "$out1" "$k_expected/provision-first.recap" || bad=1
    for h in $(fleet_hosts); do
        expect_provisioned "$root" "$h" "$(address_of_host "$h")" "$FLEET_USER" || bad=1
    done
    [[ ! -e $root/host01/data/never ]] || { echo "    the task with a false 'when' ran"; bad=1; }
    (( bad == 0 )) || show_output "$out1"
    rc=0
    run_playbook "$out2" -i "$FLEET_INVENTORY" -f 25 "$k_playbooks/provision.yml" -e "fleet_root=$root" || rc=$?
    local bad2=0
    expect_rc "second run" 0 "$rc" || bad2=1
    expect_recap "$out2" "$k_expected/provision-second.recap" || bad2=1
    (( bad2 == 0 )) || show_output "$out2"
    return $(( bad | bad2 ))
}

# transfer: copy (a directory from the control node), find, fetch, script and tempfile over ssh on
# every fleet host (playbooks/transfer/transfer.yml asserts each step); the fetched files are
# checked here too.
case_transfer() {
    new_root "$FLEET_HOME" "$FLEET_USER"; local root=$g_root
    local out=$g_work/transfer.out fetched=$g_work/fetched rc=0 bad=0 h
    run_playbook "$out" -i "$FLEET_INVENTORY" -f 25 "$k_playbooks/transfer/transfer.yml" \
        -e "fleet_root=$root" -e "fetched=$fetched" || rc=$?
    expect_rc "run" 0 "$rc" || bad=1
    for h in $(fleet_hosts); do
        [[ $(cat "$fetched/$h$root/$h/name.txt" 2>/dev/null) == "$h" ]] || { echo "    $h: the fetched file is missing or wrong"; bad=1; }
        [[ -f $root/$h/tree/sub/two.txt ]] || { echo "    $h: the copied tree is incomplete"; bad=1; }
    done
    (( bad == 0 )) || show_output "$out"
    return "$bad"
}

case_unreachable() {
    local closed; closed=$("$k_here/fleet.sh" closed-port "$(address_of_host host01)")
    local inv=$g_work/with-dead.ini out=$g_work/unreachable.out rc=0 bad=0
    {
        sed -n '/^host[0-9]* /p' "$FLEET_INVENTORY"
        echo "dead ansible_host=${closed%:*} ansible_port=${closed##*:} ansible_user=$FLEET_USER ansible_ssh_private_key_file=$FLEET_KEY"
        sed -n '/^\[all:vars\]/,$p' "$FLEET_INVENTORY"
    } > "$inv"
    run_playbook "$out" -i "$inv" -f 25 "$k_playbooks/unreachable.yml" || rc=$?
    expect_rc "run" 4 "$rc" || bad=1
    expect_line "$out" '^fatal: \[dead\]: UNREACHABLE! => \{.*"unreachable": true' 1 || bad=1
    expect_line "$out" 'UNREACHABLE!' 1 || bad=1
    expect_recap "$out" "$k_expected/unreachable.recap" || bad=1
    (( bad == 0 )) || show_output "$out"
    return "$bad"
}

case_failing() {
    local out=$g_work/failing.out rc=0 bad=0
    run_playbook "$out" -i "$FLEET_INVENTORY" -l host01,host02,host03 "$k_playbooks/failing.yml" || rc=$?
    expect_rc "run" 2 "$rc" || bad=1
    expect_line "$out" '^fatal: \[host0[123]\]: FAILED! => \{"changed": true, "cmd": \["/bin/false"\],.*"msg": "non-zero return code", "rc": 1,' 3 || bad=1
    expect_line "$out" '^\.\.\.ignoring$' 3 || bad=1
    expect_line "$out" '^fatal: \[host02\]: FAILED! => \{"changed": false, "msg": "deliberate failure on host02"\}$' 1 || bad=1
    expect_line "$out" '"msg": "after the failure"' 2 || bad=1
    expect_recap "$out" "$k_expected/failing.recap" || bad=1
    (( bad == 0 )) || show_output "$out"
    return "$bad"
}

case_local() {
    new_root "$g_work" "$(id -un)"; local root=$g_root
    local out1=$g_work/local-1.out out2=$g_work/local-2.out rc=0 bad=0
    run_playbook "$out1" -i localhost, -c local "$k_playbooks/provision.yml" -e "fleet_root=$root" || rc=$?
    expect_rc "first run" 0 "$rc" || bad=1
    expect_recap "$out1" "$k_expected/local-first.recap" || bad=1
    # Ansible templates ansible_host as "localhost" here; only the first line is checked exactly
    expect_provisioned "$root" localhost "*" "$(id -un)" || bad=1
    (( bad == 0 )) || show_output "$out1"
    rc=0
    local bad2=0
    run_playbook "$out2" -i localhost, -c local "$k_playbooks/provision.yml" -e "fleet_root=$root" || rc=$?
    expect_rc "second run" 0 "$rc" || bad2=1
    expect_recap "$out2" "$k_expected/local-second.recap" || bad2=1
    (( bad2 == 0 )) || show_output "$out2"
    return $(( bad | bad2 ))
}

# each_host_followed_by OUT HEADER_SUFFIX NEXT: every fleet host has a line "HOST HEADER_SUFFIX"
# (exactly once), followed by the line NEXT when NEXT is not empty; names the hosts that do not
each_host_followed_by() {
    local out=$1 suffix=$2 next=$3 h missing=() wrong=()
    local text; text=$(strip_ansi "$out")
    for h in $(fleet_hosts); do
        local n; n=$(grep -cxF -- "$h $suffix" <<< "$text" || true)
        if [[ $n -ne 1 ]]; then missing+=("$h"); continue; fi
        if [[ -n $next ]]; then
            local got; got=$(grep -A1 -xF -- "$h $suffix" <<< "$text" | sed -n 2p)
            [[ $got == "$next" ]] || wrong+=("$h:'$got'")
        fi
    done
    (( ${#missing[@]} == 0 && ${#wrong[@]} == 0 )) && return 0
    (( ${#missing[@]} == 0 )) || echo "    no single line '<host> $suffix' for: ${missing[*]}"
    (( ${#wrong[@]} == 0 )) || echo "    after '<host> $suffix' expected '$next', got: ${wrong[*]}"
    return 1
}

case_adhoc() {
    local out1=$g_work/adhoc-ping.out out2=$g_work/adhoc-command.out rc=0 bad=0
    run_adhoc "$out1" all -i "$FLEET_INVENTORY" -m ping -f 25 || rc=$?
    expect_rc "ping" 0 "$rc" || bad=1
    each_host_followed_by "$out1" '| SUCCESS => {' '    "changed": false,' || bad=1
    expect_line "$out1" '^    "ping": "pong"$' "$k_hosts" || bad=1
    (( bad == 0 )) || show_output "$out1"
    rc=0
    local bad2=0
    run_adhoc "$out2" all -i "$FLEET_INVENTORY" -m command -a 'uname -r' -f 25 || rc=$?
    expect_rc "command" 0 "$rc" || bad2=1
    each_host_followed_by "$out2" '| CHANGED | rc=0 >>' "$(uname -r)" || bad2=1
    (( bad2 == 0 )) || show_output "$out2"
    return $(( bad | bad2 ))
}

# shell_block FILE: the lines of the first `shell: |` block of a playbook, de-indented
shell_block() {
    awk '/^ *shell: \|$/ { on = 1; next }
         on && /^        / { sub(/^        /, ""); print; next }
         on { exit }' "$1"
}

# json_string TEXT: TEXT as a JSON string of plain ASCII lines (quotes, backslashes, newlines escaped)
json_string() {
    local s=${1//\\/\\\\}
    s=${s//\"/\\\"}
    printf '"%s"' "${s//$'\n'/\\n}"
}

# scripts: a multi-line `shell: |` script (playbooks/scripts.yml) and the same script given to
# `-m shell -a` run line by line on host01: their stdout is what bash prints for the script.
case_scripts() {
    local script out_p=$g_work/scripts-playbook.out out_a=$g_work/scripts-adhoc.out rc=0 bad=0
    script=$(shell_block "$k_playbooks/scripts.yml")
    [[ $(grep -c . <<< "$script") -eq 3 ]] || { echo "    could not read the 3-line script from scripts.yml: '$script'"; return 1; }
    local want; want=$(bash -c "$script")
    [[ $want == $'start\nhello world' ]] || { echo "    bash printed '$want': the comparison proves nothing"; return 1; }
    run_playbook "$out_p" -i "$FLEET_INVENTORY" "$k_playbooks/scripts.yml" || rc=$?
    expect_rc "playbook" 0 "$rc" || bad=1
    local line; line="    \"script.stdout\": $(json_string "$want")"
    [[ $(strip_ansi "$out_p" | grep -cxF -- "$line" || true) -eq 1 ]] || { echo "    expected the line: $line"; bad=1; }
    (( bad == 0 )) || show_output "$out_p"
    rc=0
    local bad2=0
    run_adhoc "$out_a" host01 -i "$FLEET_INVENTORY" -m shell -a "$script" || rc=$?
    expect_rc "ad-hoc" 0 "$rc" || bad2=1
    local got; got=$(strip_ansi "$out_a")
    if [[ $got != "host01 | CHANGED | rc=0 >>"$'\n'"$want" ]]; then
        echo "    ad-hoc output differs (--- expected, +++ actual):"
        diff -u <(printf 'host01 | CHANGED | rc=0 >>\n%s\n' "$want") <(printf '%s\n' "$got") | sed '1,2d;s/^/      /' || true
        bad2=1
    fi
    return $(( bad | bad2 ))
}

# synchronize: the control node's rsync pushes a tree to host01 over ssh (the fleet's port, user,
# key and known_hosts: verify_host), a second push changes nothing, delete removes what the source
# lost, and a pull brings the tree back; the trees are compared file by file.
case_synchronize() {
    [[ $g_mode == drover ]] || { echo "    (ansible.posix is not installed for Ansible)"; return 77; }
    command -v rsync > /dev/null || { echo "    rsync is not installed"; return 77; }
    new_root "$FLEET_HOME" "$FLEET_USER"; local root=$g_root
    local src=$g_work/sync-src pulled=$g_work/sync-pulled out rc bad=0 step
    mkdir -p "$src/sub" && echo one > "$src/one.txt" && echo two > "$src/sub/two.txt" && ln -sfn one.txt "$src/link"
    sync_run() {  # sync_run STEP ARGS: ad-hoc synchronize on host01, output in $out
        out=$g_work/synchronize-$1.out; rc=0
        run_adhoc "$out" host01 -i "$FLEET_INVENTORY" -m ansible.posix.synchronize -a "$2" || rc=$?
    }
    sync_run push "src=$src/ dest=$root/tree verify_host=true"
    expect_rc "push" 0 "$rc" || bad=1
    expect_line "$out" '^host01 \| CHANGED => ' 1 || bad=1
    expect_line "$out" '"cmd": ".*rsync .*StrictHostKeyChecking=yes -o UserKnownHostsFile=' 1 || bad=1
    diff -r --no-dereference "$src" "$root/tree" > /dev/null || { echo "    the pushed tree differs"; bad=1; }
    sync_run again "src=$src/ dest=$root/tree verify_host=true"
    expect_rc "second push" 0 "$rc" || bad=1
    expect_line "$out" '^host01 \| SUCCESS => ' 1 || bad=1
    rm "$src/sub/two.txt"
    sync_run delete "src=$src/ dest=$root/tree delete=true verify_host=true"
    expect_rc "push with delete" 0 "$rc" || bad=1
    expect_line "$out" '^host01 \| CHANGED => ' 1 || bad=1
    expect_line "$out" '^ +"\*deleting +sub/two.txt",?$' 1 || bad=1
    [[ ! -e $root/tree/sub/two.txt ]] || { echo "    delete=true left sub/two.txt"; bad=1; }
    echo pulled > "$root/tree/new.txt"
    sync_run pull "mode=pull src=$root/tree/ dest=$pulled"
    expect_rc "pull" 0 "$rc" || bad=1
    expect_line "$out" '^host01 \| CHANGED => ' 1 || bad=1
    diff -r --no-dereference "$root/tree" "$pulled" > /dev/null || { echo "    the pulled tree differs"; bad=1; }
    # rsync missing on the host (a path that does not exist there), then on the control node
    sync_run remote-missing "src=$src/ dest=$root/other rsync_path=/nonexistent/rsync"
    expect_rc "no rsync on the host" 2 "$rc" || bad=1
    expect_line "$out" '"msg": "rsync is not installed on host01 \(synchronize needs it on both ends\)' 1 || bad=1
    out=$g_work/synchronize-local-missing.out; rc=0
    (cd "$g_work" && env -u ANSIBLE_CONFIG NO_COLOR=1 PATH=/nonexistent "$(command -v timeout)" "$k_timeout" "$g_drover" host01 \
        -i "$FLEET_INVENTORY" -m synchronize -a "src=$src/ dest=$root/other") > "$out" 2>&1 || rc=$?
    expect_rc "no rsync on the control node" 2 "$rc" || bad=1
    expect_line "$out" '"msg": "rsync is not installed on the control node' 1 || bad=1
    for step in push again delete pull remote-missing local-missing; do
        (( bad == 0 )) || show_output "$g_work/synchronize-$step.out"
    done
    return "$bad"
}

# Runs a program in an empty root folder (chroot as root, else a user namespace), and get_url in it
# from a loopback HTTP server (no NSS, no CA files, no libraries needed). A control run
# with a dynamically linked program must fail there, or the check proves nothing.
case_static() {
    [[ $g_mode == drover ]] || { echo "    (drover-modules only)"; return 77; }
    [[ -x $g_runner ]] || { echo "    runner not found: $g_runner (build the drover-modules target)"; return 1; }
    local jail=$g_work/empty-root how out rc=0
    mkdir -p "$jail"
    cp "$g_runner" "$jail/drover-modules"
    cp /bin/true "$jail/dynamic-true"
    if [[ $(id -u) -eq 0 ]] && command -v chroot >/dev/null; then
        how="chroot"
        run_in_jail() { chroot "$jail" "$@"; }
    elif unshare -r true 2>/dev/null; then
        how="unshare -r -R"
        run_in_jail() { unshare -r -R "$jail" "$@"; }
    else
        echo "    SKIPPED LOUDLY: neither chroot (needs root) nor unshare -r (needs user namespaces) works here"
        return 77
    fi
    if run_in_jail /dynamic-true >/dev/null 2>&1 </dev/null; then
        echo "    control failed: a dynamic /bin/true runs in the empty root ($how), the check proves nothing"
        return 1
    fi
    out=$(run_in_jail /drover-modules --version 2>&1 </dev/null) || rc=$?
    if [[ $rc -ne 0 || -z $out ]]; then
        echo "    drover-modules --version in an empty root ($how): exit $rc, output '$out'"
        echo "    file: $(file -b "$g_runner" 2>/dev/null || echo '?')"
        return 1
    fi
    echo "    empty root via $how: $out"
    # the HTTP client needs nothing from the root either: get_url from a loopback server
    local web=$g_work/static-web pid
    mkdir -p "$web" && printf 'static payload\n' > "$web/file.txt"
    python3 "$k_here/../modules/data/http_server.py" "$web" > "$web/port" 2>/dev/null & pid=$!
    local i; for i in $(seq 50); do [[ -s $web/port ]] && break; sleep 0.1; done
    printf '{"url": "http://127.0.0.1:%s/file.txt", "dest": "/got.txt"}' "$(head -1 "$web/port")" > "$jail/args.json"
    rc=0; out=$(run_in_jail /drover-modules get_url /args.json 2>&1 </dev/null) || rc=$?
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    if [[ $rc -ne 0 || $(cat "$jail/got.txt" 2>/dev/null) != "static payload" ]]; then
        echo "    get_url in an empty root ($how): exit $rc, output '$out'"
        return 1
    fi
    echo "    get_url in the empty root: $(grep -o '"msg":"[^"]*"' <<< "$out")"
    return 0
}

# drover and ansible-playbook run provision.yml against the same 3 hosts (fresh folders): the
# recap lines and the files created (types, modes, link targets, contents) must be the same.
case_differential() {
    [[ $g_mode == drover ]] || { echo "    (compares drover with Ansible)"; return 77; }
    command -v ansible-playbook >/dev/null || { echo "    SKIPPED LOUDLY: ansible-playbook not installed"; return 77; }
    local limit=host01,host02,host03 bad=0 rc=0
    new_root "$FLEET_HOME" "$FLEET_USER"; local root_d=$g_root
    new_root "$FLEET_HOME" "$FLEET_USER"; local root_a=$g_root
    local out_d=$g_work/differential-drover.out out_a=$g_work/differential-ansible.out
    run_playbook "$out_d" -i "$FLEET_INVENTORY" -l "$limit" "$k_playbooks/provision.yml" -e "fleet_root=$root_d" || rc=$?
    expect_rc "drover" 0 "$rc" || bad=1
    rc=0
    g_mode=ansible run_playbook "$out_a" -i "$FLEET_INVENTORY" -l "$limit" "$k_playbooks/provision.yml" -e "fleet_root=$root_a" || rc=$?
    expect_rc "ansible-playbook" 0 "$rc" || bad=1
    if [[ $(recap "$out_d") != "$(recap "$out_a")" ]]; then
        echo "    PLAY RECAP differs (--- ansible-playbook, +++ drover):"
        diff -u <(recap "$out_a") <(recap "$out_d") | sed '1,2d;s/^/      /' || true
        bad=1
    fi
    local snap_d snap_a
    snap_d=$(snapshot "$root_d"); snap_a=$(snapshot "$root_a")
    # 3 hosts x 9 entries (host folder, 3 subfolders, 4 files, 1 link): two empty trees are not "equal"
    local entries; entries=$(grep -c . <<< "$snap_a" || true)
    [[ $entries -eq 27 ]] || { echo "    ansible-playbook created $entries entries, expected 27: the comparison proves nothing"; bad=1; }
    if [[ $snap_d != "$snap_a" ]]; then
        echo "    files differ (--- ansible-playbook, +++ drover):"
        diff -u <(printf '%s\n' "$snap_a") <(printf '%s\n' "$snap_d") | sed '1,2d;s/^/      /' || true
        bad=1
    fi
    (( bad == 0 )) || { show_output "$out_d"; }
    return "$bad"
}

# types: the result types of templated vars, set_fact, registered values and k=v arguments
# (playbooks/types.yml prints type_debug and to_json of each) are Ansible's: drover's "msg" lines
# must equal ansible-playbook's, on localhost with the local connection, with jinja2_native off
# (Ansible's default) and on.
case_types() {
    [[ $g_mode == drover ]] || { echo "    (compares drover with Ansible)"; return 77; }
    command -v ansible-playbook >/dev/null || { echo "    SKIPPED LOUDLY: ansible-playbook not installed"; return 77; }
    local bad=0 native
    for native in 0 1; do   # Ansible's default, then jinja2_native = True
        local out_d=$g_work/types-drover-$native.out out_a=$g_work/types-ansible-$native.out rc=0
        ANSIBLE_JINJA2_NATIVE=$native run_playbook "$out_d" -i localhost, -c local "$k_playbooks/types.yml" || rc=$?
        expect_rc "drover (jinja2_native=$native)" 0 "$rc" || bad=1
        rc=0
        ANSIBLE_JINJA2_NATIVE=$native g_mode=ansible run_playbook "$out_a" -i localhost, -c local "$k_playbooks/types.yml" || rc=$?
        expect_rc "ansible-playbook (jinja2_native=$native)" 0 "$rc" || bad=1
        local msgs_d msgs_a
        msgs_d=$(strip_ansi "$out_d" | grep -F '"msg": ' | tr ';' '\n' || true)
        msgs_a=$(strip_ansi "$out_a" | grep -F '"msg": ' | tr ';' '\n' || true)
        local entries; entries=$(grep -c '=' <<< "$msgs_a" || true)
        (( entries >= 40 )) || { echo "    ansible-playbook printed $entries values, expected at least 40: the comparison proves nothing"; bad=1; }
        local banners_d banners_a   # e.g. no "NO MORE HOSTS LEFT" after a failure that is rescued
        banners_d=$(strip_ansi "$out_d" | grep -E '^(TASK|PLAY|NO MORE|RUNNING)' | sed 's/ \*\**$//' || true)
        banners_a=$(strip_ansi "$out_a" | grep -E '^(TASK|PLAY|NO MORE|RUNNING)' | sed 's/ \*\**$//' || true)
        if [[ $banners_d != "$banners_a" ]]; then
            echo "    jinja2_native=$native: banners differ (--- ansible-playbook, +++ drover):"
            diff -u <(printf '%s\n' "$banners_a") <(printf '%s\n' "$banners_d") | sed '1,2d;s/^/      /' || true
            bad=1
        fi
        if [[ $msgs_d != "$msgs_a" ]]; then
            echo "    jinja2_native=$native: printed values differ (--- ansible-playbook, +++ drover):"
            diff -u <(printf '%s\n' "$msgs_a") <(printf '%s\n' "$msgs_d") | sed '1,2d;s/^/      /' || true
            bad=1
            show_output "$out_d"
        fi
    done
    return "$bad"
}

# http: get_url, uri, wait_for, wait_for_connection and pause (playbooks/http.yml) against an HTTP
# and an HTTPS server on loopback (tests/modules/data/http_server.py; the certificate is for
# "localhost", from a throwaway CA made here with openssl): each task's result fields printed as
# one line, drover's lines equal to ansible-playbook's. Nothing leaves 127.0.0.1.
case_http() {
    [[ $g_mode == drover ]] || { echo "    (compares drover with Ansible)"; return 77; }
    command -v ansible-playbook >/dev/null || { echo "    SKIPPED LOUDLY: ansible-playbook not installed"; return 77; }
    command -v openssl >/dev/null || { echo "    SKIPPED LOUDLY: openssl not installed"; return 77; }
    local dir=$g_work/http bad=0 rc=0 pids=()
    mkdir -p "$dir/root" "$dir/certs" "$dir/out-d" "$dir/out-a"
    (cd "$dir/certs" &&
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
            -subj /CN=drover-test-ca -days 2 &&
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr \
            -subj /CN=localhost &&
        printf 'subjectAltName=DNS:localhost\n' > san.ext &&
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 \
            -extfile san.ext) > "$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log"; return 1; }
    printf 'payload\n' > "$dir/root/data.bin"
    local sums; sums=$(sha256sum "$dir/root/data.bin" | cut -d' ' -f1)
    printf '%s  data.bin\n' "$sums" > "$dir/root/SHA256SUMS"
    local server=$k_here/../modules/data/http_server.py
    python3 "$server" "$dir/root" > "$dir/http.port" 2>"$dir/http.log" & pids+=($!)
    python3 "$server" "$dir/root" --cert "$dir/certs/server.crt" --key "$dir/certs/server.key" \
        > "$dir/https.port" 2>"$dir/https.log" & pids+=($!)
    local i; for i in $(seq 50); do [[ -s $dir/http.port && -s $dir/https.port ]] && break; sleep 0.1; done
    local vars=(-e "http=http://127.0.0.1:$(head -1 "$dir/http.port")" -e "https=https://localhost:$(head -1 "$dir/https.port")"
                -e "ca=$dir/certs/ca.crt" -e "sums=$sums")
    local out_d=$g_work/http-drover.out out_a=$g_work/http-ansible.out
    run_playbook "$out_d" -i localhost, -c local "$k_playbooks/http.yml" "${vars[@]}" -e "out=$dir/out-d" || rc=$?
    expect_rc "drover" 0 "$rc" || bad=1
    rc=0
    g_mode=ansible run_playbook "$out_a" -i localhost, -c local "$k_playbooks/http.yml" "${vars[@]}" -e "out=$dir/out-a" || rc=$?
    expect_rc "ansible-playbook" 0 "$rc" || bad=1
    kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null
    local msgs_d msgs_a
    msgs_d=$(strip_ansi "$out_d" | grep -E '^ +"msg": ' || true)
    msgs_a=$(strip_ansi "$out_a" | grep -E '^ +"msg": ' || true)
    local entries; entries=$(grep -c . <<< "$msgs_a" || true)
    (( entries >= 30 )) || { echo "    ansible-playbook printed $entries results, expected at least 30: the comparison proves nothing"; bad=1; }
    if [[ $msgs_d != "$msgs_a" ]]; then
        echo "    results differ (--- ansible-playbook, +++ drover):"
        diff -u <(printf '%s\n' "$msgs_a") <(printf '%s\n' "$msgs_d") | sed '1,2d;s/^/      /' || true
        bad=1
        show_output "$out_d"
    fi
    return "$bad"
}

# keywords: delegation (labels "web1 -> db1(127.0.0.2)"), ignore_unreachable, meta, run_once,
# handlers and templated keywords on two local hosts: drover's whole output (and exit code) must be
# ansible-playbook's, line for line.
case_keywords() {
    [[ $g_mode == drover ]] || { echo "    (compares drover with Ansible)"; return 77; }
    command -v ansible-playbook >/dev/null || { echo "    SKIPPED LOUDLY: ansible-playbook not installed"; return 77; }
    local dir=$k_playbooks/keywords out_d=$g_work/keywords-drover.out out_a=$g_work/keywords-ansible.out
    local rc_d=0 rc_a=0
    # one fork: results in host order on both sides (with more, both print in completion order)
    run_playbook "$out_d" -f 1 -i "$dir/hosts.ini" "$dir/keywords.yml" || rc_d=$?
    ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 g_mode=ansible run_playbook "$out_a" -f 1 -i "$dir/hosts.ini" "$dir/keywords.yml" || rc_a=$?
    expect_rc "drover (ansible-playbook exited $rc_a)" "$rc_a" "$rc_d" || return 1
    local lines; lines=$(strip_ansi "$out_a" | grep -c . || true)
    (( lines >= 40 )) || { echo "    ansible-playbook printed $lines lines, expected at least 40: the comparison proves nothing"; return 1; }
    # the unreachable message is the ssh client's, whose text differs between libssh and OpenSSH
    # (and Ansible words it by whether it pipelines); command results carry times
    local norm='s/"msg": ".*", "unreachable": true/"msg": "(ssh error)", "unreachable": true/;s/"delta": "[^"]*", "end": "[^"]*"/"delta": "T", "end": "T"/;s/"start": "[^"]*"/"start": "T"/'
    if ! diff -u <(strip_ansi "$out_a" | sed "$norm") <(strip_ansi "$out_d" | sed "$norm") > "$g_work/keywords.diff"; then
        echo "    output differs (--- ansible-playbook, +++ drover):"
        sed '1,2d;s/^/      /' "$g_work/keywords.diff"
        return 1
    fi
}

# execution: serial (list, %), order, max_fail_percentage (at its limit and over it),
# any_errors_fatal (block; unreachable host: exit 2), throttle, force_handlers (keyword and
# flag), meta end_batch/end_play, --list-tags, --start-at-task, --step and the free/host_pinned
# strategies on five local hosts and
# one unreachable: each run's whole output and exit code must be ansible-playbook's. free's lines
# interleave by timing on both sides, so for it the recap, the set of result lines and the set of
# banners are compared.
case_execution() {
    [[ $g_mode == drover ]] || { echo "    (compares drover with Ansible)"; return 77; }
    command -v ansible-playbook >/dev/null || { echo "    SKIPPED LOUDLY: ansible-playbook not installed"; return 77; }
    local dir=$k_playbooks/execution bad=0 n=0 args
    local norm='s/"msg": ".*", "unreachable": true/"msg": "(ssh error)", "unreachable": true/'
    local -a runs=(
        "serial.yml"
        "force_handlers.yml"
        "any_errors_fatal.yml"
        "--force-handlers any_errors_fatal.yml"
        "unreachable_fatal.yml"
        "limits_always.yml"
        "end_batch.yml"
        "max_fail.yml"
        "--list-tags serial.yml"
        "--list-tags -t lists,breaks serial.yml"
        "--start-at-task break* serial.yml"
        "--start-at-task nothing force_handlers.yml"
        "--step any_errors_fatal.yml"
        "free.yml"
        "free_include.yml"
    )
    for args in "${runs[@]}"; do
        n=$((n + 1))
        local out_d=$g_work/execution-$n-drover.out out_a=$g_work/execution-$n-ansible.out rc_d=0 rc_a=0
        local -a argv
        read -r -a argv <<< "$args"
        argv[-1]=$dir/${argv[-1]}
        # one fork: results in host order on both sides (free: as near as timing allows); --step
        # gets the answers yes, no, continue (then "no" for the next play's question)
        local answers=$'y\nn\nc\nn\nn\n'
        run_playbook "$out_d" -f 1 -i "$dir/hosts.ini" "${argv[@]}" <<< "$answers" || rc_d=$?
        ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 g_mode=ansible run_playbook "$out_a" -f 1 -i "$dir/hosts.ini" "${argv[@]}" <<< "$answers" || rc_a=$?
        expect_rc "drover $args (ansible-playbook exited $rc_a)" "$rc_a" "$rc_d" || bad=1
        local want got
        if [[ $args == free*.yml ]]; then
            # which hosts one "included:" line names depends on which results arrive together
            want=$(strip_ansi "$out_a" | sed "$norm" | grep -v '^$' | grep -v '^included: ' | sort -u)
            got=$(strip_ansi "$out_d" | sed "$norm" | grep -v '^$' | grep -v '^included: ' | sort -u)
            [[ $(recap "$out_a") == "$(recap "$out_d")" ]] || { echo "    $args: the recaps differ"; want+=$'\n'RECAP; }
        else
            want=$(strip_ansi "$out_a" | sed "$norm")
            got=$(strip_ansi "$out_d" | sed "$norm")
        fi
        local lines; lines=$(grep -c . <<< "$want" || true)
        (( lines >= 4 )) || { echo "    $args: ansible-playbook printed $lines lines: the comparison proves nothing"; bad=1; }
        if [[ $want != "$got" ]]; then
            echo "    $args: output differs (--- ansible-playbook, +++ drover):"
            diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed '1,2d;s/^/      /' || true
            bad=1
        fi
    done
    return "$bad"
}

# async: async/poll (a polled job, one past its time), fire-and-forget with async_status (status,
# cleanup, a missing job), timeout, async in check mode, delegate_facts, meta clear_host_errors
# and reset_connection on two local hosts: drover's whole output and exit code must be
# ansible-playbook's (job ids and times normalized). Then, drover only, over ssh: a job outlives
# the run that started it (a second run finds it finished), a module past its timeout is killed
# with its command, and the `port` and `remote_user` keywords reach a host whose inventory line
# names neither.
case_async() {
    [[ $g_mode == drover ]] || { echo "    (compares drover with Ansible)"; return 77; }
    command -v ansible-playbook >/dev/null || { echo "    SKIPPED LOUDLY: ansible-playbook not installed"; return 77; }
    local dir=$k_playbooks/async out_d=$g_work/async-drover.out out_a=$g_work/async-ansible.out rc_d=0 rc_a=0 bad=0
    # one fork: results in host order on both sides
    run_playbook "$out_d" -f 1 -i "$dir/hosts.ini" "$dir/async.yml" || rc_d=$?
    ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 g_mode=ansible run_playbook "$out_a" -f 1 -i "$dir/hosts.ini" "$dir/async.yml" || rc_a=$?
    expect_rc "drover (ansible-playbook exited $rc_a)" "$rc_a" "$rc_d" || return 1
    local lines; lines=$(strip_ansi "$out_a" | grep -c . || true)
    (( lines >= 100 )) || { echo "    ansible-playbook printed $lines lines, expected at least 100: the comparison proves nothing"; return 1; }
    local norm='s/j[0-9]\+\.[0-9]\+/JID/g;s/"delta": "[^"]*", "end": "[^"]*"/"delta": "T", "end": "T"/;s/"start": "[^"]*"/"start": "T"/'
    if ! diff -u <(strip_ansi "$out_a" | sed "$norm") <(strip_ansi "$out_d" | sed "$norm") > "$g_work/async.diff"; then
        echo "    output differs (--- ansible-playbook, +++ drover):"
        sed '1,2d;s/^/      /' "$g_work/async.diff"
        return 1
    fi
    # over ssh: an inventory line without port and user
    local inv=$g_work/async-fleet.ini out1=$g_work/async-fleet-1.out out2=$g_work/async-fleet-2.out rc=0 jid port i
    port=$(sed -n 's/^host01 .*ansible_port=\([0-9]*\).*/\1/p' "$FLEET_INVENTORY")
    {
        echo "target ansible_host=$(address_of_host host01) ansible_ssh_private_key_file=$FLEET_KEY"
        sed -n '/^\[all:vars\]/,$p' "$FLEET_INVENTORY"
    } > "$inv"
    run_playbook "$out1" -i "$inv" "$dir/fleet.yml" -e "fleet_port=$port fleet_user=$FLEET_USER" || rc=$?
    expect_rc "the first run over ssh" 0 "$rc" || { show_output "$out1"; return 1; }
    jid=$(sed -n 's/.*"msg": "JID=\(j[0-9]*\.[0-9]*\)".*/\1/p' "$out1")
    [[ -n $jid ]] || { echo "    the first run printed no job id"; show_output "$out1"; return 1; }
    for (( i = 0; i < 50; i++ )); do pgrep -f 'sleep 31[.]4159' > /dev/null || break; sleep 0.1; done
    if pgrep -f 'sleep 31[.]4159' > /dev/null; then echo "    the command of the timed-out module still runs"; bad=1; fi
    sleep 3  # the job sleeps 2 seconds
    rc=0
    run_playbook "$out2" -i "$inv" "$dir/fleet.yml" -e "fleet_port=$port fleet_user=$FLEET_USER jid=$jid" || rc=$?
    expect_rc "the second run over ssh (async_status of $jid)" 0 "$rc" || { show_output "$out2"; bad=1; }
    return "$bad"
}

# roles: site.yml has roles (defaults, vars, params, meta dependencies, handlers, files, templates,
# a namespace.name role), import_tasks with when/tags/vars, include_tasks in a loop and per host,
# include_role with tasks_from, import_role in post_tasks; more.yml has parent role names, a public
# include_role, includes under rescue, in handlers, in loops with labels, with `apply`, and a
# failure inside an included file; precedence.yml the variable precedence around roles; language.yml
# until's retry lines, include_vars' precedence, templated role names and argument specs. On two
# local hosts, drover's whole output (and exit code) must
# be ansible-playbook's, line for line, and the files site.yml writes the same (names, modes,
# contents).
case_roles() {
    [[ $g_mode == drover ]] || { echo "    (compares drover with Ansible)"; return 77; }
    command -v ansible-playbook >/dev/null || { echo "    SKIPPED LOUDLY: ansible-playbook not installed"; return 77; }
    local dir=$k_playbooks/roles root_d=$g_work/roles-drover root_a=$g_work/roles-ansible book
    # command results carry times
    local norm='s/"delta": "[^"]*", "end": "[^"]*"/"delta": "T", "end": "T"/;s/"start": "[^"]*"/"start": "T"/'
    for book in site more precedence language; do
        local out_d=$g_work/roles-$book-drover.out out_a=$g_work/roles-$book-ansible.out rc_d=0 rc_a=0
        # one fork: results in host order on both sides
        run_playbook "$out_d" -f 1 -i "$dir/hosts.ini" "$dir/$book.yml" -e "out_root=$root_d" || rc_d=$?
        ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 g_mode=ansible run_playbook "$out_a" -f 1 -i "$dir/hosts.ini" "$dir/$book.yml" -e "out_root=$root_a" || rc_a=$?
        expect_rc "drover on $book.yml (ansible-playbook exited $rc_a)" "$rc_a" "$rc_d" || return 1
        local lines; lines=$(strip_ansi "$out_a" | grep -c . || true)
        (( lines >= 15 )) || { echo "    ansible-playbook printed $lines lines for $book.yml, expected at least 15: the comparison proves nothing"; return 1; }
        if ! diff -u <(strip_ansi "$out_a" | sed "$norm") <(strip_ansi "$out_d" | sed "$norm") > "$g_work/roles-$book.diff"; then
            echo "    $book.yml: output differs (--- ansible-playbook, +++ drover):"
            sed '1,2d;s/^/      /' "$g_work/roles-$book.diff"
            return 1
        fi
    done
    local files_a files_d
    files_a=$(cd "$root_a" && find . -type f -printf '%p %m\n' -exec sha256sum {} + | sort)
    files_d=$(cd "$root_d" && find . -type f -printf '%p %m\n' -exec sha256sum {} + | sort)
    local count; count=$(grep -c ' 644$' <<< "$files_a" || true)
    (( count == 11 )) || { echo "    ansible-playbook wrote $count files, expected 11: the comparison proves nothing"; return 1; }
    if [[ $files_a != "$files_d" ]]; then
        echo "    the files written differ (--- ansible-playbook, +++ drover):"
        diff -u <(printf '%s\n' "$files_a") <(printf '%s\n' "$files_d") | sed '1,2d;s/^/      /' || true
        return 1
    fi
}

# vars: include_vars, magic variables, add_host, cacheable set_fact into a jsonfile fact cache,
# compared with ansible-playbook on the local connection; then each tool reads the other's cache
# files with gathering = smart (no fact gathering, the cached facts as variables).
case_vars() {
    [[ $g_mode == drover ]] || { echo "    (compares drover with Ansible)"; return 77; }
    command -v ansible-playbook >/dev/null || { echo "    SKIPPED LOUDLY: ansible-playbook not installed"; return 77; }
    local dir=$k_playbooks/vars cache_d=$g_work/vars-cache-drover cache_a=$g_work/vars-cache-ansible
    local out_d=$g_work/vars-drover.out out_a=$g_work/vars-ansible.out rc_d=0 rc_a=0
    ANSIBLE_CACHE_PLUGIN=jsonfile ANSIBLE_CACHE_PLUGIN_CONNECTION=$cache_d \
        run_playbook "$out_d" -f 1 -i localhost, -c local -l localhost "$dir/site.yml" || rc_d=$?
    ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_CACHE_PLUGIN=jsonfile ANSIBLE_CACHE_PLUGIN_CONNECTION=$cache_a \
        g_mode=ansible run_playbook "$out_a" -f 1 -i localhost, -c local -l localhost "$dir/site.yml" || rc_a=$?
    expect_rc "drover on site.yml (ansible-playbook exited $rc_a)" "$rc_a" "$rc_d" || return 1
    local n; n=$(grep -c '"msg": ' "$out_a" || true)
    (( n >= 6 )) || { echo "    ansible-playbook printed $n messages, expected at least 6: the comparison proves nothing"; return 1; }
    if ! diff -u <(strip_ansi "$out_a") <(strip_ansi "$out_d") > "$g_work/vars-site.diff"; then
        echo "    site.yml: output differs (--- ansible-playbook, +++ drover):"
        sed '1,2d;s/^/      /' "$g_work/vars-site.diff"
        return 1
    fi
    [[ -f $cache_d/localhost && $(stat -c %a "$cache_d/localhost") == 600 ]] ||
        { echo "    drover wrote no cache file $cache_d/localhost with mode 600"; return 1; }
    local reader_d=$g_work/vars-reader-drover.out reader_a=$g_work/vars-reader-ansible.out
    rc_d=0 rc_a=0
    ANSIBLE_GATHERING=smart ANSIBLE_CACHE_PLUGIN=jsonfile ANSIBLE_CACHE_PLUGIN_CONNECTION=$cache_a \
        run_playbook "$reader_d" -i localhost, -c local "$dir/reader.yml" || rc_d=$?
    ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_GATHERING=smart ANSIBLE_CACHE_PLUGIN=jsonfile \
        ANSIBLE_CACHE_PLUGIN_CONNECTION=$cache_d g_mode=ansible run_playbook "$reader_a" -i localhost, -c local "$dir/reader.yml" || rc_a=$?
    expect_rc "drover reading Ansible's cache (ansible-playbook reading drover's exited $rc_a)" "$rc_a" "$rc_d" || return 1
    expect_line "$reader_d" '"msg": "one - one True True"' 1 || { show_output "$reader_d"; return 1; }
    expect_line "$reader_d" 'Gathering Facts' 0 || return 1
    if ! diff -u <(strip_ansi "$reader_a") <(strip_ansi "$reader_d") > "$g_work/vars-reader.diff"; then
        echo "    reader.yml: output differs (--- ansible-playbook on drover's cache, +++ drover on Ansible's):"
        sed '1,2d;s/^/      /' "$g_work/vars-reader.diff"
        return 1
    fi
}

# errors: template errors name their place: a syntax error at load time (file:line:col, the line,
# a caret; nothing runs), the template module's file and line, a task's line with a caret.
case_errors() {
    [[ $g_mode == drover ]] || { echo "    drover only (the messages differ from Ansible's on purpose)"; return 77; }
    local dir=$k_playbooks/errors out1=$g_work/errors-syntax.out out2=$g_work/errors-runtime.out bad=0 rc=0
    run_playbook "$out1" -i localhost, -c local "$dir/syntax.yml" -e "marker=$g_work/never-created" || rc=$?
    expect_rc "syntax error" 4 "$rc" || bad=1
    local want
    want=$(printf '%s\n' \
        "ERROR! $dir/syntax.yml:8:14: template error while templating string: unexpected 'end of print statement'. String: value {{ 1 + }}" \
        '          msg: "value {{ 1 + }}"' \
        '               ^')
    if [[ $(strip_ansi "$out1") != "$want" ]]; then
        echo "    the syntax error differs (--- expected, +++ actual):"
        diff -u <(printf '%s\n' "$want") <(strip_ansi "$out1") | sed '1,2d;s/^/      /' || true
        bad=1
    fi
    [[ ! -e $g_work/never-created ]] || { echo "    a task ran before the syntax error was reported"; bad=1; }
    rc=0
    run_playbook "$out2" -i localhost, -c local "$dir/runtime.yml" || rc=$?
    expect_rc "runtime errors (ignored)" 0 "$rc" || bad=1
    expect_line "$out2" "^fatal: \[localhost\]: FAILED! => \{\"changed\": false, \"msg\": \"templates/bad\.j2:3: 'str object' has no attribute 'z'\"\}$" 1 || bad=1
    expect_line "$out2" "The error was: 'str object' has no attribute 'z'.*line 13, column 7.*The offending line appears to be:\\\\n\\\\n    - name: an undefined variable names the task's line\\\\n      \^ here\\\\n" 1 || bad=1
    (( bad == 0 )) || { show_output "$out1"; show_output "$out2"; }
    return "$bad"
}

# secrets: group_vars with a sops (age) file and a vault file made here with fresh keys; the
# secrets reach the targets, every callback masks them (default with -v, json, junit), and no file
# the run wrote on the control node holds them in plaintext.
case_secrets() {
    [[ $g_mode == drover ]] || { echo "    drover only (the sops layer is drover's)"; return 77; }
    local dir=$g_work/secrets bad=0 rc=0
    new_root "$FLEET_HOME" "$FLEET_USER"; local root=$g_root
    mkdir -p "$dir/group_vars/all" "$dir/junit" "$dir/tmp"
    local sops_secret vault_secret
    sops_secret="sops-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    vault_secret="vault-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
    "$g_drover" secrets keygen -o "$dir/age.key" 2>/dev/null
    local recipient; recipient=$(sed -n 's/^# public key: //p' "$dir/age.key")
    printf 'db_password: %s\n' "$sops_secret" | "$g_drover" secrets encrypt --age "$recipient" \
        --output "$dir/group_vars/all/db.sops.yml" /dev/stdin 2>"$dir/encrypt.err" \
        || { printf 'db_password: %s\n' "$sops_secret" > "$dir/db.yml"
             "$g_drover" secrets encrypt --age "$recipient" --output "$dir/group_vars/all/db.sops.yml" "$dir/db.yml"
             rm -f "$dir/db.yml"; }
    printf 'vault-pass-%s\n' "$RANDOM" > "$dir/vault.pass"
    printf 'api_token: %s\n' "$vault_secret" > "$dir/api.yml"
    "$g_drover" secrets encrypt --vault --vault-password-file "$dir/vault.pass" \
        --output "$dir/group_vars/all/api.yml" "$dir/api.yml"
    rm -f "$dir/api.yml"
    if grep -rqF -e "$sops_secret" -e "$vault_secret" "$dir"; then
        echo "    the encrypted group_vars hold a secret in plaintext"; bad=1
    fi
    sed -n '/^host0[12] /p; /^\[all:vars\]/,$p' "$FLEET_INVENTORY" > "$dir/hosts.ini"
    touch "$dir/started"
    sleep 1
    local out
    for cb in default json; do
        out=$g_work/secrets-$cb.out
        rc=0
        (cd "$g_work" && env -u ANSIBLE_CONFIG NO_COLOR=1 TMPDIR="$dir/tmp" SOPS_AGE_KEY_FILE="$dir/age.key" \
            ANSIBLE_STDOUT_CALLBACK=$cb ANSIBLE_CALLBACKS_ENABLED=junit JUNIT_OUTPUT_DIR="$dir/junit" \
            timeout "$k_timeout" "$g_drover" playbook -v -i "$dir/hosts.ini" \
            --vault-password-file "$dir/vault.pass" -e "fleet_root=$root" \
            "$k_playbooks/secrets.yml") > "$out" 2>&1 || rc=$?
        expect_rc "$cb run" 0 "$rc" || bad=1
        if grep -qF -e "$sops_secret" -e "$vault_secret" "$out"; then
            echo "    the $cb callback printed a secret:"; grep -nF -e "$sops_secret" -e "$vault_secret" "$out" | head -5 | sed 's/^/      /'
            bad=1
        fi
        # forms derived from the secrets (playbooks/secrets.yml): upper case, base64, a prefix,
        # reversed, a regex_replace, and a target command's upper-case and base64 output
        local derived form
        derived=("${sops_secret^^}" "${vault_secret^^}" "$(printf %s "$vault_secret" | base64)" "${sops_secret:0:12}"
                 "$(printf %s "$vault_secret" | rev)" "SOPS${sops_secret#sops}")
        for form in "${derived[@]}"; do
            if grep -qF -e "$form" "$out"; then
                echo "    the $cb callback printed a value derived from a secret: $(grep -nF -e "$form" "$out" | head -2)"
                bad=1
            fi
        done
        grep -qF '********' "$out" || { echo "    the $cb output shows no masked value"; bad=1; }
        (( bad == 0 )) || show_output "$out"
    done
    # a string built from a secret is itself secret: the whole message is masked
    expect_line "$g_work/secrets-default.out" '^    "msg": "\*\*\*\*\*\*\*\*"$' 2 || bad=1
    expect_line "$g_work/secrets-default.out" '"stdout": "token=\*\*\*\*\*\*\*\*"' 2 || bad=1
    local h
    for h in host01 host02; do
        local want; want=$(printf 'db_password=%s\napi_token=%s' "$sops_secret" "$vault_secret")
        [[ $(cat "$root/$h.credentials" 2>/dev/null) == "$want" ]] \
            || { echo "    $h: the credentials file did not receive the secrets"; bad=1; }
    done
    ls "$dir/junit"/*.xml > /dev/null 2>&1 || { echo "    junit wrote no report"; bad=1; }
    # everything the runs wrote on the control node: the work folder, temp folders, caches, logs
    local leaked
    leaked=$(find "$g_work" "$dir/tmp" /tmp "$HOME/.cache" "$HOME/.ansible" -xdev -type f -newer "$dir/started" \
                 -not -path "$root/*" -print0 2>/dev/null | xargs -0 -r grep -lF -e "$sops_secret" -e "$vault_secret" 2>/dev/null || true)
    if [[ -n $leaked ]]; then
        echo "    plaintext secrets found in files written on the control node:"; printf '      %s\n' $leaked; bad=1
    fi
    return "$bad"
}

# ---------------------------------------------------------------------------------------------
# faults: what breaks mid-run (playbooks/faults/hold.yml holds every host in a `sleep` while the
# case breaks something). Each scenario checks the exit code, the recap, that the run ended long
# before the hold would have (never hangs), and that no runner, command or temp file is left on the
# targets (pgrep on the target side: the fleet shares this machine).

# wait_files FILE...: up to 60 s until every FILE exists and is not empty
wait_files() {
    local i f missing
    for (( i = 0; i < 600; i++ )); do
        missing=0
        for f in "$@"; do [[ -s $f ]] || missing=1; done
        (( missing == 0 )) && return 0
        sleep 0.1
    done
    echo "    timed out waiting for: $*"
    return 1
}

# wait_output OUT REGEX: up to 60 s until a line of OUT matches REGEX
wait_output() {
    local i
    for (( i = 0; i < 600; i++ )); do
        grep -qE -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "    timed out waiting for /$2/ in ${1#"$g_work/"}"
    return 1
}

# no_process WHAT PATTERN: within 10 s no process of the fleet user matches PATTERN (pgrep -f)
no_process() {
    local i
    for (( i = 0; i < 100; i++ )); do
        pgrep -u "$FLEET_USER" -f -- "$2" > /dev/null || return 0
        sleep 0.1
    done
    echo "    $1 still running on the target: $(pgrep -a -u "$FLEET_USER" -f -- "$2" | head -3 | tr '\n' ';')"
    return 1
}

# start_drover OUT ARGS...: drover ARGS in the background (its pid in g_pid), output in OUT
start_drover() {
    local out=$1; shift
    (cd "$g_work" && exec env -u ANSIBLE_CONFIG NO_COLOR=1 "$g_drover" "$@") > "$out" 2>&1 &
    g_pid=$!
}

# finish_drover SECONDS: waits up to SECONDS for $g_pid; its exit code in g_rc (124: still
# running, then killed)
finish_drover() {
    local i
    for (( i = 0; i < $1 * 10; i++ )); do
        kill -0 "$g_pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$g_pid" 2>/dev/null; then kill -9 "$g_pid"; wait "$g_pid" 2>/dev/null || true; g_rc=124; return; fi
    g_rc=0
    wait "$g_pid" || g_rc=$?
}

# recap_line HOST OK CHANGED UNREACHABLE FAILED: one line of Ansible's PLAY RECAP
recap_line() {
    printf '%-26s : ok=%-4s changed=%-4s unreachable=%-4s failed=%-4s skipped=%-4s rescued=%-4s ignored=%-4s\n' \
        "$1" "$2" "$3" "$4" "$5" 0 0 0
}

# expect_recap_lines OUT LINE...: the recap is exactly these lines
expect_recap_lines() {
    local out=$1; shift
    local want; want=$(printf '%s\n' "$@")
    local got; got=$(recap "$out")
    [[ $got == "$want" ]] && return 0
    echo "    PLAY RECAP differs (--- expected, +++ actual):"
    diff -u <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed '1,2d;s/^/      /' || true
    return 1
}

# no_temp_files ROOT: no drover temp file (.NAME.drover-XXXXXX, runner uploads) under ROOT
no_temp_files() {
    local left; left=$(find "$1" -name '.*.drover-*' -o -name '*.tmp.*' 2>/dev/null)
    [[ -z $left ]] && return 0
    echo "    temp files left: $left"
    return 1
}

g_fault_inventory=""
# fault_run NAME HOLD VICTIM ARGS...: starts hold.yml on host01-03 in the background (output in
# $g_work/faults-NAME.out, target files in a new root $g_root)
fault_run() {
    local name=$1 hold=$2 victim=$3; shift 3
    new_root "$FLEET_HOME" "$FLEET_USER"
    local extra=(-e "fleet_root=$g_root" -e "hold=$hold")
    [[ -n $victim ]] && extra+=(-e "victim=$victim")
    start_drover "$g_work/faults-$name.out" playbook -i "$g_fault_inventory" -l host01,host02,host03 \
        "${extra[@]}" "$@" "$k_playbooks/faults/hold.yml"
}

# Ctrl-C, SIGTERM: no new task, the held command and its runner stopped, the recap of what ran, 99
fault_interrupt() {  # fault_interrupt NAME SIGNAL HOLD
    local name=$1 sig=$2 hold=$3 bad=0 out=$g_work/faults-$1.out
    fault_run "$name" "$hold" host02; local root=$g_root
    wait_files "$root/host02.runner" && wait_output "$out" '^changed: \[host03\]' && wait_output "$out" '^changed: \[host01\]' || bad=1
    local runner; runner=$(cat "$root/host02.runner" 2>/dev/null)
    local start=$SECONDS
    kill "-$sig" "$g_pid"
    finish_drover 20
    expect_rc "$name" 99 "$g_rc" || bad=1
    (( SECONDS - start < 10 )) || { echo "    $name: drover took $(( SECONDS - start )) s to stop"; bad=1; }
    expect_line "$out" 'User interrupted execution' 1 || bad=1
    expect_recap_lines "$out" "$(recap_line host01 1 1 0 0)" "$(recap_line host03 1 1 0 0)" || bad=1
    no_process "$name: the held command" "sleep $hold" || bad=1
    local i; for (( i = 0; i < 50; i++ )); do kill -0 "$runner" 2>/dev/null || break; sleep 0.1; done
    if [[ -z $runner ]] || kill -0 "$runner" 2>/dev/null; then echo "    $name: host02's runner ($runner) still runs"; bad=1; fi
    ls "$root"/*.after > /dev/null 2>&1 && { echo "    $name: a task ran after the interrupt"; bad=1; }
    no_temp_files "$root" || bad=1
    (( bad == 0 )) || show_output "$out"
    return "$bad"
}

# A second Ctrl-C ends drover at once; the targets' runners see their client gone and stop.
fault_double_interrupt() {
    local bad=0 out=$g_work/faults-double.out
    fault_run double 43 ""; local root=$g_root
    wait_files "$root/host01.runner" "$root/host02.runner" "$root/host03.runner" || bad=1
    kill -INT "$g_pid"; sleep 0.05; kill -INT "$g_pid"
    finish_drover 5
    expect_rc "second Ctrl-C" 99 "$g_rc" || bad=1
    no_process "after a second Ctrl-C: the held commands" "sleep 43" || bad=1
    (( bad == 0 )) || show_output "$out"
    return "$bad"
}

# A host whose sshd session stops answering (SIGSTOP) is UNREACHABLE after the keepalives; the
# others finish. Then its sshd goes on, finds the client gone, and its runner stops too.
fault_blackhole() {
    local bad=0 out=$g_work/faults-blackhole.out
    local args; args="-o UserKnownHostsFile=$FLEET_KNOWN_HOSTS -o StrictHostKeyChecking=yes -o ServerAliveInterval=1 -o ServerAliveCountMax=2"
    fault_run blackhole 44 host02 -e "{\"ansible_ssh_common_args\": \"$args\"}"; local root=$g_root
    wait_files "$root/host02.sshd" "$root/host02.runner" || bad=1
    local sshd; sshd=$(cat "$root/host02.sshd" 2>/dev/null)
    kill -STOP "$sshd"
    finish_drover 30
    kill -CONT "$sshd" 2>/dev/null || true
    expect_rc "blackhole" 4 "$g_rc" || bad=1
    expect_line "$out" '^fatal: \[host02\]: UNREACHABLE! => .*Timeout, server 127\.[0-9.]+ not responding' 1 || bad=1
    expect_recap_lines "$out" "$(recap_line host01 2 2 0 0)" "$(recap_line host02 0 0 1 0)" "$(recap_line host03 2 2 0 0)" || bad=1
    no_process "after the blackhole: the held command" "sleep 44" || bad=1
    (( bad == 0 )) || show_output "$out"
    return "$bad"
}

# A host whose sshd session dies mid-task is UNREACHABLE; its runner stops (its client is gone).
fault_sshd_dies() {
    local bad=0 out=$g_work/faults-sshd.out
    fault_run sshd 45 host03; local root=$g_root
    wait_files "$root/host03.sshd" "$root/host03.runner" || bad=1
    kill -KILL "$(cat "$root/host03.sshd")"
    finish_drover 30
    expect_rc "sshd killed" 4 "$g_rc" || bad=1
    expect_line "$out" '^fatal: \[host03\]: UNREACHABLE!' 1 || bad=1
    expect_recap_lines "$out" "$(recap_line host01 2 2 0 0)" "$(recap_line host02 2 2 0 0)" "$(recap_line host03 0 0 1 0)" || bad=1
    no_process "after its sshd died: the held command" "sleep 45" || bad=1
    (( bad == 0 )) || show_output "$out"
    return "$bad"
}

# A runner killed mid-task fails that task (MODULE FAILURE with the exit); the others finish.
fault_runner_killed() {
    local bad=0 out=$g_work/faults-runner.out
    fault_run runner 46 host01; local root=$g_root
    wait_files "$root/host01.runner" || bad=1
    kill -KILL "$(cat "$root/host01.runner")"
    finish_drover 30
    pkill -u "$FLEET_USER" -f 'sleep 46' || true  # SIGKILL leaves the command: nothing can stop that
    expect_rc "runner killed" 2 "$g_rc" || bad=1
    expect_line "$out" '^fatal: \[host01\]: FAILED! => .*MODULE FAILURE: the drover-modules runner exited' 1 || bad=1
    expect_recap_lines "$out" "$(recap_line host01 0 0 0 1)" "$(recap_line host02 2 2 0 0)" "$(recap_line host03 2 2 0 0)" || bad=1
    (( bad == 0 )) || show_output "$out"
    return "$bad"
}

# The runner cache: a truncated cached runner is replaced (never run), an upload cut short by a
# killed drover leaves no runner and no temp file, two runs on a cold cache both succeed. Also:
# the next write to a file removes the temp file a killed writer left, and DROVER_LOG_PATH logs.
fault_runner_cache() {
    local bad=0 out sha cache size
    sha=$(sha256sum < "$g_runner" | cut -c1-64); size=$(stat -c %s "$g_runner")
    cache=$FLEET_HOME/.cache/drover/$sha
    # truncated
    [[ -f $cache/drover-modules ]] || { echo "    no cached runner at $cache"; return 1; }
    truncate -s 4096 "$cache/drover-modules"
    out=$g_work/faults-truncated.out; g_rc=0
    (cd "$g_work" && env -u ANSIBLE_CONFIG NO_COLOR=1 DROVER_LOG_PATH="$g_work/faults.log" "$g_drover" host01 \
        -i "$g_fault_inventory" -m ping) > "$out" 2>&1 || g_rc=$?
    expect_rc "truncated runner" 0 "$g_rc" || { bad=1; show_output "$out"; }
    [[ $(stat -c %s "$cache/drover-modules") == "$size" ]] || { echo "    the truncated runner was not replaced"; bad=1; }
    grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8},[0-9]{3} p=[0-9]+ u=[^ ]+ n=ansible \| host01 \| SUCCESS => \{' "$g_work/faults.log" \
        || { echo "    DROVER_LOG_PATH: no record of the ping in Ansible's format"; bad=1; }
    # an upload cut short
    rm -rf "$cache"
    start_drover "$g_work/faults-killed-upload.out" host01 -i "$g_fault_inventory" -m ping
    local i; for (( i = 0; i < 300; i++ )); do compgen -G "$cache/drover-modules.tmp.*" > /dev/null && break; sleep 0.01; done
    kill -9 "$g_pid"; wait "$g_pid" 2>/dev/null || true
    sleep 1
    if [[ -e $cache/drover-modules && $(stat -c %s "$cache/drover-modules") != "$size" ]]; then
        echo "    a killed upload left a partial runner under the final name"; bad=1
    fi
    no_temp_files "$cache" || bad=1
    # two runs on a cold cache
    rm -rf "$cache"
    local pid1 rc1=0 rc2=0
    start_drover "$g_work/faults-concurrent-1.out" 'host01:host02:host03:host04' -i "$g_fault_inventory" -m ping; pid1=$g_pid
    start_drover "$g_work/faults-concurrent-2.out" 'host01:host02:host03:host04' -i "$g_fault_inventory" -m ping
    wait "$pid1" || rc1=$?
    wait "$g_pid" || rc2=$?
    expect_rc "first concurrent run" 0 "$rc1" || { bad=1; show_output "$g_work/faults-concurrent-1.out"; }
    expect_rc "second concurrent run" 0 "$rc2" || { bad=1; show_output "$g_work/faults-concurrent-2.out"; }
    [[ $(sha256sum < "$cache/drover-modules" | cut -c1-64) == "$sha" ]] || { echo "    the cached runner is not the uploaded one"; bad=1; }
    no_temp_files "$cache" || bad=1
    # a temp file left by a writer killed mid-copy goes with the next write to the file
    new_root "$FLEET_HOME" "$FLEET_USER"; local root=$g_root
    head -c 100000 /dev/zero > "$root/.data.txt.drover-Ab12Cd"; chown "$FLEET_USER" "$root/.data.txt.drover-Ab12Cd"
    out=$g_work/faults-stale.out; g_rc=0
    (cd "$g_work" && env -u ANSIBLE_CONFIG NO_COLOR=1 "$g_drover" host01 -i "$g_fault_inventory" -m copy \
        -a "content=new dest=$root/data.txt") > "$out" 2>&1 || g_rc=$?
    expect_rc "copy beside a stale temp file" 0 "$g_rc" || { bad=1; show_output "$out"; }
    [[ $(cat "$root/data.txt" 2>/dev/null) == new ]] || { echo "    copy did not write data.txt"; bad=1; }
    no_temp_files "$root" || bad=1
    return "$bad"
}

# A full disk (a 64 KiB tmpfs in a private mount namespace, as root): a copy that does not fit
# fails, and leaves the old file and no temp file.
fault_full_disk() {
    if [[ $(id -u) -ne 0 ]] || ! unshare -m true 2>/dev/null; then echo "    (full disk: needs root and mount namespaces; skipped)"; return 0; fi
    local dir=$g_work/full-disk out rc=0
    mkdir -p "$dir/mnt"
    { printf '{"dest": "%s", "content": "' "$dir/mnt/data.txt"; head -c 200000 /dev/zero | tr '\0' x; printf '"}'; } > "$dir/args.json"
    cat > "$dir/run.sh" <<'SCRIPT'
set -e
dir=$1 runner=$2
mount -t tmpfs -o size=64k none "$dir/mnt"
echo old > "$dir/mnt/data.txt"
"$runner" copy "$dir/args.json"
echo "content=$(cat "$dir/mnt/data.txt") files=$(ls -A "$dir/mnt" | tr '\n' ' ')"
SCRIPT
    out=$(unshare -m bash "$dir/run.sh" "$dir" "$g_runner" 2>&1) || rc=$?
    [[ $rc -eq 0 ]] || { echo "    full disk: the test could not run (rc=$rc): $out"; return 1; }
    local bad=0
    [[ $out == *'"failed":true'* && $out == *'No space left on device'* ]] || { echo "    full disk: copy did not fail with ENOSPC: ${out:0:300}"; bad=1; }
    [[ $out == *'content=old files=data.txt ' ]] || { echo "    full disk: the old file or its folder changed: ${out: -200}"; bad=1; }
    return "$bad"
}

case_faults() {
    [[ $g_mode == drover ]] || { echo "    (drover's fault handling; Ansible's differs: docs/differences.md)"; return 77; }
    g_fault_inventory=$g_work/faults.ini
    sed -n '/^host0[1-9] /p;/^\[all:vars\]/,$p' "$FLEET_INVENTORY" > "$g_fault_inventory"
    local bad=0 step
    for step in "fault_interrupt ctrl-c INT 41" "fault_interrupt sigterm TERM 42" fault_double_interrupt \
                fault_blackhole fault_sshd_dies fault_runner_killed fault_runner_cache fault_full_disk; do
        local start=$SECONDS rc=0
        $step || rc=$?
        (( rc == 0 )) || { echo "    ^ $step failed"; bad=1; }
        [[ ${DROVER_IT_VERBOSE:-0} == 1 ]] && echo "    $step: $(( SECONDS - start ))s"
    done
    return "$bad"
}

# snapshot ROOT: every file under ROOT as "type mode owner path [-> target] [sha256]", with ROOT
# replaced by @ROOT@ so two roots compare
snapshot() {
    local root=$1
    (cd "$root" && find . -mindepth 1 -printf '%y %m %u %P -> %l\n' | sed 's/ -> $//' | LC_ALL=C sort \
        | while read -r type mode owner path rest; do
            if [[ $type == f ]]; then
                echo "$type $mode $owner $path $(sha256sum < "$path" | cut -c1-16)"
            else
                echo "$type $mode $owner $path $rest"
            fi
        done) | sed "s|$root|@ROOT@|g"
}

# ---------------------------------------------------------------------------------------------

cleanup() {
    local d
    if [[ -n ${FLEET_DIR:-} ]]; then "$k_here/fleet.sh" down "$FLEET_DIR" || true; fi
    if [[ ${DROVER_IT_KEEP:-0} == 1 || $g_failed -ne 0 ]]; then
        [[ -n $g_work ]] && echo "work folder kept: $g_work"
        (( ${#g_roots[@]} == 0 )) || echo "target folders kept: ${g_roots[*]}"
        return
    fi
    for d in "${g_roots[@]}"; do rm -rf "$d"; done
    [[ -n $g_work ]] && rm -rf "$g_work"
}

run_case() {
    local name=$1 rc=0 start=$SECONDS details
    details=$(mktemp)
    "case_$name" > "$details" 2>&1 || rc=$?
    local took=$(( SECONDS - start ))
    case $rc in
        0) echo "PASS  $name (${took}s)" ;;
        77) echo "SKIP  $name" ;;
        *) echo "FAIL  $name (${took}s)"; g_failed=$(( g_failed + 1 )) ;;
    esac
    if [[ $rc -ne 0 || ${DROVER_IT_VERBOSE:-0} == 1 ]]; then cat "$details"; fi
    rm -f "$details"
}

main() {
    [[ $# -ge 1 ]] || usage
    case $1 in
        -h|--help) usage ;;
        --ansible) g_mode=ansible; shift ;;
        *) g_build=$(cd "$1" 2>/dev/null && pwd) || { echo "run.sh: no build folder '$1'" >&2; exit 5; }; shift ;;
    esac
    local cases=${*:-$k_all_cases} c
    for c in $cases; do
        [[ " $k_all_cases " == *" $c "* ]] || { echo "run.sh: unknown case '$c' (cases: $k_all_cases)" >&2; exit 5; }
    done
    if [[ $g_mode == drover ]]; then
        g_drover=$g_build/drover
        g_runner=$g_build/drover-modules
        if [[ ! -x $g_drover ]]; then
            echo "FAIL  drover binary not found: $g_drover (build the 'drover' target first)"
            exit 1
        fi
    fi

    if [[ ! -x /usr/sbin/sshd ]]; then
        echo "SKIP  all cases: /usr/sbin/sshd not found (install openssh-server)"
        exit 77
    fi
    g_work=$(mktemp -d /tmp/drover-it.XXXXXX)
    chmod 0755 "$g_work"
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    local start=$SECONDS
    "$k_here/fleet.sh" up "$g_work/fleet" "$k_hosts" > "$g_work/fleet.log" 2>&1 \
        || { cat "$g_work/fleet.log"; echo "FAIL  fleet: could not start the sshd fleet"; g_failed=1; exit 1; }
    # shellcheck source=/dev/null
    source "$g_work/fleet/env"
    unset ANSIBLE_CONFIG
    echo "fleet: $k_hosts hosts on port $FLEET_PORT, user $FLEET_USER, up in $(( SECONDS - start ))s ($g_mode mode)"

    for c in $cases; do run_case "$c"; done

    if (( g_failed > 0 )); then
        echo "$g_failed case(s) failed"
        exit 1
    fi
    echo "all cases passed ($(( SECONDS - start ))s)"
}

# on one line: bash reads a script as it runs, so an edit during a run cannot inject commands
main "$@"; exit $?
