#!/usr/bin/env bash
# Runs the JMH kernel benchmarks: bench/jmh.sh [JMH args], e.g.
#   bench/jmh.sh GemmBenchmark -f 1 -wi 3 -i 5
#   bench/jmh.sh -jvmArgsAppend -Dtflited.vector.bits=128 GemmBenchmark   (the Pi's NEON width)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/find-jdk.sh"
(cd "$ROOT" && mvn -q -B -DskipTests package -pl bench -am >/dev/null)
exec java --add-modules jdk.incubator.vector -cp "$ROOT/bench/target/classes:$ROOT/bench/target/lib/*" \
  org.openjdk.jmh.Main -jvmArgsPrepend "--add-modules=jdk.incubator.vector" "$@"
