//! Consultations on indicator lists in the browser: one version of a framework
//! (`/frameworks/{id}/versions/{n}`, public) with what changed since the version before, the
//! comments of its consultation (threaded) and its items; on a draft open for comments, a
//! signed-in user's comment and reply forms (`POST …/versions/{n}/comments`), and for those
//! who may, a status per comment (`POST /frameworks/{id}/comments/{c}/status`).
//!
//! The rules are the API's (its consultation routes and the store): every registered user
//! comments while a draft is open (a final or closed version answers 409, an empty or too long
//! comment 400); administrators and the custodians of the indicators of a comment's item set
//! its status (`Caller::may_set_comment_status`, 403 for anyone else). Forms post with the session's CSRF
//! token and answer a redirect back to the comment (303), or a page that says why nothing was
//! done.

use std::collections::{HashMap, HashSet};

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ictstat_core::{Framework, FrameworkItem};
use ictstat_server::session::SessionForm;
use ictstat_server::{ApiError, Caller, VersionDetail};
use ictstat_store::accounts::Scope;
use ictstat_store::consultation::{
    CommentStatus, FrameworkComment, FrameworkVersion, MAX_COMMENT_CHARS, NewFrameworkComment,
};
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::error::{PageError, ok, render};
use crate::format;
use crate::layout::{self, csrf_field};
use crate::private::{problem_with, refused};

use super::frameworks::items_table;

/// Every status a comment may have, in the order the status select offers them.
const STATUSES: [CommentStatus; 4] = [
    CommentStatus::Open,
    CommentStatus::Accepted,
    CommentStatus::Declined,
    CommentStatus::Answered,
];

/// Replies deeper than this are indented no further, so that a long exchange stays readable
/// on a phone (each says whom it answers).
const MAX_INDENT: usize = 4;

/// The page of version `version` of `framework`.
pub(super) fn version_href(framework: &str, version: i64) -> String {
    format!("/frameworks/{framework}/versions/{version}")
}

/// The catalogue's entry of a framework (ids are matched without regard to case, as the API
/// matches them), or "not found" in the reader's language.
pub(super) fn framework<'a>(ctx: &'a Ctx, id: &str) -> Result<&'a Framework, ApiError> {
    ctx.catalog
        .frameworks
        .iter()
        .find(|f| f.id.eq_ignore_ascii_case(id))
        .ok_or_else(|| ApiError::not_found(ctx.f("framework.unknown", &[("id", &id)])))
}

/// A framework page that cannot be shown: "not found" as the site's 404 page (the callers'
/// messages are in the reader's language), anything else as a refused action.
pub(super) fn unshown(ctx: &Ctx, e: ApiError) -> Response {
    if e.status == StatusCode::NOT_FOUND {
        render(ctx, &PageError::NotFound(e.message))
    } else {
        problem_with(ctx, e, frameworks_link(ctx))
    }
}

fn frameworks_link(ctx: &Ctx) -> Markup {
    html! { a href=(ctx.link("/frameworks")) { (ctx.t("nav.frameworks")) } }
}

/// Whether a version takes comments at `now`: a draft whose comments have not closed (the
/// store's rule, so that the page offers the form exactly when a comment would be kept).
fn open_for_comments(v: &FrameworkVersion, now: &str) -> bool {
    v.status == "draft" && v.closes_at.as_deref().is_none_or(|c| c > now)
}

/// A version's status in the reader's language: final, or a draft open for comments (until
/// when) or closed to them.
pub(super) fn status_text(ctx: &Ctx, v: &FrameworkVersion, now: &str) -> String {
    if v.status != "draft" {
        return ctx.t("consultation.final").to_string();
    }
    match (&v.closes_at, open_for_comments(v, now)) {
        (_, false) => ctx.t("consultation.draft_closed").to_string(),
        (Some(until), true) => ctx.f(
            "consultation.draft_until",
            &[("time", &format::time(until))],
        ),
        (None, true) => ctx.t("consultation.draft_open").to_string(),
    }
}

