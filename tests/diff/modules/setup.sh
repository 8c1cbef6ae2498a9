#!/usr/bin/env bash
# setup.sh BUILD_DIR — `drover localhost -m setup` against `ansible localhost -m setup` on this
# machine, key by key (setup_compare.py): the same fact names at every level of the dict facts
# (lists of dicts by their first element), except the ones drover leaves out on purpose
# (docs/modules.md, "setup": the Python facts); and equal values for the facts that describe the
# same, stable thing (distribution, kernel, architecture, user, interfaces' addresses...).
# Local facts are compared too: both read the same scratch fact_path (a JSON, an INI and an
# executable fact). Exit status: 0 equal, 1 a difference (the work folder is kept), 77 Ansible is
# not installed (ctest reports it as skipped).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(cd "${1:?usage: setup.sh BUILD_DIR}" && pwd)
command -v ansible > /dev/null || { echo "SKIPPED: ansible is not installed"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/drover-setup-diff.XXXXXX")
mkdir "$work/facts.d"
printf '{"tier": "web", "ports": [80, 443]}\n' > "$work/facts.d/role.fact"
printf '[main]\nName = one\ncolour: blue\n[other]\nx=1\n' > "$work/facts.d/ini.fact"
printf '#!/bin/sh\necho "{\\"from\\": \\"script\\"}"\n' > "$work/facts.d/script.fact"
chmod +x "$work/facts.d/script.fact"
printf 'not json\nnor ini\n' > "$work/facts.d/broken.fact"

args="fact_path=$work/facts.d"
ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
ANSIBLE_HOME="$work/.ansible" ANSIBLE_LOCAL_TEMP="$work/.ansible/tmp" \
    ansible localhost -c local -m setup -a "$args" > "$work/ansible.out" 2>&1 || true
env -u ANSIBLE_CONFIG NO_COLOR=1 "$build/drover" localhost -c local -m setup -a "$args" > "$work/drover.out" 2>&1 || true
if python3 "$here/setup_compare.py" "$work/ansible.out" "$work/drover.out" > "$work/report.txt"; then
    tail -1 "$work/report.txt"
    rm -rf "$work"
    exit 0
fi
cat "$work/report.txt"
echo "setup differential: differences kept in $work"
exit 1
