//! Stata and SPSS readers against independent writers (scripts/survey/make_format_fixtures.py:
//! pandas and ReadStat for .dta, ReadStat and GNU PSPP for .sav/.zsav): every file holds the
//! same survey as `formats/persons.csv` and must decode to the same values and tabulate to
//! the same result, with the value labels coming from the file; damaged files must fail
//! with an error that names the file and the place, never panic (a deterministic byte-flip
//! test damages every fixture a few hundred ways).

use std::collections::BTreeMap;
use std::io::{BufReader, Cursor};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use ictstat_survey::{
    CsvSource, Design, DtaSource, Plan, ReadError, SavSource, Source, TabulateError, tabulate,
};

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/survey/formats")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).expect("fixture")
}

const DTA: [&str; 8] = [
    "persons_pandas_114_msf.dta",
    "persons_pandas_117_lsf.dta",
    "persons_pandas_117_lsf_strl.dta",
    "persons_pandas_118_lsf_strl.dta",
    "persons_pandas_118_msf_strl.dta",
    "persons_pandas_119_lsf.dta",
    "persons_pandas_119_msf_strl.dta",
    "persons_readstat_118.dta",
];

/// The fixtures of other data than the persons (all binary fixtures are `binaries()` and
/// these).
const OTHERS: [&str; 9] = [
    "strings_pspp_1252.sav",
    "strings_pspp_1252_bytecode.sav",
    "very_long_pspp.sav",
    "very_long_pspp.zsav",
    "very_long_readstat.sav",
    "missing_labels_pspp.sav",
    "missing_labels_readstat.sav",
    "missing_labels_readstat.dta",
    "strl_shared_pandas_118.dta",
];

/// The files in which `hours` is a Stata float (pandas writes a float32 column so).
fn float_hours(name: &str) -> bool {
    name.starts_with("persons_pandas_")
}

const SAV: [&str; 6] = [
    "persons_readstat.sav",
    "persons_readstat_bytecode.sav",
    "persons_readstat.zsav",
    "persons_pspp.sav",
    "persons_pspp_bytecode.sav",
    "persons_pspp.zsav",
];

fn binaries() -> impl Iterator<Item = &'static str> {
    DTA.into_iter().chain(SAV)
}

/// A source over the bytes of a fixture (whole or cut), by its extension.
fn source(name: &str, data: Vec<u8>) -> Result<Box<dyn Source>, ReadError> {
    Ok(if name.ends_with(".dta") {
        Box::new(DtaSource::new(Cursor::new(data), name)?)
    } else {
        Box::new(SavSource::new(Cursor::new(data), name)?)
    })
}

/// Every row of a source as text, all columns: what the visitor would be given.
fn rows(name: &str, data: Vec<u8>) -> Result<Vec<Vec<String>>, ReadError> {
    fn all(
        n: usize,
        mut next: impl FnMut(&[usize], &mut [String]) -> Result<Option<u64>, ReadError>,
    ) -> Result<Vec<Vec<String>>, ReadError> {
        let columns: Vec<usize> = (0..n).collect();
        let mut texts = vec![String::new(); n];
        let mut out = Vec::new();
        while let Some(line) = next(&columns, &mut texts)? {
            assert_eq!(line, out.len() as u64 + 2, "line = observation + 1");
            out.push(texts.clone());
        }
        Ok(out)
    }
    if name.ends_with(".dta") {
        let mut s = DtaSource::new(Cursor::new(data), name)?;
        let n = s.header()?.len();
        all(n, |c, t| s.read_row(c, t))
    } else {
        let mut s = SavSource::new(Cursor::new(data), name)?;
        let n = s.header()?.len();
        all(n, |c, t| s.read_row(c, t))
    }
}

