#!/usr/bin/env bash
# run.sh BUILD_DIR — the text modules under drover and under ansible-playbook, compared.
# text_modules.yml (lineinfile, blockinfile, replace, assemble) and, when Ansible has an ini_file
# module, ini_file.yml run on freshly seeded trees (seed.sh), once with --check --diff and once
# with --diff, with each tool (local connection; Ansible runs each playbook twice). The trees must
# end up the same (type, mode and content of every file; backup files by count, their names hold a
# pid and a time) and results.txt, the registered results' key fields (changed, failed, msg,
# found, rc, backup, checksum, state, mode, diff), must be equal line by line.
# Ansible's ini_file is community.general's (Debian's `ansible` package); without it the ini_file
# playbook runs only when DROVER_DIFF_ANSIBLE_LIBRARY names a module folder holding an
# ini_file.py, and is otherwise reported as not run.
# Exit status: 0 equal, 1 a difference (the work folder is kept and named), 77 ansible-playbook
# is not installed (ctest reports it as skipped).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
command -v ansible-playbook > /dev/null || { echo "SKIPPED: ansible-playbook is not installed"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/drover-textmods-diff.XXXXXX")

run_tool() {  # TOOL MODE PLAYBOOK ROOT: runs the playbook on ROOT, output in ROOT.out
    local tool=$1 mode=$2 playbook=$3 root=$4 flags=(-i localhost, -c local --diff -e "root=$root")
    [[ $mode == check ]] && flags+=(--check)
    if [[ $tool == ansible ]]; then
        ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
        ANSIBLE_DEPRECATION_WARNINGS=false ANSIBLE_RETRY_FILES_ENABLED=false \
        ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_HOME="$work/.ansible" \
        ANSIBLE_LOCAL_TEMP="$work/.ansible/tmp" ANSIBLE_LIBRARY="${DROVER_DIFF_ANSIBLE_LIBRARY:-}" \
            ansible-playbook "${flags[@]}" "$here/$playbook" > "$root.out" 2>&1 || true
    else
        env -u ANSIBLE_CONFIG NO_COLOR=1 "$build/drover" playbook "${flags[@]}" "$here/$playbook" \
            > "$root.out" 2>&1 || true
    fi
}

snapshot() {  # ROOT: one line per entry, backups by a fixed name
    (cd "$1" && find . -mindepth 1 ! -name results.txt -printf '%y %m %P\n' | LC_ALL=C sort |
        while read -r type mode path; do
            if [[ $type == f ]]; then echo "$type $mode $path $(sha256sum < "$path" | cut -c1-16)"
            else echo "$type $mode $path"; fi
        done) | sed -E 's/\.[0-9]+\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9:]+~/.BACKUP/'
}

ansible_has_ini_file() {
    [[ -n ${DROVER_DIFF_ANSIBLE_LIBRARY:-} && -f $DROVER_DIFF_ANSIBLE_LIBRARY/ini_file.py ]] ||
        ANSIBLE_HOME="$work/.ansible" ansible-doc --json -t module community.general.ini_file 2> /dev/null |
            grep -q '"doc"' # ansible-doc exits 0 for a module it cannot find
}

# compare PLAYBOOK MINIMUM: both modes, both tools; MINIMUM cases must be reported
compare() {
    local playbook=$1 minimum=$2 mode tool root a d cases
    for mode in check apply; do
        for tool in ansible drover; do
            root=$work/${playbook%.yml}-$tool-$mode
            mkdir -p "$root"
            "$here/seed.sh" "$root"
            run_tool "$tool" "$mode" "$playbook" "$root"
            [[ -f $root/results.txt ]] || { echo "$playbook: $tool ($mode) wrote no results: see $root.out"; status=1; }
        done
        a=$work/${playbook%.yml}-ansible-$mode d=$work/${playbook%.yml}-drover-$mode
        [[ -f $a/results.txt && -f $d/results.txt ]] || continue
        cases=$(grep -c . "$a/results.txt")
        (( cases >= minimum )) || { echo "$playbook: ansible-playbook ($mode) reported $cases cases, expected $minimum"; status=1; }
        if ! diff -u "$a/results.txt" "$d/results.txt" > "$a.results.diff"; then
            echo "$playbook: results differ ($mode; --- ansible-playbook, +++ drover):"; cat "$a.results.diff"; status=1
        fi
        if ! diff -u <(snapshot "$a") <(snapshot "$d") > "$a.files.diff"; then
            echo "$playbook: files differ ($mode; --- ansible-playbook, +++ drover):"; cat "$a.files.diff"; status=1
        fi
    done
    echo "$playbook: $cases cases compared in check and apply runs"
}

status=0
compare text_modules.yml 83
if ansible_has_ini_file; then
    compare ini_file.yml 29
else
    echo "ini_file.yml NOT RUN: Ansible has no ini_file module (install community.general, or set DROVER_DIFF_ANSIBLE_LIBRARY)"
fi
if (( status == 0 )); then
    echo "text modules: drover and ansible-playbook agree"
    rm -rf "$work"
else
    echo "work folder kept: $work"
fi
exit $status
