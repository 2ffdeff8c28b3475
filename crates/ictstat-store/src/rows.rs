//! What reads return.

use ictstat_core::{Attributes, Breakdown};
use serde::Serialize;

/// One observation version as the API publishes it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ObservationRow {
    pub indicator: String,
    pub area: String,
    /// Non-total breakdown codes by dimension (`{"SEX": "F"}`); empty for the total.
    #[schema(value_type = std::collections::BTreeMap<String, String>)]
    pub breakdown: Breakdown,
    pub period: String,
    pub value: Option<f64>,
    #[serde(flatten)]
    pub attributes: Attributes,
    /// The revision that wrote this version.
    pub revision: i64,
}

/// The columns every observation read selects, in `RawObservation`'s order.
pub(crate) const OBSERVATION_COLUMNS: &str = "s.indicator, s.area, s.breakdown, o.period, o.value, o.obs_status, \
     o.unit_mult, o.nature, o.source, o.footnote, o.lower_bound, o.upper_bound, o.std_error, o.valid_from";

#[derive(sqlx::FromRow)]
pub(crate) struct RawObservation {
    indicator: String,
    area: String,
    breakdown: String,
    period: String,
    value: Option<f64>,
    obs_status: Option<String>,
    unit_mult: Option<i64>,
    nature: Option<String>,
    source: Option<String>,
    footnote: Option<String>,
    lower_bound: Option<f64>,
    upper_bound: Option<f64>,
    std_error: Option<f64>,
    valid_from: i64,
}

impl From<RawObservation> for ObservationRow {
    fn from(r: RawObservation) -> Self {
        ObservationRow {
            indicator: r.indicator,
            area: r.area,
            // The store only ever writes canonical breakdown text.
            breakdown: Breakdown::parse(&r.breakdown).unwrap_or_default(),
            period: r.period,
            value: r.value,
            attributes: Attributes {
                obs_status: r.obs_status,
                unit_mult: r.unit_mult.map(|m| m as i32),
                nature: r.nature,
                source: r.source,
                footnote: r.footnote,
                lower_bound: r.lower_bound,
                upper_bound: r.upper_bound,
                std_error: r.std_error,
            },
            revision: r.valid_from,
        }
    }
}

/// A revision: one write to the store.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Revision {
    pub id: i64,
    pub created_at: String,
    pub author: String,
    /// `bundled`, `import`, …
    pub kind: String,
    pub file: Option<String>,
    pub comment: Option<String>,
    pub content_hash: Option<String>,
    pub rows_inserted: i64,
    pub rows_closed: i64,
}
