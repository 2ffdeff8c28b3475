//! Progress methods against hand-worked cases from their published formulas (anchors.md §5).
//! Every expected value is worked out in the comment beside it from the formula, never taken
//! from this code's output. Series are chosen so that growth rates are round: 100 → 121 over
//! two years is a CAGR of 0.1 (1.1² = 1.21), 100 → 81 one of −0.1 (0.9² = 0.81).

use ictstat_core::Catalog;
use ictstat_stats::progress::escap::{
    self, ApiOptions, ApiStatus, CsiOptions, CsiStatus, Prediction,
};
use ictstat_stats::progress::growth::Reason;
use ictstat_stats::progress::open_sdg::{self, Calculation, Status};
use ictstat_stats::progress::unsd::{self, Status2022, Status2023};
use ictstat_stats::progress::{
    self, BaseYearRule, Direction, Method, Point, ProgressError, SeriesSpec, distance, period_year,
};

use Direction::{Decrease, Increase};

fn series(points: &[(i32, f64)]) -> Vec<Point> {
    points.iter().map(|&(y, v)| Point::new(y, v)).collect()
}

fn close(actual: Option<f64>, expected: f64, tolerance: f64) {
    let actual = actual.expect("a value");
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} is not within {tolerance} of {expected}"
    );
}

fn osdg(points: &[(i32, f64)], spec: &SeriesSpec) -> open_sdg::Assessment {
    open_sdg::assess(&series(points), spec, &open_sdg::Options::default()).unwrap()
}

/// The standard 0.1-growth series from 2015.
const UP: [(i32, f64); 2] = [(2015, 100.0), (2017, 121.0)];
/// The −0.1-growth series from 2015.
const DOWN: [(i32, f64); 2] = [(2015, 100.0), (2017, 81.0)];

// ---------------------------------------------------------------------------------------------
// Building blocks (§5.1)
// ---------------------------------------------------------------------------------------------

#[test]
fn cagr_and_extrapolation() {
    // (121/100)^(1/2) − 1 = 1.1 − 1 = 0.1
    close(Some(progress::growth::cagr(121.0, 100.0, 2.0)), 0.1, 1e-12);
    // 121 · 1.1^2 = 146.41
    close(
        Some(progress::growth::extrapolate(121.0, 0.1, 2.0)),
        146.41,
        1e-9,
    );
}

#[test]
fn periods_read_as_their_first_year() {
    assert_eq!(period_year("2015-2016"), Some(2015));
    assert_eq!(period_year("2015-16"), Some(2015));
    assert_eq!(period_year("2019"), Some(2019));
    assert_eq!(period_year("15"), None);
}

// ---------------------------------------------------------------------------------------------
// Open SDG / Statistics Canada (§5.4)
// ---------------------------------------------------------------------------------------------

#[test]
fn open_sdg_target_ratio_substantial() {
    // CAGR_a = 0.1; CAGR_r = (146.41/100)^(1/4) − 1 = 1.1 − 1 = 0.1; v = 1·1·0.1/0.1 = 1
    // v ≥ 0.95 → substantial; score = min(7.1429·1 − 4.2857, 5) = 2.8572
    let a = osdg(&UP, &SeriesSpec::new(Increase).with_target(146.41, 2019));
    assert_eq!(a.calculation, Calculation::GrowthRatio);
    close(a.cagr_observed, 0.1, 1e-12);
    close(a.cagr_required, 0.1, 1e-12);
    close(a.progress_value, 1.0, 1e-9);
    assert_eq!(a.status, Status::SubstantialProgress);
    close(a.score, 2.8572, 1e-6);
    assert!(!a.target_achieved);
}

#[test]
fn open_sdg_target_ratio_limited() {
    // 2015: 100 → 2016: 110, CAGR_a = 0.1; target 144 in 2017: CAGR_r = 1.44^(1/2) − 1 = 0.2
    // v = 0.1/0.2 = 0.5: 0 ≤ v < 0.6 → limited; score = max(4.1667·0.5 − 2.5, −5) = −0.41665
    let a = osdg(
        &[(2015, 100.0), (2016, 110.0)],
        &SeriesSpec::new(Increase).with_target(144.0, 2017),
    );
    close(a.progress_value, 0.5, 1e-9);
    assert_eq!(a.status, Status::LimitedProgress);
    close(a.score, -0.41665, 1e-9);
}

#[test]
fn open_sdg_target_ratio_moderate() {
    // CAGR_a = 0.1; target 400 in 2025: CAGR_r = 4^(1/10) − 1 = 2^0.2 − 1 = 0.1486984
    // v = 0.1/0.1486984 = 0.672503 → moderate (0.6 ≤ v < 0.95)
    // score = 7.1429·0.672503 − 4.2857 = 4.803622 − 4.2857 = 0.517922
    let a = osdg(&UP, &SeriesSpec::new(Increase).with_target(400.0, 2025));
    close(a.progress_value, 0.672503, 1e-6);
    assert_eq!(a.status, Status::ModerateProgress);
    close(a.score, 0.517922, 1e-5);
}

#[test]
fn open_sdg_target_ratio_deterioration_score_floor() {
    // CAGR_a = −0.1, CAGR_r = 0.1: v = −1 < 0 → deterioration
    // score = max(4.1667·(−1) − 2.5, −5) = max(−6.6667, −5) = −5
    let a = osdg(&DOWN, &SeriesSpec::new(Increase).with_target(146.41, 2019));
    close(a.progress_value, -1.0, 1e-9);
    assert_eq!(a.status, Status::Deterioration);
    assert_eq!(a.score, Some(-5.0));
}

