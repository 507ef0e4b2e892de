#!/usr/bin/env bash
# Sets up a fresh Debian machine for running and testing the app: system packages, then npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# Python model tooling (Debian's torch 1.13 on CPU; skimage, gnome-backgrounds and plasma-workspace-wallpapers give the training photos), OpenBLAS so torch's GEMMs are not the reference BLAS,
# and Debian's Chromium for the browser tests of serve mode.
debs=(python3-torch python3-numpy python3-onnx python3-pytest python3-pil python3-skimage gnome-backgrounds plasma-workspace-wallpapers libopenblas0-pthread chromium)
missing=()
for p in "${debs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  else
    echo "setup: please install these Debian packages: ${missing[*]}" >&2
  fi
fi

# Node: package.json's engines (22.12, for packaging); Node 20.19 runs the app and the tests. This
# says which, and how to get a newer Node, or stops where even running would fail.
node scripts/check-node-version.mjs setup

# npm 11 runs only the install scripts package.json's allowScripts allows: electron (its binary),
# onnxruntime-node (the CUDA add-on on Linux) and esbuild. The binary and the add-on come from hosts
# outside the npm registry; where those are unreachable set ELECTRON_SKIP_BINARY_DOWNLOAD=1 and
# ONNXRUNTIME_NODE_INSTALL=skip.
npm ci --no-audit --no-fund
