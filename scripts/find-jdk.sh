# Sourced by tflited's scripts: exports JAVA_HOME pointing at a JDK >= 21 and puts it first
# on PATH. Order: $JAVA_HOME when it is >= 21, else the newest JDK >= 21 under /usr/lib/jvm.
# Fails with a clear message when there is none.

tflited_java_major() {
  # Prints the feature version of the JDK at $1 (e.g. 25), or nothing.
  local home="$1" v=""
  [ -x "$home/bin/java" ] || return 0
  if [ -f "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$v" ]; then
    v=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  fi
  echo "$v"
}

tflited_find_jdk() {
  local best="" best_v=0 v home
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(tflited_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ -x "$JAVA_HOME/bin/javac" ]; then
      return 0
    fi
  fi
  for home in /usr/lib/jvm/*; do
    [ -d "$home" ] && [ ! -L "$home" ] || continue
    [ -x "$home/bin/javac" ] || continue
    v=$(tflited_java_major "$home")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then
      best="$home"
      best_v="$v"
    fi
  done
  if [ -z "$best" ]; then
    echo "tflited: no JDK >= 21 found (JAVA_HOME=${JAVA_HOME:-unset}, none under /usr/lib/jvm)." >&2
    echo "tflited: install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 25," >&2
    echo "tflited: or point JAVA_HOME at it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

tflited_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
