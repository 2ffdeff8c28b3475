//! Edge cases: p̂ ∈ {0, 1}, single-PSU strata under each policy, empty domains, zero weights,
//! bad rows.

use ictstat_survey::dist::qbeta;
use ictstat_survey::{
    CiMethod, Domain, EstimateError, LonelyPsu, Row, Statistic, Table, TableBuilder, TableError,
    TableSpec,
};

/// (stratum, psu, weight, cell, y)
type R = (u32, u64, f64, u32, f64);

fn build(rows: &[R], lonely: LonelyPsu) -> Table {
    let mut b = TableBuilder::new(TableSpec::taylor(1, lonely));
    for &(stratum, psu, weight, cell, y) in rows {
        b.push(&Row {
            stratum,
            psu,
            weight,
            cell,
            values: &[y],
            fpc: None,
            replicate_weights: &[],
        })
        .expect("row");
    }
    b.finish().expect("table")
}

const TWO_STRATA: [R; 8] = [
    (1, 1, 10.0, 0, 1.0),
    (1, 1, 12.0, 1, 0.0),
    (1, 2, 9.0, 0, 1.0),
    (1, 2, 11.0, 1, 1.0),
    (2, 1, 20.0, 0, 0.0),
    (2, 1, 18.0, 1, 1.0),
    (2, 2, 22.0, 0, 1.0),
    (2, 2, 25.0, 1, 0.0),
];

#[test]
fn all_zero_and_all_one_proportions() {
    let zeros: Vec<R> = TWO_STRATA
        .iter()
        .map(|r| (r.0, r.1, r.2, r.3, 0.0))
        .collect();
    let ones: Vec<R> = TWO_STRATA
        .iter()
        .map(|r| (r.0, r.1, r.2, r.3, 1.0))
        .collect();
    for (rows, p) in [(zeros, 0.0), (ones, 1.0)] {
        let t = build(&rows, LonelyPsu::Fail);
        let e = t
            .estimate(Statistic::Proportion(0), &Domain::all())
            .expect("estimate");
        assert_eq!(e.value, p);
        assert_eq!(e.se, 0.0);
        assert_eq!(e.n, 8);
        // Korn–Graubard with n* = n: the exact binomial bound on the open side.
        let kg = e.interval(CiMethod::KornGraubard, 0.95);
        let cp = e.interval(CiMethod::ClopperPearson, 0.95);
        assert_eq!(
            kg,
            ictstat_survey::Interval {
                method: CiMethod::KornGraubard,
                ..cp
            }
        );
        let bound = 1.0 - 0.025_f64.powf(1.0 / 8.0);
        if p == 0.0 {
            assert_eq!(kg.lower, 0.0);
            assert!((kg.upper - bound).abs() < 1e-14, "{kg:?}");
        } else {
            assert_eq!(kg.upper, 1.0);
            assert!((kg.lower - (1.0 - bound)).abs() < 1e-14, "{kg:?}");
        }
        // The logit interval would be [p, p]: it falls back to Korn–Graubard (n* = n).
        let logit = e.interval(CiMethod::Logit, 0.95);
        assert_eq!(logit, kg);
        let wald = e.interval(CiMethod::WaldZ, 0.95);
        assert_eq!((wald.lower, wald.upper), (p, p));
    }
}

#[test]
fn clopper_pearson_is_the_binomial_interval_with_equal_weights() {
    let rows: Vec<R> = (0..10)
        .map(|i| (1, i, 1.0, 0, if i < 3 { 1.0 } else { 0.0 }))
        .collect();
    let t = build(&rows, LonelyPsu::Fail);
    let e = t
        .estimate(Statistic::Proportion(0), &Domain::all())
        .expect("estimate");
    let cp = e.interval(CiMethod::ClopperPearson, 0.95);
    assert!((cp.lower - qbeta(0.025, 3.0, 8.0)).abs() < 1e-15);
    assert!((cp.upper - qbeta(0.975, 4.0, 7.0)).abs() < 1e-15);
}

/// Stratum 3 has a single PSU.
fn lonely_rows() -> Vec<R> {
    let mut rows = TWO_STRATA.to_vec();
    rows.extend([(3, 1, 15.0, 0, 1.0), (3, 1, 14.0, 1, 0.0)]);
    rows
}

