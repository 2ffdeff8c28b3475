//! UNSD "SDG Progress Chart" trend assessment (anchors.md §5.2): the 2022 ratio of growth
//! rates and the 2023 extrapolation, each with and without a numerical target, and the
//! exception rules of EUSTAT's UNSD-based method as configurable defaults.
//!
//! The cut-offs come from a third-party implementation of Technical Note 2022 and from
//! EUSTAT's adaptation of Technical Note 2023; the notes mark them **(to verify)** against the
//! PDFs, so each one is an option with the documented value as default.

use serde::{Deserialize, Serialize};

use super::ProgressError;
use super::growth::{Reason, band, cagr, extrapolate, window_cagr};
use super::series::{BaseYearRule, Direction, Point, SeriesSpec, Window, prepare};

statuses! {
    /// The 2022 chart's categories, plus the "target achieved" exception.
    Status2022 {
        TargetAchieved => "target_achieved",
        SubstantialProgress => "substantial_progress",
        FairProgress => "fair_progress",
        LimitedProgress => "limited_or_no_progress",
        Deterioration => "deterioration",
        InsufficientData => "insufficient_data",
    }
}

statuses! {
    /// EUSTAT's three classes of the 2023 method, plus the "target achieved" exception.
    Status2023 {
        TargetAchieved => "target_achieved",
        OnTrack => "on_track",
        ReasonableProgress => "reasonable_progress",
        StagnationOrRegression => "stagnation_or_regression",
        InsufficientData => "insufficient_data",
    }
}

/// The exception rules EUSTAT documents for its UNSD-based method (anchors.md §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Exceptions {
    /// A latest value that meets the target is "target achieved", whatever the trend.
    pub latest_meets_target: bool,
    /// A latest value within this distance of a target of 0 or 100 counts as meeting it
    /// ("within 1 percentage point"); 0 disables the rule.
    pub bound_tolerance: f64,
    /// The base observation when the base year has no data.
    pub base_year_rule: BaseYearRule,
}

impl Default for Exceptions {
    fn default() -> Exceptions {
        Exceptions {
            latest_meets_target: true,
            bound_tolerance: 1.0,
            base_year_rule: BaseYearRule::AfterThenBefore,
        }
    }
}

impl Exceptions {
    fn achieved(&self, latest: f64, target: f64, direction: Direction) -> bool {
        self.latest_meets_target
            && (direction.meets(latest, target)
                || ((target == 0.0 || target == 100.0)
                    && (latest - target).abs() <= self.bound_tolerance))
    }
}

/// 2022 cut-offs (inclusive lower bounds of the upper class).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Options2022 {
    /// `CR = CAGR_a / CAGR_r`: substantial ≥ 0.95, fair ≥ 0.5, limited ≥ −0.1.
    pub ratio: [f64; 3],
    /// No target, `g = d · CAGR_a`: substantial ≥ 1 %, fair ≥ 0.5 %, limited ≥ −1 %.
    pub growth: [f64; 3],
    pub exceptions: Exceptions,
}

impl Default for Options2022 {
    fn default() -> Options2022 {
        Options2022 {
            ratio: [0.95, 0.5, -0.1],
            growth: [0.01, 0.005, -0.01],
            exceptions: Exceptions::default(),
        }
    }
}

/// 2023 cut-offs, EUSTAT's three-class version (UNSD's own chart has more classes, whose
/// bounds the notes do not give).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Options2023 {
    /// `P = (x̂_T − x_b) / (x* − x_b)`: on track ≥ 0.95, reasonable ≥ 0.10.
    pub share: [f64; 2],
    /// No target, `g = d · CAGR_a`: on track ≥ 2 %, reasonable ≥ 0.5 %.
    pub growth: [f64; 2],
    pub exceptions: Exceptions,
}

impl Default for Options2023 {
    fn default() -> Options2023 {
        Options2023 {
            share: [0.95, 0.10],
            growth: [0.02, 0.005],
            exceptions: Exceptions::default(),
        }
    }
}

/// One UNSD assessment with its components; the fields a formulation does not use are
/// omitted from the JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment<S> {
    pub status: S,
    pub window: Option<Window>,
    pub target: Option<f64>,
    pub target_year: i32,
    pub direction: Direction,
    pub cagr_actual: Option<f64>,
    /// No-target series: `d · CAGR_a`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub growth_adjusted: Option<f64>,
    /// 2022: `CAGR_r = (x* / x_b)^(1/(T − b)) − 1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cagr_required: Option<f64>,
    /// 2022: `CR = CAGR_a / CAGR_r`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    /// 2023: `x̂_T = x_t · (1 + CAGR_a)^(T − t)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extrapolated: Option<f64>,
    /// 2023: `P`, the share of the required progress the trend delivers by the target year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    pub reason: Option<Reason>,
}

