#!/usr/bin/env python3
"""Holds the package differential's two result files side by side (packages.sh).

Compared per registered result: changed, failed, msg (the scratch paths made equal), rc, the
cache fields' presence, dpkg_selections' before/after, apt_repository's repo/state and diff, and
the final dpkg state. apt-get's own stdout is not compared (it holds timings and the machine's
autoremove notices) beyond its first decision line.
"""
import json
import sys

FIELDS = ("changed", "failed", "msg", "rc", "before", "after", "repo", "state", "skipped")
PRESENCE = ("cache_updated", "cache_update_time", "stdout", "stderr", "diff")


def underscored(text):
    return "".join(c if c.isalnum() else "_" for c in text)


def norm(value, root):
    if isinstance(value, str):
        return value.replace(root, "ROOT").replace(underscored(root.strip("/")), "ROOT")
    if isinstance(value, list):
        return [norm(v, root) for v in value]
    if isinstance(value, dict):
        return {k: norm(v, root) for k, v in value.items()}
    return value


def view(result, root):
    out = {}
    for field in FIELDS:
        if field in result:
            out[field] = norm(result[field], root)
    for field in PRESENCE:
        out["has_" + field] = field in result
    if isinstance(result.get("diff"), list):
        # one entry per sources file, in Python's set order (random): compared sorted
        out["diff"] = sorted(norm(result["diff"], root), key=lambda d: (d["before_header"], d["after_header"]))
    if "stdout_lines" in result and "rc" in result and "cmd" in result:
        out["stdout_lines"] = result["stdout_lines"]
    return out


def main():
    a_root, a_file, d_root, d_file = sys.argv[1:5]
    with open(a_file) as f:
        ansible = json.load(f)
    with open(d_file) as f:
        drover = json.load(f)
    bad = 0
    for name in ansible:
        a = view(ansible[name], a_root)
        d = view(drover.get(name, {}), d_root)
        if a != d:
            bad += 1
            print(f"DIFFER {name}")
            for key in sorted(set(a) | set(d)):
                if a.get(key) != d.get(key):
                    print(f"  {key}: ansible={a.get(key)!r}")
                    print(f"  {' ' * len(key)}  drover ={d.get(key)!r}")
    print(f"packages differential: {len(ansible) - bad} of {len(ansible)} results agree")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
