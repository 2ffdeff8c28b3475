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
if [ -z "${ICTSTAT_BIN:-}" ]; then
    cargo build --locked -q -p ictstat
    ICTSTAT_BIN="$ROOT/target/debug/ictstat"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ictstat-sdmx-conformance.XXXXXX")"
SERVER_PID=""
cleanup() {
    status=$?
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -s "$WORK/server.log" ]; then
        echo "--- server log (last 40 lines) ---" >&2
        tail -n 40 "$WORK/server.log" >&2
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port (the kernel picks it; a tiny race with other processes is acceptable).
PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$PORT"
health() {
    "$VENV/bin/python" -c 'import sys, urllib.request
try:
    sys.exit(urllib.request.urlopen(sys.argv[1] + "/health", timeout=2).status != 200)
except Exception:
    sys.exit(1)' "$URL"
}

"$ICTSTAT_BIN" serve --database-url "sqlite://$WORK/conformance.db" --listen "127.0.0.1:$PORT" \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

# First start creates the database and loads the bundled data.
for _ in $(seq 1 240); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "sdmx-conformance: ictstat serve exited during startup" >&2
        exit 1
    fi
    if health; then
        break
    fi
    sleep 0.5
done
health || { echo "sdmx-conformance: $URL/health did not answer" >&2; exit 1; }

"$VENV/bin/python" "$ROOT/tests/sdmx-clients/conformance.py" "$URL"
