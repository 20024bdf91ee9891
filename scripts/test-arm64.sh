#!/usr/bin/env bash
# Runs the runtime's tests on the aarch64 (Raspberry Pi) code path: an arm64 JDK under qemu
# user-mode emulation (../shared/tools/arm64/setup.sh, -cpu cortex-a76 = Pi 5), where the
# Vector API's preferred species is 128-bit NEON. Emulation is ~20x slower (~100x for vector
# code): this is a correctness run, not part of scripts/test.sh and never a timing.
#
#   scripts/test-arm64.sh                  the default subset below (a few minutes)
#   scripts/test-arm64.sh -Dtest=Pattern   any other selection (Surefire syntax)
#
# The default subset, chosen to finish well under 15 minutes:
#   kernels.**.*ParityTest   every scalar-vs-vector kernel parity test, at the NEON width
#   GoldenModelsTest         every golden of ../shared/models/golden on the AUTO kernels, i.e.
#                            the vector kernels at 128 bits, bit-exact with TFLite 2.4.1
#   InterpreterApiTest       the public API (resize, signatures, errors)
#   WorkerPoolTest           the intra-op pool on aarch64's weaker memory model
#   ThreadDeterminismTest    1 vs 2 vs 3 threads bit-identical on the whole corpus
# Not run here: the differential tests against TFLite's JNI library (x86-64 only; they skip
# on aarch64 with a reason) and the timing-based tests.
#
# Environment: HOST_JDK (default /tmp/arm64jdk, set up by setup.sh when missing),
# TFLITED_ARM64_SETUP (path of setup.sh), QEMU_CPU (cortex-a72 = Pi 4).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/find-jdk.sh"
SETUP="${TFLITED_ARM64_SETUP:-$ROOT/../shared/tools/arm64/setup.sh}"
HOST_JDK="${HOST_JDK:-/tmp/arm64jdk}"
if [ ! -x "$HOST_JDK/bin/java" ]; then
  [ -f "$SETUP" ] || { echo "test-arm64: $SETUP not found" >&2; exit 2; }
  HOST_JDK="$HOST_JDK" bash "$SETUP"
fi
"$HOST_JDK/bin/java" -XshowSettings:properties -version 2>&1 | grep -E 'os.arch|java.version ' >&2
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-Dtest='io.tflited.runtime.kernels.**.*ParityTest,GoldenModelsTest,InterpreterApiTest,WorkerPoolTest,ThreadDeterminismTest')
cd "$ROOT"
marker="$(mktemp)"
trap 'rm -f "$marker"' EXIT
# -Dtest=... also turns off the extra width/scalar executions of runtime/pom.xml: on aarch64
# the preferred width is already the 128 bits they would force.
mvn -B -ntp test -pl runtime -Djvm="$HOST_JDK/bin/java" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.timeout=5400 "${args[@]}"
# Surefire says nothing about the forked JVM's architecture: prove the run was on aarch64.
arch=$(find runtime/target/surefire-reports -name 'TEST-*.xml' -newer "$marker" \
  -exec grep -ho 'name="os.arch" value="[^"]*"' {} + | sort -u)
echo "test-arm64: forked test JVM: ${arch:-unknown}" >&2
[ "$arch" = 'name="os.arch" value="aarch64"' ] || { echo "test-arm64: tests did not run on aarch64" >&2; exit 1; }
