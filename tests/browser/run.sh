#!/usr/bin/env bash
# The browser journey: installs Debian's Chromium and playwright-core when they are missing,
# builds tamlink-local, and drives the workbench in headless Chromium.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "== installing Debian's chromium (apt)"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
# Chinese pages need a CJK font, or the screenshots show boxes (a small one: WenQuanYi Micro Hei).
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "== installing a CJK font (apt)"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq fonts-wqy-microhei >/dev/null
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --silent)
fi
(cd "$root" && cargo build -q -p tamlink-gateway --bin tamlink-local)
CHROMIUM="$chromium" node "$here/journey.mjs"
CHROMIUM="$chromium" node "$here/languages.mjs"
