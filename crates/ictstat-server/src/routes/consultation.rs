//! `/api/v1/frameworks/{id}/versions`: the versions of an indicator list and what changed
//! between them (public), consultations on drafts (administrators open, edit and finalise
//! them; every registered stakeholder comments, per item and in reply; administrators and the
//! custodians of an item's indicators set each comment's status).
//!
//! Version 1 is the framework as the catalogue ships it; a consultation records version 2
//! and later. The current version is the latest final one.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use ictstat_core::{Framework, FrameworkDiff, FrameworkItem, diff_items};
use ictstat_store::accounts::{Role, Scope};
use ictstat_store::consultation::{
    CommentStatus, FrameworkComment, FrameworkVersion, NewFrameworkComment,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Caller;
use super::extract::Json;
use crate::error::ApiError;
use crate::state::AppState;

/// A framework's catalogue entry, or 404.
fn catalogue_framework<'a>(state: &'a AppState, id: &str) -> Result<&'a Framework, ApiError> {
    state
        .catalog
        .frameworks
        .iter()
        .find(|f| f.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| ApiError::not_found(format!("no framework `{id}`")))
}

/// Every version of a framework, oldest first: the catalogue's as version 1, then those
/// consultations recorded.
pub async fn framework_versions(
    state: &AppState,
    id: &str,
) -> Result<Vec<FrameworkVersion>, ApiError> {
    let f = catalogue_framework(state, id)?;
    let shipped = FrameworkVersion {
        framework: f.id.clone(),
        version: 1,
        label: f.version.clone(),
        status: "final".into(),
        items: f.items.clone(),
        note: Some(format!("as the catalogue ships it ({})", f.status)),
        closes_at: None,
        created_at: String::new(),
        created_by: "catalogue".into(),
        finalised_at: None,
        finalised_by: None,
    };
    let mut versions = vec![shipped];
    versions.extend(state.db.framework_versions(&f.id).await?);
    Ok(versions)
}

/// The framework as it now stands: the catalogue's entry with the items and label of its
/// latest final version.
pub async fn current_framework(state: &AppState, id: &str) -> Result<Framework, ApiError> {
    let mut f = catalogue_framework(state, id)?.clone();
    if let Some(v) = framework_versions(state, id)
        .await?
        .into_iter()
        .rfind(|v| v.status == "final" && v.version > 1)
    {
        f.version = v.label;
        f.status = v.status;
        f.items = v.items;
    }
    Ok(f)
}

/// A version without its items, as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummary {
    pub version: i64,
    pub label: String,
    /// `draft` (open for comments) or `final`.
    pub status: String,
    pub items: usize,
    pub closes_at: Option<String>,
    pub created_at: String,
    pub finalised_at: Option<String>,
    /// Items added, removed and changed since the version before.
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

/// The versions of a framework, oldest first, with how much each changed.
#[utoipa::path(get, path = "/frameworks/{id}/versions", tag = "consultation",
    params(("id" = String, Path, description = "Framework id, e.g. THEMATIC_SDG")),
    responses((status = 200, body = Vec<VersionSummary>), (status = 404, body = ApiError)))]
pub async fn list_versions(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<VersionSummary>>, ApiError> {
    let versions = framework_versions(&state, &id).await?;
    let mut previous: &[FrameworkItem] = &[];
    let mut out = Vec::new();
    for v in &versions {
        let d = diff_items(previous, &v.items);
        out.push(VersionSummary {
            version: v.version,
            label: v.label.clone(),
            status: v.status.clone(),
            items: v.items.len(),
            closes_at: v.closes_at.clone(),
            created_at: v.created_at.clone(),
            finalised_at: v.finalised_at.clone(),
            added: d.added.len(),
            removed: d.removed.len(),
            changed: d.changed.len(),
        });
        previous = &v.items;
    }
    Ok(axum::Json(out))
}

/// One version with its items, what changed since the version before, and its comments.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDetail {
    #[serde(flatten)]
    pub version: FrameworkVersion,
    /// Changes since the version before (everything is added in version 1).
    pub changes: FrameworkDiff,
    pub comments: Vec<FrameworkComment>,
}

