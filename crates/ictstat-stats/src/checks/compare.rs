//! Evaluating a comparison rule at every area and period where one of its series has a value.

use std::collections::BTreeSet;

use ictstat_core::Period;

use super::data::Data;
use super::expr::Expr;
use super::rules::{Comparison, Missing, Rule};
use super::{Finding, show};

/// A side evaluated at one area and period: its sum with missing values as zero, and how many
/// of its series had a value out of how many it names.
struct Side {
    sum: f64,
    present: usize,
    named: usize,
}

impl Side {
    fn eval(expr: &Expr, data: &Data<'_>, area: &str, period: Period) -> Side {
        let mut side = Side {
            sum: 0.0,
            present: 0,
            named: 0,
        };
        for t in &expr.terms {
            match &t.series {
                None => side.sum += t.coefficient,
                Some(s) => {
                    side.named += 1;
                    if let Some(v) = data.value(s, area, period) {
                        side.present += 1;
                        side.sum += t.coefficient * v;
                    }
                }
            }
        }
        side
    }

    /// Whether the strategy skips this side; a side of constants is never missing.
    fn skips(&self, missing: Missing) -> bool {
        match missing {
            Missing::SkipIfAnyMissing => self.present < self.named,
            Missing::SkipIfAllMissing => self.named > 0 && self.present == 0,
            Missing::MissingAsZero => false,
        }
    }
}

/// The findings of one comparison rule, by area then period.
pub(super) fn compare(rule: &Rule, c: &Comparison, data: &Data<'_>) -> Vec<Finding> {
    let Comparison {
        left,
        operator,
        right,
        missing,
    } = c;
    let at: BTreeSet<(&str, Period)> = left
        .series()
        .chain(right.series())
        .flat_map(|s| data.at(s))
        .collect();
    let mut found = Vec::new();
    for (area, period) in at {
        let (l, r) = (
            Side::eval(left, data, area, period),
            Side::eval(right, data, area, period),
        );
        if l.skips(*missing) || r.skips(*missing) {
            continue;
        }
        let allowance = rule.tolerance.allowance(l.sum, r.sum);
        if operator.holds(l.sum, r.sum, allowance) {
            continue;
        }
        let (ls, rs) = (show(l.sum), show(r.sum));
        let within = match rule.tolerance.absolute.max(rule.tolerance.relative) {
            0.0 => String::new(),
            _ => format!(" beyond the allowance of {}", show(allowance)),
        };
        let gaps = if l.present < l.named || r.present < r.named {
            " (missing values counted as zero)"
        } else {
            ""
        };
        found.push(Finding {
            column: format!("{area} {period}"),
            value: format!("{ls} {operator} {rs}"),
            message: format!(
                "{} is not {operator} {}{within}{gaps}",
                side_text(left, &ls),
                side_text(right, &rs)
            ),
            fix: format!(
                "check the values of {} for {area} {period} against their source",
                series_list(left, right)
            ),
        });
    }
    found
}

/// `expr = value`, or just the value for a side of constants.
fn side_text(expr: &Expr, value: &str) -> String {
    match expr.series().next() {
        Some(_) => format!("{expr} = {value}"),
        None => value.to_string(),
    }
}

fn series_list(left: &Expr, right: &Expr) -> String {
    let mut names: Vec<String> = Vec::new();
    for s in left.series().chain(right.series()) {
        let name = s.to_string();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names.join(", ")
}
