//! qnorm, qt and qbeta against R (tests/fixtures/survey/golden_quantiles.csv).

use ictstat_survey::dist::{qbeta, qnorm, qt};

use crate::common::{fixture, parse, rel_diff};

#[test]
fn quantiles_match_r() {
    let mut reader = csv::Reader::from_reader(fixture("golden_quantiles.csv").as_bytes());
    let mut worst = 0.0_f64;
    let mut n = 0;
    for r in reader.records() {
        let r = r.expect("record");
        let (p, a, b, expected) = (parse(&r[1]), parse(&r[2]), parse(&r[3]), parse(&r[4]));
        let ours = match &r[0] {
            "qnorm" => qnorm(p),
            "qt" => qt(p, a),
            "qbeta" => qbeta(p, a, b),
            other => panic!("unknown function {other}"),
        };
        let d = rel_diff(ours, expected);
        assert!(
            d <= 1e-11,
            "{}({p}, {a}, {b}): ictstat {ours:e}, R {expected:e}, relative difference {d:e}",
            &r[0]
        );
        worst = worst.max(d);
        n += 1;
    }
    eprintln!("{n} quantiles, max relative difference {worst:e}");
}
