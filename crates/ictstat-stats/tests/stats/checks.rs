//! Validation rules and outlier detection against hand-worked cases.

use std::sync::{Arc, LazyLock};
use std::time::Instant;

use ictstat_core::{
    Attributes, Breakdown, Catalog, Diagnostic, Observation, Period, Report, SeriesKey, Severity,
};
use ictstat_stats::checks::{
    Builtin, Check, Checks, DEFAULT_RULES, Expr, Importance, MIN_MAX, MODIFIED_Z, Missing,
    Operator, OutlierConfig, Spread, median, modified_z_scores,
};

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::embedded().unwrap());

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// One observation; `series` is `INDICATOR` or `INDICATOR[DIM=CODE;…]`, as in the rules.
fn obs(series: &str, area: &str, year: i32, value: f64) -> Observation {
    let (indicator, breakdown) = match series.split_once('[') {
        Some((i, rest)) => (i, Breakdown::parse(rest.trim_end_matches(']')).unwrap()),
        None => (series, Breakdown::total()),
    };
    Observation {
        key: Arc::new(SeriesKey {
            indicator: indicator.to_string(),
            area: area.to_string(),
            breakdown,
        }),
        period: Period::Year(year),
        value: Some(value),
        attrs: Attributes::default(),
    }
}

/// `(series, value)` pairs of area 404 in 2021.
fn kenya(values: &[(&str, f64)]) -> Vec<Observation> {
    values
        .iter()
        .map(|&(s, v)| obs(s, "404", 2021, v))
        .collect()
}

/// Runs a rule set with no outlier detection.
fn run(toml: &str, observations: &[Observation]) -> Report {
    Checks::parse(toml)
        .unwrap()
        .run(observations, &CATALOG, "test.csv")
}

/// A one-rule set.
fn rule(left: &str, operator: &str, right: &str, extra: &str) -> String {
    format!(
        "[[rule]]\nid = \"r\"\nleft = \"{left}\"\noperator = \"{operator}\"\nright = \"{right}\"\n{extra}"
    )
}

fn fires(toml: &str, observations: &[Observation]) -> bool {
    let report = run(toml, observations);
    assert!(report.diagnostics.len() <= 1, "{:#?}", report.diagnostics);
    !report.diagnostics.is_empty()
}

/// The built-in rules, without outlier detection, over some observations: the ids that fired.
fn builtin_ids(observations: &[Observation]) -> Vec<String> {
    let mut checks = Checks::builtin();
    checks.outliers = None;
    let report = checks.run(observations, &CATALOG, "test.csv");
    report.diagnostics.into_iter().map(|d| d.rule).collect()
}

mod operators {
    use super::*;

    #[test]
    fn each_operator_with_and_without_tolerance() {
        use Operator::*;
        // (operator, left, right, allowance, holds)
        let cases = [
            (Eq, 3.0, 3.0, 0.0, true),
            (Eq, 3.0, 3.5, 0.5, true), // |−0.5| ≤ 0.5: the boundary passes
            (Eq, 3.0, 3.6, 0.5, false),
            (Ne, 3.0, 3.0, 0.0, false),
            (Ne, 3.0, 3.5, 0.5, false), // within the allowance they count as equal
            (Ne, 3.0, 3.6, 0.5, true),
            (Le, 3.0, 3.0, 0.0, true),
            (Le, 3.5, 3.0, 0.5, true),
            (Le, 3.6, 3.0, 0.5, false),
            (Ge, 3.0, 3.0, 0.0, true),
            (Ge, 2.5, 3.0, 0.5, true),
            (Ge, 2.4, 3.0, 0.5, false),
            (Lt, 3.0, 3.0, 0.0, false),
            (Lt, 2.9, 3.0, 0.0, true),
            (Lt, 3.4, 3.0, 0.5, true),
            (Gt, 3.0, 3.0, 0.0, false),
            (Gt, 3.1, 3.0, 0.0, true),
            (Gt, 2.6, 3.0, 0.5, true),
        ];
        for (op, l, r, a, expected) in cases {
            assert_eq!(op.holds(l, r, a), expected, "{l} {op} {r} ± {a}");
        }
    }