/// A version and its changes and comments; 404 for none.
pub async fn version_detail(
    state: &AppState,
    id: &str,
    version: i64,
) -> Result<VersionDetail, ApiError> {
    let versions = framework_versions(state, id).await?;
    let Some(at) = versions.iter().position(|v| v.version == version) else {
        return Err(ApiError::not_found(format!(
            "no version {version} of `{id}`"
        )));
    };
    let previous: &[FrameworkItem] = if at == 0 {
        &[]
    } else {
        &versions[at - 1].items
    };
    let v = versions[at].clone();
    Ok(VersionDetail {
        changes: diff_items(previous, &v.items),
        comments: state.db.framework_comments(&v.framework, version).await?,
        version: v,
    })
}

/// One version of a framework: its items, what changed since the version before, and the
/// comments of its consultation. Drafts are public, as their comments are.
#[utoipa::path(get, path = "/frameworks/{id}/versions/{version}", tag = "consultation",
    params(("id" = String, Path, description = "Framework id"), ("version" = i64, Path, description = "Version number (1: the catalogue's)")),
    responses((status = 200, body = VersionDetail), (status = 404, body = ApiError)))]
pub async fn get_version(
    State(state): State<AppState>,
    Path((id, version)): Path<(String, i64)>,
) -> Result<axum::Json<VersionDetail>, ApiError> {
    Ok(axum::Json(version_detail(&state, &id, version).await?))
}

/// A consultation to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    /// What the draft is called (`2027 revision, draft 1`).
    pub label: String,
    pub note: Option<String>,
    /// Comments are taken until then (RFC 3339 or a date); until finalised when absent.
    pub closes_at: Option<String>,
    /// The draft's items; the current version's when absent.
    pub items: Option<Vec<FrameworkItem>>,
}

/// Opens a consultation on a framework: a draft version, open for comments. Administrators,
/// with a token of the `admin` scope; one draft at a time (409).
#[utoipa::path(post, path = "/frameworks/{id}/versions", tag = "consultation",
    params(("id" = String, Path, description = "Framework id")),
    request_body = NewDraft,
    responses(
        (status = 201, description = "The draft", body = FrameworkVersion),
        (status = 400, description = "Bad items or time", body = ApiError),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "Not an administrator", body = ApiError),
        (status = 404, description = "No such framework", body = ApiError),
        (status = 409, description = "A draft is already open", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn open_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(body): Json<NewDraft>,
) -> Result<(StatusCode, axum::Json<FrameworkVersion>), ApiError> {
    caller.require(Scope::Admin)?;
    caller.require_administrator()?;
    let current = current_framework(&state, &id).await?;
    let closes_at = body
        .closes_at
        .as_deref()
        .map(|t| {
            ictstat_store::parse_time(t).ok_or_else(|| {
                ApiError::bad_request(format!("closes_at `{t}` is not an RFC 3339 time or a date"))
            })
        })
        .transpose()?;
    let items = body.items.unwrap_or(current.items);
    let draft = state
        .db
        .open_draft(
            &current.id,
            &body.label,
            body.note.as_deref(),
            closes_at.as_deref(),
            &items,
            &caller.actor,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(draft)))
}

/// A draft's new items.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftEdit {
    pub items: Vec<FrameworkItem>,
}

/// Replaces a draft's items (administrators, `admin` scope); 409 once it is final.
#[utoipa::path(put, path = "/frameworks/{id}/versions/{version}", tag = "consultation",
    params(("id" = String, Path, description = "Framework id"), ("version" = i64, Path, description = "The draft's version")),
    request_body = DraftEdit,
    responses(
        (status = 200, description = "The edited draft", body = FrameworkVersion),
        (status = 400, description = "Bad items", body = ApiError),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "Not an administrator", body = ApiError),
        (status = 404, description = "No such version", body = ApiError),
        (status = 409, description = "Not a draft", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn edit_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i64)>,
    Json(body): Json<DraftEdit>,
) -> Result<axum::Json<FrameworkVersion>, ApiError> {
    caller.require(Scope::Admin)?;
    caller.require_administrator()?;
    let f = catalogue_framework(&state, &id)?;
    Ok(axum::Json(
        state
            .db
            .edit_draft(&f.id, version, &body.items, &caller.actor)
            .await?,
    ))
}

/// Finalises a draft: it becomes the framework's current version and takes no more
/// comments (administrators, `admin` scope).
#[utoipa::path(post, path = "/frameworks/{id}/versions/{version}/finalise", tag = "consultation",
    params(("id" = String, Path, description = "Framework id"), ("version" = i64, Path, description = "The draft's version")),
    responses(
        (status = 200, description = "The final version", body = FrameworkVersion),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "Not an administrator", body = ApiError),
        (status = 404, description = "No such version", body = ApiError),
        (status = 409, description = "Not a draft", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn finalise_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i64)>,
) -> Result<axum::Json<FrameworkVersion>, ApiError> {
    caller.require(Scope::Admin)?;
    caller.require_administrator()?;
    let f = catalogue_framework(&state, &id)?;
    Ok(axum::Json(
        state
            .db
            .finalise_draft(&f.id, version, &caller.actor)
            .await?,
    ))
}