fn csv_rows() -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path("persons.csv")).expect("csv");
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = r
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// Two fields hold the same value: the same number (`0.0` and `0`), or the same text.
fn same(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The exact value of the float nearest to the decimal `x` (what a Stata float column
/// holds, and what the reader gives: `f64::from(f32)`), as text; "" stays "".
fn as_float(x: &str) -> String {
    if x.is_empty() {
        return String::new();
    }
    let f: f32 = x.parse().expect("a number");
    format!("{}", f64::from(f))
}

/// `persons.csv` with `hours` as the pandas `.dta` files hold it: each value rounded to a
/// float, written exactly. The reference those files must tabulate to.
fn csv_with_float_hours() -> Vec<u8> {
    let (header, rows) = csv_rows();
    let hours = header.iter().position(|h| h == "hours").expect("hours");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).expect("header");
    for mut row in rows {
        row[hours] = as_float(&row[hours]);
        w.write_record(&row).expect("row");
    }
    w.into_inner().expect("csv")
}

#[test]
fn every_file_decodes_to_the_values_the_writers_were_given() {
    let (header, expected) = csv_rows();
    // Not vacuous: the reference has system-missing (id 11), user-missing (id 13, SPSS 999,
    // Stata .a from ReadStat) and unanswered (id 19) values, and non-ASCII text.
    assert_eq!(expected[10][8], "");
    assert_eq!(expected[12][8], "");
    assert_eq!(expected[18][7], "");
    assert!(expected.iter().any(|r| r[9] == "Côte"));
    let hours = header.iter().position(|h| h == "hours").expect("hours");
    // A float column is given exactly, not as its shortest decimal (R's haven and pandas
    // read 12.34 stored as a float as 12.340000152587891).
    assert_eq!(as_float("12.34"), "12.34000015258789");
    for name in binaries() {
        let got_header = source(name, bytes(name)).and_then(|mut s| s.header());
        assert_eq!(got_header.as_ref(), Ok(&header), "{name}: header");
        let got = rows(name, bytes(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got.len(), expected.len(), "{name}: rows");
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            for (c, (gv, ev)) in g.iter().zip(e).enumerate() {
                let ev = if c == hours && float_hours(name) {
                    &as_float(ev)
                } else {
                    ev
                };
                assert!(
                    same(gv, ev),
                    "{name}: observation {}, {}: {gv:?} but the writer was given {ev:?}",
                    i + 1,
                    header[c]
                );
            }
        }
    }
}

#[test]
fn value_labels_come_from_the_file() {
    let pairs = |p: &[(&str, f64)]| p.iter().map(|(l, c)| ((*l).to_owned(), *c)).collect();
    let expected: BTreeMap<String, Vec<(String, f64)>> = [
        (
            "internet_last_3_months",
            pairs(&[("no", 0.0), ("yes", 1.0)]),
        ),
        ("sex", pairs(&[("Male", 1.0), ("Female", 2.0)])),
        ("urban", pairs(&[("Urban", 1.0), ("Rural", 2.0)])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for name in binaries() {
        assert_eq!(file_labels(&path(name)), expected, "{name}");
    }
    assert!(file_labels(&path("persons.csv")).is_empty());
}

#[test]
fn formats_and_byte_orders_are_those_written() {
    let release = |name: &str| DtaSource::open(&path(name)).expect(name).release();
    assert_eq!(release("persons_pandas_114_msf.dta"), 114);
    assert_eq!(release("persons_pandas_117_lsf.dta"), 117);
    assert_eq!(release("persons_pandas_118_msf_strl.dta"), 118);
    assert_eq!(release("persons_pandas_119_lsf.dta"), 119);
    // Big-endian files really are: the MSF fixtures say so in their header.
    assert_eq!(bytes("persons_pandas_114_msf.dta")[1], 1);
    let b = bytes("persons_pandas_118_msf_strl.dta");
    assert!(b.windows(14).any(|w| w == b"<byteorder>MSF"));
    // The strL file keeps `region` in <strls>.
    assert!(b.windows(3).any(|w| w == b"GSO"));
    assert_eq!(&bytes("persons_pspp.zsav")[..4], b"$FL3");
}

const DESIGN_PLAN: &str = r#"
weight = "w"
strata = "stratum"
psu = "psu"
nest = true

[indicator.internet]
value = "internet_last_3_months == \"yes\""

[indicator.hours]
value = "hours"
statistic = "mean"
scope = "not is_missing(hours)"

[breakdown.SEX]
codes = { F = "sex == \"Female\"", M = "sex == \"Male\"" }

[breakdown.URBANISATION]
codes = { U = "urban == \"Urban\"", R = "urban == \"Rural\"" }

[breakdown.REGION]
variable = "region"

[breakdown.AGE]
variable = "agegrp"

[quality]
suppress_below_n = 0
suppress_above_cv = inf
"#;

/// The CSV has no labels: the plan declares them, as the files do.
const CSV_LABELS: &str = r#"
[labels.sex]
Male = 1
Female = 2

[labels.urban]
Urban = 1
Rural = 2

[labels.internet_last_3_months]
no = 0
yes = 1
"#;

fn design() -> Design {
    Design::from_toml_str(DESIGN_PLAN).expect("design")
}

/// Tabulates a binary fixture as the command line does: the file opened by its
/// extension; `tabulate` adds the file's labels to the plan (the plan's own win).
fn tabulate_file(name: &str, plan_text: &str) -> Result<ictstat_survey::Tabulation, TabulateError> {
    let plan = Plan::from_toml_str(plan_text, "plan.toml").expect("plan");
    tabulate(&design(), &plan, ictstat_survey::open(&path(name))?)
}

/// The value labels the file declares, as its reader gives them to `tabulate`.
fn file_labels(path: &std::path::Path) -> BTreeMap<String, Vec<(String, f64)>> {
    ictstat_survey::open(path).expect("opens").value_labels()
}

fn tabulate_csv(plan_text: &str) -> Result<ictstat_survey::Tabulation, TabulateError> {
    let plan = Plan::from_toml_str(plan_text, "plan.toml").expect("plan");
    let file = std::fs::File::open(path("persons.csv")).expect("csv");
    tabulate(
        &design(),
        &plan,
        CsvSource::new(BufReader::new(file), "persons.csv"),
    )
}

/// The CSV's tabulation that binary fixture `name` must equal exactly: `persons.csv`, or
/// for the files where `hours` is a float, the same with `hours` as those floats.
fn reference(name: &str, plan_text: &str) -> ictstat_survey::Tabulation {
    if !float_hours(name) {
        return tabulate_csv(plan_text).expect("csv tabulates");
    }
    let plan = Plan::from_toml_str(plan_text, "plan.toml").expect("plan");
    let data = csv_with_float_hours();
    tabulate(
        &design(),
        &plan,
        CsvSource::new(Cursor::new(data), "persons.csv"),
    )
    .expect("csv with float hours tabulates")
}

#[test]
fn csv_dta_and_sav_tabulate_identically_with_the_files_labels() {
    let expected = tabulate_csv(&format!("{DESIGN_PLAN}{CSV_LABELS}")).expect("csv tabulates");
    assert_eq!(expected.n_rows, 167);
    // Women, by label, and the mean over non-missing hours only.
    let women = expected
        .rows
        .iter()
        .find(|r| r.plan_key == "hours" && r.breakdown.get("SEX").map(String::as_str) == Some("F"))
        .expect("hours of women");
    assert!(women.n > 0 && women.value.is_some());
    let plan = format!("{DESIGN_PLAN}{CSV_LABELS}");
    let float_expected = reference("persons_pandas_117_lsf.dta", &plan);
    // The float files' reference differs from the CSV's only in the mean of `hours`, and
    // only at a float's precision.
    let mean = |t: &ictstat_survey::Tabulation| -> Vec<f64> {
        t.rows
            .iter()
            .filter(|r| r.plan_key == "hours")
            .map(|r| r.value.expect("a mean"))
            .collect()
    };
    let (exact, float) = (mean(&expected), mean(&float_expected));
    assert!(exact.iter().zip(&float).any(|(a, b)| a != b));
    assert!(
        exact
            .iter()
            .zip(&float)
            .all(|(a, b)| ((a - b) / a).abs() < 1e-7)
    );
    for name in binaries() {
        let got = tabulate_file(name, DESIGN_PLAN).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = if float_hours(name) {
            &float_expected
        } else {
            &expected
        };
        // Debug text: NaN (undefined design effects) compares equal to itself there.
        assert_eq!(format!("{got:?}"), format!("{expected:?}"), "{name}");
    }
}

/// The labels come from the file: the same plan without `[labels]` fails on the CSV
/// (which has none) and tabulates the `.dta` (which declares them).
#[test]
fn the_files_own_labels_are_honoured() {
    let err = tabulate_csv(DESIGN_PLAN).expect_err("the CSV has no labels");
    assert!(err.to_string().contains("has no value labels"), "{err}");
    let name = "persons_pandas_117_lsf.dta";
    let got = tabulate_file(name, DESIGN_PLAN).expect(name);
    let expected = reference(name, &format!("{DESIGN_PLAN}{CSV_LABELS}"));
    assert_eq!(format!("{got:?}"), format!("{expected:?}"));
}

#[test]
fn the_plans_labels_win_over_the_files() {
    // The plan's codes say `sex == \"woman\"` (escaped quotes in the TOML).
    let own = DESIGN_PLAN
        .replace("\\\"Female", "\\\"woman")
        .replace("\\\"Male", "\\\"man")
        + "\n[labels.sex]\nman = 1\nwoman = 2\n";
    for name in ["persons_pandas_119_lsf.dta", "persons_pspp.sav"] {
        let expected = reference(name, &format!("{DESIGN_PLAN}{CSV_LABELS}"));
        let got = tabulate_file(name, &own).expect(name);
        assert_eq!(format!("{got:?}"), format!("{expected:?}"), "{name}");
        // The file's "Female" is not merged into a variable the plan labels itself.
        let with_file_label = own.replace("\\\"woman", "\\\"Female");
        let err = tabulate_file(name, &with_file_label).expect_err("plan labels win");
        assert!(err.to_string().contains("a value label of `sex`"), "{err}");
    }
}

#[test]
fn strings_long_strings_and_encodings() {
    let long: String = (0..290)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .chain("é-fin".chars())
        .collect();
    for name in ["strings_pspp_1252.sav", "strings_pspp_1252_bytecode.sav"] {
        let mut s = SavSource::open(&path(name)).expect(name);
        assert_eq!(s.header().expect("header"), ["code", "label", "note"]);
        let got = rows(name, bytes(name)).expect(name);
        let expected = [
            ["1", "Ça", long.as_str()],
            ["2", "", "court"],
            ["3", "né", ""],
        ];
        assert_eq!(got, expected.map(|r| r.map(str::to_owned)), "{name}");
    }
}

#[test]
fn only_needed_columns_are_decoded_and_errors_name_the_observation() {
    // The weight is missing in observation 11 (`hours` as the weight): the visitor's error
    // names the same line as for the CSV, and the column.
    let design = Design::from_toml_str("weight = \"hours\"").expect("design");
    let plan =
        Plan::from_toml_str("[indicator.i]\nvalue = \"sex == 1\"", "plan.toml").expect("plan");
    let csv = std::fs::File::open(path("persons.csv")).expect("csv");
    let expected = tabulate(
        &design,
        &plan,
        CsvSource::new(BufReader::new(csv), "persons.csv"),
    )
    .expect_err("missing weight");
    let TabulateError::Read(expected) = expected else {
        panic!("{expected}")
    };
    assert_eq!(expected.line, 12);
    for name in binaries() {
        let err = tabulate(
            &design,
            &plan,
            ictstat_survey::open(&path(name)).expect(name),
        )
        .expect_err(name);
        let TabulateError::Read(e) = err else {
            panic!("{name}: {err}")
        };
        assert_eq!(
            (e.line, &e.column, &e.message),
            (12, &expected.column, &expected.message),
            "{name}"
        );
        assert!(e.origin.ends_with(name), "{}", e.origin);
    }
}

#[test]
fn a_plan_naming_a_variable_the_file_lacks_is_refused_by_name() {
    let plan =
        Plan::from_toml_str("[indicator.i]\nvalue = \"q99 == 1\"", "plan.toml").expect("plan");
    for name in ["persons_pandas_118_msf_strl.dta", "persons_readstat.zsav"] {
        let err = tabulate(
            &design(),
            &plan,
            ictstat_survey::open(&path(name)).expect(name),
        )
        .expect_err(name);
        assert!(err.to_string().contains("q99"), "{name}: {err}");
    }
}

/// Reads a fixture cut to `len` bytes to the end; the error if any.
fn read_cut(name: &str, len: usize) -> Result<usize, ReadError> {
    let mut data = bytes(name);
    data.truncate(len);
    rows(name, data).map(|r| r.len())
}

#[test]
fn truncated_files_fail_saying_where() {
    for name in binaries() {
        let full = bytes(name).len();
        // A byte inside the data: past the <data> tag of 117+ (strL files are longer:
        // a third of the file is not yet the data), a third or half of the file otherwise.
        let tag = bytes(name).windows(6).position(|w| w == b"<data>");
        let data_start = match name {
            n if n.ends_with(".dta") => tag.map_or(full / 3, |at| at + 6 + 500),
            _ => full / 2,
        };
        let mut cuts = vec![0, 3, 60, 200, data_start, full * 2 / 3];
        if name.ends_with(".dta") {
            cuts.push(full - 30); // the value labels, at the end of the file
        }
        for cut in cuts {
            let err = read_cut(name, cut).expect_err(&format!("{name} cut at {cut}"));
            let text = err.to_string();
            assert!(text.starts_with(name), "{text}");
            assert!(
                text.contains("truncated") || text.contains("not a") || text.contains("expected"),
                "{name} cut at {cut}: {text}"
            );
        }
        // In the data: the error names the observation.
        let err = read_cut(name, data_start).expect_err(name);
        assert!(err.line > 1 && err.line <= 168, "{name}: {err}");
        assert!(
            err.message.contains("observation") || err.message.contains("case"),
            "{err}"
        );
    }
}

#[test]
fn damaged_headers_are_refused() {
    let mut dta = bytes("persons_pandas_117_lsf.dta");
    dta[0] = b'X';
    let e = rows("bad.dta", dta).expect_err("magic");
    assert!(e.message.contains("not a Stata .dta file"), "{e}");

    let mut dta = bytes("persons_pandas_118_msf_strl.dta");
    let at = dta
        .windows(10)
        .position(|w| w == b"<varnames>")
        .expect("tag");
    dta[at + 8] = b'z';
    let e = rows("bad.dta", dta).expect_err("tag");
    assert!(
        e.message
            .contains(&format!("at byte {at}: expected <varnames>")),
        "{e}"
    );

    let mut dta = bytes("persons_pandas_119_lsf.dta");
    dta[28..31].copy_from_slice(b"120");
    let e = rows("bad.dta", dta).expect_err("release");
    assert!(e.message.contains("\"120\" is not supported"), "{e}");

    let mut dta = bytes("persons_pandas_114_msf.dta");
    dta[0] = 110;
    let e = rows("old.dta", dta).expect_err("format 110");
    assert!(e.message.contains("Stata format 110"), "{e}");

    let mut sav = bytes("persons_pspp.sav");
    sav[3] = b'9';
    let e = rows("bad.sav", sav).expect_err("magic");
    assert!(e.message.contains("not an SPSS system file"), "{e}");

    let mut sav = bytes("persons_readstat.sav");
    sav[64..68].copy_from_slice(&[9, 9, 9, 9]);
    let e = rows("bad.sav", sav).expect_err("layout");
    assert!(e.message.contains("layout code"), "{e}");

    // A zlib block with damaged bytes: an error, not garbage.
    let mut zsav = bytes("persons_readstat.zsav");
    let n = zsav.len();
    for b in &mut zsav[n / 2..n / 2 + 16] {
        *b ^= 0x5a;
    }
    assert!(rows("bad.zsav", zsav).is_err());
}

#[test]
fn two_very_long_strings_are_read_whole() {
    // Record 7.14 lists both (`A=00300\0\tB=00600\0\t`): the second after a NUL.
    let a: String = (0..297)
        .map(|i| char::from(b'A' + (i % 26) as u8))
        .chain("end".chars())
        .collect();
    let b: String = (0..596)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .chain("-end".chars())
        .collect();
    let expected =
        [["1", a.as_str(), "short b"], ["2", "short a", b.as_str()]].map(|r| r.map(str::to_owned));
    for name in [
        "very_long_pspp.sav",
        "very_long_pspp.zsav",
        "very_long_readstat.sav",
    ] {
        let mut s = SavSource::open(&path(name)).expect(name);
        assert_eq!(s.header().expect("header"), ["code", "a", "b"], "{name}");
        let got = rows(name, bytes(name)).expect(name);
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn labels_on_missing_codes_are_not_exposed() {
    // `q`: 1 yes, 2 no, and "Don't know" on a missing code (Stata .a; SPSS 9, user-missing;
    // PSPP also "Refused" on 8, in the missing range 7–8). Such values arrive as missing,
    // so `q == "Don't know"` could never be true: the label is left out (the plan then
    // says it has no such label), and `is_missing(q)` is the way to ask.
    let yes_no = vec![("yes".to_owned(), 1.0), ("no".to_owned(), 2.0)];
    for name in [
        "missing_labels_readstat.dta",
        "missing_labels_readstat.sav",
        "missing_labels_pspp.sav",
    ] {
        let labels = file_labels(&path(name));
        assert_eq!(labels.get("q"), Some(&yes_no), "{name}");
        let got = rows(name, bytes(name)).expect(name);
        let q: Vec<&str> = got.iter().map(|r| r[1].as_str()).collect();
        let expected = if name == "missing_labels_pspp.sav" {
            ["1", "2", "", "1", "", ""]
        } else {
            ["1", "2", "", "1", "2", ""]
        };
        assert_eq!(q, expected, "{name}");

        let design = Design::from_toml_str("weight = \"id\"").expect("design");
        let labelled = |condition: &str| {
            let condition = condition.replace('"', "\\\"");
            let plan = Plan::from_toml_str(
                &format!(
                    "[indicator.i]\nvalue = \"{condition}\"\n[quality]\nsuppress_below_n = 0\nsuppress_above_cv = inf\n"
                ),
                "plan.toml",
            )
            .expect("plan");
            tabulate(
                &design,
                &plan,
                ictstat_survey::open(&path(name)).expect(name),
            )
        };
        let err = labelled("q == \"Don't know\"").expect_err("no such label");
        assert!(err.to_string().contains("Don't know"), "{name}: {err}");
        let t = labelled("is_missing(q)").expect(name);
        let all = t
            .rows
            .iter()
            .find(|r| r.breakdown.is_empty())
            .expect("total");
        // Weighted by id (1–6): the ids whose q is missing over 21.
        let missing: f64 = (1..=6)
            .zip(&q)
            .filter(|(_, v)| v.is_empty())
            .map(|(id, _)| f64::from(id))
            .sum();
        assert_eq!(all.value, Some(missing / 21.0), "{name}: {all:?}");
    }
}

#[test]
fn a_strl_shared_between_columns_is_read_from_either() {
    // pandas stores "shared" once, under `b` (v = 2); `a` refers to it.
    let name = "strl_shared_pandas_118.dta";
    let mut s = DtaSource::open(&path(name)).expect(name);
    assert_eq!(s.header().expect("header"), ["a", "b"]);
    let read = |columns: &[usize]| {
        let mut s = DtaSource::open(&path(name)).expect(name);
        let mut texts = vec![String::new(); columns.len()];
        let mut out = Vec::new();
        while s.read_row(columns, &mut texts).expect(name).is_some() {
            out.push(texts.clone());
        }
        out
    };
    assert_eq!(read(&[0]), [["x1"], ["shared"], ["x3"]]);
    assert_eq!(read(&[1]), [["shared"], ["y2"], ["y3"]]);
    assert_eq!(
        read(&[1, 0]),
        [["shared", "x1"], ["y2", "shared"], ["y3", "x3"]]
    );
}

#[test]
fn columns_beyond_the_file_are_an_error_at_every_row() {
    for name in ["persons_pandas_117_lsf.dta", "persons_pspp.sav"] {
        let mut texts = vec![String::new(); 2];
        let check = |e: ReadError| {
            assert!(
                e.message
                    .contains("column 99 asked for, but the file has 10 variables"),
                "{name}: {e}"
            );
        };
        if name.ends_with(".dta") {
            let mut s = DtaSource::open(&path(name)).expect(name);
            check(s.read_row(&[0, 99], &mut texts).expect_err("first row"));
            assert!(s.read_row(&[0, 1], &mut texts).expect(name).is_some());
            check(s.read_row(&[0, 99], &mut texts).expect_err("second row"));
        } else {
            let mut s = SavSource::open(&path(name)).expect(name);
            check(s.read_row(&[0, 99], &mut texts).expect_err("first row"));
            assert!(s.read_row(&[0, 1], &mut texts).expect(name).is_some());
            check(s.read_row(&[0, 99], &mut texts).expect_err("second row"));
        }
    }
}

#[test]
fn a_damaged_map_is_refused() {
    // The <map> of 117+: 14 offsets of 8 bytes after the tag; entry 10 is <data>.
    for name in [
        "persons_pandas_117_lsf.dta",
        "persons_pandas_118_msf_strl.dta",
    ] {
        let original = bytes(name);
        let map = original
            .windows(5)
            .position(|w| w == b"<map>")
            .expect("map")
            + 5;
        let big_endian = name.contains("msf");
        let put = |data: &mut Vec<u8>, entry: usize, value: u64| {
            let b = if big_endian {
                value.to_be_bytes()
            } else {
                value.to_le_bytes()
            };
            data[map + 8 * entry..map + 8 * entry + 8].copy_from_slice(&b);
        };
        for (entry, value) in [
            (9, u64::MAX),
            (9, u64::MAX - 3),
            (9, original.len() as u64 + 1),
            (11, 1 << 40),
            (13, u64::MAX),
        ] {
            let mut data = original.clone();
            put(&mut data, entry, value);
            let e = rows(name, data).expect_err("damaged map");
            assert!(
                e.message
                    .contains(&format!("at byte {map}: the <map> is damaged")),
                "{name} entry {entry} = {value}: {e}"
            );
        }
    }
}

/// A deterministic generator (xorshift64*) for the byte-flip test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Everything a caller can ask of a reader, on `data`: opening, the header, the value
/// labels, the first 20 rows of every column, or (with `tabulate_too`) every row through
/// the visitor's path.
fn exercise(name: &str, data: Vec<u8>, tabulate_too: bool) {
    fn drain(
        n: usize,
        mut next: impl FnMut(&[usize], &mut [String]) -> Result<Option<u64>, ReadError>,
    ) {
        let columns: Vec<usize> = (0..n).collect();
        let mut texts = vec![String::new(); n];
        // The first rows only (time: the test runs in debug); the tabulating runs read all.
        for _ in 0..20 {
            if !matches!(next(&columns, &mut texts), Ok(Some(_))) {
                break;
            }
        }
    }
    if tabulate_too {
        if let Ok(mut s) = source(name, data)
            && let Ok(header) = s.header()
            && let Some(first) = header.first()
            // The first column as the weight (an error if it is text: fine, not a panic).
            && let Ok(design) = Design::from_toml_str(&format!("weight = {first:?}"))
        {
            let plan =
                Plan::from_toml_str("[indicator.n]\nvalue = \"true\"", "plan.toml").expect("plan");
            let _ = tabulate(&design, &plan, s);
        }
    } else if name.ends_with(".dta") {
        if let Ok(mut s) = DtaSource::new(Cursor::new(data), name) {
            let _ = s.value_labels();
            let n = s.header().map_or(0, |h| h.len());
            drain(n, |c, t| s.read_row(c, t));
        }
    } else if let Ok(mut s) = SavSource::new(Cursor::new(data), name) {
        let _ = s.value_labels();
        let n = s.header().map_or(0, |h| h.len());
        drain(n, |c, t| s.read_row(c, t));
    }
}

#[test]
fn damaged_bytes_give_errors_never_panics() {
    // Per fixture, 250 copies with 1–3 edits each (a flipped bit, a random byte, four
    // 0xFF bytes — a huge length — or eight random bytes), a third anywhere, a third in
    // the first quarter (header and dictionary) and a third in the last (Stata's strLs and
    // value labels). Every reader call must return (Ok or a ReadError): no panic, no
    // abort, no allocation a damaged length asks for.
    const MUTATIONS: usize = 250;
    let mut failures = Vec::new();
    for (f, name) in binaries().chain(OTHERS).enumerate() {
        let original = bytes(name);
        let len = original.len();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (f as u64 + 1).wrapping_mul(0xff51_afd7));
        for m in 0..MUTATIONS {
            let mut data = original.clone();
            for _ in 0..=rng.below(3) {
                let at = match rng.below(3) {
                    0 => rng.below(len),
                    1 => rng.below(len / 4),
                    _ => len - 1 - rng.below(len / 4),
                };
                let end = |n: usize| (at + n).min(len);
                match rng.below(4) {
                    0 => data[at] ^= 1 << rng.below(8),
                    1 => data[at] = rng.next() as u8,
                    2 => data[at..end(4)].fill(0xff),
                    _ => {
                        let x = rng.next().to_le_bytes();
                        let n = end(8) - at;
                        data[at..at + n].copy_from_slice(&x[..n]);
                    }
                }
            }
            let run = catch_unwind(AssertUnwindSafe(|| exercise(name, data, m % 10 == 0)));
            if run.is_err() {
                failures.push(format!("{name}, mutation {m}"));
            }
        }
    }
    assert!(failures.is_empty(), "panics: {failures:?}");
}
