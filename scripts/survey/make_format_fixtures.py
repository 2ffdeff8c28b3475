"""Stata and SPSS fixtures for crates/ictstat-survey's readers (tests/survey/stata_spss.rs).

    python3 -m venv /tmp/fmtvenv && /tmp/fmtvenv/bin/pip install pandas==3.1.1 numpy==2.4.6 pyreadstat==1.3.7
    apt-get install pspp                               # Debian: GNU PSPP, a second SPSS writer
    /tmp/fmtvenv/bin/python scripts/survey/make_format_fixtures.py   # from the repository root

Writes tests/fixtures/survey/formats/: one small survey (the 167 persons of
tests/fixtures/survey/persons.csv, with value labels, missing values of every kind and a
non-ASCII string column) as CSV, as Stata .dta by two independent writers (pandas' own
Python writer; ReadStat through pyreadstat) in formats 114, 117, 118 and 119 and both byte
orders (strLs in 117, 118 and 119), and as SPSS .sav/.zsav by two independent writers
(ReadStat through pyreadstat; GNU PSPP) uncompressed, bytecode-compressed and
zlib-compressed. The Rust tests tabulate every file with one design and plan and require
the same result as the CSV. Besides: very long strings (two per file, 300 and 600 bytes)
and value labels on missing codes (Stata `.a`, SPSS user-missing), in small files of
their own. VERSIONS records the
writers' versions. Deterministic: no randomness, no timestamps in what the tests compare.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

SOURCE = Path("tests/fixtures/survey/persons.csv")
OUT = Path("tests/fixtures/survey/formats")

REGIONS = {1: "Nord", 2: "Côte", 3: "Forêt", 4: "Sahel", 5: "Lac Tchad", 6: "Capitale"}
SEX = {1: "Male", 2: "Female"}
URBAN = {1: "Urban", 2: "Rural"}
INTERNET = {0: "no", 1: "yes"}
# A long name (> 8 bytes: SPSS keeps it in the long-variable-names record).
INTERNET_COL = "internet_last_3_months"
# Rows whose `hours` is system-missing (Stata `.`, SPSS sysmis), and rows whose `hours` is
# a declared missing code (Stata `.a`, SPSS user-missing 999); rows with no Internet answer.
SYSMIS = lambda i: i % 11 == 0  # noqa: E731
USER_MISSING = lambda i: i % 13 == 0  # noqa: E731
NO_ANSWER = lambda i: i % 19 == 0  # noqa: E731
USER_CODE = 999.0


def survey():
    """The survey, with `hours` holding 999 where a user-missing code belongs."""
    d = pd.read_csv(SOURCE)
    d = d[["id", "stratum", "psu", "w", "sex", "urban", "agegrp", "internet", "hours"]].copy()
    d = d.rename(columns={"internet": INTERNET_COL})
    # Two decimals. In a Stata float (float32) the value becomes the nearest float, which
    # the reader gives exactly (12.34 → 12.340000152587891): the tests compare the pandas
    # .dta files (where `hours` is a float) with the CSV's value rounded to a float.
    d["hours"] = d["hours"].round(2)
    d.loc[d["id"].map(USER_MISSING), "hours"] = USER_CODE
    d.loc[d["id"].map(SYSMIS), "hours"] = np.nan
    d[INTERNET_COL] = d[INTERNET_COL].astype(float)
    d.loc[d["id"].map(NO_ANSWER), INTERNET_COL] = np.nan
    d["region"] = d["stratum"].map(REGIONS)
    return d


def write_csv(d):
    """The reference: what every binary file must tabulate to. Missing values are empty."""
    c = d.copy()
    c.loc[c["hours"] == USER_CODE, "hours"] = np.nan
    c["hours"] = c["hours"].map(lambda x: "" if np.isnan(x) else str(np.float32(x)))
    c[INTERNET_COL] = c[INTERNET_COL].map(lambda x: "" if np.isnan(x) else str(int(x)))
    c.to_csv(OUT / "persons.csv", index=False)


def stata_frame(d):
    """Stata types: byte, int, long, float, double, str#."""
    s = d.copy()
    s.loc[s["hours"] == USER_CODE, "hours"] = np.nan  # pandas writes only `.`
    return s.astype(
        {
            "id": np.int32,  # long
            "stratum": np.int8,  # byte
            "psu": np.int16,  # int
            "w": np.float64,  # double
            "sex": np.int8,
            "urban": np.int8,
            "agegrp": np.int8,
            "hours": np.float32,  # float
        }
    )


