//! Values indexed once by area and year, so that thousands of aggregates look them up cheaply.

use std::collections::BTreeSet;

use ictstat_core::fxhash::FxMap;

/// `(area, year, value)` rows of one series, grouped by area and sorted by year.
///
/// One hash lookup per member and group finds an area's years; a binary search then finds a
/// year or its neighbours for gap filling. Non-finite values are dropped; when an (area, year)
/// appears twice, the later row wins, as a later revision would.
#[derive(Debug, Clone, Default)]
pub struct SeriesIndex<'a> {
    by_area: FxMap<&'a str, Vec<(i32, f64)>>,
}

impl<'a> SeriesIndex<'a> {
    pub fn new(rows: impl IntoIterator<Item = (&'a str, i32, f64)>) -> Self {
        let mut by_area: FxMap<&'a str, Vec<(i32, f64)>> = FxMap::default();
        for (area, year, value) in rows {
            if value.is_finite() {
                by_area.entry(area).or_default().push((year, value));
            }
        }
        for points in by_area.values_mut() {
            // Stable sort keeps input order within a year; reversing first makes the later
            // row of a duplicated year come first, and `dedup_by_key` keeps the first.
            points.reverse();
            points.sort_by_key(|&(year, _)| year);
            points.dedup_by_key(|&mut (year, _)| year);
        }
        SeriesIndex { by_area }
    }

    /// The `(year, value)` pairs of `area`, sorted by year; empty when it has none.
    pub fn series(&self, area: &str) -> &[(i32, f64)] {
        self.by_area.get(area).map_or(&[], Vec::as_slice)
    }

    /// The value of `area` in `year`, if observed.
    pub fn get(&self, area: &str, year: i32) -> Option<f64> {
        let points = self.series(area);
        points
            .binary_search_by_key(&year, |&(y, _)| y)
            .ok()
            .map(|i| points[i].1)
    }

    /// Every year with at least one value, ascending.
    pub fn years(&self) -> BTreeSet<i32> {
        self.by_area
            .values()
            .flat_map(|points| points.iter().map(|&(year, _)| year))
            .collect()
    }
}
