#!/usr/bin/env bash
# Survey tabulation benchmarks for BENCHMARKS.md (issue 6), side by side in one run on the same
# data as CSV and as Parquet (scripts/bench/gen_survey.py, seeded; the Parquet file is the CSV
# converted by pyarrow: INT64 codes, DOUBLE weight, dictionary encoding, snappy, row groups of
# 262,144 rows):
#   (a) one indicator by sex × urban/rural    survey/one.toml   R: svyby(~internet, ~sex+urban)
#   (b) six indicators × sex, age group, education, urban/rural, region, sex × urban, with
#       linearised SEs                        survey/plan.toml  R: svymean + 6 svyby calls
# ictstat (release build, whole command: read, tabulate, write the CSV), R `survey`
# (survey_r.R: read, svydesign and estimation timed separately), Python `svy` for (a)
# (survey_svy.py, same split) and the floors: `cat FILE > /dev/null`, `wc -l` and a Python
# `csv` pass converting the needed columns to numbers; for Parquet, the time to decode the
# needed columns once: `parquet_floor` (crates/ictstat-survey/examples: the parquet crate's
# typed column readers, one thread, nothing else done) and pyarrow `pq.read_table(columns=…)`
# (multi-threaded). ictstat and svy run on both files; R on the CSV (Debian has no R arrow
# package; R's read is a small part of its time). R's estimates are compared with ictstat's
# (every estimate and SE R computes: max relative difference). Then ictstat's peak RSS on
# growing files (10^8 rows: the 10^7 data written ten times over, if the disk allows).
#
#   scripts/bench/survey.sh
#   SIZES="1000000 10000000" REPS=3 SLOW_REPS=1 TIMEOUT=600 RSS_SIZES="1000000 10000000 100000000"
#   RSS_FORMATS="parquet csv"
#
# REPS repetitions of every ictstat and floor step; the peers (R, svy, the Python csv pass)
# get REPS at sizes up to 10^6 and SLOW_REPS above (minutes each), each peer invocation bounded
# by `timeout $TIMEOUT` (a timeout is reported as such). Scratch files go under
# ${BENCH_DIR:-/tmp/ictstat-bench}; generated CSVs are kept there and reused.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/scripts/bench"
dir="${BENCH_DIR:-/tmp/ictstat-bench}"
SIZES="${SIZES:-1000000 10000000}"
REPS="${REPS:-3}"
SLOW_REPS="${SLOW_REPS:-1}"
TIMEOUT="${TIMEOUT:-600}"
RSS_SIZES="${RSS_SIZES:-1000000 10000000 100000000}"
RSS_FORMATS="${RSS_FORMATS:-parquet csv}"
mkdir -p "$dir"

# --- tools ------------------------------------------------------------------------------
need_apt=()
command -v Rscript >/dev/null || need_apt+=(r-base-core)
Rscript -e 'quit(status = !requireNamespace("survey", quietly = TRUE))' 2>/dev/null || need_apt+=(r-cran-survey)
Rscript -e 'quit(status = !requireNamespace("data.table", quietly = TRUE))' 2>/dev/null || need_apt+=(r-cran-data.table)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
venv="$root/target/bench-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r "$here/requirements-survey.txt"

# The release binary; another change in progress may break the build for a while: retry,
# then fall back to the last built binary (said in the output).
built=no
for attempt in 1 2 3; do
    if (cd "$root" && cargo build --release --quiet -p ictstat); then built=yes; break; fi
    echo "build failed (attempt $attempt), retrying in 60 s" >&2
    sleep 60
done
(cd "$root" && cargo build --release --quiet -p ictstat-survey --example parquet_floor) || true
floor_bin="$root/target/release/examples/parquet_floor"
bin="$root/target/release/ictstat"
[ "$built" = yes ] || echo "NOTE: build failed; using the last built $bin ($(date -u -r "$bin" +%FT%TZ))"
plans="$here/survey"

echo "## machine: $(nproc) cores, $(uname -r), $(free -g | awk '/Mem:/ {print $2}') GB; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "## ictstat $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- crates || echo ' + uncommitted changes in crates/'); R $(Rscript -e 'cat(as.character(getRversion()))'), survey $(Rscript -e 'cat(as.character(packageVersion("survey")))'), $("$venv/bin/python" -c 'import svy; print("svy", svy.__version__)')"

results="$dir/survey-results.tsv" # N tool task step rep seconds
: > "$results"
now() { date +%s.%N; }
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$results"; }

