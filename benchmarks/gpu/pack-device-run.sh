#!/bin/sh
# Packs one device session's benchmarks for a lent NVIDIA machine (x86-64, no Node, no network) with
# the GPU kit (Node, Dawn and the Vulkan loader; the kit is the workplace's, outside this repository):
#   - wgslBench.mjs: gcopt's WGSL step on the GPU against a copy floor on the same adapter;
#   - torch_cuda_adam.py: PyTorch on the same GPU and sets (fused Adam, foreach GC + fused Adam, the
#     reference's loop), so the WGSL numbers have a baseline from the same session;
#   - the CPU benchmark (benchmarks/dist/cli.js, bundled with its data and PyTorch script) on that
#     machine's cores: an idle many-core machine for `pnpm bench --quick` and the thread scaling;
#   - bench.mjs: the gpu.js kernels.
#
#   sh benchmarks/gpu/pack-device-run.sh [KIT_DIR]     (KIT_DIR: the GPU kit's folder)
#
# Then, with the device tool: carry [".gpu"], timeout_s 560, command  bash .gpu/device-run.sh
# (each part has its own time limit there; logs and JSON come back from $OUT).
set -eu
root=$(git rev-parse --show-toplevel)
kit=${1:-$root/../shared/gpu}
[ -f "$kit/pack.sh" ] || { echo "pack-device-run: no pack.sh in $kit (pass the kit's folder)" >&2; exit 2; }
cd "$root"
npx --yes pnpm@12.4.2 build
bash "$kit/pack.sh" benchmarks/gpu/wgslBench.mjs benchmarks/gpu/bench.mjs
esb=$(command -v esbuild || true)
[ -x node_modules/.bin/esbuild ] && esb=node_modules/.bin/esbuild
[ -n "$esb" ] || esb="npx --yes esbuild@0.25"
mkdir -p .gpu/cpu .gpu/python .gpu/data
# cpu/cli.mjs finds ../python and ../data beside it, as dist/cli.js does in the repository; the banner
# gives CommonJS code inside (wabt's) require, __filename and __dirname
$esb benchmarks/dist/cli.js --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --external:gl --outfile=.gpu/cpu/cli.mjs \
  --banner:js="import { createRequire as __cr } from 'module'; import { fileURLToPath as __fu } from 'url'; \
import { dirname as __dn } from 'path'; const require = __cr(import.meta.url); \
const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"
cp benchmarks/python/*.py benchmarks/gpu/torch_cuda_adam.py .gpu/python/
cp benchmarks/data/* .gpu/data/
cp benchmarks/gpu/device-run.sh .gpu/device-run.sh
du -sh .gpu
