//! `GET /api/v1/me`: who the token belongs to and what it may do.

use axum::Json;
use ictstat_store::accounts::{Grant, Scope, Token, User};
use serde::Serialize;

use super::auth::Caller;
use crate::error::ApiError;

/// The caller: user, roles and token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// The login, or `bootstrap-token` for the bootstrap administrator token.
    pub actor: String,
    /// Absent for the bootstrap token.
    pub user: Option<User>,
    /// One row per role and unit of scope: a custodian's indicators, a provider's
    /// (area, indicator) pairs; no indicator or area means any.
    pub roles: Vec<Grant>,
    /// The token used (never its secret); absent for the bootstrap token.
    pub token: Option<Token>,
    pub scopes: Vec<Scope>,
}

/// Who am I: the user behind the token, their roles and the token's scopes. Needs a token
/// with the `read` scope.
#[utoipa::path(get, path = "/me", tag = "accounts",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = ApiError),
        (status = 403, description = "The token lacks the `read` scope", body = ApiError),
        (status = 429, description = "Too many failed token attempts from this address", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn me(caller: Caller) -> Result<Json<Me>, ApiError> {
    caller.require(Scope::Read)?;
    Ok(Json(Me {
        actor: caller.name().to_string(),
        roles: caller.grants,
        scopes: caller.scopes,
        user: caller.user,
        token: caller.token,
    }))
}
