//! First start: the catalogue and the bundled open data, embedded in the binary.
//!
//! A fresh install needs nothing but the executable: on an empty database `init` copies the
//! catalogue and imports the bundled files (each as a `bundled` revision). Later starts find
//! the fingerprints in the `meta` table and skip both, so starting is fast and never rewrites
//! data. `data/ATTRIBUTION.md` gives each file's source and licence.

use std::sync::Arc;

use ictstat_core::Catalog;
use ictstat_formats::ReadOptions;
use ictstat_store::{Db, WriteOutcome};

use crate::ingest::{ImportOptions, ImportResult, IngestError, InputFile, Publish, import};

/// Source attribute of the ITU series, as their publishers ask to be credited.
pub const ITU_SOURCE: &str = "ITU World Telecommunication/ICT Indicators Database, via World Bank WDI and Gapminder Systema Globalis (CC BY 4.0)";
/// Source attribute of the population series.
pub const POPULATION_SOURCE: &str =
    "World Bank WDI SP.POP.TOTL, via datasets/population (ODC-PDDL-1.0)";

/// Source attribute of Armenia's national SDG platform files.
pub const ARMSTAT_SOURCE: &str = "Statistical Committee of the Republic of Armenia (Armstat), national SDG data platform armstat/sdg-data-armenia (MIT)";

/// A file shipped in `data/`, with what its layout does not say.
pub struct BundledFile {
    pub name: &'static str,
    pub bytes: &'static [u8],
    pub indicator: Option<&'static str>,
    /// The country of a national platform's file (Open SDG files have no area column).
    pub area: Option<&'static str>,
    pub source: &'static str,
}

macro_rules! gapminder {
    ($concept:literal) => {
        BundledFile {
            name: concat!("ddf--datapoints--", $concept, "--by--geo--time.csv"),
            bytes: include_bytes!(concat!(
                "../../../data/gapminder/ddf--datapoints--",
                $concept,
                "--by--geo--time.csv"
            )),
            indicator: None,
            area: None,
            source: ITU_SOURCE,
        }
    };
}

/// A file of Armenia's Open SDG platform: real national data broken down by sex, age and speed.
macro_rules! armenia {
    ($indicator:literal) => {
        BundledFile {
            name: concat!("indicator_", $indicator, ".csv"),
            bytes: include_bytes!(concat!(
                "../../../data/national/armenia/indicator_",
                $indicator,
                ".csv"
            )),
            indicator: None,
            area: Some("ARM"),
            source: ARMSTAT_SOURCE,
        }
    };
}

/// The bundled data, in load order.
pub fn bundled_files() -> Vec<BundledFile> {
    vec![
        BundledFile {
            name: "wb_sp_pop_totl.csv",
            bytes: include_bytes!("../../../data/population/wb_sp_pop_totl.csv"),
            indicator: Some("SP_POP_TOTL"),
            area: None,
            source: POPULATION_SOURCE,
        },
        gapminder!("internet_users"),
        gapminder!("cell_phones_per_100_people"),
        gapminder!("cell_phones_total"),
        gapminder!("broadband_subscribers_per_100_people"),
        gapminder!("broadband_subscribers"),
        gapminder!("fixed_line_subscribers_per_100_people"),
        // After the ITU series: for Armenia, the national statistics office's own figures are
        // the current ones (as on its national platform); ITU's stay as earlier versions.
        armenia!("17-8-1"),
        armenia!("5-b-1"),
        armenia!("17-6-1"),
    ]
}

/// Changes whenever the bundled files or their load options change, so that an upgrade
/// loads new bundled data as a new revision (values that did not change are not rewritten).
pub fn bundle_fingerprint() -> String {
    let mut all = Vec::new();
    for f in bundled_files() {
        all.extend_from_slice(f.name.as_bytes());
        all.extend_from_slice(f.indicator.unwrap_or("").as_bytes());
        all.extend_from_slice(f.area.unwrap_or("").as_bytes());
        all.extend_from_slice(f.source.as_bytes());
        all.extend_from_slice(f.bytes);
    }
    crate::state::sha256_hex(&all)
}

/// A fingerprint of the catalogue's content.
pub fn catalog_fingerprint(catalog: &Catalog) -> String {
    let json = serde_json::to_vec(&(
        &catalog.indicators,
        &catalog.frameworks,
        &catalog.targets,
        &catalog.areas,
        &catalog.memberships,
    ))
    .unwrap_or_default();
    crate::state::sha256_hex(&json)
}

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitReport {
    pub catalog_written: bool,
    /// One result per bundled file; empty when the bundled data was already loaded.
    pub bundled: Vec<(String, ImportResult)>,
    /// The revision of values derived from the bundled data, when it was loaded.
    pub derived: Option<WriteOutcome>,
}

/// Brings a database up to the catalogue and bundled data of this build.
pub async fn init(db: &Db, catalog: &Arc<Catalog>) -> Result<InitReport, IngestError> {
    let mut report = InitReport {
        catalog_written: db
            .sync_catalog(catalog, &catalog_fingerprint(catalog))
            .await?,
        ..InitReport::default()
    };
    let fingerprint = bundle_fingerprint();
    if db.meta("bundled_data").await?.as_deref() == Some(fingerprint.as_str()) {
        return Ok(report);
    }
    for f in bundled_files() {
        let opts = ImportOptions {
            read: ReadOptions {
                indicator: f.indicator.map(str::to_string),
                area: f.area.map(str::to_string),
                source: Some(f.source.to_string()),
                ..ReadOptions::default()
            },
            // The bundled files hold areas that are not UN M49 countries (World Bank
            // aggregates, Gapminder-only territories): keep the valid rows, report the rest.
            skip_invalid: true,
            author: "ictstat".into(),
            kind: "bundled".into(),
            comment: Some("bundled open data".into()),
            skip_derived: true,
            publish: Publish::Later,
            ..ImportOptions::default()
        };
        let result = import(
            db,
            catalog.clone(),
            vec![InputFile {
                name: f.name.into(),
                bytes: f.bytes.to_vec(),
            }],
            &opts,
        )
        .await?;
        report.bundled.push((f.name.to_string(), result));
    }
    // Rates from counts and population (and back) where the bundled files lack one of them.
    report.derived = crate::ingest::derive_values(db, catalog, &[], &[]).await?;
    // The bundled data and its derived values become public together.
    let ictstat = ictstat_store::accounts::Actor {
        name: Some("ictstat".into()),
        ..Default::default()
    };
    db.release_direct("bundled", &ictstat).await?;
    db.set_meta("bundled_data", &fingerprint).await?;
    Ok(report)
}
