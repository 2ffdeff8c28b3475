//! Year-on-year outlier detection, per series: the modified z-score of the year-on-year
//! changes and a min–max check of the values.
//!
//! Changes rather than levels are scored because ICT series trend strongly: a level test would
//! flag every early year of a growing series, while a jump or a drop stands out among the
//! changes. The modified z-score (Iglewicz and Hoaglin, 1993) uses the median and the median
//! absolute deviation, so the outlier it looks for cannot mask itself by inflating a mean and
//! standard deviation as it would in a plain z-score.

use std::collections::HashMap;

use ictstat_core::{Observation, Period, SeriesKey};

use super::expr::series_label;
use super::{Finding, show};

/// Rule id of the modified z-score finding.
pub const MODIFIED_Z: &str = "outlier-modified-z";
/// Rule id of the min–max finding.
pub const MIN_MAX: &str = "outlier-min-max";

/// Settings of outlier detection; `None` turns a test off.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutlierConfig {
    /// Flag a change whose |modified z-score| exceeds this (Iglewicz–Hoaglin recommend 3.5).
    pub modified_z: Option<f64>,
    /// Flag a value above `factor ×` the largest, or below the smallest `÷ factor`, of the
    /// series' other values.
    pub min_max_factor: Option<f64>,
    /// Series with fewer year-on-year changes than this (fewer values than this plus one) are
    /// not tested by either test: with so few points, a median, a deviation or a range say
    /// nothing.
    pub min_changes: usize,
}

/// How the deviations from the median are scaled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Spread {
    /// The median absolute deviation; z = 0.6745 (x − median) / MAD.
    Mad(f64),
    /// When MAD = 0 (half the points or more equal the median), the mean absolute deviation
    /// from the median; z = (x − median) / (1.253314 · MeanAD), the usual fallback (1.253314 ≈
    /// √(π/2) makes it estimate the standard deviation of a normal, as 1/0.6745 does for MAD).
    MeanAbsoluteDeviation(f64),
    /// Every point equals the median: every z is 0.
    None,
}

/// Modified z-scores of a sample, with the statistics they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct ModifiedZ {
    pub median: f64,
    pub spread: Spread,
    /// One score per point, in the order of the sample.
    pub scores: Vec<f64>,
}

/// The median of a sample (the mean of the middle two for an even count); `None` when empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// Iglewicz–Hoaglin modified z-scores of `xs`; `None` when `xs` is empty.
pub fn modified_z_scores(xs: &[f64]) -> Option<ModifiedZ> {
    let m = median(xs)?;
    let deviations: Vec<f64> = xs.iter().map(|x| (x - m).abs()).collect();
    let mad = median(&deviations)?;
    let mean_ad = deviations.iter().sum::<f64>() / deviations.len() as f64;
    let (spread, scale) = if mad > 0.0 {
        (Spread::Mad(mad), mad / 0.6745)
    } else if mean_ad > 0.0 {
        (Spread::MeanAbsoluteDeviation(mean_ad), 1.253314 * mean_ad)
    } else {
        (Spread::None, f64::INFINITY)
    };
    Some(ModifiedZ {
        median: m,
        spread,
        scores: xs.iter().map(|x| (x - m) / scale).collect(),
    })
}

/// One year-on-year change: from `from` to `to`, per year when years are missing between.
struct Change {
    from: (Period, f64),
    to: (Period, f64),
    per_year: f64,
}

/// Changes between consecutive annual values of a series sorted by period. Non-annual periods
/// are left out: a quarterly series has seasonal changes that need another model. A change
/// from zero to zero is left out too: long-run series record years before a service existed
/// as zeros (mobile subscriptions from 1960), and decades of zero change would make MAD zero
/// and every real change an "outlier".
fn changes(points: &[(Period, f64)]) -> Vec<Change> {
    let annual: Vec<(i32, f64)> = points
        .iter()
        .filter_map(|&(p, v)| match p {
            Period::Year(y) => Some((y, v)),
            _ => None,
        })
        .collect();
    annual
        .windows(2)
        .filter(|w| w[0].1 != 0.0 || w[1].1 != 0.0)
        .map(|w| {
            let ((y0, v0), (y1, v1)) = (w[0], w[1]);
            Change {
                from: (Period::Year(y0), v0),
                to: (Period::Year(y1), v1),
                per_year: (v1 - v0) / f64::from(y1 - y0),
            }
        })
        .collect()
}

