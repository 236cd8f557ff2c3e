#!/usr/bin/env bash
# Installs Debian's Chromium for the docs browser test when it is missing.
# The test drives the system browser through playwright-core and never downloads one of its own.
# PPO_CHROMIUM_PATH names another browser binary; the test uses the same variable.
set -euo pipefail

CHROMIUM="${PPO_CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ -n "${PPO_CHROMIUM_PATH:-}" ]; then
  echo "PPO_CHROMIUM_PATH=$PPO_CHROMIUM_PATH is not an executable; unset it to install Debian's chromium" >&2
  exit 1
fi

bash "$(dirname "$0")/../../scripts/apt-install.sh" chromium
/usr/bin/chromium --version
