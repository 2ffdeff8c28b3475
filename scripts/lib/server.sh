# Sourced by the scripts that test a running server (sdmx-conformance.sh, browser-tests.sh):
# builds or takes the binary, makes a scratch folder that goes away on exit (printing the
# server's log when the script fails), and starts `ictstat serve` on a free loopback port.
#
#   ROOT=… NAME=… ; . scripts/lib/server.sh
#   server_start "sqlite://$WORK/x.db"      # sets SERVER_PID and URL, returns once /health answers
#
# Environment: ICTSTAT_BIN (skip the build and use this binary).

if [ -z "${ICTSTAT_BIN:-}" ]; then
    cargo build --locked -q -p ictstat
    ICTSTAT_BIN="$ROOT/target/debug/ictstat"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ictstat-$NAME.XXXXXX")"
SERVER_PID=""
server_cleanup() {
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
trap server_cleanup EXIT
trap 'exit 130' INT TERM

# True when the server at $URL answers /health.
server_healthy() {
    python3 -c 'import sys, urllib.request
try:
    sys.exit(urllib.request.urlopen(sys.argv[1] + "/health", timeout=2).status != 200)
except Exception:
    sys.exit(1)' "$URL"
}

# Starts `ictstat serve` on database $1 (a first start creates it and loads the bundled data).
server_start() {
    # A free loopback port (the kernel picks it; a tiny race with other processes is acceptable).
    PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
    URL="http://127.0.0.1:$PORT"
    "$ICTSTAT_BIN" serve --database-url "$1" --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 240); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "$NAME: ictstat serve exited during startup" >&2
            exit 1
        fi
        if server_healthy; then
            return 0
        fi
        sleep 0.5
    done
    server_healthy || { echo "$NAME: $URL/health did not answer" >&2; exit 1; }
}
