#!/usr/bin/env bash
# Loopback load test of `tflited serve` with the Java load client (bench LoadClient: HTTP/1.1
# keep-alive, one thread per connection, closed loop) over TCP and the Unix socket, for the
# built-in demo model (KServe JSON) and a mobilenet (KServe binary extension), at several
# connection counts. Prints requests/s, p50/p99/p99.9 of the 2xx answers, the status counts,
# I/O errors and the daemon's RSS; then the bare Interpreter.run median from `tflited bench`
# (so the HTTP overhead is visible) and a queue-limit check: with --queue-size 4, 1 worker
# and 16 connections the excess must get fast 503s (429 on /v1), no other error.
# Bounded: each point runs --seconds (default 5) after a 1 s warm-up.
#   bench/load.sh [--seconds S] [--connections "1 4 16 64"] [--model PATH.tflite]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/find-jdk.sh"
SECONDS_PER_POINT=5
CONNECTIONS="1 4 16 64"
MODEL="$ROOT/../shared/models/google-coral-test_data/mobilenet_v2_1.0_224_quant.tflite"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_POINT="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --model) MODEL="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "load.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d)"
pid=""
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$ROOT/tflited" --help >/dev/null
(cd "$ROOT" && mvn -o -q -B compile -pl bench -am >/dev/null 2>&1) \
  || { echo "load.sh: cannot build the load client (mvn compile -pl bench -am)" >&2; exit 1; }
client() { "$JAVA_HOME/bin/java" -cp "$ROOT/bench/target/classes" io.tflited.bench.load.LoadClient "$@"; }

rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

start_serve() { # $1 log, then serve options; sets pid, port, sock
  local log="$1"; shift
  sock="$work/tflited.sock"
  : >"$log"
  "$ROOT/tflited" serve --http 127.0.0.1:0 --socket "$sock" "$@" >"$log" 2>&1 &
  pid=$!
  port=""
  for _ in $(seq 1 600); do
    port="$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -n1)"
    grep -q "tflited ready" "$log" && [ -n "$port" ] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "load.sh: serve did not start" >&2; cat "$log" >&2; exit 1
}
stop_serve() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

row() { printf '%-36s %-5s %5s %9s %9s %9s %9s %-26s %6s %7s\n' "$@"; }
run_points() { # $1 label, $2 mix
  for transport in tcp unix; do
    local target="tcp:127.0.0.1:$port"
    [ "$transport" = unix ] && target="unix:$sock"
    for c in $CONNECTIONS; do
      local out
      out="$(client --target "$target" --mix "$2" --connections "$c" --seconds "$SECONDS_PER_POINT" | grep '^result')"
      row "$1" "$transport" "$c" "$(field rps "$out")" "$(field p50_ms "$out")" "$(field p99_ms "$out")" \
        "$(field p999_ms "$out")" "$(field status "$out")" "$(field io_errors "$out")" "$(rss "$pid")"
    done
  done
}

cat >"$work/demo.mix" <<'EOF'
path=/v2/models/demo/infer type=application/json json={"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[0.1,0.2,0.3,0.4]}]}
EOF

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
row model transport conns req/s p50_ms p99_ms p99.9_ms status io_err rss_mb

# 1. the built-in demo model
start_serve "$work/demo.log" --queue-size 256
demo_idle="$(rss "$pid")"
run_points "demo (KServe JSON)" "$work/demo.mix"
stop_serve

# 2. an image model over the binary extension
if [ -f "$MODEL" ]; then
  name="$(basename "$MODEL" .tflite)"
  mkdir -p "$work/models"
  ln -s "$(readlink -f "$MODEL")" "$work/models/$name.tflite"
  inspect="$("$ROOT/tflited" inspect "$MODEL" --json)"
  shape="$(sed -n 's/.*"inputs":\[{[^}]*"shape":\(\[[0-9,]*\]\).*/\1/p' <<<"$inspect" | head -n1)"
  bytes="$(tr -d '[]' <<<"$shape" | tr ',' '*' | bc)"
  input="$(sed -n 's/.*"inputs":\[{"index":[0-9]*,"name":"\([^"]*\)".*/\1/p' <<<"$inspect" | head -n1)"
  header="{\"inputs\":[{\"name\":\"$input\",\"shape\":$shape,\"datatype\":\"UINT8\",\"parameters\":{\"binary_data_size\":$bytes}}]}"
  { printf '%s' "$header"; head -c "$bytes" /dev/zero | tr '\0' '\200'; } >"$work/image.bin"
  echo "path=/v2/models/$name/infer type=application/octet-stream header=Inference-Header-Content-Length:${#header} body=@image.bin" >"$work/image.mix"
  start_serve "$work/model.log" --models "$work/models" --queue-size 256
  model_idle="$(rss "$pid")"
  run_points "$name (binary)" "$work/image.mix"
  stop_serve
  bare="$("$ROOT/tflited" bench --model "$MODEL" --num-runs 30 --json 2>/dev/null | tail -n1 | sed -n 's/.*"median_ms": *\([0-9.]*\).*/\1/p')"
  echo
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "idle RSS: demo $demo_idle MB, $name $model_idle MB"
  echo "bare Interpreter.run median for $name: ${bare} ms (tflited bench, 1 thread)"

  # 3. above the queue limit: 16 connections, queue of 4, one worker -> only 200 and fast
  #    503 (KServe) / 429 (TF Serving), half of the requests each.
  sed 's/$/ expect=200,503/' "$work/image.mix" >"$work/limit.mix"
  { printf '{"inputs":{"b64":"'; head -c "$bytes" /dev/zero | tr '\0' '\200' | base64 -w0; printf '"}}'; } >"$work/image.v1.json"
  echo "path=/v1/models/$name:predict type=application/json body=@image.v1.json expect=200,429" >>"$work/limit.mix"
  start_serve "$work/limit.log" --models "$work/models" --queue-size 4 --workers 1
  out="$(client --target "unix:$sock" --mix "$work/limit.mix" --connections 16 --seconds "$SECONDS_PER_POINT" --strict | grep '^result')" \
    || { echo "load.sh: FAIL: answers other than 200/503 or I/O errors above the queue limit: $out"; exit 1; }
  stop_serve
  echo "queue limit (queue 4, 1 worker, 16 connections, unix): $(field status "$out"), io_errors $(field io_errors "$out"); 200 p50 $(field p50_ms "$out") ms; 503/429 p50 $(field non2xx_p50_ms "$out") ms p99 $(field non2xx_p99_ms "$out") ms"
fi
