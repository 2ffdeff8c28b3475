//! The questions pages ask of the current data.

use std::collections::BTreeSet;

use ictstat_core::{Breakdown, Catalog};
use ictstat_store::{ObservationRow, Snapshot};

use crate::i18n::Lang;

/// The groups a new reader sees first on an indicator page: the world and the UN's
/// vulnerable groups that the SDG and WSIS reports single out.
pub const DEFAULT_GROUPS: [&str; 4] = ["001", "199", "432", "722"];

/// The series that weighs aggregates and ranks countries by size.
pub const POPULATION: &str = ictstat_server::compute::POPULATION;

/// The annual values of one area and breakdown of an indicator, by ascending year: what the
/// chart draws, its download holds and a profile calls the latest (rows of other frequencies
/// and reported-missing values are left out, as they cannot be drawn on a yearly axis).
pub fn series<'a>(
    snapshot: &'a Snapshot,
    indicator: &str,
    area: &str,
    breakdown: &Breakdown,
) -> impl Iterator<Item = &'a ObservationRow> {
    let rows = snapshot.indicator_rows(indicator);
    // Rows are sorted by area first: the area's rows are one contiguous run.
    let start = rows.partition_point(|r| r.area.as_str() < area);
    let end = start + rows[start..].partition_point(|r| r.area.as_str() <= area);
    rows[start..end].iter().filter(move |r| {
        &r.breakdown == breakdown && r.value.is_some() && crate::format::year(&r.period).is_some()
    })
}

/// The smallest and largest annual value of any country for a breakdown, over all years: the
/// map's colour scale spans it, so that a colour means the same value in every year.
pub fn value_range(
    snapshot: &Snapshot,
    catalog: &Catalog,
    indicator: &str,
    breakdown: &Breakdown,
) -> Option<(f64, f64)> {
    snapshot
        .indicator_rows(indicator)
        .iter()
        .filter(|r| &r.breakdown == breakdown && crate::format::year(&r.period).is_some())
        .filter(|r| catalog.area(&r.area).is_some_and(|a| !a.kind.is_group()))
        .filter_map(|r| r.value)
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((v.min(lo), v.max(hi))),
        })
}

/// The breakdowns an indicator has data for, the total first.
pub fn breakdowns(snapshot: &Snapshot, indicator: &str) -> Vec<Breakdown> {
    let set: BTreeSet<String> = snapshot
        .indicator_rows(indicator)
        .iter()
        .map(|r| r.breakdown.to_string())
        .collect();
    let mut out: Vec<Breakdown> = set
        .iter()
        .filter_map(|s| Breakdown::parse(s).ok())
        .collect();
    out.sort_by_key(|b| (!b.is_total(), b.to_string()));
    out
}

/// A breakdown as readers name it ("Sex: Female, Location: Urban"; the total as
/// `indicator.total`), with the dimension in the page's language and the code's name from the
/// SDG codelist (English: the codelists have no translations).
pub fn breakdown_label(catalog: &Catalog, breakdown: &Breakdown, lang: Lang) -> String {
    if breakdown.is_total() {
        return lang.t("indicator.total").to_string();
    }
    breakdown
        .iter()
        .map(|(dim, code)| {
            let name = catalog
                .codelists
                .get(dim.codelist())
                .and_then(|cl| cl.codes.iter().find(|c| c.id == code))
                .map_or(code, |c| c.name.as_str());
            format!(
                "{}: {name}",
                capitalised(lang.t(&format!("dimension.{}", dim.id())))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`breakdown_label`] of a breakdown in its canonical text (`SEX=F`), as submissions and
/// releases list them; text that is not a breakdown is shown as it is.
pub fn breakdown_text_label(catalog: &Catalog, text: &str, lang: Lang) -> String {
    match Breakdown::parse(text) {
        Ok(b) => breakdown_label(catalog, &b, lang),
        Err(_) => text.to_string(),
    }
}

/// `text` with its first letter in upper case.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The years an indicator has annual values in for `breakdown`, ascending.
pub fn years(snapshot: &Snapshot, indicator: &str, breakdown: &Breakdown) -> Vec<i32> {
    let set: BTreeSet<i32> = snapshot
        .indicator_rows(indicator)
        .iter()
        .filter(|r| &r.breakdown == breakdown && r.value.is_some())
        .filter_map(|r| crate::format::year(&r.period))
        .collect();
    set.into_iter().collect()
}

/// Each country's latest annual value (at or before `year` when given) for a breakdown.
pub fn latest_by_country<'a>(
    snapshot: &'a Snapshot,
    catalog: &Catalog,
    indicator: &str,
    breakdown: &Breakdown,
    year: Option<i32>,
) -> Vec<&'a ObservationRow> {
    let mut out: Vec<&ObservationRow> = Vec::new();
    for r in snapshot.indicator_rows(indicator) {
        if &r.breakdown != breakdown || r.value.is_none() {
            continue;
        }
        let Some(y) = crate::format::year(&r.period) else {
            continue;
        };
        if year.is_some_and(|limit| y > limit)
            || catalog.area(&r.area).is_none_or(|a| a.kind.is_group())
        {
            continue;
        }
        // Rows come by area then period: a later row of the same area replaces the earlier.
        match out.last_mut() {
            Some(last) if last.area == r.area => *last = r,
            _ => out.push(r),
        }
    }
    out
}

/// Up to `n` countries with annual values of an indicator for `breakdown`, the most populous
/// (by their latest population) first.
pub fn most_populous_with_data(
    snapshot: &Snapshot,
    catalog: &Catalog,
    indicator: &str,
    breakdown: &Breakdown,
    n: usize,
) -> Vec<String> {
    let population = |area: &str| {
        series(snapshot, crate::data::POPULATION, area, &Breakdown::total())
            .last()
            .and_then(|r| r.value)
            .unwrap_or(0.0)
    };
    let mut countries: Vec<(f64, &str)> =
        latest_by_country(snapshot, catalog, indicator, breakdown, None)
            .iter()
            .map(|r| (population(&r.area), r.area.as_str()))
            .collect();
    countries.sort_by(|a, b| b.0.total_cmp(&a.0));
    countries
        .into_iter()
        .take(n)
        .map(|(_, a)| a.to_string())
        .collect()
}
