//! Who is calling, and what they may do.
//!
//! [`Caller`] is an extractor that authenticates `Authorization: Bearer <token>` before the
//! request body is read, so that an unauthenticated upload is refused without being buffered.
//! The token is either an API token of a user (looked up by its SHA-256 in the store; refused
//! when unknown, expired, revoked or its user disabled) or the bootstrap administrator token
//! of `--admin-token-sha256`, kept so that a deployment can import before any account exists
//! and as a break-glass credential; it acts as an administrator with every scope and is
//! audited as `bootstrap-token`.
//! Without an `Authorization` header, a browser's session cookie authenticates instead
//! ([`crate::session`]): the same role checks, with the CSRF checks a cookie needs.
//!
//! What a caller may do is the intersection of its user's roles and its token's scopes: the
//! route asks for a scope ([`Caller::require`]) and a role ([`Caller::require_administrator`],
//! [`Caller::import_scope`]). Failed token attempts are counted per client address and answered
//! 429 past [`crate::state::FailureLimiter`]'s limit; each is audited as `token_refused`.
//! Neither the token nor its hash is ever logged or echoed.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ictstat_store::accounts::{Actor, Grant, Role, Scope, Token, TokenCheck, User};

use crate::error::ApiError;
use crate::ingest::ImportScope;
use crate::state::AppState;

/// How the bootstrap administrator token appears in the audit log and revisions.
pub const BOOTSTRAP_ACTOR: &str = ictstat_store::accounts::BOOTSTRAP_LOGIN;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// For the audit log: the user (or the bootstrap token) and the client address.
    pub actor: Actor,
    /// `None` for the bootstrap token.
    pub user: Option<User>,
    /// The API token used; `None` for the bootstrap token.
    pub token: Option<Token>,
    pub grants: Vec<Grant>,
    pub scopes: Vec<Scope>,
}

impl Caller {
    /// The name revisions and the audit log record.
    pub fn name(&self) -> &str {
        self.actor.name.as_deref().unwrap_or(BOOTSTRAP_ACTOR)
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// 403 unless the token carries `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "this token lacks the `{scope}` scope (it has: {})",
                self.scopes
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }

    /// 403 unless the caller is an administrator.
    pub fn require_administrator(&self) -> Result<(), ApiError> {
        if self.has_role(Role::Administrator) {
            Ok(())
        } else {
            Err(ApiError::forbidden("only administrators may do this"))
        }
    }

    /// What the caller may submit: `None` for everything (administrators); the indicators of
    /// their custodian grants and the (area, indicator) pairs of their provider grants
    /// otherwise; 403 when no role of theirs submits at all (reviewers, viewers).
    pub fn import_scope(&self) -> Result<Option<ImportScope>, ApiError> {
        if self.has_role(Role::Administrator) {
            return Ok(None);
        }
        let mut scope = ImportScope::default();
        for g in &self.grants {
            match (g.role, &g.indicator, &g.area) {
                (Role::Custodian, Some(indicator), _) => {
                    scope.indicators.insert(indicator.clone());
                }
                (Role::Provider, Some(indicator), Some(area)) => {
                    scope
                        .areas_by_indicator
                        .entry(indicator.clone())
                        .or_default()
                        .insert(area.clone());
                }
                _ => {}
            }
        }
        if scope.is_empty() {
            return Err(ApiError::forbidden(
                "submitting data needs the administrator, custodian or provider role",
            ));
        }
        Ok(Some(scope))
    }
}

/// The client's address (without the port), when the server was started with connection
/// information; behind a reverse proxy it is the proxy's.
pub(crate) fn client_address(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// What failed attempts are counted by: the IPv4 address, or the /64 network of an IPv6 one
/// (one host usually holds a whole /64, so counting single IPv6 addresses would not limit it).
pub(crate) fn limit_key(ip: Option<IpAddr>) -> String {
    match ip.map(|ip| ip.to_canonical()) {
        None => "unknown".into(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// A 401 with the `WWW-Authenticate` challenge of RFC 6750.
fn unauthorized(message: impl Into<String>) -> Response {
    let mut response =
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message).into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"ictstat\""),
    );
    response
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            // A browser signed in to the dashboard: the same role checks, plus CSRF.
            return match crate::session::session_caller(parts, state, client_address(parts)).await {
                Ok(Some(caller)) => Ok(caller),
                Ok(None) => Err(unauthorized(
                    "this route needs `Authorization: Bearer <token>` (see `ictstat token create`) or a signed-in session",
                )),
                Err(e) => Err(e.into_response()),
            };
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(unauthorized(
                "the Authorization header must be `Bearer <token>`",
            ));
        };
        let ip = client_address(parts);
        let client_key = limit_key(ip);
        let client = ip.map(|ip| ip.to_string());
        if let Some(wait) = state.auth_failures.blocked(&client_key) {
            let mut response = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-requests",
                format!(
                    "too many failed token attempts from this address; try again in {} s",
                    wait.as_secs().max(1)
                ),
            )
            .into_response();
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(wait.as_secs().max(1)),
            );
            return Err(response);
        }
        if state.config.is_admin(token) {
            return Ok(Caller {
                actor: Actor {
                    user_id: None,
                    name: Some(BOOTSTRAP_ACTOR.into()),
                    client,
                },
                user: None,
                token: None,
                grants: vec![Grant {
                    role: Role::Administrator,
                    indicator: None,
                    area: None,
                }],
                scopes: Scope::ALL.to_vec(),
            });
        }
        let check = state
            .db
            .check_token(token)
            .await
            .map_err(|e| ApiError::from(e).into_response())?;
        let (token_id, reason) = match check {
            TokenCheck::Valid(owner) => {
                return Ok(Caller {
                    actor: Actor {
                        user_id: Some(owner.user.id),
                        name: Some(owner.user.login.clone()),
                        client,
                    },
                    scopes: owner.token.scopes.clone(),
                    user: Some(owner.user),
                    token: Some(owner.token),
                    grants: owner.grants,
                });
            }
            TokenCheck::Unknown => (None, "unknown"),
            TokenCheck::Refused { token_id, reason } => (Some(token_id), reason),
        };
        state.auth_failures.failed(&client_key);
        let actor = Actor {
            user_id: None,
            name: None,
            client,
        };
        let target = token_id.map(|id| format!("token:{id}"));
        let details = serde_json::json!({ "reason": reason });
        if let Err(e) = state
            .db
            .audit(&actor, "token_refused", target.as_deref(), &details)
            .await
        {
            // Still a 401: a failing audit write must not turn a refusal into a 500.
            tracing::error!("a refused token is missing from the audit log: {e}");
        }
        Err(unauthorized(match reason {
            "unknown" => "unknown token".to_string(),
            reason => format!("this token is not valid any more ({reason})"),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::limit_key;

    #[test]
    fn ipv6_clients_are_counted_by_their_64_network() {
        let key = |s: &str| limit_key(Some(s.parse().unwrap()));
        assert_eq!(key("203.0.113.9"), "203.0.113.9");
        assert_eq!(key("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(limit_key(None), "unknown");
    }
}
