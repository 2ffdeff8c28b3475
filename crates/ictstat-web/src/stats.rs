//! Group aggregates for the pages, computed once per data revision.
//!
//! A page shows the aggregates of several indicators for a few groups; computing every group
//! of one indicator takes a few milliseconds, which would blow the page budget if done per
//! request. The cache keeps, for the current revision only, each indicator's aggregates with
//! the API's default rules (so a page and `/api/v1/aggregates` show the same figures), and
//! empties itself when the revision moves.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ictstat_core::Catalog;
use ictstat_server::compute::{AggregateRequest, aggregates};
use ictstat_store::Snapshot;

/// One group-year aggregate, owned.
#[derive(Debug, Clone)]
pub struct GroupPoint {
    pub year: i32,
    /// `None` when the coverage rule failed.
    pub value: Option<f64>,
    /// Population share of the members with data, 0–1.
    pub coverage: Option<f64>,
    pub countries: usize,
    pub members: usize,
}

/// An indicator's aggregates: group code → points by ascending year.
#[derive(Debug, Default)]
pub struct IndicatorAggregates {
    pub by_group: HashMap<String, Vec<GroupPoint>>,
}

impl IndicatorAggregates {
    pub fn group(&self, code: &str) -> &[GroupPoint] {
        self.by_group.get(code).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The latest published aggregate of a group.
    pub fn latest(&self, code: &str) -> Option<&GroupPoint> {
        self.group(code).iter().rev().find(|p| p.value.is_some())
    }

    /// The published aggregate of a group in `year`.
    pub fn at(&self, code: &str, year: i32) -> Option<&GroupPoint> {
        self.group(code)
            .iter()
            .find(|p| p.year == year && p.value.is_some())
    }
}

#[derive(Debug, Default)]
pub struct StatsCache {
    inner: Mutex<(i64, HashMap<String, Arc<IndicatorAggregates>>)>,
}

impl StatsCache {
    /// The aggregates of `indicator` over `snapshot`; empty for indicators that cannot be
    /// aggregated (no method for their unit) or unknown codes.
    pub fn aggregates(
        &self,
        snapshot: &Snapshot,
        catalog: &Catalog,
        indicator: &str,
    ) -> Arc<IndicatorAggregates> {
        {
            let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            // Only a newer revision empties the cache: a request still holding an older
            // snapshot computes for itself without throwing away the newer entries.
            if snapshot.revision > guard.0 {
                *guard = (snapshot.revision, HashMap::new());
            }
            if guard.0 == snapshot.revision
                && let Some(hit) = guard.1.get(indicator)
            {
                return hit.clone();
            }
        }
        // Computed outside the lock: two pages asking at once may both compute, which costs
        // milliseconds, whereas holding the lock would make every page wait.
        let computed = Arc::new(compute(snapshot, catalog, indicator));
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if guard.0 == snapshot.revision {
            guard.1.insert(indicator.to_string(), computed.clone());
        }
        computed
    }
}

fn compute(snapshot: &Snapshot, catalog: &Catalog, code: &str) -> IndicatorAggregates {
    let Some(indicator) = catalog.indicator(code) else {
        return IndicatorAggregates::default();
    };
    let Ok(result) = aggregates(snapshot, catalog, indicator, &AggregateRequest::default()) else {
        return IndicatorAggregates::default();
    };
    let mut by_group: HashMap<String, Vec<GroupPoint>> = HashMap::new();
    for g in result.data {
        by_group
            .entry(g.group.to_string())
            .or_default()
            .push(GroupPoint {
                year: g.year,
                value: g.aggregate.value,
                coverage: g.aggregate.coverage.weight_share,
                countries: g.aggregate.coverage.countries_with_data,
                members: g.aggregate.coverage.members,
            });
    }
    IndicatorAggregates { by_group }
}

/// The Open SDG (Statistics Canada) progress status of a series toward a target — the method
/// national SDG platforms show — or `None` when the target cannot be assessed (no value).
pub fn progress_status(
    points: &[(i32, f64)],
    target: &ictstat_core::Target,
) -> Option<&'static str> {
    use ictstat_stats::progress::distance::spec_for_target;
    use ictstat_stats::progress::{Method, Point, assess};
    let spec = spec_for_target(target).ok()?;
    let points: Vec<Point> = points.iter().map(|&(y, v)| Point::new(y, v)).collect();
    let assessment = assess(&points, &spec, &Method::OpenSdg(Default::default())).ok()?;
    Some(assessment.status())
}
