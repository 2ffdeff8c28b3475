//! UN ESCAP's Current Status Index and Anticipated Progress Index (anchors.md §5.3), per
//! sub-indicator (one series). Regional values are simple means of these, computed by the
//! caller. ESCAP includes an indicator only when a quantitative target can be set: a series
//! without one is `no_target` here (give a regional target through [`SeriesSpec::target`]).

use serde::{Deserialize, Serialize};

use super::ProgressError;
use super::growth::{Reason, band, extrapolate, window_cagr};
use super::series::{BaseYearRule, Point, SeriesSpec, Window, prepare};

statuses! {
    /// Where the CSI stands against the landmarks of its formula: 1 = the full progress
    /// needed, 0 = the base value. The notes give no ESCAP category names for the CSI; these
    /// describe the value and are not ESCAP's wording.
    CsiStatus {
        TargetReached => "target_reached",
        Progress => "progress",
        Regression => "regression",
        NoTarget => "no_target",
        InsufficientData => "insufficient_data",
    }
}

statuses! {
    /// ESCAP's anticipated-progress classes (anchors.md §5.3 step 3).
    ApiStatus {
        MaintainProgress => "maintain_progress",
        AccelerateProgress => "accelerate_progress",
        ReverseTrend => "reverse_trend",
        NoTarget => "no_target",
        InsufficientData => "insufficient_data",
    }
}

/// CSI options.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CsiOptions {
    /// Cap the index at 1 once the target is met (**(to verify)** in the notes: off by default,
    /// the formula as published).
    pub cap_at_target: bool,
    pub base_year_rule: BaseYearRule,
}

/// How the API predicts the target-year value (anchors.md §5.3 step 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Prediction {
    /// `x̂_T = x_cy · (1 + CAGR_a)^(T − cy)`, the earlier reports' method.
    Cagr,
    /// A weighted least-squares line over the years from `since` to the latest, weight
    /// `(year − first + 1)^power`: recent years weigh more. ESCAP's current reports use a
    /// time-weighted regression from 2000 whose weight function the notes do not give
    /// (**(to verify)**), hence the exponent as a parameter; 0 is ordinary least squares.
    WeightedLinear { since: i32, power: f64 },
}

/// API options.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiOptions {
    pub prediction: Prediction,
    /// Class bounds on the gap `G`: maintain when `G ≤ on_track`, accelerate when
    /// `G ≤ reverse`, reverse trend above (defaults 0 and 1, UNECE's verbal definition).
    pub on_track: f64,
    pub reverse: f64,
    pub base_year_rule: BaseYearRule,
}

impl Default for ApiOptions {
    fn default() -> ApiOptions {
        ApiOptions {
            prediction: Prediction::Cagr,
            on_track: 0.0,
            reverse: 1.0,
            base_year_rule: BaseYearRule::AfterThenBefore,
        }
    }
}

/// A CSI with its components.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsiAssessment {
    pub status: CsiStatus,
    /// `CS = d · (x_cy − x_b) / |x* − x_b|`, or `1 − |x* − x_cy| / |x* − x_b|` for parity.
    pub index: Option<f64>,
    pub window: Option<Window>,
    pub target: Option<f64>,
    pub parity: bool,
    pub reason: Option<Reason>,
}

/// An API with its components.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiAssessment {
    pub status: ApiStatus,
    /// `G = (x* − x̂_T) / (x* − x_b)`: ≤ 0 on track, 1 = no closer than at the base.
    pub gap: Option<f64>,
    pub predicted: Option<f64>,
    pub target: Option<f64>,
    pub target_year: i32,
    pub window: Option<Window>,
    /// The actual CAGR, when the prediction uses it.
    pub cagr_actual: Option<f64>,
    pub reason: Option<Reason>,
}

/// What both indices start from: the prepared points, the window, and the target or why it
/// cannot be used.
struct Frame {
    points: Vec<Point>,
    window: Option<Window>,
    target: Result<f64, Reason>,
}

fn frame(points: &[Point], spec: &SeriesSpec, rule: BaseYearRule) -> Result<Frame, ProgressError> {
    let points = prepare(points)?;
    let window = Window::select(&points, spec.base_year, rule);
    let target = match (spec.target, &window) {
        (None, _) => Err(Reason::NoTarget),
        (Some(_), None) if points.len() < 2 => Err(Reason::FewerThanTwoYears),
        (Some(_), None) => Err(Reason::NoBaseYear),
        (Some(_), Some(w)) if w.years() < 1 => Err(Reason::FewerThanTwoYears),
        (Some(t), Some(w)) if t == w.base_value => Err(Reason::TargetEqualsBase),
        (Some(t), Some(_)) => Ok(t),
    };
    Ok(Frame {
        points,
        window,
        target,
    })
}

