#!/usr/bin/env bash
# The main job of `make demo`. Runs examples/demo.erl under the live dashboard once the runtime
# can run Erlang programs (issues 3 and 7); until then it shows what exists: the binary and the
# collector at work on a 1M-word heap, beside OTP when erl is installed.
set -eu
cd "$(dirname "$0")/.."
bin/heapscope --version
if [ -f examples/demo.erl ] && bin/heapscope run --help >/dev/null 2>&1; then
    if [ -t 1 ]; then exec bin/heapscope run --top examples/demo.erl; fi
    exec bin/heapscope run --report - examples/demo.erl
fi
echo "heapscope cannot run Erlang programs yet; the GC benchmark instead:"
exec make --no-print-directory bench
