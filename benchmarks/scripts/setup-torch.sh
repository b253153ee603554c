#!/bin/sh
# The benchmark's setup step: Debian's PyTorch for /usr/bin/python3, installed when missing with the
# repository's scripts/apt-install.sh (needs root and Debian's apt); prints why and exits 1 if it cannot.
PY=${GCOPT_BENCH_PYTHON:-/usr/bin/python3}
if "$PY" -c 'import torch, numpy' 2>/dev/null; then
  echo "setup: $("$PY" -c 'import torch; print("torch", torch.__version__)') already installed for $PY"
  exit 0
fi
sh "$(dirname "$0")/../../scripts/apt-install.sh" setup python3-torch python3-numpy || {
  echo "setup: PyTorch is missing for $PY and could not be installed" >&2
  exit 1
}
"$PY" -c 'import torch; print("setup: installed torch", torch.__version__)'
