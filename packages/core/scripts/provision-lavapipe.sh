#!/bin/sh
# Provisions a software WebGPU adapter for the gpu.js tests: Mesa 25's lavapipe (Vulkan on the CPU)
# from Debian bookworm-backports, unpacked privately (apt-get download + dpkg -x) into a cache
# directory. Nothing is installed system-wide and the system's apt sources are not touched.
# Debian 12's own lavapipe (Mesa 22) is refused by Dawn ("shaderUniform*ArrayDynamicIndexing required").
#
# Usage: provision-lavapipe.sh [command args…]
#   Provisions (once; later runs reuse the cache), then runs the command with VK_ICD_FILENAMES and
#   LD_LIBRARY_PATH pointing at the private lavapipe. Dawn's dlopen of libvulkan.so.1 only sees
#   LD_LIBRARY_PATH set before the process starts, hence the wrapper instead of setting process.env.
#   If provisioning fails, the command still runs (without the adapter), so the webgpu tests fail
#   loudly instead of the whole suite being skipped.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${GCOPT_LAVAPIPE_DIR:-$here/node_modules/.cache/lavapipe}
root=$cache/root
icd=$cache/lvp_icd.json
libdir=$root/usr/lib/x86_64-linux-gnu

ready() { [ -f "$icd" ] && [ -f "$libdir/libvulkan_lvp.so" ] && grep -q "$libdir/libvulkan_lvp.so" "$icd"; }

provision() {
  ready && return 0
  # one provisioning at a time (test runners of several packages may start together)
  mkdir -p "$(dirname "$cache")" || return 1
  if command -v flock >/dev/null; then exec 9>"$cache.lock" && flock 9; fi
  ready && return 0
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ] || ! command -v apt-get >/dev/null \
    || ! command -v dpkg >/dev/null; then
    echo "provision-lavapipe: needs Debian/Ubuntu on x86_64 (apt-get, dpkg); skipping" >&2
    return 1
  fi
  start=$(date +%s)
  rm -rf "$cache" \
    && mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/debs" "$root" || return 1
  cat >"$cache/apt/sources.list" <<SOURCES
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
deb http://deb.debian.org/debian bookworm-backports main
SOURCES
  # a private apt configuration: own sources, lists and cache; the system's dpkg status decides what is missing
  set -- -o "Dir::Etc::SourceList=$cache/apt/sources.list" -o "Dir::Etc::SourceParts=$cache/apt/none" \
    -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt/cache" -o "APT::Sandbox::User=root" -q
  apt-get "$@" update >"$cache/apt-update.log" 2>&1 \
    || { echo "provision-lavapipe: apt-get update failed (see $cache/apt-update.log)" >&2; return 1; }
  # what installing mesa-vulkan-drivers 25 (backports) + the Vulkan loader would add or upgrade here
  apt-get "$@" -s install --no-install-recommends mesa-vulkan-drivers/bookworm-backports libvulkan1 \
    >"$cache/plan.log" 2>&1 \
    || { echo "provision-lavapipe: apt could not plan mesa-vulkan-drivers from bookworm-backports" \
      "(see $cache/plan.log)" >&2; return 1; }
  pkgs=$(sed -n 's/^Inst \([^ ]*\) .*(\([^ ]*\) .*/\1=\2/p' "$cache/plan.log")
  case "$pkgs" in *mesa-vulkan-drivers=25.*) ;; *)
    echo "provision-lavapipe: expected mesa-vulkan-drivers 25.x in the plan, got: $pkgs" >&2; return 1 ;;
  esac
  (cd "$cache/debs" && apt-get "$@" download $pkgs) >"$cache/download.log" 2>&1 \
    || { echo "provision-lavapipe: apt-get download failed (see $cache/download.log)" >&2; return 1; }
  for deb in "$cache"/debs/*.deb; do dpkg -x "$deb" "$root" || return 1; done
  lib=$libdir/libvulkan_lvp.so
  [ -f "$lib" ] && [ -e "$libdir/libvulkan.so.1" ] \
    || { echo "provision-lavapipe: lavapipe or the Vulkan loader missing after unpacking" >&2; return 1; }
  # the packaged ICD names /usr/lib/…; point it at the private copy
  sed "s|\"library_path\": *\"[^\"]*\"|\"library_path\": \"$lib\"|" "$root"/usr/share/vulkan/icd.d/lvp_icd.json \
    >"$icd.tmp" && mv "$icd.tmp" "$icd" || return 1
  rm -rf "$cache/debs" "$cache/apt/cache"
  echo "provision-lavapipe: lavapipe ready in $(( $(date +%s) - start ))s" \
    "($(echo $pkgs | wc -w) packages: $(echo $pkgs))" >&2
}

provision
status=$?
exec 9>&-
if [ $# -eq 0 ]; then exit $status; fi
if [ $status -eq 0 ]; then
  export VK_ICD_FILENAMES="$icd"
  # Debian ships some libraries (libexpat1…) under /lib, the rest under /usr/lib
  export LD_LIBRARY_PATH="$libdir:$root/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
exec "$@"