#[test]
fn open_sdg_lower_is_better_with_target() {
    // CAGR_a = −0.1; target 65.61 = 100·0.9^4 in 2019: CAGR_r = −0.1
    // v = sign(1) · d(−1) · (−0.1) / |−0.1| = 1 → substantial; 81 > 65.61: not achieved
    let a = osdg(&DOWN, &SeriesSpec::new(Decrease).with_target(65.61, 2019));
    close(a.progress_value, 1.0, 1e-9);
    assert_eq!(a.status, Status::SubstantialProgress);
    assert!(!a.target_achieved);
    // The same fall judged as higher-is-better: v = −1 → deterioration.
    let a = osdg(&DOWN, &SeriesSpec::new(Increase).with_target(200.0, 2019));
    assert_eq!(a.status, Status::Deterioration);
}

#[test]
fn open_sdg_target_already_met() {
    // 121 ≥ 120 → target_achieved, score 5 regardless of the trend.
    let a = osdg(&UP, &SeriesSpec::new(Increase).with_target(120.0, 2030));
    assert!(a.target_achieved);
    assert_eq!(a.status, Status::TargetAchieved);
    assert_eq!(a.score, Some(5.0));
    // Lower is better: 81 ≤ 81 (inclusive).
    let a = osdg(&DOWN, &SeriesSpec::new(Decrease).with_target(81.0, 2030));
    assert_eq!(a.status, Status::TargetAchieved);
    // A single observation that meets the target: sdg-build still says achieved, score 5,
    // although no progress value exists (fewer than two years).
    let a = osdg(
        &[(2015, 99.0)],
        &SeriesSpec::new(Increase).with_target(95.0, 2030),
    );
    assert_eq!(a.status, Status::TargetAchieved);
    assert_eq!(a.score, Some(5.0));
    assert_eq!(a.progress_value, None);
    assert_eq!(a.reason, Some(Reason::FewerThanTwoYears));
}

#[test]
fn open_sdg_no_target_growth_bands_and_scores() {
    // Two years, increase desirable, no limit: v = CAGR_a; thresholds 0.015, 0.005, 0.
    let spec = SeriesSpec::new(Increase);
    let cases = [
        // 1.02² = 1.0404: v = 0.02 ≥ 0.015 → substantial; min(500·0.02 − 5, 5) = 5
        (104.04, 0.02, Status::SubstantialProgress, 5.0),
        // 1.016² = 1.032256: v = 0.016 → substantial; 500·0.016 − 5 = 3
        (103.2256, 0.016, Status::SubstantialProgress, 3.0),
        // 1.01² = 1.0201: v = 0.01 → moderate; 250·0.01 − 1.25 = 1.25
        (102.01, 0.01, Status::ModerateProgress, 1.25),
        // 1.004² = 1.008016: v = 0.004 → limited; 500·0.004 − 2.5 = −0.5
        (100.8016, 0.004, Status::LimitedProgress, -0.5),
        // 0.99² = 0.9801: v = −0.01 → deterioration; 125·(−0.01) − 2.5 = −3.75
        (98.01, -0.01, Status::Deterioration, -3.75),
        // 0.96² = 0.9216: v = −0.04; 125·(−0.04) − 2.5 = −7.5 → floor −5
        (92.16, -0.04, Status::Deterioration, -5.0),
    ];
    for (latest, v, status, score) in cases {
        let a = osdg(&[(2015, 100.0), (2017, latest)], &spec);
        assert_eq!(a.calculation, Calculation::ObservedGrowth);
        close(a.progress_value, v, 1e-9);
        assert_eq!(a.status, status, "latest {latest}");
        close(a.score, score, 1e-6);
    }
    // Lower is better: the same 1 % yearly rise is v = −0.01 → deterioration.
    let a = osdg(&[(2015, 100.0), (2017, 102.01)], &SeriesSpec::new(Decrease));
    close(a.progress_value, -0.01, 1e-9);
    assert_eq!(a.status, Status::Deterioration);
}

#[test]
fn open_sdg_natural_limit_coefficient() {
    // C = 1 − (50/100)^4.44 = 1 − 2^−4.44; 2^0.44 = e^(0.44·0.693147) = e^0.304985 = 1.356604,
    // 2^−4.44 = 1/(16·1.356604) = 0.0460709, C = 0.9539291
    close(
        Some(open_sdg::limit_coefficient(50.0, 100.0)),
        0.9539291,
        1e-6,
    );
    // Same relative distance above the limit: (2·100 − 150)/100 = 0.5 → the same C.
    assert_eq!(
        open_sdg::limit_coefficient(150.0, 100.0),
        open_sdg::limit_coefficient(50.0, 100.0)
    );
    assert_eq!(open_sdg::limit_coefficient(100.0, 100.0), 0.0);
    assert_eq!(open_sdg::limit_coefficient(200.0, 100.0), 1.0);
    assert_eq!(open_sdg::limit_coefficient(0.0, 0.0), 1.0);

    // Base 50, limit 100, v = 0.01 (50 → 51.005 = 50·1.0201): high = 0.015·C = 0.0143089,
    // med = 0.005·C = 0.0047696 → moderate; score = 250·0.01/C − 1.25 = 2.620739 − 1.25
    let a = osdg(
        &[(2015, 50.0), (2017, 51.005)],
        &SeriesSpec::new(Increase).with_limit(100.0),
    );
    let t = a.thresholds.unwrap();
    close(t.coefficient, 0.9539291, 1e-6);
    close(Some(t.high), 0.0143089, 1e-6);
    assert_eq!(a.status, Status::ModerateProgress);
    close(a.score, 1.370739, 1e-5);
}

