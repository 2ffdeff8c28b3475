"""Python `svy` peer of scripts/bench/survey.sh (benchmark (a): one indicator by sex × urban).

python survey_svy.py FILE.csv|FILE.parquet REPS VALUES.csv

Each of REPS repetitions times, separately: the read (polars.read_csv or
polars.read_parquet of the needed columns, as svy works on polars frames), the design (svy.Sample with stratum, PSU nested in
its stratum, weight) and `estimation.prop(y="internet", by=["sex", "urban"])` with Taylor
linearisation. Prints "TIME <step> <rep> <seconds>" lines; writes the last repetition's
proportions of internet == 1 as VALUES.csv in survey_r.R's layout, for the cross-check.
"""

import sys
import time

import polars as pl
import svy


def main():
    path, reps, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    print("SVY", svy.__version__, "POLARS", pl.__version__, flush=True)
    cols = ["stratum", "psu", "w", "sex", "urban", "internet"]
    est = None
    for rep in range(1, reps + 1):
        t0 = time.perf_counter()
        if path.endswith(".parquet"):
            df = pl.read_parquet(path, columns=cols)
        else:
            df = pl.read_csv(path, columns=cols)
        t1 = time.perf_counter()
        # PSU numbers repeat across strata: the PSU is (stratum, psu), R's nest = TRUE.
        sample = svy.Sample(data=df, design=svy.Design(stratum="stratum", psu=["stratum", "psu"], wgt="w"))
        t2 = time.perf_counter()
        est = sample.estimation.prop(y="internet", by=["sex", "urban"], method="taylor")
        t3 = time.perf_counter()
        print(f"TIME read {rep} {t1 - t0:.3f}", flush=True)
        print(f"TIME design {rep} {t2 - t1:.3f}", flush=True)
        print(f"TIME estimate {rep} {t3 - t2:.3f}", flush=True)
        del df, sample
    with open(out, "w") as f:
        f.write("indicator,domain,estimate,se\n")
        for row in est.to_polars().to_dicts():
            level = row.get("internet", row.get("level", row.get("y_level")))
            if str(level) not in ("1", "1.0", "True"):
                continue
            f.write(
                f"internet,sex={row['sex']}&urban={row['urban']},{row['est']!r},{row['se']!r}\n"
            )


if __name__ == "__main__":
    main()
