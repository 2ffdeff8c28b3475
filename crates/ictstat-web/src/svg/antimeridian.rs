//! Cutting polygons at the antimeridian (±180°).
//!
//! world-atlas keeps rings whole where they cross 180° (Russia's Chukotka, Fiji): a ring steps
//! from 179.9° to −179.9°. d3 cuts such rings on the sphere while projecting; drawn naively they
//! become a stroke across the whole map. Here a crossing polygon is unwrapped into continuous
//! longitudes, then clipped to [−180°, 180°] once as it is and once shifted by ±360°, giving
//! one piece on each side. Clipping is Sutherland–Hodgman against a meridian with the crossing
//! latitude interpolated linearly, which is exact enough at the scale of these maps. Polygons
//! around a pole (only Antarctica, which the map leaves out) are not handled.

use super::topojson::{LonLat, Polygon, Ring};

/// `polygon` as is when no ring crosses the antimeridian, else its pieces on either side.
pub(crate) fn cut(polygon: &Polygon) -> Vec<Polygon> {
    let crosses = polygon
        .iter()
        .any(|ring| ring.windows(2).any(|w| (w[1][0] - w[0][0]).abs() > 180.0));
    if !crosses {
        return vec![polygon.clone()];
    }
    let reference = polygon
        .first()
        .and_then(|r| r.first())
        .map_or(0.0, |p| p[0]);
    let unwrapped: Polygon = polygon.iter().map(|r| unwrap(r, reference)).collect();
    [-360.0, 0.0, 360.0]
        .into_iter()
        .filter_map(|shift| {
            let mut rings = unwrapped.iter().filter_map(|ring| {
                let shifted: Ring = ring.iter().map(|p| [p[0] + shift, p[1]]).collect();
                let clipped = clip(&clip(&shifted, -180.0, true), 180.0, false);
                (clipped.len() >= 3).then_some(clipped)
            });
            // A piece exists when its exterior ring does; holes follow it.
            let exterior = rings.next()?;
            Some(std::iter::once(exterior).chain(rings).collect())
        })
        .collect()
}

/// Longitudes made continuous (no step over 180°), starting within 180° of `reference`.
fn unwrap(ring: &Ring, reference: f64) -> Ring {
    let mut out: Ring = Vec::with_capacity(ring.len());
    let mut previous = reference;
    for &[lon, lat] in ring {
        let lon = lon - 360.0 * ((lon - previous) / 360.0).round();
        out.push([lon, lat]);
        previous = lon;
    }
    out
}

/// The part of `ring` east of `meridian` (`keep_east`) or west of it, as a closed ring.
fn clip(ring: &Ring, meridian: f64, keep_east: bool) -> Ring {
    let inside = |p: &LonLat| {
        if keep_east {
            p[0] >= meridian
        } else {
            p[0] <= meridian
        }
    };
    let crossing = |a: &LonLat, b: &LonLat| {
        let t = (meridian - a[0]) / (b[0] - a[0]);
        [meridian, a[1] + t * (b[1] - a[1])]
    };
    let mut out: Ring = Vec::with_capacity(ring.len() + 4);
    for (i, b) in ring.iter().enumerate() {
        let a = &ring[(i + ring.len() - 1) % ring.len()];
        match (inside(a), inside(b)) {
            (true, true) => out.push(*b),
            (true, false) => out.push(crossing(a, b)),
            (false, true) => {
                out.push(crossing(a, b));
                out.push(*b);
            }
            (false, false) => {}
        }
    }
    if let (Some(&first), Some(&last)) = (out.first(), out.last())
        && first != last
    {
        out.push(first);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_across_180_is_cut_in_two() {
        // A box from 170°E to 170°W (= 190°E), latitudes 10°–20°.
        let ring = vec![
            [170.0, 10.0],
            [-170.0, 10.0],
            [-170.0, 20.0],
            [170.0, 20.0],
            [170.0, 10.0],
        ];
        let pieces = cut(&vec![ring]);
        assert_eq!(pieces.len(), 2);
        for piece in &pieces {
            let lons: Vec<f64> = piece[0].iter().map(|p| p[0]).collect();
            let (lo, hi) = lons
                .iter()
                .fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
            assert!(hi - lo <= 10.0 + 1e-9, "{lons:?}");
            assert!(lons.iter().any(|&x| x.abs() == 180.0));
        }
    }

    #[test]
    fn other_rings_are_left_alone() {
        let ring = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]];
        assert_eq!(cut(&vec![ring.clone()]), vec![vec![ring]]);
    }
}
