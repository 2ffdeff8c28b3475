//! Fixtures: the test designs written by scripts/survey/make_goldens.R, turned into tables.

use ictstat_survey::{Design, Domain, Row, Table, TableBuilder, TableSpec};

macro_rules! fixtures {
    ($($name:literal),* $(,)?) => {
        /// The text of a file of tests/fixtures/survey/.
        pub fn fixture(name: &str) -> &'static str {
            match name {
                $($name => include_str!(concat!("../../../../tests/fixtures/survey/", $name)),)*
                other => panic!("no fixture {other}"),
            }
        }
    };
}

fixtures!(
    "persons.csv",
    "lonely.csv",
    "jk1.csv",
    "jkn.csv",
    "brr.csv",
    "fay.csv",
    "bootstrap.csv",
    "subbootstrap.csv",
    "sdr.csv",
    "strat_clus.toml",
    "clus.toml",
    "strat_units.toml",
    "fpc_popsize.toml",
    "fpc_fraction.toml",
    "lonely_fail.toml",
    "lonely_remove.toml",
    "lonely_certainty.toml",
    "lonely_adjust.toml",
    "lonely_average.toml",
    "jk1.toml",
    "jk1_mse.toml",
    "jkn.toml",
    "jkn_mse.toml",
    "brr.toml",
    "brr_mse.toml",
    "fay.toml",
    "fay_mse.toml",
    "bootstrap.toml",
    "bootstrap_mse.toml",
    "subbootstrap.toml",
    "subbootstrap_mse.toml",
    "sdr.toml",
    "sdr_nomse.toml",
    "golden_strat_clus.csv",
    "golden_clus.csv",
    "golden_strat_units.csv",
    "golden_fpc_popsize.csv",
    "golden_fpc_fraction.csv",
    "golden_lonely_fail.csv",
    "golden_lonely_remove.csv",
    "golden_lonely_certainty.csv",
    "golden_lonely_adjust.csv",
    "golden_lonely_average.csv",
    "golden_jk1.csv",
    "golden_jk1_mse.csv",
    "golden_jkn.csv",
    "golden_jkn_mse.csv",
    "golden_brr.csv",
    "golden_brr_mse.csv",
    "golden_fay.csv",
    "golden_fay_mse.csv",
    "golden_bootstrap.csv",
    "golden_bootstrap_mse.csv",
    "golden_subbootstrap.csv",
    "golden_subbootstrap_mse.csv",
    "golden_sdr.csv",
    "golden_sdr_nomse.csv",
    "golden_quantiles.csv",
);

/// The analysis variables of the fixtures, in table order.
pub const INTERNET: usize = 0;
pub const HOURS: usize = 1;

/// The data file a golden set's design reads.
pub fn data_file(set: &str) -> &'static str {
    match set {
        "strat_clus" | "clus" | "strat_units" | "fpc_popsize" | "fpc_fraction" => "persons.csv",
        s if s.starts_with("lonely_") => "lonely.csv",
        s if s.starts_with("jk1") => "jk1.csv",
        s if s.starts_with("jkn") => "jkn.csv",
        s if s.starts_with("brr") => "brr.csv",
        s if s.starts_with("fay") => "fay.csv",
        s if s.starts_with("subbootstrap") => "subbootstrap.csv",
        s if s.starts_with("bootstrap") => "bootstrap.csv",
        s if s.starts_with("sdr") => "sdr.csv",
        other => panic!("unknown set {other}"),
    }
}

/// The finest cell: sex × urban × age group (2 × 2 × 4).
pub fn cell(sex: u32, urban: u32, agegrp: u32) -> u32 {
    (sex - 1) * 8 + (urban - 1) * 4 + (agegrp - 1)
}

/// A domain written as in the goldens: "all" or "sex=2&urban=1".
pub fn domain(text: &str) -> Domain {
    if text == "all" {
        return Domain::all();
    }
    let conditions: Vec<(&str, u32)> = text
        .split('&')
        .map(|c| {
            let (k, v) = c.split_once('=').expect("var=value");
            (k, v.parse().expect("integer code"))
        })
        .collect();
    Domain::from_predicate(16, |c| {
        let (sex, urban, agegrp) = (c / 8 + 1, (c / 4) % 2 + 1, c % 4 + 1);
        conditions.iter().all(|(k, v)| match *k {
            "sex" => sex == *v,
            "urban" => urban == *v,
            "agegrp" => agegrp == *v,
            other => panic!("unknown breakdown {other}"),
        })
    })
}

