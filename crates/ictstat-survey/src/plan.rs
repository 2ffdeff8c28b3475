//! The tabulation plan: which indicators to estimate from a microdata file, over which
//! population (scope), by which breakdowns — TOML, in the design file or beside it:
//!
//! ```toml
//! base = "itu_household"          # optional: start from the built-in ITU plan
//! crosses = [["SEX", "URBANISATION"]]   # two-way tables (breakdown keys)
//!
//! [variables]                     # derived variables: aliases or conditions
//! internet_use = "q12 == 1"
//! age = "hv105"
//!
//! [labels.q12]                    # value labels: `q12 == "yes"`
//! yes = 1
//! no = 2
//!
//! [levels]                        # which rows stand for a household / a person
//! household = "line == 1"         # default: every row
//!
//! [indicator.IT_USE_ii99]
//! value = "internet_use"          # proportion: a condition; mean/total: a variable
//! scope = "age >= 15"             # the population the estimate is of (a domain)
//! statistic = "proportion"        # proportion (default) | mean | total | ratio
//! denominator = "x"               # ratio only
//! level = "individual"            # individual (default) | household
//! series = "IT_USE_ii99"          # output code (default: the key)
//! composite = "SKILL_ICTCMFL"     # COMPOSITE_BREAKDOWN code, if any
//! breakdowns = ["SEX", "AGE"]     # default: every breakdown of the indicator's level
//!
//! [breakdown.SEX]
//! dimension = "SEX"               # default: the key
//! codes = { F = "sex == 2", M = "sex == 1" }
//! [breakdown.REGION]
//! variable = "region"             # free codes: each value of the column is a code
//! [breakdown.URBANISATION]
//! variable = "area"
//! codes = { U = 1, R = [2, 3] }   # value mapping
//! levels = ["individual", "household"]
//! other = "ignore"                # a row in scope in no code: "error" (default) or "ignore"
//!
//! [quality]                       # see flags.rs
//! [output]
//! ci = "logit"                    # CI of proportions; ci_other for the rest
//! level = 0.95
//! ```
//!
//! Design keys (`weight`, `strata`, `psu`, …, `[replicates]`) are ignored here, so one
//! file can hold both. Every expression is parsed when the plan is read (errors name the
//! key and the character); names are checked against the file's header when it is read.
//!
//! **A table for a base key overrides the keys it names.** A plan with `base =
//! "itu_household"` inherits every variable, level, indicator and breakdown of the built-in
//! plan; `[indicator.IT_USE_ii99] scope = "…"` changes that indicator's scope and keeps its
//! value, series, composite code, statistic, level and breakdowns (a new `level` without
//! `breakdowns` takes every breakdown of the new level); `[breakdown.REGION] variable =
//! "province"` changes its codes and keeps its dimension, levels and `other`. Why: a user
//! adjusting one key of a base indicator must not silently lose the others (an HH12 share
//! whose scope falls back to all individuals, a household indicator turned individual).
//!
//! **The base plan is a menu.** No survey asks every question: [`Plan::without_unavailable`]
//! leaves out (and lists) what comes solely from the base plan and the file cannot provide,
//! so a user plan keeps working when the built-in plan grows. What the user's own plan
//! defines, redefines or names — variables and levels included — stays, and an unknown name
//! there is an error.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::error::PlanError;
use crate::estimate::CiMethod;
use crate::expr::{Ast, MAX_COMPILED_DEPTH};
use crate::flags::QualityRules;

/// The built-in ITU plan's TOML text (see [`Plan::itu_household`]).
pub const ITU_HOUSEHOLD_TOML: &str = include_str!("itu_household.toml");

/// What an indicator estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatKind {
    /// The weighted share of the scope for which `value` is true.
    Proportion,
    /// The weighted mean of a variable over the scope.
    Mean,
    /// The weighted total of a variable over the scope.
    Total,
    /// Σw·value / Σw·denominator over the scope.
    Ratio,
}

impl StatKind {
    /// The name used in plans and outputs.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Proportion => "proportion",
            Self::Mean => "mean",
            Self::Total => "total",
            Self::Ratio => "ratio",
        }
    }
}

