#!/usr/bin/env bash
# The browser tests drive Debian's chromium with playwright-core (`npx playwright install`
# cannot download a browser here). Installs it when it is missing; needs root or sudo.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium
command -v chromium
