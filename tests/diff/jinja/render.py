"""Renders the differential cases with Python's Jinja2, configured as Ansible configures it.

Reads {"vars": {...}, "templates_dir": "...", "cases": ["template", ...]} as JSON on stdin and
writes a JSON list with one {"ok": true, "out": "..."} or {"ok": false, "type": "...",
"error": "..."} per case on stdout.
"""
import json
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
