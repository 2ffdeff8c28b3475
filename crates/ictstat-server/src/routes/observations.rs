//! Observations, their versions, availability and the revision log.

use std::collections::{BTreeMap, BTreeSet};

use super::extract::Query;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ictstat_core::{Observation, Period};
use ictstat_store::{ObservationRow, Revision, VersionRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{ObservationParams, resolve_areas, resolve_indicators};
use crate::error::ApiError;
use crate::state::AppState;

/// The most rows a CSV or XLSX download holds (an XLSX worksheet has 1,048,576 rows).
const MAX_DOWNLOAD_ROWS: usize = 1_000_000;

/// A page of observations.
#[derive(Serialize, ToSchema)]
pub struct ObservationPage<'a> {
    /// The revision the data is as of.
    pub revision: i64,
    pub offset: usize,
    pub limit: usize,
    pub returned: usize,
    /// Offset of the next page, when there may be one.
    pub next_offset: Option<usize>,
    pub data: Vec<&'a ObservationRow>,
}

/// Observations filtered by indicator, area or group, breakdown and period, current or as of
/// a revision or time, as JSON, CSV or XLSX.
#[utoipa::path(get, path = "/observations", tag = "data", params(ObservationParams),
    responses(
        (status = 200, description = "A page of observations (JSON), or the selection (up to 1,000,000 rows, or `limit`) as a CSV or XLSX download",
         content((ObservationPage = "application/json"), (String = "text/csv"),
                 (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Bad parameter", body = ApiError),
        (status = 404, description = "No such revision", body = ApiError)))]
pub async fn list_observations(
    State(state): State<AppState>,
    Query(params): Query<ObservationParams>,
) -> Result<Response, ApiError> {
    let mut q = params.to_query(&state.catalog)?;
    let format = params.format.as_deref().unwrap_or("json");
    if !["json", "csv", "xlsx"].contains(&format) {
        return Err(ApiError::bad_request(format!(
            "format `{format}`: use json, csv or xlsx"
        )));
    }
    if format != "json" && params.limit.is_none() {
        // A download is the whole selection, up to what one worksheet can hold.
        q.limit = MAX_DOWNLOAD_ROWS;
    }
    // One row more than asked tells whether there is a next page.
    let probe = ictstat_store::ObservationQuery {
        limit: q.limit.saturating_add(1),
        ..q.clone()
    };
    let snapshot = state.read_model.snapshot();
    let owned: Vec<ObservationRow>;
    let (revision, mut rows): (i64, Vec<&ObservationRow>) = match params.as_of()? {
        None => (snapshot.revision, snapshot.query(&probe)),
        Some(as_of) => {
            let revision = state.db.resolve_public_as_of(&as_of).await?;
            owned = state.db.observations_as_of(&probe, revision).await?;
            (revision, owned.iter().collect())
        }
    };
    let more = rows.len() > q.limit;
    if more && format != "json" && params.limit.is_none() {
        return Err(ApiError::bad_request(format!(
            "the selection has more than {MAX_DOWNLOAD_ROWS} rows: narrow it, or download it in parts with limit and offset"
        )));
    }
    rows.truncate(q.limit);
    match format {
        "csv" => {
            let mut out = Vec::new();
            ictstat_formats::write_long_csv(&mut out, &to_observations(&rows), &state.catalog)
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
            Ok(download(out, "text/csv; charset=utf-8", "observations.csv"))
        }
        "xlsx" => {
            let bytes = ictstat_formats::write_xlsx(
                &to_observations(&rows),
                &state.catalog,
                "observations",
                &citation(revision),
            )
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
            Ok(download(
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "observations.xlsx",
            ))
        }
        _ => Ok(Json(ObservationPage {
            revision,
            offset: q.offset,
            limit: q.limit,
            returned: rows.len(),
            next_offset: more.then(|| q.offset.saturating_add(rows.len())),
            data: rows,
        })
        .into_response()),
    }
}

/// How to cite a download.
fn citation(revision: i64) -> String {
    format!(
        "ictstat data as of revision {revision}. ITU series: {}. Population: {}. See /api/v1/metadata for licences.",
        crate::bootstrap::ITU_SOURCE,
        crate::bootstrap::POPULATION_SOURCE
    )
}

/// A file download: the body with its type and the name a browser saves it under (shared with
/// the dashboard's downloads).
pub fn download(body: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

fn to_observations(rows: &[&ObservationRow]) -> Vec<Observation> {
    rows.iter().filter_map(|r| r.to_observation()).collect()
}

/// Every version of one data point.
#[derive(Serialize, ToSchema)]
pub struct History {
    pub indicator: String,
    pub area: String,
    #[schema(value_type = BTreeMap<String, String>)]
    pub breakdown: ictstat_core::Breakdown,
    pub period: String,
    pub versions: Vec<VersionRow>,
}

/// The published versions of one data point (indicator, area, breakdown, period), oldest
/// first.
#[utoipa::path(get, path = "/observations/history", tag = "data", params(ObservationParams),
    responses((status = 200, body = History), (status = 400, body = ApiError), (status = 404, body = ApiError)))]
