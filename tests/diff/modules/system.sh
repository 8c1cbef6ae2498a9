#!/usr/bin/env bash
# The system-module differential suite: system.yml (user, group, cron, git) run by ansible-playbook
# and then by drover on the local connection, and the two result sets compared field by field.
# Needs root (it adds and removes drover-t-diff* accounts), git and crontab.
#
#   tests/diff/modules/system.sh [BUILD_DIR]     (default: build)
#
# Exit status 0 when they agree, 77 (skipped) without ansible-playbook, root, git or crontab,
# 1 otherwise; the scratch directory is kept on disagreement.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
drover=$build/drover
[ -x "$drover" ] || { echo "diff-system: $drover not built" >&2; exit 1; }
for tool in ansible-playbook git crontab useradd; do
    command -v "$tool" >/dev/null || { echo "diff-system: SKIPPED ($tool is not installed)"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "diff-system: SKIPPED (needs root for accounts)"; exit 77; }

scratch=$(mktemp -d /tmp/drover-diff-system.XXXXXX)
src=$scratch/src
mkdir -p "$src"
(cd "$src" && export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com \
    GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z' &&
 git init -q -b main . && echo one > file && git add file && git commit -q -m one && git tag -a v1 -m v1 &&
 echo two > file && git commit -q -am two && git branch feature HEAD~1 && git checkout -q feature &&
 echo f > other && git add other && git commit -q -m feature && git checkout -q main) || { echo "diff-system: git setup failed"; exit 1; }
cp "$here/system.yml" "$scratch/"
printf 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' > "$scratch/hosts"

export ANSIBLE_HOME=$scratch/ansible-home ANSIBLE_LOCAL_TEMP=$scratch/ansible-home/tmp
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_DEPRECATION_WARNINGS=0
(cd "$scratch" && ansible-playbook -i hosts system.yml -e "work=$scratch/A out=$scratch/A.json src=$src") > "$scratch/ansible.log" 2>&1
(cd "$scratch" && "$drover" playbook -i hosts system.yml -e "work=$scratch/D out=$scratch/D.json src=$src") > "$scratch/drover.log" 2>&1
userdel -r drover-t-diffu 2>/dev/null; groupdel drover-t-diffg 2>/dev/null; groupdel drover-t-diffh 2>/dev/null
for side in A D; do
    [ -f "$scratch/$side.json" ] || { echo "diff-system: no results from $side run; see $scratch/*.log"; exit 1; }
done
if python3 - "$scratch/A" "$scratch/A.json" "$scratch/D" "$scratch/D.json" > "$scratch/report.txt" <<'PY'
import json, sys
a_root, a_file, d_root, d_file = sys.argv[1:5]
a, d = json.load(open(a_file)), json.load(open(d_file))
# The result fields compared (when either side has them); `warnings` and `invocation` are not.
FIELDS = ['changed', 'failed', 'skipped', 'msg', 'name', 'state', 'uid', 'group', 'groups', 'home', 'shell', 'comment',
          'system', 'create_home', 'append', 'move_home', 'password', 'force', 'remove', 'gid', 'jobs', 'envs',
          'cron_file', 'diff', 'content', 'before', 'after', 'remote_url_changed', 'stdout']
def view(result):
    if isinstance(result, list):
        return [view(r) for r in result]
    out = {k: result.get(k) for k in FIELDS if k in result}
    out['failed'] = bool(result.get('failed', False))
    return out
def normal(value, root):
    return json.dumps(value, sort_keys=True).replace(root, 'ROOT')
problems = []
for case in a:
    if case not in d:
        problems.append(f'{case}: no drover result')
        continue
    av, dv = view(a[case]), view(d[case])
    if isinstance(av, list):
        av, dv = {'results': av}, {'results': dv}
    for key in sorted(set(av) | set(dv)):
        x, y = normal(av.get(key), a_root), normal(dv.get(key), d_root)
        if x != y:
            problems.append(f'{case}.{key}: ansible={x} drover={y}')
for line in problems:
    print(line)
print(f'{len(a)} cases compared, {len(problems)} disagreements')
sys.exit(1 if problems else 0)
PY
then
    tail -1 "$scratch/report.txt"
    rm -rf "$scratch"
    exit 0
fi
cat "$scratch/report.txt"
echo "diff-system: disagreements kept in $scratch"
exit 1
