//! Submissions: a provider's validated file waiting for review and publication.
//!
//! A submission moves `pending` → `accepted` or `rejected` (review, with comments on rows) →
//! `published` (by a release, see `releases`); its submitter may withdraw it while it is
//! pending. Every move is one conditional UPDATE (`… WHERE status = 'pending'`), so two
//! reviewers deciding at once cannot both win: the second gets a conflict naming the state
//! the first left. The audit row is written in the same transaction as the move.

use std::str::FromStr;

use serde::Serialize;

use crate::accounts::{Actor, insert_audit};
use crate::db::{Db, StoreError, with_pool};
use crate::write::Begin;

/// Where a submission is in its review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Pending,
    Accepted,
    Rejected,
    Published,
    Withdrawn,
}

impl SubmissionStatus {
    pub const ALL: [SubmissionStatus; 5] = [
        SubmissionStatus::Pending,
        SubmissionStatus::Accepted,
        SubmissionStatus::Rejected,
        SubmissionStatus::Published,
        SubmissionStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Pending => "pending",
            SubmissionStatus::Accepted => "accepted",
            SubmissionStatus::Rejected => "rejected",
            SubmissionStatus::Published => "published",
            SubmissionStatus::Withdrawn => "withdrawn",
        }
    }
}

impl FromStr for SubmissionStatus {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| {
                StoreError::Invalid(format!(
                    "`{s}` is not a submission status: use pending, accepted, rejected, published or withdrawn"
                ))
            })
    }
}

impl std::fmt::Display for SubmissionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A submission, without its data.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Submission {
    pub id: i64,
    pub created_at: String,
    pub submitter: String,
    #[serde(skip)]
    pub submitter_id: Option<i64>,
    /// The submitter's organisation (none for the command line).
    pub organisation: Option<String>,
    pub file_name: String,
    /// SHA-256 of the uploaded file.
    pub content_hash: String,
    pub comment: Option<String>,
    /// The public cut the submitter saw; publishing over a data point changed since is a
    /// conflict.
    pub base_revision: i64,
    pub status: SubmissionStatus,
    /// Valid data points in it.
    pub observations: i64,
    pub indicators: Vec<String>,
    pub areas: Vec<String>,
    /// The validation report of the upload (the import and rules reports).
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_comment: Option<String>,
    /// The release that published it.
    pub release: Option<String>,
    /// The revision that wrote it at publication (none if its data was already current).
    pub revision: Option<i64>,
}

/// A submission to record: validated, in the submitter's scope.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub file_name: String,
    pub content_hash: String,
    pub comment: Option<String>,
    pub base_revision: i64,
    pub observations: i64,
    pub indicators: Vec<String>,
    pub areas: Vec<String>,
    pub report: serde_json::Value,
    /// The valid observations as ictstat's long CSV.
    pub payload: String,
}

/// A review comment: on the whole submission, or on one data point of it.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SubmissionComment {
    pub id: i64,
    pub at: String,
    pub author: String,
    /// The data point's series (`indicator|area|breakdown`), when on a row.
    pub series_key: Option<String>,
    pub period: Option<String>,
    pub body: String,
}

/// A comment to add: `series_key` and `period` together, or neither.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewComment {
    pub series_key: Option<String>,
    pub period: Option<String>,
    pub body: String,
}

/// The reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accept,
    Reject,
}

/// Which submissions to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct SubmissionQuery {
    pub status: Option<SubmissionStatus>,
    pub submitter_id: Option<i64>,
    pub limit: usize,
    pub offset: usize,
}

/// Comments longer than this are refused: they are stored forever.
pub const MAX_COMMENT_CHARS: usize = 4000;

/// A submission as stored (`indicators` and `areas` space-separated, `report` JSON text).
#[derive(sqlx::FromRow)]
struct SubmissionRow {
    id: i64,
    created_at: String,
    submitter: String,
    submitter_id: Option<i64>,
    organisation: Option<String>,
    file_name: String,
    content_hash: String,
    comment: Option<String>,
    base_revision: i64,
    status: String,
    observations: i64,
    indicators: String,
    areas: String,
    report: String,
    reviewed_by: Option<String>,
    reviewed_at: Option<String>,
    review_comment: Option<String>,
    release: Option<String>,
    revision: Option<i64>,
}