fn number(s: &str) -> f64 {
    if s == "NA" {
        f64::NAN
    } else {
        s.parse().unwrap_or_else(|_| panic!("not a number: {s}"))
    }
}

/// Builds the table of a golden set from its design TOML and data CSV.
pub fn table(set: &str) -> Table {
    let design = Design::from_toml_str(fixture(&format!("{set}.toml"))).expect("design parses");
    let mut reader = csv::Reader::from_reader(fixture(data_file(set)).as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let rep_cols: Vec<usize> = match &design.replicates {
        Some(r) => r
            .columns
            .resolve(&header_refs)
            .expect("replicate columns")
            .iter()
            .map(|c| col(c))
            .collect(),
        None => Vec::new(),
    };
    let spec = design.variance_spec(rep_cols.len()).expect("variance spec");
    let spec = TableSpec {
        n_vars: 2,
        cross_products: vec![(HOURS, INTERNET)],
        variance: spec,
        nest: design.nest,
    };
    let (w, sex, urban, age, internet, hours) = (
        col(&design.weight),
        col("sex"),
        col("urban"),
        col("agegrp"),
        col("internet"),
        col("hours"),
    );
    let strata = design.strata.as_deref().map(col);
    let psu = design.psu.as_deref().map(col);
    let fpc = design.fpc.as_deref().map(col);
    let mut builder = TableBuilder::new(spec);
    for (i, record) in reader.records().enumerate() {
        let r = record.expect("record");
        let get = |c: usize| number(&r[c]);
        let reps: Vec<f64> = rep_cols.iter().map(|c| get(*c)).collect();
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let code = |c: usize| get(c) as u32;
        builder
            .push(&Row {
                stratum: strata.map_or(0, code),
                psu: psu.map_or(i as u64, |c| u64::from(code(c))),
                weight: get(w),
                cell: cell(code(sex), code(urban), code(age)),
                values: &[get(internet), get(hours)],
                fpc: fpc.map(get),
                replicate_weights: &reps,
            })
            .expect("row accepted");
    }
    builder.finish().expect("table")
}

/// One golden value.
#[derive(Debug, Clone)]
pub struct Golden {
    pub set: String,
    pub domain: String,
    pub statistic: String,
    pub variable: String,
    pub quantity: String,
    pub value: String,
}

pub fn goldens(set: &str) -> Vec<Golden> {
    let mut reader = csv::Reader::from_reader(fixture(&format!("golden_{set}.csv")).as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.expect("golden record");
            Golden {
                set: r[0].to_owned(),
                domain: r[1].to_owned(),
                statistic: r[2].to_owned(),
                variable: r[3].to_owned(),
                quantity: r[4].to_owned(),
                value: r[5].to_owned(),
            }
        })
        .collect()
}

/// Relative difference, NaN = NaN (R's NA/NaN) counting as equal.
pub fn rel_diff(ours: f64, r: f64) -> f64 {
    if ours.is_nan() && r.is_nan() {
        return 0.0;
    }
    if ours == r {
        return 0.0;
    }
    (ours - r).abs() / r.abs().max(f64::MIN_POSITIVE)
}

pub fn parse(value: &str) -> f64 {
    number(value)
}

/// The plan of the golden comparison: the goldens' statistics as indicators, the goldens'
/// domains as breakdowns, and one scoped indicator (men: `scope = "sex == 1"`) whose
/// breakdown by urban/rural must equal R's sex × urban domains.
pub const GOLDEN_PLAN: &str = r#"
crosses = [["SEX", "URBANISATION"]]

[indicator.internet]
value = "internet == 1"

[indicator.hours_mean]
value = "hours"
statistic = "mean"

[indicator.hours_total]
value = "hours"
statistic = "total"

[indicator.hours_per_user]
value = "hours"
denominator = "internet"
statistic = "ratio"

[indicator.internet_men]
value = "internet == \"yes\""
scope = "sex == 1"
breakdowns = ["URBANISATION"]

[labels.internet]
yes = 1
no = 0

[breakdown.SEX]
variable = "sex"
codes = { 1 = 1, 2 = 2 }

[breakdown.URBANISATION]
codes = { 1 = "urban == 1", 2 = "urban == 2" }

[breakdown.AGE]
variable = "agegrp"

[quality]
suppress_below_n = 0
suppress_above_cv = inf
"#;