    #[test]
    fn rules_fire_when_the_comparison_fails() {
        let data = kenya(&[("A", 10.0), ("B", 4.0)]);
        // (left, operator, right, fires)
        let cases = [
            ("A", "==", "2.5 * B", false), // 10 == 10
            ("A", "==", "B", true),
            ("A", "!=", "B", false),
            ("A", "!=", "2.5 * B", true),
            ("A", "<=", "2.5 * B", false),
            ("A", "<=", "2 * B", true), // 10 <= 8 fails
            ("A", ">=", "2.5 * B", false),
            ("A", ">=", "3 * B", true), // 10 >= 12 fails
            ("A", "<", "2.5 * B", true),
            ("A", "<", "3 * B", false),
            ("A", ">", "2.5 * B", true),
            ("A", ">", "B + 5.9", false),
            ("A - B", "==", "6", false),
            ("-A", "==", "-10", false),
            ("A / 4 - 0.5", "==", "B / 2", false), // 2.5 − 0.5 = 2 = 4 ÷ 2
        ];
        for (left, op, right, expected) in cases {
            let toml = rule(left, op, right, "");
            assert_eq!(fires(&toml, &data), expected, "{left} {op} {right}");
        }
    }

    #[test]
    fn tolerance_absolute_and_relative() {
        let data = kenya(&[("A", 100.0), ("B", 100.4)]);
        assert!(fires(&rule("A", "==", "B", ""), &data));
        assert!(!fires(&rule("A", "==", "B", "tolerance = 0.4"), &data));
        assert!(fires(&rule("A", "==", "B", "tolerance = 0.3"), &data));
        // 0.004 × 100.4 = 0.4016 ≥ 0.4; 0.003 × 100.4 = 0.3012 < 0.4.
        assert!(!fires(
            &rule("A", "==", "B", "relative_tolerance = 0.004"),
            &data
        ));
        assert!(fires(
            &rule("A", "==", "B", "relative_tolerance = 0.003"),
            &data
        ));
        // The larger of the two applies.
        let both = "tolerance = 0.5\nrelative_tolerance = 0.003";
        assert!(!fires(&rule("A", "==", "B", both), &data));
    }

    #[test]
    fn decimal_fractions_add_up_without_a_tolerance() {
        let data = kenya(&[("A", 0.1), ("B", 0.2), ("C", 0.3)]);
        assert!(!fires(&rule("A + B", "==", "C", ""), &data));
    }

    #[test]
    fn rules_compare_the_same_area_and_period_only() {
        let data = vec![
            obs("A", "404", 2021, 10.0),
            obs("B", "404", 2020, 1.0),
            obs("B", "800", 2021, 1.0),
        ];
        assert!(!fires(&rule("A", "<=", "B", ""), &data));
    }

    #[test]
    fn breakdowns_select_series() {
        let data = kenya(&[("A", 10.0), ("A[SEX=F]", 4.0), ("A[SEX=M;AGE=Y15T24]", 7.0)]);
        assert!(!fires(&rule("A[SEX=F]", "<=", "A", ""), &data));
        assert!(!fires(&rule("A[AGE=Y15T24;SEX=M]", "==", "7", ""), &data));
        assert!(fires(
            &rule("A[SEX=F]", ">", "A[sex=M;age=Y15T24]", ""),
            &data
        ));
    }
}

mod missing_values {
    use super::*;

    /// `A + B <= C` where B is missing: A = 5, C = 4.
    fn partly_missing(strategy: &str) -> bool {
        let data = kenya(&[("A", 5.0), ("C", 4.0)]);
        fires(&rule("A + B", "<=", "C", strategy), &data)
    }

    #[test]
    fn skip_if_any_missing_is_the_default() {
        assert!(!partly_missing(""));
        assert!(!partly_missing("missing = \"skip_if_any_missing\""));
    }

    #[test]
    fn skip_if_all_missing_counts_the_missing_as_zero() {
        // 5 + 0 <= 4 fails.
        assert!(partly_missing("missing = \"skip_if_all_missing\""));
        // The whole left side missing: skipped, though 0 + 0 <= 4 would hold anyway; use >=.
        let data = kenya(&[("C", 4.0)]);
        let toml = rule("A + B", ">=", "C", "missing = \"skip_if_all_missing\"");
        assert!(!fires(&toml, &data));
    }

