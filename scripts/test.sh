#!/usr/bin/env bash
# The whole test suite: Python model tests, then Node tests (engine, ONNX parity, contract).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
echo "== Python (models/) =="
/usr/bin/python3 -m pytest -q models/tests || status=1
echo "== Node =="
npx tsx --test --test-reporter=spec $(git ls-files --cached --others --exclude-standard '*.test.ts' | grep -v '^e2e/') || status=1
echo "== Editor in the browser (serve mode, Playwright in Debian's Chromium) =="
bash scripts/e2e.sh || status=1
echo "== Electron shell (e2e/electron; skips, saying why, without an Electron binary or a display) =="
npx tsx --test --test-reporter=spec e2e/electron/*.test.ts || status=1
exit $status
