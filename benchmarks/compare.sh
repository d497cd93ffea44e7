#!/usr/bin/env bash
# The comparison of issue 5: our Tls13Handler against Netty's SslHandler (JDK engine and BoringSSL), in one
# JMH run per JDK, on JDK 17 and Temurin 25, written as one Markdown report.
#
#   benchmarks/compare.sh [--quick] [--jdk PATH]... [extra JMH options...]
#
# Default (trustworthy run, ~20 min per JDK on the 2-core machine):
#   ThroughputBenchmark  stacks OURS,JDK x 3 suites x 64 B/1/16/64 KiB, OPENSSL x AES-128-GCM (and
#                        ChaCha20-Poly1305 in a second invocation whose forks see OPENSSL_ia32cap=~0x200000000000000,
#                        which hides AES-NI from BoringSSL only so it prefers ChaCha20): 8 x 1 s warm-up, 5 x 1 s
#   HandshakeBenchmark   3 stacks x {x25519, secp256r1} x {ECDSA P-256, RSA-2048}: 8 x 2 s warm-up, 5 x 2 s
#   RecordBenchmark      seal/open/copyOnly (heap) and the JCA ceiling, 3 suites x 1/16 KiB: 3 x 1 s, 3 x 1 s
#   IdleMemory           PLAIN/OURS/JDK/OPENSSL, 2000 pairs each, one JVM each (-Xms1g -Xmx1g -XX:+AlwaysPreTouch)
# --quick (~3 min per JDK, smoke only): AES-128-GCM 1/16 KiB, x25519+P-256 handshakes, the 16 KiB ceiling,
#   300 idle pairs, 2 x 1 s warm-up and 2 x 1 s measurement everywhere.
# Every JMH run uses -prof gc and -prof dev.tls13.benchmarks.CpuTimeProfiler (worker-thread CPU ns/op).
# JDKs: --jdk PATH (repeatable); default /usr/lib/jvm/java-17-openjdk-amd64 and /usr/lib/jvm/temurin-25-jdk-amd64.
# JAVA_OPTS is passed to the JMH host JVM (e.g. JAVA_OPTS=-Djmh.ignoreLock=true when another JMH runs).
# Output: benchmarks/results/compare-<UTC time>/ with the JSON of every run and report.md (also printed).
# Progress: a line per JMH trial and per step on standard error, "[step 3/16 handshake JDK 17, 12m 5s elapsed,
# about 20m left]". The estimate is the remaining steps' durations in the last run of the same mode, recorded in
# benchmarks/results/compare-timings-<quick|full>.tsv, plus JMH's own ETA of the current step; the first run has
# only JMH's ETA of the current step.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

quick=0
jdks=()
jmh_extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --jdk) jdks+=("$2"); shift 2 ;;
        *) jmh_extra+=("$1"); shift ;;
    esac
