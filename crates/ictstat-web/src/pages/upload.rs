//! Submitting a file from the browser: `GET/POST /submissions/new`.
//!
//! The file goes through `ictstat_server::submit` as an upload to `POST /api/v1/submissions`
//! does, under the same rules: a role that submits, the submitter's scope (one row outside
//! refuses the file, audited), validation as an import. The answer is the validation report in
//! the page and, when the file was kept for review, a link to the submission.

use axum::http::StatusCode;
use axum::response::Response;
use ictstat_formats::{Format, ReadOptions};
use ictstat_server::ApiError;
use ictstat_server::Caller;
use ictstat_server::ingest::{ImportScope, InputFile};
use ictstat_server::session::{SessionUpload, WebSession};
use ictstat_server::submit::{SubmitOptions, SubmitResult, SubmitStatus, submit};
use ictstat_store::accounts::Scope;
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::layout::{self, csrf_field};
use crate::private::{private, problem, refused, sign_in_first};
use crate::report;

/// The form field of the file.
const FILE_FIELD: &str = "file";

/// `GET /submissions/new`: the upload form, for users whose roles submit.
pub async fn form(ctx: Ctx) -> Response {
    let Some(s) = &ctx.session else {
        return sign_in_first(&ctx);
    };
    match s.caller(None).import_scope() {
        Ok(scope) => private(
            StatusCode::OK,
            layout::page(
                &ctx,
                ctx.t("upload.title"),
                upload_form(&ctx, s, scope.as_ref()),
            ),
            Vec::new(),
        ),
        Err(_) => problem(&ctx, ApiError::forbidden(ctx.t("upload.no_role"))),
    }
}

fn upload_form(ctx: &Ctx, s: &WebSession, scope: Option<&ImportScope>) -> Markup {
    html! {
        p.lead { (ctx.t("upload.lead")) }
        (scope_list(ctx, scope))
        form #upload .upload action=(ctx.link("/submissions/new")) method="post" enctype="multipart/form-data" {
            // First: the token is checked before the file is read.
            (csrf_field(&s.csrf_token))
            p.control {
                label for="file" { (ctx.t("upload.file")) }
                input #file type="file" name=(FILE_FIELD) required;
            }
            p.control {
                label for="format" { (ctx.t("upload.format")) }
                select #format name="format" {
                    option value="" { (ctx.t("upload.detect")) }
                    @for f in Format::ALL { option value=(f.as_str()) { (f.as_str()) } }
                }
            }
            p.control {
                label for="indicator" { (ctx.t("upload.indicator")) }
                input #indicator name="indicator";
            }
            p.control {
                label for="area" { (ctx.t("upload.area")) }
                input #area name="area";
            }
            p.control {
                label for="source" { (ctx.t("upload.source")) }
                input #source name="source";
            }
            p.control {
                label for="comment" { (ctx.t("upload.comment")) }
                textarea #comment name="comment" rows="3" {}
            }
            button type="submit" { (ctx.t("upload.submit")) }
        }
    }
}

/// What the signed-in user may submit: everything, or indicators and their areas.
fn scope_list(ctx: &Ctx, scope: Option<&ImportScope>) -> Markup {
    html! {
        h2 { (ctx.t("upload.scope")) }
        @match scope {
            None => p { (ctx.t("upload.everything")) },
            Some(scope) => ul.scope {
                @for i in &scope.indicators {
                    li { a href=(ctx.link(&format!("/indicators/{i}"))) { (i) } ": " (ctx.t("upload.every_area")) }
                }
                @for (i, areas) in &scope.areas_by_indicator {
                    @if !scope.indicators.contains(i) {
                        li {
                            a href=(ctx.link(&format!("/indicators/{i}"))) { (i) } ": "
                            (areas.iter().map(|a| ctx.area_name_of(a)).collect::<Vec<_>>().join(", "))
                        }
                    }
                }
            },
        }
    }
}