    #[test]
    fn missing_as_zero_never_skips() {
        assert!(partly_missing("missing = \"missing_as_zero\""));
        // 0 + 0 >= 4 fails.
        let data = kenya(&[("C", 4.0)]);
        let toml = rule("A + B", ">=", "C", "missing = \"missing_as_zero\"");
        let report = run(&toml, &data);
        assert_eq!(report.diagnostics.len(), 1);
        let d = &report.diagnostics[0];
        assert_eq!(d.value.as_deref(), Some("0 >= 4"));
        assert!(d.message.contains("missing values counted as zero"), "{d}");
    }

    #[test]
    fn an_empty_value_is_a_missing_value() {
        let mut data = kenya(&[("A", 5.0), ("B", 1.0), ("C", 4.0)]);
        data[1].value = None;
        assert!(!fires(&rule("A + B", "<=", "C", ""), &data));
    }

    #[test]
    fn a_side_of_constants_is_never_missing() {
        let data = kenya(&[("A", 300.0)]);
        let toml = rule("A", "<=", "250", "missing = \"skip_if_all_missing\"");
        assert!(fires(&toml, &data));
    }
}

mod builtins {
    use super::*;

    #[test]
    fn the_default_rule_set_parses_into_the_documented_rules() {
        let checks = Checks::builtin();
        let ids: Vec<&str> = checks.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "sex-brackets-total",
                "speed-tiers-sum",
                "speed-tiers-sum-count",
                "mobile-subscriptions-per-100",
                "mobile-subscriptions-vs-population",
                "coverage-5g-within-4g",
                "coverage-4g-within-3g",
                "coverage-3g-within-2g",
            ]
        );
        assert_eq!(
            checks.rules[0].check,
            Check::Builtin(Builtin::SexBracketsTotal)
        );
        assert_eq!(
            checks.outliers,
            Some(OutlierConfig {
                modified_z: Some(3.5),
                min_max_factor: Some(10.0),
                min_changes: 3
            })
        );
        assert_eq!(Checks::parse(DEFAULT_RULES).unwrap(), checks);
    }

    #[test]
    fn sex_brackets_the_total_of_a_percentage() {
        let at = |f, m, t| {
            builtin_ids(&kenya(&[
                ("IT_USE_ii99[SEX=F]", f),
                ("IT_USE_ii99[SEX=M]", m),
                ("IT_USE_ii99", t),
            ]))
        };
        assert!(at(30.0, 40.0, 35.0).is_empty());
        assert!(at(40.0, 30.0, 30.0).is_empty()); // on the bracket
        assert!(at(40.0, 30.0, 40.1).is_empty()); // within the 0.1 tolerance
        assert!(at(40.0, 30.0, 29.9).is_empty());
        assert_eq!(at(40.0, 30.0, 40.2), ["sex-brackets-total"]);
        assert_eq!(at(40.0, 30.0, 29.8), ["sex-brackets-total"]);
    }

    #[test]
    fn sex_bracket_reports_the_three_values_and_the_total_series() {
        let data = vec![
            obs("IT_USE_ii99[SEX=F;AGE=Y15T24]", "404", 2021, 50.0),
            obs("IT_USE_ii99[SEX=M;AGE=Y15T24]", "404", 2021, 60.0),
            obs("IT_USE_ii99[AGE=Y15T24]", "404", 2021, 70.0),
        ];
        let report = Checks::builtin().run(&data, &CATALOG, "upload.csv");
        assert_eq!(report.warnings, 1);
        let d = &report.diagnostics[0];
        assert_eq!(d.rule, "sex-brackets-total");
        assert_eq!(d.file, "upload.csv");
        assert_eq!(
            d.column.as_deref(),
            Some("IT_USE_ii99[AGE=Y15T24] 404 2021")
        );
        assert_eq!(d.value.as_deref(), Some("F=50 M=60 _T=70"));
        assert!(d.message.contains("outside [50, 60]"), "{d}");
    }

    #[test]
    fn sex_parts_do_not_exceed_the_total_of_a_count() {
        let at = |f, m, t| {
            builtin_ids(&kenya(&[
                ("SP_POP_TOTL[SEX=F]", f),
                ("SP_POP_TOTL[SEX=M]", m),
                ("SP_POP_TOTL", t),
            ]))
        };
        assert!(at(500.0, 400.0, 900.0).is_empty()); // a count is not between its parts
        assert!(at(500.0, 400.0, 950.0).is_empty()); // unknown sex
        assert!(at(500_000.0, 400_500.0, 900_000.0).is_empty()); // 0.1 % of 900,500 ≥ 500
        assert_eq!(at(500.0, 400.0, 899.0), ["sex-brackets-total"]);
    }

    #[test]
    fn sex_bracket_skips_incomplete_triples_and_unknown_indicators() {
        let partial = kenya(&[("IT_USE_ii99[SEX=F]", 10.0), ("IT_USE_ii99", 90.0)]);
        assert!(builtin_ids(&partial).is_empty());
        let unknown = kenya(&[("XX[SEX=F]", 1.0), ("XX[SEX=M]", 2.0), ("XX", 9.0)]);
        assert!(builtin_ids(&unknown).is_empty());
    }

    fn tiers(low: f64, mid: f64, high: f64, total: f64) -> Vec<String> {
        builtin_ids(&kenya(&[
            ("IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_256KT2M]", low),
            ("IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_2MT10M]", mid),
            ("IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_GE10M]", high),
            ("IT_NET_BBND", total),
        ]))
    }

    #[test]
    fn speed_tiers_sum_to_the_total() {
        assert!(tiers(1.0, 2.5, 10.0, 13.5).is_empty());
        assert!(tiers(1.0, 2.5, 10.0, 13.6).is_empty()); // 0.1 tolerance
        assert!(tiers(1.0, 2.5, 10.0, 13.4).is_empty());
        assert_eq!(tiers(1.0, 2.5, 10.0, 13.7), ["speed-tiers-sum"]);
        assert_eq!(tiers(1.0, 2.5, 10.0, 12.0), ["speed-tiers-sum"]);
        // A tier missing: nothing to compare.
        let partial = kenya(&[
            ("IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_GE10M]", 10.0),
            ("IT_NET_BBND", 20.0),
        ]);
        assert!(builtin_ids(&partial).is_empty());
    }

    #[test]
    fn speed_tier_counts_within_a_relative_tolerance() {
        let at = |total| {
            builtin_ids(&kenya(&[
                ("IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_256KT2M]", 100_000.0),
                ("IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_2MT10M]", 400_000.0),
                ("IT_NET_BBNDN[COMPOSITE_BREAKDOWN=IS_GE10M]", 500_000.0),
                ("IT_NET_BBNDN", total),
            ]))
        };
        assert!(at(1_000_000.0).is_empty());
        assert!(at(1_001_000.0).is_empty()); // 0.1 % of 1,001,000 = 1001 ≥ 1000
        assert_eq!(at(1_002_000.0), ["speed-tiers-sum-count"]);
    }

    #[test]
    fn mobile_subscriptions_are_plausible() {
        assert!(builtin_ids(&kenya(&[("IT_CEL_SETS_P2", 250.0)])).is_empty());
        assert_eq!(
            builtin_ids(&kenya(&[("IT_CEL_SETS_P2", 250.01)])),
            ["mobile-subscriptions-per-100"]
        );
        let counts = |subs| builtin_ids(&kenya(&[("IT_CEL_SETS", subs), ("SP_POP_TOTL", 1e6)]));
        assert!(counts(2.5e6).is_empty());
        assert_eq!(counts(2.6e6), ["mobile-subscriptions-vs-population"]);
        // No population: skipped, not compared with zero.
        assert!(builtin_ids(&kenya(&[("IT_CEL_SETS", 1e9)])).is_empty());
    }

    #[test]
    fn coverage_of_a_newer_technology_is_within_the_older() {
        let at = |g2, g3, g4, g5| {
            builtin_ids(&kenya(&[
                ("IT_MOB_2GNTWK", g2),
                ("IT_MOB_3GNTWK", g3),
                ("IT_MOB_4GNTWK", g4),
                ("IT_MOB_5GNTWK", g5),
            ]))
        };
        assert!(at(99.0, 95.0, 80.0, 10.0).is_empty());
        assert!(at(99.0, 95.0, 95.0, 95.0).is_empty()); // equal
        assert!(at(99.0, 95.0, 95.1, 10.0).is_empty()); // 0.1 tolerance
        assert_eq!(at(99.0, 95.0, 95.2, 10.0), ["coverage-4g-within-3g"]);
        assert_eq!(at(90.0, 95.0, 80.0, 10.0), ["coverage-3g-within-2g"]);
        assert_eq!(at(99.0, 95.0, 80.0, 81.0), ["coverage-5g-within-4g"]);
    }

    #[test]
    fn a_comparison_finding_says_what_was_compared() {
        let data = kenya(&[("IT_MOB_4GNTWK", 96.0), ("IT_MOB_3GNTWK", 95.0)]);
        let report = Checks::builtin().run(&data, &CATALOG, "upload.csv");
        assert_eq!((report.errors, report.warnings), (0, 1));
        let expected = Diagnostic {
            severity: Severity::Warning,
            rule: "coverage-4g-within-3g".into(),
            file: "upload.csv".into(),
            line: None,
            column: Some("404 2021".into()),
            value: Some("96 <= 95".into()),
            message: "4G population coverage does not exceed 3G coverage: IT_MOB_4GNTWK = 96 \
                      is not <= IT_MOB_3GNTWK = 95 beyond the allowance of 0.1"
                .into(),
            fix: Some(
                "check the values of IT_MOB_4GNTWK, IT_MOB_3GNTWK for 404 2021 against their source"
                    .into(),
            ),
        };
        assert_eq!(report.diagnostics, [expected]);
    }

    #[test]
    fn importance_sets_the_severity() {
        let data = kenya(&[("A", 2.0)]);
        let error = run(&rule("A", "<=", "1", "importance = \"error\""), &data);
        assert_eq!((error.errors, error.warnings), (1, 0));
        assert!(error.has_errors());
        let info = run(&rule("A", "<=", "1", "importance = \"info\""), &data);
        assert_eq!((info.errors, info.warnings), (0, 1));
        assert!(info.diagnostics[0].message.starts_with("for information: "));
    }
}

