//! Submissions in the browser: the list a signed-in user may see (`/submissions`), one
//! submission with its rows beside the published values (`/submissions/{id}`), and its review
//! (`…/review`: accept or reject, with an overall comment and comments on rows) and
//! withdrawal (`…/withdraw`).
//!
//! The rules are the API's (`ictstat_server::Caller`): who sees a submission (`may_see`; one
//! they may not see is "not found", as one that does not exist), who reviews it (`may_review`:
//! never its submitter), who withdraws it (its submitter), and a decision on a submission that
//! is no longer pending is a conflict. Forms post with the session's CSRF token and answer a
//! redirect back to the submission (303), or a page that says why nothing was done.

use std::collections::{HashMap, HashSet};

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ictstat_core::Report;
use ictstat_server::session::SessionForm;
use ictstat_server::{ApiError, Caller, SubmissionDetail, SubmittedRow};
use ictstat_store::accounts::Scope;
use ictstat_store::submissions::{
    Decision, NewComment, Submission, SubmissionComment, SubmissionStatus,
};
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::layout::{self, csrf_field};
use crate::private::{private, problem, refused, sign_in_first};
use crate::{format, report};

use super::{data_point_cells, optional_value};

/// Submissions per page of the list.
const PAGE: usize = 100;
/// The prefix of a row's comment field: `comment.` and the row's key ([`row_key`]).
const ROW_COMMENT: &str = "comment.";
/// The form id of the review form, which the comment fields in the rows table belong to.
const REVIEW_FORM: &str = "review";

/// A submission status in the reader's language.
pub fn status_label(ctx: &Ctx, status: SubmissionStatus) -> &str {
    match status {
        SubmissionStatus::Pending => ctx.t("submissions.pending"),
        SubmissionStatus::Accepted => ctx.t("submissions.accepted"),
        SubmissionStatus::Rejected => ctx.t("submissions.rejected"),
        SubmissionStatus::Published => ctx.t("submissions.published"),
        SubmissionStatus::Withdrawn => ctx.t("submissions.withdrawn"),
    }
}

/// `GET /submissions?status=…&offset=…`: the submissions the signed-in user may see, newest
/// first.
pub async fn list(ctx: Ctx) -> Response {
    let Some(s) = &ctx.session else {
        return sign_in_first(&ctx);
    };
    let caller = s.caller(None);
    let status = match ctx
        .params
        .get("status")
        .filter(|v| !v.is_empty())
        .map(str::parse::<SubmissionStatus>)
        .transpose()
    {
        Ok(status) => status,
        Err(e) => return problem(&ctx, e.into()),
    };
    let offset = ctx
        .params
        .get("offset")
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0);
    // One more than a page: whether there is a next page.
    let mut shown =
        match ictstat_server::visible_submissions(&ctx.state, &caller, status, PAGE + 1, offset)
            .await
        {
            Ok(shown) => shown,
            Err(e) => return problem(&ctx, e),
        };
    let more = shown.len() > PAGE;
    shown.truncate(PAGE);
    let body = html! {
        @if caller.import_scope().is_ok() {
            p { a.upload href=(ctx.link("/submissions/new")) { (ctx.t("upload.title")) } }
        }
        form.controls #status-filter action=(ctx.link("/submissions")) method="get" {
            @if let Some(l) = ctx.params.get("lang") { input type="hidden" name="lang" value=(l); }
            div.control {
                label for="status" { (ctx.t("submissions.status")) }
                select #status name="status" {
                    option value="" { (ctx.t("submissions.all")) }
                    @for st in SubmissionStatus::ALL {
                        option value=(st.as_str()) selected[status == Some(st)] { (status_label(&ctx, st)) }
                    }
                }
            }
            button type="submit" { (ctx.t("indicator.apply")) }
        }
        @if shown.is_empty() {
            p { (ctx.t("submissions.none")) }
        } @else {
            div.scroll {
                table.data #submissions {
                    thead { tr {
                        th scope="col" { (ctx.t("submissions.submission")) }
                        th scope="col" { (ctx.t("submissions.submitted")) }
                        th scope="col" { (ctx.t("submissions.submitter")) }
                        th scope="col" { (ctx.t("report.file")) }
                        th scope="col" { (ctx.t("upload.observations")) }
                        th scope="col" { (ctx.t("table.indicator")) }
                        th scope="col" { (ctx.t("table.area")) }
                        th scope="col" { (ctx.t("submissions.status")) }
                    } }
                    tbody {
                        @for sub in &shown {
                            tr data-status=(sub.status.as_str()) {
                                th scope="row" { a href=(ctx.link(&format!("/submissions/{}", sub.id))) { (ctx.f("submissions.number", &[("id", &sub.id)])) } }
                                td { (format::time(&sub.created_at)) }
                                td { (submitter(sub)) }
                                td { (sub.file_name) }
                                td.num { (sub.observations) }
                                td { (sub.indicators.join(", ")) }
                                td { (sub.areas.iter().map(|a| ctx.area_name_of(a)).collect::<Vec<_>>().join(", ")) }
                                td { (status_label(&ctx, sub.status)) }
                            }
                        }
                    }
                }
            }
        }
        p.pages {
            @if offset > 0 {
                a rel="prev" href=(ctx.with("offset", Some(&offset.saturating_sub(PAGE).to_string()))) { (ctx.t("submissions.previous")) } " "
            }
            @if more {
                a rel="next" href=(ctx.with("offset", Some(&(offset + PAGE).to_string()))) { (ctx.t("submissions.next")) }
            }
        }
    };
    private(
        StatusCode::OK,
        layout::page(&ctx, ctx.t("submissions.title"), body),
        Vec::new(),
    )
}

