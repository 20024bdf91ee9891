#!/usr/bin/env bash
# Proves the distributables built by deploy/build.sh:
#   1. the .deb: dpkg-deb --info/--contents hold what a Pi install needs; lintian is clean;
#   2. install -> remove -> purge round trip in a throwaway Debian root (debootstrap) leaves
#      nothing behind, creates and removes the service user, keeps the conffile on remove;
#   3. systemd/tflited.service passes systemd-analyze verify;
#   4. the jlink image serves the demo model and answers /v2/health/ready (start-to-ready with
#      and without the AppCDS archive, image size, idle RSS are printed);
#   5. the unit's sandbox: systemd-analyze security exposure at most 2.0, and the packaged
#      launcher serves, reloads and drains under the unit's own SystemCallFilter= (seccomp).
# Needs root, dpkg-deb, lintian, debootstrap, python3-seccomp, systemd
# (apt-get install lintian debootstrap python3-seccomp).
#   deploy/test.sh [--no-build]
set -uo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
OUT="$ROOT/deploy/out"
pass=0
fail=0
ok() { echo "deploy-test: ok    $*"; pass=$((pass + 1)); }
bad() { echo "deploy-test: FAIL  $*"; fail=$((fail + 1)); }
check() { local what="$1"; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }

if [ "${1:-}" != "--no-build" ]; then
  bash "$ROOT/deploy/build.sh" >/tmp/tflited-deploy-build.log 2>&1 || { cat /tmp/tflited-deploy-build.log; echo "deploy-test: build failed"; exit 1; }
fi
DEB="$(ls "$OUT"/tflited_*_all.deb | head -n1)"
VERSION="$(basename "$DEB" | sed 's/^tflited_\(.*\)_all.deb$/\1/')"
echo "deploy-test: $(basename "$DEB") $(du -h "$DEB" | cut -f1), tarball $(du -h "$OUT"/tflited-*[0-9T].tar.gz | cut -f1 | head -n1)"

# 1. contents and lintian ----------------------------------------------------------------------
info="$(dpkg-deb --info "$DEB")"
contents="$(dpkg-deb --contents "$DEB")"
check "control: Package tflited" grep -q '^ Package: tflited' <<<"$info"
check "control: depends on a Java >= 21 runtime" grep -q 'Depends:.*jre-headless' <<<"$info"
for path in ./usr/bin/tflited ./lib/systemd/system/tflited.service ./etc/tflited/tflited.yaml \
    ./var/lib/tflited/models/ ./usr/share/doc/tflited/copyright ./usr/share/man/man1/tflited.1.gz; do
  check "contents: $path" grep -q " $path\$" <<<"$contents"
done
check "contents: daemon jar" grep -q 'usr/share/tflited/lib/tflited-daemon-' <<<"$contents"
check "conffile /etc/tflited/tflited.yaml" sh -c "dpkg-deb --ctrl-tarfile '$DEB' | tar -xO ./conffiles | grep -qx /etc/tflited/tflited.yaml"
if command -v lintian >/dev/null; then
  tags="$(lintian --tag-display-limit 0 "$DEB" 2>/dev/null | grep -E '^[EW]:' || true)"
  if [ -z "$tags" ]; then ok "lintian: no errors or warnings"; else bad "lintian: $tags"; fi
else
  bad "lintian is not installed (apt-get install lintian)"
fi

# 2. install / remove / purge round trip in a throwaway root ---------------------------------
CHROOT="${TFLITED_DEBROOT:-/tmp/tflited-debroot}"
if [ ! -x "$CHROOT/usr/bin/dpkg" ]; then
  mirror="$(grep -h -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -E '/debian$' | head -n1)"
  debootstrap --variant=minbase --include=adduser,systemd,procps bookworm "$CHROOT" "${mirror:-http://deb.debian.org/debian}" \
    >/tmp/tflited-debootstrap.log 2>&1 || { tail -5 /tmp/tflited-debootstrap.log; rm -rf "$CHROOT"; }
fi
if [ -x "$CHROOT/usr/bin/dpkg" ]; then
  snapshot() {
    (cd "$CHROOT" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp \
      -o -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache -o -path ./run \) -prune -o -print \
      | grep -v -E '^\./etc/(passwd|group|shadow|gshadow|subuid|subgid)-?$' | sort)
  }
  dpkg --root="$CHROOT" --purge tflited >/dev/null 2>&1 || true
  before="$(snapshot)"
  cp "$DEB" "$CHROOT/tmp/tflited.deb"
  if chroot "$CHROOT" dpkg -i --force-depends /tmp/tflited.deb >/tmp/tflited-dpkg.log 2>&1; then
    ok "install in a throwaway root"
  else
    bad "install: $(tail -3 /tmp/tflited-dpkg.log)"
  fi
  check "installed /usr/bin/tflited" test -x "$CHROOT/usr/bin/tflited"
  check "service user created" chroot "$CHROOT" getent passwd tflited
  check "model dir owned by tflited" sh -c "chroot '$CHROOT' stat -c %U /var/lib/tflited/models | grep -qx tflited"
  if systemd-analyze verify --root="$CHROOT" /lib/systemd/system/tflited.service >/tmp/tflited-verify.log 2>&1 \
      && ! grep -q . /tmp/tflited-verify.log; then
    ok "systemd-analyze verify tflited.service"
  else
    bad "systemd-analyze verify: $(head -5 /tmp/tflited-verify.log)"
  fi
  echo "# local edit" >> "$CHROOT/etc/tflited/tflited.yaml"
  chroot "$CHROOT" dpkg -r tflited >/dev/null 2>&1 && ok "remove" || bad "remove"
  check "remove keeps the edited conffile" grep -q '# local edit' "$CHROOT/etc/tflited/tflited.yaml"
  check "remove deletes the program" test ! -e "$CHROOT/usr/bin/tflited"
  chroot "$CHROOT" dpkg -P tflited >/dev/null 2>&1 && ok "purge" || bad "purge"
  check "purge removes the service user" sh -c "! chroot '$CHROOT' getent passwd tflited"
  after="$(snapshot)"
  left="$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' || true)"
  if [ -z "$left" ]; then ok "purge leaves nothing behind"; else bad "left behind: $left"; fi
  rm -f "$CHROOT/tmp/tflited.deb"
