#!/bin/sh
# The benchmark's setup step: Debian's PyTorch for /usr/bin/python3, installed when missing.
# Needs root and Debian's apt; prints why and exits 1 if it cannot.
PY=${GCOPT_BENCH_PYTHON:-/usr/bin/python3}
if "$PY" -c 'import torch, numpy' 2>/dev/null; then
  echo "setup: $("$PY" -c 'import torch; print("torch", torch.__version__)') already installed for $PY"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: PyTorch is missing for $PY and cannot be installed here (needs root and apt-get)" >&2
  exit 1
fi
echo "setup: installing python3-torch with apt-get (Debian package) ..."
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy >/dev/null || {
  echo "setup: apt-get install python3-torch failed" >&2
  exit 1
}
"$PY" -c 'import torch; print("setup: installed torch", torch.__version__)'