#[test]
fn open_sdg_value_at_the_natural_limit() {
    // Base = limit → C = 0, every threshold 0: held at the limit (v = 0) is substantial, score 5.
    let spec = SeriesSpec::new(Increase).with_limit(100.0);
    let a = osdg(&[(2015, 100.0), (2017, 100.0)], &spec);
    assert_eq!(a.thresholds.unwrap().coefficient, Some(0.0));
    assert_eq!(a.progress_value, Some(0.0));
    assert_eq!(a.status, Status::SubstantialProgress);
    assert_eq!(a.score, Some(5.0));
    // Falling from the limit: v = −0.01 < 0 → deterioration, 125·(−0.01) − 2.5 = −3.75.
    let a = osdg(&[(2015, 100.0), (2017, 98.01)], &spec);
    assert_eq!(a.status, Status::Deterioration);
    close(a.score, -3.75, 1e-9);
    // A limit is ignored when a target is set (methodology 2).
    let a = osdg(&UP, &spec.clone().with_target(146.41, 2019));
    assert_eq!(a.thresholds.unwrap().coefficient, None);
}

#[test]
fn open_sdg_zero_base_and_zero_target() {
    // Base 0 → 0.001: CAGR = (0.004/0.001)^(1/2) − 1 = 2 − 1 = 1 → substantial, score 5.
    let a = osdg(&[(2015, 0.0), (2017, 0.004)], &SeriesSpec::new(Increase));
    assert_eq!(a.window.unwrap().base_value, 0.001);
    assert_eq!(a.sign, Some(1.0));
    close(a.progress_value, 1.0, 1e-9);
    assert_eq!(a.status, Status::SubstantialProgress);
    // Target 0 → 0.001, lower is better, by 2020: CAGR_r = (0.001/100)^(1/5) − 1
    // = (10^−5)^(1/5) − 1 = 0.1 − 1 = −0.9; v = 1·(−1)·(−0.1)/0.9 = 0.111111 → limited
    // score = 4.1667·0.111111 − 2.5 = 0.462967 − 2.5 = −2.037033
    let a = osdg(&DOWN, &SeriesSpec::new(Decrease).with_target(0.0, 2020));
    assert_eq!(a.target, Some(0.001));
    close(a.cagr_required, -0.9, 1e-9);
    close(a.progress_value, 0.111111, 1e-6);
    assert_eq!(a.status, Status::LimitedProgress);
    close(a.score, -2.037033, 1e-5);
}

#[test]
fn open_sdg_missing_base_year_uses_the_next_year() {
    // No 2015: the base is 2016 (the first year after), CAGR 2016→2018 = 0.1.
    let a = osdg(
        &[(2013, 40.0), (2016, 100.0), (2018, 121.0)],
        &SeriesSpec::new(Increase),
    );
    let w = a.window.unwrap();
    assert_eq!((w.base_year, w.base_value), (2016, 100.0));
    close(a.progress_value, 0.1, 1e-9);
    // No year at or after the base year: sdg-build fails; here not_available with a reason.
    let a = osdg(&[(2010, 1.0), (2012, 2.0)], &SeriesSpec::new(Increase));
    assert_eq!(a.status, Status::NotAvailable);
    assert_eq!(a.reason, Some(Reason::NoBaseYear));
}

#[test]
fn open_sdg_fewer_than_two_points() {
    let spec = SeriesSpec::new(Increase);
    let a = osdg(&[(2016, 5.0)], &spec);
    assert_eq!(a.status, Status::NotAvailable);
    assert_eq!(a.score, None);
    assert_eq!(a.reason, Some(Reason::FewerThanTwoYears));
    let a = osdg(&[], &spec);
    assert_eq!(a.status, Status::NotAvailable);
    assert_eq!(a.reason, Some(Reason::NoData));
    // Missing values (NaN) are dropped as sdg-build drops NA rows.
    let a = osdg(&[(2015, 100.0), (2017, f64::NAN)], &spec);
    assert_eq!(a.reason, Some(Reason::FewerThanTwoYears));
}

#[test]
fn open_sdg_signs() {
    // Opposite signs: not computable.
    let a = osdg(&[(2015, -10.0), (2017, 5.0)], &SeriesSpec::new(Increase));
    assert_eq!(a.status, Status::NotAvailable);
    assert_eq!(a.reason, Some(Reason::OppositeSigns));
    // Base 0 becomes 0.001 before the sign check, so a negative latest value is refused.
    let a = osdg(&[(2015, 0.0), (2017, -1.0)], &SeriesSpec::new(Increase));
    assert_eq!(a.reason, Some(Reason::OppositeSigns));
    // All negative: −100 → −81 is a rise; CAGR = 0.81^(1/2) − 1 = −0.1, sign = −1,
    // v = −1·1·(−0.1) = 0.1 → substantial, score min(500·0.1 − 5, 5) = 5.
    let a = osdg(&[(2015, -100.0), (2017, -81.0)], &SeriesSpec::new(Increase));
    assert_eq!(a.sign, Some(-1.0));
    close(a.progress_value, 0.1, 1e-9);
    assert_eq!(a.status, Status::SubstantialProgress);
}

#[test]
fn open_sdg_duplicate_years_are_an_error() {
    let r = open_sdg::assess(
        &series(&[(2015, 1.0), (2016, 2.0), (2016, 3.0)]),
        &SeriesSpec::new(Increase),
        &Default::default(),
    );
    assert_eq!(r.unwrap_err(), ProgressError::DuplicateYear(2016));
}

