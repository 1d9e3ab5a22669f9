#!/usr/bin/env bash
# The main job of `make demo`. Runs examples/demo.erl under the live dashboard once both exist
# (issue 7); until then it shows what exists: the collector at work on a 1M-word heap, beside
# OTP when erl is installed.
set -eu
cd "$(dirname "$0")/.."
bin/heapscope --version
if [ -f examples/demo.erl ]; then
    if [ -t 1 ]; then exec bin/heapscope run --top examples/demo.erl; fi
    exec bin/heapscope run --report - examples/demo.erl
fi
echo "examples/demo.erl and the dashboard are not built yet (issue 7); the GC benchmark instead:"
exec make --no-print-directory bench