mod outliers {
    use super::*;

    fn config(modified_z: Option<f64>, min_max_factor: Option<f64>) -> Checks {
        Checks {
            rules: Vec::new(),
            outliers: Some(OutlierConfig {
                modified_z,
                min_max_factor,
                min_changes: 3,
            }),
        }
    }

    fn series(values: &[(i32, f64)]) -> Vec<Observation> {
        values.iter().map(|&(y, v)| obs("A", "404", y, v)).collect()
    }

    #[test]
    fn modified_z_by_hand() {
        // x = 1, 2, 3, 4, 100: median 3; |x − 3| = 2, 1, 0, 1, 97, sorted 0, 1, 1, 2, 97,
        // so MAD = 1; z = 0.6745 (x − 3) / 1 = −1.349, −0.6745, 0, 0.6745, 65.4265.
        let z = modified_z_scores(&[1.0, 2.0, 3.0, 4.0, 100.0]).unwrap();
        assert_eq!(z.median, 3.0);
        assert_eq!(z.spread, Spread::Mad(1.0));
        let expected = [-1.349, -0.6745, 0.0, 0.6745, 65.4265];
        for (got, want) in z.scores.iter().zip(expected) {
            assert!(close(*got, want), "{got} vs {want}");
        }
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert!(modified_z_scores(&[]).is_none());
    }

