#!/usr/bin/env bash
# The file-module differential suite: files.yml run by ansible-playbook and by drover on the same
# fixtures, then compare.py holds the results and the resulting trees side by side.
#
#   tests/diff/modules/files.sh [BUILD_DIR]     (default: build)
#
# Exit status 0 when they agree (or when ansible-playbook is not installed: SKIPPED), 1 otherwise;
# the scratch directory is kept on disagreement.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
drover=$build/drover
[ -x "$drover" ] || { echo "diff-modules: $drover not built" >&2; exit 1; }
if ! command -v ansible-playbook >/dev/null; then
    echo "diff-modules: SKIPPED (ansible-playbook is not installed)"
    exit 0
fi

scratch=$(mktemp -d /tmp/drover-diff-modules.XXXXXX)
# One copy of the control-side fixtures for both runs, with what git cannot hold: an empty
# directory, a file mode other than 0644/0755, and the archives unarchive unpacks.
cp -r "$here/files.yml" "$here/archive.yml" "$here/files" "$scratch/"
mkdir -p "$scratch/files/tree/empty_dir"
chmod 0640 "$scratch/files/single.txt"
(cd "$scratch/files" && tar czf tree.tar.gz tree && zip -qry tree.zip tree) ||
    { echo "diff-modules: cannot make the archive fixtures (tar, gzip and zip are needed)"; exit 1; }
printf 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' > "$scratch/hosts"

export ANSIBLE_HOME=$scratch/ansible-home ANSIBLE_LOCAL_TEMP=$scratch/ansible-home/tmp
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_DEPRECATION_WARNINGS=0

# Runs playbook $1 with both tools (work trees and results named after $2) and compares them;
# the report goes to $scratch/report-$2.txt.
compare_playbook() {
    local playbook=$1 tag=$2
    (cd "$scratch" && ansible-playbook -i hosts "$playbook" -e "work=$scratch/A-$tag out=$scratch/A-$tag.json") > "$scratch/ansible-$tag.log" 2>&1
    (cd "$scratch" && "$drover" playbook -i hosts "$playbook" -e "work=$scratch/D-$tag out=$scratch/D-$tag.json") > "$scratch/drover-$tag.log" 2>&1
    for side in A D; do
        [ -f "$scratch/$side-$tag.json" ] || { echo "diff-modules: no results from the $side run of $playbook; see $scratch/*-$tag.log" > "$scratch/report-$tag.txt"; return 1; }
    done
    python3 "$here/compare.py" "$scratch/A-$tag" "$scratch/A-$tag.json" "$scratch/D-$tag" "$scratch/D-$tag.json" > "$scratch/report-$tag.txt"
}

status=0
compare_playbook files.yml files || status=1
tail -1 "$scratch/report-files.txt"
# archive is community.general's (Debian's `ansible` package): compared only when Ansible has it.
if ANSIBLE_HOME="$scratch/ansible-home" ansible-doc --json -t module community.general.archive 2>/dev/null | grep -q '"archive"'; then
    compare_playbook archive.yml archive || status=1
    tail -1 "$scratch/report-archive.txt"
else
    echo "archive.yml NOT RUN: Ansible has no community.general.archive (install Debian's ansible package)"
fi
if [ $status -eq 0 ]; then
    rm -rf "$scratch"
    exit 0
fi
cat "$scratch"/report-*.txt
echo "diff-modules: disagreements kept in $scratch"
exit 1
