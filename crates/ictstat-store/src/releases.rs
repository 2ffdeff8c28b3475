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

/// A named release to record.
#[derive(Debug, Clone)]
pub struct NewRelease {
    pub name: String,
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
    /// Whether the earlier release had the data point (false: the later one added it).
    pub existed: bool,
    /// The value in the earlier release (absent for an addition, or a missing value).
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

    /// The highest cut any release has, embargoed or not (0 when none): revisions above it
    /// are unreleased.
    pub async fn released_revision(&self) -> Result<i64, StoreError> {
        let sql = "SELECT COALESCE(MAX(revision), 0) FROM data_release";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await?))
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

    /// Checks that a named release `name` could be published at `publish_at` (store text
    /// form, `None` for now) without writing anything: the name is free and not of the form
    /// direct releases take, the time is not past and not before a release already recorded.
    /// A publication checks this before its writes, so that a refusal leaves nothing behind.
    pub async fn check_new_release(
        &self,
        name: &str,
        publish_at: Option<&str>,
    ) -> Result<(), StoreError> {
        if !is_valid_release_name(name) {
            return Err(StoreError::Invalid(format!(
                "`{name}` is not a release name: use 1 to 64 letters, digits, `.`, `-` or `_`, starting with a letter or digit, and not `{DIRECT_PREFIX}`"
            )));
        }
        if self.release(name).await?.is_some() {
            return Err(StoreError::Exists(format!("release `{name}`")));
        }
        let latest: Option<String> = with_pool!(self, p => sqlx::query_scalar(
            "SELECT MAX(publish_at) FROM data_release").fetch_one(p).await?);
        release_time(publish_at, latest.as_deref(), &crate::now_text()).map(drop)
    }

    /// Holds the revisions written from now on (an import written with `--hold`, a
    /// publication about to write): no direct release cuts past them until a named release
    /// publishes them. Returns the first held revision.
    pub async fn hold_next_revisions(
        &self,
        reason: &str,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        with_pool!(self, p => {
            // Under the write lock, so that no revision is written between the count and the row.
            let mut tx = p.begin_write().await?;
            let held_from: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM revision").fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO release_hold (reason, held_from, created_at, created_by) VALUES ($1, $2, $3, $4)")
                .bind(reason)
                .bind(held_from)
                .bind(crate::now_text())
                .bind(actor.name.clone().unwrap_or_default())
                .execute(&mut *tx)
                .await?;
            insert_audit!(&mut *tx, actor, "revisions_held", None,
                &serde_json::json!({"reason": reason, "held_from": held_from}))?;
            tx.commit().await?;
            Ok(held_from)
        })
    }

    /// Records a named release of everything written so far, in one transaction with the
    /// status of the submissions it publishes, the end of every hold, and its audit row. The
    /// time defaults to now; a time past, or before an earlier release's, is refused
    /// ([`Db::check_new_release`]).
    pub async fn add_release(
        &self,
        new: &NewRelease,
        actor: &Actor,
    ) -> Result<Release, StoreError> {
        if !is_valid_release_name(&new.name) {
            return Err(StoreError::Invalid(format!(
                "`{}` is not a release name",
                new.name
            )));
        }
        let now = crate::now_text();
        with_pool!(self, p => {
            // Under the write lock: no revision can slip in between the cut and the row.
            let mut tx = p.begin_write().await?;
            let revision: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM revision").fetch_one(&mut *tx).await?;
            let latest_at: Option<String> = sqlx::query_scalar("SELECT MAX(publish_at) FROM data_release").fetch_one(&mut *tx).await?;
            let publish_at = release_time(new.publish_at.as_deref(), latest_at.as_deref(), &now)?;
            let id = insert_release!(tx, &new.name, "release", new.description.as_deref(), revision, &publish_at, &now, actor)?;
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
            sqlx::query("DELETE FROM release_hold").execute(&mut *tx).await?;
            let ids: Vec<i64> = new.submissions.iter().map(|(s, _)| *s).collect();
            insert_audit!(&mut *tx, actor, "release_published", Some(&format!("release:{}", new.name)),
                &serde_json::json!({"kind": "release", "revision": revision, "publish_at": publish_at, "submissions": ids}))?;
            tx.commit().await?;
            Ok(Release {
                id,
                name: new.name.clone(),
                kind: "release".into(),
                description: new.description.clone(),
                revision,
                publish_at,
                created_at: now,
                created_by: actor.name.clone().unwrap_or_default(),
            })
        })
    }

    /// Publishes what an administrator's import (or the first start's load) wrote, as a
    /// `direct` release named `direct-{what}-{revision}`: everything written so far, up to
    /// the first held revision. `None` when nothing can be released: the import then waits
    /// for the named release that a hold or a publication in progress is preparing. Public
    /// now, or when the latest embargo ends (an import must not publish embargoed data).
    pub async fn release_direct(
        &self,
        what: &str,
        actor: &Actor,
    ) -> Result<Option<Release>, StoreError> {
        let now = crate::now_text();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let latest: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM revision").fetch_one(&mut *tx).await?;
            let held: Option<i64> = sqlx::query_scalar("SELECT MIN(held_from) FROM release_hold").fetch_one(&mut *tx).await?;
            let released: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(revision), 0) FROM data_release").fetch_one(&mut *tx).await?;
            let cut = held.map_or(latest, |h| latest.min(h - 1));
            if cut <= released {
                tx.rollback().await?;
                return Ok(None);
            }
            let latest_at: Option<String> = sqlx::query_scalar("SELECT MAX(publish_at) FROM data_release").fetch_one(&mut *tx).await?;
            let publish_at = latest_at.map_or(now.clone(), |l| std::cmp::max(l, now.clone()));
            let name = format!("{DIRECT_PREFIX}{what}-{cut}");
            let description = format!("{what} by {}, published as written", actor.name.as_deref().unwrap_or("?"));
            let id = insert_release!(tx, &name, "direct", Some(description.as_str()), cut, &publish_at, &now, actor)?;
            insert_audit!(&mut *tx, actor, "release_published", Some(&format!("release:{name}")),
                &serde_json::json!({"kind": "direct", "revision": cut, "publish_at": publish_at}))?;
            tx.commit().await?;
            Ok(Some(Release {
                id,
                name,
                kind: "direct".into(),
                description: Some(description),
                revision: cut,
                publish_at,
                created_at: now,
                created_by: actor.name.clone().unwrap_or_default(),
            }))
        })
    }

    /// The revision a public `as_of` revision number shows: the latest release cut at or
    /// below it (a revision between two cuts was never public on its own).
    pub(crate) async fn cut_at_or_below(&self, revision: i64) -> Result<i64, StoreError> {
        let sql = "SELECT COALESCE(MAX(revision), 0) FROM data_release WHERE revision <= $1 AND publish_at <= $2";
        Ok(
            with_pool!(self, p => sqlx::query_scalar(sql).bind(revision).bind(crate::now_text()).fetch_one(p).await?),
        )
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
                        existed: earlier.is_some(),
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

/// The start of the names of direct releases, which named releases may not take.
pub const DIRECT_PREFIX: &str = "direct-";

/// Release names appear in URLs: letters, digits, `.`, `-`, `_`, up to 64, not starting with
/// punctuation nor with [`DIRECT_PREFIX`].
pub fn is_valid_release_name(name: &str) -> bool {
    !name.starts_with(DIRECT_PREFIX)
        && (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The time a named release becomes public: `requested` (store text form) or now. A time past
/// is refused (it would rewrite what the public saw then), and so is a time before the
/// latest release's (a later release would publish an embargoed one's data early).
fn release_time(
    requested: Option<&str>,
    latest: Option<&str>,
    now: &str,
) -> Result<String, StoreError> {
    let at = match requested {
        Some(t) if t < now => {
            return Err(StoreError::Invalid(format!(
                "{t} is past: a release is public from now or from a time to come"
            )));
        }
        Some(t) => t.to_string(),
        None => now.to_string(),
    };
    match latest {
        Some(l) if at.as_str() < l => Err(StoreError::Invalid(format!(
            "a release is public from {l}: a later release cannot be public before it (it would publish that release's data early); give a time at or after it"
        ))),
        _ => Ok(at),
    }
}

/// Inserts a release row through the transaction `$tx` (either backend) and gives its id;
/// a name in use is `Exists`.
macro_rules! insert_release {
    ($tx:expr, $name:expr, $kind:expr, $description:expr, $revision:expr, $publish_at:expr, $now:expr, $actor:expr) => {{
        let name: &str = $name;
        let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
            "INSERT INTO data_release (name, kind, description, revision, publish_at, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(name)
        .bind($kind)
        .bind($description)
        .bind($revision)
        .bind($publish_at)
        .bind($now)
        .bind($actor.name.clone().unwrap_or_default())
        .fetch_one(&mut *$tx)
        .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::Exists(format!("release `{name}`")))
            }
            other => other.map_err(StoreError::from),
        }
    }};
}
use insert_release;
