#!/usr/bin/env python3
"""The agent's ETS events end to end, through the control socket (issue 5: "probe events for
create, insert, delete, owner exit, transfer with the table's memory"; docs/coverage.md).

    ets_events.py HEAPSCOPE

Runs tests/agent/ets_events.erl on one scheduler. Before its first phase the test sets the
agent's drain_interval_ms to 60000, so a scheduler's ETS batches are flushed only when the
test asks (the report command's step, after each phase) or by the hook (a create, table
delete, transfer or owner exit posts its table's batch first). The program prints each
operation with ets:info(T, memory) after it; that output must be OTP's
(tests/agent/ets_events.expected, made by erl). Each table's events must be what the agent's
coalescing (docs/agent.md) makes of its operations, flushed at the phases' ends:
  ets_events_tab: create 305; insert 1 (352), delete_object 1 (305); delete_object 1 (305)
  and insert 3 (337), both interleaved (the kind of the batch's last operation last);
  delete_table (0). ets_events_gift: create, insert, transfer (312), owner_exit (0) when its
  new owner exits. ets_events_heir: create,
  insert, transfer at its owner's exit (316), delete_table. ets_events_orphan: create,
  insert, owner_exit (0).
Every ETS event must validate against docs/report.schema.json's ets_event. A run whose events
fit the operations with other flush points (the collector stepped late, on a loaded box) is
run again, up to three times; events that fit no flush points fail at once.
"""
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROG = os.path.join(HERE, "ets_events.erl")
SCHEMA = os.path.join(ROOT, "docs", "report.schema.json")
ALONE = {"create", "delete_table", "owner_exit", "transfer"}


def simulate(ops, flush_after):
    """The events the agent makes of ops [(kind, memory)] on one scheduler, its batch flushed
    after the operations whose index is in flush_after (and before an event that goes alone):
    one event per kind present, ordered by each kind's last operation, with that kind's count
    and the memory after its last operation; interleaved when the batch's runs of one kind
    outnumber its kinds."""
    out, batch = [], []

    def flush():
        if not batch:
            return
        kinds = [k for k, _ in batch]
        runs = 1 + sum(1 for a, b in zip(kinds, kinds[1:]) if a != b)
        last = {k: i for i, k in enumerate(kinds)}
        for k in sorted(last, key=last.get):
            out.append((k, kinds.count(k), batch[last[k]][1], runs > len(last)))
        batch.clear()

    for i, (kind, mem) in enumerate(ops):
        if kind in ALONE:
            flush()
            out.append((kind, 1, mem, False))
        else:
            batch.append((kind, mem))
            if i in flush_after:
                flush()
    flush()
    return out


class Client:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.buf = b""
        self.n = 0

    def call(self, req):
        self.n += 1
        req["id"] = self.n
        self.s.sendall(json.dumps(req).encode() + b"\n")
        while b"\n" not in self.buf:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise RuntimeError("socket closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        r = json.loads(line)
        if not r.get("ok", False):
            raise RuntimeError("error reply %r" % r)
        return r


def attempt(hs):
    d = tempfile.mkdtemp(prefix="hs_etsev.")
    os.chmod(d, 0o700)
    p = subprocess.Popen([hs, "run", "--schedulers", "1", "--socket-dir", d, PROG],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        sock = os.path.join(d, "%d.sock" % p.pid)
        t0 = time.monotonic()
        while not os.path.exists(sock):
            if time.monotonic() - t0 > 20 or p.poll() is not None:
                raise RuntimeError("no control socket")
            time.sleep(0.01)
        c = Client(sock)
        c.call({"cmd": "set", "key": "drain_interval_ms", "value": 60000})
        lines = []
        for _ in range(3):   # each phase: its lines, then its batches flushed by the report's step
            for line in p.stdout:
                lines.append(line)
                if line.strip() == "phase":
                    break
            c.call({"cmd": "report"})
            c.call({"cmd": "report"})   # a cache in use at the first is flushed at the second
        evs = c.call({"cmd": "events", "since": 0, "limit": 100000})["events"]
        lines += p.stdout.readlines()
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return lines, [e for e in evs if e["type"] == "ets" and (e["table"] or "").startswith("ets_events_")], p.returncode


def validate(evs):
    bad = []
    for e in evs:
        r = subprocess.run([sys.executable, os.path.join(HERE, "validate_report.py"), SCHEMA,
                            "-", "--def", "ets_event"], input=json.dumps(e),
                           capture_output=True, text=True)
        if r.returncode != 0:
            bad.append((e, r.stdout + r.stderr))
        if not e["first_t_ms"] <= e["last_t_ms"] <= e["t_ms"]:
            bad.append((e, "times out of order"))
    return bad


def main():
    hs = sys.argv[1]
    expected = open(os.path.join(HERE, "ets_events.expected")).read()
    for n in range(3):
        lines, evs, status = attempt(hs)
        out = "".join(lines)
        if out != expected:
            print("program output differs from OTP's:\n" + out)
            return 1
        if status != 0:
            print("exit status", status)
            return 1
        ops, flush_after = {}, {}   # per table: [(kind, memory)], indices flushed after
        for line in lines:
            w = line.split()
            if w[0] == "phase":
                for t, o in ops.items():
                    flush_after[t].add(len(o) - 1)
                continue
            ops.setdefault(w[0], []).append((w[1], 0 if w[2] == "undefined" else int(w[2])))
            flush_after.setdefault(w[0], set())
        for e in evs:
            print("  %-18s %-14s count %s memory %-4d deletes %s interleaved %-5s t %s..%s ms" % (
                e["table"], e["ets_kind"], e.get("count"), e["memory_words"], e.get("deletes"),
                e.get("interleaved"), e.get("first_t_ms"), e.get("last_t_ms")))
        if set(e["table"] for e in evs) != set(ops):
            print("events of tables %s, operations on %s" % (sorted(set(e["table"] for e in evs)), sorted(ops)))
            return 1
        exact = True
        for t, o in ops.items():
            got = [(e["ets_kind"], e.get("count"), e["memory_words"], e.get("interleaved"))
                   for e in evs if e["table"] == t]
            want = simulate(o, flush_after[t])
            if got == want:
                continue
            exact = False
            idx = range(len(o))
            if not any(simulate(o, set(f)) == got for r in range(len(o) + 1)
                       for f in itertools.combinations(idx, r)):
                print("%s: events fit no flush points:\n  got  %r\n  want %r" % (t, got, want))
                return 1
        bad = validate(evs)
        if bad:
            for e, why in bad:
                print("invalid event", json.dumps(e), why)
            return 1
        if any(e["deletes"] != (e["count"] if e["ets_kind"] == "delete_object" else 0) for e in evs):
            print("deletes is not the count of object deletes")
            return 1
        if exact:
            print("ok: %d events as the operations and OTP's memory figures say" % len(evs))
            return 0
        print("attempt %d: events fit other flush points (a late collector step): again" % (n + 1))
    print("three attempts flushed elsewhere")
    return 1


if __name__ == "__main__":
    sys.exit(main())
