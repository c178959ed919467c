#!/usr/bin/env bash
# Builds and runs the firmware core's host tests (cmake + cmocka + ctest, AddressSanitizer and
# UndefinedBehaviorSanitizer on), then prints the line coverage of kubeflash_core and fails under 80 %.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/firmware/build-host"
core="$root/firmware/components/kubeflash_core"
min_coverage=80

missing() { echo "FIRMWARE HOST TESTS CANNOT RUN: $1 (run scripts/install.sh --test)" >&2; exit 1; }
for tool in cmake pkg-config gcc gcovr openssl node; do
  command -v "$tool" >/dev/null || missing "'$tool' is missing"
done
pkg-config --exists cmocka || missing "libcmocka-dev is missing"
[ -f /usr/include/mbedtls/version.h ] || missing "libmbedtls-dev is missing"
[ -f /usr/include/cjson/cJSON.h ] || missing "libcjson-dev is missing"

cmake -S "$root/firmware/test/host" -B "$build" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j 2 >/dev/null
find "$build" -name '*.gcda' -delete
ctest --test-dir "$build" -j 2 --output-on-failure
echo
echo "kubeflash_core line coverage (host tests):"
gcovr --root "$core" --object-directory "$build/kubeflash_core" --fail-under-line "$min_coverage" \
  --print-summary "$build/kubeflash_core" ||
  { echo "FIRMWARE CORE COVERAGE IS UNDER $min_coverage % OF LINES" >&2; exit 1; }
