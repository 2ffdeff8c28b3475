//! What the pages of signed-in users share: no cache ever keeps them, a visitor who is not
//! signed in is sent to the sign-in form, and an action that is refused answers a page that
//! says why in the reader's language, with the status the API gives the same refusal.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ictstat_server::ApiError;
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::layout;

/// A page about the signed-in user, their credentials or their work: never stored by a
/// cache, and in the reader's language.
pub fn private(
    status: StatusCode,
    markup: Markup,
    extra: Vec<(header::HeaderName, HeaderValue)>,
) -> Response {
    let mut response = (status, axum::response::Html(markup.into_string())).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    headers.append(header::VARY, HeaderValue::from_static("accept-language"));
    for (name, value) in extra {
        headers.append(name, value);
    }
    response
}

/// The answer to a page that needs a signed-in user when nobody is.
pub fn sign_in_first(ctx: &Ctx) -> Response {
    Redirect::to(&ctx.link("/signin")).into_response()
}

/// A form refused before its handler ran (`SessionForm`, `SessionUpload`): the same status,
/// as a page that says what happened and how to go on.
pub fn refused(ctx: &Ctx, e: ApiError) -> Response {
    let message = match e.status {
        StatusCode::FORBIDDEN => ctx.t("account.csrf"),
        StatusCode::UNAUTHORIZED => ctx.t("account.signed_out"),
        _ => return problem(ctx, e),
    };
    let body = html! {
        p.error role="alert" { (message) }
        p { a href=(ctx.link("/signin")) { (ctx.t("account.sign_in")) } }
    };
    private(
        e.status,
        layout::page(ctx, ctx.t("account.refused"), body),
        Vec::new(),
    )
}

/// An action the workflow's rules refused (not allowed, no longer pending, a bad field, a
/// file too large…) or that failed: its status, and its message, which says what to do.
pub fn problem(ctx: &Ctx, e: ApiError) -> Response {
    let way_on = html! {
        a href=(ctx.link("/submissions")) { (ctx.t("nav.submissions")) } " · " a href=(ctx.link("/releases")) { (ctx.t("nav.releases")) }
    };
    problem_with(ctx, e, way_on)
}

/// [`problem`] with its own way on (`way_on`: links back to where the refused form was), for
/// the pages outside the publication workflow.
pub fn problem_with(ctx: &Ctx, e: ApiError, way_on: Markup) -> Response {
    let title = match e.status {
        StatusCode::FORBIDDEN => ctx.t("workflow.forbidden"),
        StatusCode::NOT_FOUND => ctx.t("error.not_found"),
        StatusCode::CONFLICT => ctx.t("workflow.conflict"),
        StatusCode::PAYLOAD_TOO_LARGE => ctx.t("workflow.too_large"),
        s if s.is_server_error() => ctx.t("workflow.failed"),
        _ => ctx.t("account.refused"),
    };
    let body = html! {
        p.error role="alert" { (e.message) }
        p { (way_on) }
    };
    private(e.status, layout::page(ctx, title, body), Vec::new())
}
