//! Parquet in and out: the same data as CSV and as Parquet (int32, int64, double and
//! boolean columns, dictionary strings, nulls, several row groups and pages, zstd and
//! snappy; tests/fixtures/survey/make_parquet.py) tabulate to identical results; split
//! across threads they agree to 1e-12; bad files are errors naming the file and column;
//! `write_parquet` round-trips to the CSV output.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use crate::common::GOLDEN_PLAN;
use ictstat_survey::{
    CsvSource, Design, ParquetSource, Plan, Source, TabulateError, Tabulation, tabulate,
};

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/survey")
        .join(name)
}

/// The golden comparison's plan (`common::GOLDEN_PLAN`) with the design of persons.csv,
/// reading a boolean `internet` through labels and `agegrp` as free codes from a
/// dictionary string column.
fn persons_plan() -> String {
    format!("weight = \"w\"\nstrata = \"stratum\"\npsu = \"psu\"\nnest = true\n{GOLDEN_PLAN}")
}

/// Nulls in a scope, a mean, free codes and text comparisons.
const MIXED_PLAN: &str = r#"
weight = "w"
strata = "stratum"
psu = "psu"
nest = true

[indicator.q12]
value = "q12 == 1"
scope = "not is_missing(q12)"

[indicator.hhsize]
value = "hhsize"
statistic = "mean"
scope = "not is_missing(hhsize)"

[breakdown.REGION]
variable = "region"
other = "ignore"

[breakdown.NORTH]
codes = { N = "region == \"North\"", O = "region != \"North\" and not is_missing(region)", X = "is_missing(region)" }

[breakdown.SEX]
variable = "sex"
codes = { M = 1, F = 2 }

[quality]
suppress_below_n = 0
suppress_above_cv = inf
"#;

fn run(toml: &str, source: impl Source) -> Result<Tabulation, TabulateError> {
    let design = Design::from_toml_str(toml).expect("design");
    let plan = Plan::from_toml_str(toml, "plan.toml").expect("plan");
    tabulate(&design, &plan, source)
}

fn csv(name: &str) -> CsvSource<BufReader<File>> {
    CsvSource::new(
        BufReader::new(File::open(path(name)).expect("fixture")),
        name,
    )
}

fn parquet(name: &str, threads: usize) -> ParquetSource {
    ParquetSource::open(&path(name))
        .expect("opens")
        .with_threads(threads)
}

#[test]
fn csv_and_parquet_tabulate_identically() {
    // Without the text columns (agegrp, region) every needed column holds numbers, and
    // the rows take the reader's batch path (`Visitor::visit_numbers`), nulls included.
    let persons_numbers = persons_plan().replace("[breakdown.AGE]\nvariable = \"agegrp\"\n", "");
    let mixed_numbers = MIXED_PLAN
        .split("[breakdown.REGION]")
        .next()
        .map(|head| {
            format!("{head}[breakdown.SEX]\nvariable = \"sex\"\ncodes = {{ M = 1, F = 2 }}\n")
        })
        .unwrap_or_default();
    assert!(!persons_numbers.contains("agegrp") && !mixed_numbers.contains("region"));
    for (toml, csv_name, pq_name) in [
        (persons_plan().as_str(), "persons.csv", "persons.parquet"),
        (MIXED_PLAN, "mixed.csv", "mixed.parquet"),
        (persons_numbers.as_str(), "persons.csv", "persons.parquet"),
        (mixed_numbers.as_str(), "mixed.csv", "mixed.parquet"),
    ] {
        let from_csv = run(toml, csv(csv_name)).expect("CSV tabulates");
        let from_parquet = run(toml, parquet(pq_name, 1)).expect("Parquet tabulates");
        assert!(
            from_csv.rows.len() >= 6,
            "{csv_name}: {} rows",
            from_csv.rows.len()
        );
        assert_eq!(from_csv, from_parquet, "{pq_name}");
    }
}

#[test]
fn the_mixed_file_exercises_nulls_and_free_codes() {
    let t = run(MIXED_PLAN, parquet("mixed.parquet", 1)).expect("tabulates");
    let regions: Vec<&str> = t
        .rows
        .iter()
        .filter(|r| r.plan_key == "q12" && r.breakdown["REGION"] != "_T")
        .map(|r| r.breakdown["REGION"].as_str())
        .collect();
    assert_eq!(regions.len(), 4, "{regions:?}");
    let total = |key: &str| {
        t.rows
            .iter()
            .find(|r| r.plan_key == key && r.breakdown.values().all(|c| c == "_T"))
            .expect("total")
            .n
    };
    // 167 rows; q12 missing in every 7th (24), hhsize in every 5th (33).
    assert_eq!(total("q12"), 167 - 24);
    assert_eq!(total("hhsize"), 167 - 33);
}

