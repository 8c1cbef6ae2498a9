#!/usr/bin/env bash
# run.sh BUILD_DIR — the text modules (lineinfile, blockinfile, replace, assemble) under drover
# and under ansible-playbook, compared: text_modules.yml runs on freshly seeded trees (seed.sh),
# once with --check --diff and once with --diff, with each tool (local connection; four playbook
# runs in all, two of them Ansible's). The trees must end up the same (type, mode and content
# of every file; backup files by count, their names hold a pid and a time) and results.txt, the
# registered results' key fields (changed, failed, msg, found, rc, backup, checksum, state, mode,
# diff), must be equal line by line.
# Exit status: 0 equal, 1 a difference (the work folder is kept and named), 77 ansible-playbook
# is not installed (ctest reports it as skipped).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
command -v ansible-playbook > /dev/null || { echo "SKIPPED: ansible-playbook is not installed"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/drover-textmods-diff.XXXXXX")

run_tool() {  # TOOL MODE ROOT: runs the playbook on ROOT, output in ROOT.out
    local tool=$1 mode=$2 root=$3 flags=(-i localhost, -c local --diff -e "root=$root")
    [[ $mode == check ]] && flags+=(--check)
    if [[ $tool == ansible ]]; then
        ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
        ANSIBLE_DEPRECATION_WARNINGS=false ANSIBLE_RETRY_FILES_ENABLED=false \
        ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_HOME="$work/.ansible" \
        ANSIBLE_LOCAL_TEMP="$work/.ansible/tmp" \
            ansible-playbook "${flags[@]}" "$here/text_modules.yml" > "$root.out" 2>&1 || true
    else
        env -u ANSIBLE_CONFIG NO_COLOR=1 "$build/drover" playbook "${flags[@]}" "$here/text_modules.yml" \
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

status=0
for mode in check apply; do
    for tool in ansible drover; do
        root=$work/$tool-$mode
        mkdir -p "$root"
        "$here/seed.sh" "$root"
        run_tool "$tool" "$mode" "$root"
        [[ -f $root/results.txt ]] || { echo "$tool ($mode) wrote no results: see $root.out"; status=1; }
    done
    a=$work/ansible-$mode d=$work/drover-$mode
    [[ -f $a/results.txt && -f $d/results.txt ]] || continue
    cases=$(grep -c . "$a/results.txt")
    (( cases >= 80 )) || { echo "ansible-playbook ($mode) reported $cases cases, expected 80 or more"; status=1; }
    if ! diff -u "$a/results.txt" "$d/results.txt" > "$work/results-$mode.diff"; then
        echo "results differ ($mode; --- ansible-playbook, +++ drover):"; cat "$work/results-$mode.diff"; status=1
    fi
    if ! diff -u <(snapshot "$a") <(snapshot "$d") > "$work/files-$mode.diff"; then
        echo "files differ ($mode; --- ansible-playbook, +++ drover):"; cat "$work/files-$mode.diff"; status=1
    fi
done
if (( status == 0 )); then
    echo "text modules: drover and ansible-playbook agree (check and apply runs of $cases cases each)"
    rm -rf "$work"
else
    echo "work folder kept: $work"
fi
exit $status
