//! Every group × year aggregate of one indicator.

use ictstat_core::Catalog;
use serde::Serialize;

use super::compute::{Aggregate, Member, aggregate};
use super::coverage::CoverageRule;
use super::gapfill::{GapFill, fill};
use super::method::Method;
use super::series::SeriesIndex;

/// A group and its member countries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group<'a> {
    pub code: &'a str,
    pub members: Vec<&'a str>,
}

/// Every group of the catalogue (World, regions, special, development and income groups) with
/// its members, in catalogue order.
pub fn catalog_groups(catalog: &Catalog) -> Vec<Group<'_>> {
    catalog
        .areas
        .iter()
        .filter(|area| area.kind.is_group())
        .map(|area| Group {
            code: &area.code,
            members: catalog.members(&area.code).collect(),
        })
        .collect()
}

/// How one indicator is aggregated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spec {
    pub method: Method,
    pub coverage: CoverageRule,
    pub gap_fill: GapFill,
}

/// The aggregate of one group in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupYear<'a> {
    pub group: &'a str,
    pub year: i32,
    pub aggregate: Aggregate<'a>,
}

/// Aggregates `values` for every group and every year in which any area has a value.
///
/// `weights` holds the series named by `spec.method.weight()` (population unless a weighted
/// mean names another); weights are used as observed, never gap-filled. Group-years in which no
/// member has a value, even gap-filled, are left out; those whose coverage fails are kept, with
/// no value, so that the coverage can be shown. Results come group by group, years ascending.
pub fn aggregate_all<'a>(
    values: &SeriesIndex<'a>,
    weights: &SeriesIndex<'a>,
    groups: &[Group<'a>],
    spec: &Spec,
) -> Vec<GroupYear<'a>> {
    let years = values.years();
    let mut out = Vec::new();
    let mut members = Vec::new();
    for group in groups {
        let series: Vec<_> = group
            .members
            .iter()
            .map(|&area| (area, values.series(area)))
            .collect();
        for &year in &years {
            members.clear();
            members.extend(series.iter().map(|&(area, points)| Member {
                area,
                value: fill(points, year, spec.gap_fill),
                weight: weights.get(area, year),
            }));
            if members.iter().any(|m| m.value.is_some()) {
                out.push(GroupYear {
                    group: group.code,
                    year,
                    aggregate: aggregate(&spec.method, &spec.coverage, &members),
                });
            }
        }
    }
    out
}