#[test]
fn one_psu_stratum_under_each_policy() {
    let rows = lonely_rows();
    let base = build(&TWO_STRATA, LonelyPsu::Fail);
    let v_two = base
        .estimate(Statistic::Total(0), &Domain::all())
        .expect("estimate")
        .variance;

    let fail = build(&rows, LonelyPsu::Fail);
    assert_eq!(
        fail.estimate(Statistic::Total(0), &Domain::all()),
        Err(EstimateError::LonelyPsu { stratum: 3 })
    );
    let message = fail
        .estimate(Statistic::Mean(0), &Domain::all())
        .expect_err("fails")
        .to_string();
    assert!(message.contains("stratum 3 has only one PSU"), "{message}");

    for policy in [LonelyPsu::Remove, LonelyPsu::Certainty] {
        let v = build(&rows, policy)
            .estimate(Statistic::Total(0), &Domain::all())
            .expect("estimate")
            .variance;
        assert!((v - v_two).abs() <= 1e-12 * v_two, "{policy:?}");
    }
    // adjust: the lonely PSU's total (15) enters uncentred.
    let v = build(&rows, LonelyPsu::Adjust)
        .estimate(Statistic::Total(0), &Domain::all())
        .expect("estimate")
        .variance;
    assert!((v - (v_two + 15.0 * 15.0)).abs() <= 1e-12 * v, "{v}");
    // average: the two other strata's variance × 3/2.
    let v = build(&rows, LonelyPsu::Average)
        .estimate(Statistic::Total(0), &Domain::all())
        .expect("estimate")
        .variance;
    assert!((v - v_two * 1.5).abs() <= 1e-12 * v, "{v}");
    // Degrees of freedom: 5 PSUs − 3 strata.
    assert_eq!(
        build(&rows, LonelyPsu::Average).summary(&Domain::all()).df,
        2.0
    );
}

#[test]
fn empty_domain_is_nan_not_a_panic() {
    let t = build(&TWO_STRATA, LonelyPsu::Fail);
    for s in [
        Statistic::Proportion(0),
        Statistic::Mean(0),
        Statistic::Total(0),
        Statistic::Size,
    ] {
        let e = t
            .estimate_with_ci(s, &Domain::cells([7]), CiMethod::Logit, 0.95)
            .expect("estimate");
        assert!(e.is_empty());
        assert!(e.value.is_nan() && e.se.is_nan());
        assert_eq!(e.n, 0);
        assert!(e.ci.is_none());
    }
    let s = t.summary(&Domain::cells([]));
    assert_eq!((s.n, s.weighted_size), (0, 0.0));
}

#[test]
fn zero_weights_stay_in_the_design() {
    // A zero-weight row changes no estimate and no variance, but counts in n, not in the
    // degrees of freedom when its PSU has no other row.
    let mut rows = TWO_STRATA.to_vec();
    rows.push((2, 3, 0.0, 0, 1.0));
    let t = build(&rows, LonelyPsu::Fail);
    let base = build(&TWO_STRATA, LonelyPsu::Fail);
    let d = Domain::cells([0]);
    let (a, b) = (
        t.estimate(Statistic::Mean(0), &d).expect("estimate"),
        base.estimate(Statistic::Mean(0), &d).expect("estimate"),
    );
    assert_eq!(a.value, b.value);
    assert_eq!((a.n, a.n_nonzero, b.n), (5, 4, 4));
    assert_eq!(a.df, b.df);
    // The zero-weight PSU is a third PSU of stratum 2: n_h = 3 changes the variance.
    assert!(a.variance != b.variance);
}

#[test]
fn domains_keep_every_psu() {
    // A domain only in PSU (1,1): the other PSU of stratum 1 still counts (z = 0).
    let rows: Vec<R> = vec![
        (1, 1, 10.0, 1, 1.0),
        (1, 1, 5.0, 0, 0.0),
        (1, 2, 8.0, 0, 1.0),
    ];
    let t = build(&rows, LonelyPsu::Fail);
    let e = t
        .estimate(Statistic::Total(0), &Domain::cells([1]))
        .expect("estimate");
    // z = (10, 0), mean 5: 2/(2−1) · (25 + 25) = 100.
    assert!((e.variance - 100.0).abs() < 1e-12);
    assert_eq!(e.df, 0.0);
    let logit = e.interval(CiMethod::Logit, 0.95);
    assert!(logit.lower.is_nan());
}

#[test]
fn bad_rows_are_refused() {
    let mut b = TableBuilder::new(TableSpec::taylor(1, LonelyPsu::Fail));
    const ONE: &[f64] = &[1.0];
    const MISSING: &[f64] = &[f64::NAN];
    let row = |weight, values| Row {
        stratum: 1,
        psu: 1,
        weight,
        cell: 0,
        values,
        fpc: None,
        replicate_weights: &[],
    };
    assert!(matches!(
        b.push(&row(-1.0, ONE)),
        Err(TableError::BadWeight { row: 0, .. })
    ));
    assert!(matches!(
        b.push(&row(1.0, MISSING)),
        Err(TableError::BadValue { variable: 0, .. })
    ));
    let mut b = TableBuilder::new(TableSpec::taylor(1, LonelyPsu::Fail).with_nest(false));
    b.push(&Row {
        stratum: 1,
        ..row(1.0, ONE)
    })
    .expect("row");
    let e = b
        .push(&Row {
            stratum: 2,
            ..row(1.0, ONE)
        })
        .expect_err("PSU 1 in two strata");
    assert!(e.to_string().contains("not nested"), "{e}");
    let mut b = TableBuilder::new(TableSpec::taylor(1, LonelyPsu::Fail));
    b.push(&Row {
        fpc: Some(10.0),
        ..row(1.0, ONE)
    })
    .expect("row");
    let e = b
        .push(&Row {
            psu: 2,
            fpc: Some(12.0),
            ..row(1.0, ONE)
        })
        .expect_err("varying fpc");
    assert!(e.to_string().contains("varies within the stratum"), "{e}");
}
