//! `GET /aggregates`: group aggregates with their coverage.

use axum::extract::State;
use axum::response::Response;
use ictstat_stats::aggregate::{CoverageRule, GapFill};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::Query;
use super::params::{list, resolve_areas, resolve_indicator};
use super::{computed, json};
use crate::compute::{AggregateError, AggregateRequest, aggregates};
use crate::error::ApiError;
use crate::state::AppState;

/// Which aggregates, and the rules they follow. Lists are comma-separated.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AggregateParams {
    /// Indicator code or alias (`IT_USE_ii99`, `17.8.1`).
    pub indicator: String,
    /// Groups (`001` World, M49 regions, `199` LDCs, `432` LLDCs, `722` SIDS, `514`/`515`,
    /// `HIC`…, or their names); all groups when absent.
    pub group: Option<String>,
    /// First year, inclusive.
    pub start: Option<i32>,
    /// Last year, inclusive.
    pub end: Option<i32>,
    /// Least share of the group's population the countries with data must hold (0–1; default
    /// 2/3). Below it the aggregate is listed with its coverage and no value.
    pub min_coverage: Option<f64>,
    /// Least number of countries with data (default 1).
    pub min_countries: Option<usize>,
    /// `carry-forward` or `interpolate` to fill a country's gaps from its own neighbouring years
    /// (marked as estimated); none by default.
    pub gap_fill: Option<String>,
    /// Most years a filled gap may span (default 3).
    pub gap_years: Option<u32>,
    /// List the countries each aggregate rests on, with their values and weights.
    pub contributors: Option<bool>,
}

impl AggregateParams {
    pub fn to_request(
        &self,
        catalog: &ictstat_core::Catalog,
    ) -> Result<AggregateRequest, ApiError> {
        // Whether each is a group is checked when aggregating.
        let groups = resolve_areas(catalog, list(&self.group))?;
        let default = CoverageRule::default();
        let share = self.min_coverage.unwrap_or(default.min_weight_share);
        if !(0.0..=1.0).contains(&share) {
            return Err(ApiError::bad_request(format!(
                "min_coverage {share} is not a share between 0 and 1"
            )));
        }
        let coverage = CoverageRule {
            min_weight_share: share,
            min_countries: self.min_countries.unwrap_or(default.min_countries),
        };
        let years = self.gap_years.unwrap_or(3);
        let gap_fill = match self.gap_fill.as_deref() {
            None | Some("none") => GapFill::None,
            Some("carry-forward") => GapFill::CarryForward { max_years: years },
            Some("interpolate") => GapFill::Interpolate { max_years: years },
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "gap_fill `{other}`: use none, carry-forward or interpolate"
                )));
            }
        };
        Ok(AggregateRequest {
            groups,
            start: self.start,
            end: self.end,
            coverage: Some(coverage),
            gap_fill,
            contributors: self.contributors.unwrap_or(false),
        })
    }
}

impl From<AggregateError> for ApiError {
    fn from(e: AggregateError) -> Self {
        ApiError::bad_request(e.to_string())
    }
}

/// Aggregates of one indicator for groups and years, each with its coverage (share of the
/// group's population and number of countries with data), whether it passed the coverage rule,
/// and the countries it rests on. Computed from the current data with the indicator's method:
/// population-weighted mean for percentages and per-100 rates, sum for counts, median for
/// ratios.
#[utoipa::path(get, path = "/aggregates", tag = "statistics", params(AggregateParams),
    responses(
        (status = 200, description = "The aggregates, group by group, years ascending, with the method, coverage rule and gap filling used"),
        (status = 400, description = "Bad parameter, or an indicator that cannot be aggregated", body = ApiError)))]
pub async fn list_aggregates(
    State(state): State<AppState>,
    Query(params): Query<AggregateParams>,
) -> Result<Response, ApiError> {
    let code = resolve_indicator(&state.catalog, &params.indicator)?
        .code
        .clone();
    let request = params.to_request(&state.catalog)?;
    computed(state, move |snapshot, catalog| {
        let indicator = resolve_indicator(catalog, &code)?;
        json(&aggregates(snapshot, catalog, indicator, &request)?)
    })
    .await
}