/// A comment status in the reader's language.
fn comment_status_label(ctx: &Ctx, status: CommentStatus) -> &str {
    match status {
        CommentStatus::Open => ctx.t("consultation.status_open"),
        CommentStatus::Accepted => ctx.t("consultation.status_accepted"),
        CommentStatus::Declined => ctx.t("consultation.status_declined"),
        CommentStatus::Answered => ctx.t("consultation.status_answered"),
    }
}

/// The comments in reading order, each followed by its replies (oldest first), with how deep
/// in its thread it is. Built without recursion: a long chain of replies cannot exhaust the
/// stack. A reply whose parent is not among them (none should be) starts a thread.
fn threads(comments: &[FrameworkComment]) -> Vec<(usize, &FrameworkComment)> {
    let ids: HashSet<i64> = comments.iter().map(|c| c.id).collect();
    let mut replies: HashMap<i64, Vec<&FrameworkComment>> = HashMap::new();
    let mut roots = Vec::new();
    for c in comments {
        match c.parent.filter(|p| ids.contains(p)) {
            Some(p) => replies.entry(p).or_default().push(c),
            None => roots.push(c),
        }
    }
    let mut out = Vec::with_capacity(comments.len());
    let mut stack: Vec<(usize, &FrameworkComment)> =
        roots.into_iter().rev().map(|c| (0, c)).collect();
    while let Some((depth, c)) = stack.pop() {
        out.push((depth, c));
        if let Some(r) = replies.get(&c.id) {
            stack.extend(r.iter().rev().map(|r| (depth + 1, *r)));
        }
    }
    out
}

/// The name of a field of an item, as the changes list it.
fn field_label<'a>(ctx: &'a Ctx, field: &'a str) -> &'a str {
    match field {
        "name" => ctx.t("framework.name"),
        "parent" => ctx.t("consultation.field_parent"),
        "indicators" => ctx.t("nav.indicators"),
        "sdg_targets" => ctx.t("consultation.field_sdg_targets"),
        "confirmed" => ctx.t("consultation.field_confirmed"),
        "note" => ctx.t("consultation.field_note"),
        other => other,
    }
}

/// The value of a field of an item (one of `ictstat_core::ItemChange::fields`), as text.
fn field_value(ctx: &Ctx, item: &FrameworkItem, field: &str) -> String {
    match field {
        "name" => item.name.clone(),
        "parent" => item.parent.clone().unwrap_or_default(),
        "indicators" => item.indicators.join(", "),
        "sdg_targets" => item.sdg_targets.join(", "),
        "confirmed" if item.confirmed => ctx.t("consultation.yes").to_string(),
        "confirmed" => ctx.t("consultation.no").to_string(),
        "note" => item.note.clone(),
        _ => String::new(),
    }
}

/// A field's value in a table cell: a dash when it has none (no parent, no note).
fn field_cell(ctx: &Ctx, item: &FrameworkItem, field: &str) -> Markup {
    let value = field_value(ctx, item, field);
    html! {
        @if value.is_empty() { span.na { "—" } } @else { (value) }
    }
}

/// A version number of a path, or "not found" (a number is all a path holds).
fn version_number(ctx: &Ctx, f: &Framework, text: &str) -> Result<i64, ApiError> {
    text.parse().map_err(|_| version_not_found(ctx, f, &text))
}

fn version_not_found(ctx: &Ctx, f: &Framework, version: &dyn std::fmt::Display) -> ApiError {
    ApiError::not_found(ctx.f("consultation.not_found", &[("n", version), ("id", &f.id)]))
}

/// A version with its changes and comments, "not found" in the reader's language.
async fn detail(ctx: &Ctx, f: &Framework, version: i64) -> Result<VersionDetail, ApiError> {
    ictstat_server::version_detail(&ctx.state, &f.id, version)
        .await
        .map_err(|e| match e.status {
            StatusCode::NOT_FOUND => version_not_found(ctx, f, &version),
            _ => e,
        })
}

/// The signed-in reader of a version page: the CSRF token their forms carry, and their roles.
struct Reader<'a> {
    csrf: &'a str,
    caller: Caller,
}

