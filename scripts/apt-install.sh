#!/bin/sh
# Installs Debian packages for a test's provisioning script: `apt-install.sh WHO PACKAGE...`, run as root
# with apt-get (as the tests' machines run). One installation at a time across the repository's test
# runners (they may start together); WHO names the caller in the messages. Exits 1, saying why, on failure.
set -u
who=$1
shift
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "$who: installing $* needs root and apt-get" >&2
  exit 1
fi
lock=${TMPDIR:-/tmp}/gcopt-apt-install.lock
if command -v flock >/dev/null; then exec 9>"$lock" && flock 9; fi
# what a runner that held the lock before us may have installed meanwhile is left out
missing=''
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
# shellcheck disable=SC2086
set -- $missing
start=$(date +%s)
echo "$who: installing Debian's $* (apt-get)…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null 2>&1 || { echo "$who: apt-get update failed" >&2; exit 1; }
apt-get install -y -q "$@" >/dev/null 2>&1 || { echo "$who: apt-get install $* failed" >&2; exit 1; }
echo "$who: $* installed in $(( $(date +%s) - start ))s" >&2
