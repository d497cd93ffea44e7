#!/usr/bin/env bash
# Runs RecordBenchmark with the GC profiler and turns the JSON into a Markdown table.
#
#   benchmarks/run.sh [extra JMH options...]
#
# JAVA_HOME picks the JDK that runs the benchmark (and Maven, when a build is needed), e.g.
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/run.sh
# Extra options go to JMH after the defaults, so they override them, e.g. a short smoke run:
#   benchmarks/run.sh -p size=16384 -wi 1 -i 1 -w 1s -r 1s
# REBUILD=1 forces a build; otherwise the jar is built when missing or older than any source.
# Output: benchmarks/results/<jdk>-<UTC time>.json and .md (the table is also printed).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [[ -n "${JAVA_HOME:-}" ]]; then
    java="$JAVA_HOME/bin/java"
else
    java="$(command -v java)"
fi
jar=benchmarks/target/benchmarks.jar

if [[ "${REBUILD:-0}" == 1 || ! -f "$jar" ]] \
        || [[ -n "$(find benchmarks/src benchmarks/pom.xml netty-tls13-codec/src/main netty-tls13-codec/pom.xml \
                pom.xml -newer "$jar" -print -quit)" ]]; then
    echo "building $jar" >&2
    mvn -B -q -pl netty-tls13-codec,benchmarks -am package -DskipTests
fi

jdk="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
mkdir -p benchmarks/results
out="benchmarks/results/jdk${jdk}-$(date -u +%Y%m%dT%H%M%SZ)"

"$java" -jar "$jar" 'dev\.tls13\.benchmarks\.RecordBenchmark\.' -prof gc -rf json -rff "$out.json" "$@"

python3 benchmarks/results_table.py "$out.json" | tee "$out.md"
echo "results: $out.json, $out.md" >&2