fn submitter(s: &Submission) -> String {
    match &s.organisation {
        Some(org) => format!("{} ({org})", s.submitter),
        None => s.submitter.clone(),
    }
}

/// The key of a submitted row: its series key (`indicator|area|breakdown`, as comments
/// store it) and its period, joined by `|`.
fn row_key(r: &SubmittedRow) -> String {
    format!("{}|{}|{}|{}", r.indicator, r.area, r.breakdown, r.period)
}

/// The submission number of a path, or the page "not found" (a number is all a path holds).
fn submission_id(ctx: &Ctx, text: &str) -> Result<i64, ApiError> {
    text.parse()
        .map_err(|_| ApiError::not_found(ctx.f("submissions.not_found", &[("id", &text)])))
}

/// A submission the caller may see, with its rows; "not found" in the reader's language
/// otherwise.
async fn detail(ctx: &Ctx, caller: &Caller, id: i64) -> Result<SubmissionDetail, ApiError> {
    ictstat_server::submission_detail(&ctx.state, caller, id)
        .await
        .map_err(|e| match e.status {
            StatusCode::NOT_FOUND => {
                ApiError::not_found(ctx.f("submissions.not_found", &[("id", &id)]))
            }
            _ => e,
        })
}

/// `GET /submissions/{id}`.
pub async fn page(ctx: Ctx, Path(id): Path<String>) -> Response {
    let Some(s) = &ctx.session else {
        return sign_in_first(&ctx);
    };
    let caller = s.caller(None);
    let found = match submission_id(&ctx, &id) {
        Ok(id) => detail(&ctx, &caller, id).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(d) => {
            let title = ctx.f("submissions.number", &[("id", &d.submission.id)]);
            let body = submission_body(&ctx, &caller, &s.csrf_token, &d);
            private(StatusCode::OK, layout::page(&ctx, &title, body), Vec::new())
        }
        Err(e) => problem(&ctx, e),
    }
}

