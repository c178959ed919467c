#!/usr/bin/env bash
# Installs what kubeflash needs on a fresh Debian machine with Node 20 and npm:
#   scripts/install.sh          JavaScript dependencies (pinned yarn v1, frozen lockfile)
#   scripts/install.sh --test   the same plus the Debian packages the test suites use
# Never installs Debian's kubernetes-client: it conflicts with the preinstalled kubectl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

want_test_tools=false
[ "${1:-}" = "--test" ] && want_test_tools=true

if $want_test_tools; then
  packages=(cmake pkg-config libcmocka-dev libmbedtls-dev libcjson-dev gcovr openssl gcc mosquitto mosquitto-clients chromium shellcheck curl)
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    echo "installing Debian packages: ${missing[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v kubectl >/dev/null || echo "WARNING: kubectl is not on PATH; the kubectl fidelity suite will fail" >&2
fi

scripts/yarn install --frozen-lockfile --non-interactive --silent
# The libraries as JavaScript and the operator bundle, for plain node (`node -e "import('@kubeflash/flasher')"`).
scripts/build.sh >/dev/null