# times a command REPS times; $1 N, $2 tool, $3 task, $4 reps, then the command
timed() {
    local n=$1 tool=$2 task=$3 reps=$4; shift 4
    for rep in $(seq 1 "$reps"); do
        local t0 t1
        t0=$(now)
        "$@"
        t1=$(now)
        record "$n" "$tool" "$task" total "$rep" "$(python3 -c "print(f'{$t1 - $t0:.3f}')")"
    done
}

# a peer script printing "TIME step rep seconds" lines, under timeout; $1 N $2 tool $3 task $4 log
peer() {
    local n=$1 tool=$2 task=$3 log=$4; shift 4
    local rc=0
    timeout "$TIMEOUT" "$@" > "$log" 2>&1 || rc=$?
    grep '^TIME ' "$log" | while read -r _ step rep secs; do record "$n" "$tool" "$task" "$step" "$rep" "$secs"; done || true
    if [ $rc -eq 124 ]; then
        record "$n" "$tool" "$task" timeout 0 "$TIMEOUT"
        echo "  $tool $task: TIMEOUT after ${TIMEOUT} s (completed steps kept)"
    elif [ $rc -ne 0 ]; then
        record "$n" "$tool" "$task" failed 0 "$rc"
        echo "  $tool $task: FAILED (exit $rc), see $log"; tail -5 "$log"
    fi
}

csv_pass() { # the Python csv floor: every row, the needed columns converted to numbers
    python3 - "$1" "$2" <<'PY'
import csv, sys
path, cols = sys.argv[1], sys.argv[2].split(",")
with open(path, newline="") as f:
    r = csv.reader(f)
    head = next(r)
    idx = [head.index(c) for c in cols]
    iw = head.index("w")
    s = 0.0
    for row in r:
        for i in idx:
            s += float(row[i]) if i == iw else int(row[i])
print(s, file=sys.stderr)
PY
}

cols_a="stratum,psu,w,sex,urban,internet"
cols_b="stratum,psu,w,sex,agegrp,educ,urban,region,internet,computer,mobile_own,mobile_use,skill_email,skill_copy"

for n in $SIZES; do
    file="$dir/survey_$n.csv"
    if [ ! -s "$file" ]; then
        echo "generating $file"
        python3 "$here/gen_survey.py" "$n" "$file.part" && mv "$file.part" "$file"
    fi
    pq="$dir/survey_$n.parquet"
    if [ ! -s "$pq" ]; then
        "$venv/bin/python" "$here/gen_survey.py" --parquet "$file" "$pq.part" && mv "$pq.part" "$pq"
    fi
    slow=$REPS; [ "$n" -gt 1000000 ] && slow=$SLOW_REPS
    echo "### N = $n: CSV $(du -m "$file" | cut -f1) MB, Parquet $(du -m "$pq" | cut -f1) MB, $(( $(wc -l < "$file") - 1 )) rows (page cache warm: read once before)"
    cat "$file" "$pq" > /dev/null
    echo "  load before N = $n: $(cut -d' ' -f1-3 /proc/loadavg)"

    timed "$n" floor cat "$REPS" sh -c "cat '$file' > /dev/null"
    timed "$n" floor wc "$REPS" sh -c "wc -l '$file' > /dev/null"
    timed "$n" floor csv_a "$slow" csv_pass "$file" "$cols_a" 2>/dev/null
    timed "$n" floor csv_b "$slow" csv_pass "$file" "$cols_b" 2>/dev/null

    for task in a b; do
        cols=$cols_a; [ $task = b ] && cols=$cols_b
        [ -x "$floor_bin" ] && timed "$n" floor pq_rust_$task "$REPS" sh -c "'$floor_bin' '$pq' '$cols' > /dev/null 2>&1"
        peer "$n" floor pq_arrow_$task "$dir/arrow_${task}_$n.log" "$venv/bin/python" -c '
import sys, time
import pyarrow.parquet as pq
for rep in range(1, int(sys.argv[3]) + 1):
    t0 = time.perf_counter()
    pq.read_table(sys.argv[1], columns=sys.argv[2].split(","))
    print(f"TIME total {rep} {time.perf_counter() - t0:.3f}", flush=True)
