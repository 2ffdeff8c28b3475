#!/usr/bin/env bash
# End-to-end tests of the web dashboard in headless Chromium against a fresh `ictstat serve`.
# See tests/browser/README.md. Exit status: that of tests/browser/dashboard.mjs (1 when any
# check failed), or nonzero when the setup itself fails.
#
# Needs Node.js >= 20 and npm (on the machine); installs Debian's chromium with apt when
# /usr/bin/chromium is missing, and playwright-core (pinned in tests/browser/package-lock.json)
# with `npm ci`. No browser is ever downloaded: Playwright drives /usr/bin/chromium.
#
# Environment: ICTSTAT_BIN (skip the build and use this binary), SCREENSHOT_DIR (default
# target/browser-screenshots; its PNGs are deleted first), ONLY (a regular expression: run the checks whose
# name matches).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
SHOTS="${SCREENSHOT_DIR:-$ROOT/target/browser-screenshots}"

# --- Chromium and Node ---------------------------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
    echo "browser-tests: installing Debian's chromium" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1 || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)'; then
    echo "browser-tests: Node.js >= 20 is needed (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
fi
# playwright-core has no install script; --ignore-scripts keeps it that way.
(cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

# --- The server --------------------------------------------------------------------------------
NAME=browser-tests
. "$ROOT/scripts/lib/server.sh"

DB="sqlite://$WORK/ictstat.db"
# The bundled real data, then the synthetic fixture (bounds, standard errors, an estimate, sex).
"$ICTSTAT_BIN" init --database-url "$DB" >"$WORK/init.log" 2>&1 ||
    { cat "$WORK/init.log" >&2; echo "browser-tests: ictstat init failed" >&2; exit 1; }
"$ICTSTAT_BIN" import --database-url "$DB" tests/fixtures/web/dashboard_estimates.csv >"$WORK/import.log" 2>&1 ||
    { cat "$WORK/import.log" >&2; echo "browser-tests: ictstat import of the fixture failed" >&2; exit 1; }

# Accounts: a viewer for the sign-in check (it changes no data), and for the publication
# walk-through a provider of Kenya's Internet use, a custodian of Internet use (in another
# organisation) and an administrator. One password for all.
export ICTSTAT_TEST_LOGIN=browser ICTSTAT_TEST_PASSWORD="browser tests passphrase"
export ICTSTAT_TEST_PROVIDER=browser-provider ICTSTAT_TEST_CUSTODIAN=browser-custodian ICTSTAT_TEST_ADMIN=browser-admin
add_user() { # LOGIN ORG ROLE [options…]
    local login="$1" org="$2" role="$3"
    shift 3
    printf '%s\n' "$ICTSTAT_TEST_PASSWORD" |
        "$ICTSTAT_BIN" user add "$login" --org "$org" --role "$role" --password-stdin --database-url "$DB" "$@"
}
{ "$ICTSTAT_BIN" org add "Browser Test Office" --kind agency --database-url "$DB" &&
    "$ICTSTAT_BIN" org add "Browser Test Ministry" --kind ministry --database-url "$DB" &&
    add_user "$ICTSTAT_TEST_LOGIN" "Browser Test Office" viewer &&
    add_user "$ICTSTAT_TEST_PROVIDER" "Browser Test Office" provider --area KEN --indicator IT_USE_ii99 &&
    add_user "$ICTSTAT_TEST_CUSTODIAN" "Browser Test Ministry" custodian --indicator IT_USE_ii99 &&
    add_user "$ICTSTAT_TEST_ADMIN" "Browser Test Ministry" administrator; } >"$WORK/accounts.log" 2>&1 ||
    { cat "$WORK/accounts.log" >&2; echo "browser-tests: creating the test accounts failed" >&2; exit 1; }

server_start "$DB"

mkdir -p "$SHOTS" && find "$SHOTS" -maxdepth 1 -name '*.png' -delete
SCREENSHOT_DIR="$SHOTS" node tests/browser/dashboard.mjs "$URL"
