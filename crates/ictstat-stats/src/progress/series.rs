//! The input every method shares: a series of (year, value) points and its per-series
//! parameters (anchors.md §5.5: base year, target year, target value, direction, natural limit,
//! parity flag), and the choice of the base and current observations (§5.2 exception rules,
//! §5.4 base-year defaulting).

use serde::{Deserialize, Serialize};

use super::ProgressError;

/// One observation of a series. Periods such as `2015-2016` are read with [`period_year`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub year: i32,
    pub value: f64,
}

impl Point {
    pub fn new(year: i32, value: f64) -> Point {
        Point { year, value }
    }
}

/// Which way is progress (`d` of anchors.md §5: +1 when an increase is desirable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better (Open SDG `direction: positive`, a `>=` target).
    Increase,
    /// Lower is better (Open SDG `direction: negative`, a `<=` target).
    Decrease,
}

impl Direction {
    /// `d` = +1 or −1.
    pub fn sign(self) -> f64 {
        match self {
            Direction::Increase => 1.0,
            Direction::Decrease => -1.0,
        }
    }

    /// Whether `value` meets `target` in this direction (inclusive, as sdg-build's
    /// `is_target_achieved` and EUSTAT's "the latest value meets the target").
    pub fn meets(self, value: f64, target: f64) -> bool {
        match self {
            Direction::Increase => value >= target,
            Direction::Decrease => value <= target,
        }
    }
}

/// Per-series assessment parameters (anchors.md §5.5). The defaults of the base and target
/// years are those of the 2030 Agenda and of sdg-build (2015, 2030); the direction has no
/// default here, although sdg-build defaults to `negative`, because a silent "lower is better"
/// turns every ICT adoption series into a deterioration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesSpec {
    pub direction: Direction,
    #[serde(default = "default_base_year")]
    pub base_year: i32,
    #[serde(default = "default_target_year")]
    pub target_year: i32,
    /// The target value `x*`; none for series without a numerical target.
    #[serde(default)]
    pub target: Option<f64>,
    /// A natural limit (e.g. 100 for a percentage); only Open SDG's no-target method uses it.
    #[serde(default)]
    pub limit: Option<f64>,
    /// A parity indicator (target e.g. 1): ESCAP's CSI then measures the distance to parity.
    #[serde(default)]
    pub parity: bool,
}

fn default_base_year() -> i32 {
    2015
}

fn default_target_year() -> i32 {
    2030
}

impl SeriesSpec {
    /// A series without a target, base year 2015, target year 2030.
    pub fn new(direction: Direction) -> SeriesSpec {
        SeriesSpec {
            direction,
            base_year: default_base_year(),
            target_year: default_target_year(),
            target: None,
            limit: None,
            parity: false,
        }
    }

    pub fn with_target(self, target: f64, target_year: i32) -> SeriesSpec {
        SeriesSpec {
            target: Some(target),
            target_year,
            ..self
        }
    }

    pub fn with_base_year(self, base_year: i32) -> SeriesSpec {
        SeriesSpec { base_year, ..self }
    }

    pub fn with_limit(self, limit: f64) -> SeriesSpec {
        SeriesSpec {
            limit: Some(limit),
            ..self
        }
    }

    pub fn with_parity(self) -> SeriesSpec {
        SeriesSpec {
            parity: true,
            ..self
        }
    }
}

/// The year of a period: its first four characters, so that `2015-2016` and `2015-16` are
/// 2015 (sdg-build's `filter_data`, anchors.md §5.4 "year ranges use the first year").
pub fn period_year(period: &str) -> Option<i32> {
    period.get(..4)?.parse().ok()
}

/// Sorts the points by year and drops missing (non-finite) values, as sdg-build drops `NA`
/// rows; two values for one year are an error, as in sdg-build (anchors.md §5.4).
pub(crate) fn prepare(points: &[Point]) -> Result<Vec<Point>, ProgressError> {
    let mut kept: Vec<Point> = points
        .iter()
        .copied()
        .filter(|p| p.value.is_finite())
        .collect();
    kept.sort_by_key(|p| p.year);
    match kept.windows(2).find(|w| w[0].year == w[1].year) {
        Some(w) => Err(ProgressError::DuplicateYear(w[0].year)),
        None => Ok(kept),
    }
}

/// How to pick the base observation when the base year has no data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseYearRule {
    /// The first year after the base year (sdg-build: `years[years > base_year].min()`).
    NextAvailable,
    /// The first year after the base year that still leaves two points, else the last year
    /// before it (EUSTAT's UNSD-based exception rule 3, anchors.md §5.2; **(to verify)** against
    /// the UNSD Technical Note, which the notes only paraphrase as "the nearest year").
    #[default]
    AfterThenBefore,
}

/// The base and current observations a growth rate is computed between.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Window {
    pub base_year: i32,
    pub base_value: f64,
    pub current_year: i32,
    pub current_value: f64,
}

impl Window {
    /// Picks the current (latest) observation and the base one by `rule`; none when the
    /// series is empty or no observation qualifies as base. The window may span zero years
    /// under [`BaseYearRule::NextAvailable`] (one point at or after the base year): each
    /// method decides what that means.
    pub(crate) fn select(points: &[Point], base_year: i32, rule: BaseYearRule) -> Option<Window> {
        let current = *points.last()?;
        let exact = points.iter().find(|p| p.year == base_year);
        let base = match rule {
            BaseYearRule::NextAvailable => {
                exact.or_else(|| points.iter().find(|p| p.year > base_year))
            }
            BaseYearRule::AfterThenBefore => exact
                .filter(|p| p.year < current.year)
                .or_else(|| {
                    points
                        .iter()
                        .find(|p| p.year > base_year && p.year < current.year)
                })
                .or_else(|| {
                    points
                        .iter()
                        .rev()
                        .find(|p| p.year < base_year.min(current.year))
                }),
        }?;
        Some(Window {
            base_year: base.year,
            base_value: base.value,
            current_year: current.year,
            current_value: current.value,
        })
    }

    /// `t − b`.
    pub fn years(&self) -> i32 {
        self.current_year - self.base_year
    }
}
