//! `GET /progress`: progress toward targets, by several methods side by side.

use axum::extract::State;
use axum::response::Response;
use ictstat_core::Catalog;
use ictstat_stats::progress::{Direction, Method};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::Query;
use super::params::{list, resolve_areas, resolve_indicator};
use super::{computed, json};
use crate::compute::{ProgressRequest, ProgressRequestError, progress};
use crate::error::ApiError;
use crate::state::AppState;

/// Which series, which methods, which target. Lists are comma-separated.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgressParams {
    /// Indicator code or alias.
    pub indicator: String,
    /// Countries and groups (a group's progress is that of its aggregates); every country with
    /// data when absent.
    pub area: Option<String>,
    /// `open_sdg`, `unsd_2022`, `unsd_2023`, `escap_csi`, `escap_api` (default: all, side by
    /// side), each with its documented default options.
    pub method: Option<String>,
    /// A catalogue target id (`UMC2030_INDIVIDUALS`…); by default each area's own target for
    /// the indicator, else the one for every country.
    pub target: Option<String>,
    /// Base year (default 2015).
    pub base_year: Option<i32>,
    /// Without a target: `increase` (default) or `decrease`, the direction of progress.
    pub direction: Option<String>,
}

impl ProgressParams {
    pub fn to_request(&self, catalog: &Catalog) -> Result<ProgressRequest, ApiError> {
        let areas = resolve_areas(catalog, list(&self.area))?;
        let ids = list(&self.method);
        // Empty means every method.
        let methods = if ids.contains(&"all") {
            Vec::new()
        } else {
            ids.iter()
                .map(|id| {
                    Method::all()
                        .into_iter()
                        .find(|m| m.id() == *id)
                        .ok_or_else(|| {
                            ApiError::bad_request(format!(
                                "method `{id}`: use open_sdg, unsd_2022, unsd_2023, escap_csi, \
                                 escap_api or all"
                            ))
                        })
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        let direction = match self.direction.as_deref() {
            None => None,
            Some("increase") => Some(Direction::Increase),
            Some("decrease") => Some(Direction::Decrease),
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "direction `{other}`: use increase or decrease"
                )));
            }
        };
        Ok(ProgressRequest {
            areas,
            methods,
            target: self.target.clone(),
            base_year: self.base_year,
            direction,
        })
    }
}

impl From<ProgressRequestError> for ApiError {
    fn from(e: ProgressRequestError) -> Self {
        ApiError::bad_request(e.to_string())
    }
}

/// Progress of an indicator for countries and groups by the Open SDG (Statistics Canada),
/// UNSD 2022 and 2023 and ESCAP CSI/API methods, each with its status, score where it has one
/// and the components it was computed from, plus the distance to the target.
#[utoipa::path(get, path = "/progress", tag = "statistics", params(ProgressParams),
    responses(
        (status = 200, description = "Per area: points, latest value, target, parameters, distance to target, and one assessment per method"),
        (status = 400, description = "Bad parameter", body = ApiError)))]
pub async fn list_progress(
    State(state): State<AppState>,
    Query(params): Query<ProgressParams>,
) -> Result<Response, ApiError> {
    let code = resolve_indicator(&state.catalog, &params.indicator)?
        .code
        .clone();
    let request = params.to_request(&state.catalog)?;
    computed(state, move |snapshot, catalog| {
        let indicator = resolve_indicator(catalog, &code)?;
        json(&progress(snapshot, catalog, indicator, &request)?)
    })
    .await
}
