//! Aggregation methods, and which one fits which indicator.
//!
//! The rule follows what an aggregate of the indicator must mean for the group as a whole:
//!
//! | [`UnitKind`] | default method | why |
//! |---|---|---|
//! | `percent` (share of population) | weighted mean, weight = population | the group's share: users ÷ people, summed over members |
//! | `rate` (per 100 inhabitants) | weighted mean, weight = population | equals Σ counts ÷ Σ population × 100 |
//! | `count` | sum | the group's total; coverage says how much of the group it counts |
//! | `ratio` (parity indexes, price as % of GNI p.c., traffic per subscription) | median | no population meaning; ITU reports price baskets as medians |
//! | `score` | simple mean | each economy counts once, as in index rankings |
//! | `other` (money, …) | none | national currencies cannot be added up without conversion |
//!
//! Shares of something other than people need their own denominator, set per indicator with
//! [`MethodRule::with_override`]: households for household shares (`IT_HH_*`), schools for the
//! SDG 4.a.1 series, e-waste generated for the recycling rate. The catalogue has no such
//! denominator series yet, so the defaults weight them by population.

use std::collections::BTreeMap;

use ictstat_core::{Indicator, UnitKind};
use serde::Serialize;

/// Which series weights a weighted mean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weight {
    /// Total population (`SP_POP_TOTL`).
    Population,
    /// Another series, by indicator code: a sub-population (women, households, schools…).
    Series(String),
}

/// How the members' values of one group and year become the group's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Σ wᵢ·xᵢ ÷ Σ wᵢ over members with both a value and a weight.
    WeightedMean(Weight),
    /// Σ xᵢ.
    Sum,
    /// Σ xᵢ ÷ n.
    Mean,
    /// The middle value, or the mean of the two middle values.
    Median,
}

impl Method {
    /// The default method for a kind of unit (table in the module documentation).
    pub fn for_kind(kind: UnitKind) -> Option<Method> {
        match kind {
            UnitKind::Percent | UnitKind::Rate => Some(Method::WeightedMean(Weight::Population)),
            UnitKind::Count => Some(Method::Sum),
            UnitKind::Ratio => Some(Method::Median),
            UnitKind::Score => Some(Method::Mean),
            UnitKind::Other => None,
        }
    }

    /// The series whose values are the members' weights: the weighted mean's own, otherwise
    /// population, which then only measures coverage.
    pub fn weight(&self) -> &Weight {
        match self {
            Method::WeightedMean(weight) => weight,
            Method::Sum | Method::Mean | Method::Median => &Weight::Population,
        }
    }
}

/// The method of each indicator: the default for its unit kind unless overridden.
#[derive(Debug, Clone, Default)]
pub struct MethodRule {
    overrides: BTreeMap<String, Option<Method>>,
}

impl MethodRule {
    /// Uses `method` for the indicator `code`; `None` declares the indicator not aggregable.
    pub fn with_override(mut self, code: &str, method: Option<Method>) -> Self {
        self.overrides.insert(code.to_string(), method);
        self
    }

    pub fn method_for(&self, indicator: &Indicator) -> Option<Method> {
        match self.overrides.get(&indicator.code) {
            Some(method) => method.clone(),
            None => Method::for_kind(indicator.kind),
        }
    }
}
