//! The observations indexed once for the rules: by series (indicator and breakdown), then by
//! area and period, so that a rule reads the few series it names without scanning the rest.

use std::collections::HashMap;

use ictstat_core::{Breakdown, Observation, Period};

use super::expr::SeriesRef;

type Points<'a> = HashMap<(&'a str, Period), f64>;

/// Values borrowed from a slice of observations. Observations without a value are left out:
/// for every rule an absent row and a row with an empty value are the same missing value.
pub(super) struct Data<'a> {
    series: HashMap<(&'a str, &'a Breakdown), Points<'a>>,
}

impl<'a> Data<'a> {
    /// Indexes the observations of the indicators `wanted` accepts.
    pub fn new(observations: &'a [Observation], wanted: impl Fn(&str) -> bool) -> Self {
        let mut series: HashMap<_, Points<'a>> = HashMap::new();
        for o in observations {
            if let Some(v) = o.value
                && wanted(&o.key.indicator)
            {
                let k = &o.key;
                series
                    .entry((k.indicator.as_str(), &k.breakdown))
                    .or_default()
                    .insert((k.area.as_str(), o.period), v);
            }
        }
        Data { series }
    }

    /// Looking up with keys borrowed for less than `'a` shortens the map's lifetime to theirs.
    fn points<'s>(&'s self, indicator: &'s str, b: &'s Breakdown) -> Option<&'s Points<'s>> {
        self.series.get(&(indicator, b))
    }

    pub fn value(&self, s: &SeriesRef, area: &str, period: Period) -> Option<f64> {
        self.get(&s.indicator, &s.breakdown, area, period)
    }

    pub fn get(&self, indicator: &str, b: &Breakdown, area: &str, period: Period) -> Option<f64> {
        self.points(indicator, b)?.get(&(area, period)).copied()
    }

    /// The areas and periods at which a series has a value.
    pub fn at<'s>(&'s self, s: &'s SeriesRef) -> impl Iterator<Item = (&'s str, Period)> {
        let points = self.points(&s.indicator, &s.breakdown);
        points.into_iter().flat_map(|p| p.keys().copied())
    }

    /// Every series with its points, in no particular order.
    pub fn all(&self) -> impl Iterator<Item = (&'a str, &'a Breakdown, &Points<'a>)> {
        self.series.iter().map(|(&(i, b), p)| (i, b, p))
    }
}
