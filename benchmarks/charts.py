#!/usr/bin/env python3
"""PNG charts of the benchmark results, with gnuplot (Debian `gnuplot-nox`).

    benchmarks/charts.py [--compare benchmarks/results/compare-<time>] [--load benchmarks/results/load-<time>]

With a result directory, its figures are first condensed into benchmarks/charts/data/*.tsv (small, committed,
each naming the run it came from); then every chart whose data exists is drawn into benchmarks/charts/*.png.
Without arguments it only redraws from the committed data. From a compare.sh run (JMH with -prof gc and the
CPU-time profiler; definitions in comparison_table.py, whose readers this reuses):
  throughput.png           AES-128-GCM CPU MB/s by write size, per stack and JDK
  handshakes.png           full handshakes per CPU-second, per group and certificate, per stack and JDK
  garbage-message.png      bytes allocated per write (both ends), per size, stack and JDK
  garbage-handshake.png    KB allocated per handshake (both ends)
  idle-memory.png          heap + native bytes per idle connection pair (IdleMemory)
From a load.sh run (real sockets, h2load):
  load-requests.png        server CPU ms per 1,000 keep-alive requests, per scenario, engine and JDK
  load-handshakes.png      server CPU ms per 1,000 new connections, per certificate
  load-idle.png            server heap + native bytes per idle connection
Python 3 standard library and gnuplot only: no plotting library to install into the build.
"""

import csv
import glob
import json
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import comparison_table as jmh  # noqa: E402  (reuses the JMH readers of the Markdown report)

HERE = os.path.dirname(os.path.abspath(__file__))
CHARTS = os.path.join(HERE, "charts")
DATA = os.path.join(CHARTS, "data")
STACK_NAMES = {"OURS": "ours", "JDK": "SslHandler(JDK)", "OPENSSL": "SslHandler(OPENSSL)",
               "ours": "ours", "jdk": "SslHandler(JDK)", "openssl": "SslHandler(OPENSSL)"}
# One colour per stack, darker for JDK 17 and lighter for JDK 25.
COLOURS = {"ours": ("#1b7837", "#7fbf7b"), "SslHandler(JDK)": ("#b35806", "#f1a340"),
           "SslHandler(OPENSSL)": ("#2166ac", "#92c5de")}


def write_table(name, source, unit, categories, series, values):
    """values[(category, series)] -> number; writes data/<name>.tsv."""
    os.makedirs(DATA, exist_ok=True)
    with open(os.path.join(DATA, name + ".tsv"), "w", encoding="utf-8") as f:
        f.write(f"# source: {source}\n# unit: {unit}\n")
        f.write("# category\t" + "\t".join(series) + "\n")
        for c in categories:
            f.write(c + "\t" + "\t".join(
                "" if values.get((c, s)) is None else f"{values[(c, s)]:.6g}" for s in series) + "\n")


def jdks_of(directory, pattern):
    found = set()
    for path in glob.glob(os.path.join(directory, pattern)):
        found.add(os.path.basename(path).split("-")[0][3:])
    return sorted(found, key=int)


def from_compare(directory):
    source = os.path.basename(os.path.normpath(directory))
    jdks = jdks_of(directory, "jdk*-throughput.json")
    series = [f"{STACK_NAMES[s]} JDK {j}" for j in jdks for s in jmh.STACKS]
    tput, garbage, hs, hs_garbage, idle = {}, {}, {}, {}, {}
    sizes, combos = set(), []
    for jdk in jdks:
        rows = jmh.load(glob.glob(os.path.join(directory, f"jdk{jdk}-throughput*.json")))
        for row in rows.values():
            p = row["params"]
            if p.get("suite") != "TLS_AES_128_GCM_SHA256" or p.get("stack") not in jmh.STACKS:
                continue
            size = int(p["size"])
            sizes.add(size)
            key = (label_size(size), f"{STACK_NAMES[p['stack']]} JDK {jdk}")
            tput[key] = jmh.cpu_mbs(row, size)
            garbage[key] = row["alloc"]
        rows = jmh.load(glob.glob(os.path.join(directory, f"jdk{jdk}-handshake.json")))
        for row in rows.values():
            p = row["params"]
            if p.get("stack") not in jmh.STACKS:
                continue
            combo = f"{p['group']} {'ECDSA P-256' if p['key'] == 'EC_P256' else p['key'].replace('_', '-')}"
            if combo not in combos:
                combos.append(combo)
            key = (combo, f"{STACK_NAMES[p['stack']]} JDK {jdk}")
            hs[key] = jmh.per_cpu(row)
            hs_garbage[key] = row["alloc"] / 1e3 if row["alloc"] else None
        memory = os.path.join(directory, f"jdk{jdk}-memory.jsonl")
        if os.path.exists(memory):
            for line in open(memory, encoding="utf-8"):
                m = json.loads(line)
                if m["stack"] in jmh.STACKS:
                    idle[("per idle pair", f"{STACK_NAMES[m['stack']]} JDK {jdk}")] = m["heap"] + m["rss"]
    size_labels = [label_size(s) for s in sorted(sizes)]
    write_table("throughput", source, "CPU MB/s (AES-128-GCM, write + read, both ends on one thread)",
                size_labels, series, tput)
    write_table("garbage-message", source, "bytes allocated per write (both ends)", size_labels, series, garbage)
    write_table("handshakes", source, "full handshakes per CPU-second (both ends)", combos, series, hs)
    write_table("garbage-handshake", source, "KB allocated per handshake (both ends)", combos, series, hs_garbage)
    if idle:
        write_table("idle-memory", source, "bytes per idle connection pair (heap + native, both ends)",
                    ["per idle pair"], series, idle)


