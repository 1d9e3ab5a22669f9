#!/usr/bin/env bash
# Script-driven agent tests: the report validator rejects broken reports (its self-test) and
# the JSON Schema itself is well-formed JSON that the validator's subset covers. The C tests
# (tests/agent/test_*.c) validate every report they produce with the same validator.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
passed=0 failed=0
run() { # name command...
    local name=$1; shift
    if "$@" >/tmp/hs-agent-run.$$ 2>&1; then passed=$((passed + 1))
    else failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/  /' /tmp/hs-agent-run.$$ | head -20; fi
}
run schema_is_json python3 -c 'import json,sys; json.load(open("docs/report.schema.json"))'
run validator_self_test python3 tests/agent/validate_report.py docs/report.schema.json --self-test
# a minimal complete report (every required section, empty lists) is valid
run minimal_report_valid python3 - <<'PY'
import json, subprocess, sys
pause = {k: 0 for k in ["count", "p50", "p90", "p99", "max", "mean", "total"]}
mem = {k: 0 for k in ["total", "processes", "processes_used", "ets", "binary", "atom", "code", "system"]}
doc = {
  "schema": "heapscope-report/1",
  "run": {"program": "x.erl", "os_pid": 1, "schedulers": 1, "start_time": "2025-01-01T00:00:00.000Z",
          "end_time": None, "duration_ms": 0, "finished": False, "exit_status": None},
  "memory": dict(mem, sampled=False, peak=mem),
  "gc": {"minor_gcs": 0, "major_gcs": 0, "reclaimed_words": 0, "pause_ms": pause, "minor_pause_ms": pause, "major_pause_ms": pause},
  "processes_total": 0, "processes": [], "ets": [],
  "sharing": {"sends": 0, "flat_words": 0, "sampled_sends": 0, "sampled_flat_words": 0, "sampled_shared_words": 0,
              "ratio": None, "threshold": 4, "sites_total": 0, "top_sites": []},
  "binaries": {k: 0 for k in ["allocs", "alloc_bytes", "frees", "free_bytes", "live_bytes", "peak_live_bytes"]},
  "verdicts": [],
  "native": {"allocs": 0, "frees": 0, "untracked": 0, "outstanding_blocks": 0, "outstanding_bytes": 0, "groups": []},
  "agent": {k: 0 for k in ["events", "events_per_s", "drops", "drops_per_s", "bookkeeping_bytes", "ring_bytes", "rings",
            "ring_capacity", "drains", "samples", "forced_gcs", "alloc_failures", "collector_busy_ms"]},
  "checks": {"results": [], "passed": True},
}
p = subprocess.run([sys.executable, "tests/agent/validate_report.py", "docs/report.schema.json", "-"],
                   input=json.dumps(doc), text=True, capture_output=True)
print(p.stdout)
bad = dict(doc); bad["run"] = dict(doc["run"], start_time="yesterday")
q = subprocess.run([sys.executable, "tests/agent/validate_report.py", "docs/report.schema.json", "-"],
                   input=json.dumps(bad), text=True, capture_output=True)
print(q.stdout)
sys.exit(0 if p.returncode == 0 and q.returncode == 1 else 1)
PY
rm -f /tmp/hs-agent-run.$$
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
