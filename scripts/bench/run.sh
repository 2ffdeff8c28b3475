#!/usr/bin/env bash
# Side-by-side benchmarks for BENCHMARKS.md. Needs: a release build, python3, sqlite3, hyperfine,
# wrk and curl (installs the last three from Debian if missing). Writes its scratch files under
# ${BENCH_DIR:-/tmp/ictstat-bench}. Usage: scripts/bench/run.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${BENCH_DIR:-/tmp/ictstat-bench}"
mkdir -p "$dir"
for tool in hyperfine wrk sqlite3 curl; do
    command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine wrk sqlite3 curl >/dev/null; }
done
(cd "$root" && cargo build --release --quiet)
bin="$root/target/release/ictstat"
port=18099

echo "## machine: $(nproc) cores, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"

echo "## import of a 1,000,000-row long CSV into SQLite, end to end, vs sqlite3 .import of the same file"
python3 "$root/scripts/bench/gen_long_csv.py" "$dir/long1m.csv" 1000000
rm -f "$dir"/init.db*
"$bin" init --database-url "sqlite://$dir/init.db" >/dev/null 2>&1
hyperfine --runs 3 --export-json "$dir/import.json" \
    --prepare "rm -f $dir/b.db*; cp $dir/init.db $dir/b.db" \
    "$bin import $dir/long1m.csv --database-url sqlite://$dir/b.db" \
    --prepare "rm -f $dir/s.db*" \
    "sqlite3 $dir/s.db '.mode csv' '.import $dir/long1m.csv t'"
python3 - "$dir/import.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
ours, peer = r[0]["median"], r[1]["median"]
print(f"ictstat import: median {ours:.2f} s = {1e6/ours:,.0f} rows/s")
print(f"sqlite3 .import: median {peer:.2f} s = {1e6/peer:,.0f} rows/s")
print(f"ratio ictstat/sqlite3 time: {ours/peer:.2f}")
PY

echo "## start to first answer"
rm -f "$dir"/first.db*
start_and_wait() { # $1 db file; prints seconds to the first /health answer
    local t0 t1
    t0=$(date +%s.%N)
    "$bin" serve --listen 127.0.0.1:$port --database-url "sqlite://$1" >/dev/null 2>&1 &
    local pid=$!
    until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.005; done
    t1=$(date +%s.%N)
    kill $pid; wait $pid 2>/dev/null || true
    echo "$t1 - $t0" | bc
}
echo "first start (empty database, loads catalogue and bundled data): $(start_and_wait "$dir/first.db") s"
for i in 1 2 3 4 5; do echo "initialised database, run $i: $(start_and_wait "$dir/first.db") s"; done

echo "## GET /api/v1/observations, one indicator, all countries, all years (bundled data), 1 connection, 10 s"
"$bin" serve --listen 127.0.0.1:$port --database-url "sqlite://$dir/first.db" >/dev/null 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.01; done
url="http://127.0.0.1:$port/api/v1/observations?indicator=IT_USE_ii99"
echo "rows: $(curl -s "$url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["returned"])'), bytes: $(curl -s "$url" | wc -c)"
wrk -t1 -c1 -d10s --latency "$url" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "## peer on the same machine: sqlite3 reading the same rows from the same file"
hyperfine --runs 20 -N "sqlite3 $dir/first.db \"SELECT s.area, s.breakdown, o.period, o.value, o.source FROM observation o JOIN series s ON s.id = o.series_id WHERE o.valid_to IS NULL AND s.indicator = 'IT_USE_ii99' ORDER BY s.area, s.breakdown, o.period\"" 2>&1 | grep -E "Time|Range"
kill $pid; wait $pid 2>/dev/null || true