#[test]
fn open_sdg_configured_thresholds_are_inclusive_and_keep_default_scores() {
    // 1 → 4 over two years: CAGR 4^(1/2) − 1 = 1; target 16 by 2019: 16^(1/4) − 1 = 1; v = 1.
    let spec = SeriesSpec::new(Increase).with_target(16.0, 2019);
    let points = series(&[(2015, 1.0), (2017, 4.0)]);
    let with_high = |high| {
        let o = open_sdg::Options {
            high: Some(high),
            ..Default::default()
        };
        open_sdg::assess(&points, &spec, &o).unwrap()
    };
    assert_eq!(with_high(1.0).progress_value, Some(1.0));
    assert_eq!(with_high(1.0).status, Status::SubstantialProgress);
    assert_eq!(with_high(1.0 + 1e-9).status, Status::ModerateProgress);
    // The score keeps the default formula: 7.1429·1 − 4.2857 = 2.8572.
    close(with_high(1.0 + 1e-9).score, 2.8572, 1e-9);
}

#[test]
fn open_sdg_indicator_mean_score() {
    let met = osdg(&UP, &SeriesSpec::new(Increase).with_target(120.0, 2030));
    let limited = osdg(
        &[(2015, 100.0), (2016, 110.0)],
        &SeriesSpec::new(Increase).with_target(144.0, 2017),
    );
    let unscored = osdg(&[], &SeriesSpec::new(Increase));
    // (5 + (−0.41665)) / 2 = 2.291675 → moderate (0 ≤ s < 2.5); the unscored one is left out.
    let i = open_sdg::indicator_progress(&[met.clone(), limited, unscored.clone()]);
    close(i.score, 2.291675, 1e-9);
    assert_eq!(i.status, Some(Status::ModerateProgress));
    assert_eq!(i.series_scored, 2);
    // Every scored series achieved: target_achieved.
    let i = open_sdg::indicator_progress(&[met.clone(), met, unscored.clone()]);
    assert_eq!(i.status, Some(Status::TargetAchieved));
    // Nothing scored: no score, no status.
    let i = open_sdg::indicator_progress(&[unscored]);
    assert_eq!((i.score, i.status), (None, None));
}

/// Series for the properties: rising, falling, flat, with and without targets and limits.
fn property_cases() -> Vec<(Vec<Point>, SeriesSpec)> {
    let shapes = [
        vec![(2015, 40.0), (2017, 45.0), (2020, 61.0)],
        vec![(2014, 80.0), (2016, 70.0), (2021, 72.0)],
        vec![(2015, 5.0), (2019, 5.0)],
        vec![(2016, 2.0), (2018, 9.0)],
    ];
    let mut cases = Vec::new();
    for shape in shapes {
        for direction in [Increase, Decrease] {
            let base = SeriesSpec::new(direction);
            for spec in [
                base.clone(),
                base.clone().with_limit(100.0),
                base.clone().with_target(90.0, 2030),
                base.clone().with_target(20.0, 2028),
                base.clone().with_target(60.0, 2030),
            ] {
                cases.push((series(&shape), spec));
            }
        }
    }
    cases
}

#[test]
fn open_sdg_status_is_scale_invariant() {
    // CAGRs are ratios, so multiplying values, target and limit by k > 0 keeps the status.
    for (points, spec) in property_cases() {
        let reference = open_sdg::assess(&points, &spec, &Default::default()).unwrap();
        for k in [0.001, 3.0, 1e6] {
            let scaled: Vec<Point> = points
                .iter()
                .map(|p| Point::new(p.year, p.value * k))
                .collect();
            let spec_k = SeriesSpec {
                target: spec.target.map(|t| t * k),
                limit: spec.limit.map(|l| l * k),
                ..spec.clone()
            };
            let a = open_sdg::assess(&scaled, &spec_k, &Default::default()).unwrap();
            assert_eq!(a.status, reference.status, "k = {k}, {spec:?}");
            if let Some(v) = reference.progress_value {
                close(a.progress_value, v, 1e-9);
            }
        }
    }
}

#[test]
fn open_sdg_negation_with_reversed_direction_is_the_same_assessment() {
    // sign · d is unchanged and (−x_t)/(−x_b) = x_t/x_b, so value and score are identical.
    for (points, spec) in property_cases() {
        let reference = open_sdg::assess(&points, &spec, &Default::default()).unwrap();
        let negated: Vec<Point> = points
            .iter()
            .map(|p| Point::new(p.year, -p.value))
            .collect();
        let flipped = SeriesSpec {
            direction: if spec.direction == Increase {
                Decrease
            } else {
                Increase
            },
            target: spec.target.map(|t| -t),
            limit: spec.limit.map(|l| -l),
            ..spec.clone()
        };
        let a = open_sdg::assess(&negated, &flipped, &Default::default()).unwrap();
        assert_eq!(a.status, reference.status, "{spec:?}");
        assert_eq!(a.progress_value, reference.progress_value);
        assert_eq!(a.score, reference.score);
    }
}

// ---------------------------------------------------------------------------------------------
// UNSD Progress Chart (§5.2)
// ---------------------------------------------------------------------------------------------

fn unsd22(points: &[(i32, f64)], spec: &SeriesSpec) -> unsd::Assessment<Status2022> {
    unsd::assess_2022(&series(points), spec, &Default::default()).unwrap()
}

fn unsd23(points: &[(i32, f64)], spec: &SeriesSpec) -> unsd::Assessment<Status2023> {
    unsd::assess_2023(&series(points), spec, &Default::default()).unwrap()
}

