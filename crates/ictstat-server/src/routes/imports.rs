//! `POST /api/v1/imports`: a file in the request body, validated and written like
//! `ictstat import` does.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use ictstat_formats::{Format, ReadOptions};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Admin;
use super::extract::Query;
use crate::error::ApiError;
use crate::ingest::{ImportOptions, ImportResult, InputFile, import};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// The file's name: it decides the layout when `format` is absent, and names the
    /// indicator in Open SDG (`indicator_17-8-1.csv`) and Gapminder files.
    pub file_name: String,
    /// `long-csv`, `open-sdg`, `world-bank`, `gapminder`, `xlsx`, `sdmx-ml` or `sdmx-json`.
    pub format: Option<String>,
    /// Indicator for layouts that do not name it.
    pub indicator: Option<String>,
    /// Area for national files (Open SDG).
    pub area: Option<String>,
    /// SOURCE attribute for rows that have none.
    pub source: Option<String>,
    /// Validate only.
    pub dry_run: Option<bool>,
    /// Write the valid rows even when some rows have errors.
    pub skip_invalid: Option<bool>,
    pub comment: Option<String>,
}

/// Imports one file given as the request body. Needs `Authorization: Bearer <admin token>`.
/// Answers 200 with the report when the file was written (or was a dry run, or changed
/// nothing), 422 with the report when it was rejected and nothing was written.
#[utoipa::path(post, path = "/imports", tag = "imports", params(ImportParams),
    request_body(content = Vec<u8>, description = "The file's bytes", content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Written, unchanged or dry run", body = ImportResult),
        (status = 401, description = "No or wrong administrator token", body = ApiError),
        (status = 413, description = "Upload too large", body = ApiError),
        (status = 422, description = "Rejected: the report says why; nothing was written", body = ImportResult)),
    security(("bearer" = [])))]
pub async fn create_import(
    State(state): State<AppState>,
    _admin: Admin,
    Query(p): Query<ImportParams>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportResult>), ApiError> {
    let body = body.map_err(|r| {
        let code = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            "payload-too-large"
        } else {
            "bad-request"
        };
        ApiError::new(
            r.status(),
            code,
            format!(
                "{} (the limit is {} bytes)",
                r.body_text(),
                state.config.max_upload_bytes
            ),
        )
    })?;
    let format = match p.format.as_deref() {
        None => None,
        Some(f) => Some(
            f.parse::<Format>()
                .map_err(|_| ApiError::bad_request(format!("unknown format `{f}`")))?,
        ),
    };
    let opts = ImportOptions {
        read: ReadOptions {
            format,
            indicator: p.indicator,
            area: p.area,
            source: p.source,
            ..ReadOptions::default()
        },
        dry_run: p.dry_run.unwrap_or(false),
        skip_invalid: p.skip_invalid.unwrap_or(false),
        author: "admin".into(),
        kind: "import".into(),
        comment: p.comment,
        skip_derived: false,
    };
    let files = vec![InputFile {
        name: p.file_name,
        bytes: body.to_vec(),
    }];
    let result = import(&state.db, state.catalog.clone(), files, &opts).await?;
    if result
        .outcome
        .as_ref()
        .is_some_and(|o| o.revision.is_some())
    {
        state.read_model.refresh(&state.db).await?;
    }
    let status = if result.is_rejected() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Json(result)))
}
