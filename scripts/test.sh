#!/usr/bin/env bash
# The whole test suite: typecheck and lint (layer rules), Python model tests, Node tests (engine, ONNX
# parity, contract), the editor in a browser, the Electron shell.
#
# Two cores kept busy: the Python tests (one thread, no shared state with the rest: pytest's tmp_path
# only) run in the background from the start at a lower priority (nice 10), filling what the Node and
# browser sections leave idle; their output is kept in a file and printed whole when they end, and
# their exit status counts like any section's. node:test runs two test files at a time even on 2 cores
# (its default there is one): every Node test file makes its own temp folders (mkdtemp), listens on
# port 0 and starts its own engine, and the shared .work/ caches are built aside and renamed into place.
set -euo pipefail
cd "$(dirname "$0")/.."
# One thread for torch and every OpenMP/BLAS user (Python tests, and the Python tools Node tests run):
# their tensors are small, and on a busy 2-core machine extra OpenMP threads spin instead of working.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# Each node:test run also prints its slowest tests (scripts/slowest-tests-reporter.mjs).
export NODE_TEST_REPORTERS="--test-reporter=spec --test-reporter-destination=stdout --test-reporter=./scripts/slowest-tests-reporter.mjs --test-reporter-destination=stdout"
# Test files at a time: node's default (cores - 1) where that is more than 2.
cores=$(node -p 'require("node:os").availableParallelism()')
node_concurrency=$((cores > 3 ? cores - 1 : 2))
status=0
# CPU seconds (user + system) of every command this script has run and waited for so far: on a shared
# machine the wall clock says more about the neighbours than about the tests. `times` must run in this
# shell, not in a $(…) subshell (whose children are not this shell's).
cpu_file=$(mktemp)
py_log=$(mktemp)
py_pid=''
trap 'if [ -n "$py_pid" ]; then kill "$py_pid" 2>/dev/null || true; fi; rm -f "$cpu_file" "$py_log"' EXIT
cpu() {
  times >"$cpu_file"
  cpu_s=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$cpu_file")
}
section() {
  cpu
  echo "== $1 (at $((SECONDS / 60))m$((SECONDS % 60))s, ${cpu_s} s CPU so far) =="
}
# The Python tests' output, whole, once they have ended (waits for them). Their CPU seconds join the
# "CPU so far" figures when this shell reaps them; pytest prints its own (models/tests/conftest.py).
python_report() {
  [ -n "$py_pid" ] || return 0
  local py_status=0
  wait "$py_pid" || py_status=$?
  py_pid=''
  echo "== Python (models/), run beside the sections above at nice 10: done by $((SECONDS / 60))m$((SECONDS % 60))s, exit status $py_status =="
  cat "$py_log"
  if [ "$py_status" -ne 0 ]; then status=1; fi
}
echo "== Python (models/) starts in the background; its output follows when it ends =="
nice -n 10 /usr/bin/python3 -m pytest -q --durations=10 models/tests >"$py_log" 2>&1 &
py_pid=$!
section "Typecheck (Node, browser and e2e tsconfigs)"
npm run --silent typecheck || status=1
section "Lint (biome.json) and layer rules (.dependency-cruiser.cjs)"
npm run --silent lint || status=1
section "Node ($node_concurrency test files at a time)"
# shellcheck disable=SC2086
npx tsx --test $NODE_TEST_REPORTERS --test-concurrency="$node_concurrency" $(git ls-files --cached --others --exclude-standard '*.test.ts' | grep -v '^e2e/') || status=1
# Printed here if the Python tests are done; otherwise after the browser section they keep filling.
if ! kill -0 "$py_pid" 2>/dev/null; then python_report; fi
section "Editor in the browser (serve mode, Playwright in Debian's Chromium)"
bash scripts/e2e.sh || status=1
section "Electron shell (e2e/electron; skips, saying why, without an Electron binary or a display)"
npx tsx --test --test-reporter=spec e2e/electron/*.test.ts || status=1
python_report
cpu
echo "== npm test took $((SECONDS / 60))m$((SECONDS % 60))s, ${cpu_s} s CPU (user + system) =="
exit $status
