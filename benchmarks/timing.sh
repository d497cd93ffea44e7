#!/usr/bin/env bash
# The dudect-style timing leak test of our P-256, table reads, and tag / Finished / binder comparisons
# (dev.tls13.crypto.TimingHarness; docs/security.md "Timing"). Not a unit test: it asserts nothing.
#
#   benchmarks/timing.sh [--jdk PATH] [--n N] [--n-ec N] [--only substring]...
#
# --n      measurements per class for the fast targets (default 100000; the documented run used 1000000)
# --n-ec   measurements per class for key generation, ECDH and signing (default 10000; documented: 100000)
# --only   run only the targets whose name contains the substring (repeatable)
# --jdk    the JDK to run on (default /usr/lib/jvm/java-17-openjdk-amd64)
# Prints a Markdown table: |t| per target against dudect's threshold of 4.5. Runs one target at a time on one
# thread; give it a quiet machine, and run it twice to tell a leak from noise.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

jdk=/usr/lib/jvm/java-17-openjdk-amd64
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --jdk) jdk="$2"; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done

jar=benchmarks/target/benchmarks.jar
if [[ "${REBUILD:-0}" == 1 || ! -f "$jar" ]] \
        || [[ -n "$(find benchmarks/src benchmarks/pom.xml netty-tls13-codec/src netty-tls13-codec/pom.xml \
                pom.xml -newer "$jar" -print -quit)" ]]; then
    echo "building $jar (JDK 17)" >&2
    JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 mvn -B -q -o -pl netty-tls13-codec,benchmarks -am package -DskipTests
fi

exec "$jdk/bin/java" -Xms512m -Xmx2g -cp "$jar" dev.tls13.crypto.TimingHarness ${args[@]+"${args[@]}"}
