//! Scores of every economy for one reference year: latest value in the window, normalised,
//! averaged up the tree, gated by the completeness rule, then ranked.

use std::collections::BTreeSet;

use ictstat_core::fxhash::FxMap;
use serde::Serialize;

use super::rank::rank;
use super::spec::{IndexSpec, IndicatorSpec, Missing, PillarSpec, SpecError};
use crate::aggregate::SeriesIndex;

/// An input row: `(area, indicator, year, value)`.
pub type Row<'a> = (&'a str, &'a str, i32, f64);

/// How many of a set of indicators have a value in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Completeness {
    pub available: usize,
    pub total: usize,
}

/// One indicator of one economy: the value used (latest in the window) and its 0–100 score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    pub indicator: String,
    pub item: String,
    /// Year of the value used; `None` when the window holds none.
    pub year: Option<i32>,
    pub value: Option<f64>,
    pub score: Option<f64>,
}

/// One pillar of one economy; `score` is `None` below the pillar's completeness rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PillarScore {
    pub code: String,
    pub score: Option<f64>,
    pub completeness: Completeness,
    /// The rule: indicators needed for a score.
    pub required: usize,
}

/// The index of one economy. Economies below the completeness rule are listed too, with no
/// score and no rank and the `reason`, so that "no score" is never mistaken for "no data".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub area: String,
    pub score: Option<f64>,
    /// Competition ranking (1, 2, 2, 4): equal scores share a rank.
    pub rank: Option<usize>,
    pub pillars: Vec<PillarScore>,
    pub indicators: Vec<IndicatorScore>,
    pub completeness: Completeness,
    /// Why there is no score: each pillar short of its rule.
    pub reason: Option<String>,
}

/// Scores every area with at least one row of an indicator of `spec`, for reference year
/// `year`, ranked best first; unscored areas follow in area order.
///
/// Rows of other indicators are ignored; non-finite values are dropped and a repeated
/// (area, indicator, year) keeps its last row, as in [`SeriesIndex`].
pub fn compute<'a>(
    spec: &IndexSpec,
    rows: impl IntoIterator<Item = Row<'a>>,
    year: i32,
) -> Result<Vec<Score>, SpecError> {
    spec.validate()?;
    let mut by_indicator: FxMap<&str, Vec<(&'a str, i32, f64)>> = spec
        .indicators()
        .map(|(_, i)| (i.indicator.as_str(), Vec::new()))
        .collect();
    let mut areas = BTreeSet::new();
    for (area, indicator, y, value) in rows {
        if let Some(rows) = by_indicator.get_mut(indicator) {
            rows.push((area, y, value));
            areas.insert(area);
        }
    }
    let series: Vec<SeriesIndex<'a>> = spec
        .indicators()
        .map(|(_, i)| {
            SeriesIndex::new(
                by_indicator
                    .remove(i.indicator.as_str())
                    .unwrap_or_default(),
            )
        })
        .collect();
    let mut scores: Vec<Score> = areas
        .into_iter()
        .map(|area| {
            let values = series
                .iter()
                .map(|s| latest(s.series(area), year, spec.lookback_years));
            score_area(spec, area, values)
        })
        .collect();
    rank(&mut scores, spec.rank_decimals);
    Ok(scores)
}

/// The last `(year, value)` in `[year − lookback, year]` of a year-sorted series.
fn latest(points: &[(i32, f64)], year: i32, lookback: u32) -> Option<(i32, f64)> {
    let end = points.partition_point(|&(y, _)| y <= year);
    let earliest = i64::from(year) - i64::from(lookback);
    end.checked_sub(1)
        .map(|i| points[i])
        .filter(|&(y, _)| i64::from(y) >= earliest)
}

/// Scores one area from its latest values, one per indicator in spec order.
fn score_area(
    spec: &IndexSpec,
    area: &str,
    values: impl Iterator<Item = Option<(i32, f64)>>,
) -> Score {
    let indicators: Vec<IndicatorScore> = spec
        .indicators()
        .zip(values)
        .map(|((_, i), latest)| indicator_score(i, latest))
        .collect();
    let mut scored = indicators.iter().map(|i| i.score);
    let pillars: Vec<PillarScore> = spec
        .pillars
        .iter()
        .map(|pillar| pillar_score(pillar, spec.missing, &mut scored))
        .collect();
    let shortfalls: Vec<String> = spec
        .pillars
        .iter()
        .zip(&pillars)
        .filter(|(_, p)| p.completeness.available < p.required)
        .map(|(spec, p)| {
            format!(
                "{}: {} of {} indicators, {} required",
                spec.name, p.completeness.available, p.completeness.total, p.required
            )
        })
        .collect();
    let score = spec
        .pillars
        .iter()
        .zip(&pillars)
        .map(|(spec, p)| p.score.map(|s| (spec.weight, Some(s))))
        .collect::<Option<Vec<_>>>()
        .and_then(|parts| weighted_mean(parts, Missing::Reweight));
    Score {
        area: area.to_owned(),
        score,
        rank: None,
        completeness: Completeness {
            available: pillars.iter().map(|p| p.completeness.available).sum(),
            total: indicators.len(),
        },
        pillars,
        indicators,
        reason: (!shortfalls.is_empty()).then(|| shortfalls.join("; ")),
    }
}

fn indicator_score(spec: &IndicatorSpec, latest: Option<(i32, f64)>) -> IndicatorScore {
    IndicatorScore {
        indicator: spec.indicator.clone(),
        item: spec.item.clone(),
        year: latest.map(|(y, _)| y),
        value: latest.map(|(_, v)| v),
        score: latest.map(|(_, v)| spec.normalise(v)),
    }
}

/// Takes the pillar's indicator scores from `scored` (spec order) and averages them into
/// components, then the components into the pillar, if the completeness rule holds.
fn pillar_score(
    pillar: &PillarSpec,
    missing: Missing,
    scored: &mut impl Iterator<Item = Option<f64>>,
) -> PillarScore {
    let mut completeness = Completeness {
        available: 0,
        total: 0,
    };
    let components: Vec<(f64, Option<f64>)> = pillar
        .components
        .iter()
        .map(|component| {
            let parts: Vec<(f64, Option<f64>)> = component
                .indicators
                .iter()
                .map(|i| (i.weight, scored.next().flatten()))
                .collect();
            completeness.total += parts.len();
            completeness.available += parts.iter().filter(|(_, s)| s.is_some()).count();
            (component.weight, weighted_mean(parts, missing))
        })
        .collect();
    let complete = completeness.available >= pillar.min_indicators;
    PillarScore {
        code: pillar.code.clone(),
        score: complete
            .then(|| weighted_mean(components, missing))
            .flatten(),
        completeness,
        required: pillar.min_indicators,
    }
}

/// `Σ wᵢ·sᵢ ÷ Σ wᵢ`: over the present parts when [`Missing::Reweight`] (`None` when none is),
/// over all parts with missing ones as 0 when [`Missing::Zero`].
fn weighted_mean(parts: Vec<(f64, Option<f64>)>, missing: Missing) -> Option<f64> {
    let (mut sum, mut weights) = (0.0, 0.0);
    for (weight, score) in parts {
        match (score, missing) {
            (Some(s), _) => {
                sum += weight * s;
                weights += weight;
            }
            (None, Missing::Zero) => weights += weight,
            (None, Missing::Reweight) => {}
        }
    }
    (weights > 0.0).then(|| sum / weights)
}
