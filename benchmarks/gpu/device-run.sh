#!/usr/bin/env bash
# Runs on the lent machine (packed by benchmarks/gpu/pack-device-run.sh): every benchmark of one device
# session in turn, each under its own time limit so that one slow part cannot take the others' time.
# Each part's output goes to $OUT/<part>.log (and the JSON files the benchmarks write themselves).
set -u
kit="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export OUT="${OUT:-/tmp/device-out}"
mkdir -p "$OUT"
part() {
  local name=$1 limit=$2
  shift 2
  echo "== $name (limit ${limit} s)"
  local t0=$SECONDS
  timeout "$limit" "$@" >"$OUT/$name.log" 2>&1
  echo "exit $? after $((SECONDS - t0)) s"
}
nproc; grep -m1 "model name" /proc/cpuinfo; uptime
part wgsl 120 bash "$kit/remote.sh" wgslBench.mjs --sets 1M,resnet50,100M --optimizers Adam_GC,Adam \
  --steps 30 --verify-max 2000000
tail -n 30 "$OUT/wgsl.log"
part torch-cuda 60 python3 "$kit/python/torch_cuda_adam.py" --steps 30
tail -n 8 "$OUT/torch-cuda.log"
part cpu-quick 200 env GCOPT_BENCH_PYTHON=python3 bash "$kit/remote.sh" cpu/cli.mjs --quick --no-tfjs --no-setup
grep -A 12 '^### Goals' "$OUT/cpu-quick.log"
part cpu-scaling 90 bash "$kit/remote.sh" cpu/cli.mjs --scaling-only --sizes 10,100
tail -n 30 "$OUT/cpu-scaling.log"
part gpujs 60 bash "$kit/remote.sh" bench.mjs --modes js,webgpu --sizes 1M,16M --steps 8
tail -n 14 "$OUT/gpujs.log"