    #[test]
    fn mad_zero_falls_back_to_the_mean_absolute_deviation() {
        // 5, 5, 5, 5, 9: median 5, deviations 0, 0, 0, 0, 4: MAD 0; mean deviation 4/5 = 0.8;
        // z(9) = 4 / (1.253314 × 0.8) = 4 / 1.0026512 = 3.98942.
        let z = modified_z_scores(&[5.0, 5.0, 5.0, 5.0, 9.0]).unwrap();
        assert_eq!(z.spread, Spread::MeanAbsoluteDeviation(0.8));
        assert!((z.scores[4] - 3.98942).abs() < 1e-5, "{}", z.scores[4]);
        assert_eq!(z.scores[0], 0.0);
        // All equal: no spread, every score 0.
        let flat = modified_z_scores(&[2.0; 4]).unwrap();
        assert_eq!(flat.spread, Spread::None);
        assert_eq!(flat.scores, [0.0; 4]);
    }

    #[test]
    fn a_jump_among_year_on_year_changes_is_flagged() {
        // Values 10, 12, 13, 15, 16, 30, 32 (2015–2021): changes 2, 1, 2, 1, 14, 2.
        // Sorted 1, 1, 2, 2, 2, 14: median 2. |c − 2| = 0, 1, 0, 1, 12, 0, sorted
        // 0, 0, 0, 1, 1, 12: MAD (0 + 1) / 2 = 0.5. z(14) = 0.6745 × 12 / 0.5 = 16.188;
        // z(1) = 0.6745 × (−1) / 0.5 = −1.349, within ±3.5.
        let values = [10.0, 12.0, 13.0, 15.0, 16.0, 30.0, 32.0];
        let data = series(&(2015..).zip(values).collect::<Vec<_>>());
        let report = config(Some(3.5), None).run(&data, &CATALOG, "db");
        assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
        let d = &report.diagnostics[0];
        assert_eq!(d.rule, MODIFIED_Z);
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(d.column.as_deref(), Some("A 404 2020"));
        assert_eq!(d.value.as_deref(), Some("2019: 16 → 2020: 30"));
        assert!(d.message.contains("+14 a year"), "{d}");
        assert!(d.message.contains("modified z-score 16.19"), "{d}");
        assert!(d.message.contains("median change 2, MAD 0.5"), "{d}");
    }

