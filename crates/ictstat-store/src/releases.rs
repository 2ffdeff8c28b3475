//! Releases: what the public sees.
//!
//! Every write is a revision, but a revision is not public until a release covers it. A
//! release makes the data written up to its revision (its *cut*) public from its `publish_at`
//! time; the public reads (the read model, `as_of`, history, the revision log) answer as of
//! the cut of the latest release whose time has come ([`Db::published_revision`]). The
//! release row is therefore the commit point of a publication: a publication that stops
//! between its writes and its release row leaves the previous release as the public data,
//! and its revisions are released by the next publication. Releases are ordered: a release
//! never becomes public before an earlier one, so an embargoed cut cannot leak through a
//! later release.

use serde::Serialize;

use crate::accounts::{Actor, insert_audit};
use crate::db::{Db, StoreError, with_pool};
use crate::write::Begin;

/// A release, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Release {
    pub id: i64,
    pub name: String,
    /// `release` for a named publication of submissions, `direct` for an administrator's
    /// import (which publishes itself).
    pub kind: String,
    pub description: Option<String>,
    /// The cut: the release publishes the data as of this revision.
    pub revision: i64,
    /// When it is (or becomes) public; later than now while it is under embargo.
    pub publish_at: String,
    pub created_at: String,
    pub created_by: String,
}

impl Release {
    /// True while its publication time is still to come.
    pub fn is_embargoed(&self, now: &str) -> bool {
        self.publish_at.as_str() > now
    }
}

/// A release to record.
#[derive(Debug, Clone)]
pub struct NewRelease {
    pub name: String,
    /// `release` or `direct`.
    pub kind: &'static str,
    pub description: Option<String>,
    /// The publication time in the store's text form (see `parse_time`); `None` for now.
    pub publish_at: Option<String>,
    /// Submissions the release publishes, with the revision that wrote each (`None` when
    /// its data was already current and nothing was written).
    pub submissions: Vec<(i64, Option<i64>)>,
}

/// A data point that differs between two releases.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReleaseChange {
    pub indicator: String,
    pub area: String,
    /// Canonical breakdown text (`SEX=F`), empty for the total.
    pub breakdown: String,
    pub period: String,
    /// The value in the earlier release; absent for a data point the later one added.
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// True when the value itself changed (false: only its attributes did).
    pub value_changed: bool,
    /// The revision that wrote the later version, and its author.
    pub revision: i64,
    pub author: String,
}

const RELEASE_COLUMNS: &str =
    "id, name, kind, description, revision, publish_at, created_at, created_by FROM data_release";

impl Db {
    /// The public cut: the revision of the latest release whose time has come, 0 when none.
    pub async fn published_revision(&self) -> Result<i64, StoreError> {
        self.revision_public_at(&crate::now_text()).await
    }

