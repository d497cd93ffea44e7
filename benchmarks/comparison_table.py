#!/usr/bin/env python3
"""Turns a benchmarks/compare.sh result directory into the Markdown report of benchmarks/README.md.

Usage: comparison_table.py benchmarks/results/compare-<time> > report.md

Reads jdk<N>-throughput*.json, jdk<N>-handshake*.json, jdk<N>-record.json (JMH, with -prof gc and
-prof dev.tls13.benchmarks.CpuTimeProfiler) and jdk<N>-memory.jsonl (IdleMemory).
Definitions:
  wall MB/s   = ops/s x size / 10^6 (content bytes, encrypt + decrypt on one thread)
  CPU MB/s    = size / worker-thread CPU ns per op x 10^3: the same work per second of CPU actually
                received, which is what to compare on a shared machine
  ratios      = ours / other, wall and CPU
  B/op        = gc.alloc.rate.norm per write (both ends)
  ceiling     = raw JCA seal + open of the same suite and size on byte[] (RecordBenchmark jcaSeal, jcaOpen):
                1 / (1/seal + 1/open) ops/s; CPU likewise from their cpu.thread
Python 3 standard library only.
"""

import glob
import json
import os
import re
import sys

STACKS = ["OURS", "JDK", "OPENSSL"]
SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]


def metric(run, suffix):
    for name, value in run.get("secondaryMetrics", {}).items():
        if name.endswith(suffix):
            return value["score"]
    return None


def load(paths):
    rows = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for run in json.load(f):
                name = run["benchmark"].rsplit(".", 1)[1]
                params = run.get("params", {})
                rows[(name, tuple(sorted(params.items())))] = {
                    "ops": run["primaryMetric"]["score"],
                    "cpu": metric(run, "cpu.thread"),
                    "share": metric(run, "cpu.share"),
                    "alloc": metric(run, "gc.alloc.rate.norm"),
                    "params": params,
                    "forks": run.get("forks"),
                    "warmup": f'{run.get("warmupIterations")} x {run.get("warmupTime")}',
                    "measurement": f'{run.get("measurementIterations")} x {run.get("measurementTime")}',
                }
    return rows


def find(rows, name, **params):
    for (n, p), row in rows.items():
        if n == name and all(dict(p).get(k) == str(v) for k, v in params.items()):
            return row
    return None


def fmt(value, digits=0, suffix=""):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{suffix}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def mbs(row, size):
    return None if row is None else row["ops"] * size / 1e6


def cpu_mbs(row, size):
    return None if row is None or not row["cpu"] else size / row["cpu"] * 1e3


def per_cpu(row):
    return None if row is None or not row["cpu"] else 1e9 / row["cpu"]


def ceiling(record, suite, size):
    seal = find(record, "jcaSeal", suite=suite, size=size)
    opn = find(record, "jcaOpen", suite=suite, size=size)
    if seal is None or opn is None:
        return None, None, None
    wall = size / (1 / seal["ops"] + 1 / opn["ops"]) / 1e6
    cpu = size / (seal["cpu"] + opn["cpu"]) * 1e3 if seal["cpu"] and opn["cpu"] else None
    alloc = (seal["alloc"] or 0) + (opn["alloc"] or 0)
    return wall, cpu, alloc