#[test]
fn unsd_2022_ratio_of_growth_rates() {
    // CR = CAGR_a / CAGR_r = 0.1 / 0.1 = 1 ≥ 0.95 → substantial
    let a = unsd22(&UP, &SeriesSpec::new(Increase).with_target(146.41, 2019));
    close(a.ratio, 1.0, 1e-9);
    assert_eq!(a.status, Status2022::SubstantialProgress);
    // 1 → 4 over two years: CAGR_a = 1; target 9 by 2017: CAGR_r = 9^(1/2) − 1 = 2;
    // CR = 0.5 exactly, the inclusive lower bound of fair progress.
    let a = unsd22(
        &[(2015, 1.0), (2016, 2.0)],
        &SeriesSpec::new(Increase).with_target(9.0, 2017),
    );
    assert_eq!(a.ratio, Some(0.5));
    assert_eq!(a.status, Status2022::FairProgress);
    // 100 → 102 in a year (0.02); target 144 by 2017 (0.2): CR = 0.1 → limited or no progress
    let a = unsd22(
        &[(2015, 100.0), (2016, 102.0)],
        &SeriesSpec::new(Increase).with_target(144.0, 2017),
    );
    close(a.ratio, 0.1, 1e-9);
    assert_eq!(a.status, Status2022::LimitedProgress);
    // CR = −0.1 / 0.1 = −1 < −0.1 → deterioration
    let a = unsd22(&DOWN, &SeriesSpec::new(Increase).with_target(146.41, 2019));
    assert_eq!(a.status, Status2022::Deterioration);
    // Lower is better: CAGR_a = −0.1, CAGR_r = (65.61/100)^(1/4) − 1 = −0.1, CR = 1.
    let a = unsd22(&DOWN, &SeriesSpec::new(Decrease).with_target(65.61, 2019));
    close(a.ratio, 1.0, 1e-9);
    assert_eq!(a.status, Status2022::SubstantialProgress);
}

#[test]
fn unsd_2022_without_target_uses_direction_adjusted_growth() {
    let cases = [
        // g = 0.02 ≥ 0.01 → substantial
        (Increase, 104.04, Status2022::SubstantialProgress),
        // 1.007² = 1.014049: g = 0.007 → fair (0.5 % ≤ g < 1 %)
        (Increase, 101.4049, Status2022::FairProgress),
        // 0.995² = 0.990025: g = −0.005 → limited (−1 % ≤ g < 0.5 %)
        (Increase, 99.0025, Status2022::LimitedProgress),
        // g = −0.02 → deterioration
        (Increase, 96.04, Status2022::Deterioration),
        // Lower is better and falling 2 %: g = +0.02 → substantial
        (Decrease, 96.04, Status2022::SubstantialProgress),
        // Lower is better and rising 2 %: g = −0.02 → deterioration (not abs(CAGR), §5.2 (b))
        (Decrease, 104.04, Status2022::Deterioration),
    ];
    for (direction, latest, status) in cases {
        let a = unsd22(
            &[(2015, 100.0), (2017, latest)],
            &SeriesSpec::new(direction),
        );
        assert_eq!(a.status, status, "{direction:?} {latest}");
    }
}

#[test]
fn unsd_2023_extrapolation() {
    // x̂_2019 = 121 · 1.1² = 146.41; P = (x̂ − 100) / (x* − 100)
    let cases = [
        // x* = 146.41: P = 46.41/46.41 = 1 → on track
        (146.41, 1.0, Status2023::OnTrack),
        // x* = 200: P = 46.41/100 = 0.4641 → reasonable
        (200.0, 0.4641, Status2023::ReasonableProgress),
        // x* = 500: P = 46.41/400 = 0.116025 → reasonable
        (500.0, 0.116025, Status2023::ReasonableProgress),
        // x* = 1000: P = 46.41/900 = 0.051567 → stagnation or regression
        (1000.0, 0.0515667, Status2023::StagnationOrRegression),
    ];
    for (target, share, status) in cases {
        let a = unsd23(&UP, &SeriesSpec::new(Increase).with_target(target, 2019));
        close(a.extrapolated, 146.41, 1e-9);
        close(a.share, share, 1e-6);
        assert_eq!(a.status, status, "target {target}");
    }
    // Falling: x̂ = 81 · 0.9² = 65.61, P = (65.61 − 100)/(146.41 − 100) = −0.741 → regression
    let a = unsd23(&DOWN, &SeriesSpec::new(Increase).with_target(146.41, 2019));
    close(a.share, -0.741004, 1e-6);
    assert_eq!(a.status, Status2023::StagnationOrRegression);
    // Lower is better, target 50: P = (65.61 − 100)/(50 − 100) = 0.6878 → reasonable
    let a = unsd23(&DOWN, &SeriesSpec::new(Decrease).with_target(50.0, 2019));
    close(a.share, 0.6878, 1e-9);
    assert_eq!(a.status, Status2023::ReasonableProgress);
}

#[test]
fn unsd_2023_without_target() {
    let cases = [
        // 1.03² = 1.0609: 3 % ≥ 2 % → on track
        (Increase, 106.09, Status2023::OnTrack),
        // 1 % → reasonable (0.5 % ≤ g < 2 %)
        (Increase, 102.01, Status2023::ReasonableProgress),
        // 0.4 % → stagnation
        (Increase, 100.8016, Status2023::StagnationOrRegression),
        // Lower is better: CAGR −3 % (0.97² = 0.9409) ≤ −2 % → on track
        (Decrease, 94.09, Status2023::OnTrack),
        // Lower is better: CAGR −1 % → reasonable (−2 % < CAGR ≤ −0.5 %)
        (Decrease, 98.01, Status2023::ReasonableProgress),
    ];
    for (direction, latest, status) in cases {
        let a = unsd23(
            &[(2015, 100.0), (2017, latest)],
            &SeriesSpec::new(direction),
        );
        assert_eq!(a.status, status, "{direction:?} {latest}");
    }
}

