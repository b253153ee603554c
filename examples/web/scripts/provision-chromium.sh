#!/bin/sh
# Prints the path of a Chromium for the browser tests, installing Debian's `chromium` package with
# apt-get when none is found (needs root, as the tests' machines run). CHROME_PATH overrides.
set -u
if [ -n "${CHROME_PATH:-}" ]; then
  [ -x "$CHROME_PATH" ] || { echo "provision-chromium: CHROME_PATH=$CHROME_PATH is not an executable" >&2; exit 1; }
  echo "$CHROME_PATH"; exit 0
fi
find_browser() {
  for name in chromium chromium-browser google-chrome-stable google-chrome; do
    p=$(command -v "$name" 2>/dev/null) && { echo "$p"; return 0; }
  done
  return 1
}
find_browser && exit 0
command -v apt-get >/dev/null || {
  echo "provision-chromium: no Chromium found and no apt-get to install one; set CHROME_PATH" >&2
  exit 1
}
# one installation at a time (test runners of several packages may start together)
lock=${TMPDIR:-/tmp}/gcopt-provision-chromium.lock
if command -v flock >/dev/null; then exec 9>"$lock" && flock 9; fi
find_browser && exit 0
start=$(date +%s)
echo "provision-chromium: installing Debian's chromium (apt-get)…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null 2>&1 || { echo "provision-chromium: apt-get update failed" >&2; exit 1; }
apt-get install -y -q chromium >/dev/null 2>&1 || {
  echo "provision-chromium: apt-get install chromium failed" >&2
  exit 1
}
echo "provision-chromium: chromium installed in $(( $(date +%s) - start ))s" >&2
find_browser
