//! Consultation on indicator lists: draft versions of a framework, open for comments from
//! registered stakeholders (per item, in reply to one another, each with a status), then
//! finalised as the framework's new version. The catalogue's framework is version 1; the
//! versions recorded here are 2 and later. Every change is one transaction with its audit row.

use std::str::FromStr;

use ictstat_core::FrameworkItem;
use serde::Serialize;

use crate::accounts::{Actor, insert_audit};
use crate::db::{Db, StoreError, with_pool};
use crate::write::Begin;

/// A version of a framework recorded by a consultation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FrameworkVersion {
    pub framework: String,
    pub version: i64,
    pub label: String,
    /// `draft` (open for comments) or `final`.
    pub status: String,
    pub items: Vec<FrameworkItem>,
    pub note: Option<String>,
    /// Comments are taken until then (none: until finalised).
    pub closes_at: Option<String>,
    pub created_at: String,
    pub created_by: String,
    pub finalised_at: Option<String>,
    pub finalised_by: Option<String>,
}

/// What a comment's author is told about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommentStatus {
    Open,
    /// Taken into the draft.
    Accepted,
    Declined,
    /// Answered by a reply, without a change.
    Answered,
}

impl CommentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Open => "open",
            CommentStatus::Accepted => "accepted",
            CommentStatus::Declined => "declined",
            CommentStatus::Answered => "answered",
        }
    }
}

impl FromStr for CommentStatus {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        [
            CommentStatus::Open,
            CommentStatus::Accepted,
            CommentStatus::Declined,
            CommentStatus::Answered,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "`{s}` is not a comment status: use open, accepted, declined or answered"
            ))
        })
    }
}

/// A comment on a draft.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FrameworkComment {
    pub id: i64,
    pub framework: String,
    pub version: i64,
    /// The item's code; none for a comment on the whole draft.
    pub item: Option<String>,
    /// The comment this one replies to.
    pub parent: Option<i64>,
    pub author: String,
    pub body: String,
    pub status: CommentStatus,
    pub created_at: String,
    pub status_by: Option<String>,
    pub status_at: Option<String>,
}

/// A comment to add.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFrameworkComment {
    pub item: Option<String>,
    pub parent: Option<i64>,
    pub body: String,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    framework: String,
    version: i64,
    label: String,
    status: String,
    items: String,
    note: Option<String>,
    closes_at: Option<String>,
    created_at: String,
    created_by: String,
    finalised_at: Option<String>,
    finalised_by: Option<String>,
}

impl From<VersionRow> for FrameworkVersion {
    fn from(r: VersionRow) -> Self {
        FrameworkVersion {
            framework: r.framework,
            version: r.version,
            label: r.label,
            status: r.status,
            // Written by this module from `FrameworkItem`s.
            items: serde_json::from_str(&r.items).unwrap_or_default(),
            note: r.note,
            closes_at: r.closes_at,
            created_at: r.created_at,
            created_by: r.created_by,
            finalised_at: r.finalised_at,
            finalised_by: r.finalised_by,
        }
    }
}

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: i64,
    framework: String,
    version: i64,
    item: Option<String>,
    parent_id: Option<i64>,
    author: String,
    body: String,
    status: String,
    created_at: String,
    status_by: Option<String>,
    status_at: Option<String>,
}

impl TryFrom<CommentRow> for FrameworkComment {
    type Error = StoreError;
    fn try_from(r: CommentRow) -> Result<Self, StoreError> {
        Ok(FrameworkComment {
            id: r.id,
            framework: r.framework,
            version: r.version,
            item: r.item,
            parent: r.parent_id,
            author: r.author,
            body: r.body,
            status: r.status.parse()?,
            created_at: r.created_at,
            status_by: r.status_by,
            status_at: r.status_at,
        })
    }
}

const VERSION_COLUMNS: &str = "framework, version, label, status, items, note, closes_at, created_at, created_by, \
     finalised_at, finalised_by FROM framework_version";

/// Longest comment, in characters: comments are kept forever.
pub const MAX_COMMENT_CHARS: usize = 4000;

/// Checks a draft's items: codes present and unique, names present, parents among the codes.
fn check_items(items: &[FrameworkItem]) -> Result<(), StoreError> {
    let mut codes = std::collections::HashSet::new();
    for i in items {
        if i.code.trim().is_empty() || i.name.trim().is_empty() {
            return Err(StoreError::Invalid(
                "every item needs a code and a name".into(),
            ));
        }
        if !codes.insert(i.code.as_str()) {
            return Err(StoreError::Invalid(format!(
                "item code `{}` is used twice",
                i.code
            )));
        }
    }
    if let Some(orphan) = items
        .iter()
        .find(|i| i.parent.as_deref().is_some_and(|p| !codes.contains(p)))
    {
        return Err(StoreError::Invalid(format!(
            "item `{}` has parent `{}`, which is not an item of the draft",
            orphan.code,
            orphan.parent.as_deref().unwrap_or_default()
        )));
    }
    Ok(())
}

