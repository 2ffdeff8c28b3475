#!/usr/bin/env bash
# Public reads while the workflow runs, for BENCHMARKS.md: `wrk` on a public route of a served
# store (bundled data), first on an idle server, then while a custodian submits a large file,
# an administrator accepts it and publishes it as a release, in a loop. The ratio of the two
# latency distributions is the figure; every answer must be a 200 (wrk counts the others as
# "Non-2xx"). Needs a release build, python3, wrk and curl (installed from Debian if missing).
# Usage: scripts/bench/workflow.sh [ROWS]   (rows per submission, default 200000)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${BENCH_DIR:-/tmp/ictstat-bench}"
rows="${1:-200000}"
mkdir -p "$dir"
for tool in wrk curl; do
    command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk curl >/dev/null; }
done
(cd "$root" && cargo build --release --quiet -p ictstat)
bin="$root/target/release/ictstat"
port=18097
db="sqlite://$dir/workflow.db"
rm -f "$dir"/workflow.db*

echo "## machine: $(nproc) cores, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ); $rows rows per submission"
"$bin" init --database-url "$db" >/dev/null 2>&1
"$bin" org add ITU --kind agency --database-url "$db" >/dev/null
for who in "itu custodian --indicator IT_USE_ii99" "admin administrator"; do
    set -- $who
    login=$1 role=$2
    shift 2
    printf 'a long enough passphrase\n' | "$bin" user add "$login" --org ITU --password-stdin --role "$role" "$@" --database-url "$db" >/dev/null
done
itu=$("$bin" token create --user itu --name bench --scope read,submit --database-url "$db" 2>/dev/null)
admin=$("$bin" token create --user admin --name bench --scope read,submit,admin --database-url "$db" 2>/dev/null)

# Files of `rows` new data points each (a different value per round, so every round writes).
python3 - "$dir" "$rows" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
areas = [f"{c:03d}" for c in (4, 8, 12, 24, 32, 36, 40, 50, 56, 68, 76, 100, 116, 120, 124, 152, 156, 170, 180, 188,
                             192, 204, 208, 218, 222, 231, 246, 250, 266, 276, 288, 300, 320, 324, 332, 340, 344, 348,
                             356, 360, 364, 368, 372, 376, 380, 384, 388, 392, 398, 400, 404, 410, 414, 418, 422, 430)]
for round_ in range(3):
    with open(f"{d}/submission{round_}.csv", "w") as f:
        f.write("indicator,area,period,sex,age,urbanisation,value\n")
        k = 0
        for a in areas:
            for y in range(1960, 2025):
                for s in ("F", "M"):
                    for age in ("Y15T24", "Y25T64", "Y_GE65", "Y15T74"):
                        for u in ("U", "R"):
                            if k == n:
                                break
                            f.write(f"IT_USE_ii99,{a},{y},{s},{age},{u},{10 + round_ + (k % 80)}\n")
                            k += 1
PY

"$bin" serve --listen 127.0.0.1:$port --database-url "$db" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.01; done
url="http://127.0.0.1:$port/api/v1/observations?indicator=IT_USE_ii99&area=404"
echo "rows of the read: $(curl -s "$url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["returned"])')"

echo "## idle: wrk -t1 -c4 -d20s"
wrk -t1 -c4 -d20s --latency "$url" | sed -n '/Latency Distribution/,/Non-2xx\|Requests\/sec/p'

echo "## while submitting, accepting and publishing $rows rows per round"
(
    round=0
    while [ -f "$dir/submission$round.csv" ]; do
        t0=$(date +%s.%N)
        id=$(curl -sf -H "Authorization: Bearer $itu" --data-binary @"$dir/submission$round.csv" \
            "http://127.0.0.1:$port/api/v1/submissions?file_name=s$round.csv" |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["submission"]["id"])')
        t1=$(date +%s.%N)
        curl -sf -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
            -d '{"decision":"accept"}' "http://127.0.0.1:$port/api/v1/submissions/$id/review" >/dev/null
        curl -sf -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
            -d "{\"name\":\"bench-$round\"}" "http://127.0.0.1:$port/api/v1/releases" >/dev/null
        t2=$(date +%s.%N)
        echo "round $round: submitted (validated) in $(echo "$t1 - $t0" | bc) s, accepted and published in $(echo "$t2 - $t1" | bc) s" >&2
        round=$((round + 1))
    done
) &
work=$!
wrk -t1 -c4 -d20s --latency "$url" | sed -n '/Latency Distribution/,/Non-2xx\|Requests\/sec/p'
wait $work
echo "releases: $(curl -s "http://127.0.0.1:$port/api/v1/releases" | python3 -c 'import json,sys; print([r["name"] for r in json.load(sys.stdin)])')"
