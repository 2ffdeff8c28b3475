#!/usr/bin/env python3
"""Writes a synthetic person-level household survey as CSV, for scripts/bench/survey.sh.

Usage: gen_survey.py N OUT.csv [--seed S]
       gen_survey.py --parquet IN.csv OUT.parquet [--copies K]

The second form writes the same data as Parquet (pyarrow, pinned in
requirements-survey.txt; run it with the bench venv's python): the types pyarrow infers
(INT64 codes, DOUBLE weight, as pandas would write them), dictionary encoding and snappy
compression (pyarrow's defaults), row groups of 262,144 rows (polars' default; pyarrow's
own is 1,048,576). --copies K writes the rows K times over (the 10^8-row file of the RSS
run: the same PSUs with K times the persons, streamed, one copy in memory at a time).

A stratified two-stage design, seeded (same N and seed, same bytes): 10 regions × urban/rural
× 2 explicit strata = 40 strata, 50 PSUs (enumeration areas) per stratum = 2,000 PSUs,
numbered 1..50 *within* their stratum (so the design needs nest = true), N persons spread
evenly over the PSUs, rows sorted by stratum and PSU as a survey file is. The weight is the
PSU's design weight times a person-level non-response adjustment. Person variables: sex
(1 male, 2 female), urban (1 urban, 2 rural; constant within a stratum), agegrp (1..7: 15-24,
25-34, 35-44, 45-54, 55-64, 65-74, 75+), educ (0..5: ISCED 0, 1, 2, 3, 4, 5-8), region (1..10),
and six 0/1 ICT variables (internet, computer, mobile_own, mobile_use, skill_email,
skill_copy) whose probabilities depend on urban, sex, age, education and a PSU effect.
The CSV form needs the standard library only.
"""

import math
import random
import sys

REGIONS = 10
STRATA_PER_REGION_AREA = 2  # explicit strata within region × urban/rural
PSUS_PER_STRATUM = 50

HEADER = (
    "person,stratum,psu,w,sex,urban,agegrp,educ,region,"
    "internet,computer,mobile_own,mobile_use,skill_email,skill_copy\n"
)


def logistic(x):
    return 1.0 / (1.0 + math.exp(-x))


ROW_GROUP = 262_144


def to_parquet(args):
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    copies = 1
    if "--copies" in args:
        i = args.index("--copies")
        copies = int(args[i + 1])
        del args[i : i + 2]
    src, out = args
    table = pacsv.read_csv(src)
    with pq.ParquetWriter(out, table.schema, compression="snappy") as w:
        for _ in range(copies):
            w.write_table(table, row_group_size=ROW_GROUP)


def main():
    args = sys.argv[1:]
    if args and args[0] == "--parquet":
        return to_parquet(args[1:])
    seed = 20261128
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    n = int(float(args[0]))
    out = args[1]
    rng = random.Random(seed)

    strata = []  # (stratum, region, urban)
    s = 0
    for region in range(1, REGIONS + 1):
        for urban in (1, 2):
            for _ in range(STRATA_PER_REGION_AREA):
                s += 1
                strata.append((s, region, urban))
    n_psus = len(strata) * PSUS_PER_STRATUM
    base, extra = divmod(n, n_psus)

    # Cumulative thresholds for age and education, by urban/rural.
    age_p = [0.22, 0.20, 0.17, 0.14, 0.12, 0.09, 0.06]
    educ_p = {1: [0.05, 0.15, 0.20, 0.30, 0.08, 0.22], 2: [0.15, 0.30, 0.25, 0.20, 0.04, 0.06]}

    def cumulative(p):
        acc, c = 0.0, []
        for x in p:
            acc += x
            c.append(acc)
        c[-1] = 1.0
        return c

    age_c = cumulative(age_p)
    educ_c = {u: cumulative(p) for u, p in educ_p.items()}

    def draw(c, u):
        for i, t in enumerate(c):
            if u < t:
                return i
        return len(c) - 1

    person = 0
    k = 0
    buf = []
    with open(out, "w", newline="") as f:
        f.write(HEADER)
        for stratum, region, urban in strata:
            for psu in range(1, PSUS_PER_STRATUM + 1):
                size = base + (1 if k < extra else 0)
                k += 1
                psu_w = rng.uniform(150.0, 900.0) * (0.8 if urban == 1 else 1.3)
                effect = rng.gauss(0.0, 0.5) + (0.08 * (region - 5.5))
                rnd = rng.random
                for _ in range(size):
                    person += 1
                    sex = 1 if rnd() < 0.49 else 2
                    agegrp = draw(age_c, rnd()) + 1
                    educ = draw(educ_c[urban], rnd())
                    w = psu_w * (0.85 + 0.3 * rnd())
                    lin = (
                        effect
                        + (0.9 if urban == 1 else -0.4)
                        + (0.25 if sex == 1 else 0.0)
                        - 0.35 * (agegrp - 3)
                        + 0.45 * (educ - 2)
                    )
                    internet = 1 if rnd() < logistic(lin) else 0
                    computer = 1 if rnd() < logistic(lin - 1.0) else 0
                    mobile_use = 1 if rnd() < logistic(lin + 1.5) else 0
                    mobile_own = 1 if (mobile_use and rnd() < 0.85) else 0
                    skill_email = 1 if (internet and rnd() < logistic(lin - 0.5)) else 0
                    skill_copy = 1 if (computer and rnd() < 0.7) else 0
                    buf.append(
                        f"{person},{stratum},{psu},{w:.4f},{sex},{urban},{agegrp},{educ},"
                        f"{region},{internet},{computer},{mobile_own},{mobile_use},"
                        f"{skill_email},{skill_copy}\n"
                    )
                    if len(buf) >= 65536:
                        f.write("".join(buf))
                        buf.clear()
        f.write("".join(buf))


if __name__ == "__main__":
    main()
