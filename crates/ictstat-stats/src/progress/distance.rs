//! Distance to a target (value, year, comparator) from the latest value: how far, how many
//! years are left, and the pace needed (linear and compound, anchors.md §5.1's `CAGR_r` taken
//! from the latest value rather than the base).

use ictstat_core::Target;
use serde::Serialize;

use super::ProgressError;
use super::growth::cagr;
use super::series::{Direction, Point, SeriesSpec};

/// How far the latest value is from a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distance {
    pub target_value: f64,
    pub target_year: i32,
    pub direction: Direction,
    pub latest_year: i32,
    pub latest_value: f64,
    pub met: bool,
    /// What remains to be gained (`>=`) or cut (`<=`); 0 once met (never negative).
    pub gap: f64,
    /// `gap / |target|`; none for a target of 0.
    pub gap_relative: Option<f64>,
    /// `target year − latest year`.
    pub years_left: i32,
    /// The change per year that closes the gap by the target year (none once met or when no
    /// year is left).
    pub required_annual_change: Option<f64>,
    /// The compound rate `(x* / x_t)^(1/(T − t)) − 1` that does; none where the exponential
    /// model does not apply (non-positive values, met, no year left).
    pub required_cagr: Option<f64>,
}

/// The direction a catalogue comparator asks for: `>=` reach at least, `<=` at most.
pub fn comparator_direction(comparator: &str) -> Result<Direction, ProgressError> {
    match comparator.trim() {
        ">=" => Ok(Direction::Increase),
        "<=" => Ok(Direction::Decrease),
        other => Err(ProgressError::UnknownComparator(other.to_string())),
    }
}

/// The per-series parameters a catalogue target implies (value, year, direction); the base
/// year stays 2015.
pub fn spec_for_target(target: &Target) -> Result<SeriesSpec, ProgressError> {
    let (value, direction) = value_and_direction(target)?;
    Ok(SeriesSpec::new(direction).with_target(value, target.year))
}

fn value_and_direction(target: &Target) -> Result<(f64, Direction), ProgressError> {
    let value = target
        .value
        .ok_or_else(|| ProgressError::NoTargetValue(target.id.clone()))?;
    Ok((value, comparator_direction(&target.comparator)?))
}

/// The distance from `latest` to `target` in `direction`.
pub fn distance(latest: Point, target: f64, target_year: i32, direction: Direction) -> Distance {
    let met = direction.meets(latest.value, target);
    let gap = if met {
        0.0
    } else {
        (target - latest.value).abs()
    };
    let years_left = target_year - latest.year;
    let pending = !met && years_left > 0;
    let required_cagr = (pending && latest.value > 0.0 && target > 0.0)
        .then(|| cagr(target, latest.value, f64::from(years_left)));
    Distance {
        target_value: target,
        target_year,
        direction,
        latest_year: latest.year,
        latest_value: latest.value,
        met,
        gap,
        gap_relative: (target != 0.0).then(|| gap / target.abs()),
        years_left,
        required_annual_change: pending.then(|| (target - latest.value) / f64::from(years_left)),
        required_cagr,
    }
}

/// The distance from `latest` to a catalogue target.
pub fn distance_to(latest: Point, target: &Target) -> Result<Distance, ProgressError> {
    let (value, direction) = value_and_direction(target)?;
    Ok(distance(latest, value, target.year, direction))
}
