#!/usr/bin/env bash
# Installs Debian packages (the arguments) with apt-get, through sudo unless running as root.
# Used by the scripts that install a test's system dependency only when it is missing.
set -euo pipefail

# Root needs no sudo (and minimal images have none); anyone else does.
SUDO=()
if [ "$(id -u)" != "0" ]; then
  if ! command -v sudo > /dev/null; then
    echo "installing $* needs root, and sudo is not available; run: apt-get install -y $*" >&2
    exit 1
  fi
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
${SUDO[@]+"${SUDO[@]}"} apt-get update
${SUDO[@]+"${SUDO[@]}"} apt-get install -y "$@"
