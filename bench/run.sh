#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions are called indirectly (traps, "case_$name")
# bench/run.sh — drover against Ansible on the same fleet of real sshd targets on loopback.
#
#   bench/run.sh BUILD_DIR [N] [--no-ansible] [--runs R]
#
# Brings up N hosts (default 100; tests/integration/fleet.sh), then times, wall clock:
#   1. ping on all N hosts, forks 100: `drover all -m ping -f 100` (cold: no runner cached on the
#      targets; warm: cached) and `ansible all -m ping -f 100`
#   2. tests/integration/playbooks/provision.yml on 20 hosts (fresh target folder, first run):
#      `drover playbook` and `ansible-playbook` (pipelining on, forks 100)
# and prints the figures and ratios in a table. drover's warm runs are repeated R times (default 3;
# the best and the median are shown); Ansible runs once (it takes ~65 s for a 100-host ping here).
# --no-ansible skips Ansible. Nothing is asserted about time; a run whose output is wrong (not every
# host SUCCESS, non-zero exit) is flagged in the table, because its time means nothing.
set -euo pipefail

k_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
k_repo=$(cd "$k_here/.." && pwd)
readonly k_here k_repo
readonly k_fleet=$k_repo/tests/integration/fleet.sh
readonly k_provision=$k_repo/tests/integration/playbooks/provision.yml
readonly k_playbook_hosts=20

g_build=""
g_n=100
g_ansible=1
g_runs=3
g_work=""
g_rows=()

usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0" >&2; exit 5; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# timed OUT CMD...: runs CMD > OUT 2>&1, prints "SECONDS RC"
timed() {
    local out=$1; shift
    local t0 t1 rc=0
    t0=$(now)
    "$@" > "$out" 2>&1 || rc=$?
    t1=$(now)
    echo "$(elapsed "$t0" "$t1") $rc"
}

drover_cmd() { (cd "$g_work" && env -u ANSIBLE_CONFIG NO_COLOR=1 "$g_build/drover" "$@"); }
ansible_cmd() { (cd "$g_work" && ANSIBLE_CONFIG=$FLEET_DIR/ansible.cfg "$@"); }

# check_ping OUT RC: "ok" when every host answered SUCCESS and the exit code is 0
check_ping() {
    local n; n=$(grep -cE '^[^ ]+ \| SUCCESS => \{' "$1" || true)
    if [[ $2 -eq 0 && $n -eq $g_n ]]; then echo ok; else echo "WRONG (exit $2, $n/$g_n SUCCESS)"; fi
}

# check_play OUT RC: "ok" when the recap has the expected host count, no failure, exit 0
check_play() {
    local n; n=$(sed -n '/^PLAY RECAP/,$p' "$1" | grep -cE ' : ok=[0-9]+ +changed=[0-9]+ +unreachable=0 +failed=0 ' || true)
    if [[ $2 -eq 0 && $n -eq $k_playbook_hosts ]]; then echo ok; else echo "WRONG (exit $2, $n/$k_playbook_hosts clean recap lines)"; fi
}

# host_tasks OUT: the number of host-tasks in a run (ok + failed + skipped + unreachable of the recap)
host_tasks() {
    sed -n '/^PLAY RECAP/,$p' "$1" | sed 's/\x1b\[[0-9;]*m//g' \
        | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] ~ /^(ok|failed|skipped|unreachable)$/) n += kv[2] } } END { print n + 0 }'
}

# row NAME DROVER_SECONDS ANSIBLE_SECONDS NOTE
row() { g_rows+=("$1|$2|$3|$4"); }

