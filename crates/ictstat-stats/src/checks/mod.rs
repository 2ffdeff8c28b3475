//! Validation rules over series: rules as data, built-in rules and outlier detection.
//!
//! The structural checks of `ictstat-formats` look at one row at a time; these look across
//! series, the way a statistician reviews a dataset: do the parts agree with the total, is a
//! count plausible against the population, does a value jump out of its series. Findings are
//! [`Diagnostic`]s in a [`Report`], the import report's format, so the server can run them on
//! every import and on demand and show them the same way.
//!
//! # Rules as data
//!
//! A rule set is TOML (DHIS2's validation rules, restricted to one area and period):
//!
//! ```toml
//! [[rule]]
//! id = "mobile-subscriptions-vs-population"   # the diagnostic's rule id; unique
//! description = "mobile-cellular subscriptions are at most 2.5 per inhabitant"
//! left = "IT_CEL_SETS"
//! operator = "<="                 # == != <= >= < >
//! right = "2.5 * SP_POP_TOTL"
//! importance = "warning"          # error | warning (default) | info
//! missing = "skip_if_any_missing" # (default) | skip_if_all_missing | missing_as_zero
//! tolerance = 0                   # absolute allowance (default 0)
//! relative_tolerance = 0          # allowance as a fraction of the larger side (default 0)
//!
//! [[rule]]
//! id = "sex-brackets-total"
//! builtin = "sex_brackets_total"  # a named check instead of left/operator/right
//! tolerance = 0.1
//!
//! [outliers]                      # absent: no outlier detection
//! modified_z = 3.5                # absent: no modified z-score test
//! min_max_factor = 10             # absent: no min–max test
//! min_changes = 3
//! ```
//!
//! A side is a sum of terms, each a number or a series times numbers: `2.5 * SP_POP_TOTL`,
//! `IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_256KT2M] + IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_GE10M]`,
//! `IT_CEL_SETS / 100 - 3`. A series is an indicator code and optionally a breakdown in
//! brackets (`DIM=CODE;DIM=CODE`, SDMX dimension ids); without brackets it is the total. Every
//! series is read at the same area and period; the rule is evaluated at each area and period
//! where at least one of its series has a value. The allowance is the larger of `tolerance`
//! and `relative_tolerance` × the larger side, and is given in the permissive direction:
//! `==` holds within ± the allowance, `!=` beyond it, `<=` and `<` compare with the right side
//! plus it, `>=` and `>` with the right side minus it.
//!
//! The built-in rules are [`DEFAULT_RULES`], in this same form.

mod compare;
mod data;
mod defaults;
mod expr;
mod outliers;
mod rules;
mod sex;

use ictstat_core::{Catalog, Diagnostic, Observation, Report};

pub use defaults::DEFAULT_RULES;
pub use expr::{Expr, SeriesRef, Term};
pub use outliers::{
    MIN_MAX, MODIFIED_Z, ModifiedZ, OutlierConfig, Spread, median, modified_z_scores,
};
pub use rules::{
    Builtin, Check, Checks, Comparison, Importance, Missing, Operator, Rule, RuleError, Tolerance,
};

/// What a check found at one place, before the rule's id, importance and description are
/// added: every check, built-in or not, reports in this one shape.
struct Finding {
    /// The area and period, or the series, area and period, in the rules' syntax.
    column: String,
    /// The values compared.
    value: String,
    message: String,
    fix: String,
}

impl Finding {
    /// The diagnostic of this finding under a rule; `about` (the rule's description, if any)
    /// heads the message.
    fn diagnostic(
        self,
        rule: &str,
        importance: Importance,
        about: &str,
        source: &str,
    ) -> Diagnostic {
        let info = match importance {
            Importance::Info => "for information: ",
            Importance::Error | Importance::Warning => "",
        };
        let about = if about.is_empty() {
            String::new()
        } else {
            format!("{about}: ")
        };
        Diagnostic {
            severity: importance.severity(),
            rule: rule.to_string(),
            file: source.to_string(),
            line: None,
            column: Some(self.column),
            value: Some(self.value),
            message: format!("{info}{about}{}", self.message),
            fix: Some(self.fix),
        }
    }
}

/// A number as shown in messages: at most six decimals, no trailing zeros.
fn show(x: f64) -> String {
    let rounded = (x * 1e6).round() / 1e6;
    if rounded == 0.0 {
        "0".to_string()
    } else {
        rounded.to_string()
    }
}

impl Checks {
    /// The built-in rules and outlier settings of [`DEFAULT_RULES`].
    pub fn builtin() -> Checks {
        Checks::parse(DEFAULT_RULES).expect("the built-in rules parse (tested)")
    }

    /// Runs every rule, then outlier detection, over `observations` (the catalogue says which
    /// indicators are counts). `source` names what was checked (a file, `database`) and
    /// becomes each diagnostic's `file`. Findings come in rule order, then by area or series
    /// and period; outliers are warnings.
    pub fn run(&self, observations: &[Observation], catalog: &Catalog, source: &str) -> Report {
        // Only the series the rules read are indexed (a named check may read any series):
        // an import of a million values of one indicator is not indexed for rules on others.
        let named = self
            .rules
            .iter()
            .any(|r| matches!(r.check, Check::Builtin(_)));
        let read: Option<std::collections::HashSet<&str>> = (!named).then(|| {
            self.rules
                .iter()
                .filter_map(|r| match &r.check {
                    Check::Compare(c) => Some(c.left.series().chain(c.right.series())),
                    Check::Builtin(_) => None,
                })
                .flatten()
                .map(|s| s.indicator.as_str())
                .collect()
        });
        let data = data::Data::new(observations, |indicator| {
            read.as_ref().is_none_or(|r| r.contains(indicator))
        });
        let mut report = Report::default();
        for rule in &self.rules {
            let found = match &rule.check {
                Check::Compare(c) => compare::compare(rule, c, &data),
                Check::Builtin(Builtin::SexBracketsTotal) => {
                    sex::sex_brackets_total(&data, catalog, rule.tolerance)
                }
            };
            for f in found {
                report.push(f.diagnostic(&rule.id, rule.importance, &rule.description, source));
            }
        }
        if let Some(config) = &self.outliers {
            for (id, f) in outliers::outliers(observations, config) {
                report.push(f.diagnostic(id, Importance::Warning, "", source));
            }
        }
        report
    }
}
