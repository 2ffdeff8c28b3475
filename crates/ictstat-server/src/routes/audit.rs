//! `GET /api/v1/audit`: the audit log, for administrators.

use axum::Json;
use axum::extract::State;
use ictstat_store::accounts::{AuditEntry, AuditQuery, Scope};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::auth::Caller;
use super::extract::Query;
use crate::error::ApiError;
use crate::state::AppState;

/// Most rows one page may hold.
const MAX_LIMIT: usize = 1000;
/// The largest `offset` of the audit log's pages.
const MAX_OFFSET: usize = u32::MAX as usize;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Who acted: a login, `cli:<os user>` or `bootstrap-token`.
    pub actor: Option<String>,
    /// `login`, `login_failed`, `token_created`, `token_revoked`, `token_refused`,
    /// `organisation_created`, `user_created`, `user_disabled`, `role_granted`, `import`,
    /// `import_refused`.
    pub action: Option<String>,
    /// From this time (RFC 3339, or a date meaning its midnight UTC), inclusive.
    pub from: Option<String>,
    /// Up to this time, inclusive.
    pub to: Option<String>,
    /// Rows per page (default 100, at most 1000).
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub offset: usize,
    pub limit: usize,
    pub returned: usize,
    /// The offset of the next page; absent on the last.
    pub next_offset: Option<usize>,
    pub data: Vec<AuditEntry>,
}

/// The audit log: who did what, when, from where, newest first. Administrators only, with a
/// token of the `admin` scope.
#[utoipa::path(get, path = "/audit", tag = "accounts", params(AuditParams),
    responses(
        (status = 200, description = "A page of the audit log", body = AuditPage),
        (status = 400, description = "A bad time, limit or offset", body = ApiError),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = ApiError),
        (status = 403, description = "Not an administrator, or the token lacks the `admin` scope", body = ApiError),
        (status = 429, description = "Too many failed token attempts from this address", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn list_audit(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<AuditParams>,
) -> Result<Json<AuditPage>, ApiError> {
    caller.require_administrator()?;
    caller.require(Scope::Admin)?;
    let time = |name: &str, value: Option<String>| -> Result<Option<String>, ApiError> {
        value
            .map(|v| {
                ictstat_store::parse_time(&v).ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "`{name}={v}` is not a time: use RFC 3339 (2026-11-28T10:00:00Z) or a date"
                    ))
                })
            })
            .transpose()
    };
    let limit = p.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::bad_request(format!(
            "`limit` must be between 1 and {MAX_LIMIT}"
        )));
    }
    let offset = p.offset.unwrap_or(0);
    // Far past any real log, and small enough that the next page's offset cannot overflow.
    if offset > MAX_OFFSET {
        return Err(ApiError::bad_request(format!(
            "`offset` must be at most {MAX_OFFSET}"
        )));
    }
    let query = AuditQuery {
        actor: p.actor,
        action: p.action,
        from: time("from", p.from)?,
        to: time("to", p.to)?,
        // One more than asked, to know whether there is a next page.
        limit: limit + 1,
        offset,
    };
    let mut data = state.db.audit_entries(&query).await?;
    let next_offset = (data.len() > limit).then_some(offset + limit);
    data.truncate(limit);
    Ok(Json(AuditPage {
        offset,
        limit,
        returned: data.len(),
        next_offset,
        data,
    }))
}
