#!/usr/bin/env bash
# Builds what runs with plain node: the libraries to JavaScript (dist/ of @kubeflash/esp, api, flasher, protocol, virtual-device)
# and the operator's production bundle (operator/dist/kubeflash-operator.mjs). Development never
# needs it: inside the repository every tool resolves the TypeScript sources.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for lib in pkg/esp pkg/api pkg/flasher pkg/protocol pkg/install pkg/virtual-device; do
  (cd "$root/$lib" && node ../../scripts/build-lib.mjs)
done
(cd "$root/operator" && node scripts/build.mjs)
