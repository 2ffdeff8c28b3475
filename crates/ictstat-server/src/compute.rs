//! The statistics engine over the current data: what the API and `ictstat compute` share.
//!
//! Aggregates are computed from the read model on request rather than stored: every group ×
//! year of an indicator takes milliseconds (all of the bundled data, well under a second; see
//! BENCHMARKS.md), so they are always those of the current revision, recomputed by the import
//! that changed their inputs, with no second copy of the data to keep in step.

use ictstat_core::{Catalog, Indicator};
use ictstat_stats::aggregate::{
    CoverageRule, GapFill, Group, GroupYear, MethodRule, SeriesIndex, Spec, Weight, aggregate_all,
    catalog_groups,
};
use ictstat_store::Snapshot;
use serde::Serialize;

/// The series whose values weigh a population-weighted mean.
pub const POPULATION: &str = "SP_POP_TOTL";

/// What to aggregate and how; `None`s take the indicator's defaults.
#[derive(Debug, Clone, Default)]
pub struct AggregateRequest {
    /// Group codes; all groups of the catalogue when empty.
    pub groups: Vec<String>,
    pub start: Option<i32>,
    pub end: Option<i32>,
    pub coverage: Option<CoverageRule>,
    pub gap_fill: GapFill,
}

/// The aggregates of one indicator, with how they were made.
#[derive(Debug, Serialize)]
pub struct Aggregates<'a> {
    pub indicator: &'a str,
    /// The data revision they are computed from.
    pub revision: i64,
    pub spec: Spec,
    pub data: Vec<GroupYear<'a>>,
}

/// Why an indicator cannot be aggregated.
#[derive(Debug, thiserror::Error)]
pub enum AggregateError {
    #[error(
        "indicator {0} has no aggregation method (its unit cannot be summed or averaged across countries)"
    )]
    NoMethod(String),
    #[error("unknown group `{0}`")]
    UnknownGroup(String),
}

/// Annual national totals of `code` (the values aggregates are made from).
fn annual_totals<'a>(snapshot: &'a Snapshot, code: &str) -> SeriesIndex<'a> {
    SeriesIndex::new(snapshot.indicator_rows(code).iter().filter_map(|r| {
        let year = (r.period.len() == 4).then(|| r.period.parse::<i32>().ok())??;
        (r.breakdown.is_total()).then_some((r.area.as_str(), year, r.value?))
    }))
}

/// Every group × year aggregate of `indicator` in the current data.
pub fn aggregates<'a>(
    snapshot: &'a Snapshot,
    catalog: &'a Catalog,
    indicator: &'a Indicator,
    request: &AggregateRequest,
) -> Result<Aggregates<'a>, AggregateError> {
    let method = MethodRule::default()
        .method_for(indicator)
        .ok_or_else(|| AggregateError::NoMethod(indicator.code.clone()))?;
    let weight_code = match method.weight() {
        Weight::Population => POPULATION,
        Weight::Series(code) => code.as_str(),
    };
    let spec = Spec {
        method: method.clone(),
        coverage: request.coverage.unwrap_or_default(),
        gap_fill: request.gap_fill,
    };
    let groups: Vec<Group<'a>> = if request.groups.is_empty() {
        catalog_groups(catalog)
    } else {
        request
            .groups
            .iter()
            .map(|code| {
                let area = catalog
                    .area(code)
                    .filter(|a| a.kind.is_group())
                    .ok_or_else(|| AggregateError::UnknownGroup(code.clone()))?;
                Ok(Group {
                    code: &area.code,
                    members: catalog.members(&area.code).collect(),
                })
            })
            .collect::<Result<_, AggregateError>>()?
    };
    let values = annual_totals(snapshot, &indicator.code);
    let weights = annual_totals(snapshot, weight_code);
    let data = aggregate_all(&values, &weights, &groups, &spec)
        .into_iter()
        .filter(|g| {
            request.start.is_none_or(|s| g.year >= s) && request.end.is_none_or(|e| g.year <= e)
        })
        .collect();
    Ok(Aggregates {
        indicator: &indicator.code,
        revision: snapshot.revision,
        spec,
        data,
    })
}
