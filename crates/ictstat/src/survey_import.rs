//! `ictstat survey tabulate --import`: the estimates stored as observations of the matching
//! indicators, with their bounds, standard errors and OBS_STATUS, as one revision.
//!
//! The estimates go through the same importer as `ictstat import`, as ictstat's long CSV: the
//! same validation against the catalogue (indicator codes, the dimensions each indicator
//! allows, codelists, value ranges, bounds around the value), the same all-or-nothing write
//! and the same derived values afterwards. A survey import can therefore never store what a
//! file import would refuse, and its report reads the same.

use std::collections::{BTreeMap, BTreeSet};

use ictstat_core::{Catalog, Dimension};
use ictstat_survey::{Output, Tabulation};

/// Where the estimates go: the survey's country, reference period and source.
#[derive(Debug, Clone)]
pub struct Target {
    pub area: String,
    pub period: String,
    pub source: String,
}

/// The estimates as a long CSV, and what was left out.
#[derive(Debug)]
pub struct LongCsv {
    pub bytes: Vec<u8>,
    /// Estimates without a value (suppressed by the quality rules, or undefined in an empty
    /// domain): not stored, since an observation needs a value.
    pub without_value: usize,
    /// Estimates left out, counted by what the store lacks ("of IT_X", "by REGION") and
    /// why.
    pub unstorable: BTreeMap<(String, String), usize>,
    /// Estimates written.
    pub rows: usize,
}

/// Attribute columns after the dimensions, as the long-CSV reader names them.
const ATTRIBUTES: [&str; 6] = [
    "obs_status",
    "source",
    "footnote",
    "lower_bound",
    "upper_bound",
    "std_error",
];

/// The estimates of `result` as ictstat's long CSV. Proportions of indicators measured in
/// percent (unit `PT`) are written in percent, with their bounds and standard errors; every
/// other value as the survey estimates it.
pub fn long_csv(
    result: &Tabulation,
    catalog: &Catalog,
    target: &Target,
    level: f64,
) -> anyhow::Result<LongCsv> {
    let dimensions: BTreeSet<&str> = result
        .rows
        .iter()
        .flat_map(|r| r.breakdown.keys().map(String::as_str))
        .filter(|d| d.parse::<Dimension>().is_ok())
        .collect();
    let mut unstorable = BTreeMap::new();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["indicator", "area", "period", "value"];
    header.extend(dimensions.iter().copied());
    header.extend(ATTRIBUTES);
    w.write_record(&header)?;
    let (mut rows, mut without_value) = (0, 0);
    for r in &result.rows {
        if let Some(why) = unstorable_breakdown(r, catalog) {
            *unstorable.entry(why).or_insert(0) += 1;
            continue;
        }
        let Some(value) = r.value else {
            without_value += 1;
            continue;
        };
        let scale = match catalog.indicator(&r.indicator) {
            Some(i) if i.unit == "PT" && r.statistic == "proportion" => 100.0,
            _ => 1.0,
        };
        let number = |x: Option<f64>| x.map_or_else(String::new, |x| (x * scale).to_string());
        let mut record = vec![
            r.indicator.clone(),
            target.area.clone(),
            target.period.clone(),
            (value * scale).to_string(),
        ];
        for d in &dimensions {
            record.push(r.breakdown.get(*d).cloned().unwrap_or_default());
        }
        record.extend([
            r.obs_status.to_owned(),
            target.source.clone(),
            footnote(r, level),
            number(r.ci_lower),
            number(r.ci_upper),
            number(r.se),
        ]);
        w.write_record(&record)?;
        rows += 1;
    }
    Ok(LongCsv {
        bytes: w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))?,
        without_value,
        unstorable,
        rows,
    })
}

/// Why the store cannot hold an estimate: its series is not an indicator of the catalogue
/// (the built-in plan tabulates more of ITU's questionnaire than the catalogue stores: only
/// "the matching indicators" are stored), or its breakdown uses a dimension the SDG DSD does
/// not have (a sub-national REGION, ILO's LABOUR_FORCE_STATUS) or the catalogue does not list
/// for the indicator. None when it can.
fn unstorable_breakdown(r: &Output, catalog: &Catalog) -> Option<(String, String)> {
    let Some(indicator) = catalog.indicator(&r.indicator) else {
        return Some((
            format!("of {}", r.indicator),
            "not an indicator of the catalogue (add it to catalog/indicators.toml to store it)"
                .to_owned(),
        ));
    };
    r.breakdown
        .iter()
        .filter(|(_, code)| code.as_str() != ictstat_survey::tabulate::TOTAL)
        .find_map(|(d, _)| match d.parse::<Dimension>() {
            Err(_) if d == "REGION" => Some((
                format!("by {d}"),
                "the store holds national figures: sub-national regions are not areas of the catalogue".to_owned(),
            )),
            Err(_) => Some((
                format!("by {d}"),
                "not a dimension of the SDG DSD, which the store follows".to_owned(),
            )),
            Ok(dim) if !indicator.dimensions.contains(&dim) => Some((
                format!("by {d}"),
                format!("not a dimension of {} in the catalogue", indicator.code),
            )),
            Ok(_) => None,
        })
}

/// What a reader of the observation needs to judge it: the unweighted base, the CV, the
/// design's degrees of freedom and effect, and how the bounds were computed.
fn footnote(r: &Output, level: f64) -> String {
    let mut parts = vec![format!("survey estimate ({}), n = {}", r.statistic, r.n)];
    if let Some(cv) = r.cv {
        parts.push(format!("CV {:.1} %", cv * 100.0));
    }
    parts.push(format!("design df {}", r.df));
    if let Some(deff) = r.deff {
        parts.push(format!("deff {deff:.2}"));
    }
    parts.push(format!(
        "bounds: {} % {} interval",
        level * 100.0,
        r.ci_method
    ));
    if r.quality != ictstat_survey::Quality::Reliable {
        parts.push(format!("flagged {}", r.quality.name()));
    }
    parts.join("; ")
}
