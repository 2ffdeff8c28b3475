//! Colours that people with colour-vision deficiencies can tell apart.

/// Okabe–Ito (Okabe and Ito, *Color Universal Design*, 2008), the eight colours that stay
/// distinct under every common colour-vision deficiency, for chart series. Reordered so the
/// first series get the colours with the most contrast on white; yellow, which is hard to see as
/// a thin line on white, comes last.
pub(crate) const SERIES: [&str; 8] = [
    "#0072B2", // blue
    "#D55E00", // vermillion
    "#009E73", // bluish green
    "#CC79A7", // reddish purple
    "#E69F00", // orange
    "#56B4E9", // sky blue
    "#000000", // black
    "#F0E442", // yellow
];

/// The colour of series number `i`, cycling through [`SERIES`].
pub(crate) fn series(i: usize) -> &'static str {
    SERIES[i % SERIES.len()]
}

/// Countries without a value: a neutral grey, lighter than every class of [`sequential`].
pub(crate) const NO_DATA: &str = "#d9d9d9";
/// Land that is not a country with a code (see `map`), a shade off the no-data grey.
pub(crate) const LAND: &str = "#e8e8e8";
/// Text, axes and outlines.
pub(crate) const INK: &str = "#333333";
pub(crate) const GRID: &str = "#e0e0e0";

/// Matplotlib's viridis at t = 0, 0.1, …, 1: perceptually uniform, readable in grey and under
/// colour-vision deficiencies.
const VIRIDIS: [[u8; 3]; 11] = [
    [0x44, 0x01, 0x54],
    [0x48, 0x24, 0x75],
    [0x41, 0x44, 0x87],
    [0x35, 0x5f, 0x8d],
    [0x2a, 0x78, 0x8e],
    [0x21, 0x91, 0x8c],
    [0x22, 0xa8, 0x84],
    [0x44, 0xbf, 0x70],
    [0x7a, 0xd1, 0x51],
    [0xbd, 0xdf, 0x26],
    [0xfd, 0xe7, 0x25],
];

/// `n` colours for a choropleth, lowest class first: viridis run backwards from light
/// yellow-green (t = 0.92) to dark blue-purple (t = 0.08), so that, as readers expect on a
/// white page, darker means more. The ends of viridis are left out: its last yellow is hard to
/// tell from white and its first purple from black outlines.
pub(crate) fn sequential(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let t = if n <= 1 {
                0.5
            } else {
                0.92 - 0.84 * i as f64 / (n - 1) as f64
            };
            viridis(t)
        })
        .collect()
}

/// Viridis at `t` in [0, 1], interpolated linearly between the stops of [`VIRIDIS`].
fn viridis(t: f64) -> String {
    let x = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let c: Vec<u8> = (0..3)
        .map(|k| {
            let (a, b) = (f64::from(VIRIDIS[i][k]), f64::from(VIRIDIS[i + 1][k]));
            (a + (b - a) * f).round() as u8
        })
        .collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_hits_its_stops() {
        assert_eq!(viridis(0.0), "#440154");
        assert_eq!(viridis(0.5), "#21918c");
        assert_eq!(viridis(1.0), "#fde725");
        let ramp = sequential(6);
        assert_eq!(ramp.len(), 6);
        assert_eq!(
            ramp.iter().collect::<std::collections::HashSet<_>>().len(),
            6
        );
    }
}