/// The outlier findings of every series, ordered by series then period, each with its rule id.
pub(super) fn outliers(
    observations: &[Observation],
    config: &OutlierConfig,
) -> Vec<(&'static str, Finding)> {
    let mut by_series: HashMap<&SeriesKey, Vec<(Period, f64)>> = HashMap::new();
    for o in observations {
        if let Some(v) = o.value {
            by_series.entry(&o.key).or_default().push((o.period, v));
        }
    }
    let mut series: Vec<_> = by_series.into_iter().collect();
    series.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut found = Vec::new();
    for (key, mut points) in series {
        points.sort_by_key(|&(p, _)| p);
        points.dedup_by_key(|&mut (p, _)| p);
        if points.len() <= config.min_changes {
            continue;
        }
        let label = format!(
            "{} {}",
            series_label(&key.indicator, &key.breakdown),
            key.area
        );
        if let Some(threshold) = config.modified_z {
            found.extend(z_findings(&label, &points, threshold, config.min_changes));
        }
        if let Some(factor) = config.min_max_factor {
            found.extend(min_max_findings(&label, &points, factor));
        }
    }
    found
}

fn z_findings(
    label: &str,
    points: &[(Period, f64)],
    threshold: f64,
    min_changes: usize,
) -> Vec<(&'static str, Finding)> {
    let changes = changes(points);
    if changes.len() < min_changes {
        return Vec::new();
    }
    let per_year: Vec<f64> = changes.iter().map(|c| c.per_year).collect();
    let Some(z) = modified_z_scores(&per_year) else {
        return Vec::new();
    };
    let spread = match z.spread {
        Spread::Mad(mad) => format!("MAD {}", show(mad)),
        Spread::MeanAbsoluteDeviation(mean) => {
            format!("MAD 0, so the mean absolute deviation {}", show(mean))
        }
        Spread::None => return Vec::new(),
    };
    let n = changes.len();
    changes
        .iter()
        .zip(&z.scores)
        .filter(|(_, score)| score.abs() > threshold)
        .map(|(c, score)| {
            let ((p0, v0), (p1, v1)) = (c.from, c.to);
            let finding = Finding {
                column: format!("{label} {p1}"),
                value: format!("{p0}: {} → {p1}: {}", show(v0), show(v1)),
                message: format!(
                    "the change of {}{} a year is an outlier among the series' {n} year-on-year \
                     changes: modified z-score {:.2} beyond ±{} (median change {}, {spread})",
                    if c.per_year < 0.0 { "" } else { "+" },
                    show(c.per_year),
                    score,
                    show(threshold),
                    show(z.median)
                ),
                fix: format!(
                    "check the {p1} and {p0} values against the source; if they are right \
                     (a break in the series, a new definition or source), say so in a footnote"
                ),
            };
            (MODIFIED_Z, finding)
        })
        .collect()
}

/// Values beyond `factor` times the range of the other values. Ratios need non-negative
/// values, which every ICT count, rate and share is; series with a negative value are skipped.
fn min_max_findings(
    label: &str,
    points: &[(Period, f64)],
    factor: f64,
) -> Vec<(&'static str, Finding)> {
    if points.iter().any(|&(_, v)| v < 0.0) {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (i, &(period, v)) in points.iter().enumerate() {
        let others = points.iter().enumerate().filter(|&(j, _)| j != i);
        let (lo, hi) = others.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, p)| {
            (lo.min(p.1), hi.max(p.1))
        });
        let failure = if hi > 0.0 && v > hi * factor {
            format!(
                "above {} × the largest other value {}",
                show(factor),
                show(hi)
            )
        } else if v < lo / factor {
            format!(
                "below the smallest other value {} ÷ {}",
                show(lo),
                show(factor)
            )
        } else {
            continue;
        };
        found.push((
            MIN_MAX,
            Finding {
                column: format!("{label} {period}"),
                value: show(v),
                message: format!(
                    "the {period} value {} is {failure} (the series' other values span [{}, {}])",
                    show(v),
                    show(lo),
                    show(hi)
                ),
                fix: format!(
                    "check the {period} value against the source (a unit or scale slip, \
                     thousands for units, a misplaced decimal point?)"
                ),
            },
        ));
    }
    found
}
