#!/bin/sh
echo "args: $*"
echo "cwd: $(pwd)"
echo err >&2
exit ${EXIT:-0}
