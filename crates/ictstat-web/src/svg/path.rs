//! Compact SVG path data for map outlines.
//!
//! The world map is most of the bytes of a map page, so its outlines are written small: points
//! snapped to a tenth of a unit, a point dropped when it lies within [`MIN_STEP`] of the last
//! one kept, each ring an absolute `M` followed by relative `l` steps in tenths (`l1.2-.3 4 .5`),
//! separators only where a number does not start with `-`. Rings that shrink below a
//! triangle vanish (islands smaller than a pixel).

use std::fmt::Write;

use super::geometry::{XyPolygon, XyRing};

/// The smallest step kept, in tenths of a unit: at the map's 960-unit width, half a unit is
/// under a pixel on any screen the pages are drawn on, and dropping closer points makes the
/// 110m outlines about a third smaller.
const MIN_STEP: i64 = 5;

/// Appends the path data of `polygons`, shifted by `offset`.
pub(crate) fn push_polygons(out: &mut String, polygons: &[XyPolygon], offset: (f64, f64)) {
    for ring in polygons.iter().flatten() {
        push_ring(out, ring, offset);
    }
}

fn push_ring(out: &mut String, ring: &XyRing, (ox, oy): (f64, f64)) {
    let mut kept: Vec<(i64, i64)> = Vec::with_capacity(ring.len());
    for &(x, y) in ring {
        let p = (
            ((x + ox) * 10.0).round() as i64,
            ((y + oy) * 10.0).round() as i64,
        );
        match kept.last() {
            Some(&(lx, ly)) if (p.0 - lx).abs().max((p.1 - ly).abs()) < MIN_STEP => {}
            _ => kept.push(p),
        }
    }
    // The closing point is implied by `z`.
    while kept.len() > 1 && kept.first() == kept.last() {
        kept.pop();
    }
    if kept.len() < 3 {
        return;
    }
    let (x0, y0) = kept[0];
    out.push('M');
    push_tenths(out, x0, false);
    push_tenths(out, y0, true);
    out.push('l');
    let mut first = true;
    for w in kept.windows(2) {
        let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        push_tenths(out, dx, !first);
        push_tenths(out, dy, true);
        first = false;
    }
    out.push('z');
}

/// Writes `t` tenths as a decimal number without a leading zero (`12` → `1.2`, `-3` → `-.3`,
/// `40` → `4`), preceded by a space when `separate` and the number does not start with `-`.
fn push_tenths(out: &mut String, t: i64, separate: bool) {
    if t < 0 {
        out.push('-');
    } else if separate {
        out.push(' ');
    }
    let (whole, tenth) = (t.unsigned_abs() / 10, t.unsigned_abs() % 10);
    match (whole, tenth) {
        (0, 0) => out.push('0'),
        (0, d) => {
            let _ = write!(out, ".{d}");
        }
        (w, 0) => {
            let _ = write!(out, "{w}");
        }
        (w, d) => {
            let _ = write!(out, "{w}.{d}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rings_are_relative_tenths() {
        let square = vec![
            (1.0, 2.0),
            (5.0, 2.0),
            (5.0, 2.3),
            (5.0, 6.0),
            (1.0, 6.0),
            (1.0, 2.0),
        ];
        let mut out = String::new();
        push_polygons(&mut out, &[vec![square]], (0.5, 0.0));
        // (5, 2.3) is within half a unit of (5, 2) and is dropped.
        assert_eq!(out, "M1.5 2l4 0 0 4-4 0z");
        let mut tiny = String::new();
        push_polygons(
            &mut tiny,
            &[vec![vec![(0.0, 0.0), (0.1, 0.0), (0.0, 0.1)]]],
            (0.0, 0.0),
        );
        assert_eq!(tiny, "");
        let mut s = String::new();
        push_tenths(&mut s, -3, true);
        push_tenths(&mut s, 7, true);
        assert_eq!(s, "-.3 .7");
        let mut s = String::new();
        push_tenths(&mut s, 12, false);
        push_tenths(&mut s, 0, true);
        push_tenths(&mut s, -40, true);
        assert_eq!(s, "1.2 0-4");
    }
}
