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

# Root needs no sudo (and minimal images have none); anyone else does.
SUDO=()
if [ "$(id -u)" != "0" ]; then
  if ! command -v sudo > /dev/null; then
    echo "installing chromium needs root, and sudo is not available; run: apt-get install -y chromium" >&2
    exit 1
  fi
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
${SUDO[@]+"${SUDO[@]}"} apt-get update
${SUDO[@]+"${SUDO[@]}"} apt-get install -y chromium
/usr/bin/chromium --version
