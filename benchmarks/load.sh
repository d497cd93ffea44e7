#!/usr/bin/env bash
# The real-socket load benchmark of issue 18: the examples HTTPS server (`server --engine ours|jdk|openssl`) under
# h2load over TLS 1.3, server pinned to CPU 0 and the load generator to CPU 1, on JDK 17 and Temurin 25.
#
#   benchmarks/load.sh [--quick] [--jdk PATH]... [--engines ours,jdk,openssl] [--only keepalive,handshake,idle]
#                      [--reps N] [--transport nio|epoll]
#
# For every JDK and engine (TLS_AES_128_GCM_SHA256, x25519, one event-loop thread), each measurement after a
# warm-up of its own kind (keep-alive: runs of the same load until 15 s have passed, handshakes: 8 s; a first
# run of 2026-12-07 with one short warm-up run still measured the JIT: the CPU per request fell 2-4x from the
# first repetition to the third), repeated --reps times (default 3):
#   keep-alive   h2load -c 64 -m 1 -n N, HTTP/1.1 (--h1) and h2, 1 KiB and 16 KiB responses, ECDSA P-256 cert,
#                N = the requests of ~10 s at the last warm-up run's rate (the 64 handshakes are in the run, ~0.5%):
#                server CPU ms per 1,000 requests, requests/s, latency p50/p99 (from h2load's --log-file)
#   handshakes   h2load --h1 -c 1000 -n 1000 (one request per connection: full handshakes), ECDSA P-256 and
#                RSA-2048 certificates: server CPU ms per 1,000 connections, connections/s
#   idle         10,000 connections held open by dev.tls13.benchmarks.IdleClients (one request each, then idle):
#                server heap after full GC and RSS growth per connection (heap pre-touched: -Xms1g -Xmx1g
#                -XX:+AlwaysPreTouch, so RSS growth is native memory; `jcmd System.trim_native_heap` before each
#                RSS reading, so that memory the warm-up handshakes freed but malloc kept is not taken for the
#                idle connections' own, which once hid BoringSSL's native memory); G1 on every server
# Server CPU is utime + stime of the server process (/proc/PID/stat) over the measured run only; its share of the
# run's wall time shows whether the server was the bottleneck (report warns below 90%).
# --quick: 1 repetition, ~3 s runs, 300 connections, 1,000 idle: a smoke test of the script, not a measurement.
# Output: benchmarks/results/load-<UTC time>/results.csv and report.md (benchmarks/load_report.py), also printed.
# Needs h2load (Debian nghttp2-client), taskset, jcmd (the JDK's), openssl; two CPUs.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

quick=0
jdks=()
engines=(ours jdk openssl)
only=(keepalive handshake idle)
reps=3
transport=nio
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --jdk) jdks+=("$2"); shift 2 ;;
        --engines) IFS=, read -r -a engines <<< "$2"; shift 2 ;;
        --only) IFS=, read -r -a only <<< "$2"; shift 2 ;;
        --reps) reps="$2"; shift 2 ;;
        --transport) transport="$2"; shift 2 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
