//! Rules as data: their model and their TOML form.
//!
//! The model is DHIS2's validation rule (left side, operator, right side, importance, missing
//! value strategy), restricted to series of one area and one period. The TOML form is read
//! leniently into strings first and checked by hand, so that every problem is reported with
//! the rule's id and in words a statistician can act on, not as a serde type error.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use ictstat_core::Severity;
use serde::Deserialize;

use super::expr::Expr;
use super::outliers::OutlierConfig;

/// How a rule compares its two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Eq,
    Ne,
    Le,
    Ge,
    Lt,
    Gt,
}

impl Operator {
    const ALL: [Operator; 6] = [
        Operator::Eq,
        Operator::Ne,
        Operator::Le,
        Operator::Ge,
        Operator::Lt,
        Operator::Gt,
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Eq => "==",
            Operator::Ne => "!=",
            Operator::Le => "<=",
            Operator::Ge => ">=",
            Operator::Lt => "<",
            Operator::Gt => ">",
        }
    }

    /// Whether `left op right` holds when `allowance` may be given to the left side in the
    /// permissive direction: `==` within ±allowance, `!=` beyond it, `<=`/`<` against
    /// `right + allowance`, `>=`/`>` against `right − allowance`. A difference within a
    /// relative 1e-9 of the boundary is rounding and counts as on it, so that sums of decimal
    /// fractions equal their written totals (0.1 + 0.2 == 0.3) and yet `<` and `>` stay strict.
    pub fn holds(self, left: f64, right: f64, allowance: f64) -> bool {
        let gap = left - right;
        let rounding = 1e-9 * left.abs().max(right.abs());
        match self {
            Operator::Eq => gap.abs() <= allowance + rounding,
            Operator::Ne => gap.abs() > allowance + rounding,
            Operator::Le => gap <= allowance + rounding,
            Operator::Ge => gap >= -allowance - rounding,
            Operator::Lt => gap < allowance - rounding,
            Operator::Gt => gap > -allowance + rounding,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// How much a failure matters. `Info` is reported as a warning (the report has two severities)
/// whose message says it is for information only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Importance {
    Error,
    Warning,
    Info,
}

impl Importance {
    pub fn severity(self) -> Severity {
        match self {
            Importance::Error => Severity::Error,
            Importance::Warning | Importance::Info => Severity::Warning,
        }
    }
}

/// DHIS2's missing value strategies, applied to each side that reads at least one series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Skip the area and period when a series of either side has no value (DHIS2's default).
    SkipIfAnyMissing,
    /// Skip only when every series of a side has no value; the missing ones count as zero.
    SkipIfAllMissing,
    /// Never skip: a missing value is zero (DHIS2's NEVER_SKIP).
    MissingAsZero,
}

/// An absolute and a relative allowance; the larger applies, so that one rule can serve
/// small and large countries' counts alike.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tolerance {
    pub absolute: f64,
    /// A fraction of the larger magnitude of the two sides.
    pub relative: f64,
}

impl Tolerance {
    /// The allowance for comparing `a` with `b`.
    pub fn allowance(self, a: f64, b: f64) -> f64 {
        self.absolute.max(self.relative * a.abs().max(b.abs()))
    }
}

/// The checks that the expression language cannot say, invoked by name from the rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// Female and male values bracket the total of a percentage or rate
    /// (`min(F, M) <= _T <= max(F, M)`); for a count, female plus male do not exceed the total.
    SexBracketsTotal,
}

impl Builtin {
    const ALL: [(Builtin, &'static str); 1] = [(Builtin::SexBracketsTotal, "sex_brackets_total")];
}

/// `left operator right` at each area and period, subject to a missing-value strategy.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub left: Expr,
    pub operator: Operator,
    pub right: Expr,
    pub missing: Missing,
}

/// What a rule checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    Compare(Comparison),
    Builtin(Builtin),
}

