//! The parameters of an index as data: its tree (pillars → components → indicators), each
//! indicator's direction, goalposts and transformation, the weights, the completeness rule and
//! the year window.
//!
//! Everything is a plain value so that a spec can be read from JSON or TOML, published beside
//! the scores and changed when ITU's unconfirmed parameters are confirmed (indicators.md §5.3:
//! "Implement as configurable").

use serde::{Deserialize, Serialize};

use crate::progress::Direction;

/// A composite index: weighted pillars of weighted components of normalised indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexSpec {
    /// Framework id in the catalogue (`IDI_2024`).
    pub id: String,
    pub pillars: Vec<PillarSpec>,
    /// Each indicator takes its latest value in `[year − lookback_years, year]`, so an
    /// economy whose survey is a few years old still counts.
    pub lookback_years: u32,
    /// What a missing indicator contributes to the means it belongs to.
    pub missing: Missing,
    /// Scores are compared at this many decimals when ranking, so that scores equal as
    /// published share a rank; `None` compares the exact values.
    pub rank_decimals: Option<u32>,
}

/// A pillar: a weighted mean of its components, scored only with enough indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PillarSpec {
    /// Framework item code (`U`, `M`).
    pub code: String,
    pub name: String,
    /// Weight of the pillar in the index (relative; the weights need not sum to one).
    pub weight: f64,
    /// The completeness rule: the fewest indicators (leaves, not components) with a value in
    /// the window for the pillar, and so the index, to be scored.
    pub min_indicators: usize,
    pub components: Vec<ComponentSpec>,
}

/// A component of a pillar: one indicator, or a node averaging several (the IDI's mobile
/// coverage node groups 3G and 4G coverage; indicators.md §5.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentSpec {
    /// Framework item code (`i99H`, `M_COVERAGE`).
    pub code: String,
    /// Weight of the component in its pillar (relative).
    pub weight: f64,
    pub indicators: Vec<IndicatorSpec>,
}

/// One indicator and how its value becomes a 0–100 score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorSpec {
    /// Catalogue indicator code, as in the input rows (`IT_USE_ii99`).
    pub indicator: String,
    /// Framework item code (ITU DataHub code, `i99H`).
    pub item: String,
    pub direction: Direction,
    pub goalposts: Goalposts,
    pub transform: Transform,
    /// Weight of the indicator in its component (relative).
    pub weight: f64,
}

/// The values scoring 0 and 100 (or 100 and 0 when lower is better); values beyond them are
/// capped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Goalposts {
    pub lower: f64,
    pub upper: f64,
}

/// Applied to the value and both goalposts before the min–max step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    Linear,
    /// Natural logarithm, for skewed volumes (the legacy IDI scored bandwidth by a log;
    /// indicators.md §5.3); needs a positive lower goalpost.
    Log,
}

/// What a missing indicator (or a component with no indicator) contributes to a mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// Left out: the mean is taken over what is present, its weights rescaled.
    Reweight,
    /// Scored 0, as if the economy were at the worst goalpost.
    Zero,
}

/// A spec that cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    #[error("`{0}`: goalposts must be finite with lower < upper")]
    Goalposts(String),
    #[error("`{0}`: a log transform needs a positive lower goalpost")]
    LogGoalpost(String),
    #[error("`{0}`: weights must be finite and positive")]
    Weight(String),
    #[error("`{0}` is empty")]
    Empty(String),
    #[error("pillar `{pillar}` requires {required} indicators but has {total}")]
    Completeness {
        pillar: String,
        required: usize,
        total: usize,
    },
    #[error("indicator `{0}` appears twice")]
    Duplicate(String),
}

fn positive(weight: f64, code: &str) -> Result<(), SpecError> {
    if weight.is_finite() && weight > 0.0 {
        Ok(())
    } else {
        Err(SpecError::Weight(code.to_owned()))
    }
}

impl IndexSpec {
    /// Every indicator with the code of its pillar, in spec order.
    pub fn indicators(&self) -> impl Iterator<Item = (&PillarSpec, &IndicatorSpec)> {
        self.pillars.iter().flat_map(|pillar| {
            pillar
                .components
                .iter()
                .flat_map(move |component| component.indicators.iter().map(move |i| (pillar, i)))
        })
    }

    /// Checks what [`compute`](super::compute) relies on: a non-empty tree, positive weights,
    /// ordered goalposts (positive for a log), satisfiable completeness rules, each indicator
    /// once (an input row must belong to one place).
    pub fn validate(&self) -> Result<(), SpecError> {
        if self.pillars.is_empty() {
            return Err(SpecError::Empty(self.id.clone()));
        }
        let mut seen = std::collections::BTreeSet::new();
        for pillar in &self.pillars {
            positive(pillar.weight, &pillar.code)?;
            let total = pillar.components.iter().map(|c| c.indicators.len()).sum();
            if total == 0 {
                return Err(SpecError::Empty(pillar.code.clone()));
            }
            if pillar.min_indicators > total {
                return Err(SpecError::Completeness {
                    pillar: pillar.code.clone(),
                    required: pillar.min_indicators,
                    total,
                });
            }
            for component in &pillar.components {
                positive(component.weight, &component.code)?;
                if component.indicators.is_empty() {
                    return Err(SpecError::Empty(component.code.clone()));
                }
            }
        }
        for (_, spec) in self.indicators() {
            spec.validate()?;
            if !seen.insert(spec.indicator.as_str()) {
                return Err(SpecError::Duplicate(spec.indicator.clone()));
            }
        }
        Ok(())
    }
}

impl IndicatorSpec {
    fn validate(&self) -> Result<(), SpecError> {
        positive(self.weight, &self.indicator)?;
        let Goalposts { lower, upper } = self.goalposts;
        if !(lower.is_finite() && upper.is_finite() && lower < upper) {
            return Err(SpecError::Goalposts(self.indicator.clone()));
        }
        if self.transform == Transform::Log && lower <= 0.0 {
            return Err(SpecError::LogGoalpost(self.indicator.clone()));
        }
        Ok(())
    }

    /// The 0–100 score of `value`: capped into the goalposts, transformed, then
    /// `100 · (t(x) − t(lower)) ÷ (t(upper) − t(lower))`, or `100 − that` when lower is
    /// better (indicators.md §5.3, distance to a goalpost with values beyond it capped).
    pub fn normalise(&self, value: f64) -> f64 {
        let Goalposts { lower, upper } = self.goalposts;
        let t = |x: f64| match self.transform {
            Transform::Linear => x,
            Transform::Log => x.ln(),
        };
        let share = (t(value.clamp(lower, upper)) - t(lower)) / (t(upper) - t(lower));
        match self.direction {
            Direction::Increase => 100.0 * share,
            Direction::Decrease => 100.0 * (1.0 - share),
        }
    }
}
