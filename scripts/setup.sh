#!/usr/bin/env bash
# Sets up a fresh machine (Debian 12, Node 20, root): system packages, then the npm dependencies and the oneDNN
# addon (built by `npm ci` from source against Debian's libdnnl-dev; nothing is downloaded but packages).
# Chromium is for the web page's browser test (driven by playwright-core, which downloads no browser of its own),
# clang-format for `npm run lint`'s check of native/.
set -euo pipefail
packages=(libdnnl-dev dataset-fashion-mnist g++ make python3 fonts-dejavu-core chromium clang-format)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
npm ci --no-audit --no-fund
test -f build/Release/onednn.node || { echo "setup: the oneDNN addon was not built (see the npm ci output above)" >&2; exit 1; }
