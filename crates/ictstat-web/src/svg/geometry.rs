//! Plane geometry on projected coordinates: bounding boxes, areas, centroids.
//!
//! Equal Earth preserves area, so areas and area-weighted centroids computed on the projected
//! plane are proportional to those on the ground (up to the distortion of shape, which is small
//! for the small countries this is used for).

/// A point on the projected plane.
pub(crate) type Xy = (f64, f64);
/// A closed ring (first point repeated last, or not: both are handled).
pub(crate) type XyRing = Vec<Xy>;
/// An exterior ring followed by its holes.
pub(crate) type XyPolygon = Vec<XyRing>;

/// An axis-aligned bounding box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BBox {
    pub min: Xy,
    pub max: Xy,
}

impl BBox {
    pub const EMPTY: BBox = BBox {
        min: (f64::INFINITY, f64::INFINITY),
        max: (f64::NEG_INFINITY, f64::NEG_INFINITY),
    };

    pub fn add(&mut self, (x, y): Xy) {
        self.min = (self.min.0.min(x), self.min.1.min(y));
        self.max = (self.max.0.max(x), self.max.1.max(y));
    }

    pub fn union(&mut self, other: &BBox) {
        if other.min.0 <= other.max.0 {
            self.add(other.min);
            self.add(other.max);
        }
    }

    pub fn of<'a>(points: impl IntoIterator<Item = &'a Xy>) -> BBox {
        let mut b = BBox::EMPTY;
        for &p in points {
            b.add(p);
        }
        b
    }

    pub fn width(&self) -> f64 {
        self.max.0 - self.min.0
    }

    pub fn height(&self) -> f64 {
        self.max.1 - self.min.1
    }
}

/// The signed area of a ring (shoelace formula) and its centroid.
fn ring_moments(ring: &[Xy]) -> (f64, Xy) {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (i, &(x0, y0)) in ring.iter().enumerate() {
        let (x1, y1) = ring[(i + 1) % ring.len()];
        let cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if a == 0.0 {
        return (0.0, mean(ring));
    }
    (a / 2.0, (cx / (3.0 * a), cy / (3.0 * a)))
}

fn mean(ring: &[Xy]) -> Xy {
    let n = ring.len().max(1) as f64;
    let (sx, sy) = ring
        .iter()
        .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x, sy + y));
    (sx / n, sy / n)
}

/// The area of a polygon: its exterior ring less its holes, whatever their winding.
pub(crate) fn area(polygon: &XyPolygon) -> f64 {
    polygon
        .iter()
        .enumerate()
        .map(|(i, ring)| {
            let a = ring_moments(ring).0.abs();
            if i == 0 { a } else { -a }
        })
        .sum()
}

/// The area-weighted centroid of a polygon, its holes subtracted. A polygon without area (a
/// sliver) gives the mean of its exterior ring's points.
pub(crate) fn centroid(polygon: &XyPolygon) -> Xy {
    let (mut total, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for (i, ring) in polygon.iter().enumerate() {
        let (a, (cx, cy)) = ring_moments(ring);
        let a = if i == 0 { a.abs() } else { -a.abs() };
        total += a;
        sx += a * cx;
        sy += a * cy;
    }
    if total.abs() < 1e-12 {
        return polygon.first().map_or((0.0, 0.0), |r| mean(r));
    }
    (sx / total, sy / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, side: f64) -> XyRing {
        vec![
            (x, y),
            (x + side, y),
            (x + side, y + side),
            (x, y + side),
            (x, y),
        ]
    }

    #[test]
    fn centroid_subtracts_holes_whatever_the_winding() {
        let outer = square(0.0, 0.0, 4.0);
        let mut hole = square(2.0, 0.0, 2.0); // the right half of the bottom
        assert_eq!(centroid(&vec![outer.clone()]), (2.0, 2.0));
        assert_eq!(area(&vec![outer.clone(), hole.clone()]), 12.0);
        let c = centroid(&vec![outer.clone(), hole.clone()]);
        hole.reverse();
        assert_eq!(centroid(&vec![outer, hole]), c);
        // 16·(2,2) − 4·(3,1) over 12
        assert!((c.0 - 20.0 / 12.0).abs() < 1e-12 && (c.1 - 28.0 / 12.0).abs() < 1e-12);
    }

    #[test]
    fn bbox_measures() {
        let b = BBox::of(&square(1.0, 2.0, 3.0));
        assert_eq!((b.width(), b.height()), (3.0, 3.0));
        let mut u = BBox::EMPTY;
        u.union(&BBox::EMPTY);
        assert_eq!(u, BBox::EMPTY);
        u.union(&b);
        assert_eq!(u, b);
    }
}
