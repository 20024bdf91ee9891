#!/usr/bin/env bash
# Benchmarks every model in ../shared/models with `tflited bench` and both reference runtimes
# of ../shared/tools/oracle (LiteRT 2.5.3 with XNNPACK, TFLite 2.4.1 native), in one run on
# this machine, and prints a table of medians and ratios.
#
#   bench/compare.sh [--threads "1 2"] [--seconds S] [--runs N] [--only REGEX]   (models whose path matches)
#
# Ratios are tflited / reference: below 1.0 means tflited is faster. Every runtime gets a
# warm-up: the references run --bench S seconds (their own warm-up included); tflited warms
# up for S seconds and at least 20 runs (the JIT needs time as well as runs; a run count
# estimated from a cold probe left small models measured before C2 had compiled them)
# before its N timed runs. The last column is the
# other processes' CPU load LiteRT measured during its run: the machine is shared, quote
# medians from quiet runs.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
SHARED="${TFLITED_SHARED:-$ROOT/../shared}"
ORACLE="$SHARED/tools/oracle"
THREADS="1 2"
SECONDS_PER_REF=5
RUNS=50
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS="$2"; shift 2 ;;
    --seconds) SECONDS_PER_REF="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -d "$SHARED/models" ] || { echo "compare.sh: $SHARED/models not found" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
median() { sed -n 's/.*"median_ms": *\([0-9.]*\).*/\1/p' | head -n1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }

"$ROOT/tflited" --help >/dev/null   # build once before timing anything

printf '%-62s %3s %12s %12s %12s %9s %9s %6s\n' model thr tflited_ms litert_ms tflite_ms vs_litert vs_tflite load%
find "$SHARED/models" -name '*.tflite' -not -path '*invalid_models*' | sort | while read -r model; do
  name="${model#"$SHARED/models/"}"
  [ -z "$ONLY" ] || [[ "$name" =~ $ONLY ]] || continue
  for t in $THREADS; do
    mine=$("$ROOT/tflited" bench --model "$model" --threads "$t" --warmup-runs 20 --warmup-seconds "$SECONDS_PER_REF" --num-runs "$RUNS" --json 2>/dev/null | tail -n1 | median || true)
    rm -rf "$work/in" "$work/out1" "$work/out2"; mkdir -p "$work/in"
    tfl=$("$ORACLE/tflite-ref" "$model" "$work/in" "$work/out1" --threads "$t" --bench "$SECONDS_PER_REF" 2>/dev/null \
      | grep '^bench:' | median || true)
    lrt_line=$("$ORACLE/litert-ref" "$model" "$work/in" "$work/out2" --threads "$t" --bench "$SECONDS_PER_REF" 2>/dev/null \
      | grep '^bench:' || true)
    lrt=$(echo "$lrt_line" | median || true)
    load=$(echo "$lrt_line" | sed -n 's/.*"other_cpu_pct": *\([0-9.]*\).*/\1/p' | head -n1)
    printf '%-62s %3s %12s %12s %12s %9s %9s %6s\n' "$name" "$t" "${mine:--}" "${lrt:--}" "${tfl:--}" \
      "$(ratio "$mine" "$lrt")" "$(ratio "$mine" "$tfl")" "${load:--}"
  done
done