/// What both formulations start from: the window, the target-achieved exception and CAGR_a.
struct Trend {
    window: Option<Window>,
    achieved: bool,
    cagr: Result<f64, Reason>,
}

fn trend(points: &[Point], spec: &SeriesSpec, ex: &Exceptions) -> Result<Trend, ProgressError> {
    let points = prepare(points)?;
    let achieved = match (points.last(), spec.target) {
        (Some(latest), Some(target)) => ex.achieved(latest.value, target, spec.direction),
        _ => false,
    };
    let window = Window::select(&points, spec.base_year, ex.base_year_rule);
    let cagr = match &window {
        Some(w) => window_cagr(w),
        None if points.len() < 2 => Err(Reason::FewerThanTwoYears),
        None => Err(Reason::NoBaseYear),
    };
    Ok(Trend {
        window,
        achieved,
        cagr,
    })
}

impl<S> Assessment<S> {
    fn new(status: S, spec: &SeriesSpec, trend: &Trend) -> Assessment<S> {
        Assessment {
            status,
            window: trend.window,
            target: spec.target,
            target_year: spec.target_year,
            direction: spec.direction,
            cagr_actual: trend.cagr.ok(),
            growth_adjusted: None,
            cagr_required: None,
            ratio: None,
            extrapolated: None,
            share: None,
            reason: trend.cagr.err(),
        }
    }
}

/// The 2022 ratio-of-growth-rates method (Technical Note 2022, anchors.md §5.2 (a), (b)).
pub fn assess_2022(
    points: &[Point],
    spec: &SeriesSpec,
    options: &Options2022,
) -> Result<Assessment<Status2022>, ProgressError> {
    use Status2022::*;
    let trend = trend(points, spec, &options.exceptions)?;
    let mut a = Assessment::new(InsufficientData, spec, &trend);
    let classes = [
        SubstantialProgress,
        FairProgress,
        LimitedProgress,
        Deterioration,
    ];
    if trend.achieved {
        a.status = TargetAchieved;
    }
    let (Ok(actual), Some(w)) = (trend.cagr, trend.window) else {
        return Ok(a);
    };
    let Some(target) = spec.target else {
        let g = spec.direction.sign() * actual;
        a.growth_adjusted = Some(g);
        a.status = classes[band(g, &options.growth)];
        return Ok(a);
    };
    let horizon = spec.target_year - w.base_year;
    let required = cagr(target, w.base_value, f64::from(horizon));
    let reason = if horizon < 1 {
        Some(Reason::TargetYearNotAfterBase)
    } else if required.is_nan() {
        Some(Reason::NonPositiveValue)
    } else if required == 0.0 {
        Some(Reason::TargetEqualsBase)
    } else {
        None
    };
    if let Some(reason) = reason {
        a.reason = Some(reason);
        return Ok(a);
    }
    let ratio = actual / required;
    a.cagr_required = Some(required);
    a.ratio = Some(ratio);
    if !trend.achieved {
        a.status = classes[band(ratio, &options.ratio)];
    }
    Ok(a)
}

/// The 2023 extrapolation method as adapted by EUSTAT (anchors.md §5.2 (a′)).
pub fn assess_2023(
    points: &[Point],
    spec: &SeriesSpec,
    options: &Options2023,
) -> Result<Assessment<Status2023>, ProgressError> {
    use Status2023::*;
    let trend = trend(points, spec, &options.exceptions)?;
    let mut a = Assessment::new(InsufficientData, spec, &trend);
    let classes = [OnTrack, ReasonableProgress, StagnationOrRegression];
    if trend.achieved {
        a.status = TargetAchieved;
    }
    let (Ok(actual), Some(w)) = (trend.cagr, trend.window) else {
        return Ok(a);
    };
    let Some(target) = spec.target else {
        let g = spec.direction.sign() * actual;
        a.growth_adjusted = Some(g);
        a.status = classes[band(g, &options.growth)];
        return Ok(a);
    };
    let predicted = extrapolate(
        w.current_value,
        actual,
        f64::from(spec.target_year - w.current_year),
    );
    a.extrapolated = Some(predicted);
    if target == w.base_value {
        a.reason = Some(Reason::TargetEqualsBase);
        return Ok(a);
    }
    let share = (predicted - w.base_value) / (target - w.base_value);
    a.share = Some(share);
    if !trend.achieved {
        a.status = classes[band(share, &options.share)];
    }
    Ok(a)
}
