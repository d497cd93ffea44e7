#!/usr/bin/env python3
"""Turns the results.csv of benchmarks/load.sh into the Markdown report: medians with their spread (min-max)
over the repetitions, ratios of our handler against SslHandler(JDK) and SslHandler(OPENSSL) by server CPU per
unit of work (other / ours: above 1 means ours spends less CPU), and a warning wherever the server used less
than 90% of its CPU during a run (then the load generator, not the server, set the pace).

    python3 benchmarks/load_report.py results.csv
"""
import csv
import statistics
import sys
from collections import defaultdict

ENGINES = ["ours", "jdk", "openssl"]
NAMES = {"ours": "ours", "jdk": "SslHandler(JDK)", "openssl": "SslHandler(OPENSSL)"}


def spread(values, fmt):
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return (fmt + " ({}-{})").format(med, fmt.format(min(values)), fmt.format(max(values)))


def main(path):
    rows = list(csv.DictReader(open(path)))
    runs = defaultdict(list)
    for row in rows:
        runs[(row["jdk"], row["scenario"], row["engine"])].append(row)
    jdks = sorted({r["jdk"] for r in rows}, key=int)
    scenarios = []
    for r in rows:
        if r["scenario"] not in scenarios:
            scenarios.append(r["scenario"])
    warnings = []
    out = []
    cpu_per_k = {}

    out.append("## Server CPU per unit of work\n")
    out.append("Server CPU ms per 1,000 requests (keep-alive) or per 1,000 new connections (handshake); median "
               "(min-max) over the repetitions; rate = requests or connections per second; latency from h2load's "
               "per-request log; share = server CPU / wall time of the run.\n")
    out.append("| JDK | scenario | engine | CPU ms / 1k | rate /s | p50 ms | p99 ms | share |")
    out.append("|---|---|---|---|---|---|---|---|")
    for jdk in jdks:
        for scenario in scenarios:
            if scenario == "idle":
                continue
            for engine in ENGINES:
                rs = runs.get((jdk, scenario, engine))
                if not rs:
                    continue
                per_k = [float(r["server_cpu_s"]) * 1e6 / int(r["units"]) for r in rs]
                share = [float(r["server_cpu_s"]) / float(r["wall_s"]) for r in rs]
                cpu_per_k[(jdk, scenario, engine)] = statistics.median(per_k)
                for r, s in zip(rs, share):
                    if s < 0.9:
                        warnings.append(f"JDK {jdk} {scenario} {NAMES[engine]} rep {r['rep']}: server CPU share "
                                        f"{s:.0%} < 90%: the load generator, not the server, was the bottleneck")
                out.append(f"| {jdk} | {scenario} | {NAMES[engine]} | {spread(per_k, '{:.1f}')} | "
                           f"{spread([float(r['per_s']) for r in rs], '{:.0f}')} | "
                           f"{statistics.median(float(r['p50_ms']) for r in rs):.2f} | "
                           f"{statistics.median(float(r['p99_ms']) for r in rs):.2f} | "
                           f"{statistics.median(share):.0%} |")

    out.append("\n## Ratios (other engine's CPU / ours: above 1.0 means ours spends less server CPU)\n")
    out.append("| JDK | scenario | vs SslHandler(JDK) | vs SslHandler(OPENSSL) |")
    out.append("|---|---|---|---|")
    for jdk in jdks:
        for scenario in scenarios:
            ours = cpu_per_k.get((jdk, scenario, "ours"))
            if ours is None:
                continue
            cells = []
            for other in ("jdk", "openssl"):
                theirs = cpu_per_k.get((jdk, scenario, other))
                cells.append(f"{theirs / ours:.2f}x" if theirs else "-")
            out.append(f"| {jdk} | {scenario} | {cells[0]} | {cells[1]} |")

    idle = {k: v for k, v in runs.items() if k[1] == "idle"}
    if idle:
        out.append("\n## Idle connections\n")
        out.append("Per established idle connection: heap after full GC, RSS growth (native: the heap is "
                   "pre-touched), and their sum; median (min-max).\n")
        out.append("| JDK | engine | connections | heap B | native B | total B | total vs ours |")
        out.append("|---|---|---|---|---|---|---|")
        for jdk in jdks:
            totals = {}
            for engine in ENGINES:
                rs = idle.get((jdk, "idle", engine))
                if rs:
                    totals[engine] = statistics.median(
                        (int(r["heap_bytes"]) + int(r["rss_bytes"])) / int(r["units"]) for r in rs)
            for engine in ENGINES:
                rs = idle.get((jdk, "idle", engine))
                if not rs:
                    continue
                heap = [int(r["heap_bytes"]) / int(r["units"]) for r in rs]
                rss = [int(r["rss_bytes"]) / int(r["units"]) for r in rs]
                ratio = f"{totals[engine] / totals['ours']:.2f}x" if "ours" in totals and totals["ours"] > 0 else "-"
                out.append(f"| {jdk} | {NAMES[engine]} | {rs[0]['units']} | {spread(heap, '{:.0f}')} | "
                           f"{spread(rss, '{:.0f}')} | {totals[engine]:.0f} | {ratio} |")

    if warnings:
        out.append("\n## Warnings\n")
        out.extend(f"- {w}" for w in warnings)
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
