//! `GET /index`: the ICT Development Index.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::Query;
use super::{computed, json};
use crate::compute::index;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IndexParams {
    /// Reference year (default: the latest year with data for any of the ten indicators); each
    /// indicator takes its latest value from that year or the three before.
    pub year: Option<i32>,
}

/// The ICT Development Index (ITU 2023 method, as used for IDI 2024): two pillars, ten
/// indicators, goalposts. Every economy with data is listed with its pillar and indicator
/// scores and completeness; those below the completeness rule (2 of 3 universal, 4 of 7
/// meaningful connectivity indicators) have no score and say why. The parameters ITU's report
/// gives but the reference notes could not confirm (goalposts of traffic and prices, weights)
/// are in `spec`, marked as ictstat defaults in the code.
#[utoipa::path(get, path = "/index", tag = "statistics", params(IndexParams),
    responses(
        (status = 200, description = "Scores and ranks, with the index specification used"),
        (status = 400, description = "Bad parameter", body = ApiError)))]
pub async fn ict_development_index(
    State(state): State<AppState>,
    Query(params): Query<IndexParams>,
) -> Result<Response, ApiError> {
    computed(state, move |snapshot, catalog| {
        json(
            &index(snapshot, catalog, params.year)
                .map_err(|e| ApiError::bad_request(e.to_string()))?,
        )
    })
    .await
}
