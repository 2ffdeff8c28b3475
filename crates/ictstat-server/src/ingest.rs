//! Importing files: read and validate every file, then write them as one revision, or nothing.
//!
//! The CLI (`ictstat import`) and the API (`POST /api/v1/imports`) both call `import`, so the
//! same file gets the same report and the same result either way.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use ictstat_core::{Catalog, Diagnostic, Observation, Report, SeriesKey, Severity};
use ictstat_formats::{ReadOptions, read};
use ictstat_stats::checks::Checks;
use ictstat_stats::derive::{Definitions, derive};
use ictstat_store::accounts::Actor;
use ictstat_store::releases::Release;
use ictstat_store::{
    Db, ObservationQuery, RevisionMeta, StoreError, StoredAttributes, WriteOutcome,
};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A reader failed outright (a bug: readers report problems as diagnostics).
    #[error("reading the files failed: {0}")]
    Reader(String),
    /// The importer may not write some of the data points (a provider's file with another
    /// country's row): nothing was written. `first` names the first such row.
    #[error("{first} is outside what you may write ({count} rows are); nothing was written")]
    OutOfScope { first: OutOfScopeRow, count: usize },
}

/// A data point an import was not allowed to write, named by its key (rows have unique keys
/// within an import, so the key names the row).
#[derive(Debug, Clone, Serialize)]
pub struct OutOfScopeRow {
    pub indicator: String,
    pub area: String,
    pub breakdown: String,
    pub period: String,
}

impl std::fmt::Display for OutOfScopeRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the row of indicator {}, area {}, period {} (breakdown {})",
            self.indicator, self.area, self.period, self.breakdown
        )
    }
}

/// The data points an import may write, from the importer's roles: indicators for every area
/// (a custodian's) and areas per indicator (a provider's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportScope {
    pub indicators: BTreeSet<String>,
    pub areas_by_indicator: BTreeMap<String, BTreeSet<String>>,
}

impl ImportScope {
    pub fn permits(&self, indicator: &str, area: &str) -> bool {
        self.indicators.contains(indicator)
            || self
                .areas_by_indicator
                .get(indicator)
                .is_some_and(|areas| areas.contains(area))
    }

    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty() && self.areas_by_indicator.is_empty()
    }

    /// The first observation outside the scope and how many are. Rows of a series share
    /// their key, so the check runs once per series, not once per row.
    pub(crate) fn outside(&self, observations: &[Observation]) -> Option<(OutOfScopeRow, usize)> {
        let mut first = None;
        let mut count = 0;
        let mut last: Option<(&Arc<SeriesKey>, bool)> = None;
        for o in observations {
            let permitted = match last {
                Some((key, permitted)) if Arc::ptr_eq(key, &o.key) => permitted,
                _ => {
                    let permitted = self.permits(&o.key.indicator, &o.key.area);
                    last = Some((&o.key, permitted));
                    permitted
                }
            };
            if !permitted {
                count += 1;
                first.get_or_insert_with(|| OutOfScopeRow {
                    indicator: o.key.indicator.clone(),
                    area: o.key.area.clone(),
                    breakdown: o.key.breakdown.to_string(),
                    period: o.period.to_string(),
                });
            }
        }
        first.map(|f| (f, count))
    }
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub read: ReadOptions,
    /// Validate and report, write nothing.
    pub dry_run: bool,
    /// Write the valid rows even if some rows have errors (the report lists the rest).
    pub skip_invalid: bool,
    pub author: String,
    /// Revision kind: `import` for users, `bundled` for the data shipped with ictstat.
    pub kind: String,
    pub comment: Option<String>,
    /// Do not derive values after the write (the first-start loader derives once, after all
    /// the bundled files).
    pub skip_derived: bool,
    /// How the written revision becomes public.
    pub publish: Publish,
}

/// How an import's revision becomes public.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Publish {
    /// At once, as a `direct` release (imports are for administrators and the command line),
    /// unless a hold or a publication in progress comes first: then with that release.
    #[default]
    Direct,
    /// Not by this import: the caller releases (the first-start loader, once, after all the
    /// bundled files).
    Later,
    /// Held for a named release (`ictstat import --hold`): until one is published, no direct
    /// release publishes this revision or any written after it.
    Hold,
}

/// One input file.
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileResult {
    pub file: String,
    /// Detected or requested layout; absent when it could not be recognised.
    pub format: Option<String>,
    pub rows_read: u64,
    /// Rows with a missing-value marker (`..`, empty value), which are not data points.
    pub rows_skipped: u64,
    /// Valid observations found.
    pub observations: u64,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ImportStatus {
    /// A revision was written.
    Written,
    /// Valid, but every value was already current: nothing written.
    Unchanged,
    /// Errors (and no `skip_invalid`, or nothing valid at all): nothing written.
    Rejected,
    /// Validated only, as asked.
    DryRun,
    /// Validated only (`ictstat validate`), without errors.
    Valid,
}

impl std::fmt::Display for ImportStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ImportStatus::Written => "written",
            ImportStatus::Unchanged => "unchanged",
            ImportStatus::Rejected => "rejected",
            ImportStatus::DryRun => "dry-run",
            ImportStatus::Valid => "valid",
        })
    }
}