/// Relative difference, 0 for two NaNs or two equal values.
fn rel(a: Option<f64>, b: Option<f64>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) if a == b => 0.0,
        (Some(a), Some(b)) => (a - b).abs() / a.abs().max(b.abs()),
        (None, None) => 0.0,
        _ => f64::INFINITY,
    }
}

#[test]
fn threads_agree_with_one_pass() {
    // Without strata every row is in stratum 0, which the merge must map too.
    let persons = persons_plan();
    let unstratified = persons.replace("strata = \"stratum\"\n", "");
    assert_ne!(unstratified, persons);
    for (toml, name) in [
        (persons.as_str(), "persons.parquet"),
        (unstratified.as_str(), "persons.parquet"),
        (MIXED_PLAN, "mixed.parquet"),
    ] {
        let one = run(toml, parquet(name, 1)).expect("one thread");
        for threads in [2, 3, 5, 8] {
            let many = run(toml, parquet(name, threads)).expect("threads");
            assert_eq!(one.rows.len(), many.rows.len());
            assert_eq!(
                (
                    one.n_rows,
                    one.n_psus,
                    one.n_strata,
                    one.n_cells,
                    one.n_entries
                ),
                (
                    many.n_rows,
                    many.n_psus,
                    many.n_strata,
                    many.n_cells,
                    many.n_entries
                )
            );
            for (a, b) in one.rows.iter().zip(&many.rows) {
                assert_eq!(
                    (&a.plan_key, &a.breakdown, a.n, a.df, a.quality),
                    (&b.plan_key, &b.breakdown, b.n, b.df, b.quality)
                );
                for (x, y) in [
                    (a.value, b.value),
                    (a.se, b.se),
                    (a.deff, b.deff),
                    (a.ci_lower, b.ci_lower),
                    (a.ci_upper, b.ci_upper),
                    (Some(a.weighted_size), Some(b.weighted_size)),
                ] {
                    assert!(
                        rel(x, y) < 1e-12,
                        "{name}, {threads} threads: {x:?} vs {y:?}"
                    );
                }
            }
        }
    }
}

/// A scratch copy of a fixture, cut or damaged.
fn scratch(name: &str, edit: impl Fn(&mut Vec<u8>)) -> PathBuf {
    let mut bytes = std::fs::read(path(name)).expect("fixture");
    edit(&mut bytes);
    let out = std::env::temp_dir().join(format!(
        "ictstat-survey-{}-{}",
        std::process::id(),
        name.replace('.', "-damaged.")
    ));
    std::fs::write(&out, bytes).expect("writes");
    out
}

#[test]
fn truncated_and_damaged_files_are_errors_naming_the_file() {
    let cut = scratch("persons.parquet", |b| b.truncate(b.len() / 2));
    let e = ParquetSource::open(&cut).expect_err("truncated");
    let msg = e.to_string();
    assert!(msg.contains(&cut.display().to_string()), "{msg}");
    assert!(msg.contains("not a readable Parquet file"), "{msg}");
    std::fs::remove_file(cut).ok();

    let empty = scratch("persons.parquet", Vec::clear);
    assert!(ParquetSource::open(&empty).is_err());
    std::fs::remove_file(empty).ok();

    // The footer intact, the data pages overwritten: the error names a row group and
    // a column (never a panic).
    let damaged = scratch("persons.parquet", |b| {
        for x in &mut b[8..2000] {
            *x = 0xA5;
        }
    });
    let e = run(&persons_plan(), parquet_path(&damaged)).expect_err("damaged");
    let msg = e.to_string();
    assert!(msg.contains("row group 0"), "{msg}");
    assert!(msg.contains("column `"), "{msg}");
    std::fs::remove_file(damaged).ok();
}

fn parquet_path(p: &std::path::Path) -> ParquetSource {
    ParquetSource::open(p).expect("the footer is intact")
}

