//! Series keys and observations.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::dimension::Breakdown;
use crate::period::Period;

/// What identifies a time series: indicator (series code), reference area (M49) and breakdown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SeriesKey {
    pub indicator: String,
    pub area: String,
    pub breakdown: Breakdown,
}

impl SeriesKey {
    /// The unique text key the store indexes: `INDICATOR|AREA|BREAKDOWN`.
    pub fn text(&self) -> String {
        format!("{}|{}|{}", self.indicator, self.area, self.breakdown)
    }
}

/// The SDMX attributes an observation carries besides its value. Every field is optional;
/// a missing value is `Observation::value == None` with an explanatory `obs_status`, never a
/// sentinel number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attributes {
    /// SDMX OBS_STATUS (`A` normal, `E` estimated, `M` missing, `P` provisional…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obs_status: Option<String>,
    /// SDMX UNIT_MULT: the value is to be multiplied by 10^unit_mult.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_mult: Option<i32>,
    /// SDG NATURE: `C` country data, `CA` country adjusted, `E` estimated, `M` modelled…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nature: Option<String>,
    /// Who produced the value (SDG SOURCE_DETAIL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Free-text footnote (SDG COMMENT_OBS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footnote: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_bound: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper_bound: Option<f64>,
    /// Standard error of an estimate (survey estimates, modelled values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub std_error: Option<f64>,
}

/// One data point: a series key, a period, a value and its attributes.
///
/// The key is shared: a file holds many periods of each series, and readers hand every row of
/// a series the same `Arc`, so a million-row import does not build a million keys and the
/// store can group rows by series cheaply.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub key: Arc<SeriesKey>,
    pub period: Period,
    pub value: Option<f64>,
    pub attrs: Attributes,
}