    #[test]
    fn changes_across_a_gap_are_per_year() {
        // 10, 12, 14, 16, then 2022: 22. Changes per year 2, 2, 2, (22 − 16) / 3 = 2: all equal.
        let data = series(&[
            (2015, 10.0),
            (2016, 12.0),
            (2017, 14.0),
            (2018, 16.0),
            (2021, 22.0),
        ]);
        assert!(
            config(Some(3.5), None)
                .run(&data, &CATALOG, "db")
                .diagnostics
                .is_empty()
        );
    }

    #[test]
    fn mad_zero_series_is_flagged_through_the_fallback() {
        // Values 1, 2, 3, 4, 5, 10: changes 1, 1, 1, 1, 5; median 1, MAD 0,
        // mean deviation 4/5 = 0.8, z(5) = 4 / (1.253314 × 0.8) = 3.99 > 3.5.
        let data = series(&[
            (2016, 1.0),
            (2017, 2.0),
            (2018, 3.0),
            (2019, 4.0),
            (2020, 5.0),
            (2021, 10.0),
        ]);
        let report = config(Some(3.5), None).run(&data, &CATALOG, "db");
        assert_eq!(report.diagnostics.len(), 1);
        let d = &report.diagnostics[0];
        assert!(
            d.message
                .contains("MAD 0, so the mean absolute deviation 0.8"),
            "{d}"
        );
        // A steady series has no outlier at all.
        let steady = series(&[(2017, 1.0), (2018, 2.0), (2019, 3.0), (2020, 4.0)]);
        assert!(
            config(Some(3.5), None)
                .run(&steady, &CATALOG, "db")
                .diagnostics
                .is_empty()
        );
    }

    #[test]
    fn short_series_are_not_tested() {
        // Three values, two changes (1 and 1000): fewer than 3 changes, no flag by either test.
        let data = series(&[(2019, 1.0), (2020, 2.0), (2021, 1002.0)]);
        let report = config(Some(3.5), Some(2.0)).run(&data, &CATALOG, "db");
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    }

    #[test]
    fn min_max_flags_values_beyond_a_factor_of_the_others() {
        // 2021's 200 > 10 × 12, the largest other value; 2018's 10 is not below 11 ÷ 10.
        let data = series(&[(2018, 10.0), (2019, 11.0), (2020, 12.0), (2021, 200.0)]);
        let report = config(None, Some(10.0)).run(&data, &CATALOG, "db");
        assert_eq!(report.diagnostics.len(), 1, "{:#?}", report.diagnostics);
        let d = &report.diagnostics[0];
        assert_eq!(d.rule, MIN_MAX);
        assert_eq!(d.column.as_deref(), Some("A 404 2021"));
        assert_eq!(d.value.as_deref(), Some("200"));
        assert!(
            d.message.contains("above 10 × the largest other value 12"),
            "{d}"
        );
        // Exactly 10 × is not beyond; a value below the smallest ÷ 10 is.
        let edge = series(&[(2018, 10.0), (2019, 11.0), (2020, 12.0), (2021, 120.0)]);
        assert!(
            config(None, Some(10.0))
                .run(&edge, &CATALOG, "db")
                .diagnostics
                .is_empty()
        );
        let low = series(&[(2018, 0.9), (2019, 10.0), (2020, 11.0), (2021, 12.0)]);
        let report = config(None, Some(10.0)).run(&low, &CATALOG, "db");
        assert_eq!(report.diagnostics.len(), 1);
        assert!(
            report.diagnostics[0]
                .message
                .contains("below the smallest other value 10 ÷ 10")
        );
    }