if [[ ${#jdks[@]} -eq 0 ]]; then
    jdks=(/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64)
fi
seconds=10; warmup_requests=12800; warmup_seconds=15; conns=1000; idle=10000
if [[ $quick == 1 ]]; then
    reps=1; seconds=3; warmup_requests=3200; warmup_seconds=3; conns=300; idle=1000
fi
# h2load comes from Debian's nghttp2-client, installed the way .ci/run installs the test peers (as root, apt-get).
if ! command -v h2load > /dev/null && command -v apt-get > /dev/null && [[ "$(id -u)" == 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client > /dev/null
fi
for tool in h2load taskset openssl; do
    command -v "$tool" > /dev/null || { echo "load.sh needs $tool (apt-get install nghttp2-client util-linux openssl)" >&2; exit 1; }
done
if [[ "$(nproc)" -lt 2 ]]; then
    echo "load.sh pins the server and the load generator to different CPUs: it needs two" >&2
    exit 1
fi

examples=examples/target/netty-tls13-examples.jar
benchmarks=benchmarks/target/benchmarks.jar
if [[ "${REBUILD:-0}" == 1 || ! -f "$examples" || ! -f "$benchmarks" ]] \
        || [[ -n "$(find examples/src examples/pom.xml benchmarks/src netty-tls13-codec/src -newer "$examples" \
                -print -quit)" ]]; then
    echo "building $examples and $benchmarks (JDK 17)" >&2
    JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 mvn -B -q -o -pl examples,benchmarks -am package -DskipTests
fi

out="benchmarks/results/load-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
ulimit -n "$(ulimit -Hn)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -keyout "$out/ecdsa.key" -out "$out/ecdsa.pem" 2> /dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -keyout "$out/rsa.key" -out "$out/rsa.pem" 2> /dev/null
csv="$out/results.csv"
echo "jdk,engine,scenario,rep,units,server_cpu_s,wall_s,per_s,p50_ms,p99_ms,heap_bytes,rss_bytes" > "$csv"
tick="$(getconf CLK_TCK)"
# Below the ephemeral range (32768-60999) so that no client connection of an earlier run holds the port.
port=$((10000 + RANDOM % 20000))
server_pid=""
load_pid=""

stop_server() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2> /dev/null || true
        wait "$server_pid" 2> /dev/null || true
        server_pid=""
load_pid=""
    fi
}
trap stop_server EXIT

start_server() { # java engine cert body
    stop_server
    port=$((port + 1))
    # G1 as on a server: pinned to one CPU the JVM would pick the serial collector by itself.
    taskset -c 0 "$1" -XX:+UseG1GC -Xms1g -Xmx1g -XX:+AlwaysPreTouch -jar "$examples" server --port "$port" --engine "$2" \
        --cert "$out/$3.pem" --key "$out/$3.key" --body-size "$4" --alpn h2,http/1.1 --groups x25519 \
        --ciphersuites TLS_AES_128_GCM_SHA256 --transport "$transport" --quiet > "$out/server-$port.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        grep -q '^listening on' "$out/server-$port.log" && return 0
        sleep 0.2
    done
    echo "the server did not start:" >&2
    cat "$out/server-$port.log" >&2
    exit 1
}

cpu_seconds() { # utime + stime of the server, in seconds
    awk -v tick="$tick" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / tick }' "/proc/$server_pid/stat"
}

now() { date +%s.%N; }

# h2load against the server, pinned to CPU 1, in the background; its log is "$out/h2load-LABEL.log".
# Runs are by request count (-n), never by time (-D): h2load 1.52 never stops the clients of a slow server (a cold
# JDK engine) that had not started when the duration ended, and then runs forever.
start_load() { # label h2load-args...
    local label="$1"; shift
    rm -f "$out/h2load-$label.tsv"
    timeout 600 taskset -c 1 h2load "$@" --tls13-ciphers=TLS_AES_128_GCM_SHA256 \
        --log-file="$out/h2load-$label.tsv" "https://127.0.0.1:$port/" > "$out/h2load-$label.log" 2>&1 &
    load_pid=$!
}

# Checks h2load's log; prints "units p50_ms p99_ms" of its run, or fails the script.
parse_load() { # label
    python3 - "$out/h2load-$1.log" "$out/h2load-$1.tsv" << 'EOF'
import re, sys
text = open(sys.argv[1]).read()
done = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed", text)
if not done or int(done.group(2)) or int(done.group(1)) == 0:
    sys.exit("h2load reported failures:\n" + text[-600:])
# Every engine must have run the same suite and group: BoringSSL ignores a server-side TLS 1.3 suite list.
if "Cipher: TLS_AES_128_GCM_SHA256" not in text or "Server Temp Key: X25519" not in text:
    sys.exit("h2load did not negotiate TLS_AES_128_GCM_SHA256 with X25519:\n" + text[:800])
latencies = sorted(int(line.split("\t")[2]) for line in open(sys.argv[2]) if line.count("\t") >= 2)
def pct(p):
    return latencies[min(len(latencies) - 1, int(p * len(latencies)))] / 1000.0
print(done.group(1), pct(0.5), pct(0.99))
EOF
}

wait_load() { # label
    wait "$load_pid" || { echo "h2load failed or timed out ($1):" >&2; tail -5 "$out/h2load-$1.log" >&2; exit 1; }
}

load() { # label h2load-args...: a whole run, for warm-ups
    start_load "$@"
    wait_load "$1"
    parse_load "$1" > /dev/null
}

measure() { # jdk engine scenario rep h2load-args...
    local jdk="$1" engine="$2" scenario="$3" rep="$4"; shift 4
    local label="$jdk-$engine-$scenario-$rep" c0 c1 t0 t1 result
    c0="$(cpu_seconds)"; t0="$(now)"
    start_load "$label" "$@"
    wait_load "$label"
    t1="$(now)"; c1="$(cpu_seconds)"
    result="$(parse_load "$label")"
    read -r units p50 p99 <<< "$result"
    python3 -c "import sys; c=float(sys.argv[2])-float(sys.argv[1]); w=float(sys.argv[4])-float(sys.argv[3]); \
print(f'$jdk,$engine,$scenario,$rep,$units,{c:.3f},{w:.3f},{int(sys.argv[5])/w:.1f},$p50,$p99,,')" \
        "$c0" "$c1" "$t0" "$t1" "$units" >> "$csv"
    tail -1 "$csv"
}

# Requests for a run of about $2 seconds (default $seconds) at the rate the warm-up run reached (at least the
# first warm-up's count).
requests_for() { # label-of-warm-up [seconds]
    python3 - "$out/h2load-$1.log" "${2:-$seconds}" "$warmup_requests" << 'EOF'
import re, sys
rate = float(re.search(r"finished in [^,]+, ([0-9.]+) req/s", open(sys.argv[1]).read()).group(1))
print(max(int(sys.argv[3]), int(rate * float(sys.argv[2])) // 64 * 64))
EOF
}

heap_used() { # bytes of used heap after a full GC
    "$java_home/bin/jcmd" "$server_pid" GC.run > /dev/null
    "$java_home/bin/jcmd" "$server_pid" GC.heap_info | python3 -c "
import re, sys
m = re.search(r'used (\d+)K', sys.stdin.read())
print(int(m.group(1)) * 1024)"
}

# Resident set size after returning the memory malloc holds but nobody uses to the OS (JDK 17.0.9+ and 21+).
rss() {
    "$java_home/bin/jcmd" "$server_pid" System.trim_native_heap > /dev/null
    awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$server_pid/status"
}

# Warms a server up with runs of one kind of load until $2 seconds have passed; the first run has $3 requests,
# every further run about 5 s at the rate the one before reached. Sets warm_label to the last run's label (not
# printed: in a command substitution a failed run would not stop the script).
warm_label=""
warm_up() { # label-prefix seconds first-requests h2load-args-without-n...
    local prefix="$1" budget="$2" n="$3" started_at run=1; shift 3
    started_at=$(date +%s)
    while :; do
        warm_label="$prefix-warmup$run"
        load "$warm_label" "$@" -n "$n"
        (( $(date +%s) - started_at >= budget )) && break
        n="$(requests_for "$warm_label" 5)"
        run=$((run + 1))
    done
}

idle_run() { # jdk engine rep
    local fifo="$out/idle.fifo" heap0 rss0 heap1 rss1 client
    # Full handshakes first, so that code the connections' set-up compiles is not counted as their memory.
    load "$1-$2-idle-warmup-$3" --h1 -c "$conns" -n "$conns"
    heap0="$(heap_used)"; rss0="$(rss)"
    rm -f "$fifo"; mkfifo "$fifo"
    taskset -c 1 "$java_home/bin/java" -Xmx2g -cp "$benchmarks" dev.tls13.benchmarks.IdleClients 127.0.0.1 \
        "$port" "$idle" < "$fifo" > "$out/idle.log" 2>&1 &
    client=$!
    exec 9> "$fifo"
    for _ in $(seq 600); do
        grep -q '^connected' "$out/idle.log" && break
        kill -0 "$client" 2> /dev/null || { echo "IdleClients failed:" >&2; cat "$out/idle.log" >&2; exit 1; }
        sleep 0.5
    done
    grep -q '^connected' "$out/idle.log" || { echo "IdleClients did not connect in time" >&2; exit 1; }
    heap1="$(heap_used)"; rss1="$(rss)"
    echo "idle: heap $heap0 -> $heap1, rss $rss0 -> $rss1" >&2
    exec 9>&-
    wait "$client" || true
    rm -f "$fifo"
    echo "$1,$2,idle,$3,$idle,,,,,,$((heap1 - heap0)),$((rss1 - rss0))" >> "$csv"
    tail -1 "$csv"
}

wants() { [[ " ${only[*]} " == *" $1 "* ]]; }

started=$(date +%s)
for java_home in "${jdks[@]}"; do
    java="$java_home/bin/java"
    jdk="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
    for engine in "${engines[@]}"; do
        echo "== JDK $jdk, engine $engine ($(( $(date +%s) - started )) s so far)" >&2
        for body in 1024 16384; do
            wants keepalive || { [[ $body == 1024 ]] && wants idle; } || continue
            start_server "$java" "$engine" ecdsa "$body"
            for proto in h1 h2; do
                wants keepalive || continue
                flag=(); [[ $proto == h1 ]] && flag=(--h1)
                scenario="keepalive-$proto-$((body / 1024))k"
                warm_up "$jdk-$engine-$scenario" "$warmup_seconds" "$warmup_requests" \
                    ${flag[@]+"${flag[@]}"} -c 64 -m 1
                requests="$(requests_for "$warm_label")"
                for rep in $(seq "$reps"); do
                    measure "$jdk" "$engine" "$scenario" "$rep" ${flag[@]+"${flag[@]}"} -c 64 -m 1 -n "$requests"
                done
            done
            if [[ $body == 1024 ]] && wants idle; then
                for rep in $(seq "$reps"); do
                    idle_run "$jdk" "$engine" "$rep"
                done
            fi
        done
        for cert in ecdsa rsa; do
            wants handshake || continue
            start_server "$java" "$engine" "$cert" 1024
            # Every run here is $conns connections: a handshake run's size is its connection count.
            started_at=$(date +%s); run=1
            while :; do
                load "$jdk-$engine-handshake-$cert-warmup$run" --h1 -c "$conns" -n "$conns"
                (( $(date +%s) - started_at >= warmup_seconds / 2 )) && break
                run=$((run + 1))
            done
            for rep in $(seq "$reps"); do
                measure "$jdk" "$engine" "handshake-$cert" "$rep" --h1 -c "$conns" -n "$conns"
            done
        done
        stop_server
    done
done
python3 benchmarks/load_report.py "$csv" > "$out/report.md"
cat "$out/report.md"
echo "results in $out ($(( $(date +%s) - started )) s)" >&2
