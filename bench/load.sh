#!/usr/bin/env bash
# Loopback load test of `tflited serve` with wrk (Debian package wrk): for the built-in demo
# model and a mobilenet, at several connection counts, prints requests/s and latency
# percentiles, the bare Interpreter.run median from `tflited bench` (so the HTTP overhead is
# visible), and the daemon's RSS under load. Bounded: each point runs --seconds (default 10).
#   bench/load.sh [--seconds S] [--connections "1 4 16 64"] [--model PATH.tflite]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
SECONDS_PER_POINT=10
CONNECTIONS="1 4 16 64"
MODEL="$ROOT/../shared/models/google-coral-test_data/mobilenet_v2_1.0_224_quant.tflite"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_POINT="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --model) MODEL="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "load.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "load.sh: wrk not found (apt-get install wrk)" >&2; exit 2; }
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$ROOT/tflited" --help >/dev/null

port=$((20000 + RANDOM % 20000))
mkdir -p "$work/models"
name=""
if [ -f "$MODEL" ]; then
  name="$(basename "$MODEL" .tflite)"
  ln -s "$(readlink -f "$MODEL")" "$work/models/$name.tflite"
fi

rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

# Request bodies. demo: KServe JSON. Image model: the binary tensor extension (raw bytes).
cat > "$work/demo.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[0.1,0.2,0.3,0.4]}]}'
LUA

run_points() { # $1 label, $2 url, $3 lua
  for c in $CONNECTIONS; do
    local t=$(( c < 2 ? 1 : 2 ))
    local out; out="$(wrk -t"$t" -c"$c" -d"${SECONDS_PER_POINT}s" --latency -s "$3" "$2" 2>&1)"
    local rps p50 p99 non2xx
    rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
    p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
    non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
    printf '%-34s %5s %10s %10s %10s %8s %7s\n' "$1" "$c" "${rps:-?}" "${p50:-?}" "${p99:-?}" "${non2xx:-0}" "$(rss "$pid")"
  done
}

printf '%-34s %5s %10s %10s %10s %8s %7s\n' model conns req/s p50 p99 non-2xx rss_mb

# 1. the built-in demo model
"$ROOT/tflited" serve --http "127.0.0.1:$port" --socket "" --queue-size 256 >"$work/demo.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do curl -fsS "127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
echo "idle RSS with the demo model: $(rss "$pid") MB"
run_points "demo (KServe JSON, TCP)" "http://127.0.0.1:$port/v2/models/demo/infer" "$work/demo.lua"
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""

# 2. an image model over the binary extension
if [ -n "$name" ]; then
  bytes="$("$ROOT/tflited" inspect "$MODEL" --json | sed -n 's/.*"inputs":\[{[^}]*"shape":\[\([0-9,]*\)\].*/\1/p' | head -n1 | tr ',' '*' | bc)"
  shape="$("$ROOT/tflited" inspect "$MODEL" --json | sed -n 's/.*"inputs":\[{[^}]*"shape":\(\[[0-9,]*\]\).*/\1/p' | head -n1)"
  input="$("$ROOT/tflited" inspect "$MODEL" --json | sed -n 's/.*"inputs":\[{"index":[0-9]*,"name":"\([^"]*\)".*/\1/p' | head -n1)"
  header="{\"inputs\":[{\"name\":\"$input\",\"shape\":$shape,\"datatype\":\"UINT8\",\"parameters\":{\"binary_data_size\":$bytes}}]}"
  cat > "$work/image.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["Inference-Header-Content-Length"] = "${#header}"
wrk.body = '$header' .. string.rep(string.char(128), $bytes)
LUA
  "$ROOT/tflited" serve --models "$work/models" --http "127.0.0.1:$port" --socket "" --queue-size 256 >"$work/model.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -fsS "127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.1; done
  echo "idle RSS with $name: $(rss "$pid") MB"
  bare="$("$ROOT/tflited" bench --model "$MODEL" --num-runs 30 --json 2>/dev/null | tail -n1 | sed -n 's/.*"median_ms": *\([0-9.]*\).*/\1/p')"
  echo "bare Interpreter.run median for $name: ${bare} ms (tflited bench, 1 thread)"
  run_points "$name (binary, TCP)" "http://127.0.0.1:$port/v2/models/$name/infer" "$work/image.lua"
fi
