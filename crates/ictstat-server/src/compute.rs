//! The statistics engine over the current data: what the API and `ictstat compute` share:
//! group aggregates, progress toward targets, the ICT Development Index and the validation
//! rules over series.
//!
//! Aggregates are computed from the read model on request rather than stored: every group ×
//! year of an indicator takes milliseconds (all of the bundled data, well under a second; see
//! BENCHMARKS.md), so they are always those of the current revision, recomputed by the import
//! that changed their inputs, with no second copy of the data to keep in step.

use ictstat_core::{Catalog, Indicator, Observation, Report, Target};
use ictstat_stats::aggregate::{
    CoverageRule, GapFill, Group, GroupYear, MethodRule, SeriesIndex, Spec, Weight, aggregate_all,
    catalog_groups,
};
use ictstat_stats::checks::{Checks, RuleError};
use ictstat_stats::index::{IndexSpec, Score, SpecError};
use ictstat_stats::progress::distance::{Distance, distance_to, spec_for_target};
use ictstat_stats::progress::{
    Assessment, Direction, Method, Point, ProgressError, SeriesSpec, assess_all,
};
use ictstat_store::{ObservationRow, Snapshot};
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
    /// List the countries each aggregate rests on (with their values, weights and whether
    /// gap-filled); off, an aggregate is its value and coverage.
    pub contributors: bool,
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
    SeriesIndex::new(
        snapshot
            .indicator_rows(code)
            .iter()
            .filter_map(annual_total),
    )
}

/// (area, year, value) of an annual, not disaggregated, non-missing observation.
fn annual_total(r: &ObservationRow) -> Option<(&str, i32, f64)> {
    let year = (r.period.len() == 4).then(|| r.period.parse::<i32>().ok())??;
    r.breakdown
        .is_total()
        .then_some((r.area.as_str(), year, r.value?))
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
        .map(|mut g| {
            if !request.contributors {
                g.aggregate.contributors = Vec::new();
            }
            g
        })
        .collect();
    Ok(Aggregates {
        indicator: &indicator.code,
        revision: snapshot.revision,
        spec,
        data,
    })
}

/// What to assess; `None`s and empty lists take the defaults.
#[derive(Debug, Clone, Default)]
pub struct ProgressRequest {
    /// Countries and groups; every country with data when empty.
    pub areas: Vec<String>,
    /// Methods with their options; all when empty.
    pub methods: Vec<Method>,
    /// A catalogue target id; else each area's own target for the indicator, else the one for
    /// every country, else none.
    pub target: Option<String>,
    pub base_year: Option<i32>,
    /// Without a target, the direction the indicator should move (default: increase).
    pub direction: Option<Direction>,
}

/// The progress of one area.
#[derive(Debug, Serialize)]
pub struct AreaProgress<'a> {
    pub area: &'a str,
    pub area_name: &'a str,
    /// Whether the points are the area's own values or a group's aggregates.
    pub aggregated: bool,
    pub points: usize,
    pub latest: Option<Point>,
    pub target: Option<&'a Target>,
    pub spec: SeriesSpec,
    pub distance: Option<Distance>,
    pub assessments: Vec<Assessment>,
}

#[derive(Debug, Serialize)]
pub struct Progress<'a> {
    pub indicator: &'a str,
    pub revision: i64,
    pub data: Vec<AreaProgress<'a>>,
}

/// Why progress cannot be assessed.
#[derive(Debug, thiserror::Error)]
pub enum ProgressRequestError {
    #[error("unknown target `{0}`")]
    UnknownTarget(String),
    #[error("target {target} is for {target_indicator}, not {indicator}")]
    OtherIndicator {
        target: String,
        target_indicator: String,
        indicator: String,
    },
    #[error(transparent)]
    Target(#[from] ProgressError),
    #[error(transparent)]
    Aggregate(#[from] AggregateError),
}

/// The target that applies to `area`: the requested one, else the area's own, else the one
/// for every country (confirmed ones first).
fn target_for<'a>(
    catalog: &'a Catalog,
    indicator: &str,
    area: &str,
    requested: Option<&'a Target>,
) -> Option<&'a Target> {
    if requested.is_some() {
        return requested;
    }
    let mut candidates: Vec<&Target> = catalog
        .targets
        .iter()
        .filter(|t| t.indicator.as_deref() == Some(indicator) && t.value.is_some())
        .filter(|t| t.area.as_deref().is_none_or(|a| a == area))
        .collect();
    candidates.sort_by_key(|t| (t.area.is_none(), !t.confirmed));
    candidates.into_iter().next()
}

