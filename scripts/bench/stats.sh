#!/usr/bin/env bash
# Statistics-engine benchmarks for BENCHMARKS.md: every aggregate and every progress assessment
# of the bundled data through the API of a release build, timed by curl on loopback (compute
# and JSON included). Scratch files go under ${BENCH_DIR:-/tmp/ictstat-bench}.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${BENCH_DIR:-/tmp/ictstat-bench}"
mkdir -p "$dir"
(cd "$root" && cargo build --release --quiet -p ictstat)
bin="$root/target/release/ictstat"
port=18299
rm -f "$dir"/stats.db*
ICTSTAT_LOG=warn "$bin" serve --listen 127.0.0.1:$port --database-url "sqlite://$dir/stats.db" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.05; done
echo "## machine: $(nproc) cores, $(uname -r); $(date -u +%Y-%m-%dT%H:%MZ)"
indicators=$(curl -s "http://127.0.0.1:$port/api/v1/availability" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(sorted(i["indicator"] for i in (d if isinstance(d, list) else d["data"]))))')
echo "indicators with data: $indicators"
count() { # $1 aggregates|progress, $2 JSON file: how many results it holds
    python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[2]))["data"]
print(len(d) if sys.argv[1] == "aggregates" else sum(len(a["assessments"]) for a in d))
PY
}
for what in aggregates progress; do
    for run in 1 2 3; do
        total=0; results=0; bytes=0
        for i in $indicators; do
            t=$(curl -s -o "$dir/$what.json" -w '%{time_total}' "http://127.0.0.1:$port/api/v1/$what?indicator=$i")
            total=$(python3 -c "print($total + $t)")
            results=$((results + $(count "$what" "$dir/$what.json")))
            bytes=$((bytes + $(wc -c < "$dir/$what.json")))
        done
        echo "$what, run $run: $results results in $(python3 -c "print(f'{$total:.3f}')") s, $(echo $indicators | wc -w) requests, $((bytes / 1024)) KiB of JSON"
    done
done
