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

/// `axum::Json` answering a bad body with an `ApiError` (400; 413 over the body limit; 415
/// without a JSON content type).
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(e) => {
                let code = if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    "payload-too-large"
                } else {
                    "bad-request"
                };
                Err(ApiError::new(e.status(), code, e.body_text()))
            }
        }
    }
}
