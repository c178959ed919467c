#!/usr/bin/env bash
# Every test of the project, in order of speed: static checks, unit tests, integration suites
# (devcluster, kubectl, MQTT broker, browser), firmware host tests. Stops at the first red stage.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

stage() { printf '\n=== %s ===\n' "$1"; }

stage "lint"
npx eslint --max-warnings 0 .
command -v shellcheck >/dev/null || { echo "SHELLCHECK IS MISSING: run scripts/install.sh --test" >&2; exit 1; }
shellcheck scripts/*.sh scripts/yarn .ci/run
stage "typecheck"
npm run -s typecheck
stage "generated files are current"
npm run -s check-generated
stage "unit and integration tests (jest)"
NODE_OPTIONS=--no-warnings=ExperimentalWarning node --experimental-vm-modules node_modules/jest/bin/jest.js --ci
stage "Rancher extension: build-pkg, headless Chromium bundle test"
mkdir -p test-output
npm run -s build-pkg kubeflash >test-output/build-pkg.log 2>&1 || { cat test-output/build-pkg.log; exit 1; }
node tests/extension/browser/bundle-load.mjs
stage "firmware host tests (ctest)"
bash scripts/firmware-host-test.sh
