//! `GET /validation`: the validation rules over series, on demand.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::Query;
use super::params::{list, resolve_areas};
use super::{computed, json};
use crate::compute::validation;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ValidationParams {
    /// Areas to check, comma-separated (all when absent).
    pub area: Option<String>,
    /// Also flag year-on-year outliers (modified z-score of the changes, min–max); off by
    /// default, as smooth series with a small spread of changes give many flags.
    pub outliers: Option<bool>,
}

/// Runs the built-in validation rules (female and male values bracket the total, speed tiers
/// sum to the total, subscriptions plausible against population, 4G coverage within 3G within
/// 2G…) over the current data, and optionally the outlier detection. The report has the
/// format of an import report: one diagnostic per finding with the rule, the area and period
/// (`column`), the values compared (`value`), a message and a fix.
#[utoipa::path(get, path = "/validation", tag = "statistics", params(ValidationParams),
    responses(
        (status = 200, description = "The validation report", body = ictstat_core::Report),
        (status = 400, description = "Bad parameter", body = ApiError)))]
pub async fn validate_current(
    State(state): State<AppState>,
    Query(params): Query<ValidationParams>,
) -> Result<Response, ApiError> {
    let areas = resolve_areas(&state.catalog, list(&params.area))?;
    let outliers = params.outliers.unwrap_or(false);
    computed(state, move |snapshot, catalog| {
        json(
            &validation(snapshot, catalog, &areas, None, outliers)
                .map_err(|e| ApiError::bad_request(e.to_string()))?,
        )
    })
    .await
}
