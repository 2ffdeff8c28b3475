//! What reads return.

use std::sync::Arc;

use ictstat_core::{Attributes, Breakdown, Observation, Period, SeriesKey};
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
    /// True when this version replaced one (its value or its attributes) that a release had
    /// published: the data point was revised (its history lists the versions).
    pub revised: bool,
}

/// The columns every observation read selects, in `RawObservation`'s order. `revised` asks
/// whether an older version of the data point was covered by a release cut before this
/// version was written (an older version that no release published was never public, so
/// replacing it is not a revision anyone saw). Most data points have one version, and the
/// index on (series, period, valid_from) answers them without looking at releases.
pub(crate) const OBSERVATION_COLUMNS: &str = "s.indicator, s.area, s.breakdown, o.period, o.value, o.obs_status, \
     o.unit_mult, o.nature, o.source, o.footnote, o.lower_bound, o.upper_bound, o.std_error, o.valid_from, \
     EXISTS (SELECT 1 FROM observation e WHERE e.series_id = o.series_id AND e.period = o.period \
             AND e.valid_from < o.valid_from AND EXISTS (SELECT 1 FROM data_release r \
             WHERE r.revision >= e.valid_from AND r.revision < o.valid_from)) AS revised";

#[derive(sqlx::FromRow)]
pub(crate) struct RawObservation {
    indicator: String,
    area: String,
    breakdown: String,
    period: String,
    value: Option<f64>,
    #[sqlx(flatten)]
    attributes: StoredAttributes,
    valid_from: i64,
    revised: bool,
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
            attributes: r.attributes.into(),
            revision: r.valid_from,
            revised: r.revised,
        }
    }
}

impl ObservationRow {
    /// The row as a domain observation, for the file writers. `None` only if the stored
    /// period were not canonical, which the store never writes.
    pub fn to_observation(&self) -> Option<Observation> {
        Some(Observation {
            key: Arc::new(SeriesKey {
                indicator: self.indicator.clone(),
                area: self.area.clone(),
                breakdown: self.breakdown.clone(),
            }),
            period: self.period.parse::<Period>().ok()?,
            value: self.value,
            attrs: self.attributes.clone(),
        })
    }
}

/// The attribute columns of an observation as stored (the database keeps `unit_mult` as a
/// 64-bit integer).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StoredAttributes {
    pub obs_status: Option<String>,
    pub unit_mult: Option<i64>,
    pub nature: Option<String>,
    pub source: Option<String>,
    pub footnote: Option<String>,
    pub lower_bound: Option<f64>,
    pub upper_bound: Option<f64>,
    pub std_error: Option<f64>,
}

impl StoredAttributes {
    /// True when these stored attributes are `a` (numbers compare as numbers).
    pub(crate) fn matches(&self, a: &Attributes) -> bool {
        self.obs_status == a.obs_status
            && self.unit_mult == a.unit_mult.map(i64::from)
            && self.nature == a.nature
            && self.source == a.source
            && self.footnote == a.footnote
            && self.lower_bound == a.lower_bound
            && self.upper_bound == a.upper_bound
            && self.std_error == a.std_error
    }
}

impl From<StoredAttributes> for Attributes {
    fn from(a: StoredAttributes) -> Self {
        Attributes {
            obs_status: a.obs_status,
            unit_mult: a.unit_mult.map(|m| m as i32),
            nature: a.nature,
            source: a.source,
            footnote: a.footnote,
            lower_bound: a.lower_bound,
            upper_bound: a.upper_bound,
            std_error: a.std_error,
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
