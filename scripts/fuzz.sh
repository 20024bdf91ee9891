#!/usr/bin/env bash
# Fuzzes one target for a long run (`mvn test` fuzzes each for ${tflited.fuzz.seconds} only):
#
#   scripts/fuzz.sh TARGET [DURATION]      DURATION: seconds or 30s / 10m / 2h (default 10m)
#
#   model-loader    runtime ModelLoaderFuzzTest   bytes -> verify, prepare, run
#   model-inspect   runtime ModelInspectFuzzTest  bytes -> verifier and what inspect reads
#   api             daemon  ApiFuzzTest           HTTP request -> Api#handle, never 5xx
#   images          daemon  ImageDecodeFuzzTest   image bytes -> Images.decode
#
# Seeds: the regression inputs (src/test/resources/.../<Class>Inputs/<method>), our generated
# seeds, and for the model targets the small models of ../shared/models, copied by the test
# into the generated corpus .cifuzz-corpus/<class>/<method> of the module (kept between runs,
# not in git). Each input has FUZZ_TIMEOUT seconds (default 10) and the JVM FUZZ_HEAP (default
# -Xmx1g for the runtime, the daemon's -Xmx256m of systemd/tflited.service for api and
# images); a crash, timeout or OutOfMemoryError stops the run and is written as crash-<sha1>
# (timeout-/oom-) into that Inputs directory (the module directory when it does not exist):
# find the cause, fix it, and keep the file there as a regression input (replayed by every
# `mvn test`; replay one alone with mvn test -pl MODULE -Dtest=CLASS). FUZZ_ARGS adds one
# more libFuzzer flag (e.g. -use_value_profile=1).
#
# The log is target/fuzz-TARGET.log in the module; the summary (executions, exec/s, coverage
# as libFuzzer's cov/ft, corpus size, peak RSS) is printed at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/find-jdk.sh"

target="${1:-}"
duration="${2:-10m}"
case "$target" in
  model-loader) module=runtime; class=ModelLoaderFuzzTest; heap=-Xmx1g; cover='io.tflited.**' ;;
  model-inspect) module=runtime; class=ModelInspectFuzzTest; heap=-Xmx1g; cover='io.tflited.**' ;;
  api) module=daemon; class=ApiFuzzTest; heap=-Xmx256m; cover='io.tflited.**:com.fasterxml.jackson.core.**' ;;
  images) module=daemon; class=ImageDecodeFuzzTest; heap=-Xmx256m
    cover='io.tflited.**:com.sun.imageio.**:javax.imageio.**' ;;
  *) sed -n '2,9p' "$0" >&2; exit 2 ;;
esac
case "$duration" in
  *h) seconds=$(( ${duration%h} * 3600 )) ;;
  *m) seconds=$(( ${duration%m} * 60 )) ;;
  *s) seconds=${duration%s} ;;
  *) seconds=$duration ;;
esac

log="$ROOT/$module/target/fuzz-$target.log"
mkdir -p "$ROOT/$module/target"
cd "$ROOT"
# -am builds the runtime this checkout has, not whatever another build left in ~/.m2.
# Fuzzing runs in Surefire's default-test with -Dtest (the fuzz-* executions are skipped).
set +e
JAZZER_FUZZ=1 mvn -B ${MVN_OFFLINE--o} test -pl "$module" -am \
  -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.extraArgs="${FUZZ_HEAP:-$heap}" \
  -Djazzer.instrumentation_includes="$cover" \
  -Djazzer.internal.arg.0=fuzz \
  -Djazzer.internal.arg.1="-max_total_time=$seconds" \
  -Djazzer.internal.arg.2="-timeout=${FUZZ_TIMEOUT:-10}" \
  -Djazzer.internal.arg.3=-print_final_stats=1 \
  ${FUZZ_ARGS:+-Djazzer.internal.arg.4="$FUZZ_ARGS"} \
  2>&1 | tee "$log" \
  | grep -E --line-buffered '^#[0-9]+[[:space:]]+(pulse|DONE)|== Java Exception|FuzzerSecurityIssue|Tests run:|BUILD|ERROR'
rc=${PIPESTATUS[0]}
set -e
echo "---- $target, $seconds s (log: $log)"
grep -E '^#[0-9]+[[:space:]]+DONE|^stat::|^Done [0-9]+ runs' "$log" || true
grep -E '^(crash|timeout|oom|slow-unit)-|artifact_prefix|Test unit written to' "$log" || true
exit "$rc"