def throughput_table(rows, record, out):
    out.append("| suite | size | ours MB/s wall / CPU | JDK MB/s wall / CPU | OPENSSL MB/s wall / CPU "
               "| ours/JDK wall / CPU | ours/OPENSSL wall / CPU | ours/ceiling wall / CPU "
               "| B/op ours / JDK / OPENSSL / ceiling | CPU ns/op ours / JDK / OPENSSL |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    sizes = sorted({int(r["params"]["size"]) for r in rows.values()})
    for suite in SUITES:
        for size in sizes:
            cells = {s: find(rows, "writeAndRead", stack=s, suite=suite, size=size) for s in STACKS}
            if all(c is None for c in cells.values()):
                continue
            cw, cc, ca = ceiling(record, suite, size)
            o, j, b = cells["OURS"], cells["JDK"], cells["OPENSSL"]
            out.append("| {} | {} | {} / {} | {} / {} | {} / {} | {} / {} | {} / {} | {} / {} | {} | {} |".format(
                suite.replace("TLS_", ""), size,
                fmt(mbs(o, size)), fmt(cpu_mbs(o, size)), fmt(mbs(j, size)), fmt(cpu_mbs(j, size)),
                fmt(mbs(b, size)), fmt(cpu_mbs(b, size)),
                fmt(ratio(mbs(o, size), mbs(j, size)), 2), fmt(ratio(cpu_mbs(o, size), cpu_mbs(j, size)), 2),
                fmt(ratio(mbs(o, size), mbs(b, size)), 2), fmt(ratio(cpu_mbs(o, size), cpu_mbs(b, size)), 2),
                fmt(ratio(mbs(o, size), cw), 2), fmt(ratio(cpu_mbs(o, size), cc), 2),
                " / ".join(fmt(c and c["alloc"]) for c in (o, j, b)) + " / " + fmt(ca),
                " / ".join(fmt(c and c["cpu"]) for c in (o, j, b))))


def handshake_table(rows, out):
    out.append("| group | certificate | ours hs/s wall / CPU | JDK hs/s wall / CPU | OPENSSL hs/s wall / CPU "
               "| ours/JDK wall / CPU | ours/OPENSSL wall / CPU | KB/handshake ours / JDK / OPENSSL "
               "| CPU µs/handshake ours / JDK / OPENSSL |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for group in ["x25519", "secp256r1"]:
        for key in ["EC_P256", "RSA_2048"]:
            c = {s: find(rows, "handshake", stack=s, group=group, key=key) for s in STACKS}
            if all(v is None for v in c.values()):
                continue
            o, j, b = c["OURS"], c["JDK"], c["OPENSSL"]
            out.append("| {} | {} | {} / {} | {} / {} | {} / {} | {} / {} | {} / {} | {} | {} |".format(
                group, "ECDSA P-256" if key == "EC_P256" else "RSA-2048",
                fmt(o and o["ops"]), fmt(per_cpu(o)), fmt(j and j["ops"]), fmt(per_cpu(j)),
                fmt(b and b["ops"]), fmt(per_cpu(b)),
                fmt(ratio(o and o["ops"], j and j["ops"]), 2), fmt(ratio(per_cpu(o), per_cpu(j)), 2),
                fmt(ratio(o and o["ops"], b and b["ops"]), 2), fmt(ratio(per_cpu(o), per_cpu(b)), 2),
                " / ".join(fmt(v and v["alloc"] and v["alloc"] / 1e3, 1) for v in (o, j, b)),
                " / ".join(fmt(v and v["cpu"] and v["cpu"] / 1e3) for v in (o, j, b))))


def accp_table(throughput, handshake, out):
    """Our JCA-only mode on Amazon Corretto Crypto Provider (stack OURS_ACCP) against ours and BoringSSL."""
    out.append("| what | params | ours+ACCP | ours | OPENSSL | ours+ACCP/OPENSSL wall / CPU | ours+ACCP/ours wall "
               "| B/op ours+ACCP / ours / OPENSSL |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    sizes = sorted({int(r["params"]["size"]) for r in throughput.values()})
    for suite in SUITES:
        for size in sizes:
            a = find(throughput, "writeAndRead", stack="OURS_ACCP", suite=suite, size=size)
            if a is None:
                continue
            o = find(throughput, "writeAndRead", stack="OURS", suite=suite, size=size)
            b = find(throughput, "writeAndRead", stack="OPENSSL", suite=suite, size=size)
            out.append("| MB/s | {} {} | {} | {} | {} | {} / {} | {} | {} |".format(
                suite.replace("TLS_", ""), size, fmt(mbs(a, size)), fmt(mbs(o, size)), fmt(mbs(b, size)),
                fmt(ratio(mbs(a, size), mbs(b, size)), 2), fmt(ratio(cpu_mbs(a, size), cpu_mbs(b, size)), 2),
                fmt(ratio(mbs(a, size), mbs(o, size)), 2), " / ".join(fmt(c and c["alloc"]) for c in (a, o, b))))
    for group in ["x25519", "secp256r1"]:
        for key in ["EC_P256", "RSA_2048"]:
            a = find(handshake, "handshake", stack="OURS_ACCP", group=group, key=key)
            if a is None:
                continue
            o = find(handshake, "handshake", stack="OURS", group=group, key=key)
            b = find(handshake, "handshake", stack="OPENSSL", group=group, key=key)
            out.append("| handshakes/s | {} {} | {} | {} | {} | {} / {} | {} | {} |".format(
                group, key, fmt(a["ops"]), fmt(o and o["ops"]), fmt(b and b["ops"]),
                fmt(ratio(a["ops"], b and b["ops"]), 2), fmt(ratio(per_cpu(a), per_cpu(b)), 2),
                fmt(ratio(a["ops"], o and o["ops"]), 2),
                " / ".join(fmt(v and v["alloc"]) for v in (a, o, b))))


def record_table(rows, out):
    out.append("| suite | size | our seal MB/s | our open MB/s (net of copy) | JCA seal MB/s | JCA open MB/s "
               "| seal ratio | open ratio | B/op seal / open ours | B/op seal / open JCA |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    sizes = sorted({int(r["params"]["size"]) for r in rows.values()})
    for suite in SUITES:
        for size in sizes:
            seal = find(rows, "seal", suite=suite, size=size, bufferType="heap")
            opn = find(rows, "open", suite=suite, size=size, bufferType="heap")
            copy = find(rows, "copyOnly", suite=suite, size=size, bufferType="heap")
            js = find(rows, "jcaSeal", suite=suite, size=size)
            jo = find(rows, "jcaOpen", suite=suite, size=size)
            if js is None:
                continue
            net_open = None
            open_alloc = None
            if opn and copy:
                t = 1 / opn["ops"] - 1 / copy["ops"]
                net_open = size / t / 1e6 if t > 0 else None
                open_alloc = (opn["alloc"] or 0) - (copy["alloc"] or 0)
            out.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} / {} | {} / {} |".format(
                suite.replace("TLS_", ""), size, fmt(mbs(seal, size)), fmt(net_open), fmt(mbs(js, size)),
                fmt(mbs(jo, size)), fmt(ratio(mbs(seal, size), mbs(js, size)), 2),
                fmt(ratio(net_open, mbs(jo, size)), 2), fmt(seal and seal["alloc"]), fmt(open_alloc),
                fmt(js["alloc"]), fmt(jo and jo["alloc"])))


def memory_table(path, out):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                r = json.loads(line)
                rows[r["stack"]] = r
    plain = rows.get("PLAIN", {}).get("heap")
    out.append("| stack | pairs | heap B/pair | heap over plain pair | pooled buffers B/pair | RSS growth B/pair |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for stack in ["PLAIN"] + STACKS:
        r = rows.get(stack)
        if r is None:
            continue
        over = r["heap"] - plain if plain is not None and stack != "PLAIN" else None
        out.append(f'| {stack} | {r["pairs"]} | {fmt(r["heap"])} | {fmt(over)} | {fmt(r["pooled"])} '
                   f'| {fmt(r["rss"])} |')


def main():
    directory = sys.argv[1]
    jdks = sorted({re.match(r"jdk(\d+)-", os.path.basename(p)).group(1)
                   for p in glob.glob(os.path.join(directory, "jdk*-*"))}, key=int)
    out = [f"Results of `benchmarks/compare.sh` in `{directory}`. Ratios are ours / other from the same run; "
           "CPU columns use the JMH worker thread's CPU time (`CpuTimeProfiler`), wall columns JMH's score.", ""]
    for jdk in jdks:
        base = os.path.join(directory, f"jdk{jdk}-")
        version = ""
        if os.path.exists(base + "version.txt"):
            with open(base + "version.txt", encoding="utf-8") as f:
                version = f.read().strip()
        out.append(f"## JDK {jdk}")
        out.append("")
        out.append(f"`{version}`")
        out.append("")
        record = load(glob.glob(base + "record.json"))
        throughput = load(sorted(glob.glob(base + "throughput*.json")))
        if throughput:
            any_row = next(iter(throughput.values()))
            out.append(f"### Application data (one write per op, seal + open on one thread; "
                       f"warm-up {any_row['warmup']}, measurement {any_row['measurement']}, "
                       f"{any_row['forks']} fork)")
            out.append("")
            throughput_table(throughput, record, out)
            out.append("")
        handshake = load(sorted(glob.glob(base + "handshake*.json")))
        if handshake:
            any_row = next(iter(handshake.values()))
            out.append(f"### Full handshakes (both ends on one thread; warm-up {any_row['warmup']}, "
                       f"measurement {any_row['measurement']})")
            out.append("")
            handshake_table(handshake, out)
            out.append("")
        measured = list(throughput.values()) + list(handshake.values())
        if any(r["params"].get("stack") == "OURS_ACCP" for r in measured):
            out.append("### Our JCA-only mode with Amazon Corretto Crypto Provider installed first (OURS_ACCP)")
            out.append("")
            accp_table(throughput, handshake, out)
            out.append("")
        if record:
            out.append("### Record protection per record vs the raw JCA ceiling (heap buffers)")
            out.append("")
            record_table(record, out)
            out.append("")
        if os.path.exists(base + "memory.jsonl"):
            out.append("### Idle established pair (IdleMemory, x25519 + ECDSA P-256, after one 1 KiB message "
                       "each way)")
            out.append("")
            memory_table(base + "memory.jsonl", out)
            out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
