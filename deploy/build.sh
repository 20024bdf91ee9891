#!/usr/bin/env bash
# Builds tflited's distributables into deploy/out/:
#   tflited_<version>_all.deb       Debian package (depends on a Java >= 21 runtime)
#   tflited-<version>.tar.gz        bin/tflited, lib/, config/, systemd/
#   runtime-<arch>/                 jlink image (java.base, jdk.incubator.vector, ...) + AppCDS
#   tflited-<version>-<arch>-jre.tar.gz   the tarball with the jlink image bundled
# Usage: deploy/build.sh [--no-jlink]
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/find-jdk.sh"
OUT="$ROOT/deploy/out"
JLINK=yes
[ "${1:-}" = "--no-jlink" ] && JLINK=no

cd "$ROOT"
VERSION="$(sed -n '0,/<version>/s/.*<version>\(.*\)<\/version>.*/\1/p' pom.xml | head -n1)"
DEB_VERSION="${VERSION/-/\~}"
ARCH="$(dpkg --print-architecture 2>/dev/null || uname -m)"
echo "deploy: building tflited $VERSION" >&2
mvn -q -B -DskipTests package >&2

rm -rf "$OUT"
mkdir -p "$OUT"
JAR="$(ls daemon/target/tflited-daemon-*.jar | grep -v -- -tests.jar | head -n1)"

# ---- tarball --------------------------------------------------------------------------------
stage="$OUT/stage/tflited-$VERSION"
mkdir -p "$stage/bin" "$stage/lib" "$stage/config" "$stage/systemd"
install -m 755 deploy/bin/tflited "$stage/bin/tflited"
cp "$JAR" daemon/target/lib/*.jar "$stage/lib/"
cp config/tflited.yaml "$stage/config/"
cp systemd/tflited.service "$stage/systemd/"
tar -C "$OUT/stage" --owner=0 --group=0 -czf "$OUT/tflited-$VERSION.tar.gz" "tflited-$VERSION"

# ---- Debian package -------------------------------------------------------------------------
deb="$OUT/stage/deb"
mkdir -p "$deb/DEBIAN" "$deb/usr/bin" "$deb/usr/share/tflited/lib" "$deb/lib/systemd/system" \
  "$deb/etc/tflited" "$deb/var/lib/tflited/models" "$deb/usr/share/doc/tflited" "$deb/usr/share/man/man1"
gzip -9n < deploy/debian/tflited.1 > "$deb/usr/share/man/man1/tflited.1.gz"
install -m 755 deploy/bin/tflited "$deb/usr/bin/tflited"
install -m 644 "$JAR" daemon/target/lib/*.jar "$deb/usr/share/tflited/lib/"
install -m 644 systemd/tflited.service "$deb/lib/systemd/system/tflited.service"
install -m 644 config/tflited.yaml "$deb/etc/tflited/tflited.yaml"
cat > "$deb/usr/share/doc/tflited/copyright" <<TXT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: tflited

Files: *
Copyright: 2026 tflited developers
License: Apache-2.0
 On Debian systems, the full text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0.
TXT
printf 'tflited (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- tflited developers <maintainers@tflited.org>  %s\n' \
  "$DEB_VERSION" "$VERSION" "$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(date +%s)}")" \
  | gzip -9n > "$deb/usr/share/doc/tflited/changelog.gz"
size="$(du -sk --exclude=DEBIAN "$deb" | cut -f1)"
sed -e "s/@VERSION@/$DEB_VERSION/" -e "s/@SIZE@/$size/" deploy/debian/control.in > "$deb/DEBIAN/control"
install -m 644 deploy/debian/conffiles "$deb/DEBIAN/conffiles"
install -m 755 deploy/debian/postinst deploy/debian/prerm deploy/debian/postrm "$deb/DEBIAN/"
dpkg-deb --root-owner-group -Zxz --build "$deb" "$OUT/tflited_${DEB_VERSION}_all.deb" >&2

# ---- jlink runtime image + AppCDS -----------------------------------------------------------
if [ "$JLINK" = yes ]; then
  cp_all="$JAR:$(ls daemon/target/lib/*.jar | tr '\n' ':')"
  modules="$(jdeps --ignore-missing-deps --print-module-deps --multi-release 21 \
    --class-path "$cp_all" "$JAR" 2>/dev/null || echo java.base)"
  modules="$modules,jdk.incubator.vector,jdk.unsupported,jdk.crypto.ec,java.management,jdk.management"
  image="$OUT/runtime-$ARCH"
  jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress=zip-6 --generate-cds-archive --output "$image" >&2
  # AppCDS: list the classes of a real start-up (serve until ready, then SIGTERM), then dump a
  # static archive with the launcher's module options. (A dynamic archive would sit on the
  # image's base archive, dumped without them: the JVM then logs CDS errors at every start.)
  jsa="$stage/lib/tflited.jsa"
  classes="$OUT/tflited.classlist"
  modopts=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
  sock="$(mktemp -u /tmp/tflited-cds.XXXXXX.sock)"
  "$image/bin/java" "${modopts[@]}" -Xshare:off -XX:DumpLoadedClassList="$classes" \
    -cp "$stage/lib/*" io.tflited.daemon.Main serve --http 127.0.0.1:0 --socket "$sock" \
    >"$OUT/cds-training.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    [ -S "$sock" ] && break
    sleep 0.2
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" || true
  rm -f "$sock"
  "$image/bin/java" "${modopts[@]}" -Xshare:dump -XX:SharedClassListFile="$classes" \
    -XX:SharedArchiveFile="$jsa" -cp "$stage/lib/*" >>"$OUT/cds-training.log" 2>&1
  cp -r "$image" "$stage/runtime"
  tar -C "$OUT/stage" --owner=0 --group=0 -czf "$OUT/tflited-$VERSION-$ARCH-jre.tar.gz" "tflited-$VERSION"
  echo "deploy: jlink image $(du -sh "$image" | cut -f1) ($modules)" >&2
fi
rm -rf "$OUT/stage/deb"
ls -l "$OUT" >&2
