#!/usr/bin/env bash
# Runs the benchmarks and prints one JSON document on stdout (docs/bench.md):
#   {"benchmarks": [{"name": N, "heapscope": {...}, "otp": {...}, "ratio": R}, ...], ...}
# Every executable in $BUILD/bench (default build/${MODE:-release}/bench) prints one JSON object
# {name: {"words_per_sec": .., ...}, ...}; so does every bench/otp/*.erl, compiled into a
# temporary directory and run on the local OTP when erl and erlc are installed. Entries of the
# same name are paired; ratio = heapscope words_per_sec / otp words_per_sec (> 1: we are faster),
# null when either side is missing. A benchmark that fails is listed under "errors". Exits 0.
# BENCH_NO_OTP=1 skips OTP even when it is installed; BENCH_TIMEOUT (seconds) bounds each run.
# Every bench/erl/<name>.erl runs on both sides: `heapscope run --no-agent` (the runtime alone;
# what the agent adds is measured by the overhead section below) and (when installed) OTP. Each
# prints one line {"name": N, "seconds": median, "min_seconds", "reps", "check": C}; its entry
# holds both sides' objects (less "name", plus "source") and
# ratio = otp seconds / heapscope seconds (> 1: we are faster), null when either side is missing
# or the two checks differ (then "errors" says so). Their shared helper modules
# (bench/erl/lib/*.erl: benchlib's timing and report) are found through -pa on both sides.
set -u
cd "$(dirname "$0")/.."
MODE=${MODE:-release}
BUILD=${BUILD:-build/$MODE}
TIMEOUT=${BENCH_TIMEOUT:-600}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ours" "$tmp/otp" "$tmp/beam" "$tmp/err" "$tmp/erl_ours" "$tmp/erl_otp" "$tmp/erlbeam"

# run_one KIND NAME CMD... : stdout to $tmp/KIND/NAME.json, a failure to $tmp/err/KIND-NAME.
run_one() {
    local kind=$1 name=$2
    shift 2
    echo "bench: $kind $name" >&2
    timeout "$TIMEOUT" "$@" >"$tmp/$kind/$name.json" 2>"$tmp/$kind/$name.stderr"
    local st=$?
    if [ $st -ne 0 ]; then
        { echo "exit status $st"; tail -n 20 "$tmp/$kind/$name.stderr"; } >"$tmp/err/$kind-$name"
    fi
}