    /// The cut the public saw at `time` (store text form; a time to come counts as now).
    pub async fn revision_public_at(&self, time: &str) -> Result<i64, StoreError> {
        let time = std::cmp::min(time.to_string(), crate::now_text());
        // Release times never decrease, so the latest release by time has the highest cut.
        let sql = "SELECT COALESCE(MAX(revision), 0) FROM data_release WHERE publish_at <= $1";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql).bind(time).fetch_one(p).await?))
    }

    /// Releases, newest first; `with_embargoed` includes those whose time is still to come.
    pub async fn releases(&self, with_embargoed: bool) -> Result<Vec<Release>, StoreError> {
        let now = crate::now_text();
        let sql = format!(
            "SELECT {RELEASE_COLUMNS} WHERE $1 OR publish_at <= $2 ORDER BY revision DESC, id DESC"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(with_embargoed).bind(now).fetch_all(p).await?),
        )
    }

    /// One release by name, embargoed or not.
    pub async fn release(&self, name: &str) -> Result<Option<Release>, StoreError> {
        let sql = format!("SELECT {RELEASE_COLUMNS} WHERE name = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(name).fetch_optional(p).await?),
        )
    }

    /// The release before `release` (by cut), if any.
    pub async fn previous_release(&self, release: &Release) -> Result<Option<Release>, StoreError> {
        let sql = format!(
            "SELECT {RELEASE_COLUMNS} WHERE revision < $1 OR (revision = $1 AND id < $2) \
             ORDER BY revision DESC, id DESC LIMIT 1"
        );
        Ok(
            with_pool!(self, p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(release.revision).bind(release.id).fetch_optional(p).await?),
        )
    }

    /// Checks that a release named `name` could be published at `publish_at` (store text
    /// form, `None` for now) without writing anything: the name is free and the time is not
    /// before a release already recorded. A publication checks this before its writes, so
    /// that a refusal leaves nothing behind.
    pub async fn check_new_release(
        &self,
        name: &str,
        publish_at: Option<&str>,
    ) -> Result<(), StoreError> {
        if !is_valid_release_name(name) {
            return Err(StoreError::Invalid(format!(
                "`{name}` is not a release name: use 1 to 64 letters, digits, `.`, `-` or `_`, starting with a letter or digit"
            )));
        }
        if self.release(name).await?.is_some() {
            return Err(StoreError::Exists(format!("release `{name}`")));
        }
        if let Some(at) = publish_at {
            let latest: Option<(String, String)> = with_pool!(self, p => sqlx::query_as(
                "SELECT name, publish_at FROM data_release ORDER BY publish_at DESC LIMIT 1")
                .fetch_optional(p).await?);
            if let Some((other, other_at)) = latest
                && at < other_at.as_str()
            {
                return Err(StoreError::Invalid(format!(
                    "release `{other}` is public from {other_at}: a later release cannot be public before it (it would publish that release's data early)"
                )));
            }
        }
        Ok(())
    }

    /// Records a release of everything written so far, in one transaction with the status
    /// of the submissions it publishes and its audit row. The time defaults to now; when an
    /// earlier release is embargoed past it, a `direct` release waits for that time too (an
    /// administrator's import must not publish embargoed data), and a named release is
    /// refused ([`Db::check_new_release`]).
    pub async fn add_release(
        &self,
        new: &NewRelease,
        actor: &Actor,
    ) -> Result<Release, StoreError> {
        let now = crate::now_text();
        let requested = new.publish_at.clone();
        with_pool!(self, p => {
            // Under the write lock: no revision can slip in between the cut and the row.
            let mut tx = p.begin_write().await?;
            let revision: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM revision").fetch_one(&mut *tx).await?;
            let latest_at: Option<String> = sqlx::query_scalar("SELECT MAX(publish_at) FROM data_release").fetch_one(&mut *tx).await?;
            let publish_at = match (requested, latest_at) {
                (Some(at), Some(latest)) if at < latest => {
                    return Err(StoreError::Invalid(format!(
                        "a release is public from {latest}: a later release cannot be public before it"
                    )));
                }
                (Some(at), _) => at,
                (None, Some(latest)) if new.kind == "direct" => std::cmp::max(now.clone(), latest),
                (None, Some(latest)) if latest > now => {
                    return Err(StoreError::Invalid(format!(
                        "a release is under embargo until {latest}: give a publication time at or after it"
                    )));
                }
                (None, _) => now.clone(),
            };
            let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
                "INSERT INTO data_release (name, kind, description, revision, publish_at, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(&new.name)
            .bind(new.kind)
            .bind(&new.description)
            .bind(revision)
            .bind(&publish_at)
            .bind(&now)
            .bind(actor.name.clone().unwrap_or_default())
            .fetch_one(&mut *tx)
            .await;
            let id = match inserted {
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(StoreError::Exists(format!("release `{}`", new.name)));
                }
                other => other?,
            };
            for (submission, written) in &new.submissions {
                let updated = sqlx::query(
                    "UPDATE submission SET status = 'published', release_id = $1, revision = $2 \
                     WHERE id = $3 AND status = 'accepted'",
                )
                .bind(id)
                .bind(*written)
                .bind(*submission)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if updated != 1 {
                    return Err(StoreError::Conflict(format!(
                        "submission {submission} is no longer accepted: it was not published"
                    )));
                }
            }
            let ids: Vec<i64> = new.submissions.iter().map(|(s, _)| *s).collect();
            insert_audit!(&mut *tx, actor, "release_published", Some(&format!("release:{}", new.name)),
                &serde_json::json!({"kind": new.kind, "revision": revision, "publish_at": publish_at, "submissions": ids}))?;
            tx.commit().await?;
            Ok(Release {
                id,
                name: new.name.clone(),
                kind: new.kind.to_string(),
                description: new.description.clone(),
                revision,
                publish_at,
                created_at: now,
                created_by: actor.name.clone().unwrap_or_default(),
            })
        })
    }

    /// What changed between the cuts `before` and `after` (`before` < `after`): every data
    /// point whose version at `after` was written after `before`, with its earlier value when
    /// it had one (a revision) and without (an addition). Ordered by indicator, area,
    /// breakdown and period.
    pub async fn changes_between(
        &self,
        before: i64,
        after: i64,
    ) -> Result<Vec<ReleaseChange>, StoreError> {
        type Row = (
            String,
            String,
            String,
            String,
            Option<f64>,
            Option<f64>,
            Option<i64>,
            i64,
            String,
        );
        let sql = "SELECT s.indicator, s.area, s.breakdown, n.period, b.value, n.value, b.id, n.valid_from, r.author \
                   FROM observation n JOIN series s ON s.id = n.series_id JOIN revision r ON r.id = n.valid_from \
                   LEFT JOIN observation b ON b.series_id = n.series_id AND b.period = n.period \
                        AND b.valid_from <= $1 AND (b.valid_to IS NULL OR b.valid_to > $1) \
                   WHERE n.valid_from > $1 AND n.valid_from <= $2 AND (n.valid_to IS NULL OR n.valid_to > $2) \
                   ORDER BY s.indicator, s.area, s.breakdown, n.period";
        let rows: Vec<Row> =
            with_pool!(self, p => sqlx::query_as(sql).bind(before).bind(after).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(
                |(indicator, area, breakdown, period, before, after, earlier, revision, author)| {
                    ReleaseChange {
                        // An addition, or a revision of the value (not only of attributes).
                        value_changed: earlier.is_none() || before != after,
                        indicator,
                        area,
                        breakdown,
                        period,
                        before,
                        after,
                        revision,
                        author,
                    }
                },
            )
            .collect())
    }
}

/// Release names appear in URLs: letters, digits, `.`, `-`, `_`, up to 64, not starting with
/// punctuation.
pub fn is_valid_release_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}
