//! Numbers and observations as readers see them.

use ictstat_core::{Indicator, UnitKind};
use ictstat_store::ObservationRow;

use crate::i18n::Lang;

/// Decimals worth showing for an indicator's unit: shares and rates to one decimal, counts
/// whole, ratios to two.
pub fn decimals(indicator: &Indicator) -> usize {
    match indicator.kind {
        UnitKind::Percent | UnitKind::Rate | UnitKind::Score | UnitKind::Other => 1,
        UnitKind::Count => 0,
        UnitKind::Ratio => 2,
    }
}

/// A value in the reader's language, with the indicator's precision; counts scaled by their
/// unit multiplier.
pub fn value(lang: Lang, indicator: &Indicator, v: f64) -> String {
    lang.number(v, decimals(indicator))
}

/// Whether an observation is an estimate rather than a measured value: SDMX OBS_STATUS `E`,
/// or SDG NATURE estimated (`E`), modelled (`M`) or country-adjusted (`CA`).
pub fn is_estimated(row: &ObservationRow) -> bool {
    row.attributes.obs_status.as_deref() == Some("E")
        || matches!(row.attributes.nature.as_deref(), Some("E" | "M" | "CA"))
}

/// The uncertainty interval of an observation: its published bounds, else ±1.96 standard
/// errors (a 95 % normal interval).
pub fn interval(row: &ObservationRow) -> Option<(f64, f64)> {
    let a = &row.attributes;
    match (a.lower_bound, a.upper_bound, a.std_error, row.value) {
        (Some(lo), Some(hi), _, _) => Some((lo, hi)),
        (_, _, Some(se), Some(v)) => Some((v - 1.96 * se, v + 1.96 * se)),
        _ => None,
    }
}

/// The year of an annual period (`2023`); other frequencies are not charted by year.
pub fn year(period: &str) -> Option<i32> {
    (period.len() == 4).then(|| period.parse().ok()).flatten()
}