/// `GET /frameworks/{id}/versions/{n}`.
pub async fn page(ctx: Ctx, Path((id, n)): Path<(String, String)>) -> Response {
    let found = async {
        let f = framework(&ctx, &id)?;
        let version = version_number(&ctx, f, &n)?;
        Ok::<_, ApiError>((f, detail(&ctx, f, version).await?))
    };
    let (f, d) = match found.await {
        Ok(found) => found,
        Err(e) => return unshown(&ctx, e),
    };
    let reader = ctx.session.as_ref().map(|s| Reader {
        csrf: &s.csrf_token,
        caller: s.caller(None),
    });
    let v = &d.version;
    let title = ctx.f(
        "consultation.version_title",
        &[("n", &v.version), ("label", &v.label)],
    );
    let now = ictstat_store::now_text();
    let body = html! {
        p.meta {
            a href=(ctx.link(&format!("/frameworks/{}", f.id))) lang=[ctx.catalog_lang()] { (f.name) }
            " · " a href=(format!("/api/v1/frameworks/{}/versions/{}", f.id, v.version)) { (ctx.t("consultation.json")) }
        }
        dl.summary {
            dt { (ctx.t("consultation.status")) } dd.state { (status_text(&ctx, v, &now)) }
            @if !v.created_at.is_empty() {
                dt { (ctx.t("consultation.opened")) } dd { (format::time(&v.created_at)) " · " (v.created_by) }
            }
            @if let Some(at) = &v.finalised_at {
                dt { (ctx.t("consultation.finalised")) }
                dd { (format::time(at)) @if let Some(by) = &v.finalised_by { " · " (by) } }
            }
            @if let Some(note) = &v.note { dt { (ctx.t("consultation.note")) } dd { (note) } }
        }
        (changes(&ctx, &d))
        (comments(&ctx, f, &d, reader.as_ref(), open_for_comments(v, &now)))
        h2 #items-h { (ctx.t("framework.items_title")) }
        (items_table(&ctx, "items", &v.items))
    };
    ok(layout::page(&ctx, &title, body))
}

