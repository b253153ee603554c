#!/bin/sh
# Prints the path of a Python that imports the modules named as arguments (default: onnx), for the tests
# that check our models with python onnx or export them from PyTorch. When /usr/bin/python3 lacks them
# it installs Debian's packages (python3-onnx, python3-torch) with the repository's scripts/apt-install.sh.
# Exits 1, saying why, when no such Python can be had.
set -u
modules=${*:-onnx}
imports=$(echo "$modules" | tr ' ' ',')
PY=/usr/bin/python3
has_modules() { "$PY" -c "import $imports" >/dev/null 2>&1; }
has_modules && { echo "$PY"; exit 0; }
packages=$(for m in $modules; do echo "python3-$m"; done)
# shellcheck disable=SC2086
sh "$(dirname "$0")/../../../scripts/apt-install.sh" provision-python $packages || exit 1
has_modules || { echo "provision-python: $PY still cannot import $imports" >&2; exit 1; }
echo "$PY"