/// Comments on a draft open for comments: on the whole draft, on one of its items (`item`),
/// or in reply to another comment (`parent`). Every registered stakeholder, with a token of
/// the `submit` scope. 409 once the draft is final or its comments have closed.
#[utoipa::path(post, path = "/frameworks/{id}/versions/{version}/comments", tag = "consultation",
    params(("id" = String, Path, description = "Framework id"), ("version" = i64, Path, description = "The draft's version")),
    request_body = NewFrameworkComment,
    responses(
        (status = 201, description = "The comment", body = FrameworkComment),
        (status = 400, description = "An empty comment, an unknown item or parent", body = ApiError),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "The token lacks the `submit` scope", body = ApiError),
        (status = 404, description = "No such version", body = ApiError),
        (status = 409, description = "Comments are closed", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn add_comment(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i64)>,
    Json(body): Json<NewFrameworkComment>,
) -> Result<(StatusCode, axum::Json<FrameworkComment>), ApiError> {
    caller.require(Scope::Submit)?;
    let f = catalogue_framework(&state, &id)?;
    let comment = state
        .db
        .add_framework_comment(&f.id, version, &body, &caller.actor)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(comment)))
}

impl Caller {
    /// Whether the caller sets the status of `comment` on `version`: an administrator, or a
    /// custodian of one of the indicators of the comment's item in that version (a comment on
    /// the whole draft is the administrators' alone).
    pub fn may_set_comment_status(
        &self,
        version: &FrameworkVersion,
        comment: &FrameworkComment,
    ) -> bool {
        if self.has_role(Role::Administrator) {
            return true;
        }
        let Some(code) = &comment.item else {
            return false;
        };
        version
            .items
            .iter()
            .filter(|i| &i.code == code)
            .flat_map(|i| &i.indicators)
            .any(|indicator| {
                self.grants
                    .iter()
                    .any(|g| g.role == Role::Custodian && g.indicator.as_deref() == Some(indicator))
            })
    }
}

/// A comment on any version of framework `id` (comments are numbered across versions), with
/// its version; 404 when there is none.
pub async fn find_comment(
    state: &AppState,
    id: &str,
    comment: i64,
) -> Result<(FrameworkVersion, FrameworkComment), ApiError> {
    for v in framework_versions(state, id).await? {
        if let Some(c) = state
            .db
            .framework_comments(&v.framework, v.version)
            .await?
            .into_iter()
            .find(|c| c.id == comment)
        {
            return Ok((v, c));
        }
    }
    Err(ApiError::not_found(format!(
        "no comment {comment} on `{id}`"
    )))
}

/// A comment's new status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentStatusBody {
    pub status: CommentStatus,
}

/// Sets a comment's status: administrators, or a custodian of one of the indicators of the
/// item it is on (a token of the `submit` scope).
#[utoipa::path(post, path = "/frameworks/{id}/comments/{comment}/status", tag = "consultation",
    params(("id" = String, Path, description = "Framework id"), ("comment" = i64, Path, description = "Comment number")),
    request_body = CommentStatusBody,
    responses(
        (status = 200, description = "The comment", body = FrameworkComment),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "Neither an administrator nor a custodian of the item's indicators", body = ApiError),
        (status = 404, description = "No such comment", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn set_comment_status(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, comment)): Path<(String, i64)>,
    Json(body): Json<CommentStatusBody>,
) -> Result<axum::Json<FrameworkComment>, ApiError> {
    caller.require(Scope::Submit)?;
    let (version, c) = find_comment(&state, &id, comment).await?;
    if !caller.may_set_comment_status(&version, &c) {
        return Err(ApiError::forbidden(
            "a comment's status is set by an administrator or a custodian of its item's indicators",
        ));
    }
    state
        .db
        .set_comment_status(&version.framework, comment, body.status, &caller.actor)
        .await?;
    let updated = state
        .db
        .framework_comments(&version.framework, version.version)
        .await?
        .into_iter()
        .find(|x| x.id == comment)
        .ok_or_else(|| ApiError::not_found(format!("no comment {comment}")))?;
    Ok(axum::Json(updated))
}