fn submission_body(ctx: &Ctx, caller: &Caller, csrf: &str, d: &SubmissionDetail) -> Markup {
    let s = &d.submission;
    let pending = s.status == SubmissionStatus::Pending;
    let reviewing = pending && caller.may_review(s).is_ok();
    let mut on_rows: HashMap<(&str, &str), Vec<&SubmissionComment>> = HashMap::new();
    let mut overall = Vec::new();
    for c in &d.comments {
        match (&c.series_key, &c.period) {
            (Some(k), Some(p)) => on_rows.entry((k, p)).or_default().push(c),
            _ => overall.push(c),
        }
    }
    // The stored report: what validation found (warnings only: a file with errors is not kept).
    let report: Option<Report> = serde_json::from_value(s.report.clone()).ok();
    html! {
        dl.summary {
            dt { (ctx.t("submissions.status")) } dd.state { (status_label(ctx, s.status)) }
            dt { (ctx.t("submissions.submitter")) } dd { (submitter(s)) }
            dt { (ctx.t("submissions.submitted")) } dd { (format::time(&s.created_at)) }
            dt { (ctx.t("report.file")) } dd { (s.file_name) }
            dt { (ctx.t("upload.observations")) } dd { (s.observations) }
            @if let Some(c) = &s.comment { dt { (ctx.t("upload.comment")) } dd { (c) } }
            @if let Some(by) = &s.reviewed_by {
                dt { (ctx.t("submissions.reviewed_by")) }
                dd { (by) @if let Some(at) = &s.reviewed_at { " · " (format::time(at)) } }
            }
            @if let Some(c) = &s.review_comment { dt { (ctx.t("review.comment")) } dd.review-comment { (c) } }
            @if let Some(r) = &s.release {
                dt { (ctx.t("submissions.release")) }
                dd { a href=(ctx.link(&format!("/releases/{r}"))) { (r) } }
            }
        }
        @if reviewing { p.note { (ctx.t("review.lead")) } }
        h2 #rows-h { (ctx.t("submissions.rows")) }
        div.scroll {
            table.data #rows aria-labelledby="rows-h" {
                thead { tr {
                    th scope="col" { (ctx.t("table.indicator")) }
                    th scope="col" { (ctx.t("table.area")) }
                    th scope="col" { (ctx.t("indicator.breakdown")) }
                    th scope="col" { (ctx.t("submissions.period")) }
                    th scope="col" { (ctx.t("submissions.value")) }
                    th scope="col" { (ctx.t("submissions.published_value")) }
                    th scope="col" { (ctx.t("submissions.change")) }
                    th scope="col" { (ctx.t("submissions.comments")) }
                } }
                tbody {
                    @for r in &d.rows {
                        @let key = row_key(r);
                        @let series = key.rsplit_once('|').map_or("", |(series, _)| series);
                        tr class=(format!("change-{}", r.change)) {
                            (data_point_cells(ctx, &r.indicator, &r.area, &r.breakdown, &r.period))
                            td.num.submitted { (optional_value(ctx, r.value)) }
                            td.num.published { (optional_value(ctx, r.published)) }
                            td.change { (change_label(ctx, r.change)) }
                            td.comments {
                                @for c in on_rows.get(&(series, r.period.as_str())).into_iter().flatten() {
                                    p.comment { (c.body) " " small { "— " (c.author) } }
                                }
                                @if reviewing {
                                    input form=(REVIEW_FORM) name=(format!("{ROW_COMMENT}{key}"))
                                        aria-label=(ctx.f("review.row_comment", &[("row", &format!("{} {} {}", r.indicator, ctx.area_name_of(&r.area), r.period))]));
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !overall.is_empty() {
            h2 { (ctx.t("submissions.comments")) }
            ul.comments {
                @for c in &overall { li { (c.body) " " small { "— " (c.author) ", " (format::time(&c.at)) } } }
            }
        }
        @if reviewing {
            form #(REVIEW_FORM) .review action=(ctx.link(&format!("/submissions/{}/review", s.id))) method="post" {
                (csrf_field(csrf))
                p.control {
                    label for="review-comment" { (ctx.t("review.comment")) }
                    textarea #review-comment name="comment" rows="3" {}
                }
                p.actions {
                    button type="submit" name="decision" value="accept" { (ctx.t("review.accept")) }
                    button.reject type="submit" name="decision" value="reject" { (ctx.t("review.reject")) }
                }
            }
        }
        @if pending && caller.is_submitter(s) {
            form.withdraw action=(ctx.link(&format!("/submissions/{}/withdraw", s.id))) method="post" {
                (csrf_field(csrf))
                button type="submit" { (ctx.t("submissions.withdraw")) }
            }
        }
        @if let Some(report) = report.filter(|r| !r.diagnostics.is_empty()) {
            (report::table(ctx, &report))
        }
    }
}

fn change_label<'a>(ctx: &'a Ctx, change: &str) -> &'a str {
    match change {
        "new" => ctx.t("submissions.change_new"),
        "revised" => ctx.t("submissions.change_revised"),
        _ => ctx.t("submissions.change_same"),
    }
}

/// `POST /submissions/{id}/review`: accepts or rejects, then back to the submission.
pub async fn review(
    ctx: Ctx,
    Path(id): Path<String>,
    form: Result<SessionForm, ApiError>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(e) => return refused(&ctx, e),
    };
    let done = match submission_id(&ctx, &id) {
        Ok(id) => review_as(&ctx, id, &form).await.map(|()| id),
        Err(e) => Err(e),
    };
    back_to_submission(&ctx, done)
}

/// The review, under the rules of `POST /api/v1/submissions/{id}/review`; a comment may only
/// name a row of the submission.
async fn review_as(ctx: &Ctx, id: i64, form: &SessionForm) -> Result<(), ApiError> {
    let caller = form.caller();
    caller.require(Scope::Submit)?;
    let d = detail(ctx, &caller, id).await?;
    caller.may_review(&d.submission)?;
    let decision = match form.field("decision") {
        Some("accept") => Decision::Accept,
        Some("reject") => Decision::Reject,
        _ => return Err(ApiError::bad_request(ctx.t("review.no_decision"))),
    };
    let rows: HashSet<String> = d.rows.iter().map(row_key).collect();
    let mut comments = Vec::new();
    for (name, body) in &form.fields {
        let Some(key) = name.strip_prefix(ROW_COMMENT) else {
            continue;
        };
        let body = body.trim();
        if body.is_empty() {
            continue;
        }
        let (series_key, period) = key
            .rsplit_once('|')
            .filter(|_| rows.contains(key))
            .ok_or_else(|| ApiError::bad_request(ctx.f("review.no_such_row", &[("row", &key)])))?;
        comments.push(NewComment {
            series_key: Some(series_key.to_string()),
            period: Some(period.to_string()),
            body: body.to_string(),
        });
    }
    let comment = form
        .field("comment")
        .map(str::trim)
        .filter(|c| !c.is_empty());
    ctx.state
        .db
        .review_submission(id, decision, comment, &comments, &caller.actor)
        .await?;
    Ok(())
}

/// `POST /submissions/{id}/withdraw`: the submitter takes back a pending submission.
pub async fn withdraw(
    ctx: Ctx,
    Path(id): Path<String>,
    form: Result<SessionForm, ApiError>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(e) => return refused(&ctx, e),
    };
    let done = match submission_id(&ctx, &id) {
        Ok(id) => withdraw_as(&ctx, id, &form).await.map(|()| id),
        Err(e) => Err(e),
    };
    back_to_submission(&ctx, done)
}

/// The withdrawal, under the rules of `POST /api/v1/submissions/{id}/withdraw`.
async fn withdraw_as(ctx: &Ctx, id: i64, form: &SessionForm) -> Result<(), ApiError> {
    let caller = form.caller();
    caller.require(Scope::Submit)?;
    let d = detail(ctx, &caller, id).await?;
    if !caller.is_submitter(&d.submission) {
        return Err(ApiError::forbidden(ctx.t("submissions.not_submitter")));
    }
    ctx.state.db.withdraw_submission(id, &caller.actor).await?;
    Ok(())
}

/// After a form on a submission: back to it (303), or the page that says why nothing was done.
fn back_to_submission(ctx: &Ctx, done: Result<i64, ApiError>) -> Response {
    match done {
        Ok(id) => Redirect::to(&ctx.link(&format!("/submissions/{id}"))).into_response(),
        Err(e) => problem(ctx, e),
    }
}