#[test]
fn unsd_exception_rules() {
    // The latest value meets the target → target achieved, in both formulations.
    let spec = SeriesSpec::new(Increase).with_target(120.0, 2030);
    assert_eq!(unsd22(&UP, &spec).status, Status2022::TargetAchieved);
    assert_eq!(unsd23(&UP, &spec).status, Status2023::TargetAchieved);
    // Within 1 point of a 100 % target counts as achieved; not for a 90 % target.
    let near = [(2015, 90.0), (2017, 99.2)];
    let to_100 = SeriesSpec::new(Increase).with_target(100.0, 2030);
    assert_eq!(unsd22(&near, &to_100).status, Status2022::TargetAchieved);
    let a = unsd22(
        &[(2015, 80.0), (2017, 89.5)],
        &SeriesSpec::new(Increase).with_target(90.0, 2030),
    );
    assert_ne!(a.status, Status2022::TargetAchieved);
    // ... and the tolerance is an option: 0 turns the rule off.
    let strict = unsd::Options2022 {
        exceptions: unsd::Exceptions {
            bound_tolerance: 0.0,
            ..Default::default()
        },
        ..Default::default()
    };
    let a = unsd::assess_2022(&series(&near), &to_100, &strict).unwrap();
    assert_ne!(a.status, Status2022::TargetAchieved);
    // Within 1 point of a 0 target, lower is better.
    let to_0 = SeriesSpec::new(Decrease).with_target(0.0, 2030);
    assert_eq!(
        unsd23(&[(2015, 9.0), (2017, 0.8)], &to_0).status,
        Status2023::TargetAchieved
    );
}

#[test]
fn unsd_base_year_rule_and_insufficient_data() {
    // No 2015: the first year after it that leaves two points (2016).
    let a = unsd22(
        &[(2012, 50.0), (2016, 100.0), (2018, 121.0)],
        &SeriesSpec::new(Increase),
    );
    assert_eq!(a.window.unwrap().base_year, 2016);
    close(a.cagr_actual, 0.1, 1e-9);
    // Nothing after 2015 but the latest: the last year before (2010).
    let a = unsd22(&[(2010, 100.0), (2012, 121.0)], &SeriesSpec::new(Increase));
    assert_eq!(a.window.unwrap().base_year, 2010);
    // Open SDG's rule, as an option, finds no base here.
    let next = unsd::Options2022 {
        exceptions: unsd::Exceptions {
            base_year_rule: BaseYearRule::NextAvailable,
            ..Default::default()
        },
        ..Default::default()
    };
    let a = unsd::assess_2022(
        &series(&[(2010, 100.0), (2012, 121.0)]),
        &SeriesSpec::new(Increase),
        &next,
    )
    .unwrap();
    assert_eq!(a.reason, Some(Reason::NoBaseYear));
    // One point; a zero base (no replacement outside Open SDG).
    let a = unsd22(&[(2015, 3.0)], &SeriesSpec::new(Increase));
    assert_eq!(
        (a.status, a.reason),
        (
            Status2022::InsufficientData,
            Some(Reason::FewerThanTwoYears)
        )
    );
    let a = unsd23(&[(2015, 0.0), (2017, 3.0)], &SeriesSpec::new(Increase));
    assert_eq!(
        (a.status, a.reason),
        (Status2023::InsufficientData, Some(Reason::NonPositiveValue))
    );
    // Target equal to the base: CAGR_r = 0, no ratio.
    let a = unsd22(&DOWN, &SeriesSpec::new(Increase).with_target(100.0, 2030));
    assert_eq!(a.reason, Some(Reason::TargetEqualsBase));
}

// ---------------------------------------------------------------------------------------------
// UN ESCAP (§5.3)
// ---------------------------------------------------------------------------------------------

fn csi(points: &[(i32, f64)], spec: &SeriesSpec) -> escap::CsiAssessment {
    escap::current_status(&series(points), spec, &Default::default()).unwrap()
}

fn api(points: &[(i32, f64)], spec: &SeriesSpec) -> escap::ApiAssessment {
    escap::anticipated_progress(&series(points), spec, &Default::default()).unwrap()
}

#[test]
fn escap_current_status_index() {
    // CS = d·(x_cy − x_b)/|x* − x_b| = (60 − 40)/|100 − 40| = 20/60 = 0.333333
    let a = csi(
        &[(2015, 40.0), (2020, 60.0)],
        &SeriesSpec::new(Increase).with_target(100.0, 2030),
    );
    close(a.index, 1.0 / 3.0, 1e-12);
    assert_eq!(a.status, CsiStatus::Progress);
    // UNICEF MENARO's display form D·(I_cv − I0)/|TV − I0| with D = ±10 is 10 × CS: 3.33.
    close(a.index.map(|i| 10.0 * i), 3.333333, 1e-6);
    // Lower is better: −1·(30 − 40)/|10 − 40| = 10/30 = 0.333333
    let a = csi(
        &[(2015, 40.0), (2020, 30.0)],
        &SeriesSpec::new(Decrease).with_target(10.0, 2030),
    );
    close(a.index, 1.0 / 3.0, 1e-12);
    // Regression: (30 − 40)/60 = −0.166667
    let a = csi(
        &[(2015, 40.0), (2020, 30.0)],
        &SeriesSpec::new(Increase).with_target(100.0, 2030),
    );
    close(a.index, -1.0 / 6.0, 1e-12);
    assert_eq!(a.status, CsiStatus::Regression);
    // Beyond the target: 70/60 = 1.166667; capped at 1 when asked.
    let past = [(2015, 40.0), (2020, 110.0)];
    let spec = SeriesSpec::new(Increase).with_target(100.0, 2030);
    let a = csi(&past, &spec);
    close(a.index, 7.0 / 6.0, 1e-12);
    assert_eq!(a.status, CsiStatus::TargetReached);
    let capped = CsiOptions {
        cap_at_target: true,
        ..Default::default()
    };
    let a = escap::current_status(&series(&past), &spec, &capped).unwrap();
    assert_eq!(a.index, Some(1.0));
    // A zero base is no problem for the CSI: (30 − 0)/100 = 0.3
    let a = csi(
        &[(2015, 0.0), (2020, 30.0)],
        &SeriesSpec::new(Increase).with_target(100.0, 2030),
    );
    close(a.index, 0.3, 1e-12);
}

