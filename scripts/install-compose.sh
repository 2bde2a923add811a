#!/usr/bin/env sh
# Installs Debian's docker-compose (v1, Python) to validate docker-compose.yml in test/integration/compose.test.ts.
# Idempotent: does nothing when docker-compose is already on PATH. It only reads
# and checks the file (`docker-compose config`): no Docker engine is needed.
set -eu
if command -v docker-compose >/dev/null 2>&1; then
  echo "docker-compose: $(command -v docker-compose)"
  exit 0
fi
SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends docker-compose
command -v docker-compose
