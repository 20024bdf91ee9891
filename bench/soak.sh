#!/usr/bin/env bash
# Soak test of `tflited serve`: MINUTES (default 30) of mixed traffic over TCP and the Unix
# socket (good inferences on a small float model and two mobilenets, image classification,
# malformed JSON, wrong shapes, unknown models, oversized bodies, metadata) while a model file
# is swapped, overwritten with garbage, truncated and reloaded (SIGHUP and POST .../load) every
# RELOAD seconds. Every 10 s it samples the daemon's RSS (/proc/PID/status VmRSS), heap used
# right after a full GC (jcmd GC.run, then /metrics), open fds (/proc/PID/fd), threads and the
# request counters into soak.csv, and at the end prints start/end/min/max and a least-squares
# slope per hour for each. Exit 1 on an unexpected status (any 5xx), an I/O error, fd or
# thread growth, RSS or heap growth (thresholds below), an error in the log other than the
# deliberate bad reloads, or an unclean stop.
#   bench/soak.sh [MINUTES] [--reload-seconds S] [--connections N] [--think-ms T] [--out DIR]
# Run it niced on a shared machine: nice -n 10 bench/soak.sh 30 (in the background: setsid,
# not nohup, which makes the daemon ignore SIGHUP)
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/find-jdk.sh"
MINUTES=30
RELOAD=30
CONNECTIONS=4
THINK_MS=40
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reload-seconds) RELOAD="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --think-ms) THINK_MS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    [0-9]*) MINUTES="$1"; shift ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
MODELS_SRC="$ROOT/../shared/models"
for f in tflite-micro/hello_world/hello_world_float.tflite google-coral-test_data/mobilenet_v2_1.0_224_quant.tflite \
    google-coral-test_data/mobilenet_v1_0.25_128_quant.tflite google-coral-test_data/grace_hopper.bmp \
    google-coral-test_data/imagenet_labels.txt; do
  [ -f "$MODELS_SRC/$f" ] || { echo "soak.sh: $MODELS_SRC/$f not found (the shared models)" >&2; exit 2; }
done
work="${OUT:-$(mktemp -d -t tflited-soak.XXXXXX)}"
mkdir -p "$work"
echo "soak: $MINUTES min, work directory $work"

# Stage the classpath: a rebuild of the tree during the soak must not change the running jar.
"$ROOT/tflited" --help >/dev/null
(cd "$ROOT" && mvn -o -q -B compile -pl bench -am >/dev/null 2>&1) \
  || { echo "soak.sh: cannot build the load client (mvn compile -pl bench -am)" >&2; exit 1; }
mkdir -p "$work/cp"
cp "$(ls "$ROOT"/daemon/target/tflited-daemon-*.jar | grep -v -- -tests.jar | head -n1)" "$work/cp/"
cp -r "$ROOT/daemon/target/lib" "$work/cp/lib"
cp -r "$ROOT/bench/target/classes" "$work/cp/client"

m="$work/models"
mkdir -p "$m" "$work/req"
cp "$MODELS_SRC/tflite-micro/hello_world/hello_world_float.tflite" "$m/small.tflite"
cp "$MODELS_SRC/google-coral-test_data/mobilenet_v2_1.0_224_quant.tflite" "$m/mobilenet.tflite"
cp "$MODELS_SRC/google-coral-test_data/imagenet_labels.txt" "$m/mobilenet.labels.txt"
good_swap="$MODELS_SRC/google-coral-test_data/mobilenet_v1_0.25_128_quant.tflite"
cp "$good_swap" "$m/swap.tflite"
cp "$MODELS_SRC/google-coral-test_data/grace_hopper.bmp" "$work/req/hopper.bmp"

