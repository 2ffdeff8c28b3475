//! Open SDG / Statistics Canada progress measure: an exact replication of sdg-build's
//! `sdg/ProgressMeasure.py` (commit 139fede, anchors.md §5.4), statuses, scores and edge
//! cases included. Where sdg-build raises an exception (no year at or after the base year, a
//! target year equal to the base year, a required growth of zero, a target whose sign differs
//! from the base value's), this returns `not_available` with a [`Reason`] instead.

use serde::{Deserialize, Serialize};

use super::ProgressError;
use super::growth::{Reason, cagr};
use super::series::{BaseYearRule, Direction, Point, SeriesSpec, Window, prepare};

/// sdg-build replaces a target or base value of 0 by this, as the exponential model cannot
/// start from or aim at zero (anchors.md §5.4).
pub const ZERO_REPLACEMENT: f64 = 0.001;

/// The exponent of the natural-limit coefficient `C` (sdg-build `a = 4.44`).
const LIMIT_EXPONENT: f64 = 4.44;

statuses! {
    /// A series' status, with sdg-build's labels (`get_progress_status`). The Open SDG site
    /// shows them as "Target achieved", "On track", "Progress made but acceleration needed",
    /// "Limited progress", "Deterioration".
    Status {
        TargetAchieved => "target_achieved",
        SubstantialProgress => "substantial_progress",
        ModerateProgress => "moderate_progress",
        LimitedProgress => "limited_progress",
        Deterioration => "deterioration",
        NotAvailable => "not_available",
    }
}

/// Which of sdg-build's two calculations applies: it follows from whether a target is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Calculation {
    /// Methodology 1: `v = sign · d · CAGR_a`, judged against fixed growth rates.
    ObservedGrowth,
    /// Methodology 2: `v = sign · d · CAGR_a / |CAGR_r|`, the ratio to the growth required.
    GrowthRatio,
}

/// sdg-build's `progress_thresholds` option: each one given replaces the default (0.015,
/// 0.005, 0 without a target; 0.95, 0.6, 0 with one). The score functions stay those of the
/// default thresholds, as in sdg-build ("hardcoded based on default progress thresholds").
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Options {
    #[serde(default)]
    pub high: Option<f64>,
    #[serde(default)]
    pub med: Option<f64>,
    #[serde(default)]
    pub low: Option<f64>,
}

/// The thresholds applied, after the natural-limit reduction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    pub high: f64,
    pub med: f64,
    pub low: f64,
    /// The reduction coefficient `C`, present when a natural limit applies (no target).
    pub coefficient: Option<f64>,
}

/// The assessment of one series, with sdg-build's calculation components
/// (`get_progress_calculation_components`) and the intermediate growth rates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub status: Status,
    /// −5 … 5; 5 whenever the target is achieved.
    pub score: Option<f64>,
    pub calculation: Calculation,
    /// Base and current observations; the base value after the zero replacement.
    pub window: Option<Window>,
    /// The target after the zero replacement.
    pub target: Option<f64>,
    pub target_year: i32,
    pub direction: Direction,
    /// −1 when the base value is negative, which flips the direction.
    pub sign: Option<f64>,
    pub limit: Option<f64>,
    pub thresholds: Option<Thresholds>,
    pub cagr_observed: Option<f64>,
    pub cagr_required: Option<f64>,
    pub progress_value: Option<f64>,
    pub target_achieved: bool,
    /// Why no progress value could be computed.
    pub reason: Option<Reason>,
}

/// The growth rates and progress value, or why there is none.
struct Progress {
    cagr_observed: f64,
    cagr_required: Option<f64>,
    value: f64,
}

