#!/usr/bin/env sh
# Installs Debian's chromium for the browser test (test/e2e/wink-widget.test.ts).
# Idempotent: does nothing when chromium is already on PATH. Never downloads
# Playwright's own browsers: playwright-core drives this system binary.
set -eu
if command -v chromium >/dev/null 2>&1; then
  echo "chromium: $(command -v chromium)"
  exit 0
fi
SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
command -v chromium