' "$pq" "$cols" "$REPS"
    done

    for task in a b; do
        plan="$plans/one.toml"; [ $task = b ] && plan="$plans/plan.toml"
        timed "$n" ictstat $task "$REPS" "$bin" survey tabulate --design "$plans/design.toml" \
            --plan "$plan" -o "$dir/ictstat_${task}_$n.csv" "$file" 2>/dev/null
        timed "$n" ictstat pq_$task "$REPS" "$bin" survey tabulate --design "$plans/design.toml" \
            --plan "$plan" -o "$dir/ictstat_pq_${task}_$n.csv" "$pq" 2>/dev/null
    done

    peer "$n" svy a "$dir/svy_a_$n.log" "$venv/bin/python" "$here/survey_svy.py" "$file" "$slow" "$dir/svy_a_$n.values.csv"
    peer "$n" svy pq_a "$dir/svy_pq_a_$n.log" "$venv/bin/python" "$here/survey_svy.py" "$pq" "$slow" "$dir/svy_pq_a_$n.values.csv"
    for task in a b; do
        rm -f "$dir/r_${task}_$n.values.csv"
        peer "$n" R $task "$dir/r_${task}_$n.log" Rscript "$here/survey_r.R" "$file" $task "$slow" "$dir/r_${task}_$n.values.csv"
    done

    echo "  load after N = $n: $(cut -d' ' -f1-3 /proc/loadavg)"
    # The cross-check: every estimate and SE of R (and of svy for (a)) against ictstat's,
    # from the CSV and from the Parquet file.
    python3 - "$dir" "$n" <<'PY'
import csv, os, sys
d, n = sys.argv[1], sys.argv[2]
code = {"internet": "IT_USE_ii99", "computer": "IT_IND_COMP", "mobile_own": "IT_MOB_OWN",
        "mobile_use": "IT_IND_MOB", "skill_email": "SE_ADT_ACTS.SKILL_ICTATCH",
        "skill_copy": "SE_ADT_ACTS.SKILL_ICTCPT"}
dims = {"sex": ("SEX", {"1": "M", "2": "F"}), "urban": ("URBANISATION", {"1": "U", "2": "R"}),
        "agegrp": ("AGE", {str(i + 1): c for i, c in enumerate(
            ["Y15T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y65T74", "Y_GE75"])}),
        "educ": ("EDUCATION_LEV", {str(i): c for i, c in enumerate(
            ["ISCED11A_0", "ISCED11_1", "ISCED11_2", "ISCED11_3", "ISCED11_4", "AGG_5T8"])}),
        "region": ("REGION", None)}
for task, fmt in [(t, f) for t in "ab" for f in ("", "pq_")]:
    ours = os.path.join(d, f"ictstat_{fmt}{task}_{n}.csv")
    if not os.path.exists(ours):
        continue
    rows = list(csv.DictReader(open(ours)))
    all_dims = [c for c in rows[0] if c.isupper() and c != "COMPOSITE_BREAKDOWN"]
    index = {}
    for r in rows:
        index[(r["plan_key"], tuple((k, r[k]) for k in all_dims))] = r
    for peer in ("R", "svy") if task == "a" else ("R",):
        path = os.path.join(d, f"{'r' if peer == 'R' else 'svy'}_{task}_{n}.values.csv")
        if not os.path.exists(path):
            print(f"CHECK {n} {task} {peer}: no values (peer did not finish)")
            continue
        worst = {"estimate": 0.0, "se": 0.0}
        count = missing = 0
        for g in csv.DictReader(open(path)):
            want = {k: "_T" for k in all_dims}
            if g["domain"] != "all":
                for part in g["domain"].split("&"):
                    var, val = part.split("=")
                    dim, m = dims[var]
                    want[dim] = m[val] if m else val
            r = index.get((code[g["indicator"]], tuple((k, want[k]) for k in all_dims)))
            if r is None:
                missing += 1
                continue
            for q, ours_col in (("estimate", "value"), ("se", "se")):
                a, b = float(r[ours_col]), float(g[q])
                worst[q] = max(worst[q], abs(a - b) / abs(b))
                count += 1
        print(f"CHECK {n} {task} {peer} vs ictstat on {'Parquet' if fmt else 'CSV'}: {count} numbers compared ({count // 2} estimates and their SEs), "
              f"{missing} missing; max relative difference: estimate {worst['estimate']:.2e}, SE {worst['se']:.2e}")
PY
done

