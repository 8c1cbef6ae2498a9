"""Times Python's Jinja2 (as Ansible configures it) on the benchmark template.

Reads {"template": "...", "vars": {...}, "seconds": N} as JSON on stdin; prints
{"renders_per_second": R, "output": "..."} as JSON.
"""
import json
import sys
import time

import jinja2

request = json.load(sys.stdin)
env = jinja2.Environment(trim_blocks=True, undefined=jinja2.StrictUndefined,
                         finalize=lambda x: x if x is not None else '')
template = env.from_string(request["template"])
output = template.render(request["vars"])
count = 0
start = time.perf_counter()
while time.perf_counter() - start < request["seconds"]:
    template.render(request["vars"])
    count += 1
elapsed = time.perf_counter() - start
json.dump({"renders_per_second": count / elapsed, "output": output}, sys.stdout)
