"""Renders the differential cases with Python's Jinja2, configured as Ansible configures it.

Reads {"vars": {...}, "templates_dir": "...", "cases": ["template", ...]} as JSON on stdin and
writes a JSON list with one {"ok": true, "out": "..."} or {"ok": false, "type": "...",
"error": "..."} per case on stdout.
"""
import json
import re
import sys

import jinja2


class AnsibleLikeUndefined(jinja2.StrictUndefined):
    """As Ansible's AnsibleUndefined: attribute and item access on an undefined value yields the
    same undefined value (so `a.b.c | default(x)` works and errors name the first missing part)."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        return self

    def __getitem__(self, key):
        return self


def finalize(thing):
    # Ansible's _ansible_finalize: None prints as ""
    return thing if thing is not None else ''


# Ansible 2.14's regex filters and tests (plugins/filter/core.py, plugins/test/core.py), so the
# cases hold drover's regular expressions against Python's re; to_text is str here.
def regex_replace(value='', pattern='', replacement='', ignorecase=False, multiline=False):
    flags = (re.I if ignorecase else 0) | (re.M if multiline else 0)
    return re.compile(pattern, flags=flags).sub(replacement, str(value))


def regex_findall(value, regex, multiline=False, ignorecase=False):
    flags = (re.I if ignorecase else 0) | (re.M if multiline else 0)
    return re.findall(regex, str(value), flags)


def regex_search(value, regex, *args, **kwargs):
    groups = []
    for arg in args:
        if arg.startswith('\\g'):
            groups.append(re.match(r'\\g<(\S+)>', arg).group(1))
        elif arg.startswith('\\'):
            groups.append(int(re.match(r'\\(\d+)', arg).group(1)))
        else:
            raise ValueError('Unknown argument')
    flags = (re.I if kwargs.get('ignorecase') else 0) | (re.M if kwargs.get('multiline') else 0)
    match = re.search(regex, str(value), flags)
    if match:
        if not groups:
            return match.group()
        return [match.group(item) for item in groups]


def regex_test(value='', pattern='', ignorecase=False, multiline=False, match_type='search'):
    flags = (re.I if ignorecase else 0) | (re.M if multiline else 0)
    return bool(getattr(re.compile(pattern, flags=flags), match_type, 'search')(str(value)))


def trailing_newlines(s):
    n = 0
    while n < len(s) and s[len(s) - 1 - n] == '\n':
        n += 1
    return n


def main():
    request = json.load(sys.stdin)
    env = jinja2.Environment(
        trim_blocks=True,
        undefined=AnsibleLikeUndefined,
        finalize=finalize,
        loader=jinja2.FileSystemLoader(request["templates_dir"]),
    )
    env.filters.update(regex_replace=regex_replace, regex_findall=regex_findall, regex_search=regex_search)
    env.tests.update(
        regex=regex_test,
        match=lambda value, pattern='', ignorecase=False, multiline=False: regex_test(
            value, pattern, ignorecase, multiline, 'match'),
        search=lambda value, pattern='', ignorecase=False, multiline=False: regex_test(
            value, pattern, ignorecase, multiline, 'search'),
    )
    results = []
    for source in request["cases"]:
        try:
            out = env.from_string(source).render(request["vars"])
            # Ansible's template module keeps the source's trailing newlines
            want = trailing_newlines(source)
            if want > trailing_newlines(out):
                out += '\n' * (want - trailing_newlines(out))
            results.append({"ok": True, "out": out})
        except Exception as e:  # every failure is a result to compare
            results.append({"ok": False, "type": type(e).__name__, "error": str(e)})
    json.dump(results, sys.stdout)


main()
