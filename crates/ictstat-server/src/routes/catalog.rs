//! The catalogue: indicators, frameworks, targets, areas, and the platform's metadata.

use axum::Json;
use axum::extract::{Path, State};
use ictstat_core::{Area, AreaKind, Framework, FrameworkItem, Indicator, Target};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::Query;
use super::observations::{Availability, summarise};
use crate::error::ApiError;
use crate::state::AppState;

/// An indicator in a list.
#[derive(Serialize, ToSchema)]
pub struct IndicatorSummary {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub sdg_indicator: Option<String>,
    /// Frameworks that include the indicator.
    pub frameworks: Vec<String>,
    /// Number of current observations.
    pub observations: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IndicatorParams {
    /// Only indicators of this framework.
    pub framework: Option<String>,
    /// Words that must all occur in the code, name, description or aliases (any case).
    pub q: Option<String>,
}

/// Indicators of the catalogue, optionally of one framework or matching a search.
#[utoipa::path(get, path = "/indicators", tag = "catalogue", params(IndicatorParams),
    responses((status = 200, body = Vec<IndicatorSummary>), (status = 404, body = ApiError)))]
pub async fn list_indicators(
    State(state): State<AppState>,
    Query(p): Query<IndicatorParams>,
) -> Result<Json<Vec<IndicatorSummary>>, ApiError> {
    let found = state
        .catalog
        .find_indicators(p.framework.as_deref(), p.q.as_deref().unwrap_or(""))
        .map_err(|e| ApiError::not_found(e.to_string()))?;
    let snapshot = state.read_model.snapshot();
    let list = found
        .into_iter()
        .map(|i| IndicatorSummary {
            code: i.code.clone(),
            name: i.name.clone(),
            unit: i.unit.clone(),
            sdg_indicator: i.sdg_indicator.clone(),
            frameworks: frameworks_of(&state, &i.code)
                .map(|(f, _)| f.id.clone())
                .collect(),
            observations: snapshot.indicator_rows(&i.code).len(),
        })
        .collect();
    Ok(Json(list))
}

fn frameworks_of<'a>(
    state: &'a AppState,
    code: &'a str,
) -> impl Iterator<Item = (&'a Framework, &'a FrameworkItem)> {
    state.catalog.frameworks.iter().flat_map(move |f| {
        f.items
            .iter()
            .filter(move |it| it.indicators.iter().any(|c| c == code))
            .map(move |it| (f, it))
    })
}

/// An indicator with where it is used, its targets and its data availability.
#[derive(Serialize, ToSchema)]
pub struct IndicatorDetail {
    #[serde(flatten)]
    pub indicator: Indicator,
    /// Framework items that this indicator measures.
    pub framework_items: Vec<FrameworkLink>,
    pub targets: Vec<Target>,
    pub availability: Availability,
}

#[derive(Serialize, ToSchema)]
pub struct FrameworkLink {
    pub framework: String,
    pub item: String,
    pub name: String,
}

/// One indicator, by code or alias.
#[utoipa::path(get, path = "/indicators/{code}", tag = "catalogue",
    params(("code" = String, Path, description = "Indicator code or alias")),
    responses((status = 200, body = IndicatorDetail), (status = 404, body = ApiError)))]
