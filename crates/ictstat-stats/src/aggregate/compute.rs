//! One aggregate: the members of one group in one year, for one indicator.

use serde::Serialize;

use super::coverage::{Coverage, CoverageRule};
use super::gapfill::{Filled, Origin};
use super::method::Method;

/// A member of the group as the aggregate sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member<'a> {
    pub area: &'a str,
    /// The member's value for the year, observed or gap-filled; `None` when missing.
    pub value: Option<Filled>,
    /// The member's weight (population or the method's sub-population) for the year. A
    /// negative or non-finite weight counts as unknown.
    pub weight: Option<f64>,
}

impl<'a> Member<'a> {
    pub fn observed(area: &'a str, value: f64, weight: Option<f64>) -> Self {
        Member {
            area,
            value: Some(Filled::observed(value)),
            weight,
        }
    }

    pub fn missing(area: &'a str, weight: Option<f64>) -> Self {
        Member {
            area,
            value: None,
            weight,
        }
    }

    fn known_weight(&self) -> Option<f64> {
        self.weight.filter(|w| w.is_finite() && *w >= 0.0)
    }
}

/// A member's value as used in an aggregate: the provenance of the figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Contributor<'a> {
    pub area: &'a str,
    pub value: f64,
    pub weight: Option<f64>,
    pub origin: Origin,
}

/// The result for one group, year and indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregate<'a> {
    /// The published value: `None` when the coverage rule fails or nothing can be computed
    /// (no member with data; a weighted mean whose weights sum to zero).
    pub value: Option<f64>,
    pub coverage: Coverage,
    /// Whether the coverage rule passed.
    pub passed: bool,
    /// The members whose values entered the aggregate, in member order.
    pub contributors: Vec<Contributor<'a>>,
}

impl Aggregate<'_> {
    /// True when any contributor's value was gap-filled, which makes the aggregate an estimate.
    pub fn is_estimated(&self) -> bool {
        self.contributors.iter().any(|c| c.origin.is_estimated())
    }
}

/// Aggregates `members` with `method` and publishes the value when `rule` passes.
///
/// A member contributes when it has a value and, for a weighted mean, a known weight (a value
/// without a weight cannot be weighted, so it is not counted as covered either). The weight
/// share of the coverage is always measured with the members' weights, whatever the method.
pub fn aggregate<'a>(
    method: &Method,
    rule: &CoverageRule,
    members: &[Member<'a>],
) -> Aggregate<'a> {
    let weighted = matches!(method, Method::WeightedMean(_));
    let contributors: Vec<Contributor<'a>> = members
        .iter()
        .filter_map(|m| {
            let filled = m.value?;
            let weight = m.known_weight();
            (!weighted || weight.is_some()).then_some(Contributor {
                area: m.area,
                value: filled.value,
                weight,
                origin: filled.origin,
            })
        })
        .collect();
    let total_weight: f64 = members.iter().filter_map(Member::known_weight).sum();
    let covered_weight: f64 = contributors.iter().filter_map(|c| c.weight).sum();
    let coverage = Coverage {
        weight_share: (total_weight > 0.0).then(|| covered_weight / total_weight),
        countries_with_data: contributors.len(),
        members: members.len(),
    };
    let passed = rule.passes(&coverage);
    let value = if passed {
        combine(method, &contributors)
    } else {
        None
    };
    Aggregate {
        value,
        coverage,
        passed,
        contributors,
    }
}

fn combine(method: &Method, contributors: &[Contributor<'_>]) -> Option<f64> {
    if contributors.is_empty() {
        return None;
    }
    let values = contributors.iter().map(|c| c.value);
    match method {
        Method::WeightedMean(_) => {
            // x₀ + Σ wᵢ(xᵢ − x₀) ÷ Σ wᵢ, the same mean shifted by the first value: one country,
            // or members that all report the same value, give that value exactly rather than
            // within a rounding error, and large values lose less to cancellation.
            let base = contributors[0].value;
            let (sum, weights) = contributors.iter().fold((0.0, 0.0), |(s, w), c| {
                let weight = c.weight.unwrap_or(0.0);
                (s + weight * (c.value - base), w + weight)
            });
            (weights > 0.0).then(|| base + sum / weights)
        }
        Method::Sum => Some(values.sum()),
        Method::Mean => Some(values.sum::<f64>() / contributors.len() as f64),
        Method::Median => {
            let mut sorted: Vec<f64> = values.collect();
            sorted.sort_by(f64::total_cmp);
            let mid = sorted.len() / 2;
            Some(if sorted.len() % 2 == 1 {
                sorted[mid]
            } else {
                (sorted[mid - 1] + sorted[mid]) / 2.0
            })
        }
    }
}