/// One validation rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The stable id, used as the diagnostic's rule id.
    pub id: String,
    pub description: String,
    pub importance: Importance,
    pub tolerance: Tolerance,
    pub check: Check,
}

/// Rules and outlier settings, as read from TOML.
#[derive(Debug, Clone, PartialEq)]
pub struct Checks {
    pub rules: Vec<Rule>,
    /// `None` when the TOML has no `[outliers]` table: no outlier detection.
    pub outliers: Option<OutlierConfig>,
}

/// Why a rule set could not be read.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RuleError {
    #[error("the rules are not valid TOML: {0}")]
    Toml(String),
    /// `rule` is the rule's id, or `#n` (1-based) when it has none.
    #[error("rule `{rule}`: {problem}")]
    Rule { rule: String, problem: String },
    #[error("[outliers]: {0}")]
    Outliers(String),
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    rule: Vec<RawRule>,
    outliers: Option<RawOutliers>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct RawRule {
    id: Option<String>,
    #[serde(default)]
    description: String,
    left: Option<String>,
    operator: Option<String>,
    right: Option<String>,
    builtin: Option<String>,
    importance: Option<String>,
    missing: Option<String>,
    tolerance: Option<f64>,
    relative_tolerance: Option<f64>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct RawOutliers {
    modified_z: Option<f64>,
    min_max_factor: Option<f64>,
    min_changes: Option<usize>,
    #[serde(flatten)]
    unknown: BTreeMap<String, toml::Value>,
}

fn unknown_keys(unknown: &BTreeMap<String, toml::Value>, known: &str) -> Option<String> {
    let keys: Vec<String> = unknown.keys().map(|k| format!("`{k}`")).collect();
    (!keys.is_empty()).then(|| format!("unknown key {} (known: {known})", keys.join(", ")))
}

impl Checks {
    /// Reads `[[rule]]` tables and an optional `[outliers]` table; see the module
    /// documentation of [`checks`](super) for the syntax.
    pub fn parse(text: &str) -> Result<Checks, RuleError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| RuleError::Toml(e.to_string()))?;
        if let Some(problem) = unknown_keys(&raw.unknown, "`rule`, `outliers`") {
            return Err(RuleError::Toml(problem));
        }
        let mut seen = HashSet::new();
        let mut rules = Vec::with_capacity(raw.rule.len());
        for (i, r) in raw.rule.into_iter().enumerate() {
            let name = r.id.clone().unwrap_or_else(|| format!("#{}", i + 1));
            let rule = r.into_rule().map_err(|problem| RuleError::Rule {
                rule: name.clone(),
                problem,
            })?;
            if !seen.insert(rule.id.clone()) {
                let problem = "the id is used by an earlier rule".to_string();
                return Err(RuleError::Rule {
                    rule: name,
                    problem,
                });
            }
            rules.push(rule);
        }
        let outliers = raw
            .outliers
            .map(RawOutliers::into_config)
            .transpose()
            .map_err(RuleError::Outliers)?;
        Ok(Checks { rules, outliers })
    }
}

