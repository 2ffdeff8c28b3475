#!/usr/bin/env bash
# SDMX benchmarks for BENCHMARKS.md, side by side with nginx serving the same bytes from a file.
# Needs a release build, python3, curl, wrk and nginx (installs wrk and nginx-light from Debian
# if missing). Scratch files go under ${BENCH_DIR:-/tmp/ictstat-bench}. Usage:
#   scripts/bench/sdmx.sh            # bundled data
#   ROWS=1000000 scripts/bench/sdmx.sh   # also a dump of a store with 1M more rows
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${BENCH_DIR:-/tmp/ictstat-bench}"
mkdir -p "$dir/www"
for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk nginx-light curl >/dev/null; }
done
(cd "$root" && cargo build --release --quiet -p ictstat)
bin="$root/target/release/ictstat"
port=18199
nginx_port=18198
csv2="application/vnd.sdmx.data+csv;version=2.0.0"

echo "## machine: $(nproc) cores, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"

serve() { # $1 database file; starts the server in the background, sets $pid
    ICTSTAT_LOG=warn "$bin" serve --listen 127.0.0.1:$port --database-url "sqlite://$1" >/dev/null 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.05; done
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

rm -f "$dir"/sdmx.db*
serve "$dir/sdmx.db"
trap 'kill $pid 2>/dev/null || true; [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true' EXIT

query="/sdmx/data/DF_ICT/A.G.IT_USE_ii99$(printf '.%.0s' {1..12})"  # 15 key parts
url="http://127.0.0.1:$port$query"
echo "### first (uncached) answer of each bundled series, all areas and years (curl time_total)"
for series in IT_USE_ii99 IT_NET_BBND IT_CEL_SETS_P2 IT_CEL_SETS IT_MLT_MAIN_P2 SP_POP_TOTL; do
    code=$(curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}' -H "Accept: $csv2" \
        "http://127.0.0.1:$port/sdmx/data/DF_ICT/A.G.$series$(printf '.%.0s' {1..12})")
    echo "$series: status, bytes, seconds: $code"
done
curl -sf -H "Accept: $csv2" "$url" -o "$dir/www/series.csv"
echo "## one series (IT_USE_ii99), all areas and years, SDMX-CSV 2.0: $(($(wc -l < "$dir/www/series.csv") - 1)) observations, $(wc -c < "$dir/www/series.csv") bytes"

echo "### latency of the repeated query (answer cache), 1 connection, 10 s"
wrk -t1 -c1 -d10s --latency -H "Accept: $csv2" "$url" | sed -n '/Latency Distribution/,/Requests\/sec/p'

cat > "$dir/nginx.conf" <<EOF
worker_processes $(nproc);
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    types { }
    default_type "$csv2";
    server { listen 127.0.0.1:$nginx_port; root $dir/www; }
}
EOF
nginx -c "$dir/nginx.conf"
until curl -sf "http://127.0.0.1:$nginx_port/series.csv" >/dev/null; do sleep 0.05; done
cmp <(curl -s "http://127.0.0.1:$nginx_port/series.csv") <(curl -s -H "Accept: $csv2" "$url") \
    && echo "nginx serves the byte-identical response"

echo "### throughput, 2 threads, 16 connections, 10 s each: ictstat, then nginx on the same bytes"
ours=$(wrk -t2 -c16 -d10s -H "Accept: $csv2" "$url" | awk '/Requests\/sec/ {print $2}')
peer=$(wrk -t2 -c16 -d10s "http://127.0.0.1:$nginx_port/series.csv" | awk '/Requests\/sec/ {print $2}')
echo "ictstat: $ours requests/s; nginx: $peer requests/s; ratio ictstat/nginx: $(python3 -c "print(f'{$ours/$peer:.2f}')")"

dump() { # $1 label; full dump of DF_ICT as SDMX-CSV 2.0, with the server's memory around it
    local before after bytes secs
    before=$(rss_kib $pid)
    echo 5 > "/proc/$pid/clear_refs"  # reset the peak (VmHWM) to the current RSS
    read -r bytes secs < <(curl -s -H "Accept: $csv2" -o "$dir/dump.csv" -w '%{size_download} %{time_total}\n' "http://127.0.0.1:$port/sdmx/data/DF_ICT")
    after=$(hwm_kib $pid)
    cp "$dir/dump.csv" "$dir/www/dump.csv"
    local nginx_secs
    nginx_secs=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$nginx_port/dump.csv")
    python3 - "$1" "$bytes" "$secs" "$before" "$after" "$nginx_secs" "$(($(wc -l < "$dir/dump.csv") - 1))" <<'PY'
import sys
label, size, secs, before, peak, nginx, rows = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
print(f"{label}: {rows:,} observations, {size/1e6:.1f} MB in {secs:.3f} s = {size/1e6/secs:.0f} MB/s "
      f"(nginx, same file: {size/1e6/nginx:.0f} MB/s); server RSS {before/1024:.0f} MiB before, "
      f"peak {peak/1024:.0f} MiB: +{(peak-before)/1024:.0f} MiB for a {size/2**20:.0f} MiB dump")
PY
}
echo "## full dump of DF_ICT as SDMX-CSV 2.0 (curl to a file)"
dump "bundled data"
dump "bundled data, again"

if [ -n "${ROWS:-}" ]; then
    kill $pid; wait $pid 2>/dev/null || true
    python3 "$root/scripts/bench/gen_long_csv.py" "$dir/long.csv" "$ROWS"
    "$bin" import "$dir/long.csv" --database-url "sqlite://$dir/sdmx.db" >/dev/null 2>&1
    serve "$dir/sdmx.db"
    dump "bundled data + $ROWS generated rows"
fi
