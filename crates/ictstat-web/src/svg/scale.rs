//! "Nice" numbers for axes and legends: ticks at 1, 2 or 5 times a power of ten, and class
//! breaks for the map's colour scale.
//!
//! Readers compare a value to the gridline next to it; 20, 40, 60 is read at a glance where
//! 17.3, 34.6, 51.9 is not, so every axis and legend here is built from such steps.

/// The step between about `count` ticks over `[lo, hi]`: 1, 2 or 5 times a power of ten,
/// whichever is nearest (geometrically) to the exact step, as d3's `tickIncrement` chooses it.
/// Returns 1 when the span is empty or not finite.
pub fn nice_step(lo: f64, hi: f64, count: usize) -> f64 {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / count.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let r = raw / power;
    let m = if r >= 50f64.sqrt() {
        10.0
    } else if r >= 10f64.sqrt() {
        5.0
    } else if r >= 2f64.sqrt() {
        2.0
    } else {
        1.0
    };
    m * power
}

/// Ticks for a value axis over `[lo, hi]`: the range widened to whole multiples of
/// [`nice_step`], with every multiple in between, so the first and last ticks are the axis
/// ends. An empty range `[v, v]` becomes `[v, v + 1]` (`[0, 1]` for all zeros).
///
/// ```
/// use ictstat_web::svg::scale::nice_ticks;
/// assert_eq!(nice_ticks(0.0, 87.0, 5), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
/// ```
pub fn nice_ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) {
        return vec![0.0, 1.0];
    }
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo, lo + lo.abs().max(1.0))
    };
    let step = nice_step(lo, hi, count);
    multiples(lo, hi, step)
}

/// Every multiple of `step` from the one at or below `lo` to the one at or above `hi`.
/// Computed as `i / (1 / step)` for steps below 1 so that 0.3 stays 0.3 (not 0.30000000000000004).
pub(crate) fn multiples(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let (first, last) = indexes(lo, hi, step);
    let inverse = (1.0 / step).round();
    (first..=last)
        .map(|i| {
            if step < 1.0 {
                i as f64 / inverse
            } else {
                i as f64 * step
            }
        })
        .collect()
}

/// The indexes of the multiples of `step` at or below `lo` and at or above `hi`, forgiving the
/// rounding error of the division (0.6 / 0.2 is 2.9999999999999996, and means 3).
fn indexes(lo: f64, hi: f64, step: f64) -> (i64, i64) {
    const SLACK: f64 = 1e-9;
    (
        (lo / step + SLACK).floor() as i64,
        (hi / step - SLACK).ceil() as i64,
    )
}

/// Ticks for a year axis over `[first, last]`: whole years at a nice step (1, 2, 5, 10, …)
/// falling inside the range. The range is not widened: a chart starts at its first year.
pub fn year_ticks(first: i32, last: i32, count: usize) -> Vec<i32> {
    let (first, last) = (first.min(last), first.max(last));
    let step = (nice_step(f64::from(first), f64::from(last), count).round() as i32).max(1);
    let start = first.div_euclid(step) * step;
    (0..)
        .map(|i| start + i * step)
        .skip_while(|&y| y < first)
        .take_while(|&y| y <= last)
        .collect()
}

/// How many decimals the labels of ticks `step` apart need (0 for 20, 1 for 0.5, 2 for 0.25).
pub fn step_decimals(step: f64) -> usize {
    (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(6)
}

/// Class breaks for a choropleth of values in `[min, max]`: equal intervals at a nice step,
/// 5 or 6 classes where a nice step gives that many (otherwise the nearest count, 4 or 7).
/// Returns the class edges, lowest first (n classes → n + 1 edges); a value `v` is in class `i`
/// when `edges[i] <= v < edges[i + 1]`, the last class including its upper edge.
///
/// Equal intervals rather than quantiles: a class then means the same thing on every map of an
/// indicator (40–60 % of people online), the legend reads as plain ranges, and a map of a
/// later year shows progress as colours moving up the scale, where quantiles would re-split
/// the countries into equal groups and hide it.
///
/// `[v, v]` gives one class `[v, v]`; no finite range gives no classes.
///
/// ```
/// use ictstat_web::svg::scale::class_breaks;
/// assert_eq!(class_breaks(2.1, 99.7), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
/// ```
pub fn class_breaks(min: f64, max: f64) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || max < min {
        return Vec::new();
    }
    if max == min {
        return vec![min, max];
    }
    let span = max - min;
    let base = 10f64.powf((span / 6.0).log10().floor() - 1.0);
    // Multipliers in order of preference: the 1-2-5 sequence, then 2.5 (0, 25, 50, …).
    const NICE: [(f64, u32); 4] = [(1.0, 0), (2.0, 0), (5.0, 0), (2.5, 1)];
    let mut best: Option<(u32, u32, f64)> = None; // (distance from 5–6, preference, step)
    for power in 0..4 {
        for (m, preference) in NICE {
            let step = m * base * 10f64.powi(power);
            let (first, last) = indexes(min, max, step);
            let classes = last - first;
            let distance = if (5..=6).contains(&classes) {
                0
            } else {
                (classes - 5).abs().min((classes - 6).abs()) as u32
            };
            let key = (distance, preference, step);
            if best.is_none_or(|b| (key.0, key.1) < (b.0, b.1)) {
                best = Some(key);
            }
        }
    }
    let step = best.map_or(span, |b| b.2);
    multiples(min, max, step)
}

/// The index of the class of `edges` (from [`class_breaks`]) that `value` falls in.
pub fn class_of(edges: &[f64], value: f64) -> Option<usize> {
    let classes = edges.len().checked_sub(1)?;
    if classes == 0 || !(edges[0]..=edges[classes]).contains(&value) {
        return None;
    }
    Some(
        edges[1..classes]
            .iter()
            .take_while(|&&edge| value >= edge)
            .count(),
    )
}
