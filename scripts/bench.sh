#!/usr/bin/env bash
# Runs every benchmark (files named *.bench.ts under operator/ and pkg/); each prints its own numbers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mapfile -t benches < <(find operator pkg -name '*.bench.ts' -not -path '*/node_modules/*' | sort)
if [ ${#benches[@]} -eq 0 ]; then
  echo "no benchmarks found" >&2
  exit 1
fi
# The workspace sources, never a stale dist build of a library.
export NODE_OPTIONS="${NODE_OPTIONS:-} --conditions=kubeflash-source"
for b in "${benches[@]}"; do
  echo "=== $b ==="
  node_modules/.bin/tsx "$b"
done