    #[test]
    fn min_max_skips_ratios_against_zero() {
        // Others all 0: no ratio; the zeros are not below 0 ÷ 10.
        let data = series(&[(2018, 0.0), (2019, 0.0), (2020, 0.0), (2021, 5.0)]);
        assert!(
            config(None, Some(10.0))
                .run(&data, &CATALOG, "db")
                .diagnostics
                .is_empty()
        );
    }

    #[test]
    fn each_series_is_tested_on_its_own() {
        let mut data = series(&[(2018, 10.0), (2019, 11.0), (2020, 12.0), (2021, 13.0)]);
        data.extend([2018, 2019, 2020, 2021].map(|y| obs("A", "800", y, 1000.0)));
        data.extend([2018, 2019, 2020, 2021].map(|y| obs("A[SEX=F]", "404", y, 1.0)));
        let report = config(Some(3.5), Some(2.0)).run(&data, &CATALOG, "db");
        assert!(report.diagnostics.is_empty(), "{:#?}", report.diagnostics);
    }
}

mod parsing {
    use super::*;

    fn problem(toml: &str) -> String {
        Checks::parse(toml).unwrap_err().to_string()
    }

    #[test]
    fn expressions_parse_and_print_in_canonical_form() {
        let e = Expr::parse(" 2.5*SP_POP_TOTL - IT_USE_ii99[sex=F ; age=Y15T24] / 2 + 3 ").unwrap();
        assert_eq!(
            e.to_string(),
            "2.5 * SP_POP_TOTL - 0.5 * IT_USE_ii99[SEX=F;AGE=Y15T24] + 3"
        );
        assert_eq!(Expr::parse(&e.to_string()).unwrap(), e);
        let s: Vec<String> = e.series().map(|s| s.to_string()).collect();
        assert_eq!(s, ["SP_POP_TOTL", "IT_USE_ii99[SEX=F;AGE=Y15T24]"]);
        assert_eq!(Expr::parse("A[SEX=_T]").unwrap(), Expr::parse("A").unwrap());
    }

    #[test]
    fn expression_errors_say_where() {
        let cases = [
            ("", "expected a number or a series, found the end"),
            ("A +", "expected a number or a series, found the end"),
            (
                "A B",
                "expected `+`, `-`, `*`, `/` or the end, found `B` at character 3",
            ),
            (
                "A * B",
                "a term multiplies at most one series (the sides are linear), found `B` at character 5",
            ),
            (
                "A / B",
                "expected a number to divide by, found `B` at character 5",
            ),
            ("A / 0", "division by zero, found `0` at character 5"),
            (
                "A[COLOUR=red]",
                "unknown dimension `COLOUR` (one of SEX, AGE, URBANISATION, …), found `C` at character 3",
            ),
            (
                "A[SEX]",
                "expected `=` after the dimension, found `]` at character 6",
            ),
            (
                "A[SEX=]",
                "expected a code after `=`, found `]` at character 7",
            ),
            ("A[SEX=F", "expected `;` or `]`, found the end"),
            (
                "(A)",
                "expected a number or a series, found `(` at character 1",
            ),
            ("1.2.3", "`1.2.3` is not a number, found `1` at character 1"),
        ];
        for (text, expected) in cases {
            assert_eq!(Expr::parse(text).unwrap_err(), expected, "{text}");
        }
    }