/// `POST /submissions/new`: validates the file and keeps it for review, or says why not.
pub async fn submit_file(ctx: Ctx, upload: Result<SessionUpload, ApiError>) -> Response {
    let upload = match upload {
        Ok(upload) => upload,
        Err(e) => return refused(&ctx, e),
    };
    let caller = upload.form.caller();
    let file_name = upload
        .files
        .iter()
        .find(|f| f.field == FILE_FIELD)
        .map(|f| base_name(&f.file_name).to_string());
    match submit_as(&ctx, &caller, upload).await {
        Ok(result) => answer(&ctx, &result),
        Err(e) => {
            if e.status == StatusCode::FORBIDDEN {
                ictstat_server::audit_submission_refusal(
                    &ctx.state,
                    &caller,
                    file_name.as_deref(),
                    &e,
                )
                .await;
            }
            problem(&ctx, e)
        }
    }
}

/// A file's name without the folders some browsers send with it.
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// The submission, under the rules of `POST /api/v1/submissions`.
async fn submit_as(
    ctx: &Ctx,
    caller: &Caller,
    upload: SessionUpload,
) -> Result<SubmitResult, ApiError> {
    caller.require(Scope::Submit)?;
    let scope = caller.import_scope()?;
    let form = &upload.form;
    let text = |name: &str| {
        form.field(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let format = text("format")
        .map(|f| {
            f.parse::<Format>()
                .map_err(|_| ApiError::bad_request(ctx.f("upload.bad_format", &[("value", &f)])))
        })
        .transpose()?;
    let opts = SubmitOptions {
        read: ReadOptions {
            format,
            indicator: text("indicator"),
            area: text("area"),
            source: text("source"),
            ..ReadOptions::default()
        },
        comment: text("comment"),
        base_revision: None,
    };
    let file = upload
        .files
        .into_iter()
        .find(|f| f.field == FILE_FIELD && !f.file_name.is_empty())
        .map(|f| InputFile {
            name: base_name(&f.file_name).to_string(),
            bytes: f.bytes,
        })
        .ok_or_else(|| ApiError::bad_request(ctx.t("upload.no_file")))?;
    let state = &ctx.state;
    Ok(submit(
        &state.db,
        state.catalog.clone(),
        vec![file],
        &opts,
        scope.as_ref(),
        &caller.actor,
    )
    .await?)
}

/// The report of a submitted file, and the submission when it was kept: 201 when kept, 422
/// when rejected (the API's statuses).
fn answer(ctx: &Ctx, result: &SubmitResult) -> Response {
    let (status, title) = match result.status {
        SubmitStatus::Submitted => (StatusCode::CREATED, ctx.t("upload.kept")),
        SubmitStatus::Rejected => (StatusCode::UNPROCESSABLE_ENTITY, ctx.t("upload.rejected")),
    };
    let body = html! {
        @if let Some(s) = &result.submission {
            p role="status" {
                (ctx.t("upload.kept_lead")) " "
                a.submission href=(ctx.link(&format!("/submissions/{}", s.id))) { (ctx.f("submissions.number", &[("id", &s.id)])) }
            }
        } @else {
            p.error role="alert" { (ctx.t("upload.rejected_lead")) }
        }
        table.data.compact.files {
            thead { tr {
                th scope="col" { (ctx.t("report.file")) }
                th scope="col" { (ctx.t("upload.format")) }
                th scope="col" { (ctx.t("upload.rows_read")) }
                th scope="col" { (ctx.t("upload.rows_skipped")) }
                th scope="col" { (ctx.t("upload.observations")) }
            } }
            tbody {
                @for f in &result.files {
                    tr {
                        td { (f.file) }
                        td { (f.format.as_deref().unwrap_or("?")) }
                        td.num { (f.rows_read) }
                        td.num { (f.rows_skipped) }
                        td.num { (f.observations) }
                    }
                }
            }
        }
        (report::table(ctx, &result.report))
        p {
            a href=(ctx.link("/submissions/new")) { (ctx.t("upload.another")) } " · "
            a href=(ctx.link("/submissions")) { (ctx.t("nav.submissions")) }
        }
    };
    private(status, layout::page(ctx, title, body), Vec::new())
}
