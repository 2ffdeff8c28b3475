//! Numbers and observations as readers see them.

use ictstat_core::{Catalog, Indicator, UnitKind};
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

/// A value in the reader's language, with the indicator's precision. Values are shown as
/// stored: a UNIT_MULT other than 0 is not applied (nor by the aggregates), which the
/// bundled data never needs; see the issue notes.
pub fn value(lang: Lang, indicator: &Indicator, v: f64) -> String {
    lang.number(v, decimals(indicator))
}

/// A value with every decimal it has, in the reader's language: a review compares values
/// that an indicator's usual precision could show alike (29.5 and 29.54).
pub fn exact(lang: Lang, v: f64) -> String {
    let text = v.to_string();
    let decimals = text.split_once('.').map_or(0, |(_, frac)| frac.len());
    lang.number(v, decimals)
}

/// A stored time (RFC 3339, UTC) to the minute, as lists show it: `2025-03-01 09:30`.
pub fn time(text: &str) -> String {
    text.chars().take(16).collect::<String>().replace('T', " ")
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

/// An indicator's unit as readers name it (the SDG codelist's name for `PT` is "Percent").
pub fn unit<'a>(catalog: &'a Catalog, indicator: &'a Indicator) -> &'a str {
    catalog
        .codelists
        .get("CL_UNIT_MEASURE")
        .and_then(|cl| cl.codes.iter().find(|c| c.id == indicator.unit))
        .map_or(indicator.unit.as_str(), |c| c.name.as_str())
}

/// A target's comparator as a symbol (`>=` → `≥`).
pub fn comparator(text: &str) -> &str {
    match text {
        ">=" => "≥",
        "<=" => "≤",
        other => other,
    }
}

/// A key that sorts names as readers expect: case and the accents of Latin letters ignored
/// (Bénin between Belize and Bhutan, Côte d'Ivoire among the Cs).
pub fn sort_key(name: &str) -> String {
    const FOLDS: [(&str, char); 12] = [
        ("àáâãäåāăą", 'a'),
        ("çćĉċč", 'c'),
        ("èéêëēĕėęě", 'e'),
        ("ìíîïĩīĭįı", 'i'),
        ("ñńņňŉ", 'n'),
        ("òóôõöøōŏő", 'o'),
        ("ùúûüũūŭůűų", 'u'),
        ("ýÿŷ", 'y'),
        ("śŝşš", 's'),
        ("źżž", 'z'),
        ("ďđ", 'd'),
        ("ţťŧ", 't'),
    ];
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| {
            FOLDS
                .iter()
                .find(|(from, _)| from.contains(c))
                .map_or(c, |&(_, to)| to)
        })
        .collect()
}