def write_pandas_dta(d):
    labels = {"sex": SEX, "urban": URBAN, INTERNET_COL: INTERNET}
    s = stata_frame(d)
    s.to_stata(OUT / "persons_pandas_117_lsf.dta", write_index=False, version=117,
               byteorder="little", value_labels=labels)
    # MSF, and `region` as a strL (read from the <strls> section).
    s.to_stata(OUT / "persons_pandas_118_msf_strl.dta", write_index=False, version=118,
               byteorder="big", value_labels=labels, convert_strl=["region"])
    s.to_stata(OUT / "persons_pandas_119_lsf.dta", write_index=False, version=119,
               byteorder="little", value_labels=labels)
    # strLs in the other layouts of (v, o): 117 (4 + 4 bytes) little-endian, 118 (2 + 6)
    # little-endian, 119 (3 + 5) big-endian.
    for version, order, tag in [(117, "little", "lsf"), (118, "little", "lsf"),
                                (119, "big", "msf")]:
        s.to_stata(OUT / f"persons_pandas_{version}_{tag}_strl.dta", write_index=False,
                   version=version, byteorder=order, value_labels=labels,
                   convert_strl=["region"])
    # Format 114 (Stata 10 and 11).
    s.to_stata(OUT / "persons_pandas_114_msf.dta", write_index=False, version=114,
               byteorder="big", value_labels=labels)


def write_readstat(d):
    labels = {"sex": SEX, "urban": URBAN, INTERNET_COL: INTERNET}
    # Stata: the user-missing rows become `.a` (ReadStat writes extended missing values);
    # `hours` is a double here (ReadStat writes an object column of numbers so).
    s = stata_frame(d)
    s["hours"] = d["hours"].astype(object)
    s.loc[s["hours"] == USER_CODE, "hours"] = np.nan
    s.loc[s["id"].map(USER_MISSING), "hours"] = "a"
    pyreadstat.write_dta(s, OUT / "persons_readstat_118.dta", version=14,
                         variable_value_labels=labels, missing_user_values={"hours": ["a"]})
    # SPSS: 999 declared user-missing (with 998, unused, as a second discrete code).
    missing = {"hours": [998.0, USER_CODE]}
    for name, opts in [("persons_readstat.sav", {}),
                       ("persons_readstat_bytecode.sav", {"row_compress": True}),
                       ("persons_readstat.zsav", {"compress": True})]:
        pyreadstat.write_sav(d, OUT / name, variable_value_labels=labels,
                             missing_ranges=missing, **opts)


# Value labels on missing codes: `q` is 1 yes, 2 no, and a missing code labelled "Don't
# know" (Stata .a; SPSS 9, user-missing; PSPP also 8 "Refused" in a missing range 7–8).
# The readers must not expose those labels: such values arrive as missing.
MISSING_Q = [1, 2, None, 1, 2, None]


def write_missing_labels():
    q = pd.DataFrame({"id": range(1, 7)})
    s = q.copy()
    s["q"] = pd.Series([("a" if v is None else float(v)) for v in MISSING_Q], dtype=object)
    pyreadstat.write_dta(s, OUT / "missing_labels_readstat.dta", version=14,
                         variable_value_labels={"q": {1: "yes", 2: "no", "a": "Don't know"}},
                         missing_user_values={"q": ["a"]})
    q["q"] = [9.0 if v is None else float(v) for v in MISSING_Q]
    pyreadstat.write_sav(q, OUT / "missing_labels_readstat.sav",
                         variable_value_labels={"q": {1: "yes", 2: "no", 9: "Don't know"}},
                         missing_ranges={"q": [9.0]})


# Two very long strings (> 255 bytes: several segments each, and two entries in record
# 7.14, separated by NUL and tab).
LONG_A = "".join(chr(ord("A") + i % 26) for i in range(297)) + "end"
LONG_B = "".join(chr(ord("a") + i % 26) for i in range(596)) + "-end"


def write_strl_shared():
    """Two strL columns sharing a string: pandas stores "shared" once, and `a` refers to
    the copy of `b` (v = 2): a reader must not keep only the strLs of a needed column's v."""
    t = pd.DataFrame({"a": ["x1", "shared", "x3"], "b": ["shared", "y2", "y3"]})
    t.to_stata(OUT / "strl_shared_pandas_118.dta", write_index=False, version=118,
               convert_strl=["a", "b"])