else
  bad "no throwaway root (debootstrap failed; see /tmp/tflited-debootstrap.log)"
fi

# 4. the jlink image serves ------------------------------------------------------------------
STAGE="$(ls -d "$OUT"/stage/tflited-* 2>/dev/null | head -n1)"
if [ -n "$STAGE" ] && [ -x "$STAGE/runtime/bin/java" ]; then
  echo "deploy-test: jlink image $(du -sh "$STAGE/runtime" | cut -f1), with app $(du -sh "$STAGE" | cut -f1)"
  ready_ms() { # $1: extra JVM options; prints start-to-ready ms and idle RSS
    local port=$((20000 + RANDOM % 20000)) start pid ms=""
    start=$(date +%s%N)
    TFLITED_JAVA_OPTS="$1" "$STAGE/bin/tflited" serve --http "127.0.0.1:$port" --socket "" >/tmp/tflited-jlink.log 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
      if curl -fsS "http://127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1; then
        ms=$(( ($(date +%s%N) - start) / 1000000 )); break
      fi
      sleep 0.05
    done
    sleep 1
    local rss; rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status 2>/dev/null)
    kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null
    echo "${ms:-none} ${rss:-?}"
  }
  read -r cds rss1 <<<"$(ready_ms "")"
  read -r nocds rss2 <<<"$(ready_ms "-Xshare:off")"
  if [ "$cds" != "none" ]; then
    ok "jlink image answers /v2/health/ready (start-to-ready ${cds} ms with AppCDS, ${nocds} ms without; idle RSS ${rss1} MB)"
  else
    bad "jlink image never became ready: $(tail -3 /tmp/tflited-jlink.log)"
  fi
else
  echo "deploy-test: no jlink image (build.sh --no-jlink); skipped the image check"
fi

# 5. the unit's sandbox ---------------------------------------------------------------------
UNIT="$ROOT/systemd/tflited.service"
exposure="$(systemd-analyze security --offline=true "$UNIT" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
if [ -n "$exposure" ] && awk "BEGIN { exit !($exposure <= 2.0) }"; then
  ok "systemd-analyze security: exposure $exposure (at most 2.0)"
else
  bad "systemd-analyze security: exposure ${exposure:-unknown} (want at most 2.0)"
fi
# systemd cannot boot in the throwaway root, so the unit's SystemCallFilter= is installed with
# libseccomp by deploy/tools/syscall-filter-run and the packaged launcher runs under it with the
# unit's JVM options: start, serve over TCP and the socket, infer, reload, drain on SIGTERM.
if [ -n "$STAGE" ] && /usr/bin/python3 -c 'import seccomp' 2>/dev/null; then
  opts="$(sed -n 's/^Environment="TFLITED_JAVA_OPTS=\(.*\)"$/\1/p' "$UNIT")"
  port=$((20000 + RANDOM % 20000))
  sock="$(mktemp -u /tmp/tflited-seccomp.XXXXXX.sock)"
  TFLITED_JAVA_OPTS="$opts" "$ROOT/deploy/tools/syscall-filter-run" "$UNIT" "$STAGE/bin/tflited" serve \
    --http "127.0.0.1:$port" --socket "$sock" >/tmp/tflited-seccomp.log 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$port/v2/health/ready" >/dev/null 2>&1 && break; sleep 0.05; done
  answer="$(curl -fsS -X POST "http://127.0.0.1:$port/v2/models/demo/infer" \
    -d '{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}' 2>/dev/null)"
  viasocket="$(curl -fsS --unix-socket "$sock" http://localhost/v2/models/demo/ready -o /dev/null -w '%{http_code}' 2>/dev/null)"
  java_pid="$(pgrep -f "serve --http 127.0.0.1:$port" | head -n1)"
  [ -n "$java_pid" ] && kill -HUP "$java_pid" && sleep 1
  [ -n "$java_pid" ] && kill -TERM "$java_pid"
  wait "$pid"; rc=$?
  if grep -q '"probabilities"' <<<"$answer" && [ "$viasocket" = 200 ] && [ "$rc" = 0 ] \
      && grep -q 'rescan' /tmp/tflited-seccomp.log && ! grep -qi 'error' /tmp/tflited-seccomp.log; then
    ok "daemon under the unit's SystemCallFilter: serves TCP + socket, reloads, drains (exit 0)"
  else
    bad "daemon under the unit's SystemCallFilter (exit $rc): $(tail -5 /tmp/tflited-seccomp.log)"
  fi
else
  echo "deploy-test: no jlink image or no python3-seccomp; skipped the syscall filter check"
fi

echo "deploy: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