/// Assesses one series as sdg-build's `SeriesProgress` does.
pub fn assess(
    points: &[Point],
    spec: &SeriesSpec,
    options: &Options,
) -> Result<Assessment, ProgressError> {
    let points = prepare(points)?;
    let target = spec
        .target
        .map(|t| if t == 0.0 { ZERO_REPLACEMENT } else { t });
    let calculation = match target {
        Some(_) => Calculation::GrowthRatio,
        None => Calculation::ObservedGrowth,
    };
    let mut assessment = Assessment {
        status: Status::NotAvailable,
        score: None,
        calculation,
        window: None,
        target,
        target_year: spec.target_year,
        direction: spec.direction,
        sign: None,
        limit: spec.limit,
        thresholds: None,
        cagr_observed: None,
        cagr_required: None,
        progress_value: None,
        target_achieved: false,
        reason: None,
    };
    let Some(mut window) = Window::select(&points, spec.base_year, BaseYearRule::NextAvailable)
    else {
        assessment.reason = Some(if points.is_empty() {
            Reason::NoData
        } else {
            Reason::NoBaseYear
        });
        return Ok(assessment);
    };
    // sdg-build fixes the sign and the thresholds from the base value before replacing a zero.
    let sign = if window.base_value < 0.0 { -1.0 } else { 1.0 };
    let thresholds = thresholds(calculation, options, spec.limit, window.base_value);
    let achieved = target.is_some_and(|t| spec.direction.meets(window.current_value, t));
    let progress = progress(&mut window, spec, target, sign);

    assessment.sign = Some(sign);
    assessment.thresholds = Some(thresholds);
    assessment.target_achieved = achieved;
    assessment.window = Some(window);
    match progress {
        Ok(p) => {
            assessment.cagr_observed = Some(p.cagr_observed);
            assessment.cagr_required = p.cagr_required;
            assessment.progress_value = Some(p.value);
        }
        Err(reason) => assessment.reason = Some(reason),
    }
    assessment.status = match (achieved, assessment.progress_value) {
        (true, _) => Status::TargetAchieved,
        (false, Some(v)) => classify(v, &thresholds),
        (false, None) => Status::NotAvailable,
    };
    assessment.score = match (achieved, assessment.progress_value) {
        (true, _) => Some(5.0),
        (false, v) => v.map(|v| score(calculation, v, &thresholds)),
    };
    Ok(assessment)
}

/// sdg-build's `calculate_progress_value`, with its checks in its order.
fn progress(
    window: &mut Window,
    spec: &SeriesSpec,
    target: Option<f64>,
    sign: f64,
) -> Result<Progress, Reason> {
    if window.base_value == 0.0 {
        window.base_value = ZERO_REPLACEMENT;
    }
    let (base, current) = (window.base_value, window.current_value);
    if (base > 0.0 && current < 0.0) || (base < 0.0 && current > 0.0) {
        return Err(Reason::OppositeSigns);
    }
    if window.years() < 1 {
        return Err(Reason::FewerThanTwoYears);
    }
    let observed = cagr(current, base, f64::from(window.years()));
    let d = spec.direction.sign();
    let Some(target) = target else {
        return Ok(Progress {
            cagr_observed: observed,
            cagr_required: None,
            value: sign * d * observed,
        });
    };
    let horizon = spec.target_year - window.base_year;
    if horizon < 1 {
        return Err(Reason::TargetYearNotAfterBase);
    }
    let required = cagr(target, base, f64::from(horizon));
    if required == 0.0 {
        return Err(Reason::TargetEqualsBase);
    }
    let value = sign * d * observed / required.abs();
    if value.is_nan() {
        // Target and base of opposite signs: Python yields a complex number and fails.
        return Err(Reason::OppositeSigns);
    }
    Ok(Progress {
        cagr_observed: observed,
        cagr_required: Some(required),
        value,
    })
}

/// sdg-build's `get_progress_thresholds`: defaults, user overrides, and for the no-target
/// calculation the reduction by `C` near a natural limit (anchors.md §5.4).
fn thresholds(
    calculation: Calculation,
    options: &Options,
    limit: Option<f64>,
    base_value: f64,
) -> Thresholds {
    let (high, med, low) = match calculation {
        Calculation::ObservedGrowth => (0.015, 0.005, 0.0),
        Calculation::GrowthRatio => (0.95, 0.6, 0.0),
    };
    let (high, med, low) = (
        options.high.unwrap_or(high),
        options.med.unwrap_or(med),
        options.low.unwrap_or(low),
    );
    let coefficient = limit
        .filter(|_| calculation == Calculation::ObservedGrowth)
        .map(|l| limit_coefficient(base_value, l));
    let c = coefficient.unwrap_or(1.0);
    Thresholds {
        high: high * c,
        med: med * c,
        low: low * c,
        coefficient,
    }
}