#[test]
fn missing_and_unsupported_columns_are_errors_naming_them() {
    let no_column = persons_plan().replace(
        "value = \"hours\"\nstatistic = \"mean\"",
        "value = \"income\"\nstatistic = \"mean\"",
    );
    let e = run(&no_column, parquet("persons.parquet", 1)).expect_err("no such column");
    assert!(e.to_string().contains("income"), "{e}");

    let base = "weight = \"w\"\npsu = \"psu\"\n";
    let timestamp = format!("{base}[indicator.x]\nvalue = \"when == 1\"\n");
    let e = run(&timestamp, parquet("unsupported.parquet", 1)).expect_err("timestamp");
    let msg = e.to_string();
    assert!(
        msg.contains("column `when`") && msg.contains("Timestamp"),
        "{msg}"
    );

    let list = format!("{base}[indicator.x]\nvalue = \"tags == 1\"\n");
    let e = run(&list, parquet("unsupported.parquet", 1)).expect_err("list");
    let msg = e.to_string();
    assert!(
        msg.contains("column `tags`") && msg.contains("nested"),
        "{msg}"
    );

    // Columns the plan does not use may have any type.
    let fine = format!("{base}[indicator.x]\nvalue = \"w > 1\"\n");
    let t = run(&fine, parquet("unsupported.parquet", 1)).expect("tabulates");
    assert_eq!(t.n_rows, 3);
}

/// The text of a value read back from Parquet, as the CSV writes it.
fn shown(field: &parquet::record::Field) -> String {
    use parquet::record::Field as F;
    match field {
        F::Null => String::new(),
        F::Str(s) => s.clone(),
        F::Double(x) => format!("{x}"),
        F::Long(n) => n.to_string(),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn write_parquet_round_trips_to_the_csv_output() {
    use parquet::file::reader::{FileReader, SerializedFileReader};

    let t = run(MIXED_PLAN, csv("mixed.csv")).expect("tabulates");
    let mut text = Vec::new();
    t.write_csv(&mut text).expect("CSV");
    let mut csv_rows = csv::Reader::from_reader(&text[..]);
    let header: Vec<String> = csv_rows
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();

    let out =
        std::env::temp_dir().join(format!("ictstat-survey-{}-out.parquet", std::process::id()));
    t.write_parquet(File::create(&out).expect("creates"))
        .expect("writes");
    let reader = SerializedFileReader::new(File::open(&out).expect("opens")).expect("reads");
    let fields = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .root_schema()
        .get_fields()
        .to_vec();
    let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
    assert_eq!(names, header);
    let typed = |name: &str| {
        fields
            .iter()
            .find(|f| f.name() == name)
            .map(|f| f.get_physical_type())
            .expect("column")
    };
    assert_eq!(typed("value"), parquet::basic::Type::DOUBLE);
    assert_eq!(typed("n"), parquet::basic::Type::INT64);
    assert_eq!(typed("REGION"), parquet::basic::Type::BYTE_ARRAY);

    let mut n = 0;
    for (row, record) in reader
        .get_row_iter(None)
        .expect("rows")
        .zip(csv_rows.records())
    {
        let row = row.expect("row");
        let record = record.expect("record");
        let ours: Vec<String> = row.get_column_iter().map(|(_, f)| shown(f)).collect();
        let theirs: Vec<&str> = record.iter().collect();
        assert_eq!(ours, theirs);
        n += 1;
    }
    assert_eq!(n, t.rows.len());
    std::fs::remove_file(out).ok();
}

/// Damaged copies of a real Parquet file (fixed seed: a few bytes flipped anywhere, the
/// footer included) are refused with an error naming the file, or read: never a panic
/// (the `parquet` crate's own panics on damaged pages are turned into errors).
#[test]
fn damaged_parquet_files_give_errors_never_panics() {
    let original = std::fs::read(path("persons.parquet")).expect("fixture");
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        // xorshift64*: deterministic, no dependency.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    for case in 0..120 {
        let mut bytes = original.clone();
        for _ in 0..1 + next() % 3 {
            let at = usize::try_from(next() % bytes.len() as u64).expect("fits");
            bytes[at] ^= u8::try_from(1 + next() % 255).expect("fits");
        }
        let file = dir.path().join(format!("damaged_{case}.parquet"));
        std::fs::write(&file, &bytes).expect("written");
        let name = file.display().to_string();
        let outcome = std::panic::catch_unwind(|| match ParquetSource::open(&file) {
            Err(e) => Err(TabulateError::from(e)),
            Ok(source) => run(&persons_plan(), source.with_threads(2)),
        });
        match outcome {
            Err(_) => panic!("case {case}: a panic escaped"),
            // What the reader refuses names the file; a damaged value that still reads
            // (a stratum code changed) may instead fail the estimation, which names the
            // indicator and stratum.
            Ok(Err(TabulateError::Read(e))) => assert_eq!(e.origin, name, "case {case}: {e}"),
            Ok(_) => {}
        }
    }
}
