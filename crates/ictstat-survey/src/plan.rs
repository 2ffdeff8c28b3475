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

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::error::PlanError;
use crate::estimate::CiMethod;
use crate::expr::Ast;
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
    value: String,
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
    /// The built-in plan for the ITU household indicators (survey.md §1.1–§1.3), over the
    /// standard variable names listed in the crate README; map them to your columns in
    /// `[variables]` of a plan with `base = "itu_household"`.
    #[must_use]
    pub fn itu_household() -> Self {
        Self::from_toml_str(ITU_HOUSEHOLD_TOML, "built-in ITU plan")
            .expect("the built-in ITU plan parses")
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
        for (name, text) in raw.variables {
            let e = self.expr(&format!("variables.{name}"), &text)?;
            self.variables.insert(name, e);
        }
        for (var, labels) in raw.labels {
            self.labels.insert(var, labels.into_iter().collect());
        }
        if let Some(levels) = raw.levels {
            if let Some(t) = levels.household {
                self.household_rows = Some(self.expr("levels.household", &t)?);
            }
            if let Some(t) = levels.individual {
                self.individual_rows = Some(self.expr("levels.individual", &t)?);
            }
        }
        for (key, b) in raw.breakdown {
            let k = format!("breakdown.{key}");
            let codes = match (b.variable, b.codes) {
                (None, None) => {
                    return Err(self.invalid(k, "needs `codes` or `variable` (free codes)"));
                }
                (Some(variable), None) => Codes::Free { variable },
                (variable, Some(codes)) => {
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
            let levels = match b.levels {
                None => vec![Level::Individual, Level::Household],
                Some(ls) => ls
                    .iter()
                    .map(|l| self.level(&format!("{k}.levels"), l))
                    .collect::<Result<_, _>>()?,
            };
            let ignore_other = match b.other.as_deref() {
                None | Some("error") => false,
                Some("ignore") => true,
                Some(other) => {
                    return Err(self.invalid(
                        format!("{k}.other"),
                        format!("is \"{other}\": expected \"error\" or \"ignore\""),
                    ));
                }
            };
            let bd = Breakdown {
                ignore_other,
                dimension: b.dimension.unwrap_or_else(|| key.clone()),
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
            let statistic = match i.statistic.as_deref().unwrap_or("proportion") {
                "proportion" => StatKind::Proportion,
                "mean" => StatKind::Mean,
                "total" => StatKind::Total,
                "ratio" => StatKind::Ratio,
                other => {
                    return Err(self.invalid(
                        format!("{k}.statistic"),
                        format!(
                            "is \"{other}\": expected \"proportion\", \"mean\", \"total\" or \"ratio\""
                        ),
                    ));
                }
            };
            let value = self.expr(&format!("{k}.value"), &i.value)?;
            if statistic != StatKind::Proportion && value.ast.as_alias().is_none() {
                return Err(self.invalid(
                    format!("{k}.value"),
                    format!(
                        "is \"{}\": a {} needs a variable name, not a condition",
                        i.value,
                        statistic.name()
                    ),
                ));
            }
            let denominator = match (statistic, i.denominator) {
                (StatKind::Ratio, None) => {
                    return Err(self.invalid(
                        format!("{k}.denominator"),
                        "is required for statistic = \"ratio\"",
                    ));
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
                (_, None) => None,
            };
            let scope = i
                .scope
                .map(|s| self.expr(&format!("{k}.scope"), &s))
                .transpose()?;
            let level = match i.level {
                None => Level::Individual,
                Some(l) => self.level(&format!("{k}.level"), &l)?,
            };
            let ind = Indicator {
                series: i.series.unwrap_or_else(|| key.clone()),
                key: key.clone(),
                composite: i.composite,
                statistic,
                value,
                denominator,
                scope,
                level,
                breakdowns: i.breakdowns.unwrap_or_default(),
            };
            match self.indicators.iter_mut().find(|x| x.key == key) {
                Some(x) => *x = ind,
                None => self.indicators.push(ind),
            }
        }
        self.crosses.extend(raw.crosses);
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
}
