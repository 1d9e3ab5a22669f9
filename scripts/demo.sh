#!/usr/bin/env bash
# The main job of `make demo`: examples/demo.erl (a leaky server, a growing ETS cache, a binary
# router, a sender that loses sharing, a healthy worker pool) under the live dashboard when
# stdout is a terminal, else with its JSON report on stdout. DEMO_SECONDS sets its length.
set -eu
cd "$(dirname "$0")/.."
bin/heapscope --version >&2   # stdout stays the report alone when it is not a terminal
secs=${DEMO_SECONDS:-12}
if [ -t 1 ]; then exec bin/heapscope run --top examples/demo.erl "$secs"; fi
exec bin/heapscope run --report - examples/demo.erl "$secs"
