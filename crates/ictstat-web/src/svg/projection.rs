//! The Equal Earth projection (Šavrič, Patterson and Jenny, 2018), as d3-geo computes it.
//!
//! Equal Earth is equal-area, so a country's size on the map is its size on the ground (a
//! choropleth on Mercator makes Greenland and Russia dominate), and it keeps the familiar
//! pseudo-cylindrical look; Our World in Data uses it for the same reasons. The formulas and
//! constants are those of d3-geo's `geoEqualEarth`, and [`EqualEarth::D3`] has its default
//! scale and translation, so our coordinates can be checked against d3's (the tests do).

/// Polynomial coefficients of Equal Earth.
const A1: f64 = 1.340264;
const A2: f64 = -0.081106;
const A3: f64 = 0.000893;
const A4: f64 = 0.003796;

/// An Equal Earth projection: the raw projection scaled by `scale`, with the y axis pointing
/// down (SVG) and (0°, 0°) at `translate`. No rotation: the central meridian is Greenwich.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EqualEarth {
    pub scale: f64,
    pub translate: (f64, f64),
}

impl EqualEarth {
    /// d3-geo's `geoEqualEarth()` defaults: scale 177.158, translate [480, 250]; the world is
    /// then about 959 units wide, fitting a 960-wide frame.
    pub const D3: EqualEarth = EqualEarth {
        scale: 177.158,
        translate: (480.0, 250.0),
    };

    /// The unscaled projection of (λ, φ) in radians, y pointing north (d3's `geoEqualEarthRaw`).
    pub fn raw(lambda: f64, phi: f64) -> (f64, f64) {
        let m = 3f64.sqrt() / 2.0;
        let l = (m * phi.sin()).asin();
        let l2 = l * l;
        let l6 = l2 * l2 * l2;
        (
            lambda * l.cos() / (m * (A1 + 3.0 * A2 * l2 + l6 * (7.0 * A3 + 9.0 * A4 * l2))),
            l * (A1 + A2 * l2 + l6 * (A3 + A4 * l2)),
        )
    }

    /// Projects a longitude and latitude in degrees to SVG coordinates.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = Self::raw(lon.to_radians(), lat.to_radians());
        (
            self.translate.0 + self.scale * x,
            self.translate.1 - self.scale * y,
        )
    }
}
