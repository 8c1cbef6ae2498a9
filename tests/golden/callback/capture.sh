#!/bin/sh
# Regenerates the golden files in this folder from real ansible-playbook / ansible runs.
# Run from this folder: ./capture.sh   (needs ansible-core 2.14 on PATH)
# Timing fields (start/end/delta) are replaced by fixed values so the files are stable; the
# doctest cases in tests/unit/callback feed the same fixed values. Ansible's temporary file names
# in diff headers become ~/.ansible/tmp/source, and the CLI's config-file notice (not a callback's
# output) is dropped.
set -u
cd "$(dirname "$0")"
export ANSIBLE_NOCOWS=1 ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
unset ANSIBLE_FORCE_COLOR ANSIBLE_STDOUT_CALLBACK
stable() {
  sed -E -e 's/"delta": "[^"]*"/"delta": "0:00:00.001000"/g' \
         -e 's/"start": "[^"]*"/"start": "2024-01-01 00:00:00.000000"/g' \
         -e 's/"end": "[^"]*"/"end": "2024-01-01 00:00:00.001000"/g' \
         -e 's#/[^ ]*/\.ansible/tmp/[^ ]*#~/.ansible/tmp/source#g' \
         -e '/^No config file found; using defaults$/d'
}
pb() {  # pb NAME [ansible-playbook args...]
  name=$1; shift
  ansible-playbook "$@" 2>/dev/null | stable > "$name.txt"
}
rm -rf out && mkdir -p out
pb basic -i localhost, -c local basic.yml
pb basic-v -i localhost, -c local -v basic.yml
pb loops -i localhost, -c local loops.yml
pb unreachable -i unreachable.ini unreachable.yml
pb nohosts -i localhost, -c local nohosts.yml
pb diff -i localhost, -c local --diff diff.yml
rm -rf out
adhoc() {  # adhoc NAME [ansible args...]
  name=$1; shift
  ansible "$@" 2>/dev/null | stable > "$name.txt"
}
adhoc adhoc-ping localhost -i localhost, -c local -m ping
adhoc adhoc-command localhost -i localhost, -c local -m command -a 'echo hello'
adhoc adhoc-command-failed localhost -i localhost, -c local -m shell -a 'echo oops; exit 3'
adhoc adhoc-failed localhost -i localhost, -c local -m fail -a 'msg=boom'
adhoc adhoc-unreachable all -i unreachable.ini -m ping
adhoc adhoc-oneline localhost -i localhost, -c local -m command -a 'echo hello' --one-line
