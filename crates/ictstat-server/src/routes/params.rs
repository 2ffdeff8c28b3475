//! Query parameters shared by the observation routes, and their resolution against the
//! catalogue (aliases, ISO codes and names become catalogue codes; groups become members).

use ictstat_core::{Breakdown, Catalog, Dimension, Indicator, Period};
use ictstat_store::{AsOf, ObservationQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;

/// Rows per page when `limit` is not given, and the most a page may hold.
pub const DEFAULT_LIMIT: usize = 10_000;
pub const MAX_LIMIT: usize = 100_000;

/// Selection of observations. Lists are comma-separated.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ObservationParams {
    /// Indicator codes or aliases (`IT_USE_ii99`, `IT.NET.USER.ZS`, `17.8.1`).
    pub indicator: Option<String>,
    /// Areas: M49 codes, ISO alpha-2/alpha-3 codes or English names.
    pub area: Option<String>,
    /// Groups whose member countries to include (`199` LDCs, `722` SIDS, `HIC`…).
    pub group: Option<String>,
    /// SEX codes (`F`, `M`, `_T` for the total).
    pub sex: Option<String>,
    pub age: Option<String>,
    pub urbanisation: Option<String>,
    pub income_wealth_quantile: Option<String>,
    pub education_lev: Option<String>,
    pub occupation: Option<String>,
    pub cust_breakdown: Option<String>,
    pub composite_breakdown: Option<String>,
    pub disability_status: Option<String>,
    pub activity: Option<String>,
    pub product: Option<String>,
    /// First period (`2015`), inclusive.
    pub start: Option<String>,
    /// Last period, inclusive.
    pub end: Option<String>,
    /// Only the latest period of each series.
    pub latest: Option<bool>,
    /// A revision number or an ISO-8601 time: the data as it was then.
    pub as_of: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    /// `json` (default), `csv` or `xlsx`. Downloads hold the whole selection unless `limit`
    /// is given.
    pub format: Option<String>,
}

/// The items of a comma-separated parameter.
pub fn list(value: &Option<String>) -> Vec<&str> {
    value
        .as_deref()
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

impl ObservationParams {
    fn dimension_values(&self) -> [(Dimension, &Option<String>); 11] {
        [
            (Dimension::Sex, &self.sex),
            (Dimension::Age, &self.age),
            (Dimension::Urbanisation, &self.urbanisation),
            (
                Dimension::IncomeWealthQuantile,
                &self.income_wealth_quantile,
            ),
            (Dimension::EducationLev, &self.education_lev),
            (Dimension::Occupation, &self.occupation),
            (Dimension::CustBreakdown, &self.cust_breakdown),
            (Dimension::CompositeBreakdown, &self.composite_breakdown),
            (Dimension::DisabilityStatus, &self.disability_status),
            (Dimension::Activity, &self.activity),
            (Dimension::Product, &self.product),
        ]
    }

    /// Sets the codes (comma-separated) of one dimension.
    pub fn set_dimension(&mut self, dim: Dimension, codes: String) {
        let slot = match dim {
            Dimension::Sex => &mut self.sex,
            Dimension::Age => &mut self.age,
            Dimension::Urbanisation => &mut self.urbanisation,
            Dimension::IncomeWealthQuantile => &mut self.income_wealth_quantile,
            Dimension::EducationLev => &mut self.education_lev,
            Dimension::Occupation => &mut self.occupation,
            Dimension::CustBreakdown => &mut self.cust_breakdown,
            Dimension::CompositeBreakdown => &mut self.composite_breakdown,
            Dimension::DisabilityStatus => &mut self.disability_status,
            Dimension::Activity => &mut self.activity,
            Dimension::Product => &mut self.product,
        };
        *slot = Some(codes);
    }

    /// The breakdown given by the dimension parameters, each of which must name one code.
    pub fn single_breakdown(&self) -> Result<Breakdown, ApiError> {
        let mut b = Breakdown::total();
        for (dim, value) in self.dimension_values() {
            let codes = list(value);
            match codes.as_slice() {
                [] => {}
                [code] => b.set(dim, *code),
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "{} must name one code here",
                        dim.column()
                    )));
                }
            }
        }
        Ok(b)
    }

    /// Resolves the parameters into a store query.
    pub fn to_query(&self, catalog: &Catalog) -> Result<ObservationQuery, ApiError> {
        let mut q = ObservationQuery {
            indicators: resolve_indicators(catalog, list(&self.indicator))?,
            areas: resolve_areas(catalog, list(&self.area))?,
            latest_only: self.latest.unwrap_or(false),
            limit: self.limit.unwrap_or(DEFAULT_LIMIT),
            offset: self.offset.unwrap_or(0),
            ..ObservationQuery::default()
        };
        if q.limit == 0 || q.limit > MAX_LIMIT {
            return Err(ApiError::bad_request(format!(
                "limit must be between 1 and {MAX_LIMIT}; page with offset"
            )));
        }
        if q.offset > i64::MAX as usize / 2 {
            return Err(ApiError::bad_request("offset is too large"));
        }
        for group in list(&self.group) {
            let code = catalog
                .resolve_area(group)
                .filter(|c| catalog.area(c).is_some_and(|a| a.kind.is_group()));
            let Some(code) = code else {
                return Err(ApiError::bad_request(format!("unknown group `{group}`"))
                    .with_details(serde_json::json!({ "parameter": "group" })));
            };
            q.areas.extend(catalog.members(code).map(str::to_string));
        }
        for (dim, value) in self.dimension_values() {
            let codes = list(value);
            if codes.is_empty() {
                continue;
            }
            if let Some(bad) = codes.iter().find(|c| !catalog.has_code(dim.codelist(), c)) {
                return Err(ApiError::bad_request(format!(
                    "`{bad}` is not a code of {} ({})",
                    dim.id(),
                    dim.codelist()
                )));
            }
            q.breakdown
                .push((dim, codes.into_iter().map(str::to_string).collect()));
        }
        q.start = check_period(&self.start, "start")?;
        q.end = check_period(&self.end, "end")?;
        Ok(q)
    }

    pub fn as_of(&self) -> Result<Option<AsOf>, ApiError> {
        parse_as_of(self.as_of.as_deref())
    }
}

