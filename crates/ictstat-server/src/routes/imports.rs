//! `POST /api/v1/imports`: a file in the request body, validated and written like
//! `ictstat import` does.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use ictstat_formats::{Format, ReadOptions};
use ictstat_store::accounts::Scope;
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Caller;
use super::extract::Query;
use crate::error::ApiError;
use crate::ingest::{ImportOptions, ImportResult, InputFile, import_within};
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

/// Imports one file given as the request body, with a token of the `submit` scope. An
/// administrator may import anything; a custodian the rows of their indicators; a provider
/// the rows of their (area, indicator) pairs: one row outside them refuses the file (403,
/// naming the row) and nothing is written. Answers 200 with the report when the file was
/// written (or was a dry run, or changed nothing), 422 with the report when it was rejected
/// and nothing was written. Imports and refused imports are audited (`import`,
/// `import_refused`). The body is read only once the caller is known to be allowed to
/// import at all.
#[utoipa::path(post, path = "/imports", tag = "imports", params(ImportParams),
    request_body(content = Vec<u8>, description = "The file's bytes", content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Written, unchanged or dry run", body = ImportResult),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = ApiError),
        (status = 403, description = "The token lacks the `submit` scope, no role of the user imports, or a row is outside their scope: nothing was written", body = ApiError),
        (status = 413, description = "Upload too large", body = ApiError),
        (status = 422, description = "Rejected: the report says why; nothing was written", body = ImportResult),
        (status = 429, description = "Too many failed token attempts from this address", body = ApiError)),
    security(("bearer" = []), ("session" = [])))]
pub async fn create_import(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<ImportParams>,
    request: Request,
) -> Result<(StatusCode, Json<ImportResult>), ApiError> {
    let file_name = p.file_name.clone();
    let result = import_as(&state, &caller, p, request).await;
    let (action, target, details) = match &result {
        Ok((_, r)) => {
            let revision = r.outcome.as_ref().and_then(|o| o.revision);
            (
                "import",
                revision.map(|rev| format!("revision:{rev}")),
                serde_json::json!({
                    "file": file_name,
                    "status": r.status,
                    "revision": revision,
                    "inserted": r.outcome.as_ref().map(|o| o.inserted),
                    "closed": r.outcome.as_ref().map(|o| o.closed),
                    "errors": r.report.errors,
                    "warnings": r.report.warnings,
                }),
            )
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => (
            "import_refused",
            None,
            serde_json::json!({"file": file_name, "reason": e.message, "details": e.details}),
        ),
        // Bad requests and server failures change nothing and are in the server log.
        Err(_) => return result.map(|(status, r)| (status, Json(r))),
    };
    // The answer stands even if the audit row cannot be written: the import is committed
    // (and its revision names the importer); the failure goes to the server log.
    if let Err(e) = state
        .db
        .audit(&caller.actor, action, target.as_deref(), &details)
        .await
    {
        tracing::error!(
            "an {action} by {} is missing from the audit log: {e}",
            caller.name()
        );
    }
    result.map(|(status, r)| (status, Json(r)))
}

/// The import itself, once the caller is known.
async fn import_as(
    state: &AppState,
    caller: &Caller,
    p: ImportParams,
    request: Request,
) -> Result<(StatusCode, ImportResult), ApiError> {
    caller.require(Scope::Submit)?;
    let scope = caller.import_scope()?;
    // Bounded by the router's `DefaultBodyLimit`, like the `Bytes` extractor.
    let body = Bytes::from_request(request, state).await.map_err(|r| {
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
        author: caller.name().to_string(),
        kind: "import".into(),
        comment: p.comment,
        skip_derived: false,
    };
    let files = vec![InputFile {
        name: p.file_name,
        bytes: body.to_vec(),
    }];
    let result = import_within(
        &state.db,
        state.catalog.clone(),
        files,
        &opts,
        scope.as_ref(),
    )
    .await?;
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
    Ok((status, result))
}