/// The outcome of an import.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    pub status: ImportStatus,
    pub files: Vec<FileResult>,
    pub report: Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<WriteOutcome>,
    /// The revision of values derived from the imported ones (`catalog/derived.toml`), when
    /// there were any to write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<WriteOutcome>,
    /// Why the derivation after a written import failed (the import itself stands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derive_error: Option<String>,
    /// The `direct` release that made the import public (its `publish_at` is later than now
    /// when an embargoed release is pending: the import waits for it). Absent when the import
    /// was held, or waits for a named release that a hold or a publication in progress is
    /// preparing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<Release>,
}

impl ImportResult {
    pub fn is_rejected(&self) -> bool {
        self.status == ImportStatus::Rejected
    }
}

/// Reads, validates and (unless rejected or a dry run) writes `files` as one revision, then
/// derives values from them and publishes them (see [`ImportOptions::publish`]). No
/// scope applies: only administrators and the command line import directly.
pub async fn import(
    db: &Db,
    catalog: Arc<Catalog>,
    files: Vec<InputFile>,
    opts: &ImportOptions,
) -> Result<ImportResult, IngestError> {
    let started = std::time::Instant::now();
    let read_opts = opts.read.clone();
    let content_hash =
        crate::state::files_sha256_hex(files.iter().map(|f| (f.name.as_str(), f.bytes.as_slice())));
    let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    let catalog_for_derive = catalog.clone();
    // Parsing a large file is CPU work: keep it off the async workers.
    let (observations, report, file_results) =
        tokio::task::spawn_blocking(move || validate_files(&catalog, files, &read_opts))
            .await
            .map_err(|e| IngestError::Reader(e.to_string()))?;
    tracing::debug!(
        "import: {} observations read and validated in {:?}",
        observations.len(),
        started.elapsed()
    );

    // With `skip_invalid`, errors are tolerated as long as something valid remains: a binary
    // file or a file whose every row is wrong is rejected all the same.
    let stop = if report.has_errors() && (!opts.skip_invalid || observations.is_empty()) {
        Some(ImportStatus::Rejected)
    } else if opts.dry_run {
        Some(ImportStatus::DryRun)
    } else if observations.is_empty() {
        Some(ImportStatus::Unchanged)
    } else {
        None
    };
    if let Some(status) = stop {
        return Ok(ImportResult {
            status,
            files: file_results,
            report,
            outcome: None,
            derived: None,
            derive_error: None,
            release: None,
        });
    }
    let meta = RevisionMeta {
        author: opts.author.clone(),
        kind: opts.kind.clone(),
        file: Some(names.join(", ")),
        comment: opts.comment.clone(),
        content_hash: Some(content_hash),
    };
    // An import and the derivation that follows it are one step for the imports of this
    // process, so that a derivation never writes values computed from inputs another import
    // has changed since. (Across processes that can still happen; a reported value is safe
    // either way: the derivation's write keeps every value that is not itself derived.)
    let _one_at_a_time = WRITE_AND_DERIVE.lock().await;
    let actor = Actor {
        name: Some(opts.author.clone()),
        ..Actor::default()
    };
    if opts.publish == Publish::Hold {
        let reason = format!("import of {} held for a release", names.join(", "));
        db.hold_next_revisions(&reason, &actor).await?;
    }
    let outcome = db.write(&meta, &observations).await?;
    // What the import touched, one look per series (rows of a series share their key).
    let (mut areas, mut indicators) = (BTreeSet::new(), BTreeSet::new());
    let mut previous: Option<&Arc<SeriesKey>> = None;
    for o in &observations {
        if previous.is_none_or(|p| !Arc::ptr_eq(p, &o.key)) {
            areas.insert(o.key.area.clone());
            indicators.insert(o.key.indicator.clone());
            previous = Some(&o.key);
        }
    }
    // Freeing a million observations takes a few hundred milliseconds: do it off the path
    // that answers the caller.
    std::thread::spawn(move || drop(observations));
    let status = if outcome.revision.is_some() {
        ImportStatus::Written
    } else {
        ImportStatus::Unchanged
    };
    let (mut derived, mut derive_error) = (None, None);
    if status == ImportStatus::Written && !opts.skip_derived {
        // The import is committed: a failed derivation is reported, not an import failure.
        let (areas, indicators): (Vec<String>, Vec<String>) = (
            areas.into_iter().collect(),
            indicators.into_iter().collect(),
        );
        match derive_values(db, &catalog_for_derive, &areas, &indicators).await {
            Ok(outcome) => derived = outcome,
            Err(e) => {
                tracing::error!("deriving values after the import failed: {e}");
                derive_error = Some(e.to_string());
            }
        }
    }
    // Also when nothing changed: a retried import publishes what an interrupted one wrote.
    let release = if opts.publish == Publish::Direct {
        db.release_direct(&opts.kind, &actor).await?
    } else {
        None
    };
    Ok(ImportResult {
        status,
        files: file_results,
        report,
        outcome: Some(outcome),
        derived,
        derive_error,
        release,
    })
}

