#!/bin/sh
# Prints the path of a Chromium for the browser tests, installing Debian's `chromium` package with
# the repository's scripts/apt-install.sh when none is found. CHROME_PATH overrides.
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
sh "$(dirname "$0")/../../../scripts/apt-install.sh" provision-chromium chromium || {
  echo "provision-chromium: no Chromium found and none could be installed; set CHROME_PATH" >&2
  exit 1
}
find_browser
