#!/usr/bin/env python3
"""Compares the results and trees of the file-module differential suite (see README.md).

usage: compare.py ANSIBLE_WORK ANSIBLE_RESULTS DROVER_WORK DROVER_RESULTS
Prints one line per disagreement; exit status 1 when there is any.
"""
import json
import os
import re
import sys

# The result fields compared for every case (when either side has them).
FIELDS = ['changed', 'failed', 'skipped', 'msg', 'rc', 'stdout', 'stderr', 'stdout_lines', 'dest', 'path',
          'state', 'mode', 'size', 'checksum', 'md5sum', 'remote_checksum', 'file', 'matched', 'examined',
          'skipped_paths', 'owner', 'group', 'handler', 'dest_state', 'archived', 'missing', 'arcroot',
          'expanded_paths', 'expanded_exclude_paths']
# The fields of each dict in find's `files` and in stat's `stat`.
STAT_FIELDS = ['path', 'exists', 'mode', 'isreg', 'isdir', 'islnk', 'size', 'checksum', 'mimetype', 'charset',
               'lnk_target', 'lnk_source', 'pw_name', 'gr_name', 'readable', 'writeable', 'executable', 'nlink']
# Values that differ by nature: a temp file's random name.
RANDOM = re.compile(r'(ansible|pre)\.[a-z0-9_]{8}(\.suf)?')


def load(path):
    with open(path) as f:
        return json.load(f)


def normal(value, root):
    text = json.dumps(value, sort_keys=True).replace(root, 'ROOT')
    return RANDOM.sub('RANDOM', text)


def stat_view(entry):
    return {k: entry.get(k) for k in STAT_FIELDS if k in entry}


def view(result):
    out = {k: result.get(k) for k in FIELDS if k in result}
    out['failed'] = bool(result.get('failed', False))
    if 'src' in result:
        out['src'] = result['src']
    if 'files' in result and all(isinstance(f, str) for f in result['files']):
        out['files'] = sorted(result['files'])  # unarchive's list_files
    elif 'files' in result:
        out['files'] = sorted((stat_view(f) for f in result['files']), key=lambda f: f['path'])
    if 'dest_state' in result:
        out.pop('size', None)  # an archive's bytes differ (Python's tarfile/zipfile against GNU tar/zip)
        for key in ('archived', 'expanded_paths'):  # os.walk's and glob's order is the directory's
            if key in result:
                out[key] = sorted(result[key])
    if 'stat' in result:
        out['stat'] = stat_view(result['stat'])
    return out


def tree(root):
    entries = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root).replace(root.lstrip('/'), 'ROOT')  # fetch's dest names the source
            st = os.lstat(path)
            if os.path.islink(path):
                entries[rel] = ('link', os.readlink(path))
            elif os.path.isdir(path):
                entries[rel] = ('dir', oct(st.st_mode & 0o7777))
            else:
                with open(path, 'rb') as f:
                    entries[rel] = ('file', oct(st.st_mode & 0o7777), f.read())
    return entries


def main():
    a_root, a_results, d_root, d_results = sys.argv[1:5]
    a, d = load(a_results), load(d_results)
    problems = []
    for case in a:
        if case not in d:
            problems.append(f'{case}: no drover result')
            continue
        av, dv = view(a[case]), view(d[case])
        for key in sorted(set(av) | set(dv)):
            if key == 'src' and '/.ansible/tmp/' in str(av.get('src')):
                continue  # Ansible's temp copy on the target; drover names the control-node file
            x, y = normal(av.get(key), a_root), normal(dv.get(key), d_root)
            if x != y:
                problems.append(f'{case}.{key}: ansible={x} drover={y}')
    ta, td = tree(a_root), tree(d_root)
    for rel in sorted(set(ta) | set(td)):
        if ta.get(rel) != td.get(rel):
            problems.append(f'tree {rel}: ansible={ta.get(rel)} drover={td.get(rel)}')
    for line in problems:
        print(line)
    print(f'{len(a)} cases, {len(ta)} tree entries compared, {len(problems)} disagreements')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
