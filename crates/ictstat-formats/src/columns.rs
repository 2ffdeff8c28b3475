//! Column names: which header text means which field, shared by every layout so that
//! `REF_AREA`, `area` and `GeoCode` mean the same thing everywhere.

use ictstat_core::Dimension;

/// The SDMX attributes ictstat keeps, in the order the writers emit them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attr {
    ObsStatus,
    UnitMult,
    Nature,
    Source,
    Footnote,
    LowerBound,
    UpperBound,
    StdError,
}

impl Attr {
    pub const ALL: [Attr; 8] = [
        Attr::ObsStatus,
        Attr::UnitMult,
        Attr::Nature,
        Attr::Source,
        Attr::Footnote,
        Attr::LowerBound,
        Attr::UpperBound,
        Attr::StdError,
    ];

    /// The column name the long layout writes.
    pub fn column(self) -> &'static str {
        match self {
            Attr::ObsStatus => "obs_status",
            Attr::UnitMult => "unit_mult",
            Attr::Nature => "nature",
            Attr::Source => "source",
            Attr::Footnote => "footnote",
            Attr::LowerBound => "lower_bound",
            Attr::UpperBound => "upper_bound",
            Attr::StdError => "std_error",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// Numeric attributes are never checked for formula injection (`-1.5` is a number).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Attr::ObsStatus | Attr::Nature | Attr::Source | Attr::Footnote
        )
    }
}

/// What a column of a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Indicator,
    Area,
    Period,
    Value,
    Dim(Dimension),
    Attr(Attr),
    /// The SDMX-CSV 2.0 `ACTION` column: information, append, replace or merge rows are
    /// data; delete rows are refused.
    Action,
    /// Labels and informational columns (names, units) that readers ignore without a warning,
    /// so that exports with label columns re-import cleanly.
    Label,
}

/// Lower case, with spaces, dots and hyphens as underscores: `Time Period` → `time_period`.
pub(crate) fn normalize(name: &str) -> String {
    name.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .map(|c| match c {
            ' ' | '.' | '-' | '/' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// The role of a column by its header text, for the long layout and the SDMX-like columns
/// of other layouts. Dimension columns are recognised by SDMX id or column name
/// (`Dimension::from_str`); layouts with free-text disaggregations add their own names.
pub(crate) fn role(name: &str) -> Option<Role> {
    let n = normalize(name);
    let role = match n.as_str() {
        "indicator" | "series" | "series_code" | "seriescode" | "indicator_code"
        | "indicator_id" => Role::Indicator,
        "area" | "ref_area" | "geo" | "geo_area" | "geoareacode" | "geocode" | "area_code"
        | "country_code" | "iso3" => Role::Area,
        "period" | "time_period" | "timeperiod" | "year" | "time" => Role::Period,
        "value" | "obs_value" => Role::Value,
        "action" => Role::Action,
        "obs_status" | "obsstatus" | "status" => Role::Attr(Attr::ObsStatus),
        "unit_mult" | "unit_multiplier" | "unitmultiplier" => Role::Attr(Attr::UnitMult),
        "nature" => Role::Attr(Attr::Nature),
        "source" | "source_detail" => Role::Attr(Attr::Source),
        "footnote" | "comment_obs" | "note" | "notes" => Role::Attr(Attr::Footnote),
        "lower_bound" | "lowerbound" => Role::Attr(Attr::LowerBound),
        "upper_bound" | "upperbound" => Role::Attr(Attr::UpperBound),
        "std_error" | "standard_error" | "stderr" | "se" => Role::Attr(Attr::StdError),
        "area_name"
        | "geoareaname"
        | "country_name"
        | "indicator_name"
        | "series_name"
        | "seriesdescription"
        | "series_description"
        | "unit"
        | "units"
        | "unit_measure"
        | "units_of_measurement"
        // SDMX-CSV 1.0/2.0 structure columns and SDG DSD attributes ictstat does not keep:
        // the period already says the frequency, and the rest is metadata of the message.
        | "dataflow"
        | "structure"
        | "structure_id"
        | "freq"
        | "reporting_type"
        | "time_detail"
        | "time_coverage"
        | "base_per"
        | "comment_ts"
        | "geo_info_url"
        | "geo_info_type"
        | "data_last_update"
        | "cust_breakdown_lb" => Role::Label,
        _ => return n.parse::<Dimension>().ok().map(Role::Dim),
    };
    Some(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_map_to_one_role() {
        for (name, want) in [
            ("SERIES", Role::Indicator),
            ("REF_AREA", Role::Area),
            ("TIME_PERIOD", Role::Period),
            ("Year", Role::Period),
            ("OBS_VALUE", Role::Value),
            ("SOURCE_DETAIL", Role::Attr(Attr::Source)),
            ("COMMENT_OBS", Role::Attr(Attr::Footnote)),
            ("OBS_STATUS", Role::Attr(Attr::ObsStatus)),
            ("sex", Role::Dim(Dimension::Sex)),
            (
                "COMPOSITE_BREAKDOWN",
                Role::Dim(Dimension::CompositeBreakdown),
            ),
            ("area_name", Role::Label),
        ] {
            assert_eq!(role(name), Some(want), "{name}");
        }
        assert_eq!(role("colour"), None);
    }
}
