//! The public web dashboard: server-rendered pages for people who never call an API.
//!
//! Every page is HTML rendered on the server from the same read model and statistics as the
//! JSON API, with charts and maps drawn as inline SVG ([`svg`]): a page is one request, works
//! without JavaScript, prints, and stays small on a slow connection. The state of every view
//! (countries, year, breakdown, sort, language) is in its query string ([`params`]), so any
//! view can be shared, bookmarked or embedded (`/embed/…`). The interface is in English,
//! French and Spanish ([`i18n`]). People with an account sign in (`/signin`) and manage their
//! API tokens (`/account`); sessions and CSRF are `ictstat_server::session`'s. Providers and
//! custodians upload files for review (`/submissions/new`), reviewers accept or reject them
//! with comments on rows (`/submissions/{id}`), administrators publish them as releases
//! (`/releases`), under the API's rules. A framework's page lists its versions; each version's
//! page shows what changed and its consultation's comments, and takes comments, replies and
//! their statuses while the draft is open (`/frameworks/{id}/versions/{n}`).

mod assets;
mod ctx;
mod data;
mod download;
mod error;
mod format;
pub mod i18n;
mod layout;
mod pages;
pub mod params;
mod private;
mod report;
mod stats;
pub mod svg;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use ictstat_server::AppState;

/// The whole application: the dashboard's pages merged with the JSON and SDMX APIs.
pub fn app(state: AppState) -> Router {
    ictstat_server::router_with(state, pages())
}

/// The largest body of a web form: the account forms hold a few short fields, and nothing
/// outside should make the server read (let alone count or log) more.
const FORM_BODY_LIMIT: usize = 8 * 1024;

fn form_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(FORM_BODY_LIMIT)
}

/// The largest review form: it carries one comment field per row of the submission (most of
/// them empty, some 60 bytes each), so 4 MiB holds the review of some 60,000 rows.
const REVIEW_BODY_LIMIT: usize = 4 * 1024 * 1024;
/// The largest comment form: the longest comment the store keeps, of characters of up to four
/// bytes each percent-encoded (three characters a byte), and 4 KiB for the other fields.
const COMMENT_BODY_LIMIT: usize = ictstat_store::consultation::MAX_COMMENT_CHARS * 4 * 3 + 4 * 1024;
/// The largest publish form: a checkbox (some 20 bytes) per accepted submission it offers.
const PUBLISH_BODY_LIMIT: usize = 64 * 1024;

/// The dashboard's routes, with an HTML "not found" page for every other path.
fn pages() -> Router<AppState> {
    let cache = Arc::new(stats::StatsCache::default());
    Router::new()
        .route("/", get(pages::home::page))
        .route("/search", get(pages::search::page))
        .route("/indicators", get(pages::indicator::list))
        .route("/indicators/{code}", get(pages::indicator::page))
        .route("/indicators/{code}/download", get(download::indicator))
        .route("/embed/indicators/{code}", get(pages::indicator::embed))
        .route("/countries", get(pages::country::list))
        .route("/countries/{code}", get(pages::country::page))
        .route("/availability", get(pages::availability::matrix))
        .route(
            "/availability/disaggregation",
            get(pages::availability::disaggregation),
        )
        .route("/frameworks", get(pages::frameworks::list))
        .route("/frameworks/{id}", get(pages::frameworks::page))
        .route(
            "/frameworks/{id}/versions/{n}",
            get(pages::consultation::page),
        )
        .route(
            "/frameworks/{id}/versions/{n}/comments",
            post(pages::consultation::comment)
                .layer(axum::extract::DefaultBodyLimit::max(COMMENT_BODY_LIMIT)),
        )
        .route(
            "/frameworks/{id}/comments/{c}/status",
            post(pages::consultation::set_status).layer(form_limit()),
        )
        .route("/assets/{file}", get(assets::serve))
        .route(
            "/signin",
            get(pages::account::signin)
                .post(pages::account::signin_post)
                .layer(form_limit()),
        )
        .route(
            "/signout",
            post(pages::account::signout).layer(form_limit()),
        )
        .route("/account", get(pages::account::page))
        .route(
            "/account/tokens",
            post(pages::account::create_token).layer(form_limit()),
        )
        .route(
            "/account/tokens/{id}/revoke",
            post(pages::account::revoke_token).layer(form_limit()),
        )
        .route(
            "/releases",
            get(pages::releases::list)
                .post(pages::releases::publish_release)
                .layer(axum::extract::DefaultBodyLimit::max(PUBLISH_BODY_LIMIT)),
        )
        .route("/releases/{name}", get(pages::releases::page))
        .route("/submissions", get(pages::submissions::list))
        // The upload's body is bounded by the server's upload limit (`SessionUpload`).
        .route(
            "/submissions/new",
            get(pages::upload::form).post(pages::upload::submit_file),
        )
        .route("/submissions/{id}", get(pages::submissions::page))
        .route(
            "/submissions/{id}/review",
            post(pages::submissions::review)
                .layer(axum::extract::DefaultBodyLimit::max(REVIEW_BODY_LIMIT)),
        )
        .route(
            "/submissions/{id}/withdraw",
            post(pages::submissions::withdraw).layer(form_limit()),
        )
        .fallback(error::not_found)
        .layer(axum::Extension(cache))
}
