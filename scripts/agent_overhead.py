#!/usr/bin/env python3
"""agent_overhead.py — what the agent costs a program, with the agent at its defaults.

    scripts/agent_overhead.py HEAPSCOPE [PROGRAM.erl ...]

Runs each program (default tests/agent/overhead/*.erl) REPS times (BENCH_AGENT_REPS, default 9)
with `--no-agent` and with the agent (`--report FILE`), and prints one JSON object
{"agent_overhead": [...], "errors": [...]} (scripts/bench.sh merges both into its document;
docs/agent.md says how to read the figures). Each rep runs every program
once per side; the programs are interleaved and the order of the two sides alternates from rep
to rep, so load that comes and goes, and any drift, fall on both sides alike.

Per program: min wall times and their ratio (overhead_percent), the median of the per-pair
ratios (each agent run over its no-agent partner in the same rep: pair_median_*), and the same
two figures for CPU time (user + system of the whole process: the schedulers, the collector
thread, the main thread; read with wait4, so nothing outside the program counts). CPU time is
what the agent takes from a shared box, and it moves little with the load; wall time on a
loaded 2-core box mostly measures the load. Also the agent's events and drops per second
(median over its reports). BENCH_TIMEOUT bounds each run (seconds, default 600).
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import time


def run(cmd, timeout):
    """(wall seconds, cpu seconds, exit status) of one run; stdout and stderr discarded."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = t0 + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.002)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, p.returncode


def median(xs):
    xs = sorted(xs)
    if not xs:
        return None
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def pct(r):
    return round(100 * (r - 1), 1) if r else None


def summary(name, src, t, reports):
    """t: one (off, on) pair of (wall, cpu) per rep; None for a side that failed."""
    def least(side, k):
        return min([x[side][k] for x in t if x[side]] or [0])
    def pairs(k):
        return median([x["on"][k] / x["off"][k] for x in t
                       if x["off"] and x["on"] and x["off"][k] > 0])
    off_w, on_w, off_c, on_c = least("off", 0), least("on", 0), least("off", 1), least("on", 1)
    pw, pc = pairs(0), pairs(1)
    ev = median([r.get("events_per_s", 0) for r in reports])
    dr = median([r.get("drops_per_s", 0) for r in reports])
    return {"name": "agent_overhead_" + name, "source": src,
            "no_agent_seconds": round(off_w, 4), "agent_seconds": round(on_w, 4),
            "ratio": round(on_w / off_w, 4) if off_w > 0 else None,
            "overhead_percent": pct(on_w / off_w) if off_w > 0 else None,
            "pair_median_ratio": round(pw, 4) if pw else None,
            "pair_median_overhead_percent": pct(pw),
            "no_agent_cpu_seconds": round(off_c, 4), "agent_cpu_seconds": round(on_c, 4),
            "cpu_overhead_percent": pct(on_c / off_c) if off_c > 0 else None,
            "cpu_pair_median_overhead_percent": pct(pc),
            "events_per_s": round(ev) if ev is not None else None,
            "drops_per_s": round(dr) if dr is not None else None,
            "reps": sum(1 for x in t if x["off"] and x["on"]), "goal_percent": 5}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    hs = sys.argv[1]
    progs = sys.argv[2:] or sorted(glob.glob("tests/agent/overhead/*.erl"))
    reps = int(os.environ.get("BENCH_AGENT_REPS", "9"))
    timeout = float(os.environ.get("BENCH_TIMEOUT", "600"))
    times = {p: [] for p in progs}
    reports = {p: [] for p in progs}
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(reps):
            for p in progs:
                name = os.path.basename(p)[:-4]
                print("bench: agent overhead %s rep %d" % (name, rep + 1), file=sys.stderr)
                pair = {"off": None, "on": None}
                for side in (("off", "on") if rep % 2 == 0 else ("on", "off")):
                    rpath = os.path.join(tmp, "%s.%d.json" % (name, rep))
                    args = ["--no-agent"] if side == "off" else ["--report", rpath]
                    wall, cpu, st = run([hs, "run"] + args + [p], timeout)
                    if st != 0:
                        errors.append({"side": "heapscope", "source": p,
                                       "error": "exit status %d (%s)" % (st, side)})
                        continue
                    pair[side] = (wall, cpu)
                    if side == "on":
                        try:
                            reports[p].append(json.load(open(rpath))["agent"])
                        except (OSError, ValueError, KeyError):
                            pass
                times[p].append(pair)
    out = [summary(os.path.basename(p)[:-4], p, times[p], reports[p]) for p in progs]
    print(json.dumps({"agent_overhead": out, "errors": errors}))


if __name__ == "__main__":
    main()
