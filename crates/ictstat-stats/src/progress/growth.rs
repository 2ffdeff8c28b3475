//! The building blocks shared by every method (anchors.md §5.1): the compound annual growth
//! rate, the extrapolation along it, and the reasons a series cannot be assessed.

use serde::Serialize;

use super::series::Window;

/// Why a method could not assess a series; reported beside the method's "insufficient data"
/// status so the API can say what is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No observation at all.
    NoData,
    /// No observation that can serve as base (none at or after the base year, and for
    /// [`super::BaseYearRule::AfterThenBefore`] none before the latest either).
    NoBaseYear,
    /// The base and the latest observation are the same year (anchors.md §5.2, §5.4: at least
    /// two points).
    FewerThanTwoYears,
    /// Base and latest values have opposite signs (sdg-build; an exponential model needs one
    /// sign).
    OppositeSigns,
    /// A CAGR needs a positive base and a non-negative latest value (UNSD, ESCAP: the notes
    /// give no zero replacement outside Open SDG).
    NonPositiveValue,
    /// The target equals the base value: the growth required, and ratios over the progress
    /// required, are undefined.
    TargetEqualsBase,
    /// The method needs a numerical target and the series has none.
    NoTarget,
    /// The target year is not after the base year.
    TargetYearNotAfterBase,
}

/// `CAGR = (x_t / x_b)^(1/(t − b)) − 1` (anchors.md §5.1), written as sdg-build's
/// `growth_calculation` writes it so that results agree to the last bit.
pub fn cagr(current: f64, base: f64, years: f64) -> f64 {
    (current / base).powf(1.0 / years) - 1.0
}

/// `x̂_T = x_t · (1 + r)^(T − t)` (anchors.md §5.1).
pub fn extrapolate(value: f64, rate: f64, years: f64) -> f64 {
    value * (1.0 + rate).powf(years)
}

/// The actual CAGR over a window, for the methods that take the exponential model without
/// Open SDG's sign handling and zero replacement (UNSD, ESCAP's CAGR prediction).
pub(crate) fn window_cagr(w: &Window) -> Result<f64, Reason> {
    if w.years() < 1 {
        Err(Reason::FewerThanTwoYears)
    } else if w.base_value <= 0.0 || w.current_value < 0.0 {
        Err(Reason::NonPositiveValue)
    } else {
        Ok(cagr(w.current_value, w.base_value, f64::from(w.years())))
    }
}

/// The class index of `value` among descending, inclusive lower bounds: 0 when
/// `value ≥ bounds[0]`, 1 when `bounds[1] ≤ value < bounds[0]`, …, `bounds.len()` below all.
/// UNSD's and ESCAP's cut-offs are all of this shape (anchors.md §5.2, §5.3).
pub(crate) fn band(value: f64, bounds: &[f64]) -> usize {
    bounds
        .iter()
        .position(|&b| value >= b)
        .unwrap_or(bounds.len())
}
