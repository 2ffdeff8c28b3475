//! Releases in the browser: the published releases (`/releases`, public), what one changed
//! since the previous (`/releases/{name}`, public), and, for administrators, the form that
//! publishes accepted submissions as a new release (`POST /releases`).
//!
//! The rules are the API's: releases under embargo are listed to administrators only and have
//! no public page; publishing is for administrators, through `ictstat_server::publish` (all or
//! nothing for the public), after which the read model is refreshed so that the pages show
//! the release at once.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ictstat_server::publish::{PublishRequest, publish};
use ictstat_server::session::{SessionForm, WebSession};
use ictstat_server::{ApiError, Caller, ReleaseDetail};
use ictstat_store::accounts::{Role, Scope};
use ictstat_store::releases::Release;
use ictstat_store::submissions::{Submission, SubmissionStatus};
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::error::{PageError, ok, render};
use crate::format;
use crate::layout::{self, csrf_field};
use crate::private::{problem, refused};

use super::{data_point_cells, optional_value};

/// Changes a release page lists; the API lists them all.
const CHANGES_SHOWN: usize = 500;
/// Accepted submissions the publish form offers (the oldest are published first anyway).
const ACCEPTED_SHOWN: usize = 1000;

/// A release's kind in the reader's language.
fn kind_label<'a>(ctx: &'a Ctx, kind: &str) -> &'a str {
    match kind {
        "direct" => ctx.t("releases.direct"),
        _ => ctx.t("releases.release"),
    }
}

/// The signed-in administrator, if the reader is one.
fn administrator(ctx: &Ctx) -> Option<(&WebSession, Caller)> {
    let s = ctx.session.as_ref()?;
    let caller = s.caller(None);
    caller.has_role(Role::Administrator).then_some((s, caller))
}