for b in "$BUILD"/bench/*; do
    [ -f "$b" ] && [ -x "$b" ] || continue
    run_one ours "$(basename "$b")" "$b"
done

for src in bench/erl/*.erl; do
    [ -f "$src" ] || continue
    run_one erl_ours "$(basename "$src" .erl)" "$BUILD/bin/heapscope" run --no-agent -pa bench/erl/lib "$src"
done

# Agent overhead (docs/agent.md): scripts/agent_overhead.py runs each tests/agent/overhead/*.erl
# BENCH_AGENT_REPS times (default 9) with --no-agent and with the agent at its defaults,
# interleaved, the sides' order alternating: min wall and CPU times, the medians of the per-pair
# ratios, the agent's events and drops per second. Alone: scripts/agent_overhead.py BIN.
if [ -x "$BUILD/bin/heapscope" ] && command -v python3 >/dev/null 2>&1; then
    BENCH_TIMEOUT=$TIMEOUT scripts/agent_overhead.py "$BUILD/bin/heapscope" >"$tmp/overhead.json" \
        || echo "exit status $?" >"$tmp/err/overhead-agent_overhead.py"
fi

otp_release=
if [ -z "${BENCH_NO_OTP:-}" ] && command -v erl >/dev/null 2>&1 && command -v erlc >/dev/null 2>&1; then
    otp_release=$(erl -noshell -eval 'io:format("~s", [erlang:system_info(otp_release)]), halt().' 2>/dev/null)
    for src in bench/otp/*.erl; do
        [ -f "$src" ] || continue
        mod=$(basename "$src" .erl)
        if erlc -o "$tmp/beam" "$src" >"$tmp/err/otp-$mod.compile" 2>&1; then
            rm -f "$tmp/err/otp-$mod.compile"
            # A crash exits 1 (init terminating in do_boot); its dump goes to $tmp, not the repo.
            ERL_CRASH_DUMP="$tmp/erl_crash.dump" \
                run_one otp "$mod" erl -noshell -pa "$tmp/beam" -eval "$mod:main(), halt()."
        else
            mv "$tmp/err/otp-$mod.compile" "$tmp/err/otp-$mod"
        fi
    done
    # The helper modules first, into the same directory as the programs ($tmp/erlbeam).
    for src in bench/erl/lib/*.erl; do
        [ -f "$src" ] || continue
        erlc -o "$tmp/erlbeam" "$src" >"$tmp/err/erl_otp-lib_$(basename "$src" .erl)" 2>&1 \
            && rm -f "$tmp/err/erl_otp-lib_$(basename "$src" .erl)"
    done
    for src in bench/erl/*.erl; do
        [ -f "$src" ] || continue
        mod=$(basename "$src" .erl)
        if erlc -o "$tmp/erlbeam" "$src" >"$tmp/err/erl_otp-$mod" 2>&1; then
            rm -f "$tmp/err/erl_otp-$mod"
            ERL_CRASH_DUMP="$tmp/erl_crash.dump" \
                run_one erl_otp "$mod" erl -noshell -pa "$tmp/erlbeam" -eval "$mod:main(), halt()."
        fi
    done
fi

# Resident memory per idle process (bench/rss/*.erl, docs/bench.md): the OS's view, read from
# outside by scripts/rss_idle.py, on our side without and with the agent, and on OTP.
mkdir -p "$tmp/rss"
if command -v python3 >/dev/null 2>&1; then
    for src in bench/rss/*.erl; do
        [ -f "$src" ] && [ -x "$BUILD/bin/heapscope" ] || continue
        mod=$(basename "$src" .erl)
        echo "bench: rss $mod" >&2
        timeout "$TIMEOUT" scripts/rss_idle.py heapscope -- "$BUILD/bin/heapscope" run --no-agent -pa bench/erl/lib "$src" \
            >"$tmp/rss/$mod.heapscope" 2>>"$tmp/rss/$mod.stderr"
        timeout "$TIMEOUT" scripts/rss_idle.py heapscope_agent -- "$BUILD/bin/heapscope" run -pa bench/erl/lib "$src" \
            >"$tmp/rss/$mod.heapscope_agent" 2>>"$tmp/rss/$mod.stderr"
        if [ -n "$otp_release" ] && erlc -o "$tmp/erlbeam" "$src" 2>>"$tmp/rss/$mod.stderr"; then
            timeout "$TIMEOUT" scripts/rss_idle.py otp -- erl -noshell -pa "$tmp/erlbeam" \
                -eval "$mod:main(), halt()." >"$tmp/rss/$mod.otp" 2>>"$tmp/rss/$mod.stderr"
        fi
    done
fi

if ! command -v python3 >/dev/null 2>&1; then
    echo '{"benchmarks": [], "errors": [{"side": "script", "source": "bench.sh", "error": "python3 not found"}]}'
    exit 0
fi
python3 - "$tmp" "$otp_release" <<'EOF'
import json, os, sys

tmp, otp_release = sys.argv[1], sys.argv[2]
errors = []

def outputs(kind, accept):
    """(source, obj) for every output of one side that did not fail: obj is the last line that
    parses as a JSON object accept() takes (erl may print other lines first), None if none."""
    d = os.path.join(tmp, kind)
    for f in sorted(os.listdir(d)):
        if not f.endswith(".json"):
            continue
        source = f[:-5]
        if os.path.exists(os.path.join(tmp, "err", kind + "-" + source)):
            continue
        obj = None
        with open(os.path.join(d, f), errors="replace") as fh:
            for line in reversed(fh.read().splitlines()):
                try:
                    cand = json.loads(line)
                except ValueError:
                    continue
                if isinstance(cand, dict) and accept(cand):
                    obj = cand
                    break
        yield source, obj

def load(kind):
    """name -> result over every output of one side; a malformed output becomes an error."""
    results = {}
    for source, obj in outputs(kind, lambda o: True):
        if obj is None:
            errors.append({"side": kind, "source": source, "error": "no JSON object in the output"})
            continue
        for name, res in obj.items():
            results[name] = dict(res, source=source) if isinstance(res, dict) else res
    return results

ours, otp = load("ours"), load("otp")
for f in sorted(os.listdir(os.path.join(tmp, "err"))):
    side, _, source = f.partition("-")
    side = {"ours": "heapscope", "erl_ours": "heapscope", "erl_otp": "otp"}.get(side, side)
    with open(os.path.join(tmp, "err", f), errors="replace") as fh:
        errors.append({"side": side, "source": source, "error": fh.read().strip()})

def load_erl(kind):
    """name -> {"seconds", "check", "source"} from the bench/erl programs run on one side."""
    results = {}
    side = "heapscope" if kind == "erl_ours" else "otp"
    for source, obj in outputs(kind, lambda o: "name" in o and "seconds" in o):
        if obj is None:
            errors.append({"side": side, "source": source, "error": "no JSON result line in the output"})
            continue
        name = obj.pop("name")
        results[name] = dict(obj, source="bench/erl/" + source + ".erl")
    return results

def rate(r):
    v = r.get("words_per_sec") if isinstance(r, dict) else None
    return v if isinstance(v, (int, float)) and v > 0 else None

names = list(ours) + [n for n in otp if n not in ours]
benchmarks = []
for n in names:
    a, b = ours.get(n), otp.get(n)
    ra, rb = rate(a), rate(b)
    benchmarks.append({"name": n, "heapscope": a, "otp": b,
                       "ratio": round(ra / rb, 4) if ra and rb else None})

erl_ours, erl_otp = load_erl("erl_ours"), load_erl("erl_otp")
for n in list(erl_ours) + [n for n in erl_otp if n not in erl_ours]:
    a, b = erl_ours.get(n), erl_otp.get(n)
    ratio = None
    if a and b:
        if a.get("check") != b.get("check"):
            errors.append({"side": "both", "source": n, "error": "check differs: heapscope %r, otp %r"
                           % (a.get("check"), b.get("check"))})
        elif isinstance(a.get("seconds"), (int, float)) and a["seconds"] > 0 \
                and isinstance(b.get("seconds"), (int, float)):
            ratio = round(b["seconds"] / a["seconds"], 4)
    benchmarks.append({"name": n, "heapscope": a, "otp": b, "ratio": ratio})

overhead = []
try:
    o = json.load(open(os.path.join(tmp, "overhead.json")))
    overhead = o["agent_overhead"]
    errors.extend(o["errors"])
except (OSError, ValueError, KeyError):
    pass

rss = []
d = os.path.join(tmp, "rss")
for mod in sorted({f.split(".")[0] for f in os.listdir(d)}):
    entry = {"name": mod, "source": "bench/rss/%s.erl" % mod}
    for side in ("heapscope", "heapscope_agent", "otp"):
        try:
            entry[side] = json.loads(open(os.path.join(d, mod + "." + side)).read())["rss_bytes_per_process"]
        except (OSError, ValueError, KeyError):
            entry[side] = None
    a, b = entry["heapscope"], entry["otp"]
    entry["ratio"] = round(b / a, 4) if a and b else None
    if a is None:
        errors.append({"side": "heapscope", "source": mod, "error": "no rss figure"})
    rss.append(entry)

doc = {"benchmarks": benchmarks, "otp_release": otp_release or None}
if rss:
    doc["resident_memory"] = rss
if overhead:
    doc["agent_overhead"] = overhead
if errors:
    doc["errors"] = errors
print(json.dumps(doc, indent=2))
EOF
exit 0
