//! Submitting a file for review: validated exactly as an import is (`ingest::validate_files`,
//! the import and rules reports), checked against the submitter's scope, then kept as a
//! pending submission instead of being written. Nothing of it is public until a release
//! publishes it (`publish`).

use std::collections::BTreeSet;
use std::sync::Arc;

use ictstat_core::{Catalog, Diagnostic, Report, Severity};
use ictstat_formats::ReadOptions;
use ictstat_store::Db;
use ictstat_store::accounts::Actor;
use ictstat_store::submissions::{NewSubmission, Submission};
use serde::Serialize;

use crate::ingest::{FileResult, ImportScope, IngestError, InputFile, validate_files};

/// How to submit.
#[derive(Debug, Clone, Default)]
pub struct SubmitOptions {
    pub read: ReadOptions,
    pub comment: Option<String>,
    /// The public cut the submitter's file is based on; the published cut when absent.
    pub base_revision: Option<i64>,
}

/// What became of a submitted file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SubmitStatus {
    /// Valid: kept for review.
    Submitted,
    /// Errors, or no data at all: nothing was kept; the report says why.
    Rejected,
}

/// The answer to a submission: the validation report, and the submission when it was kept.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubmitResult {
    pub status: SubmitStatus,
    pub files: Vec<FileResult>,
    pub report: Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submission: Option<Submission>,
}

/// Validates `files` and keeps them as one pending submission by `actor`, who may write only
/// `scope` (`None`: everything). A file with errors, or without a single data point, is
/// rejected and nothing is kept; one data point outside the scope refuses it with
/// [`IngestError::OutOfScope`].
pub async fn submit(
    db: &Db,
    catalog: Arc<Catalog>,
    files: Vec<InputFile>,
    opts: &SubmitOptions,
    scope: Option<&ImportScope>,
    actor: &Actor,
) -> Result<SubmitResult, IngestError> {
    let content_hash =
        crate::state::files_sha256_hex(files.iter().map(|f| (f.name.as_str(), f.bytes.as_slice())));
    let file_name = files
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let read_opts = opts.read.clone();
    let validating = catalog.clone();
    let (observations, mut report, file_results) =
        tokio::task::spawn_blocking(move || validate_files(&validating, files, &read_opts))
            .await
            .map_err(|e| IngestError::Reader(e.to_string()))?;
    if let Some((first, count)) = scope.and_then(|s| s.outside(&observations)) {
        return Err(IngestError::OutOfScope { first, count });
    }
    if observations.is_empty() && !report.has_errors() {
        report.push(Diagnostic {
            severity: Severity::Error,
            rule: "no-data".into(),
            file: file_name.clone(),
            line: None,
            column: None,
            value: None,
            message: "the file holds no data point".into(),
            fix: Some("submit a file with at least one value".into()),
        });
    }
    if report.has_errors() {
        return Ok(SubmitResult {
            status: SubmitStatus::Rejected,
            files: file_results,
            report,
            submission: None,
        });
    }
    let published = db.published_revision().await?;
    let base_revision = match opts.base_revision {
        Some(base) if !(0..=published).contains(&base) => {
            return Err(IngestError::Store(ictstat_store::StoreError::Invalid(
                format!(
                    "base revision {base} is not a published revision (the latest is {published})"
                ),
            )));
        }
        Some(base) => base,
        None => published,
    };
    let mut payload = Vec::new();
    ictstat_formats::write_long_csv(&mut payload, &observations, &catalog)
        .map_err(|e| IngestError::Reader(e.to_string()))?;
    let indicators: BTreeSet<&str> = observations
        .iter()
        .map(|o| o.key.indicator.as_str())
        .collect();
    let areas: BTreeSet<&str> = observations.iter().map(|o| o.key.area.as_str()).collect();
    let new = NewSubmission {
        file_name,
        content_hash,
        comment: opts.comment.clone(),
        base_revision,
        observations: observations.len() as i64,
        indicators: indicators.iter().map(|s| s.to_string()).collect(),
        areas: areas.iter().map(|s| s.to_string()).collect(),
        report: serde_json::to_value(&report).unwrap_or_default(),
        // The long CSV writer writes UTF-8.
        payload: String::from_utf8_lossy(&payload).into_owned(),
    };
    let submission = db.create_submission(&new, actor).await?;
    Ok(SubmitResult {
        status: SubmitStatus::Submitted,
        files: file_results,
        report,
        submission: Some(submission),
    })
}

/// The observations of a submission, read back from its long CSV. The catalogue may have
/// changed since it was validated: a payload that no longer reads cleanly is refused by the
/// caller (the report says why).
pub fn submission_observations(
    catalog: &Catalog,
    submission: &Submission,
    payload: &str,
) -> (Vec<ictstat_core::Observation>, Report) {
    let parsed = ictstat_formats::read(
        &format!("submission-{}.csv", submission.id),
        payload.as_bytes(),
        catalog,
        &ReadOptions {
            format: Some(ictstat_formats::Format::LongCsv),
            ..ReadOptions::default()
        },
    );
    (parsed.observations, parsed.report)
}