/// `as_of` is a revision number or an ISO-8601 time or date.
pub fn parse_as_of(value: Option<&str>) -> Result<Option<AsOf>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if let Ok(r) = v.parse::<i64>() {
        return Ok(Some(AsOf::Revision(r)));
    }
    ictstat_store::parse_time(v)
        .map(|t| Some(AsOf::Time(t)))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "as_of `{v}` is neither a revision number nor an ISO-8601 time"
            ))
        })
}

fn check_period(value: &Option<String>, name: &str) -> Result<Option<String>, ApiError> {
    match value.as_deref() {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<Period>()
            .map(|p| Some(p.to_string()))
            .map_err(|e| ApiError::bad_request(format!("{name}: {e}"))),
    }
}

/// The catalogue indicator a parameter names (code or alias).
pub fn resolve_indicator<'c>(catalog: &'c Catalog, token: &str) -> Result<&'c Indicator, ApiError> {
    catalog.indicator(token).ok_or_else(|| {
        ApiError::bad_request(format!("unknown indicator `{token}`"))
            .with_details(serde_json::json!({ "parameter": "indicator" }))
    })
}

pub fn resolve_indicators(catalog: &Catalog, tokens: Vec<&str>) -> Result<Vec<String>, ApiError> {
    tokens
        .into_iter()
        .map(|t| {
            catalog.indicator(t).map(|i| i.code.clone()).ok_or_else(|| {
                ApiError::bad_request(format!("unknown indicator `{t}`"))
                    .with_details(serde_json::json!({ "parameter": "indicator" }))
            })
        })
        .collect()
}

pub fn resolve_areas(catalog: &Catalog, tokens: Vec<&str>) -> Result<Vec<String>, ApiError> {
    tokens
        .into_iter()
        .map(|t| {
            catalog.resolve_area(t).map(str::to_string).ok_or_else(|| {
                ApiError::bad_request(format!("unknown area `{t}`"))
                    .with_details(serde_json::json!({ "parameter": "area" }))
            })
        })
        .collect()
}