done
if [[ ${#jdks[@]} -eq 0 ]]; then
    jdks=(/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64)
fi

jar=benchmarks/target/benchmarks.jar
if [[ "${REBUILD:-0}" == 1 || ! -f "$jar" ]] \
        || [[ -n "$(find benchmarks/src benchmarks/pom.xml netty-tls13-codec/src netty-tls13-codec/pom.xml \
                pom.xml -newer "$jar" -print -quit)" ]]; then
    echo "building $jar (JDK 17)" >&2
    JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 mvn -B -q -o -pl netty-tls13-codec,benchmarks -am package -DskipTests
fi

out="benchmarks/results/compare-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

# The steps of one JDK, in order; each JDK runs them all, then IdleMemory's four stacks ("memory").
if [[ $quick == 1 ]]; then
    steps=(throughput handshake throughput-accp handshake-accp record memory)
    timings=benchmarks/results/compare-timings-quick.tsv
else
    steps=(throughput throughput-openssl throughput-openssl-chacha handshake throughput-accp handshake-accp record memory)
    timings=benchmarks/results/compare-timings-full.tsv
fi
total_steps=$(( ${#steps[@]} * ${#jdks[@]} ))
step_index=0
started=$(date +%s)
declare -A last_seconds=()
if [[ -f "$timings" ]]; then
    while IFS=$'\t' read -r key seconds; do
        last_seconds["$key"]="$seconds"
    done < "$timings"
fi
new_timings="$out/timings.tsv"
: > "$new_timings"

minutes() { printf '%dm %ds' $(( $1 / 60 )) $(( $1 % 60 )); }

# Seconds the steps after the current one took last time, or empty when any is unknown.
remaining_after() { # jdk-index step-index-in-jdk
    local sum=0 j k key
    for (( j = $1; j < ${#jdks[@]}; j++ )); do
        for (( k = 0; k < ${#steps[@]}; k++ )); do
            (( j == $1 && k <= $2 )) && continue
            key="${jdks[$j]}:${steps[$k]}"
            [[ -n "${last_seconds[$key]:-}" ]] || { echo ""; return; }
            sum=$(( sum + ${last_seconds[$key]} ))
        done
    done
    echo "$sum"
}

# Prints the progress line; $3 is JMH's ETA of the current step in seconds, or empty.
progress() { # step-name jdk-index eta-of-step
    local k after left elapsed=$(( $(date +%s) - started ))
    for k in "${!steps[@]}"; do [[ ${steps[$k]} == "$1" ]] && break; done
    after="$(remaining_after "$2" "$k")"
    if [[ -n "$after" && -n "$3" ]]; then
        left="about $(minutes $(( after + $3 ))) left"
    elif [[ -n "$3" ]]; then
        left="this step about $(minutes "$3") left, the rest unknown (no earlier run)"
    else
        left="time left unknown (no earlier run)"
    fi
    echo "[step $step_index/$total_steps $1 JDK $jdk, $(minutes "$elapsed") elapsed, $left]" >&2
}

step_started=0
begin_step() { # name jdk-index
    step_index=$(( step_index + 1 ))
    step_started=$(date +%s)
    progress "$1" "$2" ""
}
end_step() { # name jdk-index
    printf '%s\t%s\n' "${jdks[$2]}:$1" $(( $(date +%s) - step_started )) >> "$new_timings"
}
profilers=(-prof gc -prof dev.tls13.benchmarks.CpuTimeProfiler)
chacha_env='~0x200000000000000'

for jdk_index in "${!jdks[@]}"; do
    home="${jdks[$jdk_index]}"
    java="$home/bin/java"
    jdk="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
    "$java" -version 2>&1 | sed -n 2p > "$out/jdk$jdk-version.txt"
    jmh() {
        local name="$1" line eta; shift
        begin_step "$name" "$jdk_index"
        # shellcheck disable=SC2086
        "$java" ${JAVA_OPTS:-} -jar "$jar" "$@" "${profilers[@]}" -rf json -rff "$out/jdk$jdk-$name.json" \
            ${jmh_extra[@]+"${jmh_extra[@]}"} | tee "$out/jdk$jdk-$name.log" | while IFS= read -r line; do
                # JMH's "# Run progress: 12.50% complete, ETA 00:03:20" at every trial.
                if [[ $line =~ ^#\ Run\ progress:.*ETA\ ([0-9]+):([0-9]+):([0-9]+) ]]; then
                    eta=$(( 10#${BASH_REMATCH[1]} * 3600 + 10#${BASH_REMATCH[2]} * 60 + 10#${BASH_REMATCH[3]} ))
                    progress "$name" "$jdk_index" "$eta"
                elif [[ $line =~ ^(Benchmark|[A-Z][A-Za-z]+Benchmark\.) ]]; then
                    echo "$line"
                fi
            done || true  # a trial that fails its setup by design (the JDK engine with a hybrid group) is no error
        end_step "$name" "$jdk_index"
    }
    echo "== JDK $jdk ($home)" >&2
    if [[ $quick == 1 ]]; then
        short=(-wi 2 -w 1s -i 2 -r 1s)
        jmh throughput ThroughputBenchmark -p stack=OURS,JDK,OPENSSL -p suite=TLS_AES_128_GCM_SHA256 \
            -p size=1024,16384 "${short[@]}"
        jmh handshake HandshakeBenchmark -p group=x25519 -p key=EC_P256 "${short[@]}"
        jmh throughput-accp ThroughputBenchmark -p stack=OURS_ACCP -p suite=TLS_AES_128_GCM_SHA256 \
            -p size=1024,16384 "${short[@]}"
        jmh handshake-accp HandshakeBenchmark -p stack=OURS_ACCP -p group=x25519 -p key=EC_P256 "${short[@]}"
        jmh record 'RecordBenchmark\.(seal|open|copyOnly|jcaSeal|jcaOpen)$' -p suite=TLS_AES_128_GCM_SHA256 \
            -p size=16384 -p bufferType=heap "${short[@]}"
        pairs=300
    else
        jmh throughput ThroughputBenchmark -p stack=OURS,JDK
        jmh throughput-openssl ThroughputBenchmark -p stack=OPENSSL -p suite=TLS_AES_128_GCM_SHA256
        OPENSSL_ia32cap="$chacha_env" jmh throughput-openssl-chacha ThroughputBenchmark -p stack=OPENSSL \
            -p suite=TLS_CHACHA20_POLY1305_SHA256
        # X25519MLKEM768 (ours and OPENSSL only) is run on its own: see README.md, "Post-quantum".
        jmh handshake HandshakeBenchmark -p group=x25519,secp256r1
        # Our JCA-only mode on ACCP (no ChaCha20 in ACCP: that suite would measure SunJCE again).
        jmh throughput-accp ThroughputBenchmark -p stack=OURS_ACCP \
            -p suite=TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384
        jmh handshake-accp HandshakeBenchmark -p stack=OURS_ACCP -p group=x25519,secp256r1
        jmh record 'RecordBenchmark\.(seal|open|copyOnly|jcaSeal|jcaOpen)$' \
            -p suite=TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256 \
            -p size=1024,16384 -p bufferType=heap -wi 3 -w 1s -i 3 -r 1s
        pairs=2000
    fi
    begin_step memory "$jdk_index"
    for stack in PLAIN OURS JDK OPENSSL; do
        "$java" -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dio.netty.leakDetection.level=disabled -cp "$jar" \
            dev.tls13.benchmarks.IdleMemory "$stack" "$pairs" | tail -1 >> "$out/jdk$jdk-memory.jsonl"
    done
    end_step memory "$jdk_index"
done
# This run's step durations (by JDK path and step) estimate the next run's time left; other JDKs' are kept.
if [[ -f "$timings" ]]; then
    grep -v -F -f <(cut -f1 "$new_timings") "$timings" >> "$new_timings" || true
fi
cp "$new_timings" "$timings"

python3 benchmarks/comparison_table.py "$out" | tee "$out/report.md"
echo "results: $out/report.md" >&2