ratio() {
    [[ $1 == - || $2 == - ]] && { echo -; return; }
    awk -v d="$1" -v a="$2" 'BEGIN { if (d > 0) printf "%.1fx", a / d; else print "-" }'
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
best() { printf '%s\n' "$@" | sort -g | head -1; }

bench_ping() {
    local r t rc status times=() out
    # cold: no runner cached on the targets (only possible for the dedicated test user)
    if [[ $(id -u) -eq 0 && $FLEET_USER == drover-test ]]; then
        rm -rf "${FLEET_HOME:?}/.cache/drover"
        out=$g_work/ping-drover-cold.out
        read -r t rc < <(timed "$out" drover_cmd all -i "$FLEET_INVENTORY" -m ping -f 100)
        row "ping $g_n hosts, cold (runner upload)" "$t" - "$(check_ping "$out" "$rc")"
    fi
    status=ok
    for (( r = 1; r <= g_runs; r++ )); do
        out=$g_work/ping-drover-$r.out
        read -r t rc < <(timed "$out" drover_cmd all -i "$FLEET_INVENTORY" -m ping -f 100)
        times+=("$t")
        [[ $(check_ping "$out" "$rc") == ok ]] || status=$(check_ping "$out" "$rc")
    done
    local warm; warm=$(median "${times[@]}")
    local a=-
    if (( g_ansible )); then
        out=$g_work/ping-ansible.out
        read -r a rc < <(timed "$out" ansible_cmd ansible all -i "$FLEET_INVENTORY" -m ping -f 100)
        local s; s=$(check_ping "$out" "$rc")
        [[ $s == ok ]] || status="$status; ansible $s"
    fi
    row "ping $g_n hosts, warm (median of $g_runs, best $(best "${times[@]}"))" "$warm" "$a" "$status"
}

bench_provision() {
    local limit; limit=$(sed -n 's/^\(host[0-9]*\) .*/\1/p' "$FLEET_INVENTORY" | head -n "$k_playbook_hosts" | paste -sd,)
    local root t rc out status a=- tasks
    root=$(mktemp -d "$FLEET_HOME/drover-bench.XXXXXX"); chown "$FLEET_USER:" "$root"
    out=$g_work/provision-drover.out
    read -r t rc < <(timed "$out" drover_cmd playbook -i "$FLEET_INVENTORY" -f 100 -l "$limit" "$k_provision" -e "fleet_root=$root")
    status=$(check_play "$out" "$rc")
    tasks=$(host_tasks "$out")
    rm -rf "$root"
    if (( g_ansible )); then
        root=$(mktemp -d "$FLEET_HOME/drover-bench.XXXXXX"); chown "$FLEET_USER:" "$root"
        out=$g_work/provision-ansible.out
        read -r a rc < <(timed "$out" ansible_cmd ansible-playbook -i "$FLEET_INVENTORY" -f 100 -l "$limit" "$k_provision" -e "fleet_root=$root")
        local s; s=$(check_play "$out" "$rc")
        [[ $s == ok ]] || status="$status; ansible $s"
        rm -rf "$root"
    fi
    row "provision.yml on $k_playbook_hosts hosts ($tasks host-tasks), first run" "$t" "$a" "$status"
}

print_table() {
    local line name d a note
    printf '\n%-58s %12s %12s %9s  %s\n' "benchmark" "drover (s)" "ansible (s)" "ratio" "check"
    printf '%-58s %12s %12s %9s  %s\n' "$(printf '%.0s-' {1..58})" "------------" "------------" "---------" "-----"
    for line in "${g_rows[@]}"; do
        IFS='|' read -r name d a note <<< "$line"
        printf '%-58s %12s %12s %9s  %s\n' "$name" "$d" "$a" "$(ratio "$d" "$a")" "$note"
    done
    echo
    echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r); $("$g_build/drover" --version 2>/dev/null | head -1 || echo 'drover ?')"
    (( g_ansible )) && echo "ansible: $(ansible --version 2>/dev/null | head -1)"
    echo "outputs: $g_work"
}

cleanup() {
    if [[ -n ${FLEET_DIR:-} ]]; then "$k_fleet" down "$FLEET_DIR" || true; fi
}

main() {
    [[ $# -ge 1 ]] || usage
    [[ $1 == -h || $1 == --help ]] && usage
    g_build=$(cd "$1" 2>/dev/null && pwd) || { echo "bench/run.sh: no build folder '$1'" >&2; exit 5; }
    shift
    while [[ $# -gt 0 ]]; do
        case $1 in
            --no-ansible) g_ansible=0 ;;
            --runs) g_runs=${2:?--runs needs a number}; shift ;;
            [0-9]*) g_n=$1 ;;
            *) echo "bench/run.sh: unknown argument '$1'" >&2; usage ;;
        esac
        shift
    done
    [[ -x $g_build/drover ]] || { echo "bench/run.sh: drover binary not found: $g_build/drover" >&2; exit 1; }
    (( g_n >= k_playbook_hosts )) || { echo "bench/run.sh: N must be at least $k_playbook_hosts" >&2; exit 5; }

    g_work=$(mktemp -d /tmp/drover-bench.XXXXXX)
    chmod 0755 "$g_work"
    trap cleanup EXIT
    local t0 t1
    t0=$(now)
    "$k_fleet" up "$g_work/fleet" "$g_n" > "$g_work/fleet.log" 2>&1 || { cat "$g_work/fleet.log"; exit 1; }
    t1=$(now)
    # shellcheck source=/dev/null
    source "$g_work/fleet/env"
    unset ANSIBLE_CONFIG
    echo "fleet: $g_n hosts up in $(elapsed "$t0" "$t1") s (port $FLEET_PORT, user $FLEET_USER)"

    bench_ping
    bench_provision
    print_table
}

# on one line: bash reads a script as it runs, so an edit during a run cannot inject commands
main "$@"; exit $?