#[test]
fn escap_parity_index() {
    // CS = 1 − |x* − x_cy| / |x* − x_b| = 1 − |1 − 0.95| / |1 − 0.8| = 1 − 0.05/0.2 = 0.75
    let spec = SeriesSpec::new(Increase)
        .with_target(1.0, 2030)
        .with_parity();
    let a = csi(&[(2015, 0.8), (2020, 0.95)], &spec);
    close(a.index, 0.75, 1e-9);
    // Overshooting parity counts against: 1 − |1 − 1.1|/0.2 = 0.5
    let a = csi(&[(2015, 0.8), (2020, 1.1)], &spec);
    close(a.index, 0.5, 1e-9);
}

#[test]
fn escap_without_target_or_data() {
    let a = csi(&UP, &SeriesSpec::new(Increase));
    assert_eq!(
        (a.status, a.reason),
        (CsiStatus::NoTarget, Some(Reason::NoTarget))
    );
    let a = api(&UP, &SeriesSpec::new(Increase));
    assert_eq!(a.status, ApiStatus::NoTarget);
    let a = csi(
        &[(2015, 1.0)],
        &SeriesSpec::new(Increase).with_target(2.0, 2030),
    );
    assert_eq!(
        (a.status, a.reason),
        (CsiStatus::InsufficientData, Some(Reason::FewerThanTwoYears))
    );
    let a = csi(&UP, &SeriesSpec::new(Increase).with_target(100.0, 2030));
    assert_eq!(a.reason, Some(Reason::TargetEqualsBase));
}

#[test]
fn escap_anticipated_progress_with_cagr() {
    // x̂_2019 = 121·1.1² = 146.41
    // x* = 200: G = (200 − 146.41)/(200 − 100) = 0.5359 → accelerate (0 < G ≤ 1)
    let a = api(&UP, &SeriesSpec::new(Increase).with_target(200.0, 2019));
    close(a.predicted, 146.41, 1e-9);
    close(a.gap, 0.5359, 1e-9);
    assert_eq!(a.status, ApiStatus::AccelerateProgress);
    // x* = 140: G = (140 − 146.41)/40 = −0.16025 → maintain (G ≤ 0)
    let a = api(&UP, &SeriesSpec::new(Increase).with_target(140.0, 2019));
    close(a.gap, -0.16025, 1e-9);
    assert_eq!(a.status, ApiStatus::MaintainProgress);
    // Falling: x̂ = 65.61, G = (200 − 65.61)/100 = 1.3439 → reverse trend (G > 1)
    let a = api(&DOWN, &SeriesSpec::new(Increase).with_target(200.0, 2019));
    close(a.gap, 1.3439, 1e-9);
    assert_eq!(a.status, ApiStatus::ReverseTrend);
    // Lower is better, x* = 70: G = (70 − 65.61)/(70 − 100) = −0.146333 → maintain
    let a = api(&DOWN, &SeriesSpec::new(Decrease).with_target(70.0, 2019));
    close(a.gap, -0.146333, 1e-6);
    assert_eq!(a.status, ApiStatus::MaintainProgress);
}

#[test]
fn escap_anticipated_progress_with_weighted_regression() {
    let weighted = |power| ApiOptions {
        prediction: Prediction::WeightedLinear { since: 2000, power },
        ..Default::default()
    };
    // On a straight line 10, 12, 14 any weights give 10 + 2·(2030 − 2015) = 40;
    // G = (50 − 40)/(50 − 10) = 0.25 → accelerate.
    let line = series(&[(2015, 10.0), (2016, 12.0), (2017, 14.0)]);
    let spec = SeriesSpec::new(Increase).with_target(50.0, 2030);
    for power in [0.0, 1.0, 2.0] {
        let a = escap::anticipated_progress(&line, &spec, &weighted(power)).unwrap();
        close(a.predicted, 40.0, 1e-9);
        close(a.gap, 0.25, 1e-9);
        assert_eq!(a.status, ApiStatus::AccelerateProgress);
    }
    // 0, 2, 1 in 2015–2017. Ordinary least squares (power 0): x̄ = 2016, ȳ = 1,
    // Sxy = (−1)(−1) + 0 + (1)(0) = 1, Sxx = 2, slope 0.5 → 1 + 0.5·14 = 8.
    let bumpy = series(&[(2015, 0.0), (2016, 2.0), (2017, 1.0)]);
    let spec = SeriesSpec::new(Increase).with_target(20.0, 2030);
    let a = escap::anticipated_progress(&bumpy, &spec, &weighted(0.0)).unwrap();
    close(a.predicted, 8.0, 1e-9);
    // Weights 1, 2, 3: x̄ = 12098/6 = 2016.3333, ȳ = 7/6 = 1.16667;
    // Sxy = 1·(−4/3)(−7/6) + 2·(−1/3)(5/6) + 3·(2/3)(−1/6) = 14/9 − 5/9 − 3/9 = 2/3,
    // Sxx = 16/9 + 2/9 + 12/9 = 10/3, slope = 0.2 → 7/6 + 0.2·(2030 − 2016.3333) = 3.9
    let a = escap::anticipated_progress(&bumpy, &spec, &weighted(1.0)).unwrap();
    close(a.predicted, 3.9, 1e-9);
}

// ---------------------------------------------------------------------------------------------
// Distance to target
// ---------------------------------------------------------------------------------------------

fn catalog_target(id: &str) -> ictstat_core::Target {
    Catalog::embedded()
        .unwrap()
        .targets
        .into_iter()
        .find(|t| t.id == id)
        .unwrap()
}