    #[test]
    fn rule_errors_name_the_rule_and_the_problem() {
        let cases = [
            (rule("A", "=<", "B", ""), "rule `r`: operator `=<` is not one of == != <= >= < >"),
            (rule("A +", "<=", "B", ""), "rule `r`: left side: expected a number or a series, found the end"),
            (rule("A", "<=", "B *", ""), "rule `r`: right side: expected a number or a series, found the end"),
            (rule("1", "<=", "2", ""), "rule `r`: compares constants only: name at least one series"),
            (rule("A", "<=", "B", "importance = \"high\""), "rule `r`: importance `high` is not one of `error`, `warning`, `info`"),
            (rule("A", "<=", "B", "missing = \"never\""), "rule `r`: missing `never` is not one of `skip_if_any_missing`, `skip_if_all_missing`, `missing_as_zero`"),
            (rule("A", "<=", "B", "tolerance = -1.0"), "rule `r`: `tolerance` must be a non-negative number, not -1"),
            (rule("A", "<=", "B", "builtin = \"sex_brackets_total\""), "rule `r`: has both `builtin` and `left`/`operator`/`right`: choose one"),
            (rule("A", "<=", "B", "oprator = \"<\""), "rule `r`: unknown key `oprator` (known: `id`, `description`, `left`, `operator`, `right`, `builtin`, `importance`, `missing`, `tolerance`, `relative_tolerance`)"),
            ("[[rule]]\nid = \"r\"\nleft = \"A\"".into(), "rule `r`: has no `operator`, `right` (a rule needs `left`, `operator` and `right`, or `builtin`)"),
            ("[[rule]]\nid = \"r\"\nbuiltin = \"parity\"".into(), "rule `r`: unknown built-in `parity` (known: sex_brackets_total)"),
            ("[[rule]]\nid = \"r\"\nbuiltin = \"sex_brackets_total\"\nmissing = \"missing_as_zero\"".into(), "rule `r`: a built-in check has its own missing-value handling; remove `missing`"),
            ("[[rule]]\nleft = \"A\"\noperator = \"<\"\nright = \"1\"".into(), "rule `#1`: has no `id`"),
            (format!("{}\n{}", rule("A", "<", "1", ""), rule("B", "<", "1", "")), "rule `r`: the id is used by an earlier rule"),
            ("[outliers]\nmodified_z = 0.0".into(), "[outliers]: `modified_z` must be a positive number, not 0"),
            ("[outliers]\nmin_max_factor = 0.5".into(), "[outliers]: `min_max_factor` below 1 would flag values inside the range"),
            ("[outliers]\nmadz = 3".into(), "[outliers]: unknown key `madz` (known: `modified_z`, `min_max_factor`, `min_changes`)"),
            ("[[rules]]\nid = \"r\"".into(), "the rules are not valid TOML: unknown key `rules` (known: `rule`, `outliers`)"),
        ];
        for (toml, expected) in cases {
            assert_eq!(problem(&toml), expected, "{toml}");
        }
    }

    #[test]
    fn toml_syntax_and_type_errors_are_reported() {
        assert!(problem("[[rule]\nid = ").starts_with("the rules are not valid TOML: "));
        let wrong_type = problem(&rule("A", "<", "B", "tolerance = \"half\""));
        assert!(
            wrong_type.starts_with("the rules are not valid TOML: "),
            "{wrong_type}"
        );
        assert!(wrong_type.contains("tolerance"), "{wrong_type}");
    }

    #[test]
    fn defaults_of_a_rule() {
        let checks = Checks::parse(&rule("A", "<", "B", "")).unwrap();
        let r = &checks.rules[0];
        assert_eq!(r.importance, Importance::Warning);
        assert_eq!(r.tolerance.absolute, 0.0);
        let Check::Compare(c) = &r.check else {
            panic!("a comparison")
        };
        assert_eq!(
            (c.operator, c.missing),
            (Operator::Lt, Missing::SkipIfAnyMissing)
        );
        assert_eq!(checks.outliers, None);
        let empty = Checks::parse("").unwrap();
        assert!(empty.rules.is_empty() && empty.outliers.is_none());
        let outliers = Checks::parse("[outliers]\nmodified_z = 3.5")
            .unwrap()
            .outliers;
        assert_eq!(
            outliers,
            Some(OutlierConfig {
                modified_z: Some(3.5),
                min_max_factor: None,
                min_changes: 3
            })
        );
    }
}

/// The bundled data (six ITU series from Gapminder and World Bank population, about 60,000
/// observations) through every built-in rule and outlier test: no errors; the time is printed
/// (BENCHMARKS.md has the measured figure; tests never fail on a slow machine).
#[test]
fn bundled_data_all_checks() {
    let observations = crate::bundled::observations();

    let checks = Checks::builtin();
    let started = Instant::now();
    let report = checks.run(&observations, &CATALOG, "bundled");
    let elapsed = started.elapsed();
    let mut by_rule = std::collections::BTreeMap::<&str, usize>::new();
    for d in &report.diagnostics {
        *by_rule.entry(d.rule.as_str()).or_default() += 1;
    }
    println!(
        "{} observations checked in {elapsed:?}: {} warnings ({} kept: {by_rule:?}), {} errors",
        observations.len(),
        report.warnings,
        report.diagnostics.len(),
        report.errors
    );
    for d in report.diagnostics.iter().take(10) {
        println!("{d}");
    }
    assert_eq!(report.errors, 0);
}
