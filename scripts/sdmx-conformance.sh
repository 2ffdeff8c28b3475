#!/usr/bin/env bash
# SDMX conformance with the real clients (sdmx1, pysdmx) against a fresh `ictstat serve`.
# See tests/sdmx-clients/README.md. Exit status: that of tests/sdmx-clients/conformance.py
# (1 when any check failed), or nonzero when the setup itself fails.
#
# Environment: PYTHON (default: python3.12, python3.11 or python3, whichever exists first; >= 3.11),
# SDMX_VENV (default target/sdmx-venv), ICTSTAT_BIN (skip the build and use this binary).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

VENV="${SDMX_VENV:-$ROOT/target/sdmx-venv}"
REQ="$ROOT/tests/sdmx-clients/requirements.txt"

# --- Python environment (reused while requirements.txt is unchanged) -------------------------
if [ -z "${PYTHON:-}" ]; then
    for p in python3.12 python3.11 python3; do
        if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            PYTHON="$p"
            break
        fi
    done
fi
: "${PYTHON:?no Python >= 3.11 found (set PYTHON)}"
stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "sdmx-conformance: installing $REQ into $VENV" >&2
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQ"
    echo "$want" >"$stamp"
fi

# --- The server --------------------------------------------------------------------------------
NAME=sdmx-conformance
. "$ROOT/scripts/lib/server.sh"

# First start creates the database and loads the bundled data.
server_start "sqlite://$WORK/conformance.db"

"$VENV/bin/python" "$ROOT/tests/sdmx-clients/conformance.py" "$URL"