pub async fn observation_history(
    State(state): State<AppState>,
    Query(params): Query<ObservationParams>,
) -> Result<Json<History>, ApiError> {
    let one = |value: &Option<String>, name: &str| -> Result<String, ApiError> {
        match value.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() && !v.contains(',') => Ok(v.to_string()),
            _ => Err(ApiError::bad_request(format!(
                "history needs exactly one `{name}`"
            ))),
        }
    };
    let ignored = [
        ("end", params.end.is_some()),
        ("group", params.group.is_some()),
        ("latest", params.latest.is_some()),
        ("as_of", params.as_of.is_some()),
        ("limit", params.limit.is_some()),
        ("offset", params.offset.is_some()),
        ("format", params.format.is_some()),
    ];
    if let Some((name, _)) = ignored.iter().find(|(_, given)| *given) {
        return Err(ApiError::bad_request(format!(
            "history does not take `{name}`: it lists every version of one data point"
        )));
    }
    // Checks the breakdown codes against their codelists.
    params.to_query(&state.catalog)?;
    let indicator =
        resolve_indicators(&state.catalog, vec![&one(&params.indicator, "indicator")?])?.remove(0);
    let area = resolve_areas(&state.catalog, vec![&one(&params.area, "area")?])?.remove(0);
    let period = one(&params.start, "start")?;
    let period = period
        .parse::<Period>()
        .map_err(|e| ApiError::bad_request(e.to_string()))?
        .to_string();
    let breakdown = params.single_breakdown()?;
    let versions = state
        .db
        .history(
            &indicator,
            &area,
            &breakdown,
            &period,
            state.db.published_revision().await?,
        )
        .await?;
    if versions.is_empty() {
        return Err(ApiError::not_found(format!(
            "no data point {indicator} {area} {breakdown} {period}"
        )));
    }
    Ok(Json(History {
        indicator,
        area,
        breakdown,
        period,
        versions,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityParams {
    /// Indicator codes or aliases, comma-separated; all indicators with data when absent.
    pub indicator: Option<String>,
    /// A revision number or an ISO-8601 time: availability as it was then.
    pub as_of: Option<String>,
}

/// What data exists for one indicator.
#[derive(Serialize, ToSchema)]
pub struct Availability {
    pub indicator: String,
    pub observations: usize,
    pub first_period: Option<String>,
    pub last_period: Option<String>,
    /// Per area: number of observations, first and latest period.
    pub areas: BTreeMap<String, AreaAvailability>,
    /// Codes present per breakdown dimension (totals not listed).
    pub breakdowns: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Serialize, ToSchema)]
pub struct AreaAvailability {
    pub observations: usize,
    pub first_period: String,
    pub last_period: String,
}

/// Which areas, periods and breakdowns have current data, per indicator.
#[utoipa::path(get, path = "/availability", tag = "data", params(AvailabilityParams),
    responses((status = 200, body = Vec<Availability>), (status = 400, body = ApiError)))]
pub async fn availability(
    State(state): State<AppState>,
    Query(params): Query<AvailabilityParams>,
) -> Result<Json<Vec<Availability>>, ApiError> {
    let snapshot = state.read_model.snapshot();
    let codes = match params.indicator.as_deref() {
        Some(list) => resolve_indicators(
            &state.catalog,
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect(),
        )?,
        None => {
            let mut all: Vec<String> = snapshot.indicators().map(str::to_string).collect();
            all.sort();
            all
        }
    };
    let Some(as_of) = super::params::parse_as_of(params.as_of.as_deref())? else {
        return Ok(Json(
            codes
                .iter()
                .map(|code| summarise(code, snapshot.indicator_rows(code)))
                .collect(),
        ));
    };
    let revision = state.db.resolve_public_as_of(&as_of).await?;
    let mut out = Vec::new();
    for code in codes {
        let q = ictstat_store::ObservationQuery {
            indicators: vec![code.clone()],
            limit: usize::MAX >> 2,
            ..Default::default()
        };
        out.push(summarise(
            &code,
            &state.db.observations_as_of(&q, revision).await?,
        ));
    }
    Ok(Json(out))
}

pub(crate) fn summarise(code: &str, rows: &[ObservationRow]) -> Availability {
    let mut areas: BTreeMap<String, AreaAvailability> = BTreeMap::new();
    let mut breakdowns: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rows {
        let a = areas
            .entry(r.area.clone())
            .or_insert_with(|| AreaAvailability {
                observations: 0,
                first_period: r.period.clone(),
                last_period: r.period.clone(),
            });
        a.observations += 1;
        if r.period < a.first_period {
            a.first_period = r.period.clone();
        }
        if r.period > a.last_period {
            a.last_period = r.period.clone();
        }
        for (d, c) in r.breakdown.iter() {
            breakdowns
                .entry(d.id().to_string())
                .or_default()
                .insert(c.to_string());
        }
    }
    Availability {
        indicator: code.to_string(),
        observations: rows.len(),
        first_period: areas.values().map(|a| a.first_period.clone()).min(),
        last_period: areas.values().map(|a| a.last_period.clone()).max(),
        areas,
        breakdowns,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The published revision log, newest first: every write a release has made public, with
/// who, when, which file and what changed.
#[utoipa::path(get, path = "/revisions", tag = "data", params(PageParams),
    responses((status = 200, body = Vec<Revision>), (status = 400, body = ApiError)))]
pub async fn list_revisions(
    State(state): State<AppState>,
    Query(p): Query<PageParams>,
) -> Result<Json<Vec<Revision>>, ApiError> {
    let limit = p.limit.unwrap_or(100).clamp(1, 10_000);
    Ok(Json(
        state
            .db
            .revisions(
                state.db.published_revision().await?,
                limit,
                p.offset.unwrap_or(0).max(0),
            )
            .await?,
    ))
}