binary_body() { # $1 file, $2 shape, $3 bytes: a KServe binary-extension body of constant pixels
  local header="{\"inputs\":[{\"name\":\"input\",\"shape\":$2,\"datatype\":\"UINT8\",\"parameters\":{\"binary_data_size\":$3}}]}"
  { printf '%s' "$header"; head -c "$3" /dev/zero | tr '\0' '\200'; } >"$1"
  echo "${#header}"
}
h224="$(binary_body "$work/req/mobilenet.bin" "[1,224,224,3]" 150528)"
h128="$(binary_body "$work/req/swap.bin" "[1,128,128,3]" 49152)"
cat >"$work/req/mix" <<EOF
# weight, request, expected status
weight=40 path=/v2/models/small/infer type=application/json expect=200 json={"inputs":[{"name":"serving_default_dense_input:0","shape":[1,1],"datatype":"FP32","data":[0.5]}]}
weight=10 path=/v1/models/small:predict type=application/json expect=200 json={"instances":[[1.5]]}
weight=3 path=/v2/models/mobilenet/infer type=application/octet-stream header=Inference-Header-Content-Length:$h224 body=@mobilenet.bin expect=200
weight=1 path=/v1/models/mobilenet:classify?k=3 type=image/bmp body=@hopper.bmp expect=200
weight=6 path=/v2/models/swap/infer type=application/octet-stream header=Inference-Header-Content-Length:$h128 body=@swap.bin expect=200
weight=8 path=/v2/models/small/infer type=application/json expect=400 json={"inputs":[{"name":"serving_default_dense_input:0","shape":[1,1],"datatype":"FP32","data":[0.5
weight=8 path=/v2/models/small/infer type=application/json expect=400 json={"inputs":[{"name":"serving_default_dense_input:0","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}
weight=5 path=/v2/models/nosuch/infer type=application/json expect=404 json={"inputs":[]}
weight=3 path=/v2/models/small/infer type=application/json declare=1000000000 expect=413
weight=5 method=GET path=/v2/models/mobilenet expect=200
weight=5 method=GET path=/v2/health/ready expect=200
EOF

JAVA=("$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
sock="$work/tflited.sock"
: >"$work/serve.log"
# As the product launchers do (deploy/bin/tflited, ./tflited).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
env -u NOTIFY_SOCKET -u JOURNAL_STREAM "${JAVA[@]}" -Xmx512m ${TFLITED_JAVA_OPTS:-} \
  -cp "$work/cp/$(ls "$work/cp" | grep '\.jar$'):$work/cp/lib/*" io.tflited.daemon.Main serve \
  --models "$m" --http 127.0.0.1:0 --socket "$sock" --log-level info >"$work/serve.log" 2>&1 &
pid=$!
clients=()
cleanup() {
  for c in "${clients[@]}"; do kill "$c" 2>/dev/null || true; done
  kill -TERM "$pid" 2>/dev/null || true
}
trap cleanup EXIT
trap 'echo "soak.sh: failed at line $LINENO" >&2' ERR
port=""
for _ in $(seq 1 600); do
  port="$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/serve.log" | head -n1)"
  grep -q "tflited ready" "$work/serve.log" && [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
base="http://127.0.0.1:$port"
echo "soak: daemon pid $pid, $base and unix:$sock"
if grep -q "SIGHUP unavailable" "$work/serve.log"; then
  # nohup and some launchers start children with SIGHUP ignored; the JVM then keeps it so.
  echo "soak.sh: the daemon cannot receive SIGHUP (started with SIGHUP ignored, e.g. under nohup); use setsid" >&2
  exit 2
fi

seconds=$((MINUTES * 60))
run_client() { # $1 target, $2 log (exec: the background job's pid is the client's)
  exec "${JAVA[@]}" -Xmx128m -cp "$work/cp/client" io.tflited.bench.load.LoadClient --target "$1" \
    --mix "$work/req/mix" --connections "$CONNECTIONS" --seconds "$seconds" --warmup-seconds 0 \
    --think-ms "$THINK_MS" --report-seconds 60 --strict >"$2" 2>&1
}
run_client "tcp:127.0.0.1:$port" "$work/client-tcp.log" &
clients+=($!)
run_client "unix:$sock" "$work/client-unix.log" &
clients+=($!)

# Reloads, cycling through the ways an operator changes a model file.
reloads=0
bad_reload_reported=0
reload_step() {
  local step=$((reloads % 5)) tmp="$m/.swap.tmp" out
  case $step in
    0) cp "$good_swap" "$tmp" && mv "$tmp" "$m/swap.tflite"; kill -HUP "$pid" ;;  # replaced by rename
    1) head -c 4096 /dev/urandom | dd of="$m/swap.tflite" conv=notrunc status=none   # garbage in place
       out="$(curl -s -X POST "$base/v2/repository/models/swap/load")"
       grep -q 'failed to load.*stays in service' <<<"$out" && bad_reload_reported=$((bad_reload_reported + 1)) ;;
    2) cp "$good_swap" "$tmp" && mv "$tmp" "$m/swap.tflite"
       curl -sf -X POST "$base/v2/repository/models/swap/load" >/dev/null ;;
    3) truncate -s 100000 "$m/swap.tflite"; kill -HUP "$pid" ;;                        # truncated in place
    4) touch "$m/mobilenet.tflite" "$m/small.tflite"; kill -HUP "$pid" ;;              # same bytes, new versions
  esac
  reloads=$((reloads + 1))
}

csv="$work/soak.csv"
echo "t_s,rss_kb,heap_after_gc_bytes,fds,threads,requests,reloads" >"$csv"
metric() { sed -n "s/^$1 \([0-9.eE+]*\)$/\1/p" <<<"$2" | head -n1; }
start=$(date +%s)
next_reload=$((start + RELOAD))
while :; do
  now=$(date +%s)
  t=$((now - start))
  "$JAVA_HOME/bin/jcmd" "$pid" GC.run >/dev/null 2>&1 || true
  metrics="$(curl -s "$base/metrics" || true)"
  heap="$(metric tflited_heap_used_bytes "$metrics")"
  reqs="$(awk '/^tflited_requests_total/ {s += $2} END {printf "%d", s}' <<<"$metrics")"
  rss="$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")"
  fds="$(ls "/proc/$pid/fd" | wc -l)"
  threads="$(awk '/Threads/ {print $2}' "/proc/$pid/status")"
  echo "$t,$rss,${heap:-0},$fds,$threads,${reqs:-0},$reloads" >>"$csv"
  [ "$t" -ge "$seconds" ] && break
  while [ "$(date +%s)" -ge "$next_reload" ]; do reload_step; next_reload=$((next_reload + RELOAD)); done
  sleep $((10 - ($(date +%s) - start) % 10))
done
fail=0
for c in "${clients[@]}"; do wait "$c" || fail=1; done
clients=()
kill -TERM "$pid"
stop_rc=0
wait "$pid" || stop_rc=$?
trap - EXIT
[ "$stop_rc" -eq 0 ] || { echo "soak: FAIL: the daemon exited $stop_rc after SIGTERM"; fail=1; }
[ -S "$sock" ] && { echo "soak: FAIL: socket file left behind"; fail=1; }
for f in "$work"/client-*.log; do echo "$(basename "$f" .log): $(grep '^result' "$f")"; done
clean() { grep '^result' "$1" | grep -q 'unexpected=0 io_errors=0$'; }
clean "$work/client-tcp.log" && clean "$work/client-unix.log" \
  || { echo "soak: FAIL: unexpected answers or I/O errors (see $work/client-*.log)"; fail=1; }
echo "reloads: $reloads (bad reloads answered with the reason, old version kept: $bad_reload_reported)"
# Errors in the log other than the deliberate bad model files.
other="$(grep -E ' (ERROR|WARN) ' "$work/serve.log" | grep -v -E 'model swap( failed to load|: keeping version)' || true)"
[ -z "$other" ] || { echo "soak: FAIL: unexpected errors in the log:"; head -n 20 <<<"$other"; fail=1; }
python3 - "$csv" <<'PY' || fail=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
t = [float(r["t_s"]) for r in rows]
# The first two minutes are warm-up (JIT, class loading, the first reloads): trends start after.
skip = next((i for i, x in enumerate(t) if x >= 120), 0) if t[-1] >= 600 else 0
def fit(xs, ys):
    n = len(xs); mx = sum(xs) / n; my = sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return 0.0 if sxx == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
fail = False
print(f"{'series':<20}{'start':>12}{'end':>12}{'min':>12}{'max':>12}{'slope/hour':>14}")
for key, unit, scale, limit in (("rss_kb", "MB", 1 / 1024, 0.10), ("heap_after_gc_bytes", "MB", 1 / 2**20, 0.20),
                                ("fds", "", 1, None), ("threads", "", 1, None)):
    ys = [float(r[key]) * scale for r in rows]
    xs, yw = t[skip:], ys[skip:]
    slope = fit(xs, yw) * 3600
    growth = fit(xs, yw) * (xs[-1] - xs[0])
    print(f"{key + (' (' + unit + ')' if unit else ''):<20}{ys[0]:>12.1f}{ys[-1]:>12.1f}{min(ys):>12.1f}{max(ys):>12.1f}{slope:>14.2f}")
    q = max(1, len(yw) // 4)
    if limit is None:
        # Counts: the last quarter's mean may not exceed the first quarter's by more than 8.
        rise = sum(yw[-q:]) / q - sum(yw[:q]) / q
        if rise > 8:
            print(f"soak: FAIL: {key} grew by {rise:.1f} (first vs last quarter)"); fail = True
    else:
        # Memory: the fitted growth over the window may not exceed the limit's share of the mean
        # (and 16 MB: noise of the collector and the allocator on a small heap).
        mean = sum(yw) / len(yw)
        if growth > max(16, limit * mean):
            print(f"soak: FAIL: {key} grew by {growth:.1f} {unit} over the run (trend)"); fail = True
print(f"requests answered (daemon counter): {rows[-1]['requests']}")
sys.exit(1 if fail else 0)
PY
[ "$fail" -eq 0 ] && echo "soak: PASS ($csv)" || { echo "soak: FAIL ($work)"; exit 1; }
