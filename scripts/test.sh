#!/usr/bin/env bash
# Runs the whole test suite (unit, per-op differential tests against TensorFlow Lite 2.4.1,
# golden and corpus tests on ../shared/models, daemon integration tests).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/find-jdk.sh"
cd "$ROOT"
exec mvn -B -ntp test "$@"
