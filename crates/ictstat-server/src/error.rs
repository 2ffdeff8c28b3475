//! API errors: JSON `{ "code", "message", "details" }` with a stable code per kind.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error answer. `code` values are documented in the README: `bad-request`, `not-found`,
/// `unauthorized`, `forbidden`, `conflict`, `payload-too-large`, `too-many-requests`,
/// `internal`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: serde_json::Value::Null,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", message)
    }

    /// A server failure: logged in full, answered without internals.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("{detail}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed to answer; see its log",
        )
    }

    /// Authenticated, but not allowed to do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", message)
    }

    pub fn with_details(mut self, details: impl Serialize) -> Self {
        self.details = serde_json::to_value(details).unwrap_or_default();
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}

impl From<ictstat_store::StoreError> for ApiError {
    fn from(e: ictstat_store::StoreError) -> Self {
        match e {
            ictstat_store::StoreError::NoSuchRevision(_)
            | ictstat_store::StoreError::Missing(_) => ApiError::not_found(e.to_string()),
            ictstat_store::StoreError::Conflict(_) | ictstat_store::StoreError::Exists(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            ictstat_store::StoreError::Invalid(_) => ApiError::bad_request(e.to_string()),
            other => {
                tracing::error!("store error: {other}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the database failed; see the server log",
                )
            }
        }
    }
}

impl From<crate::ingest::IngestError> for ApiError {
    fn from(e: crate::ingest::IngestError) -> Self {
        match e {
            crate::ingest::IngestError::Store(e) => e.into(),
            crate::ingest::IngestError::OutOfScope { first, count } => {
                let message = format!(
                    "{first} is outside the data your roles let you write ({count} rows are); nothing was written"
                );
                ApiError::forbidden(message).with_details(serde_json::json!({
                    "row": first,
                    "rows_out_of_scope": count,
                }))
            }
            other => {
                tracing::error!("{other}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "reading the file failed; see the server log",
                )
            }
        }
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(e: axum::extract::rejection::QueryRejection) -> Self {
        ApiError::bad_request(e.body_text())
    }
}