/// `C = 1` if `|x_b| ≥ 2|L|`; `1 − (|x_b|/|L|)^4.44` if `|x_b| ≤ |L|`; else
/// `1 − ((2|L| − |x_b|)/|L|)^4.44`: 0 at the limit, 1 far from it (anchors.md §5.4).
pub fn limit_coefficient(base_value: f64, limit: f64) -> f64 {
    let (b, l) = (base_value.abs(), limit.abs());
    if b >= 2.0 * l {
        1.0
    } else if b <= l {
        1.0 - (b / l).powf(LIMIT_EXPONENT)
    } else {
        1.0 - ((2.0 * l - b) / l).powf(LIMIT_EXPONENT)
    }
}

/// sdg-build's `get_progress_status`: `high` and `med` are lower bounds (inclusive). A finite
/// value that is below `high`, not in `[med, high)` and not in `[low, med)` is below `low`
/// whatever the configured order, so the last branch is deterioration.
fn classify(value: f64, t: &Thresholds) -> Status {
    if value >= t.high {
        Status::SubstantialProgress
    } else if t.med <= value {
        Status::ModerateProgress
    } else if t.low <= value {
        Status::LimitedProgress
    } else {
        Status::Deterioration
    }
}

/// sdg-build's `get_score`, piecewise linear from −5 to 5 (anchors.md §5.4); the growth
/// value is divided by `C` to put it on the unreduced thresholds' scale.
fn score(calculation: Calculation, v: f64, t: &Thresholds) -> f64 {
    match calculation {
        Calculation::GrowthRatio if v >= t.med => (7.1429 * v - 4.2857).min(5.0),
        Calculation::GrowthRatio => (4.1667 * v - 2.5).max(-5.0),
        Calculation::ObservedGrowth => {
            let c = t.coefficient.unwrap_or(1.0);
            if v < t.low {
                (125.0 * v - 2.5).max(-5.0)
            } else if c == 0.0 {
                // Base value at the limit and held there or beyond.
                5.0
            } else if v >= t.high {
                (500.0 * v / c - 5.0).min(5.0)
            } else if v >= t.med {
                250.0 * v / c - 1.25
            } else {
                500.0 * v / c - 2.5
            }
        }
    }
}

/// An indicator's progress over several series (sdg-build `IndicatorProgress`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorProgress {
    /// The mean score of the series that have one; none when none has.
    pub score: Option<f64>,
    /// From the mean score; `target_achieved` only when every scored series achieved its
    /// target; none when no series has a score (sdg-build: an empty status).
    pub status: Option<Status>,
    pub series_scored: usize,
}

/// The indicator-level score and status: the mean of the series scores, and the status of
/// that mean (≥2.5 substantial, ≥0 moderate, ≥−2.5 limited, else deterioration).
pub fn indicator_progress(series: &[Assessment]) -> IndicatorProgress {
    let scored: Vec<&Assessment> = series.iter().filter(|a| a.score.is_some()).collect();
    let total: f64 = scored.iter().filter_map(|a| a.score).sum();
    let score = (!scored.is_empty()).then(|| total / scored.len() as f64);
    let status = score.map(|s| {
        if scored.iter().all(|a| a.target_achieved) {
            Status::TargetAchieved
        } else if s >= 2.5 {
            Status::SubstantialProgress
        } else if s >= 0.0 {
            Status::ModerateProgress
        } else if s >= -2.5 {
            Status::LimitedProgress
        } else {
            Status::Deterioration
        }
    });
    IndicatorProgress {
        score,
        status,
        series_scored: scored.len(),
    }
}
