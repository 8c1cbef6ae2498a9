"""Times Python's Jinja2 (as Ansible configures it) on the benchmark template.

The first line on stdin is {"template": "...", "vars": {...}} as JSON; the reply is
{"output": "..."} (one render). Then each further line is a number of seconds: the template is
rendered for that long and {"renders_per_second": R} is the reply. Ends at end of input.
"""
import json
import sys
import time

import jinja2

request = json.loads(sys.stdin.readline())
env = jinja2.Environment(trim_blocks=True, undefined=jinja2.StrictUndefined,
                         finalize=lambda x: x if x is not None else '')
template = env.from_string(request["template"])
variables = request["vars"]
print(json.dumps({"output": template.render(variables)}), flush=True)
for line in sys.stdin:
    seconds = float(line)
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        template.render(variables)
        count += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"renders_per_second": count / elapsed}), flush=True)