const SUBMISSION_COLUMNS: &str = "s.id, s.created_at, s.submitter, s.submitter_id, g.name AS organisation, s.file_name, s.content_hash, s.comment, \
     s.base_revision, s.status, s.observations, s.indicators, s.areas, s.report, s.reviewed_by, s.reviewed_at, \
     s.review_comment, r.name AS release, s.revision FROM submission s LEFT JOIN data_release r ON r.id = s.release_id \
     LEFT JOIN app_user u ON u.id = s.submitter_id LEFT JOIN organisation g ON g.id = u.organisation_id";

impl TryFrom<SubmissionRow> for Submission {
    type Error = StoreError;
    fn try_from(r: SubmissionRow) -> Result<Self, StoreError> {
        let words = |s: String| s.split_whitespace().map(str::to_string).collect();
        Ok(Submission {
            id: r.id,
            created_at: r.created_at,
            submitter: r.submitter,
            submitter_id: r.submitter_id,
            organisation: r.organisation,
            file_name: r.file_name,
            content_hash: r.content_hash,
            comment: r.comment,
            base_revision: r.base_revision,
            status: r.status.parse()?,
            observations: r.observations,
            indicators: words(r.indicators),
            areas: words(r.areas),
            report: serde_json::from_str(&r.report).unwrap_or(serde_json::Value::Null),
            reviewed_by: r.reviewed_by,
            reviewed_at: r.reviewed_at,
            review_comment: r.review_comment,
            release: r.release,
            revision: r.revision,
        })
    }
}

fn check_comment(c: &NewComment) -> Result<(), StoreError> {
    if c.body.trim().is_empty() {
        return Err(StoreError::Invalid("a comment needs a text".into()));
    }
    if c.body.chars().count() > MAX_COMMENT_CHARS {
        return Err(StoreError::Invalid(format!(
            "a comment holds at most {MAX_COMMENT_CHARS} characters"
        )));
    }
    if c.series_key.is_some() != c.period.is_some() {
        return Err(StoreError::Invalid(
            "a comment on a row gives both its series key and its period".into(),
        ));
    }
    Ok(())
}

