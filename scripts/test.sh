#!/usr/bin/env bash
# The whole test suite: typecheck and lint (layer rules), Python model tests, Node tests (engine, ONNX
# parity, contract), the editor in a browser, the Electron shell.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
echo "== Typecheck (Node, browser and e2e tsconfigs) =="
npm run --silent typecheck || status=1
echo "== Lint (biome.json) and layer rules (.dependency-cruiser.cjs) =="
npm run --silent lint || status=1
echo "== Python (models/) =="
/usr/bin/python3 -m pytest -q models/tests || status=1
echo "== Node =="
npx tsx --test --test-reporter=spec $(git ls-files --cached --others --exclude-standard '*.test.ts' | grep -v '^e2e/') || status=1
echo "== Editor in the browser (serve mode, Playwright in Debian's Chromium) =="
bash scripts/e2e.sh || status=1
echo "== Electron shell (e2e/electron; skips, saying why, without an Electron binary or a display) =="
npx tsx --test --test-reporter=spec e2e/electron/*.test.ts || status=1
exit $status