def write_very_long_readstat():
    v = pd.DataFrame({"code": [1.0, 2.0], "a": [LONG_A, "short a"], "b": ["short b", LONG_B]})
    pyreadstat.write_sav(v, OUT / "very_long_readstat.sav")


PSPP_VERY_LONG = """
DATA LIST LIST /code (F2.0) a (A300) b (A600).
BEGIN DATA.
1 '{a}' 'short b'
2 'short a' '{b}'
END DATA.
SAVE OUTFILE="{out}/very_long_pspp.sav" /UNCOMPRESSED.
SAVE OUTFILE="{out}/very_long_pspp.zsav" /ZCOMPRESSED.
"""

PSPP_MISSING_LABELS = """
DATA LIST LIST /id (F2.0) q (F2.0).
BEGIN DATA.
1 1
2 2
3 9
4 1
5 8
6 9
END DATA.
VALUE LABELS q 1 'yes' 2 'no' 8 'Refused' 9 'Don''t know'.
MISSING VALUES q (7 THRU 8, 9).
SAVE OUTFILE="{out}/missing_labels_pspp.sav".
"""

PSPP_SYNTAX = """
SET DECIMAL=DOT.
GET DATA /TYPE=TXT /FILE="{csv}" /ENCODING="UTF-8" /ARRANGEMENT=DELIMITED
  /DELCASE=LINE /FIRSTCASE=2 /DELIMITERS=","
  /VARIABLES=id F8.0 stratum F2.0 psu F2.0 w F12.6 sex F1.0 urban F1.0 agegrp F1.0
    {internet} F1.0 hours F8.2 region A16.
VALUE LABELS sex 1 'Male' 2 'Female' /urban 1 'Urban' 2 'Rural' /{internet} 0 'no' 1 'yes'.
MISSING VALUES hours (990 THRU 999).
SAVE OUTFILE="{out}/persons_pspp.sav" /UNCOMPRESSED.
SAVE OUTFILE="{out}/persons_pspp_bytecode.sav" /COMPRESSED.
SAVE OUTFILE="{out}/persons_pspp.zsav" /ZCOMPRESSED.
"""

# A very long string (width 300: two segments), a string with a value of 8 spaces, and a
# windows-1252 file: the decoding tests check these values.
PSPP_STRINGS = """
SET LOCALE="windows-1252".
DATA LIST LIST /code (F2.0) label (A3) note (A300).
BEGIN DATA.
1 'Ça' '{long}'
2 '' 'court'
3 'né' ''
END DATA.
SAVE OUTFILE="{out}/strings_pspp_1252.sav" /UNCOMPRESSED.
SAVE OUTFILE="{out}/strings_pspp_1252_bytecode.sav" /COMPRESSED.
"""
LONG_NOTE = "".join(chr(ord("a") + i % 26) for i in range(290)) + "é-fin"


def write_pspp(d):
    # PSPP reads a CSV with 999 where the user-missing code belongs.
    tmp = OUT / "pspp_input.csv"
    c = d.copy()
    c["hours"] = c["hours"].map(lambda x: "" if np.isnan(x) else f"{x:.2f}")
    c[INTERNET_COL] = c[INTERNET_COL].map(lambda x: "" if np.isnan(x) else str(int(x)))
    c.to_csv(tmp, index=False)
    for syntax in [PSPP_SYNTAX.format(csv=tmp, out=OUT, internet=INTERNET_COL),
                   PSPP_STRINGS.format(out=OUT, long=LONG_NOTE),
                   PSPP_VERY_LONG.format(out=OUT, a=LONG_A, b=LONG_B),
                   PSPP_MISSING_LABELS.format(out=OUT)]:
        subprocess.run(["pspp", "-O", "format=txt", "-o", "/dev/null", "/dev/stdin"],
                       input=syntax.encode("utf-8"), check=True)
    tmp.unlink()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    d = survey()
    write_csv(d)
    write_pandas_dta(d)
    write_readstat(d)
    write_pspp(d)
    write_missing_labels()
    write_very_long_readstat()
    write_strl_shared()
    pspp = subprocess.run(["pspp", "--version"], capture_output=True, text=True).stdout
    (OUT / "VERSIONS").write_text(
        f"python: {sys.version.split()[0]}\npandas: {pd.__version__}\nnumpy: {np.__version__}\n"
        f"pyreadstat: {pyreadstat.__version__}\npspp: {pspp.splitlines()[0]}\n"
    )


if __name__ == "__main__":
    main()
