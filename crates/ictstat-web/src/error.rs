//! Pages that cannot be shown: an HTML answer with the reason and a way on, or the API's
//! JSON error for paths under the APIs.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use maud::html;

use crate::ctx::Ctx;
use crate::layout;

/// Why a page cannot be shown.
#[derive(Debug)]
pub enum PageError {
    /// Nothing by that name: the message says what was asked for.
    NotFound(String),
    /// The query string asks for something impossible.
    BadRequest(String),
}

/// Renders an error page in the reader's language.
pub fn render(ctx: &Ctx, error: &PageError) -> Response {
    let (status, title, message) = match error {
        PageError::NotFound(m) => (StatusCode::NOT_FOUND, ctx.t("error.not_found"), m),
        PageError::BadRequest(m) => (StatusCode::BAD_REQUEST, ctx.t("error.bad_request"), m),
    };
    let body = html! {
        p.error { (message) }
        p { a href=(ctx.link("/")) { (ctx.t("error.home")) } " · " a href=(ctx.link("/indicators")) { (ctx.t("nav.indicators")) } }
    };
    html_response(status, layout::page(ctx, title, body))
}

/// The fallback for every path no route serves.
pub async fn not_found(ctx: Ctx) -> Response {
    if ctx.path.starts_with("/api/") || ctx.path.starts_with("/sdmx") {
        return ictstat_server::ApiError::not_found(ictstat_server::NO_SUCH_ROUTE).into_response();
    }
    let message = ctx.f("error.no_page", &[("path", &ctx.path)]);
    render(&ctx, &PageError::NotFound(message))
}

/// A rendered page as a response. Its language may come from `Accept-Language`, so caches
/// must key on it.
pub fn ok(markup: maud::Markup) -> Response {
    html_response(StatusCode::OK, markup)
}

fn html_response(status: StatusCode, markup: maud::Markup) -> Response {
    let mut response = (status, Html(markup.into_string())).into_response();
    response.headers_mut().append(
        axum::http::header::VARY,
        axum::http::HeaderValue::from_static("accept-language"),
    );
    response
}
