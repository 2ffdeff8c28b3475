//! Sparklines: a year-by-year trend in a table cell, 100×24.

use std::fmt::Write;

use super::escape;
use super::number::push_coord;

const WIDTH: f64 = 100.0;
const HEIGHT: f64 = 24.0;
/// Room around the line for the end mark and the stroke.
const PAD: f64 = 3.0;

/// A sparkline of `(year, value)` points: a line scaled to fill the box (the value axis runs
/// from the lowest to the highest value, not from 0: the shape of the trend is the point),
/// and a dot on the last year, the value a table cell usually shows next to it. Drawn in
/// `currentColor`, so it takes the colour of the text around it; `role="img"` with `label` as
/// its accessible name and tooltip.
///
/// Points are sorted by year here; values that are not finite are left out. With no point
/// left the result is the empty string (a page shows nothing, or its own dash); one point is
/// a dot in the middle.
pub fn sparkline(points: &[(i32, f64)], label: &str) -> String {
    let mut points: Vec<(i32, f64)> = points.iter().copied().filter(|p| p.1.is_finite()).collect();
    points.sort_by_key(|p| p.0);
    let (Some(first), Some(last)) = (points.first().copied(), points.last().copied()) else {
        return String::new();
    };
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
    let x = |year: i32| {
        if last.0 == first.0 {
            WIDTH / 2.0
        } else {
            PAD + f64::from(year - first.0) / f64::from(last.0 - first.0) * (WIDTH - 2.0 * PAD)
        }
    };
    let y = |v: f64| {
        if hi == lo {
            HEIGHT / 2.0
        } else {
            PAD + (hi - v) / (hi - lo) * (HEIGHT - 2.0 * PAD)
        }
    };
    let label = escape(label);
    let mut out = String::with_capacity(256 + points.len() * 12);
    let _ = write!(
        out,
        r#"<svg class="spark" role="img" aria-label="{label}" viewBox="0 0 100 24" width="100" height="24" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>"#
    );
    if points.len() > 1 {
        out.push_str(r#"<path d=""#);
        for (i, &(year, v)) in points.iter().enumerate() {
            out.push(if i == 0 { 'M' } else { 'L' });
            push_coord(&mut out, x(year));
            out.push(',');
            push_coord(&mut out, y(v));
        }
        out.push_str(r#"" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>"#);
    }
    out.push_str(r#"<circle class="last" cx=""#);
    push_coord(&mut out, x(last.0));
    out.push_str(r#"" cy=""#);
    push_coord(&mut out, y(last.1));
    out.push_str(r#"" r="2.5" fill="currentColor"/></svg>"#);
    out
}
