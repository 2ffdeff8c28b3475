//! One interface over the methods: [`Method`] names a method with its options, [`assess`]
//! runs it, [`Assessment`] carries any method's result (anchors.md §5.5: "all three families
//! behind one interface").

use serde::{Deserialize, Serialize};

use super::series::{Point, SeriesSpec};
use super::{ProgressError, escap, open_sdg, unsd};

/// A method and its options; serialized as `{"method": "unsd_2022", …options}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Method {
    OpenSdg(open_sdg::Options),
    #[serde(rename = "unsd_2022")]
    Unsd2022(unsd::Options2022),
    #[serde(rename = "unsd_2023")]
    Unsd2023(unsd::Options2023),
    EscapCsi(escap::CsiOptions),
    EscapApi(escap::ApiOptions),
}

impl Method {
    /// Every method with its documented defaults, in a stable order.
    pub fn all() -> [Method; 5] {
        [
            Method::OpenSdg(Default::default()),
            Method::Unsd2022(Default::default()),
            Method::Unsd2023(Default::default()),
            Method::EscapCsi(Default::default()),
            Method::EscapApi(Default::default()),
        ]
    }

    /// The method's identifier, as in the JSON.
    pub fn id(&self) -> &'static str {
        match self {
            Method::OpenSdg(_) => "open_sdg",
            Method::Unsd2022(_) => "unsd_2022",
            Method::Unsd2023(_) => "unsd_2023",
            Method::EscapCsi(_) => "escap_csi",
            Method::EscapApi(_) => "escap_api",
        }
    }
}

/// Any method's assessment; serialized with the same `method` tag as [`Method`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Assessment {
    OpenSdg(open_sdg::Assessment),
    #[serde(rename = "unsd_2022")]
    Unsd2022(unsd::Assessment<unsd::Status2022>),
    #[serde(rename = "unsd_2023")]
    Unsd2023(unsd::Assessment<unsd::Status2023>),
    EscapCsi(escap::CsiAssessment),
    EscapApi(escap::ApiAssessment),
}

impl Assessment {
    /// The id of the method that made it, as [`Method::id`] gives it.
    pub fn method_id(&self) -> &'static str {
        match self {
            Assessment::OpenSdg(_) => "open_sdg",
            Assessment::Unsd2022(_) => "unsd_2022",
            Assessment::Unsd2023(_) => "unsd_2023",
            Assessment::EscapCsi(_) => "escap_csi",
            Assessment::EscapApi(_) => "escap_api",
        }
    }

    /// The status label in the method's own vocabulary.
    pub fn status(&self) -> &'static str {
        match self {
            Assessment::OpenSdg(a) => a.status.as_str(),
            Assessment::Unsd2022(a) => a.status.as_str(),
            Assessment::Unsd2023(a) => a.status.as_str(),
            Assessment::EscapCsi(a) => a.status.as_str(),
            Assessment::EscapApi(a) => a.status.as_str(),
        }
    }

    /// The method's number: Open SDG's score (−5…5), ESCAP's CSI and gap `G`; UNSD
    /// publishes categories only, so none.
    pub fn score(&self) -> Option<f64> {
        match self {
            Assessment::OpenSdg(a) => a.score,
            Assessment::Unsd2022(_) | Assessment::Unsd2023(_) => None,
            Assessment::EscapCsi(a) => a.index,
            Assessment::EscapApi(a) => a.gap,
        }
    }
}

/// Assesses a series with one method.
pub fn assess(
    points: &[Point],
    spec: &SeriesSpec,
    method: &Method,
) -> Result<Assessment, ProgressError> {
    Ok(match method {
        Method::OpenSdg(o) => Assessment::OpenSdg(open_sdg::assess(points, spec, o)?),
        Method::Unsd2022(o) => Assessment::Unsd2022(unsd::assess_2022(points, spec, o)?),
        Method::Unsd2023(o) => Assessment::Unsd2023(unsd::assess_2023(points, spec, o)?),
        Method::EscapCsi(o) => Assessment::EscapCsi(escap::current_status(points, spec, o)?),
        Method::EscapApi(o) => Assessment::EscapApi(escap::anticipated_progress(points, spec, o)?),
    })
}

/// Assesses a series with several methods, side by side, in the order given.
pub fn assess_all(
    points: &[Point],
    spec: &SeriesSpec,
    methods: &[Method],
) -> Result<Vec<Assessment>, ProgressError> {
    methods.iter().map(|m| assess(points, spec, m)).collect()
}
