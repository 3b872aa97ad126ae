#!/usr/bin/env bash
# Renders an HTML report (report.html, collect.html) to PNG with headless Chromium, to check it
# in a real browser and for the docs.
# Usage: scripts/render-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]   (default 1000x1800)
# Installs Debian's chromium when it is missing.
set -euo pipefail
HTML=$(realpath "${1:?usage: render-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]}")
OUT=$(realpath -m "${2:?usage: render-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]}")
SIZE=${3:-1000x1800}
if ! command -v chromium >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="${SIZE/x/,}" \
  --screenshot="$OUT" "file://$HTML" 2>/dev/null
[ -s "$OUT" ] || { echo "render-report: chromium wrote no $OUT" >&2; exit 1; }
echo "wrote $OUT"
