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
# directory and a file mode other than 0644/0755.
cp -r "$here/files.yml" "$here/files" "$scratch/"
mkdir -p "$scratch/files/tree/empty_dir"
chmod 0640 "$scratch/files/single.txt"
printf 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' > "$scratch/hosts"

export ANSIBLE_HOME=$scratch/ansible-home ANSIBLE_LOCAL_TEMP=$scratch/ansible-home/tmp
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_DEPRECATION_WARNINGS=0
(cd "$scratch" && ansible-playbook -i hosts files.yml -e "work=$scratch/A out=$scratch/A.json") > "$scratch/ansible.log" 2>&1
(cd "$scratch" && "$drover" playbook -i hosts files.yml -e "work=$scratch/D out=$scratch/D.json") > "$scratch/drover.log" 2>&1
for side in A D; do
    [ -f "$scratch/$side.json" ] || { echo "diff-modules: no results from $side run; see $scratch/*.log"; exit 1; }
done
if python3 "$here/compare.py" "$scratch/A" "$scratch/A.json" "$scratch/D" "$scratch/D.json" > "$scratch/report.txt"; then
    tail -1 "$scratch/report.txt"
    rm -rf "$scratch"
    exit 0
fi
cat "$scratch/report.txt"
echo "diff-modules: disagreements kept in $scratch"
exit 1
