//! `/api/v1/releases`: what has been published and what each release changed; publishing
//! accepted submissions (administrators); `/api/v1/embargoes`: releases whose time is still
//! to come (administrators).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use ictstat_store::accounts::Scope;
use ictstat_store::releases::{Release, ReleaseChange};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::Caller;
use super::extract::{Json, Query};
use crate::error::ApiError;
use crate::publish::{Publication, PublishRequest, publish};
use crate::state::AppState;

/// The published releases, newest first (direct imports by administrators included, as
/// `kind: direct`). Releases under embargo are not listed.
#[utoipa::path(get, path = "/releases", tag = "releases",
    responses((status = 200, description = "Published releases", body = Vec<Release>)))]
pub async fn list_releases(
    State(state): State<AppState>,
) -> Result<axum::Json<Vec<Release>>, ApiError> {
    Ok(axum::Json(state.db.releases(false).await?))
}

/// A release compared with the one before it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleaseDetail {
    pub release: Release,
    /// The release it is compared with; absent for the first.
    pub previous: Option<Release>,
    /// Data points new in this release.
    pub added: usize,
    /// Data points whose value this release revised.
    pub revised: usize,
    /// Data points whose attributes only (status, source, footnote…) changed.
    pub amended: usize,
    /// Every data point that differs, by indicator, area, breakdown and period.
    pub changes: Vec<ReleaseChange>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChangesPage {
    /// Changes per page (default 1000, at most 10,000).
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// A page of a release's changes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReleaseChangesPage<'a> {
    pub release: &'a Release,
    pub previous: Option<&'a Release>,
    pub added: usize,
    pub revised: usize,
    pub amended: usize,
    pub offset: usize,
    pub limit: usize,
    /// The offset of the next page; absent on the last.
    pub next_offset: Option<usize>,
    /// The changes of this page, by indicator, area, breakdown and period.
    pub changes: &'a [ReleaseChange],
}

/// What a published release changed since the previous one: added data points and revised
/// values, each with the revision and author that wrote it, a page at a time. 404 for a
/// release under embargo.
#[utoipa::path(get, path = "/releases/{name}", tag = "releases",
    params(("name" = String, Path, description = "Release name"), ChangesPage),
    responses(
        (status = 200, description = "The release and a page of its changes", body = ReleaseChangesPage),
        (status = 404, description = "No such published release", body = ApiError)))]
pub async fn get_release(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(page): Query<ChangesPage>,
) -> Result<axum::response::Response, ApiError> {
    let d = release_detail(&state, &name).await?;
    let limit = page.limit.unwrap_or(1000).clamp(1, 10_000);
    let offset = page.offset.unwrap_or(0).min(d.changes.len());
    let end = offset.saturating_add(limit).min(d.changes.len());
    Ok(axum::Json(ReleaseChangesPage {
        release: &d.release,
        previous: d.previous.as_ref(),
        added: d.added,
        revised: d.revised,
        amended: d.amended,
        offset,
        limit,
        next_offset: (end < d.changes.len()).then_some(end),
        changes: &d.changes[offset..end],
    })
    .into_response())
}

/// The comparisons of published releases, computed once each: a release's changes never
/// change once it is public (its cut and the one before it are fixed, and versions are never
/// rewritten), and computing them scans the observations, which the public must not be able
/// to make the server do at will.
#[derive(Debug, Default)]
pub struct ReleaseCache {
    entries: std::sync::Mutex<std::collections::VecDeque<(String, Arc<ReleaseDetail>)>>,
}

impl ReleaseCache {
    /// Comparisons kept, the most recently computed.
    const CAPACITY: usize = 16;

    fn get(&self, name: &str) -> Option<Arc<ReleaseDetail>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
    }

    fn put(&self, name: &str, detail: Arc<ReleaseDetail>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() == Self::CAPACITY {
            entries.pop_front();
        }
        entries.push_back((name.to_string(), detail));
    }
}

/// A published release and its changes; 404 for an unknown or embargoed one.
pub async fn release_detail(state: &AppState, name: &str) -> Result<Arc<ReleaseDetail>, ApiError> {
    let release = match state.db.release(name).await? {
        Some(r) if !r.is_embargoed(&ictstat_store::now_text()) => r,
        _ => {
            return Err(ApiError::not_found(format!(
                "no published release `{name}`"
            )));
        }
    };
    if let Some(d) = state.releases.get(name) {
        return Ok(d);
    }
    let previous = state.db.previous_release(&release).await?;
    let before = previous.as_ref().map_or(0, |p| p.revision);
    let changes = state.db.changes_between(before, release.revision).await?;
    let added = changes.iter().filter(|c| !c.existed).count();
    let revised = changes
        .iter()
        .filter(|c| c.existed && c.value_changed)
        .count();
    let detail = Arc::new(ReleaseDetail {
        amended: changes.len() - added - revised,
        added,
        revised,
        release,
        previous,
        changes,
    });
    state.releases.put(name, detail.clone());
    Ok(detail)
}

/// A release to publish.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReleaseBody {
    /// Letters, digits, `.`, `-`, `_`; unique.
    pub name: String,
    pub description: Option<String>,
    /// When it becomes public (RFC 3339, or a date meaning its midnight UTC); now when
    /// absent. A time to come is an embargo.
    pub publish_at: Option<String>,
    /// The accepted submissions to publish; every accepted one when absent.
    pub submissions: Option<Vec<i64>>,
}

/// Publishes accepted submissions as a named release, atomically for the public: the
/// previous release stays the public data until the new one is complete. Administrators,
/// with a token of the `admin` scope. 409 when a submission is not accepted, two give the
/// same data point, or someone changed one of its data points since it was submitted
/// (nothing is published).
#[utoipa::path(post, path = "/releases", tag = "releases",
    request_body = NewReleaseBody,
    responses(
        (status = 201, description = "Published (or scheduled, under embargo)", body = Publication),
        (status = 400, description = "A bad name or time, or nothing to release", body = ApiError),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "Not an administrator, or the token lacks the `admin` scope", body = ApiError),
        (status = 409, description = "A name in use, a submission not accepted, or a conflict: nothing was published", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_release(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewReleaseBody>,
) -> Result<(StatusCode, axum::Json<Publication>), ApiError> {
    caller.require(Scope::Admin)?;
    caller.require_administrator()?;
    let publish_at = body
        .publish_at
        .as_deref()
        .map(|t| {
            ictstat_store::parse_time(t).ok_or_else(|| {
                ApiError::bad_request(format!(
                    "publish_at `{t}` is not an RFC 3339 time or a date"
                ))
            })
        })
        .transpose()?;
    let request = PublishRequest {
        name: body.name,
        description: body.description,
        publish_at,
        submissions: body.submissions,
    };
    let publication = publish(&state.db, state.catalog.clone(), &request, &caller.actor).await?;
    state.read_model.refresh(&state.db).await?;
    Ok((StatusCode::CREATED, axum::Json(publication)))
}

/// Releases whose publication time is still to come, newest first: administrators, with a
/// token of the `read` scope.
#[utoipa::path(get, path = "/embargoes", tag = "releases",
    responses(
        (status = 200, description = "Releases under embargo", body = Vec<Release>),
        (status = 401, description = "No token or session", body = ApiError),
        (status = 403, description = "Not an administrator", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_embargoes(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<Release>>, ApiError> {
    caller.require(Scope::Read)?;
    caller.require_administrator()?;
    let now = ictstat_store::now_text();
    Ok(axum::Json(
        state
            .db
            .releases(true)
            .await?
            .into_iter()
            .filter(|r| r.is_embargoed(&now))
            .collect(),
    ))
}
