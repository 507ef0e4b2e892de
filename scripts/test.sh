#!/usr/bin/env bash
# The whole test suite: typecheck and lint (layer rules), Python model tests, Node tests (engine, ONNX
# parity, contract), the editor in a browser, the Electron shell.
set -euo pipefail
cd "$(dirname "$0")/.."
# One thread for torch and every OpenMP/BLAS user (Python tests, and the Python tools Node tests run):
# their tensors are small, and on a busy 2-core machine extra OpenMP threads spin instead of working.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# Each node:test run also prints its slowest tests (scripts/slowest-tests-reporter.mjs).
export NODE_TEST_REPORTERS="--test-reporter=spec --test-reporter-destination=stdout --test-reporter=./scripts/slowest-tests-reporter.mjs --test-reporter-destination=stdout"
status=0
# CPU seconds (user + system) of every command this script has run so far: on a shared machine the wall
# clock says more about the neighbours than about the tests. `times` must run in this shell, not in a
# $(…) subshell (whose children are not this shell's).
cpu_file=$(mktemp)
trap 'rm -f "$cpu_file"' EXIT
cpu() {
  times >"$cpu_file"
  cpu_s=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$cpu_file")
}
section() {
  cpu
  echo "== $1 (at $((SECONDS / 60))m$((SECONDS % 60))s, ${cpu_s} s CPU so far) =="
}
section "Typecheck (Node, browser and e2e tsconfigs)"
npm run --silent typecheck || status=1
section "Lint (biome.json) and layer rules (.dependency-cruiser.cjs)"
npm run --silent lint || status=1
section "Python (models/)"
/usr/bin/python3 -m pytest -q --durations=10 models/tests || status=1
section "Node"
# shellcheck disable=SC2086
npx tsx --test $NODE_TEST_REPORTERS $(git ls-files --cached --others --exclude-standard '*.test.ts' | grep -v '^e2e/') || status=1
section "Editor in the browser (serve mode, Playwright in Debian's Chromium)"
bash scripts/e2e.sh || status=1
section "Electron shell (e2e/electron; skips, saying why, without an Electron binary or a display)"
npx tsx --test --test-reporter=spec e2e/electron/*.test.ts || status=1
cpu
echo "== npm test took $((SECONDS / 60))m$((SECONDS % 60))s, ${cpu_s} s CPU (user + system) =="
exit $status
