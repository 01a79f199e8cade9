#!/usr/bin/env bash
# Headless Chromium for the graph-page browser test (Debian's package). Idempotent; needs root or sudo.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure_chromium: no apt-get here; the browser test will be skipped (outside CI)" >&2; exit 0
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