/// `GET /releases`: the published releases, newest first; for administrators also those
/// under embargo, and the publish form.
pub async fn list(ctx: Ctx) -> Response {
    let admin = administrator(&ctx);
    let releases = match ctx.state.db.releases(admin.is_some()).await {
        Ok(r) => r,
        Err(e) => return problem(&ctx, e.into()),
    };
    let publish_form = match &admin {
        Some((s, caller)) => {
            match ictstat_server::visible_submissions(
                &ctx.state,
                caller,
                Some(SubmissionStatus::Accepted),
                ACCEPTED_SHOWN,
                0,
            )
            .await
            {
                Ok(accepted) => Some(publish_form(&ctx, &s.csrf_token, &accepted)),
                Err(e) => return problem(&ctx, e),
            }
        }
        None => None,
    };
    let now = ictstat_store::now_text();
    let body = html! {
        p.lead { (ctx.t("releases.lead")) }
        @if releases.is_empty() {
            p { (ctx.t("releases.none")) }
        } @else {
            div.scroll {
                table.data #releases {
                    thead { tr {
                        th scope="col" { (ctx.t("releases.name")) }
                        th scope="col" { (ctx.t("releases.kind")) }
                        th scope="col" { (ctx.t("releases.public_from")) }
                        th scope="col" { (ctx.t("releases.revision")) }
                        th scope="col" { (ctx.t("releases.description")) }
                        th scope="col" { (ctx.t("releases.by")) }
                    } }
                    tbody {
                        @for r in &releases {
                            @let embargoed = r.is_embargoed(&now);
                            tr.embargoed[embargoed] {
                                th scope="row" {
                                    @if embargoed {
                                        (r.name) " " span.badge { (ctx.t("releases.embargoed")) }
                                    } @else {
                                        a href=(ctx.link(&format!("/releases/{}", r.name))) { (r.name) }
                                    }
                                }
                                td { (kind_label(&ctx, &r.kind)) }
                                td { (format::time(&r.publish_at)) }
                                td.num { (r.revision) }
                                td { (r.description.as_deref().unwrap_or("")) }
                                td { (r.created_by) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(form) = publish_form { (form) }
    };
    ok(layout::page(&ctx, ctx.t("releases.title"), body))
}

/// The administrators' form: a name, a description, a time (a time to come is an embargo)
/// and the accepted submissions to publish, all ticked.
fn publish_form(ctx: &Ctx, csrf: &str, accepted: &[Submission]) -> Markup {
    html! {
        section aria-labelledby="publish-h" {
            h2 #publish-h { (ctx.t("releases.publish")) }
            form #publish .publish action=(ctx.link("/releases")) method="post" {
                (csrf_field(csrf))
                p.control {
                    label for="release-name" { (ctx.t("releases.name")) " " small { (ctx.t("releases.name_hint")) } }
                    input #release-name name="name" required pattern="[A-Za-z0-9._\\-]+";
                }
                p.control {
                    label for="release-description" { (ctx.t("releases.description")) }
                    input #release-description name="description";
                }
                p.control {
                    label for="publish-at" { (ctx.t("releases.publish_at")) }
                    input #publish-at type="datetime-local" name="publish_at";
                }
                fieldset {
                    legend { (ctx.t("releases.accepted")) }
                    @if accepted.is_empty() {
                        p { (ctx.t("releases.none_accepted")) }
                    }
                    @for s in accepted {
                        label.submission {
                            input type="checkbox" name="submission" value=(s.id) checked;
                            " " a href=(ctx.link(&format!("/submissions/{}", s.id))) { (ctx.f("submissions.number", &[("id", &s.id)])) }
                            " · " (s.submitter) " · " (s.file_name) " · " (ctx.f("releases.data_points", &[("n", &s.observations)]))
                        }
                    }
                }
                button type="submit" { (ctx.t("releases.publish_button")) }
            }
        }
    }
}

/// `POST /releases`: publishes, then shows the new release (or the list, when it is under
/// embargo and has no public page yet).
pub async fn publish_release(ctx: Ctx, form: Result<SessionForm, ApiError>) -> Response {
    let form = match form {
        Ok(form) => form,
        Err(e) => return refused(&ctx, e),
    };
    match publish_as(&ctx, &form).await {
        Ok(release) if release.is_embargoed(&ictstat_store::now_text()) => {
            Redirect::to(&ctx.link("/releases")).into_response()
        }
        Ok(release) => {
            Redirect::to(&ctx.link(&format!("/releases/{}", release.name))).into_response()
        }
        Err(e) => problem(&ctx, e),
    }
}

/// The publication, under the rules of `POST /api/v1/releases`.
async fn publish_as(ctx: &Ctx, form: &SessionForm) -> Result<Release, ApiError> {
    let caller = form.caller();
    caller.require(Scope::Admin)?;
    caller.require_administrator()?;
    let text = |name: &str| {
        form.field(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let publish_at = text("publish_at")
        .map(|t| {
            publish_time(&t)
                .ok_or_else(|| ApiError::bad_request(ctx.f("releases.bad_time", &[("value", &t)])))
        })
        .transpose()?;
    let submissions = form
        .values("submission")
        .map(|v| {
            v.parse::<i64>().map_err(|_| {
                ApiError::bad_request(ctx.f("releases.bad_submission", &[("value", &v)]))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let request = PublishRequest {
        name: text("name").unwrap_or_default(),
        description: text("description"),
        publish_at,
        submissions: Some(submissions),
    };
    let state = &ctx.state;
    let publication = publish(&state.db, state.catalog.clone(), &request, &caller.actor).await?;
    state.read_model.refresh(&state.db).await?;
    Ok(publication.release)
}

/// A publication time from the form: the API's (RFC 3339, or a date), or what a browser's
/// `datetime-local` field sends (`2026-03-01T09:00`, no seconds, no zone), which the form says
/// is UTC.
fn publish_time(text: &str) -> Option<String> {
    ictstat_store::parse_time(text)
        .or_else(|| ictstat_store::parse_time(&format!("{text}:00Z")))
        .or_else(|| ictstat_store::parse_time(&format!("{text}Z")))
}

/// `GET /releases/{name}`: a published release compared with the previous one.
pub async fn page(ctx: Ctx, Path(name): Path<String>) -> Response {
    match ictstat_server::release_detail(&ctx.state, &name).await {
        Ok(d) => {
            let title = ctx.f("releases.release_title", &[("name", &d.release.name)]);
            ok(layout::page(&ctx, &title, release_body(&ctx, &d)))
        }
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            let message = ctx.f("releases.not_found", &[("name", &name)]);
            render(&ctx, &PageError::NotFound(message))
        }
        Err(e) => problem(&ctx, e),
    }
}

fn release_body(ctx: &Ctx, d: &ReleaseDetail) -> Markup {
    let r = &d.release;
    html! {
        dl.summary {
            dt { (ctx.t("releases.kind")) } dd { (kind_label(ctx, &r.kind)) }
            dt { (ctx.t("releases.public_from")) } dd { (format::time(&r.publish_at)) }
            dt { (ctx.t("releases.revision")) } dd { (r.revision) }
            dt { (ctx.t("releases.by")) } dd { (r.created_by) }
            @if let Some(text) = &r.description { dt { (ctx.t("releases.description")) } dd { (text) } }
            dt { (ctx.t("releases.previous")) }
            dd {
                @match &d.previous {
                    Some(p) => a href=(ctx.link(&format!("/releases/{}", p.name))) { (p.name) },
                    None => (ctx.t("releases.first")),
                }
            }
        }
        ul.facts.changes {
            li.added { strong { (d.added) } " " (ctx.t("releases.added")) }
            li.revised { strong { (d.revised) } " " (ctx.t("releases.revised")) }
            li.amended { strong { (d.amended) } " " (ctx.t("releases.amended")) }
        }
        h2 #changes-h { (ctx.t("releases.changes")) }
        @if d.changes.len() > CHANGES_SHOWN {
            p.note {
                (ctx.f("releases.changes_cut", &[("shown", &CHANGES_SHOWN), ("n", &d.changes.len())])) " "
                a href=(format!("/api/v1/releases/{}", r.name)) { (ctx.t("releases.all_changes")) }
            }
        }
        div.scroll {
            table.data #changes aria-labelledby="changes-h" {
                thead { tr {
                    th scope="col" { (ctx.t("table.indicator")) }
                    th scope="col" { (ctx.t("table.area")) }
                    th scope="col" { (ctx.t("indicator.breakdown")) }
                    th scope="col" { (ctx.t("submissions.period")) }
                    th scope="col" { (ctx.t("releases.before")) }
                    th scope="col" { (ctx.t("releases.after")) }
                    th scope="col" { (ctx.t("releases.author")) }
                } }
                tbody {
                    @for c in d.changes.iter().take(CHANGES_SHOWN) {
                        tr {
                            (data_point_cells(ctx, &c.indicator, &c.area, &c.breakdown, &c.period))
                            td.num.before { (optional_value(ctx, c.before)) }
                            td.num.after { (optional_value(ctx, c.after)) }
                            td { (c.author) }
                        }
                    }
                }
            }
        }
    }
}