/// The unit an indicator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Persons (rows selected by `[levels] individual`).
    Individual,
    /// Households (rows selected by `[levels] household`).
    Household,
}

impl Level {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "individual" => Some(Self::Individual),
            "household" => Some(Self::Household),
            _ => None,
        }
    }
}

/// An expression of the plan: its text, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanExpr {
    /// The text.
    pub text: String,
    /// The parsed form.
    pub ast: Ast,
}

/// One indicator of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// The `[indicator.KEY]` key.
    pub key: String,
    /// The output series code.
    pub series: String,
    /// The COMPOSITE_BREAKDOWN code (e.g. the type of ICT skill), if any.
    pub composite: Option<String>,
    /// What is estimated.
    pub statistic: StatKind,
    /// The condition (proportions) or variable (means, totals, ratios).
    pub value: PlanExpr,
    /// The ratio's denominator.
    pub denominator: Option<PlanExpr>,
    /// The population the estimate is of (all rows of the level if None).
    pub scope: Option<PlanExpr>,
    /// Individual or household.
    pub level: Level,
    /// The breakdown keys it is tabulated by (one-way), in plan order.
    pub breakdowns: Vec<String>,
    /// It comes from the base plan (`base = "itu_household"`, or [`Plan::itu_household`]
    /// itself) and the user's plan has no table for it (a table naming one key makes it
    /// the user's): [`Plan::without_unavailable`] may leave it out, rather than fail, when
    /// the file cannot provide its names.
    pub from_base: bool,
}

impl Indicator {
    /// Its expressions: value, denominator, scope.
    fn expressions(&self) -> impl Iterator<Item = &PlanExpr> {
        std::iter::once(&self.value)
            .chain(self.denominator.as_ref())
            .chain(self.scope.as_ref())
    }
}

/// How a breakdown assigns codes to rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Codes {
    /// Each code is a condition; a row matching none is in no code, a row matching two is
    /// an error.
    Conditions(Vec<(String, PlanExpr)>),
    /// Each distinct (trimmed, non-missing) value of the column is its own code.
    Free {
        /// The column or alias.
        variable: String,
    },
}

/// One breakdown (a dimension and its codes).
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    /// The `[breakdown.KEY]` key.
    pub key: String,
    /// The SDMX dimension id of its codes (default: the key).
    pub dimension: String,
    /// The codes.
    pub codes: Codes,
    /// The levels it applies to.
    pub levels: Vec<Level>,
    /// A row in the scope of an indicator broken down by this breakdown that falls in
    /// none of its codes (an unknown code, e.g. `sex = 9`, or a missing value): an error
    /// naming the breakdown, line and values (`other = "error"`, the default), or left out
    /// of every code while still counting in the total (`other = "ignore"`, opt-in).
    pub ignore_other: bool,
    /// It comes from the base plan and the user's plan neither redefines it nor names it
    /// (in `crosses` or an indicator's explicit `breakdowns`): [`Plan::without_unavailable`]
    /// leaves it out, rather than fail, when the file cannot provide its names.
    pub from_base: bool,
}

/// An indicator or breakdown of the base plan that [`Plan::without_unavailable`] left out.
/// Serializable, for the tabulation's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unavailable {
    /// The plan key, as errors name it: `indicator.IT_HH_COMP`, `breakdown.AGE`.
    pub key: String,
    /// The names it needs that are neither a column of the file nor a variable of the plan
    /// (followed through the plan's variables: `in_scope = "age >= 15"` needs `age`), in
    /// order of first use.
    pub missing: Vec<String>,
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} left out: the file has no `{}` (no column, no variable of the plan)",
            self.key,
            self.missing.join("`, `")
        )
    }
}

/// Confidence intervals of the output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CiConfig {
    /// The interval of proportions (default logit, as R's `svyciprop`).
    pub proportion: CiMethod,
    /// The interval of means, totals and ratios (default Wald-z, as R's `confint`).
    pub other: CiMethod,
    /// The confidence level (default 0.95).
    pub level: f64,
}

