//! The formulas of derived indicators: which inputs they pair and how they combine them.
//!
//! Every formula reads two values of the same area and period. The *driver* is an observation
//! of the formula's first series; its breakdown decides the *partner* (the second value) and
//! the output's breakdown. Ratios and products pair a series with another series at the total
//! breakdown (population is not broken down by speed tier); parity, difference and share pair
//! two codes of one dimension of one series.

use std::fmt;

use ictstat_core::dimension::TOTAL;
use ictstat_core::{Breakdown, Dimension};
use serde::Deserialize;

/// How a derived indicator is computed; the `formula` field of a definition picks the variant.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "formula", rename_all = "snake_case", deny_unknown_fields)]
pub enum Formula {
    /// `scale × numerator / denominator`, the denominator at the total breakdown: a rate per
    /// 100 inhabitants from a count and the population.
    Ratio {
        numerator: String,
        denominator: String,
        #[serde(default = "one")]
        scale: f64,
    },
    /// `series × multiplier / divisor`, the multiplier at the total breakdown: a count from a
    /// rate per 100 inhabitants and the population.
    Product {
        series: String,
        multiplier: String,
        #[serde(default = "one")]
        divisor: f64,
    },
    /// `series[dimension=code] / series[dimension=reference]`, other codes kept, the dimension
    /// dropped from the output: the gender parity index (female ÷ male).
    Parity(Contrast),
    /// `series[dimension=code] − series[dimension=reference]`, as parity: an urban–rural gap.
    Difference(Contrast),
    /// `scale × series[dimension=c] / series[dimension=_T]` for every code `c` of the
    /// dimension, which the output keeps: the share of each part in the whole.
    Share {
        series: String,
        dimension: Dimension,
        #[serde(default = "one")]
        scale: f64,
    },
}

/// Two codes of one dimension of one series, compared at otherwise equal breakdowns.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contrast {
    pub series: String,
    pub dimension: Dimension,
    /// The code compared (`F`).
    pub code: String,
    /// The code it is compared with (`M`).
    pub reference: String,
}

fn one() -> f64 {
    1.0
}

/// `breakdown` with `dimension` set to `code` (`_T` removes it).
fn with(breakdown: &Breakdown, dimension: Dimension, code: &str) -> Breakdown {
    let mut b = breakdown.clone();
    b.set(dimension, code);
    b
}

impl Formula {
    /// The series the formula reads: the driver (whose observations start the computation)
    /// first, then the partner's (the same series for a within-series formula).
    pub fn inputs(&self) -> [&str; 2] {
        match self {
            Formula::Ratio {
                numerator,
                denominator,
                ..
            } => [numerator, denominator],
            Formula::Product {
                series, multiplier, ..
            } => [series, multiplier],
            Formula::Share { series, .. }
            | Formula::Parity(Contrast { series, .. })
            | Formula::Difference(Contrast { series, .. }) => [series, series],
        }
    }

    /// The dimension a within-series formula compares codes of.
    pub fn dimension(&self) -> Option<Dimension> {
        match self {
            Formula::Parity(c) | Formula::Difference(c) => Some(c.dimension),
            Formula::Share { dimension, .. } => Some(*dimension),
            Formula::Ratio { .. } | Formula::Product { .. } => None,
        }
    }

    /// The partner of a driver observation with this breakdown: its series and breakdown, or
    /// `None` when the driver's breakdown is not one the formula starts from (a parity reads
    /// only the `F` values; a share only the parts, not the total).
    pub(super) fn partner(&self, driver: &Breakdown) -> Option<(&str, Breakdown)> {
        match self {
            Formula::Ratio {
                denominator: other, ..
            }
            | Formula::Product {
                multiplier: other, ..
            } => Some((other, Breakdown::total())),
            Formula::Parity(c) | Formula::Difference(c) => (driver.get(c.dimension) == c.code)
                .then(|| (c.series.as_str(), with(driver, c.dimension, &c.reference))),
            Formula::Share {
                series, dimension, ..
            } => (driver.get(*dimension) != TOTAL)
                .then(|| (series.as_str(), with(driver, *dimension, TOTAL))),
        }
    }

    /// The output's breakdown for a driver with this breakdown: the driver's, except that a
    /// parity or difference no longer has the dimension it compared.
    pub(super) fn output_breakdown(&self, driver: &Breakdown) -> Breakdown {
        match self {
            Formula::Parity(c) | Formula::Difference(c) => with(driver, c.dimension, TOTAL),
            Formula::Ratio { .. } | Formula::Product { .. } | Formula::Share { .. } => {
                driver.clone()
            }
        }
    }

    /// The output value from the driver's and the partner's values; `None` where a division
    /// by zero (or an overflow) leaves no finite number.
    pub(super) fn combine(&self, driver: f64, partner: f64) -> Option<f64> {
        let value = match self {
            Formula::Ratio { scale, .. } | Formula::Share { scale, .. } => driver * scale / partner,
            Formula::Product { divisor, .. } => driver * partner / divisor,
            Formula::Parity(_) => driver / partner,
            Formula::Difference(_) => driver - partner,
        };
        value.is_finite().then_some(value)
    }
}

/// The formula as footnotes show it: `100 × IT_CEL_SETS / SP_POP_TOTL`,
/// `SE_ADT_ACTS[SEX=F] / SE_ADT_ACTS[SEX=M]`.
impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let times = |scale: &f64| {
            if *scale == 1.0 {
                String::new()
            } else {
                format!("{scale} × ")
            }
        };
        match self {
            Formula::Ratio {
                numerator,
                denominator,
                scale,
            } => write!(f, "{}{numerator} / {denominator}", times(scale)),
            Formula::Product {
                series,
                multiplier,
                divisor,
            } => {
                write!(f, "{series} × {multiplier}")?;
                if *divisor != 1.0 {
                    write!(f, " / {divisor}")?;
                }
                Ok(())
            }
            Formula::Parity(c) => c.fmt(f, "/"),
            Formula::Difference(c) => c.fmt(f, "−"),
            Formula::Share {
                series,
                dimension,
                scale,
            } => write!(
                f,
                "{}{series}[{dimension}] / {series}[{dimension}={TOTAL}]",
                times(scale)
            ),
        }
    }
}

impl Contrast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>, operator: &str) -> fmt::Result {
        let Contrast {
            series,
            dimension,
            code,
            reference,
        } = self;
        write!(
            f,
            "{series}[{dimension}={code}] {operator} {series}[{dimension}={reference}]"
        )
    }
}
