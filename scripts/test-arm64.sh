#!/usr/bin/env bash
# Runs the runtime's tests on the aarch64 (Raspberry Pi) code path: an arm64 JDK under qemu
# user-mode emulation with 128-bit NEON vector species (../shared/tools/arm64/setup.sh).
# Emulation is ~20x slower: this is a correctness run, not part of scripts/test.sh.
#   scripts/test-arm64.sh [-Dtest=Pattern ...]    (default: kernel, op and golden tests)
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
[ ${#args[@]} -gt 0 ] || args=(-Dtest='io.tflited.runtime.ops.**.*Test,GoldenModelsTest,InterpreterApiTest,ArenaPlannerTest')
cd "$ROOT"
exec mvn -B -ntp test -pl runtime -Djvm="$HOST_JDK/bin/java" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.timeout=5400 "${args[@]}"