impl Default for CiConfig {
    fn default() -> Self {
        Self {
            proportion: CiMethod::Logit,
            other: CiMethod::WaldZ,
            level: 0.95,
        }
    }
}

/// A tabulation plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Where it was read from (for errors).
    pub origin: String,
    /// Derived variables, by name.
    pub variables: BTreeMap<String, PlanExpr>,
    /// Value labels per variable: label → code.
    pub labels: BTreeMap<String, Vec<(String, f64)>>,
    /// The rows standing for households.
    pub household_rows: Option<PlanExpr>,
    /// The rows standing for persons.
    pub individual_rows: Option<PlanExpr>,
    /// The indicators, in key order.
    pub indicators: Vec<Indicator>,
    /// The breakdowns, in key order.
    pub breakdowns: Vec<Breakdown>,
    /// Two-way (or more) crosses of breakdown keys.
    pub crosses: Vec<Vec<String>>,
    /// The quality-flag rules.
    pub quality: QualityRules,
    /// The intervals.
    pub ci: CiConfig,
    /// The variables whose definition is the base plan's own (the built-in plan's defaults,
    /// e.g. `in_scope = "age >= 15"`), not set by the user's TOML. Why: a name missing from
    /// the file that is reached only through these may leave a base indicator out, one
    /// reached through a variable the user wrote is a mistake in the user's plan and must
    /// stay an error (see [`Plan::without_unavailable`]).
    pub base_variables: BTreeSet<String>,
    /// The levels whose rows (`household_rows`, `individual_rows`) are the base plan's own,
    /// not set in the user's `[levels]`; as `base_variables`.
    pub base_levels: Vec<Level>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    base: Option<String>,
    #[serde(default)]
    crosses: Vec<Vec<String>>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
    #[serde(default)]
    labels: BTreeMap<String, BTreeMap<String, f64>>,
    levels: Option<RawLevels>,
    #[serde(default)]
    indicator: BTreeMap<String, RawIndicator>,
    #[serde(default)]
    breakdown: BTreeMap<String, RawBreakdown>,
    quality: Option<QualityRules>,
    output: Option<RawOutput>,
    // Design keys: read by `Design::from_toml_str`.
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    weight: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    strata: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    psu: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    nest: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    fpc: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    lonely_psu: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    replicates: Option<IgnoredAny>,
    #[allow(dead_code, reason = "accepted, read elsewhere")]
    survey: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevels {
    household: Option<String>,
    individual: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    /// Required, unless the table overrides an indicator of the base plan.
    value: Option<String>,
    scope: Option<String>,
    statistic: Option<String>,
    denominator: Option<String>,
    level: Option<String>,
    series: Option<String>,
    composite: Option<String>,
    breakdowns: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreakdown {
    dimension: Option<String>,
    other: Option<String>,
    variable: Option<String>,
    codes: Option<BTreeMap<String, RawCode>>,
    levels: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawCode {
    Condition(String),
    Value(f64),
    Values(Vec<f64>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    ci: Option<String>,
    ci_other: Option<String>,
    level: Option<f64>,
}

fn ci_method(origin: &str, key: &str, s: &str) -> Result<CiMethod, PlanError> {
    Ok(match s {
        "logit" => CiMethod::Logit,
        "wald-z" | "wald" => CiMethod::WaldZ,
        "wald-t" => CiMethod::WaldT,
        "korn-graubard" | "beta" => CiMethod::KornGraubard,
        "clopper-pearson" => CiMethod::ClopperPearson,
        other => {
            return Err(PlanError::Invalid {
                origin: origin.to_owned(),
                key: key.to_owned(),
                message: format!(
                    "is \"{other}\": expected \"logit\", \"wald-z\", \"wald-t\", \"korn-graubard\" or \"clopper-pearson\""
                ),
            });
        }
    })
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

impl Plan {
    /// Adds a file's own value labels ([`crate::Source::value_labels`]), so that
    /// `sex == "Female"` works with them. The plan wins: a variable the plan labels
    /// (`[labels.sex]`) keeps the plan's labels only, and a name the plan defines in
    /// `[variables]` takes none of the file's (the file's labels describe its column, not
    /// the plan's variable). Labels on missing codes never reach here (the readers leave
    /// them out: such values arrive as missing; compare with `is_missing(q)`).
    pub fn add_file_labels(&mut self, file: BTreeMap<String, Vec<(String, f64)>>) {
        for (name, labels) in file {
            if !self.variables.contains_key(&name) && !self.labels.contains_key(&name) {
                self.labels.insert(name, labels);
            }
        }
    }

    /// The built-in plan for the ITU household indicators (survey.md §1.1–§1.3), over the
    /// standard variable names listed in the crate README; map them to your columns in
    /// `[variables]` of a plan with `base = "itu_household"`.
    #[must_use]
    pub fn itu_household() -> Self {
        let mut plan = Self::from_toml_str(ITU_HOUSEHOLD_TOML, "built-in ITU plan")
            .expect("the built-in ITU plan parses");
        // All of it is the menu a user plan picks from (see `without_unavailable`).
        plan.indicators.iter_mut().for_each(|i| i.from_base = true);
        plan.breakdowns.iter_mut().for_each(|b| b.from_base = true);
        plan.base_variables = plan.variables.keys().cloned().collect();
        plan.base_levels = [
            (Level::Household, &plan.household_rows),
            (Level::Individual, &plan.individual_rows),
        ]
        .into_iter()
        .filter(|(_, rows)| rows.is_some())
        .map(|(level, _)| level)
        .collect();
        plan
    }

    /// Parses a plan; `origin` names the file in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self, PlanError> {
        let raw: RawPlan = toml::from_str(text).map_err(|e| PlanError::Toml {
            origin: origin.to_owned(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        let mut plan = match raw.base.as_deref() {
            None => Self::empty(origin),
            Some("itu_household") => {
                let mut p = Self::itu_household();
                p.origin = origin.to_owned();
                p
            }
            Some(other) => {
                return Err(PlanError::Invalid {
                    origin: origin.to_owned(),
                    key: "base".to_owned(),
                    message: format!("is \"{other}\": the only built-in plan is \"itu_household\""),
                });
            }
        };
        plan.merge(raw)?;
        plan.check()?;
        Ok(plan)
    }

    fn empty(origin: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            variables: BTreeMap::new(),
            labels: BTreeMap::new(),
            household_rows: None,
            individual_rows: None,
            indicators: Vec::new(),
            breakdowns: Vec::new(),
            crosses: Vec::new(),
            quality: QualityRules::default(),
            ci: CiConfig::default(),
            base_variables: BTreeSet::new(),
            base_levels: Vec::new(),
        }
    }

    fn expr(&self, key: &str, text: &str) -> Result<PlanExpr, PlanError> {
        let ast = Ast::parse(text).map_err(|source| PlanError::Expr {
            origin: self.origin.clone(),
            key: key.to_owned(),
            source: Box::new(source),
        })?;
        Ok(PlanExpr {
            text: text.to_owned(),
            ast,
        })
    }

    fn invalid(&self, key: impl Into<String>, message: impl Into<String>) -> PlanError {
        PlanError::Invalid {
            origin: self.origin.clone(),
            key: key.into(),
            message: message.into(),
        }
    }

    fn level(&self, key: &str, s: &str) -> Result<Level, PlanError> {
        Level::parse(s).ok_or_else(|| {
            self.invalid(
                key,
                format!("is \"{s}\": expected \"individual\" or \"household\""),
            )
        })
    }

    fn merge(&mut self, raw: RawPlan) -> Result<(), PlanError> {
        // The breakdowns this plan names: never left out of it (see `without_unavailable`).
        let named: Vec<String> = raw
            .crosses
            .iter()
            .flatten()
            .chain(
                raw.indicator
                    .values()
                    .flat_map(|i| i.breakdowns.iter().flatten()),
            )
            .cloned()
            .collect();
        for (name, text) in raw.variables {
            let e = self.expr(&format!("variables.{name}"), &text)?;
            self.base_variables.remove(&name);
            self.variables.insert(name, e);
        }
        for (var, labels) in raw.labels {
            self.labels.insert(var, labels.into_iter().collect());
        }
        if let Some(levels) = raw.levels {
            if let Some(t) = levels.household {
                self.household_rows = Some(self.expr("levels.household", &t)?);
                self.base_levels.retain(|l| *l != Level::Household);
            }
            if let Some(t) = levels.individual {
                self.individual_rows = Some(self.expr("levels.individual", &t)?);
                self.base_levels.retain(|l| *l != Level::Individual);
            }
        }
        for (key, b) in raw.breakdown {
            let k = format!("breakdown.{key}");
            // A table for a base breakdown overrides the keys it names (see the module doc).
            let base = self.breakdowns.iter().find(|x| x.key == key).cloned();
            let codes = match (b.variable, b.codes) {
                (None, None) => match &base {
                    Some(base) => base.codes.clone(),
                    None => {
                        return Err(self.invalid(k, "needs `codes` or `variable` (free codes)"));
                    }
                },
                (Some(variable), None) => Codes::Free { variable },
                (variable, Some(codes)) => {
                    // Value codes without a `variable` read the base breakdown's, so that
                    // `[breakdown.REGION] codes = { N = 1, S = [2, 3] }` groups the base's
                    // free codes without restating their column.
                    let variable = variable.or_else(|| match &base {
                        Some(Breakdown {
                            codes: Codes::Free { variable },
                            ..
                        }) => Some(variable.clone()),
                        _ => None,
                    });
                    if codes.is_empty() {
                        return Err(self.invalid(format!("{k}.codes"), "is empty"));
                    }
                    let mut out = Vec::new();
                    for (code, c) in codes {
                        let ck = format!("{k}.codes.{code}");
                        let text = match (c, &variable) {
                            (RawCode::Condition(t), _) => t,
                            (RawCode::Value(v), Some(var)) => {
                                format!("{var} == {}", number_text(v))
                            }
                            (RawCode::Values(vs), Some(var)) => format!(
                                "{var} in [{}]",
                                vs.iter()
                                    .map(|v| number_text(*v))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            (_, None) => {
                                return Err(self.invalid(
                                    ck,
                                    "is a value: give the breakdown's `variable`, or write a condition",
                                ));
                            }
                        };
                        out.push((code, self.expr(&ck, &text)?));
                    }
                    Codes::Conditions(out)
                }
            };
            let levels = match (b.levels, &base) {
                (None, Some(base)) => base.levels.clone(),
                (None, None) => vec![Level::Individual, Level::Household],
                (Some(ls), _) => ls
                    .iter()
                    .map(|l| self.level(&format!("{k}.levels"), l))
                    .collect::<Result<_, _>>()?,
            };
            let ignore_other = match b.other.as_deref() {
                None => base.as_ref().is_some_and(|b| b.ignore_other),
                Some("error") => false,
                Some("ignore") => true,
                Some(other) => {
                    return Err(self.invalid(
                        format!("{k}.other"),
                        format!("is \"{other}\": expected \"error\" or \"ignore\""),
                    ));
                }
            };
            let dimension = match (b.dimension, &base) {
                (Some(d), _) => d,
                (None, Some(base)) => base.dimension.clone(),
                (None, None) => key.clone(),
            };
            let bd = Breakdown {
                from_base: false,
                ignore_other,
                dimension,
                key: key.clone(),
                codes,
                levels,
            };
            match self.breakdowns.iter_mut().find(|x| x.key == key) {
                Some(x) => *x = bd,
                None => self.breakdowns.push(bd),
            }
        }
        for (key, i) in raw.indicator {
            let k = format!("indicator.{key}");
            // A table for a base indicator overrides the keys it names and inherits the
            // rest (see the module doc): taking the key's defaults instead would turn an
            // HH12 share of Internet users into one of all persons, or a household
            // indicator into an individual one, without a word.
            let base = self.indicators.iter().find(|x| x.key == key).cloned();
            let statistic = match i.statistic.as_deref() {
                None => base.as_ref().map_or(StatKind::Proportion, |b| b.statistic),
                Some("proportion") => StatKind::Proportion,
                Some("mean") => StatKind::Mean,
                Some("total") => StatKind::Total,
                Some("ratio") => StatKind::Ratio,
                Some(other) => {
                    return Err(self.invalid(
                        format!("{k}.statistic"),
                        format!(
                            "is \"{other}\": expected \"proportion\", \"mean\", \"total\" or \"ratio\""
                        ),
                    ));
                }
            };
            let value = match (i.value, &base) {
                (Some(v), _) => self.expr(&format!("{k}.value"), &v)?,
                (None, Some(base)) => base.value.clone(),
                (None, None) => {
                    return Err(self.invalid(
                        format!("{k}.value"),
                        "is required (a condition, or the variable of a mean, total or ratio)",
                    ));
                }
            };
            if statistic != StatKind::Proportion && value.ast.as_alias().is_none() {
                return Err(self.invalid(
                    format!("{k}.value"),
                    format!(
                        "is \"{}\": a {} needs a variable name, not a condition",
                        value.text,
                        statistic.name()
                    ),
                ));
            }
            let denominator = match (statistic, i.denominator) {
                (StatKind::Ratio, None) => {
                    match base.as_ref().and_then(|b| b.denominator.clone()) {
                        Some(d) => Some(d),
                        None => {
                            return Err(self.invalid(
                                format!("{k}.denominator"),
                                "is required for statistic = \"ratio\"",
                            ));
                        }
                    }
                }
                (StatKind::Ratio, Some(d)) => {
                    let e = self.expr(&format!("{k}.denominator"), &d)?;
                    if e.ast.as_alias().is_none() {
                        return Err(self.invalid(
                            format!("{k}.denominator"),
                            "needs a variable name, not a condition",
                        ));
                    }
                    Some(e)
                }
                (_, Some(_)) => {
                    return Err(self.invalid(
                        format!("{k}.denominator"),
                        "is only for statistic = \"ratio\"",
                    ));
                }
                // A base ratio's denominator means nothing once the statistic is another.
                (_, None) => None,
            };
            let scope = match i.scope {
                Some(s) => Some(self.expr(&format!("{k}.scope"), &s)?),
                None => base.as_ref().and_then(|b| b.scope.clone()),
            };
            let level = match i.level {
                Some(l) => self.level(&format!("{k}.level"), &l)?,
                None => base.as_ref().map_or(Level::Individual, |b| b.level),
            };
            // The base's list is the breakdowns of its level; for another level, empty
            // (the default, filled by `check`) gives the new level's breakdowns instead.
            let breakdowns = match (i.breakdowns, &base) {
                (Some(bs), _) => bs,
                (None, Some(base)) if base.level == level => base.breakdowns.clone(),
                (None, _) => Vec::new(),
            };
            let ind = Indicator {
                series: i
                    .series
                    .or_else(|| base.as_ref().map(|b| b.series.clone()))
                    .unwrap_or_else(|| key.clone()),
                key: key.clone(),
                composite: i
                    .composite
                    .or_else(|| base.as_ref().and_then(|b| b.composite.clone())),
                statistic,
                value,
                denominator,
                scope,
                level,
                breakdowns,
                from_base: false,
            };
            match self.indicators.iter_mut().find(|x| x.key == key) {
                Some(x) => *x = ind,
                None => self.indicators.push(ind),
            }
        }
        self.crosses.extend(raw.crosses);
        for b in &mut self.breakdowns {
            if named.contains(&b.key) {
                b.from_base = false;
            }
        }
        if let Some(q) = raw.quality {
            self.quality = q;
        }
        if let Some(o) = raw.output {
            if let Some(c) = o.ci {
                self.ci.proportion = ci_method(&self.origin, "output.ci", &c)?;
            }
            if let Some(c) = o.ci_other {
                self.ci.other = ci_method(&self.origin, "output.ci_other", &c)?;
            }
            if let Some(l) = o.level {
                if !(l > 0.0 && l < 1.0) {
                    return Err(
                        self.invalid("output.level", format!("is {l}: expected 0 < level < 1"))
                    );
                }
                self.ci.level = l;
            }
        }
        Ok(())
    }

    /// Checks references between sections and fills default breakdown lists.
    fn check(&mut self) -> Result<(), PlanError> {
        for (i, cross) in self.crosses.iter().enumerate() {
            if cross.len() < 2 {
                return Err(self.invalid(format!("crosses[{i}]"), "needs two breakdowns or more"));
            }
            for b in cross {
                if !self.breakdowns.iter().any(|x| &x.key == b) {
                    return Err(self.invalid(
                        format!("crosses[{i}]"),
                        format!("names breakdown \"{b}\", which the plan does not define"),
                    ));
                }
            }
        }
        let keys: Vec<(String, Vec<Level>)> = self
            .breakdowns
            .iter()
            .map(|b| (b.key.clone(), b.levels.clone()))
            .collect();
        for ind in &mut self.indicators {
            if ind.breakdowns.is_empty() {
                ind.breakdowns = keys
                    .iter()
                    .filter(|(_, ls)| ls.contains(&ind.level))
                    .map(|(k, _)| k.clone())
                    .collect();
            }
        }
        for ind in &self.indicators {
            for b in &ind.breakdowns {
                if !keys.iter().any(|(k, _)| k == b) {
                    return Err(self.invalid(
                        format!("indicator.{}.breakdowns", ind.key),
                        format!("names breakdown \"{b}\", which the plan does not define"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The crosses that apply to an indicator (all their breakdowns are among its own).
    #[must_use]
    pub fn crosses_of(&self, indicator: &Indicator) -> Vec<&[String]> {
        self.crosses
            .iter()
            .filter(|c| c.iter().all(|b| indicator.breakdowns.contains(b)))
            .map(Vec::as_slice)
            .collect()
    }

    /// The plan without the indicators and breakdowns that come solely from the base plan
    /// and that the file cannot provide, and what was left out. `has_column` says whether
    /// the file has a column of that name.
    ///
    /// A name is provided by a variable of the plan whose expression's names are all
    /// provided (variables first, as the reader resolves them: a variable shadows a column
    /// of its name), or else by a column. An indicator with [`Indicator::from_base`] is left
    /// out if its value, denominator, scope or the rows of its level need a name nothing
    /// provides; a breakdown with [`Breakdown::from_base`] likewise, and then also from the
    /// indicators' breakdown lists and from the crosses. Except when a missing name is
    /// reached through something the user's TOML wrote — a variable not in
    /// [`Plan::base_variables`], a level's rows not in [`Plan::base_levels`]: then it is
    /// kept, and compiling it against the header fails with the usual error naming the key
    /// and the name, as for the user's own indicators and breakdowns, which are always kept.
    ///
    /// Why: the built-in plan grows (new ITU indicators), and a user plan written for a file
    /// without those questions must keep working; but a mistake in what the user wrote (a
    /// misspelt column in `internet_daily = "q_freq == 1"`, a `[levels]` row naming a column
    /// the file lacks) must not pass for a question the survey did not ask.
    #[must_use]
    pub fn without_unavailable(
        &self,
        has_column: impl Fn(&str) -> bool,
    ) -> (Plan, Vec<Unavailable>) {
        let mut provided = Provided {
            variables: &self.variables,
            base_variables: &self.base_variables,
            has_column: &has_column,
            memo: BTreeMap::new(),
            stack: Vec::new(),
        };
        let mut plan = self.clone();
        let mut unavailable = Vec::new();
        plan.indicators.retain(|ind| {
            if !ind.from_base {
                return true;
            }
            let mut lacks = Lacks::default();
            for e in ind.expressions() {
                provided.expression(e, false, &mut lacks);
            }
            let rows = match ind.level {
                Level::Household => &self.household_rows,
                Level::Individual => &self.individual_rows,
            };
            if let Some(rows) = rows {
                let user = !self.base_levels.contains(&ind.level);
                provided.expression(rows, user, &mut lacks);
            }
            let keep = lacks.names.is_empty() || lacks.user;
            if !keep {
                unavailable.push(Unavailable {
                    key: format!("indicator.{}", ind.key),
                    missing: lacks.names,
                });
            }
            keep
        });
        let mut dropped_breakdowns = Vec::new();
        plan.breakdowns.retain(|b| {
            if !b.from_base {
                return true;
            }
            let mut lacks = Lacks::default();
            match &b.codes {
                Codes::Conditions(codes) => {
                    for (_, e) in codes {
                        provided.expression(e, false, &mut lacks);
                    }
                }
                Codes::Free { variable } => provided.name(variable, &mut lacks),
            }
            let keep = lacks.names.is_empty() || lacks.user;
            if !keep {
                dropped_breakdowns.push((b.key.clone(), lacks.names));
            }
            keep
        });
        let dropped = |key: &String| dropped_breakdowns.iter().any(|(k, _)| k == key);
        for ind in &mut plan.indicators {
            ind.breakdowns.retain(|k| !dropped(k));
        }
        plan.crosses.retain(|c| !c.iter().any(dropped));
        unavailable.extend(
            dropped_breakdowns
                .into_iter()
                .map(|(key, missing)| Unavailable {
                    key: format!("breakdown.{key}"),
                    missing,
                }),
        );
        (plan, unavailable)
    }
}

/// What an expression needs that nothing provides (see [`Plan::without_unavailable`]).
#[derive(Debug, Clone, Default)]
struct Lacks {
    /// The names, in order of first use.
    names: Vec<String>,
    /// One of them is reached through a definition the user's TOML wrote: the expression
    /// is the user's mistake to be told about, not a question the survey did not ask.
    user: bool,
}

impl Lacks {
    fn add(&mut self, other: &Lacks) {
        for n in &other.names {
            if !self.names.contains(n) {
                self.names.push(n.clone());
            }
        }
        self.user |= other.user;
    }
}

/// Which names a file and a plan's variables provide (see [`Plan::without_unavailable`]).
struct Provided<'a, F> {
    variables: &'a BTreeMap<String, PlanExpr>,
    /// The variables defined by the base plan alone (the others are the user's).
    base_variables: &'a BTreeSet<String>,
    has_column: &'a F,
    /// Per variable already followed, what it lacks (nothing: provided).
    memo: BTreeMap<&'a str, Lacks>,
    /// The variables being followed.
    stack: Vec<&'a str>,
}

impl<'a, F: Fn(&str) -> bool> Provided<'a, F> {
    /// Adds to `out` what the expression lacks; `user`: the user's TOML wrote it.
    fn expression(&mut self, e: &PlanExpr, user: bool, out: &mut Lacks) {
        let mut lacks = Lacks::default();
        for n in e.ast.names() {
            self.name(n, &mut lacks);
        }
        lacks.user |= user && !lacks.names.is_empty();
        out.add(&lacks);
    }

    /// Adds to `out` what a name lacks, followed through the variables.
    fn name(&mut self, name: &str, out: &mut Lacks) {
        let Some((name, e)) = self.variables.get_key_value(name) else {
            if !(self.has_column)(name) && !out.names.iter().any(|m| m == name) {
                out.names.push(name.to_owned());
            }
            return;
        };
        // A cycle, or a chain deeper than the compiler accepts, counts as provided here:
        // the compiler refuses it with an error naming the key, which is clearer than
        // leaving the indicator out.
        if self.stack.contains(&name.as_str()) || self.stack.len() >= MAX_COMPILED_DEPTH {
            return;
        }
        let lacks = match self.memo.get(name.as_str()) {
            Some(lacks) => lacks.clone(),
            None => {
                self.stack.push(name.as_str());
                let user = !self.base_variables.contains(name);
                let mut lacks = Lacks::default();
                self.expression(e, user, &mut lacks);
                self.stack.pop();
                self.memo.insert(name.as_str(), lacks.clone());
                lacks
            }
        };
        out.add(&lacks);
    }
}
