#!/usr/bin/env bash
# Builds and runs the firmware core's host tests (cmake + cmocka + ctest, AddressSanitizer on).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/firmware/build-host"
for tool in cmake pkg-config; do
  command -v "$tool" >/dev/null || { echo "FIRMWARE HOST TESTS CANNOT RUN: '$tool' is missing (run scripts/install.sh --test)" >&2; exit 1; }
done
pkg-config --exists cmocka || { echo "FIRMWARE HOST TESTS CANNOT RUN: libcmocka-dev is missing (run scripts/install.sh --test)" >&2; exit 1; }
cmake -S "$root/firmware/test/host" -B "$build" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j 2 >/dev/null
ctest --test-dir "$build" --output-on-failure
