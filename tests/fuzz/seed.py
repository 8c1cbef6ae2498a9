#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target (tests/fuzz/*_fuzz.cpp) into OUT/<target>/.

usage: tests/fuzz/seed.py OUT [SHARED_TESTDATA]

The seeds come from the test data in this repository: tests/fuzz/regressions/TARGET/ (the
inputs of crashes found and fixed), example inventories and playbooks, the Jinja2 differential
cases, the string literals of the unit tests of each parser, the protocol
examples of docs/protocol.md. When SHARED_TESTDATA (the shared interop vectors: age-cctv/,
sops/, ansible-vault/) is given and exists, its files are added; nothing of it is copied into
the repository.

Targets whose first input byte picks a mode get seeds with that byte as an ASCII digit:
template ('0' render, '1' expression, '2' condition, '3' native), kv_args ('0' key_value,
'1' raw_params, '2' free_form), sops ('0' YAML, '1' JSON).
"""
import hashlib
import json
import os
import re
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".git", ".cache"}


def repo_files(*suffixes):
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith("build")]
        for name in filenames:
            if name.endswith(suffixes):
                yield Path(dirpath) / name


def unescape_c(body):
    out = bytearray()
    i = 0
    simple = {"n": 10, "t": 9, "r": 13, "0": 0, "\\": 92, '"': 34, "'": 39, "a": 7, "b": 8, "f": 12, "v": 11}
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 == len(body):
            out += c.encode()
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", body[i + 2:])
            out.append(int(m.group(0), 16) if m else ord("x"))
            i += 2 + (len(m.group(0)) if m else 0)
        else:
            out += e.encode()
            i += 2
    return bytes(out)


LITERAL = re.compile(r'R"([^(\s]{0,16})\((.*?)\)\1"|"((?:[^"\\\n]|\\.)*)"', re.S)


def string_literals(path):
    """The string literals of a C++ file, adjacent ones joined, as bytes."""
    text = path.read_text(errors="replace")
    result, pending, last_end = [], None, None
    for m in LITERAL.finditer(text):
        value = m.group(2).encode() if m.group(2) is not None else unescape_c(m.group(3))
        if pending is not None and text[last_end:m.start()].strip() == "":
            pending += value
        else:
            if pending is not None:
                result.append(pending)
            pending = value
        last_end = m.end()
    if pending is not None:
        result.append(pending)
    return result


class Corpus:
    def __init__(self, out):
        self.out = Path(out)
        self.counts = {}

    def add(self, target, data):
        if isinstance(data, str):
            data = data.encode()
        if not data or len(data) > 64 * 1024:
            return
        d = self.out / target
        d.mkdir(parents=True, exist_ok=True)
        (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
        self.counts[target] = self.counts.get(target, 0) + 1


def seed_repo(c):
    # the inputs of crashes found and fixed (each is also a unit test)
    for p in sorted((ROOT / "tests/fuzz/regressions").glob("*/*")):
        c.add(p.parent.name, p.read_bytes())
    for p in repo_files(".yml", ".yaml"):
        c.add("yaml", p.read_bytes())
    for p in repo_files(".ini"):
        c.add("ini_inventory", p.read_bytes())
    for p in repo_files(".json"):
        c.add("script_inventory", p.read_bytes())
        c.add("yaml", p.read_bytes())
    for lit in string_literals(ROOT / "tests/unit/inventory/ini_inventory_test.cpp"):
        if b"\n" in lit or b"[" in lit:
            c.add("ini_inventory", lit)
    for f in ("inventory_loader_test.cpp", "inventory_command_test.cpp"):
        for lit in string_literals(ROOT / "tests/unit/inventory" / f):
            if lit.lstrip().startswith(b"{"):
                c.add("script_inventory", lit)
    for f in ("yaml_inventory_test.cpp", "parser_test.cpp", "examples_test.cpp"):
        for p in (ROOT / "tests/unit/inventory" / f, ROOT / "tests/unit/playbook" / f):
            if p.exists():
                for lit in string_literals(p):
                    if b"\n" in lit:
                        c.add("yaml", lit)
    # templates: the differential cases, template files, and the unit tests' literals
    for line in (ROOT / "tests/diff/jinja/cases.txt").read_text().splitlines():
        if line.startswith("- "):
            c.add("template", "0" + line[2:])
    for p in repo_files(".j2"):
        c.add("template", b"0" + p.read_bytes())
    for p in (ROOT / "tests/unit/template").glob("*.cpp"):
        for lit in string_literals(p):
            if b"{{" in lit or b"{%" in lit:
                c.add("template", b"0" + lit)
                c.add("template", b"3" + lit)
            elif b" " in lit and len(lit) < 200:
                c.add("template", b"1" + lit)
                c.add("template", b"2" + lit)
    for lit in string_literals(ROOT / "tests/unit/playbook/args_test.cpp"):
        for mode in b"012":
            c.add("kv_args", bytes([mode]) + lit)
    # secrets in the repository: the demo files (sops, vault, inline vault) and unit-test literals
    for p in repo_files(".yml", ".yaml", ".json"):
        data = p.read_bytes()
        if b"sops:" in data or b'"sops"' in data:
            c.add("sops", (b"1" if p.suffix == ".json" else b"0") + data)
        if b"$ANSIBLE_VAULT" in data:
            c.add("vault", data[data.index(b"$ANSIBLE_VAULT"):].replace(b"\n      ", b"\n"))
    for p in (ROOT / "tests/unit/secrets").glob("*.cpp"):
        for lit in string_literals(p):
            if lit.startswith(b"$ANSIBLE_VAULT"):
                c.add("vault", lit)
            if b"age-encryption.org" in lit or b"BEGIN AGE" in lit or b"AGE-SECRET-KEY" in lit:
                c.add("age", lit)
            if b"sops" in lit and b"\n" in lit:
                c.add("sops", b"0" + lit)
    # the runner protocol: docs/protocol.md's lines and the serve loop's test literals
    lines = [l for l in (ROOT / "docs/protocol.md").read_text().splitlines() if l.startswith("{")]
    hello = next(l for l in lines if "drover_runner" in l)
    for l in lines:
        if '"module"' in l or '"op"' in l:
            c.add("runner_request", l + "\n")
    for lit in string_literals(ROOT / "tests/modules/serve_loop_test.cpp"):
        if lit.lstrip().startswith(b"{"):
            c.add("runner_request", lit)
    c.add("runner_request", '{"id": 1, "op": "exit"}\n')
    for n, l in enumerate(l for l in lines if '"result"' in l):
        c.add("runner_response", hello + "\n" + l.replace('"id": %s' % json.loads(l)["id"], '"id": 1') + "\n")
    c.add("runner_response", hello + '\n{"id": 1, "result": {"ping": "pong"}}\n{"id": 2, "result": {}}\n')
    c.add("runner_response", "login banner\n" + hello + '\nnoise\n{"id": 1, "result": 5}\n')


def age_vector_body(data):
    head, _, body = data.partition(b"\n\n")
    if b"compressed: zlib" in head:
        body = zlib.decompress(body)
    return body


def seed_shared(c, shared):
    shared = Path(shared)
    for p in sorted((shared / "age-cctv").glob("*")):
        if p.name != "README.md":
            c.add("age", age_vector_body(p.read_bytes()))
    for p in sorted((shared / "sops").glob("*")):
        if p.suffix in (".yaml", ".json"):
            c.add("sops", (b"1" if p.suffix == ".json" else b"0") + p.read_bytes())
            c.add("yaml", p.read_bytes())
        if p.name == "age_keys.txt":
            c.add("age", p.read_bytes())
    for p in sorted((shared / "ansible-vault").glob("*")):
        data = p.read_bytes()
        c.add("yaml", data)
        if b"$ANSIBLE_VAULT" in data:
            c.add("vault", data[data.index(b"$ANSIBLE_VAULT"):])


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    c = Corpus(sys.argv[1])
    seed_repo(c)
    if len(sys.argv) == 3 and Path(sys.argv[2]).is_dir():
        seed_shared(c, sys.argv[2])
    print(" ".join("%s=%d" % kv for kv in sorted(c.counts.items())))


if __name__ == "__main__":
    main()
