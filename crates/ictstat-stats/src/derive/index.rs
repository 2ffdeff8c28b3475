//! The reported observations a derivation reads, indexed once by their full key.

use ictstat_core::fxhash::FxMap;
use ictstat_core::{Breakdown, Observation, Period};

use super::definition::Definitions;
use super::provenance::is_derived;

/// Indicator, area, period, breakdown: one data point.
type Point<'a> = (&'a str, &'a str, Period, &'a Breakdown);

/// The reported (not derived) observations of the series the definitions name, by point; of
/// two observations of one point, the later wins.
pub(super) struct Index<'a> {
    points: FxMap<Point<'a>, &'a Observation>,
}

impl<'a> Index<'a> {
    pub(super) fn new(definitions: &Definitions, observations: &'a [Observation]) -> Self {
        let points = observations
            .iter()
            .filter(|o| definitions.unit_mult.contains_key(&o.key.indicator) && !is_derived(o))
            .map(|o| {
                let k = &*o.key;
                (
                    (
                        k.indicator.as_str(),
                        k.area.as_str(),
                        o.period,
                        &k.breakdown,
                    ),
                    o,
                )
            })
            .collect();
        Index { points }
    }

    /// The observation of a point, with or without a value.
    pub(super) fn get(
        &self,
        indicator: &str,
        area: &str,
        period: Period,
        breakdown: &Breakdown,
    ) -> Option<&'a Observation> {
        self.points
            .get(&(indicator, area, period, breakdown))
            .copied()
    }

    /// The observations of one series, in no particular order.
    pub(super) fn series(&self, indicator: &str) -> impl Iterator<Item = &'a Observation> {
        self.points
            .iter()
            .filter(move |(p, _)| p.0 == indicator)
            .map(|(_, o)| *o)
    }
}
