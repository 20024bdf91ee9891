#!/usr/bin/env bash
# Installs (or upgrades) tflited on a Raspberry Pi or any Debian-based box over ssh:
# copies the .deb, installs it with its dependencies, enables the service and checks health.
# Idempotent: running it again re-installs the same package and re-checks.
#   deploy/install.sh [user@]host [path/to/tflited_<version>_all.deb]
set -euo pipefail
HOST="${1:?usage: deploy/install.sh [user@]host [tflited.deb]}"
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
DEB="${2:-$(ls -t "$ROOT"/deploy/out/tflited_*_all.deb 2>/dev/null | head -n1)}"
[ -f "$DEB" ] || { echo "install.sh: no .deb; run deploy/build.sh first" >&2; exit 2; }
name="$(basename "$DEB")"
echo "install.sh: copying $name to $HOST"
scp -q "$DEB" "$HOST:/tmp/$name"
# shellcheck disable=SC2029
ssh "$HOST" "set -e
  sudo apt-get install -y -q /tmp/$name >/dev/null
  rm -f /tmp/$name
  sudo systemctl enable --now tflited.service
  for i in \$(seq 1 60); do
    if curl -fsS http://127.0.0.1:8080/v2/health/ready >/dev/null 2>&1; then
      echo 'tflited is ready on' \$(hostname); exit 0
    fi
    sleep 1
  done
  echo 'tflited did not become ready; journalctl -u tflited -n 50:' >&2
  sudo journalctl -u tflited -n 50 --no-pager >&2
  exit 1"
