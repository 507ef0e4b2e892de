#!/usr/bin/env bash
# Evaluates a bundle (default: models/default) on held-out scenes: adherence figures and a grid PNG.
#   npm run models:eval [-- <bundle dir> [scenes] [empty-prompt scenes] [guidance (default: the bundle's)]]
# EVAL_FIRST=480 starts at held-out scene 480 (a second set, to confirm a choice made on scenes 0-479).
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=${1:-models/default}
n=${2:-240}
n_empty=${3:-80}
guidance=${4:-}
out=${EVAL_OUT:-.work/eval}  # another folder per setting keeps earlier results
mkdir -p "$out"
# The scenes are made once per (first, count) and shared by every evaluation of them (.work/eval-scenes).
first=${EVAL_FIRST:-0}
cached=.work/eval-scenes/scenes-$first-$n.npz
if [ ! -f "$cached" ]; then
  mkdir -p .work/eval-scenes
  /usr/bin/python3 -m models.train.evaluate scenes "$cached.partial.npz" "$n" "$first"
  mv "$cached.partial.npz" "$cached"
fi
cp "$cached" "$out/scenes.npz"
npx tsx models/train/sample-heldout.ts "$bundle" "$out/scenes.npz" "$out/generated.npy" "$out/generated-empty.npy" "$n_empty" $guidance
/usr/bin/python3 -m models.train.evaluate score "$out/scenes.npz" "$out/generated.npy" "$out/generated-empty.npy" "$out/grid.png" \
  > "$out/results.json"
cat "$out/results.json"
echo "results: $out/results.json (export_default --eval records them); grid: $out/grid.png (captions in $out/grid.txt)"
