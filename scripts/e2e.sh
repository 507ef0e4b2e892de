#!/usr/bin/env bash
# Browser tests of the editor: serve mode in Debian's Chromium through playwright-core (e2e/*.e2e.ts).
# They run the real engine on the default model when models/default has one, else on the tiny
# random-weight test bundle (its base stage), whose output is noise but exercises the same path.
set -euo pipefail
cd "$(dirname "$0")/.."
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "e2e: $chromium is missing; scripts/setup.sh installs Debian's chromium package" >&2
  exit 1
fi
if [ -f models/default/bundle.json ]; then
  echo "e2e: using the default model (models/default)"
else
  echo "e2e: models/default has no bundle yet: using the TINY RANDOM-WEIGHT test bundle (base stage); edits are noise"
fi
npx vite build --config renderer/vite.config.ts --logLevel warn
# shellcheck disable=SC2086
npx tsx --test ${NODE_TEST_REPORTERS:---test-reporter=spec} --test-concurrency=1 e2e/*.e2e.ts
