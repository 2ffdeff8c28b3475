//! Gap filling of one country's series before it is aggregated.
//!
//! A group aggregate over the countries that happen to report in a year jumps whenever a large
//! member skips a year. Filling short gaps from the same country's own neighbouring observations
//! keeps the set of contributors stable, at the price of an estimate; every filled value is
//! therefore marked with where it came from, and no value rests on an observation more than
//! `max_years` away from the year it fills.

use serde::Serialize;

/// How a missing (country, year) may be filled from the same country's other years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum GapFill {
    /// Only observed values are used.
    #[default]
    None,
    /// The last observation at most `max_years` before the year. Carrying forward is the only
    /// extrapolation allowed, and only this far.
    CarryForward { max_years: u32 },
    /// Straight line between the nearest observations before and after the year, each at most
    /// `max_years` away from it; never beyond the first or last observation.
    Interpolate { max_years: u32 },
}

/// Where a value used in an aggregate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "origin")]
pub enum Origin {
    Observed,
    /// Estimated: the observation of year `from`.
    CarriedForward {
        from: i32,
    },
    /// Estimated: on the line between the observations of years `from` and `to`.
    Interpolated {
        from: i32,
        to: i32,
    },
}

impl Origin {
    /// True for gap-filled values, which are published as estimates.
    pub fn is_estimated(self) -> bool {
        self != Origin::Observed
    }
}

/// A value for one (country, year), observed or filled.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Filled {
    pub value: f64,
    pub origin: Origin,
}

impl Filled {
    pub fn observed(value: f64) -> Self {
        Filled {
            value,
            origin: Origin::Observed,
        }
    }
}

/// The value of `year` in `series` (one country's `(year, value)` pairs, sorted by year, one per
/// year), observed or filled as `how` allows; `None` when the year can be neither.
pub fn fill(series: &[(i32, f64)], year: i32, how: GapFill) -> Option<Filled> {
    let next = series.partition_point(|&(y, _)| y < year);
    let after = series.get(next).copied();
    if let Some((y, v)) = after
        && y == year
    {
        return Some(Filled::observed(v));
    }
    let before = next.checked_sub(1).map(|i| series[i]);
    let near = |y: i32, max_years: u32| {
        (i64::from(year) - i64::from(y)).unsigned_abs() <= u64::from(max_years)
    };
    match how {
        GapFill::None => None,
        GapFill::CarryForward { max_years } => {
            let (y0, v0) = before.filter(|&(y, _)| near(y, max_years))?;
            Some(Filled {
                value: v0,
                origin: Origin::CarriedForward { from: y0 },
            })
        }
        GapFill::Interpolate { max_years } => {
            let (y0, v0) = before.filter(|&(y, _)| near(y, max_years))?;
            let (y1, v1) = after.filter(|&(y, _)| near(y, max_years))?;
            let t = f64::from(year - y0) / f64::from(y1 - y0);
            Some(Filled {
                value: v0 + (v1 - v0) * t,
                origin: Origin::Interpolated { from: y0, to: y1 },
            })
        }
    }
}