#[test]
fn distance_to_a_reach_at_least_target() {
    // UMC 2030: 100 % of individuals online. From 67.4 in 2023: gap 32.6, relative 0.326,
    // 7 years left, 32.6/7 = 4.657143 a year; (100/67.4)^(1/7) − 1:
    // ln 1.483680 = 0.394525, /7 = 0.0563607, e^0.0563607 − 1 = 0.057979.
    let t = catalog_target("UMC2030_INDIVIDUALS");
    let d = distance::distance_to(Point::new(2023, 67.4), &t).unwrap();
    assert!(!d.met);
    close(Some(d.gap), 32.6, 1e-9);
    close(d.gap_relative, 0.326, 1e-9);
    assert_eq!(d.years_left, 7);
    close(d.required_annual_change, 4.657143, 1e-6);
    close(d.required_cagr, 0.057979, 1e-5);
    let d = distance::distance_to(Point::new(2024, 100.0), &t).unwrap();
    assert!(d.met);
    assert_eq!(
        (d.gap, d.required_annual_change, d.required_cagr),
        (0.0, None, None)
    );
}

#[test]
fn distance_to_an_at_most_target() {
    // Connect 2030 2.3: broadband price ≤ 3 % of income by 2023. From 5 in 2020: gap 2,
    // relative 2/3, 3 years left, −2/3 a year.
    let t = catalog_target("CONNECT2030_2_3_PRICE");
    assert_eq!(
        distance::comparator_direction(&t.comparator).unwrap(),
        Decrease
    );
    let d = distance::distance_to(Point::new(2020, 5.0), &t).unwrap();
    close(Some(d.gap), 2.0, 1e-12);
    close(d.gap_relative, 2.0 / 3.0, 1e-12);
    close(d.required_annual_change, -2.0 / 3.0, 1e-12);
    assert!(
        distance::distance_to(Point::new(2022, 2.5), &t)
            .unwrap()
            .met
    );
}

#[test]
fn every_catalogue_target_with_a_value_gives_a_spec() {
    for t in Catalog::embedded().unwrap().targets {
        match (t.value, distance::spec_for_target(&t)) {
            (Some(v), Ok(spec)) => {
                assert_eq!(
                    (spec.target, spec.target_year),
                    (Some(v), t.year),
                    "{}",
                    t.id
                )
            }
            (None, Err(ProgressError::NoTargetValue(id))) => assert_eq!(id, t.id),
            (_, other) => panic!("{}: {other:?}", t.id),
        }
    }
    assert!(matches!(
        distance::comparator_direction("=="),
        Err(ProgressError::UnknownComparator(_))
    ));
}

// ---------------------------------------------------------------------------------------------
// The dispatcher
// ---------------------------------------------------------------------------------------------

#[test]
fn all_methods_side_by_side() {
    let spec = SeriesSpec::new(Increase).with_target(146.41, 2019);
    let all = progress::assess_all(&series(&UP), &spec, &Method::all()).unwrap();
    let ids: Vec<&str> = Method::all().iter().map(Method::id).collect();
    assert_eq!(
        ids,
        [
            "open_sdg",
            "unsd_2022",
            "unsd_2023",
            "escap_csi",
            "escap_api"
        ]
    );
    let statuses: Vec<&str> = all.iter().map(|a| a.status()).collect();
    // Open SDG v = 1 → substantial; UNSD 2022 CR = 1; UNSD 2023 P = 1; CSI = 21/46.41 = 0.4525;
    // API G = (146.41 − 146.41)/46.41 = 0 (± rounding) → maintain or accelerate.
    assert_eq!(
        &statuses[..4],
        [
            "substantial_progress",
            "substantial_progress",
            "on_track",
            "progress"
        ]
    );
    close(all[0].score(), 2.8572, 1e-6);
    close(all[3].score(), 21.0 / 46.41, 1e-12);
    close(all[4].score(), 0.0, 1e-9);
    assert_eq!(all[1].score(), None);

    let json = serde_json::to_value(&all).unwrap();
    assert_eq!(json[0]["method"], "open_sdg");
    assert_eq!(json[0]["status"], "substantial_progress");
    assert_eq!(json[0]["window"]["base_year"], 2015);
    assert_eq!(json[1]["method"], "unsd_2022");
    assert!(json[1].get("extrapolated").is_none());
    assert_eq!(json[4]["method"], "escap_api");
}

#[test]
fn methods_read_from_json_with_defaults() {
    let m: Method = serde_json::from_str(r#"{"method": "unsd_2022"}"#).unwrap();
    assert_eq!(m, Method::Unsd2022(Default::default()));
    let m: Method = serde_json::from_str(
        r#"{"method": "escap_api", "prediction": {"kind": "weighted_linear", "since": 2000, "power": 1.0}}"#,
    )
    .unwrap();
    assert!(matches!(
        m,
        Method::EscapApi(ApiOptions {
            prediction: Prediction::WeightedLinear { since: 2000, .. },
            ..
        })
    ));
    let m: Method = serde_json::from_str(r#"{"method": "open_sdg", "high": 0.9}"#).unwrap();
    assert_eq!(
        m,
        Method::OpenSdg(open_sdg::Options {
            high: Some(0.9),
            ..Default::default()
        })
    );
}

#[test]
fn the_dispatcher_refuses_duplicate_years_for_every_method() {
    let points = series(&[(2015, 1.0), (2015, 2.0)]);
    let spec = SeriesSpec::new(Increase).with_target(5.0, 2030);
    for m in Method::all() {
        assert_eq!(
            progress::assess(&points, &spec, &m).unwrap_err(),
            ProgressError::DuplicateYear(2015)
        );
    }
}
