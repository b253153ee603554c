#!/bin/sh
# Packs benchmarks/gpu/wgslBench.mjs for a lent NVIDIA machine (no Node, no network) with the GPU kit:
# builds the workspace (the bundle inlines @gcopt/core's dist), then runs the kit's pack.sh, which
# bundles the entry with esbuild and copies Node, Dawn and the Vulkan loader into .gpu/ (git-ignored).
#
#   sh benchmarks/gpu/pack-wgsl-bench.sh [KIT_DIR]     (KIT_DIR: the GPU kit's folder, outside the repository)
#
# Then, with the device tool: carry [".gpu"], timeout_s 420, command
#   bash .gpu/remote.sh wgslBench.mjs --sets 1M,resnet50,100M --optimizers Adam_GC,Adam --steps 50
# (benchmarks/RESULTS.md, "WGSL kernels", has the line and where its numbers go).
set -eu
root=$(git rev-parse --show-toplevel)
kit=${1:-$root/../shared/gpu}
[ -f "$kit/pack.sh" ] || { echo "pack-wgsl-bench: no pack.sh in $kit (pass the kit's folder)" >&2; exit 2; }
cd "$root"
npx --yes pnpm@12.4.2 build
bash "$kit/pack.sh" benchmarks/gpu/wgslBench.mjs
