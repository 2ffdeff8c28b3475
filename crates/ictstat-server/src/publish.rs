//! Publishing accepted submissions as a named release.
//!
//! The order makes a publication all-or-nothing for the public: (1) every check that can
//! refuse it runs before anything is written (the release name and time, each submission
//! accepted, its data still reading cleanly, no data point in two submissions, no data point
//! changed by someone else since the submission's base: optimistic concurrency); (2) each
//! submission is written as its own revision, under the submitter's name, checked again
//! under the write lock; (3) values derived from them are recomputed; (4) the release row
//! is inserted, with the submissions marked published, in one transaction. Until (4) commits
//! the public reads the previous release, and a hold taken before (2) keeps any other
//! process's direct release from cutting past what (2) and (3) write. A publication that dies
//! between (2) and (4) leaves its hold, unreleased revisions and accepted submissions;
//! publishing again writes those submissions as unchanged (their values are already current)
//! and releases everything.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use ictstat_core::Catalog;
use ictstat_store::accounts::Actor;
use ictstat_store::releases::{NewRelease, Release};
use ictstat_store::submissions::{SubmissionQuery, SubmissionStatus};
use ictstat_store::{Db, RevisionMeta, StoreError, WriteOutcome};
use serde::Serialize;

use crate::ingest::{IngestError, WRITE_AND_DERIVE, derive_values};
use crate::submit::submission_observations;

/// A release to publish.
#[derive(Debug, Clone, Default)]
pub struct PublishRequest {
    pub name: String,
    pub description: Option<String>,
    /// In the store's text form (`ictstat_store::parse_time`); `None` for now.
    pub publish_at: Option<String>,
    /// The submissions to publish; `None` for every accepted one.
    pub submissions: Option<Vec<i64>>,
}

/// What a publication wrote.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Publication {
    pub release: Release,
    pub submissions: Vec<PublishedSubmission>,
    /// The revision of values derived from the published ones, when there were any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived: Option<WriteOutcome>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublishedSubmission {
    pub id: i64,
    pub outcome: WriteOutcome,
}

fn refuse(message: String) -> IngestError {
    IngestError::Store(StoreError::Conflict(message))
}

/// Publishes `request` as `actor` (see the module documentation for the order of steps).
pub async fn publish(
    db: &Db,
    catalog: Arc<Catalog>,
    request: &PublishRequest,
    actor: &Actor,
) -> Result<Publication, IngestError> {
    let _one_at_a_time = WRITE_AND_DERIVE.lock().await;
    db.check_new_release(&request.name, request.publish_at.as_deref())
        .await?;
    let ids: Vec<i64> = match &request.submissions {
        Some(ids) => ids
            .iter()
            .copied()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        None => {
            let mut accepted: Vec<i64> = db
                .submissions(&SubmissionQuery {
                    status: Some(SubmissionStatus::Accepted),
                    limit: usize::MAX >> 2,
                    ..SubmissionQuery::default()
                })
                .await?
                .into_iter()
                .map(|s| s.id)
                .collect();
            accepted.sort_unstable();
            accepted
        }
    };
    let unreleased = db.latest_revision().await? > db.released_revision().await?;
    if ids.is_empty() && !unreleased {
        return Err(IngestError::Store(StoreError::Invalid(
            "nothing to release: no submission is accepted and every revision is released".into(),
        )));
    }

    // 1. Everything that can refuse the publication, before anything is written.
    let mut batches = Vec::with_capacity(ids.len());
    let mut first_seen: HashMap<(String, String), i64> = HashMap::new();
    for &id in &ids {
        let submission = db
            .submission(id)
            .await?
            .ok_or_else(|| StoreError::Missing(format!("submission {id}")))?;
        if submission.status != SubmissionStatus::Accepted {
            return Err(refuse(format!(
                "submission {id} is {}, not accepted: nothing was published",
                submission.status
            )));
        }
        let payload = db.submission_payload(id).await?.unwrap_or_default();
        let (observations, report) = submission_observations(&catalog, &submission, &payload);
        if report.has_errors() {
            let first = report
                .diagnostics
                .iter()
                .find(|d| d.severity == ictstat_core::Severity::Error);
            return Err(refuse(format!(
                "submission {id} no longer validates against the catalogue ({}): nothing was published",
                first.map(|d| d.to_string()).unwrap_or_default()
            )));
        }
        for o in &observations {
            let key = (o.key.text(), o.period.to_string());
            if let Some(other) = first_seen.insert(key.clone(), id) {
                return Err(refuse(format!(
                    "submissions {other} and {id} both give {} {}: publish one and resubmit the other on the new release (it would conflict otherwise), or leave one out; nothing was published",
                    key.0, key.1
                )));
            }
        }
        db.check_over(&observations, submission.base_revision)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(m) => refuse(format!("submission {id}: {m}")),
                other => other.into(),
            })?;
        batches.push((submission, observations));
    }

    // From here on nothing else may publish what this publication writes (another process's
    // direct import, say) before its release row: hold the revisions to come. The release
    // ends the hold; a publication that stops half-way leaves it, and the next named release
    // publishes everything.
    db.hold_next_revisions(&format!("publication of release {}", request.name), actor)
        .await?;

    // 2. One revision per submission, under its submitter's name.
    let mut published = Vec::with_capacity(batches.len());
    let (mut areas, mut indicators) = (BTreeSet::new(), BTreeSet::new());
    for (submission, observations) in &batches {
        let meta = RevisionMeta {
            author: submission.submitter.clone(),
            kind: "submission".into(),
            file: Some(submission.file_name.clone()),
            comment: Some(format!(
                "submission {}, accepted by {}, published in release {}",
                submission.id,
                submission.reviewed_by.as_deref().unwrap_or("?"),
                request.name
            )),
            content_hash: Some(submission.content_hash.clone()),
        };
        let outcome = db
            .write_over(&meta, observations, submission.base_revision)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(m) => refuse(format!("submission {}: {m}", submission.id)),
                other => other.into(),
            })?;
        areas.extend(submission.areas.iter().cloned());
        indicators.extend(submission.indicators.iter().cloned());
        published.push(PublishedSubmission {
            id: submission.id,
            outcome,
        });
    }
    drop(batches);

    // 3. Derived values, so that they are released with their inputs.
    let derived = if published.iter().any(|p| p.outcome.revision.is_some()) {
        let (areas, indicators): (Vec<String>, Vec<String>) = (
            areas.into_iter().collect(),
            indicators.into_iter().collect(),
        );
        derive_values(db, &catalog, &areas, &indicators).await?
    } else {
        None
    };

    // 4. The commit point.
    let release = db
        .add_release(
            &NewRelease {
                name: request.name.clone(),
                description: request.description.clone(),
                publish_at: request.publish_at.clone(),
                submissions: published
                    .iter()
                    .map(|p| (p.id, p.outcome.revision))
                    .collect(),
            },
            actor,
        )
        .await?;
    Ok(Publication {
        release,
        submissions: published,
        derived,
    })
}
