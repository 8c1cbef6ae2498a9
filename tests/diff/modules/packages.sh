#!/usr/bin/env bash
# The package differential: packages.yml run by ansible-playbook and by drover (local
# connection), each inside its own scratch system (tests/modules/data/apt_scratch.sh: overlays in
# a private mount namespace, one local repository of test .debs), then packages.py compares the
# registered results. The machine's own packages are never touched.
#
#   tests/diff/modules/packages.sh [BUILD_DIR]     (default: build)
#
# Exit status 0 when they agree, 1 otherwise (the scratch directory is kept), 77 when it cannot
# run here (no ansible-playbook, no python3-apt for Ansible's apt, no root or overlayfs).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
drover=$build/drover
scratch_sh=$root/tests/modules/data/apt_scratch.sh
[ -x "$drover" ] || { echo "diff-packages: $drover not built" >&2; exit 1; }
command -v ansible-playbook > /dev/null || { echo "diff-packages: SKIPPED (ansible-playbook is not installed)"; exit 77; }
/usr/bin/python3 -c 'import apt' 2> /dev/null || { echo "diff-packages: SKIPPED (python3-apt is not installed: Ansible's apt needs it)"; exit 77; }

scratch=$(mktemp -d /tmp/drover-diff-packages.XXXXXX)
chmod 755 "$scratch"
"$scratch_sh" init "$scratch/A" || { rc=$?; rm -rf "$scratch"; echo "diff-packages: SKIPPED (no scratch system)"; exit "$rc"; }
"$scratch_sh" init "$scratch/D" "$scratch/A" || { echo "diff-packages: scratch init failed"; exit 1; }
cp "$here/packages.yml" "$scratch/"
printf 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' > "$scratch/hosts"

export ANSIBLE_HOME=$scratch/ansible-home ANSIBLE_LOCAL_TEMP=$scratch/ansible-home/tmp
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_DEPRECATION_WARNINGS=0
(cd "$scratch" && "$scratch_sh" run "$scratch/A" ansible-playbook -i hosts packages.yml \
    -e "repo=$scratch/A out=$scratch/A.json") > "$scratch/ansible.log" 2>&1
(cd "$scratch" && "$scratch_sh" run "$scratch/D" "$drover" playbook -i hosts packages.yml \
    -e "repo=$scratch/D out=$scratch/D.json") > "$scratch/drover.log" 2>&1
for side in A D; do
    [ -f "$scratch/$side.json" ] || { echo "diff-packages: no results from $side run; see $scratch/*.log"; exit 1; }
done
if python3 "$here/packages.py" "$scratch/A" "$scratch/A.json" "$scratch/D" "$scratch/D.json" > "$scratch/report.txt"; then
    tail -1 "$scratch/report.txt"
    rm -rf "$scratch"
    exit 0
fi
cat "$scratch/report.txt"
echo "diff-packages: disagreements kept in $scratch"
exit 1