/// Progress of `indicator` for each requested area, by each requested method.
pub fn progress<'a>(
    snapshot: &'a Snapshot,
    catalog: &'a Catalog,
    indicator: &'a Indicator,
    request: &ProgressRequest,
) -> Result<Progress<'a>, ProgressRequestError> {
    let requested = match &request.target {
        None => None,
        Some(id) => {
            let t = catalog
                .targets
                .iter()
                .find(|t| t.id.eq_ignore_ascii_case(id))
                .ok_or_else(|| ProgressRequestError::UnknownTarget(id.clone()))?;
            if t.indicator.as_deref() != Some(indicator.code.as_str()) {
                return Err(ProgressRequestError::OtherIndicator {
                    target: t.id.clone(),
                    target_indicator: t.indicator.clone().unwrap_or_else(|| "no series".into()),
                    indicator: indicator.code.clone(),
                });
            }
            Some(t)
        }
    };
    let values = annual_totals(snapshot, &indicator.code);
    let areas: Vec<&'a str> = if request.areas.is_empty() {
        let mut with_data: Vec<&str> = snapshot
            .indicator_rows(&indicator.code)
            .iter()
            .filter(|r| catalog.area(&r.area).is_some_and(|a| !a.kind.is_group()))
            .map(|r| r.area.as_str())
            .collect();
        with_data.dedup();
        with_data
    } else {
        request
            .areas
            .iter()
            .filter_map(|a| catalog.area(a).map(|x| x.code.as_str()))
            .collect()
    };
    let methods = if request.methods.is_empty() {
        Method::all().to_vec()
    } else {
        request.methods.clone()
    };
    let mut data = Vec::with_capacity(areas.len());
    for area in areas {
        let Some(info) = catalog.area(area) else {
            continue;
        };
        let aggregated = info.kind.is_group();
        let points: Vec<Point> = if aggregated {
            let agg = aggregates(
                snapshot,
                catalog,
                indicator,
                &AggregateRequest {
                    groups: vec![area.to_string()],
                    ..AggregateRequest::default()
                },
            )?;
            agg.data
                .iter()
                .filter_map(|g| g.aggregate.value.map(|v| Point::new(g.year, v)))
                .collect()
        } else {
            values
                .series(area)
                .iter()
                .map(|&(year, value)| Point::new(year, value))
                .collect()
        };
        let target = target_for(catalog, &indicator.code, area, requested);
        let mut spec = match target {
            Some(t) => spec_for_target(t)?,
            None => SeriesSpec::new(request.direction.unwrap_or(Direction::Increase)),
        };
        if let Some(base) = request.base_year {
            spec = spec.with_base_year(base);
        }
        let latest = points.iter().max_by_key(|p| p.year).copied();
        let distance = match (latest, target) {
            (Some(l), Some(t)) => Some(distance_to(l, t)?),
            _ => None,
        };
        let assessments = assess_all(&points, &spec, &methods)?;
        data.push(AreaProgress {
            area: &info.code,
            area_name: &info.name,
            aggregated,
            points: points.len(),
            latest,
            target,
            spec,
            distance,
            assessments,
        });
    }
    Ok(Progress {
        indicator: &indicator.code,
        revision: snapshot.revision,
        data,
    })
}

/// The ICT Development Index of one year, with the parameters it was computed with.
#[derive(Debug, Serialize)]
pub struct IndexScores {
    pub revision: i64,
    pub year: i32,
    pub spec: IndexSpec,
    pub data: Vec<Score>,
}

/// The ITU ICT Development Index of `year` (default: the latest year with data for any of its
/// indicators) for every country with data; those below the completeness rule are listed with
/// the reason and no score.
pub fn index(
    snapshot: &Snapshot,
    catalog: &Catalog,
    year: Option<i32>,
) -> Result<IndexScores, SpecError> {
    let spec = IndexSpec::itu_2024();
    let mut rows = Vec::new();
    for (_, item) in spec.indicators() {
        let country = |area: &str| catalog.area(area).is_some_and(|a| !a.kind.is_group());
        rows.extend(
            snapshot
                .indicator_rows(&item.indicator)
                .iter()
                .filter_map(annual_total)
                .filter(|(area, _, _)| country(area))
                .map(|(area, year, value)| (area, item.indicator.as_str(), year, value)),
        );
    }
    let year = year
        .or_else(|| rows.iter().map(|r| r.2).max())
        .unwrap_or_default();
    let data = ictstat_stats::index::compute(&spec, rows, year)?;
    Ok(IndexScores {
        revision: snapshot.revision,
        year,
        spec,
        data,
    })
}

/// The validation rules over the current data of `areas` (all when empty): the built-in
/// rules of `ictstat_stats::checks`, or those of `rules` (TOML) instead, with year-on-year
/// outlier detection when `outliers` is set. The report has the import report's format.
pub fn validation(
    snapshot: &Snapshot,
    catalog: &Catalog,
    areas: &[String],
    rules: Option<&str>,
    outliers: bool,
) -> Result<Report, RuleError> {
    let mut checks = match rules {
        Some(text) => Checks::parse(text)?,
        None => Checks::builtin(),
    };
    if !outliers {
        checks.outliers = None;
    }
    let observations: Vec<Observation> = snapshot
        .indicators()
        .flat_map(|code| snapshot.indicator_rows(code))
        .filter(|r| areas.is_empty() || areas.contains(&r.area))
        .filter_map(ObservationRow::to_observation)
        .collect();
    Ok(checks.run(
        &observations,
        catalog,
        &format!("current data, revision {}", snapshot.revision),
    ))
}
