#!/usr/bin/env bash
# Installs Debian's nats-server for the distributed package's tests when it is missing.
# The tests start their own server on 127.0.0.1; PPO_NATS_SERVER names another binary.
set -euo pipefail

SERVER="${PPO_NATS_SERVER:-}"
if [ -n "$SERVER" ]; then
  if [ -x "$SERVER" ]; then exit 0; fi
  echo "PPO_NATS_SERVER=$SERVER is not an executable; unset it to install Debian's nats-server" >&2
  exit 1
fi
if command -v nats-server > /dev/null; then
  exit 0
fi

bash "$(dirname "$0")/../../../scripts/apt-install.sh" nats-server
nats-server --version
