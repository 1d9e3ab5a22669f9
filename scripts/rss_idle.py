#!/usr/bin/env python3
"""rss_idle.py — resident memory per idle process, measured from outside.

    scripts/rss_idle.py NAME -- CMD...

Runs CMD (a program such as bench/rss/proc_idle_rss.erl under `heapscope run` or `erl`), reads
the resident set (VmRSS of the largest process in CMD's process tree: `erl` is a script that
starts beam.smp) when CMD prints "base" and 250 ms after it prints "ready N" (SETTLE_S), and
prints one JSON line
{"name": NAME, "rss_base_bytes": B, "rss_ready_bytes": R, "processes": N,
 "rss_bytes_per_process": (R - B) // N}. Exit status 1 if CMD fails or never says "ready".
"""
import json
import os
import subprocess
import sys
import time

# The "ready" reading is taken this long after the line (the program waits 300 ms after it):
# an agent builds its record of a process from the spawn event or, when the burst of spawns
# overflowed its rings, at its next round of samples, so a reading at the line itself counted
# however many records the collector happened to have made by then (10-25% of the agent's
# per-process figure moved with it). The runtime alone and OTP are idle by then either way.
SETTLE_S = 0.25


def children(pid):
    """Every descendant of pid (via /proc/*/stat's parent field)."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def rss_bytes(pid):
    best = 0
    for p in children(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        best = max(best, int(line.split()[1]) * 1024)
        except OSError:
            pass
    return best


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit(__doc__)
    name, cmd = sys.argv[1], sys.argv[3:]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    base = ready = n = None
    for line in proc.stdout:
        words = line.split()
        if words[:1] == ["base"]:
            base = rss_bytes(proc.pid)
        elif words[:1] == ["ready"] and len(words) == 2:
            time.sleep(SETTLE_S)
            ready, n = rss_bytes(proc.pid), int(words[1])
    status = proc.wait()
    if status != 0 or base is None or ready is None or n <= 0:
        sys.exit(f"rss_idle: {name}: exit status {status}, base {base}, ready {ready}")
    print(json.dumps({"name": name, "rss_base_bytes": base, "rss_ready_bytes": ready,
                      "processes": n, "rss_bytes_per_process": (ready - base) // n}))


if __name__ == "__main__":
    main()