# --- peak RSS of ictstat as the file grows ---------------------------------------------------
echo "### peak RSS of ictstat, plan (b), one run each (/usr/bin/time -v)"
for ext in $RSS_FORMATS; do
for n in $RSS_SIZES; do
    file="$dir/survey_$n.$ext"
    made=no
    if [ ! -s "$file" ] && [ "$n" = 100000000 ]; then
        src="$dir/survey_10000000.$ext"
        avail=$(df -Pm "$dir" | awk 'NR == 2 {print $4}')
        need=$(( $(du -m "$src" | cut -f1) * 10 + 2048 ))
        if [ ! -s "$src" ] || [ "$avail" -lt "$need" ]; then
            echo "  N = $n ($ext): skipped (needs ${need} MB free in $dir, ${avail} MB available)"
            continue
        fi
        # The 10^7 data ten times over (one header): the same 2,000 PSUs with 10× the persons.
        if [ "$ext" = csv ]; then
            { cat "$src"; for _ in 2 3 4 5 6 7 8 9 10; do tail -n +2 "$src"; done; } > "$file"
        else
            "$venv/bin/python" "$here/gen_survey.py" --parquet "$dir/survey_10000000.csv" "$file" --copies 10
        fi
        made=yes
    fi
    [ -s "$file" ] || { echo "  N = $n ($ext): no file"; continue; }
    /usr/bin/time -v "$bin" survey tabulate --design "$plans/design.toml" --plan "$plans/plan.toml" \
        -o "$dir/ictstat_rss_${ext}_$n.csv" "$file" 2> "$dir/rss_${ext}_$n.log" >/dev/null
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/rss_${ext}_$n.log")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$dir/rss_${ext}_$n.log")
    cpu=$(awk -F': ' '/Percent of CPU/ {print $2}' "$dir/rss_${ext}_$n.log")
    record "$n" ictstat "b_$ext" rss_kib 1 "$rss"
    echo "  N = $n: $ext $(du -m "$file" | cut -f1) MB, peak RSS $((rss / 1024)) MiB, wall $wall, CPU $cpu, load $(cut -d' ' -f1 /proc/loadavg)"
    [ $made = yes ] && rm -f "$file"
done
done

# --- summary -----------------------------------------------------------------------------
python3 - "$results" <<'PY'
import collections, statistics, sys
t = collections.defaultdict(list)
notes = collections.defaultdict(list)
for line in open(sys.argv[1]):
    n, tool, task, step, rep, secs = line.rstrip("\n").split("\t")
    if step in ("timeout", "failed"):
        notes[(n, tool, task)].append(f"{step} ({secs})")
    elif step != "rss_kib":
        t[(n, tool, task, step)].append(float(secs))
def fmt(k):
    v = t.get(k)
    if not v:
        return "—"
    return f"{min(v):.3f} / {statistics.median(v):.3f} ({len(v)})"
print("### summary: seconds, min / median (runs)")
for n in sorted({k[0] for k in t}, key=int):
    print(f"N = {n}")
    for tool, task, step in [("floor", "cat", "total"), ("floor", "wc", "total"),
                             ("floor", "csv_a", "total"), ("floor", "csv_b", "total"),
                             ("floor", "pq_rust_a", "total"), ("floor", "pq_rust_b", "total"),
                             ("floor", "pq_arrow_a", "total"), ("floor", "pq_arrow_b", "total"),
                             ("ictstat", "a", "total"), ("ictstat", "b", "total"),
                             ("ictstat", "pq_a", "total"), ("ictstat", "pq_b", "total"),
                             ("svy", "pq_a", "read"), ("svy", "pq_a", "design"), ("svy", "pq_a", "estimate"),
                             ("R", "a", "read"), ("R", "a", "design"), ("R", "a", "estimate"),
                             ("R", "b", "read"), ("R", "b", "design"), ("R", "b", "estimate"),
                             ("svy", "a", "read"), ("svy", "a", "design"), ("svy", "a", "estimate")]:
        extra = " ".join(notes.get((n, tool, task), []))
        print(f"  {tool:8} {task:6} {step:9} {fmt((n, tool, task, step))} {extra}")
    for task in "ab":
        for form in ("", "pq_"):
            ours = t.get((n, "ictstat", form + task, "total"))
            if not ours:
                continue
            o = statistics.median(ours)
            name = f"ictstat {'Parquet' if form else 'CSV'}"
            # R reads the CSV in both comparisons; svy reads the same format as ictstat.
            for peer, ptask in (("R", task), ("svy", form + task)):
                parts = [t.get((n, peer, ptask, s)) for s in ("read", "design", "estimate")]
                if all(parts):
                    total = sum(statistics.median(p) for p in parts)
                    est = sum(statistics.median(p) for p in parts[1:])
                    print(f"  ratio {peer} ({ptask})/{name} ({task}): read+design+estimate {total:.3f} s = {total / o:.1f}×; "
                          f"design+estimate {est:.3f} s = {est / o:.1f}×")
            floors = (("pq_rust_" + task, "pq_arrow_" + task) if form
                      else ("cat", "csv_" + task))
            for floor in floors:
                f = t.get((n, "floor", floor, "total"))
                if f:
                    print(f"  ratio {name}/{floor} ({task}): {o / statistics.median(f):.2f}×")
PY
