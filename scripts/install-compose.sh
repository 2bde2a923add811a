#!/usr/bin/env sh
# Installs Debian's docker-compose (1.29, Python) for test/integration/compose.test.ts, which runs
# `docker-compose config` to resolve and validate docker-compose.yml. No Docker engine is needed.
# Idempotent: does nothing when docker-compose is already on PATH.
set -eu
if command -v docker-compose >/dev/null 2>&1; then
  echo "docker-compose: $(command -v docker-compose) ($(docker-compose version --short 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
SUDO=''
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-compose: not root and no sudo; run as root: apt-get install -y docker-compose" >&2
    exit 1
  fi
  SUDO='sudo'
fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends docker-compose
command -v docker-compose
