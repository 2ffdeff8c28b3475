//! The administrator check, as an extractor that runs before the request body is read, so that
//! an unauthorised upload is refused without being buffered.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};

use crate::error::ApiError;
use crate::state::AppState;

/// Present when the request carries `Authorization: Bearer <administrator token>`.
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if token.is_some_and(|t| state.config.is_admin(t)) {
            Ok(Admin)
        } else {
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "imports need `Authorization: Bearer <administrator token>`",
            ))
        }
    }
}
