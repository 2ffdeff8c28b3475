//! `POST /api/v1/imports`: a file in the request body, validated, written and published like
//! `ictstat import` does: administrators only. Providers and custodians submit files for
//! review instead (`/api/v1/submissions`).

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use ictstat_formats::ReadOptions;
use ictstat_store::accounts::{Role, Scope};
use serde::Deserialize;
use utoipa::IntoParams;

use super::auth::Caller;
use super::extract::Query;
use super::submissions::{check_file_name, parse_format, upload_body};
use crate::error::ApiError;
use crate::ingest::{ImportOptions, ImportResult, InputFile, Publish, import};
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

/// Imports one file given as the request body and publishes it as a `direct` release:
/// administrators, with a token of the `submit` scope. Answers 200 with the report when the
/// file was written (or was a dry run, or changed nothing), 422 with the report when it was
/// rejected and nothing was written. Imports and refused imports are audited (`import`,
/// `import_refused`). The body is read only once the caller is known to be allowed to
/// import at all.
#[utoipa::path(post, path = "/imports", tag = "imports", params(ImportParams),
    request_body(content = Vec<u8>, description = "The file's bytes", content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Written, unchanged or dry run", body = ImportResult),
        (status = 401, description = "No token, or an unknown, expired or revoked one", body = ApiError),
        (status = 403, description = "The token lacks the `submit` scope, or the caller is not an administrator (submit for review instead)", body = ApiError),
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
    check_file_name(&p.file_name)?;
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
    if !caller.has_role(Role::Administrator) {
        return Err(ApiError::forbidden(
            "importing directly is for administrators: submit the file for review with POST /api/v1/submissions",
        ));
    }
    // Bounded by the router's `DefaultBodyLimit`.
    let body = upload_body(state, request).await?;
    let opts = ImportOptions {
        read: ReadOptions {
            format: parse_format(p.format.as_deref())?,
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
        publish: Publish::Direct,
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
    Ok((status, result))
}
