#!/usr/bin/env python3
"""Turns the JMH JSON of RecordBenchmark into the Markdown table of benchmarks/README.md.

Usage: results_table.py results.json > results.md

MB/s are 10^6 content (plaintext) bytes per second: ops/s x size / 10^6.
"our open" is net of the copy that each open operation needs first (see README.md):
time(open) - time(copyOnly), both per operation, from the same run.
B/op is JMH's gc.alloc.rate.norm (needs -prof gc); for open, copyOnly's own B/op is subtracted.
Python 3 standard library only.
"""

import json
import sys

SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"]
BUFFERS = ["heap", "direct"]
TARGET_RATIO = 0.9
TARGET_SIZE = 16384
# gc.alloc.rate.norm wobbles by a few bytes between forks; more than 2 % + 8 B is a real difference.
ALLOC_SLACK = 1.02


def load(path):
    with open(path, encoding="utf-8") as f:
        runs = json.load(f)
    results = {}
    for run in runs:
        name = run["benchmark"].rsplit(".", 1)[1]
        params = run.get("params", {})
        key = (name, params.get("suite"), int(params.get("size", 0)), params.get("bufferType"))
        alloc = None
        for metric, value in run.get("secondaryMetrics", {}).items():
            if metric.endswith("gc.alloc.rate.norm"):
                alloc = value["score"]
        if run["primaryMetric"]["scoreUnit"] != "ops/s":
            sys.exit("expected ops/s (Mode.Throughput), got " + run["primaryMetric"]["scoreUnit"])
        results[key] = (run["primaryMetric"]["score"], alloc)
    return runs, results


def mbs(ops, size):
    return None if ops is None else ops * size / 1e6


def fmt(value, digits=0):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def ratio(ours, ceiling):
    if ours is None or ceiling is None or ceiling == 0:
        return None
    return ours / ceiling


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    runs, results = load(sys.argv[1])
    if not runs:
        sys.exit("no results in " + sys.argv[1])
    first = runs[0]
    sizes = sorted({k[2] for k in results})
    print(f"JDK {first.get('jdkVersion')} ({first.get('vmName')} {first.get('vmVersion')}), "
          f"{first.get('forks')} fork(s), warm-up {first.get('warmupIterations')} x {first.get('warmupTime')}, "
          f"measurement {first.get('measurementIterations')} x {first.get('measurementTime')}, "
          f"threads {first.get('threads')}.")
    print()
    print("| suite | size | buffer | our seal MB/s | JCA seal MB/s | seal ratio | our open MB/s (net) "
          "| JCA open MB/s | open ratio | copy ns/op | our B/op seal / open | ceiling B/op seal / open |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    misses = []
    for suite in SUITES:
        for size in sizes:
            jseal = results.get(("jcaSeal", suite, size, None), (None, None))
            jopen = results.get(("jcaOpen", suite, size, None), (None, None))
            for buf in BUFFERS:
                seal = results.get(("seal", suite, size, buf))
                opn = results.get(("open", suite, size, buf))
                copy = results.get(("copyOnly", suite, size, buf))
                if seal is None and opn is None:
                    continue
                seal = seal or (None, None)
                open_ops = None
                open_alloc = None
                copy_ns = None
                if opn is not None and copy is not None:
                    copy_ns = 1e9 / copy[0]
                    net = 1.0 / opn[0] - 1.0 / copy[0]
                    open_ops = 1.0 / net if net > 0 else None
                    if opn[1] is not None and copy[1] is not None:
                        open_alloc = opn[1] - copy[1]
                seal_ratio = ratio(seal[0], jseal[0])
                open_ratio = ratio(open_ops, jopen[0])
                print(f"| {suite} | {size} | {buf} | {fmt(mbs(seal[0], size))} | {fmt(mbs(jseal[0], size))} "
                      f"| {fmt(seal_ratio, 2)} | {fmt(mbs(open_ops, size))} | {fmt(mbs(jopen[0], size))} "
                      f"| {fmt(open_ratio, 2)} | {fmt(copy_ns)} | {fmt(seal[1])} / {fmt(open_alloc)} "
                      f"| {fmt(jseal[1])} / {fmt(jopen[1])} |")
                if size == TARGET_SIZE:
                    for what, r in (("seal", seal_ratio), ("open", open_ratio)):
                        if r is not None and r < TARGET_RATIO:
                            misses.append(f"{suite} {buf} {what}: {r:.2f} of the ceiling")
                    for what, ours, ceil in (("seal", seal[1], jseal[1]), ("open", open_alloc, jopen[1])):
                        if ours is not None and ceil is not None and ours > ceil * ALLOC_SLACK + 8:
                            misses.append(f"{suite} {buf} {what}: {ours:.0f} B/op vs ceiling {ceil:.0f}")
    print()
    if misses:
        print(f"Below target at {TARGET_SIZE} B (ratio >= {TARGET_RATIO}, B/op <= ceiling):")
        print()
        for m in misses:
            print(f"- {m}")
    elif TARGET_SIZE in sizes:
        print(f"Every row at {TARGET_SIZE} B meets the targets (ratio >= {TARGET_RATIO}, B/op <= ceiling).")


if __name__ == "__main__":
    main()