pub async fn get_indicator(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<IndicatorDetail>, ApiError> {
    let Some(ind) = state.catalog.indicator(&code) else {
        return Err(ApiError::not_found(format!("no indicator `{code}`")));
    };
    let framework_items = frameworks_of(&state, &ind.code)
        .map(|(f, it)| FrameworkLink {
            framework: f.id.clone(),
            item: it.code.clone(),
            name: it.name.clone(),
        })
        .collect();
    let targets = state
        .catalog
        .targets
        .iter()
        .filter(|t| t.indicator.as_deref() == Some(ind.code.as_str()))
        .cloned()
        .collect();
    let snapshot = state.read_model.snapshot();
    Ok(Json(IndicatorDetail {
        indicator: ind.clone(),
        framework_items,
        targets,
        availability: summarise(&ind.code, snapshot.indicator_rows(&ind.code)),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct FrameworkSummary {
    pub id: String,
    pub name: String,
    pub version: String,
    pub status: String,
    /// How many items the framework has (`/frameworks/{id}` lists them as `items`).
    pub item_count: usize,
}

/// The indicator frameworks: SDG ICT indicators, core list, thematic list, WSIS targets, IDI, 2030 targets.
#[utoipa::path(get, path = "/frameworks", tag = "catalogue", responses((status = 200, body = Vec<FrameworkSummary>)))]
pub async fn list_frameworks(State(state): State<AppState>) -> Json<Vec<FrameworkSummary>> {
    Json(
        state
            .catalog
            .frameworks
            .iter()
            .map(|f| FrameworkSummary {
                id: f.id.clone(),
                name: f.name.clone(),
                version: f.version.clone(),
                status: f.status.clone(),
                item_count: f.items.len(),
            })
            .collect(),
    )
}

#[derive(Serialize, ToSchema)]
pub struct FrameworkDetail {
    #[serde(flatten)]
    pub framework: Framework,
    pub targets: Vec<Target>,
}

/// One framework as it now stands (its latest final version, see `/frameworks/{id}/versions`)
/// with its items and targets.
#[utoipa::path(get, path = "/frameworks/{id}", tag = "catalogue",
    params(("id" = String, Path, description = "Framework id, e.g. SDG_ICT")),
    responses((status = 200, body = FrameworkDetail), (status = 404, body = ApiError)))]
pub async fn get_framework(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<FrameworkDetail>, ApiError> {
    let f = super::consultation::current_framework(&state, &id).await?;
    let targets = state
        .catalog
        .targets
        .iter()
        .filter(|t| t.framework == f.id)
        .cloned()
        .collect();
    Ok(Json(FrameworkDetail {
        framework: f,
        targets,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AreaParams {
    /// `country`, `world`, `region`, `sub_region`, `intermediate_region`, `special_group`,
    /// `development_group` or `income_group`.
    pub kind: Option<String>,
    /// Only members of this group.
    pub group: Option<String>,
}

/// Areas: countries (UN M49 with ISO codes) and groups.
#[utoipa::path(get, path = "/areas", tag = "catalogue", params(AreaParams),
    responses((status = 200, body = Vec<Area>), (status = 400, body = ApiError)))]
pub async fn list_areas(
    State(state): State<AppState>,
    Query(p): Query<AreaParams>,
) -> Result<Json<Vec<Area>>, ApiError> {
    let kind = match p.kind.as_deref() {
        None => None,
        Some(k) => Some(
            AreaKind::parse(k)
                .ok_or_else(|| ApiError::bad_request(format!("unknown area kind `{k}`")))?,
        ),
    };
    let found = state
        .catalog
        .find_areas(kind, p.group.as_deref())
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    Ok(Json(found.into_iter().cloned().collect()))
}

#[derive(Serialize, ToSchema)]
pub struct AreaDetail {
    #[serde(flatten)]
    pub area: Area,
    /// Groups this area belongs to.
    pub groups: Vec<Area>,
    /// Members, for a group.
    pub members: Vec<Area>,
}

/// One area by M49 code, ISO code or name, with its groups or members.
#[utoipa::path(get, path = "/areas/{code}", tag = "catalogue",
    params(("code" = String, Path, description = "M49 code, ISO alpha-2/alpha-3 code or English name")),
    responses((status = 200, body = AreaDetail), (status = 404, body = ApiError)))]
pub async fn get_area(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<AreaDetail>, ApiError> {
    let c = &state.catalog;
    let Some(area) = c.resolve_area(&code).and_then(|m| c.area(m)) else {
        return Err(ApiError::not_found(format!("no area `{code}`")));
    };
    let lookup = |codes: Vec<&str>| {
        codes
            .into_iter()
            .filter_map(|m| c.area(m))
            .cloned()
            .collect::<Vec<_>>()
    };
    Ok(Json(AreaDetail {
        groups: lookup(c.groups_of(&area.code).collect()),
        members: lookup(c.members(&area.code).collect()),
        area: area.clone(),
    }))
}

/// About this platform: version, holdings, licences and attribution.
#[derive(Serialize, ToSchema)]
pub struct Metadata {
    pub name: &'static str,
    pub version: &'static str,
    pub revision: i64,
    pub observations: usize,
    pub indicators: usize,
    pub frameworks: usize,
    pub areas: usize,
    /// Licences and the attribution that users of the bundled data must give (data/ATTRIBUTION.md).
    pub attribution: &'static str,
}

/// Platform metadata, licences and attribution.
#[utoipa::path(get, path = "/metadata", tag = "catalogue", responses((status = 200, body = Metadata)))]
pub async fn metadata(State(state): State<AppState>) -> Json<Metadata> {
    let snapshot = state.read_model.snapshot();
    Json(Metadata {
        name: "ictstat",
        version: env!("CARGO_PKG_VERSION"),
        revision: snapshot.revision,
        observations: snapshot.len(),
        indicators: state.catalog.indicators.len(),
        frameworks: state.catalog.frameworks.len(),
        areas: state.catalog.areas.len(),
        attribution: include_str!("../../../../data/ATTRIBUTION.md"),
    })
}