impl RawRule {
    fn into_rule(self) -> Result<Rule, String> {
        const KNOWN: &str = "`id`, `description`, `left`, `operator`, `right`, `builtin`, \
                             `importance`, `missing`, `tolerance`, `relative_tolerance`";
        if let Some(problem) = unknown_keys(&self.unknown, KNOWN) {
            return Err(problem);
        }
        let id = self.id.filter(|id| !id.trim().is_empty());
        let id = id.ok_or("has no `id`")?;
        let importance = match self.importance.as_deref() {
            None | Some("warning") => Importance::Warning,
            Some("error") => Importance::Error,
            Some("info") => Importance::Info,
            Some(other) => {
                return Err(format!(
                    "importance `{other}` is not one of `error`, `warning`, `info`"
                ));
            }
        };
        let tolerance = Tolerance {
            absolute: non_negative("tolerance", self.tolerance)?,
            relative: non_negative("relative_tolerance", self.relative_tolerance)?,
        };
        let check = match (self.builtin, self.left, self.operator, self.right) {
            (Some(name), None, None, None) => {
                if self.missing.is_some() {
                    return Err(
                        "a built-in check has its own missing-value handling; remove `missing`"
                            .into(),
                    );
                }
                let found = Builtin::ALL.iter().find(|(_, n)| *n == name);
                let names: Vec<&str> = Builtin::ALL.iter().map(|(_, n)| *n).collect();
                let (builtin, _) = found.ok_or_else(|| {
                    format!("unknown built-in `{name}` (known: {})", names.join(", "))
                })?;
                Check::Builtin(*builtin)
            }
            (Some(_), ..) => {
                return Err("has both `builtin` and `left`/`operator`/`right`: choose one".into());
            }
            (None, Some(left), Some(operator), Some(right)) => {
                let left = Expr::parse(&left).map_err(|e| format!("left side: {e}"))?;
                let right = Expr::parse(&right).map_err(|e| format!("right side: {e}"))?;
                if left.series().chain(right.series()).next().is_none() {
                    return Err("compares constants only: name at least one series".into());
                }
                Check::Compare(Comparison {
                    left,
                    operator: parse_operator(&operator)?,
                    right,
                    missing: parse_missing(self.missing.as_deref())?,
                })
            }
            (None, left, operator, right) => {
                let given = [
                    ("`left`", left),
                    ("`operator`", operator),
                    ("`right`", right),
                ];
                let absent: Vec<&str> = given
                    .iter()
                    .filter_map(|(key, v)| v.is_none().then_some(*key))
                    .collect();
                return Err(format!(
                    "has no {} (a rule needs `left`, `operator` and `right`, or `builtin`)",
                    absent.join(", ")
                ));
            }
        };
        Ok(Rule {
            id,
            description: self.description,
            importance,
            tolerance,
            check,
        })
    }
}

fn non_negative(key: &str, value: Option<f64>) -> Result<f64, String> {
    match value {
        None => Ok(0.0),
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Some(v) => Err(format!("`{key}` must be a non-negative number, not {v}")),
    }
}

fn parse_operator(text: &str) -> Result<Operator, String> {
    let found = Operator::ALL
        .into_iter()
        .find(|o| o.symbol() == text.trim());
    found.ok_or_else(|| {
        let all: Vec<&str> = Operator::ALL.iter().map(|o| o.symbol()).collect();
        format!("operator `{text}` is not one of {}", all.join(" "))
    })
}

fn parse_missing(text: Option<&str>) -> Result<Missing, String> {
    match text {
        None | Some("skip_if_any_missing") => Ok(Missing::SkipIfAnyMissing),
        Some("skip_if_all_missing") => Ok(Missing::SkipIfAllMissing),
        Some("missing_as_zero") => Ok(Missing::MissingAsZero),
        Some(other) => Err(format!(
            "missing `{other}` is not one of `skip_if_any_missing`, `skip_if_all_missing`, `missing_as_zero`"
        )),
    }
}

impl RawOutliers {
    fn into_config(self) -> Result<OutlierConfig, String> {
        if let Some(problem) = unknown_keys(
            &self.unknown,
            "`modified_z`, `min_max_factor`, `min_changes`",
        ) {
            return Err(problem);
        }
        let positive = |key: &str, v: Option<f64>| match v {
            Some(x) if !(x.is_finite() && x > 0.0) => {
                Err(format!("`{key}` must be a positive number, not {x}"))
            }
            _ => Ok(v),
        };
        let min_max_factor = positive("min_max_factor", self.min_max_factor)?;
        if min_max_factor.is_some_and(|f| f < 1.0) {
            return Err("`min_max_factor` below 1 would flag values inside the range".into());
        }
        Ok(OutlierConfig {
            modified_z: positive("modified_z", self.modified_z)?,
            min_max_factor,
            min_changes: self.min_changes.unwrap_or(3).max(1),
        })
    }
}