/// Serialises an import's write and the derivation after it (see `import`).
pub(crate) static WRITE_AND_DERIVE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Derives the values of `catalog/derived.toml` for `areas` (all when empty) from the current
/// data and writes them as one `derived` revision. Only the areas and indicators an import
/// touched (`changed`; all when empty) can have changed inputs: an import of none of the
/// definitions' inputs derives nothing, and values whose inputs did not change are rewritten
/// as unchanged, i.e. not at all. Returns the outcome when something was written.
pub async fn derive_values(
    db: &Db,
    catalog: &Catalog,
    areas: &[String],
    changed: &[String],
) -> Result<Option<WriteOutcome>, IngestError> {
    let definitions = Definitions::builtin(catalog)
        .map_err(|e| IngestError::Reader(format!("catalog/derived.toml: {e}")))?;
    let an_input_changed = changed.is_empty()
        || definitions
            .definitions
            .iter()
            .flat_map(|d| d.formula.inputs())
            .any(|input| changed.iter().any(|c| c == input));
    if !an_input_changed {
        return Ok(None);
    }
    let mut indicators: Vec<String> = definitions
        .definitions
        .iter()
        .flat_map(|d| {
            d.formula
                .inputs()
                .into_iter()
                .chain([d.indicator.as_str()])
                .map(str::to_string)
        })
        .collect();
    indicators.sort();
    indicators.dedup();
    let latest = db.latest_revision().await?;
    let query = ObservationQuery {
        indicators,
        areas: areas.to_vec(),
        limit: i64::MAX as usize,
        ..ObservationQuery::default()
    };
    let rows = db.observations_as_of(&query, latest).await?;
    let observations: Vec<Observation> = rows.iter().filter_map(|r| r.to_observation()).collect();
    let derived = derive(&definitions, &observations);
    if derived.is_empty() {
        return Ok(None);
    }
    let meta = RevisionMeta {
        author: "ictstat".into(),
        kind: "derived".into(),
        file: None,
        comment: Some(format!(
            "values derived from the data of revision {latest} (catalog/derived.toml)"
        )),
        content_hash: None,
    };
    // A value reported since the read above stays: only derived values are replaced.
    let reported = |current: &StoredAttributes| {
        !current
            .source
            .as_deref()
            .is_some_and(|s| s.starts_with(ictstat_stats::derive::SOURCE))
    };
    let outcome = db.write_keeping(&meta, &derived, reported).await?;
    Ok(outcome.revision.is_some().then_some(outcome))
}

/// Reads and validates every file and merges the results; a data point given by two files is
/// an error, as within one file. Then the validation rules over series (`ictstat_stats::checks`:
/// sexes bracketing the total, speed tiers summing to it, coverage of 4G within 3G…) run over
/// the valid observations of all the files together, so that a regulator's file with 2G, 3G
/// and 4G coverage is checked as a whole. Year-on-year outlier detection is left to
/// `/api/v1/validation`, over whole series. Returns the valid observations, the report and
/// per-file counts.
pub fn validate_files(
    catalog: &Catalog,
    files: Vec<InputFile>,
    opts: &ReadOptions,
) -> (Vec<Observation>, Report, Vec<FileResult>) {
    let mut observations = Vec::new();
    let mut report = Report::default();
    let mut results = Vec::new();
    let mut first_file: HashMap<(String, String), String> = HashMap::new();
    let several = files.len() > 1;
    for file in files {
        let parsed = read(&file.name, &file.bytes, catalog, opts);
        results.push(FileResult {
            file: file.name.clone(),
            format: (!parsed
                .report
                .diagnostics
                .iter()
                .any(|d| d.rule == "unknown-format"))
            .then(|| parsed.format.to_string()),
            rows_read: parsed.rows_read,
            rows_skipped: parsed.rows_skipped,
            observations: parsed.observations.len() as u64,
        });
        report.merge(parsed.report);
        for obs in parsed.observations {
            if several {
                let key = (obs.key.text(), obs.period.to_string());
                if let Some(earlier) = first_file.get(&key) {
                    report.push(Diagnostic {
                        severity: Severity::Error,
                        rule: "duplicate-key".into(),
                        file: file.name.clone(),
                        line: None,
                        column: None,
                        value: Some(format!("{} {}", key.0, key.1)),
                        message: format!("this data point is also in {earlier}"),
                        fix: Some("import each data point from one file only".into()),
                    });
                    continue;
                }
                first_file.insert(key, file.name.clone());
            }
            observations.push(obs);
        }
    }
    if !observations.is_empty() {
        let names: Vec<&str> = results.iter().map(|r| r.file.as_str()).collect();
        report.merge(import_checks().run(&observations, catalog, &names.join(", ")));
    }
    (observations, report, results)
}

/// The rules run on every import: the built-in rules, without outlier detection and without
/// `sex-brackets-total`, which the readers already apply to every file as
/// `total-contradiction` (one finding, not two, for one problem).
fn import_checks() -> Checks {
    let mut checks = Checks::builtin();
    checks.outliers = None;
    checks.rules.retain(|r| r.id != "sex-brackets-total");
    checks
}