/// The Current Status Index of one series (anchors.md §5.3, CSI step 1).
pub fn current_status(
    points: &[Point],
    spec: &SeriesSpec,
    options: &CsiOptions,
) -> Result<CsiAssessment, ProgressError> {
    let Frame { window, target, .. } = frame(points, spec, options.base_year_rule)?;
    let mut a = CsiAssessment {
        status: CsiStatus::InsufficientData,
        index: None,
        window,
        target: spec.target,
        parity: spec.parity,
        reason: target.err(),
    };
    match (target, window) {
        (Err(Reason::NoTarget), _) => a.status = CsiStatus::NoTarget,
        (Ok(t), Some(w)) => {
            let needed = (t - w.base_value).abs();
            let raw = if spec.parity {
                1.0 - (t - w.current_value).abs() / needed
            } else {
                spec.direction.sign() * (w.current_value - w.base_value) / needed
            };
            let index = if options.cap_at_target {
                raw.min(1.0)
            } else {
                raw
            };
            a.index = Some(index);
            a.status = [
                CsiStatus::TargetReached,
                CsiStatus::Progress,
                CsiStatus::Regression,
            ][band(index, &[1.0, 0.0])];
        }
        _ => {}
    }
    Ok(a)
}

/// The Anticipated Progress Index of one series (anchors.md §5.3, API steps 1–3).
pub fn anticipated_progress(
    points: &[Point],
    spec: &SeriesSpec,
    options: &ApiOptions,
) -> Result<ApiAssessment, ProgressError> {
    let Frame {
        points,
        window,
        target,
    } = frame(points, spec, options.base_year_rule)?;
    let mut a = ApiAssessment {
        status: ApiStatus::InsufficientData,
        gap: None,
        predicted: None,
        target: spec.target,
        target_year: spec.target_year,
        window,
        cagr_actual: None,
        reason: target.err(),
    };
    let (t, w) = match (target, window) {
        (Err(Reason::NoTarget), _) => {
            a.status = ApiStatus::NoTarget;
            return Ok(a);
        }
        (Ok(t), Some(w)) => (t, w),
        _ => return Ok(a),
    };
    let predicted = match options.prediction {
        Prediction::Cagr => window_cagr(&w).map(|r| {
            a.cagr_actual = Some(r);
            extrapolate(
                w.current_value,
                r,
                f64::from(spec.target_year - w.current_year),
            )
        }),
        Prediction::WeightedLinear { since, power } => {
            weighted_line(&points, since, power).map(|(a0, b)| a0 + b * f64::from(spec.target_year))
        }
    };
    match predicted {
        Ok(p) => {
            let gap = (t - p) / (t - w.base_value);
            a.predicted = Some(p);
            a.gap = Some(gap);
            // `G ≤ on_track` ⇔ `−G ≥ −on_track`: the bands are inclusive lower bounds on −G.
            a.status = [
                ApiStatus::MaintainProgress,
                ApiStatus::AccelerateProgress,
                ApiStatus::ReverseTrend,
            ][band(-gap, &[-options.on_track, -options.reverse])];
        }
        Err(reason) => a.reason = Some(reason),
    }
    Ok(a)
}

/// Weighted least squares `y = a + b·year` over the points from `since`, weights
/// `(year − first + 1)^power`; needs two distinct years.
fn weighted_line(points: &[Point], since: i32, power: f64) -> Result<(f64, f64), Reason> {
    let used: Vec<&Point> = points.iter().filter(|p| p.year >= since).collect();
    let (Some(first), Some(last)) = (used.first(), used.last()) else {
        return Err(Reason::NoData);
    };
    if first.year == last.year {
        return Err(Reason::FewerThanTwoYears);
    }
    let weight = |p: &Point| f64::from(p.year - first.year + 1).powf(power);
    let sw: f64 = used.iter().map(|p| weight(p)).sum();
    let mean_x = used
        .iter()
        .map(|p| weight(p) * f64::from(p.year))
        .sum::<f64>()
        / sw;
    let mean_y = used.iter().map(|p| weight(p) * p.value).sum::<f64>() / sw;
    let sxy: f64 = used
        .iter()
        .map(|p| weight(p) * (f64::from(p.year) - mean_x) * (p.value - mean_y))
        .sum();
    let sxx: f64 = used
        .iter()
        .map(|p| weight(p) * (f64::from(p.year) - mean_x).powi(2))
        .sum();
    let slope = sxy / sxx;
    Ok((mean_y - slope * mean_x, slope))
}