def label_size(size):
    return f"{size // 1024} KiB" if size >= 1024 else f"{size} B"


def from_load(directory):
    source = os.path.basename(os.path.normpath(directory))
    rows = list(csv.DictReader(open(os.path.join(directory, "results.csv"), encoding="utf-8")))
    jdks = sorted({r["jdk"] for r in rows}, key=int)
    series = [f"{STACK_NAMES[e]} JDK {j}" for j in jdks for e in ("ours", "jdk", "openssl")]
    groups = {}
    for r in rows:
        groups.setdefault((r["scenario"], f"{STACK_NAMES[r['engine']]} JDK {r['jdk']}"), []).append(r)
    requests, handshakes, idle = {}, {}, {}
    keepalive, certs = [], []
    for (scenario, serie), rs in groups.items():
        if scenario == "idle":
            idle[("per idle connection", serie)] = statistics.median(
                (int(r["heap_bytes"]) + int(r["rss_bytes"])) / int(r["units"]) for r in rs)
            continue
        per_k = statistics.median(float(r["server_cpu_s"]) * 1e6 / int(r["units"]) for r in rs)
        if scenario.startswith("keepalive-"):
            label = scenario[len("keepalive-"):].replace("-", " ").replace("k", " KiB")
            if label not in keepalive:
                keepalive.append(label)
            requests[(label, serie)] = per_k
        else:
            label = "ECDSA P-256" if scenario.endswith("ecdsa") else "RSA-2048"
            if label not in certs:
                certs.append(label)
            handshakes[(label, serie)] = per_k
    write_table("load-requests", source, "server CPU ms per 1,000 keep-alive requests (lower is better)",
                keepalive, series, requests)
    write_table("load-handshakes", source, "server CPU ms per 1,000 new connections, x25519 (lower is better)",
                certs, series, handshakes)
    if idle:
        write_table("load-idle", source, "server bytes per idle connection, heap + native (lower is better)",
                    ["per idle connection"], series, idle)


def plot(name, title):
    path = os.path.join(DATA, name + ".tsv")
    if not os.path.exists(path):
        return False
    lines = open(path, encoding="utf-8").read().splitlines()
    source = lines[0].split(": ", 1)[1]
    unit = lines[1].split(": ", 1)[1]
    series = lines[2].split("\t")[1:]  # the header is a comment line to gnuplot
    categories = len(lines) - 3
    plots = []
    for i, s in enumerate(series):
        stack, jdk = s.rsplit(" JDK ", 1)
        shades = COLOURS.get(stack, ("#444444", "#999999"))
        colour = shades[0] if jdk == "17" else shades[1]
        plots.append(f"'{path}' using {i + 2}:xtic(1) title '{s}' lc rgb '{colour}'")
    script = f"""
set terminal pngcairo size 900,540 font 'DejaVu Sans,10'
set output '{os.path.join(CHARTS, name + '.png')}'
set datafile separator '\\t'
set datafile missing ''
set title "{title}\\n{{/*0.8 {unit}; run {source}}}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 1.0 border -1
set boxwidth 0.9
set key below
set grid ytics
set xrange [-0.5:{categories - 0.5}]
set yrange [0:*]
set xtics nomirror
plot {', '.join(plots)}
"""
    done = subprocess.run(["gnuplot"], input=script, text=True, stderr=subprocess.PIPE)
    if done.returncode != 0:
        sys.exit(f"gnuplot failed on {name}:\n{done.stderr}")
    return True


def main(args):
    i = 0
    while i < len(args):
        if args[i] == "--compare":
            from_compare(args[i + 1])
        elif args[i] == "--load":
            from_load(args[i + 1])
        else:
            sys.exit(__doc__)
        i += 2
    drawn = [name for name, title in [
        ("throughput", "Bulk throughput per CPU-second by write size"),
        ("handshakes", "Full handshakes per CPU-second"),
        ("garbage-message", "Garbage per write"),
        ("garbage-handshake", "Garbage per handshake"),
        ("idle-memory", "Memory per idle connection pair"),
        ("load-requests", "Real sockets: server CPU per 1,000 requests (h2load, 64 connections)"),
        ("load-handshakes", "Real sockets: server CPU per 1,000 new connections (h2load)"),
        ("load-idle", "Real sockets: server memory per idle connection"),
    ] if plot(name, title)]
    print("drew " + ", ".join(f"benchmarks/charts/{n}.png" for n in drawn))


if __name__ == "__main__":
    main(sys.argv[1:])