impl Db {
    /// The versions a consultation recorded for `framework`, oldest first.
    pub async fn framework_versions(
        &self,
        framework: &str,
    ) -> Result<Vec<FrameworkVersion>, StoreError> {
        let sql = format!("SELECT {VERSION_COLUMNS} WHERE framework = $1 ORDER BY version");
        let rows: Vec<VersionRow> = with_pool!(self, p =>
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(framework).fetch_all(p).await?);
        Ok(rows.into_iter().map(FrameworkVersion::from).collect())
    }

    /// Opens a consultation: records `items` as a draft, the version after the latest
    /// (`first_items` are version 1, the catalogue's; a draft is version 2 or later). One draft
    /// at a time per framework.
    pub async fn open_draft(
        &self,
        framework: &str,
        label: &str,
        note: Option<&str>,
        closes_at: Option<&str>,
        items: &[FrameworkItem],
        actor: &Actor,
    ) -> Result<FrameworkVersion, StoreError> {
        check_items(items)?;
        if label.trim().is_empty() {
            return Err(StoreError::Invalid("a draft needs a label".into()));
        }
        let now = crate::now_text();
        let author = actor.name.clone().unwrap_or_default();
        let items_json = serde_json::to_string(items).unwrap_or_default();
        let version: i64 = with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let latest: Option<(i64, String)> = sqlx::query_as(
                "SELECT version, status FROM framework_version WHERE framework = $1 ORDER BY version DESC LIMIT 1")
                .bind(framework).fetch_optional(&mut *tx).await?;
            if let Some((v, status)) = &latest && status == "draft" {
                return Err(StoreError::Conflict(format!(
                    "version {v} of {framework} is already a draft open for comments: finalise it first")));
            }
            let version = latest.map_or(2, |(v, _)| v + 1);
            let inserted = sqlx::query(
                "INSERT INTO framework_version (framework, version, label, status, items, note, closes_at, created_at, created_by) \
                 VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8)")
                .bind(framework).bind(version).bind(label.trim()).bind(&items_json).bind(note).bind(closes_at)
                .bind(&now).bind(&author)
                .execute(&mut *tx).await;
            // Two administrators opening a draft at once (PostgreSQL takes no lock above).
            if let Err(sqlx::Error::Database(e)) = &inserted && e.is_unique_violation() {
                return Err(StoreError::Conflict(format!(
                    "version {version} of {framework} was opened by someone else just now")));
            }
            inserted?;
            insert_audit!(&mut *tx, actor, "consultation_opened", Some(&format!("framework:{framework}:{version}")),
                &serde_json::json!({"label": label, "items": items.len(), "closes_at": closes_at}))?;
            tx.commit().await?;
            version
        });
        self.framework_version(framework, version)
            .await?
            .ok_or_else(|| StoreError::Missing(format!("version {version} of {framework}")))
    }

    /// One recorded version.
    pub async fn framework_version(
        &self,
        framework: &str,
        version: i64,
    ) -> Result<Option<FrameworkVersion>, StoreError> {
        let sql = format!("SELECT {VERSION_COLUMNS} WHERE framework = $1 AND version = $2");
        let row: Option<VersionRow> = with_pool!(self, p =>
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(framework).bind(version).fetch_optional(p).await?);
        Ok(row.map(FrameworkVersion::from))
    }

    /// Replaces a draft's items (the administrators' edits during the consultation).
    pub async fn edit_draft(
        &self,
        framework: &str,
        version: i64,
        items: &[FrameworkItem],
        actor: &Actor,
    ) -> Result<FrameworkVersion, StoreError> {
        check_items(items)?;
        let items_json = serde_json::to_string(items).unwrap_or_default();
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let moved = sqlx::query("UPDATE framework_version SET items = $1 WHERE framework = $2 AND version = $3 AND status = 'draft'")
                .bind(&items_json).bind(framework).bind(version)
                .execute(&mut *tx).await?.rows_affected();
            if moved != 1 {
                return Err(self.not_a_draft(framework, version).await);
            }
            insert_audit!(&mut *tx, actor, "draft_edited", Some(&format!("framework:{framework}:{version}")),
                &serde_json::json!({"items": items.len()}))?;
            tx.commit().await?;
        });
        self.framework_version(framework, version)
            .await?
            .ok_or_else(|| StoreError::Missing(format!("version {version} of {framework}")))
    }

    /// Finalises a draft: it becomes the framework's current version and takes no more
    /// comments.
    pub async fn finalise_draft(
        &self,
        framework: &str,
        version: i64,
        actor: &Actor,
    ) -> Result<FrameworkVersion, StoreError> {
        let now = crate::now_text();
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let moved = sqlx::query(
                "UPDATE framework_version SET status = 'final', finalised_at = $1, finalised_by = $2 \
                 WHERE framework = $3 AND version = $4 AND status = 'draft'")
                .bind(&now).bind(actor.name.clone().unwrap_or_default()).bind(framework).bind(version)
                .execute(&mut *tx).await?.rows_affected();
            if moved != 1 {
                return Err(self.not_a_draft(framework, version).await);
            }
            insert_audit!(&mut *tx, actor, "framework_finalised", Some(&format!("framework:{framework}:{version}")),
                &serde_json::Value::Object(Default::default()))?;
            tx.commit().await?;
        });
        self.framework_version(framework, version)
            .await?
            .ok_or_else(|| StoreError::Missing(format!("version {version} of {framework}")))
    }

    async fn not_a_draft(&self, framework: &str, version: i64) -> StoreError {
        match self.framework_version(framework, version).await {
            Ok(Some(v)) => StoreError::Conflict(format!(
                "version {version} of {framework} is {}, not a draft",
                v.status
            )),
            Ok(None) => StoreError::Missing(format!("version {version} of {framework}")),
            Err(e) => e,
        }
    }

    /// Adds a comment to a draft open for comments: on the whole draft, on one of its items,
    /// or in reply to a comment on the same draft.
    pub async fn add_framework_comment(
        &self,
        framework: &str,
        version: i64,
        new: &NewFrameworkComment,
        actor: &Actor,
    ) -> Result<FrameworkComment, StoreError> {
        if new.body.trim().is_empty() {
            return Err(StoreError::Invalid("a comment needs a text".into()));
        }
        if new.body.chars().count() > MAX_COMMENT_CHARS {
            return Err(StoreError::Invalid(format!(
                "a comment holds at most {MAX_COMMENT_CHARS} characters"
            )));
        }
        let draft = match self.framework_version(framework, version).await? {
            Some(v) if v.status == "draft" => v,
            Some(_) => {
                return Err(StoreError::Conflict(format!(
                    "version {version} of {framework} is final: comments are closed"
                )));
            }
            None => {
                return Err(StoreError::Missing(format!(
                    "version {version} of {framework}"
                )));
            }
        };
        let now = crate::now_text();
        if draft
            .closes_at
            .as_deref()
            .is_some_and(|c| c <= now.as_str())
        {
            return Err(StoreError::Conflict(format!(
                "comments on version {version} of {framework} closed at {}",
                draft.closes_at.unwrap_or_default()
            )));
        }
        if let Some(item) = &new.item
            && !draft.items.iter().any(|i| &i.code == item)
        {
            return Err(StoreError::Invalid(format!(
                "the draft has no item `{item}`"
            )));
        }
        if let Some(parent) = new.parent {
            let comments = self.framework_comments(framework, version).await?;
            if !comments.iter().any(|c| c.id == parent) {
                return Err(StoreError::Invalid(format!(
                    "comment {parent} is not a comment on this draft"
                )));
            }
        }
        let author = actor.name.clone().unwrap_or_default();
        let id: i64 = with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO framework_comment (framework, version, item, parent_id, author_id, author, body, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) RETURNING id")
                .bind(framework).bind(version).bind(&new.item).bind(new.parent).bind(actor.user_id)
                .bind(&author).bind(&new.body).bind(&now)
                .fetch_one(&mut *tx).await?;
            insert_audit!(&mut *tx, actor, "framework_comment", Some(&format!("framework:{framework}:{version}")),
                &serde_json::json!({"comment": id, "item": new.item, "parent": new.parent}))?;
            tx.commit().await?;
            id
        });
        self.framework_comments(framework, version)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| StoreError::Missing(format!("comment {id}")))
    }

    /// The comments on a version, oldest first.
    pub async fn framework_comments(
        &self,
        framework: &str,
        version: i64,
    ) -> Result<Vec<FrameworkComment>, StoreError> {
        let sql = "SELECT id, framework, version, item, parent_id, author, body, status, created_at, status_by, status_at \
                   FROM framework_comment WHERE framework = $1 AND version = $2 ORDER BY id";
        let rows: Vec<CommentRow> = with_pool!(self, p => sqlx::query_as(sql).bind(framework).bind(version).fetch_all(p).await?);
        rows.into_iter().map(FrameworkComment::try_from).collect()
    }

    /// Sets the status of a comment on `framework`.
    pub async fn set_comment_status(
        &self,
        framework: &str,
        id: i64,
        status: CommentStatus,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let now = crate::now_text();
        with_pool!(self, p => {
            let mut tx = p.begin_accounts().await?;
            let moved = sqlx::query(
                "UPDATE framework_comment SET status = $1, status_by = $2, status_at = $3 WHERE id = $4 AND framework = $5")
                .bind(status.as_str()).bind(actor.name.clone().unwrap_or_default()).bind(&now).bind(id).bind(framework)
                .execute(&mut *tx).await?.rows_affected();
            if moved != 1 {
                return Err(StoreError::Missing(format!("comment {id} on {framework}")));
            }
            insert_audit!(&mut *tx, actor, "comment_status", Some(&format!("framework:{framework}")),
                &serde_json::json!({"comment": id, "status": status.as_str()}))?;
            tx.commit().await?;
        });
        Ok(())
    }
}
