#!/usr/bin/env bash
# Dashboard benchmarks for BENCHMARKS.md: server time of each page type on the bundled data,
# side by side with nginx serving the same HTML bytes from a file (the floor of answering an
# HTTP request with that page on this machine), both compressing with gzip on the fly as for a
# browser, and the bytes a reader downloads.
# Needs a release build, python3 and nginx (installs nginx-light from Debian if missing).
# Scratch files go under ${BENCH_DIR:-/tmp/ictstat-bench-web}. Usage: scripts/bench/web.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${BENCH_DIR:-/tmp/ictstat-bench-web}"
rm -rf "$dir" && mkdir -p "$dir/www"
command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }
(cd "$root" && cargo build --release --quiet -p ictstat)
bin="$root/target/release/ictstat"
port=18299
nginx_port=18298
echo "## machine: $(nproc) cores, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"

ICTSTAT_LOG=warn "$bin" serve --listen 127.0.0.1:$port --database-url "sqlite://$dir/web.db" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.1; done

cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events { worker_connections 64; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 1000000;
    types { }
    default_type "text/html; charset=utf-8";
    gzip on;
    server { listen 127.0.0.1:$nginx_port; root $dir/www; }
}
CONF
nginx -c "$dir/nginx.conf"

ROOT="$root" PORT=$port NGINX_PORT=$nginx_port WWW="$dir/www" python3 - <<'PY'
import http.client, os, re, statistics, time

port, nginx_port, www = int(os.environ["PORT"]), int(os.environ["NGINX_PORT"]), os.environ["WWW"]
pages = {
    "home": "/",
    "indicator (4 groups, map, table)": "/indicators/IT_USE_ii99",
    "indicator (5 countries, 2020 map, sorted)": "/indicators/IT_USE_ii99?area=404,800,834,646,001&year=2020&sort=value&dir=desc",
    "indicator by sex (Armenia's national data)": "/indicators/IT_USE_ii99?bd=SEX%3DF&area=051",
    "country profile": "/countries/404",
    "availability matrix": "/availability",
    "disaggregation status": "/availability/disaggregation",
    "framework": "/frameworks/CONNECT_2030",
    "search": "/search?q=internet",
    "embed": "/embed/indicators/IT_USE_ii99?area=404",
}

def timed(conn, path, n, gzip_ok=True):
    """n requests in a row; the times in ms and the last body as sent."""
    out = []
    headers = {"Accept-Encoding": "gzip"} if gzip_ok else {}
    for _ in range(n):
        t = time.perf_counter()
        conn.request("GET", path, headers=headers)
        r = conn.getresponse()
        body = r.read()
        out.append((time.perf_counter() - t) * 1000)
        assert r.status == 200, (path, r.status)
    return out, body

ict = http.client.HTTPConnection("127.0.0.1", port)
ngx = http.client.HTTPConnection("127.0.0.1", nginx_port)
print("| page | HTML bytes (gzip as sent) | ictstat median ms | p90 | nginx, same bytes from a file, median ms | ratio |")
print("|---|---|---|---|---|---|")
for i, (name, path) in enumerate(pages.items()):
    timed(ict, path, 3)  # warm: first request of a revision computes the aggregates
    _, body = timed(ict, path, 1, gzip_ok=False)
    ms, sent = timed(ict, path, 200)
    with open(f"{www}/p{i}.html", "wb") as f:
        f.write(body)
    timed(ngx, f"/p{i}.html", 3)
    nms, _ = timed(ngx, f"/p{i}.html", 200)
    med, p90, nmed = statistics.median(ms), statistics.quantiles(ms, n=10)[-1], statistics.median(nms)
    print(f"| {name} `{path}` | {len(body):,} ({len(sent):,}) | {med:.2f} | {p90:.2f} | {nmed:.2f} | {med / nmed:.1f}× |")

# What an indicator page makes a reader download besides its HTML: its stylesheet, script and
# icon, compressed as the server sends them.
ict.request("GET", "/indicators/IT_USE_ii99")
html = ict.getresponse().read().decode()
total = 0
for asset in re.findall(r'(?:href|src)="(/assets/[^"]+)"', html):
    ict.request("GET", asset, headers={"Accept-Encoding": "gzip"})
    r = ict.getresponse()
    body = r.read()
    total += len(body)
    print(f"- {asset}: {len(body):,} bytes as sent ({r.getheader('Content-Encoding') or 'identity'})")
print(f"- stylesheet, script and icon of an indicator page (no script since the review): {total:,} bytes compressed")
PY