impl Db {
    /// Records a validated submission as `pending`, with its audit row.
    pub async fn create_submission(
        &self,
        new: &NewSubmission,
        actor: &Actor,
    ) -> Result<Submission, StoreError> {
        if let Some(c) = &new.comment {
            check_comment(&NewComment {
                body: c.clone(),
                ..NewComment::default()
            })?;
        }
        let now = crate::now_text();
        let id: i64 = with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO submission (created_at, submitter_id, submitter, file_name, content_hash, comment, \
                 base_revision, status, observations, indicators, areas, report, payload) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(&now)
            .bind(actor.user_id)
            .bind(actor.name.clone().unwrap_or_default())
            .bind(&new.file_name)
            .bind(&new.content_hash)
            .bind(&new.comment)
            .bind(new.base_revision)
            .bind(new.observations)
            .bind(new.indicators.join(" "))
            .bind(new.areas.join(" "))
            .bind(new.report.to_string())
            .bind(&new.payload)
            .fetch_one(&mut *tx)
            .await?;
            insert_audit!(&mut *tx, actor, "submission_created", Some(&format!("submission:{id}")),
                &serde_json::json!({"file": new.file_name, "observations": new.observations,
                    "indicators": new.indicators, "areas": new.areas, "base_revision": new.base_revision}))?;
            tx.commit().await?;
            id
        });
        self.submission(id)
            .await?
            .ok_or_else(|| StoreError::Missing(format!("submission {id}")))
    }

    /// One submission, without its data.
    pub async fn submission(&self, id: i64) -> Result<Option<Submission>, StoreError> {
        let sql = format!("SELECT {SUBMISSION_COLUMNS} WHERE s.id = $1");
        let row: Option<SubmissionRow> = with_pool!(self, p =>
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?);
        row.map(Submission::try_from).transpose()
    }

    /// Submissions matching `q`, newest first.
    pub async fn submissions(&self, q: &SubmissionQuery) -> Result<Vec<Submission>, StoreError> {
        let rows: Vec<SubmissionRow> = with_pool!(self, p => {
            let mut qb = sqlx::QueryBuilder::new(format!("SELECT {SUBMISSION_COLUMNS} WHERE 1 = 1"));
            if let Some(status) = q.status {
                qb.push(" AND s.status = ").push_bind(status.as_str());
            }
            if let Some(user) = q.submitter_id {
                qb.push(" AND s.submitter_id = ").push_bind(user);
            }
            qb.push(" ORDER BY s.id DESC LIMIT ")
                .push_bind(i64::try_from(q.limit).unwrap_or(i64::MAX))
                .push(" OFFSET ")
                .push_bind(i64::try_from(q.offset).unwrap_or(i64::MAX));
            qb.build_query_as().fetch_all(p).await?
        });
        rows.into_iter().map(Submission::try_from).collect()
    }

    /// The validated observations of a submission, as long CSV.
    pub async fn submission_payload(&self, id: i64) -> Result<Option<String>, StoreError> {
        let sql = "SELECT payload FROM submission WHERE id = $1";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql).bind(id).fetch_optional(p).await?))
    }

    /// The comments on a submission, oldest first.
    pub async fn submission_comments(&self, id: i64) -> Result<Vec<SubmissionComment>, StoreError> {
        let sql = "SELECT id, at, author, series_key, period, body FROM submission_comment \
                   WHERE submission_id = $1 ORDER BY id";
        Ok(with_pool!(self, p => sqlx::query_as(sql).bind(id).fetch_all(p).await?))
    }

    /// Accepts or rejects a pending submission with an overall comment and comments on rows,
    /// in one transaction with its audit row. A submission that is no longer pending (another
    /// reviewer decided first, or it was withdrawn) is a conflict and nothing is written.
    pub async fn review_submission(
        &self,
        id: i64,
        decision: Decision,
        comment: Option<&str>,
        row_comments: &[NewComment],
        actor: &Actor,
    ) -> Result<Submission, StoreError> {
        for c in row_comments {
            check_comment(c)?;
        }
        if let Some(c) = comment {
            check_comment(&NewComment {
                body: c.to_string(),
                ..NewComment::default()
            })?;
        }
        let to = match decision {
            Decision::Accept => SubmissionStatus::Accepted,
            Decision::Reject => SubmissionStatus::Rejected,
        };
        let now = crate::now_text();
        let reviewer = actor.name.clone().unwrap_or_default();
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let moved = sqlx::query(
                "UPDATE submission SET status = $1, reviewed_by = $2, reviewed_at = $3, review_comment = $4 \
                 WHERE id = $5 AND status = 'pending'",
            )
            .bind(to.as_str())
            .bind(&reviewer)
            .bind(&now)
            .bind(comment)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved != 1 {
                tx.rollback().await?;
                return Err(self.not_pending(id).await);
            }
            for c in row_comments {
                sqlx::query(
                    "INSERT INTO submission_comment (submission_id, at, author, series_key, period, body) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(&now)
                .bind(&reviewer)
                .bind(&c.series_key)
                .bind(&c.period)
                .bind(&c.body)
                .execute(&mut *tx)
                .await?;
            }
            insert_audit!(&mut *tx, actor, "submission_reviewed", Some(&format!("submission:{id}")),
                &serde_json::json!({"decision": to.as_str(), "comment": comment, "row_comments": row_comments.len()}))?;
            tx.commit().await?;
        });
        self.submission(id)
            .await?
            .ok_or_else(|| StoreError::Missing(format!("submission {id}")))
    }

    /// Withdraws a pending submission (its submitter changed their mind), with its audit row.
    pub async fn withdraw_submission(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let moved = sqlx::query("UPDATE submission SET status = 'withdrawn' WHERE id = $1 AND status = 'pending'")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if moved != 1 {
                tx.rollback().await?;
                return Err(self.not_pending(id).await);
            }
            insert_audit!(&mut *tx, actor, "submission_withdrawn", Some(&format!("submission:{id}")),
                &serde_json::Value::Object(Default::default()))?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The error for a move that found the submission no longer pending.
    async fn not_pending(&self, id: i64) -> StoreError {
        match self.submission(id).await {
            Ok(Some(s)) => StoreError::Conflict(format!(
                "submission {id} is {} (no longer pending){}",
                s.status,
                s.reviewed_by
                    .map(|who| format!(": reviewed by {who}"))
                    .unwrap_or_default()
            )),
            Ok(None) => StoreError::Missing(format!("submission {id}")),
            Err(e) => e,
        }
    }
}
