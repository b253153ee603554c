#!/bin/sh
# Prints the path of a Python that imports the modules named as arguments (default: onnx), for the tests
# that check our models with python onnx or export them from PyTorch. When /usr/bin/python3 lacks them
# it installs Debian's packages with apt-get (python3-onnx, python3-torch; needs root, as the tests'
# machines run). Exits 1, saying why, when no such Python can be had.
set -u
modules=${*:-onnx}
imports=$(echo "$modules" | tr ' ' ',')
PY=/usr/bin/python3
has_modules() { "$PY" -c "import $imports" >/dev/null 2>&1; }
has_modules && { echo "$PY"; exit 0; }
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "provision-python: $PY cannot import $imports, and installing needs root and apt-get" >&2
  exit 1
fi
# one installation at a time (several test files may ask together)
lock=${TMPDIR:-/tmp}/gcopt-provision-python.lock
if command -v flock >/dev/null; then exec 9>"$lock" && flock 9; fi
has_modules && { echo "$PY"; exit 0; }
packages=$(for m in $modules; do echo "python3-$m"; done | tr '\n' ' ' | sed 's/ $//')
start=$(date +%s)
echo "provision-python: installing $packages (apt-get)…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null 2>&1 || { echo "provision-python: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -q $packages >/dev/null 2>&1 || {
  echo "provision-python: apt-get install $packages failed" >&2
  exit 1
}
has_modules || { echo "provision-python: $PY still cannot import $imports" >&2; exit 1; }
echo "provision-python: $packages installed in $(( $(date +%s) - start ))s" >&2
echo "$PY"
