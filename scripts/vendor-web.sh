#!/usr/bin/env bash
# Refresh the front-end files that crates/ictstat-web embeds (include_str!/include_bytes!).
#
# The versions are pinned in crates/ictstat-web/vendor/package.json and package-lock.json;
# `npm ci` installs exactly those from the npm registry, and the files we use are copied into
# crates/ictstat-web/assets/vendor/, which is committed: building and running ictstat never
# needs the network or npm. To move to a new version, edit package.json, run `npm install` in
# crates/ictstat-web/vendor once to update the lockfile, then run this script and commit both.
set -euo pipefail
cd "$(dirname "$0")/.."

VENDOR=crates/ictstat-web/vendor
ASSETS=crates/ictstat-web/assets/vendor

command -v npm >/dev/null 2>&1 || { echo "vendor-web: npm not found" >&2; exit 1; }
(cd "$VENDOR" && npm ci --no-audit --no-fund --ignore-scripts)

# world-atlas: Natural Earth country outlines as TopoJSON (ISC; the data is public domain).
src="$VENDOR/node_modules/world-atlas"
dst="$ASSETS/world-atlas"
mkdir -p "$dst"
for f in countries-110m.json countries-50m.json LICENSE; do
    cp "$src/$f" "$dst/$f"
done
version="$(node -p "require('./$src/package.json').version")"
echo "vendor-web: world-atlas $version -> $dst" >&2