/// What changed since the version before: items added, removed, and changed (each changed
/// field before → after). Version 1 is the catalogue's list, the first there is.
fn changes(ctx: &Ctx, d: &VersionDetail) -> Markup {
    let c = &d.changes;
    html! {
        h2 #changes-h { (ctx.t("consultation.changes")) }
        @if d.version.version == 1 {
            p { (ctx.t("consultation.first_version")) }
        } @else if c.is_empty() {
            p { (ctx.t("consultation.no_changes")) }
        } @else {
            ul.facts.changes {
                li.added { strong { (c.added.len()) } " " (ctx.t("consultation.items_added")) }
                li.removed { strong { (c.removed.len()) } " " (ctx.t("consultation.items_removed")) }
                li.changed { strong { (c.changed.len()) } " " (ctx.t("consultation.items_changed")) }
            }
            @if !c.added.is_empty() {
                h3 { (ctx.t("consultation.added_title")) }
                (items_table(ctx, "added", &c.added))
            }
            @if !c.removed.is_empty() {
                h3 { (ctx.t("consultation.removed_title")) }
                (items_table(ctx, "removed", &c.removed))
            }
            @if !c.changed.is_empty() {
                h3 { (ctx.t("consultation.changed_title")) }
                div.scroll {
                    table.data #changed {
                        thead { tr {
                            th scope="col" { (ctx.t("framework.item")) }
                            th scope="col" { (ctx.t("consultation.field")) }
                            th scope="col" { (ctx.t("releases.before")) }
                            th scope="col" { (ctx.t("releases.after")) }
                        } }
                        tbody {
                            @for change in &c.changed {
                                @for field in &change.fields {
                                    tr data-code=(change.code) data-field=(field) {
                                        th scope="row" { (change.code) }
                                        td { (field_label(ctx, field)) }
                                        td.before { (field_cell(ctx, &change.before, field)) }
                                        td.after { (field_cell(ctx, &change.after, field)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The comments, threaded; while the draft is open, the form for a new comment and a reply
/// form under each (for a signed-in reader; a link to sign in otherwise); a status form under
/// each comment whose status the reader may set.
fn comments(
    ctx: &Ctx,
    f: &Framework,
    d: &VersionDetail,
    reader: Option<&Reader<'_>>,
    open: bool,
) -> Markup {
    let v = &d.version;
    let comments_href = ctx.link(&format!("{}/comments", version_href(&f.id, v.version)));
    let by_id: HashMap<i64, &FrameworkComment> = d.comments.iter().map(|c| (c.id, c)).collect();
    html! {
        h2 #comments-h { (ctx.t("consultation.comments")) " (" (d.comments.len()) ")" }
        @if d.comments.is_empty() { p { (ctx.t("consultation.no_comments")) } }
        ol.comments aria-labelledby="comments-h" {
            @for (depth, c) in threads(&d.comments) {
                li class=(format!("comment depth-{}", depth.min(MAX_INDENT))) #(format!("comment-{}", c.id)) data-status=(c.status.as_str()) {
                    p.comment-meta {
                        strong.author { (c.author) } " · " (format::time(&c.created_at)) " · "
                        span.item {
                            @match &c.item {
                                Some(item) => (ctx.f("consultation.on_item", &[("item", item)])),
                                None => (ctx.t("consultation.on_draft")),
                            }
                        }
                        " · " span class=(format!("status comment-status-{}", c.status.as_str())) { (comment_status_label(ctx, c.status)) }
                        @if let Some(parent) = c.parent.and_then(|p| by_id.get(&p)) {
                            " · " a.in-reply href=(format!("#comment-{}", parent.id)) { (ctx.f("consultation.in_reply", &[("author", &parent.author)])) }
                        }
                    }
                    p.comment-body { (c.body) }
                    @if let (Some(by), Some(at)) = (&c.status_by, &c.status_at) {
                        p.note { small { (ctx.f("consultation.status_set", &[("name", by), ("time", &format::time(at))])) } }
                    }
                    @if let Some(r) = reader {
                        @if r.caller.may_set_comment_status(v, c) {
                            (status_form(ctx, f, r.csrf, c))
                        }
                        @if open {
                            details.reply {
                                summary { (ctx.t("consultation.reply")) }
                                // A reply is on its parent's item, so that the item's custodians
                                // see it and set its status too.
                                form.comment action=(comments_href) method="post" {
                                    (csrf_field(r.csrf))
                                    input type="hidden" name="parent" value=(c.id);
                                    @if let Some(item) = &c.item { input type="hidden" name="item" value=(item); }
                                    label for=(format!("reply-{}", c.id)) { (ctx.f("consultation.reply_to", &[("author", &c.author)])) }
                                    textarea #(format!("reply-{}", c.id)) name="body" rows="3" required maxlength=(MAX_COMMENT_CHARS) {}
                                    button type="submit" { (ctx.t("consultation.post_reply")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if !open {
            p.note { (ctx.t("consultation.closed")) }
        } @else if let Some(r) = reader {
            h3 #comment-form-h { (ctx.t("consultation.add_comment")) }
            form.comment #comment-form action=(comments_href) method="post" aria-labelledby="comment-form-h" {
                (csrf_field(r.csrf))
                p.control {
                    label for="comment-item" { (ctx.t("consultation.comment_on")) }
                    select #comment-item name="item" {
                        option value="" { (ctx.t("consultation.whole_draft")) }
                        @for item in &v.items {
                            option value=(item.code) { (item.code) " — " (item.name) }
                        }
                    }
                }
                p.control {
                    label for="comment-body" { (ctx.t("consultation.comment")) }
                    textarea #comment-body name="body" rows="5" required maxlength=(MAX_COMMENT_CHARS) {}
                }
                button type="submit" { (ctx.t("consultation.post")) }
            }
        } @else {
            p.sign-in-to-comment { a href=(ctx.link("/signin")) { (ctx.t("consultation.sign_in")) } }
        }
    }
}

/// The form that sets a comment's status, the current one selected.
fn status_form(ctx: &Ctx, f: &Framework, csrf: &str, c: &FrameworkComment) -> Markup {
    let select = format!("status-{}", c.id);
    html! {
        form.comment-status action=(ctx.link(&format!("/frameworks/{}/comments/{}/status", f.id, c.id))) method="post" {
            (csrf_field(csrf))
            label.visually-hidden for=(select) { (ctx.f("consultation.status_of", &[("id", &c.id)])) }
            select #(select) name="status" {
                @for s in STATUSES {
                    option value=(s.as_str()) selected[s == c.status] { (comment_status_label(ctx, s)) }
                }
            }
            button type="submit" { (ctx.t("consultation.set_status")) }
        }
    }
}

/// `POST /frameworks/{id}/versions/{n}/comments`: a comment (on the whole draft or an item) or
/// a reply (`parent`), then back to it.
pub async fn comment(
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    form: Result<SessionForm, ApiError>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(e) => return refused(&ctx, e),
    };
    let done = comment_as(&ctx, &id, &n, &form).await;
    back_to_comment(&ctx, done, &format!("/frameworks/{id}/versions/{n}"))
}

/// The comment, under the rules of `POST /api/v1/frameworks/{id}/versions/{n}/comments`.
async fn comment_as(ctx: &Ctx, id: &str, n: &str, form: &SessionForm) -> Result<Posted, ApiError> {
    let caller = form.caller();
    caller.require(Scope::Submit)?;
    let f = framework(ctx, id)?;
    let version = version_number(ctx, f, n)?;
    let parent = form
        .field("parent")
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<i64>().map_err(|_| {
                ApiError::bad_request(ctx.f("consultation.bad_parent", &[("value", &p)]))
            })
        })
        .transpose()?;
    let new = NewFrameworkComment {
        item: form
            .field("item")
            .filter(|i| !i.is_empty())
            .map(str::to_string),
        parent,
        // Browsers send a textarea's line breaks as CRLF: kept as an API client sends them.
        body: form.field("body").unwrap_or_default().replace("\r\n", "\n"),
    };
    let c = ctx
        .state
        .db
        .add_framework_comment(&f.id, version, &new, &caller.actor)
        .await?;
    Ok(Posted {
        framework: f.id.clone(),
        version,
        comment: c.id,
    })
}

/// `POST /frameworks/{id}/comments/{c}/status`: sets a comment's status, then back to it.
pub async fn set_status(
    ctx: Ctx,
    Path((id, c)): Path<(String, String)>,
    form: Result<SessionForm, ApiError>,
) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(e) => return refused(&ctx, e),
    };
    let done = set_status_as(&ctx, &id, &c, &form).await;
    back_to_comment(&ctx, done, &format!("/frameworks/{id}"))
}

/// The status, under the rules of `POST /api/v1/frameworks/{id}/comments/{c}/status`.
async fn set_status_as(
    ctx: &Ctx,
    id: &str,
    comment: &str,
    form: &SessionForm,
) -> Result<Posted, ApiError> {
    let caller = form.caller();
    caller.require(Scope::Submit)?;
    let f = framework(ctx, id)?;
    let no_such = || {
        ApiError::not_found(ctx.f(
            "consultation.no_comment",
            &[("id", &comment), ("framework", &f.id)],
        ))
    };
    let comment: i64 = comment.parse().map_err(|_| no_such())?;
    let status: CommentStatus = form
        .field("status")
        .unwrap_or_default()
        .parse()
        .map_err(ApiError::from)?;
    let (version, c) = ictstat_server::find_comment(&ctx.state, &f.id, comment)
        .await
        .map_err(|_| no_such())?;
    if !caller.may_set_comment_status(&version, &c) {
        return Err(ApiError::forbidden(ctx.t("consultation.not_custodian")));
    }
    ctx.state
        .db
        .set_comment_status(&f.id, comment, status, &caller.actor)
        .await?;
    Ok(Posted {
        framework: f.id.clone(),
        version: version.version,
        comment,
    })
}

/// A comment a form posted or changed, for the redirect back to it.
struct Posted {
    framework: String,
    version: i64,
    comment: i64,
}

/// After a form on a comment: back to the comment on its version's page (303), or the page
/// that says why nothing was done, with a link back to `back`.
fn back_to_comment(ctx: &Ctx, done: Result<Posted, ApiError>, back: &str) -> Response {
    match done {
        Ok(p) => {
            let page = ctx.link(&version_href(&p.framework, p.version));
            Redirect::to(&format!("{page}#comment-{}", p.comment)).into_response()
        }
        Err(e) => {
            let way_on = html! { a href=(ctx.link(back)) { (ctx.t("consultation.back")) } };
            problem_with(ctx, e, way_on)
        }
    }
}
