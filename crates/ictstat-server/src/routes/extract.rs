//! Extractors whose rejections are JSON errors like every other error of the API.

use axum::extract::{FromRequest, FromRequestParts, Query as AxumQuery, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// `axum::extract::Query` answering a bad query string with an `ApiError`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let AxumQuery(v) = AxumQuery::<T>::from_request_parts(parts, state).await?;
        Ok(Query(v))
    }
}

/// The largest JSON body a route takes: reviews, releases, drafts of indicator lists and
/// comments are small; only file uploads (not JSON) may be large.
pub const MAX_JSON_BYTES: usize = 1 << 20;

/// `axum::Json` answering a bad body with an `ApiError`: 415 without a JSON content type, 413
/// over [`MAX_JSON_BYTES`] (read no further), 400 when it does not parse.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json")
                    || m.to_ascii_lowercase().ends_with("+json")
            });
        if !json {
            return Err(ApiError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "bad-request",
                "send the body as JSON, with `Content-Type: application/json`",
            ));
        }
        let bytes = axum::body::to_bytes(req.into_body(), MAX_JSON_BYTES)
            .await
            .map_err(|_| {
                ApiError::new(
                    axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                    "payload-too-large",
                    format!("a JSON body holds at most {MAX_JSON_BYTES} bytes"),
                )
            })?;
        serde_json::from_slice(&bytes)
            .map(Json)
            .map_err(|e| ApiError::bad_request(format!("the JSON body: {e}")))
    }
}
