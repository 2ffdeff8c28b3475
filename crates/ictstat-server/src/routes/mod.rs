//! The `/api/v1` router and its OpenAPI document, built from the same handler list so that
//! the document cannot drift from the routes.

mod aggregates;
mod answer_cache;
mod audit;
mod auth;
mod catalog;
mod consultation;
mod extract;
mod imports;
mod index;
mod me;
mod observations;
mod params;
mod progress;
mod releases;
mod sdmx;
mod submissions;
mod validation;

pub use aggregates::AggregateParams;
pub use answer_cache::AnswerCache;
pub use auth::Caller;
pub(crate) use auth::{client_address, limit_key};
pub use consultation::{
    VersionDetail, current_framework, find_comment, framework_versions, version_detail,
};
pub use observations::download;
pub use params::ObservationParams;
pub use progress::ProgressParams;
pub use releases::{ReleaseCache, ReleaseDetail, release_detail};
pub use sdmx::data_row as sdmx_data_row;
pub use submissions::{
    SubmissionDetail, SubmittedRow, audit_submission_refusal, submission_detail,
    visible_submission, visible_submissions,
};

use axum::Json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ictstat API",
        description = "ICT-for-development indicators: catalogue, versioned observations, imports. \
                       Errors are JSON objects with `code`, `message` and `details`.",
        license(name = "Apache-2.0")
    ),
    components(schemas(ApiError)),
    modifiers(&BearerAuth),
    tags(
        (name = "catalogue", description = "Indicators, frameworks, targets and areas"),
        (name = "data", description = "Observations, their history and availability"),
        (name = "statistics", description = "Aggregates and progress computed from the data"),
        (name = "imports", description = "Loading files directly (administrators; the import publishes itself)"),
        (name = "submissions", description = "Files submitted for review (providers, custodians), reviewed with comments on rows"),
        (name = "consultation", description = "Versions of indicator lists, drafts open for comments, and what changed between versions"),
        (name = "releases", description = "Publication: what the public sees, embargoes, and what each release changed"),
        (name = "accounts", description = "The caller and the audit log (API tokens)")
    )
)]
struct ApiDoc;

/// Declares the schemes that the routes needing an account accept: an API token (`bearer`),
/// or the dashboard's session cookie (`session`; state-changing requests also need the
/// session's CSRF token in `X-CSRF-Token`).
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::session::SESSION_COOKIE,
                "The dashboard's session (sign in at /signin); with `X-CSRF-Token` to change data",
            ))),
        );
    }
}

fn api(state: &AppState) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(catalog::list_indicators))
        .routes(routes!(catalog::get_indicator))
        .routes(routes!(catalog::list_frameworks))
        .routes(routes!(catalog::get_framework))
        .routes(routes!(
            consultation::list_versions,
            consultation::open_draft
        ))
        .routes(routes!(consultation::get_version, consultation::edit_draft))
        .routes(routes!(consultation::finalise_draft))
        .routes(routes!(consultation::add_comment))
        .routes(routes!(consultation::set_comment_status))
        .routes(routes!(catalog::list_areas))
        .routes(routes!(catalog::get_area))
        .routes(routes!(catalog::metadata))
        .routes(routes!(observations::list_observations))
        .routes(routes!(observations::observation_history))
        .routes(routes!(observations::availability))
        .routes(routes!(observations::list_revisions))
        .routes(routes!(aggregates::list_aggregates))
        .routes(routes!(progress::list_progress))
        .routes(routes!(index::ict_development_index))
        .routes(routes!(validation::validate_current))
        .routes(routes!(imports::create_import))
        .routes(routes!(
            submissions::create_submission,
            submissions::list_submissions
        ))
        .routes(routes!(submissions::get_submission))
        .routes(routes!(submissions::review_submission))
        .routes(routes!(submissions::withdraw_submission))
        .routes(routes!(releases::list_releases, releases::create_release))
        .routes(routes!(releases::get_release))
        .routes(routes!(releases::list_embargoes))
        .routes(routes!(me::me))
        .routes(routes!(audit::list_audit))
        // Uploads have the largest bodies; this bounds every body.
        .layer(DefaultBodyLimit::max(state.config.max_upload_bytes))
}

/// The message of a 404 for a path no route serves.
pub const NO_SUCH_ROUTE: &str =
    "no such route; the API is under /api/v1 (see /api/v1/openapi.json), SDMX REST under /sdmx";

/// The whole HTTP application without web pages: the API, SDMX and a JSON 404 elsewhere.
pub fn router(state: AppState) -> Router {
    router_with(
        state,
        Router::new().fallback(|| async { ApiError::not_found(NO_SUCH_ROUTE) }),
    )
}

/// The API and SDMX routes with `site` merged in (web pages and the fallback for every other
/// path), under the same compression and tracing layers.
pub fn router_with(state: AppState, site: Router<AppState>) -> Router {
    let (router, doc) = OpenApiRouter::new()
        .nest("/api/v1", api(&state))
        .split_for_parts();
    let doc = std::sync::Arc::new(doc);
    router
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(doc.as_ref().clone()) }),
        )
        .route("/health", get(|| async { "ok" }))
        .route("/sdmx", get(sdmx::handle))
        .route("/sdmx/", get(sdmx::handle))
        .route("/sdmx/{*path}", get(sdmx::handle))
        .merge(site)
        .layer(axum::middleware::from_fn(security_headers))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        // Outside the trace layer, so that nothing it logs can show a token or a cookie.
        .layer(SetSensitiveRequestHeadersLayer::new([
            header::AUTHORIZATION,
            header::COOKIE,
        ]))
        .with_state(state)
}

/// The Content-Security-Policy of the dashboard's pages: they load styles, images and icons
/// from this origin only, run no script at all, and submit forms to this origin.
const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; base-uri 'none'; frame-ancestors 'self'";
/// The same for `/embed/…` pages, which exist to be framed by other sites.
const EMBED_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; base-uri 'none'; frame-ancestors *";

/// Headers every answer carries: no MIME sniffing (an uploaded CSV echoed in an error must not
/// run as HTML), no full URLs leaked to other sites, and a CSP on HTML pages. A handler that
/// sets one of them itself keeps its own.
///
/// Only an `/embed/…` page that was found may be framed by other sites: an error page there
/// has the full layout, whose header holds the sign-out form (a framed button is a clickjacking
/// target). An HTML page of a request with a session cookie shows who is signed in and their
/// CSRF token, so no shared cache may keep it (`private, no-store`, `Vary: Cookie`).
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let embed = request.uri().path().starts_with("/embed/");
    let with_session = crate::session::has_session_cookie(request.headers());
    let mut response = next.run(request).await;
    let embed = embed && response.status().is_success();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    headers
        .entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    if is_html {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(if embed {
                EMBED_CSP
            } else {
                PAGE_CSP
            }));
        if with_session {
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            headers.append(header::VARY, HeaderValue::from_static("cookie"));
        }
    }
    response
}

/// Runs a computation over the current data on a blocking thread and answers the JSON it
/// makes: statistics over every country take tens of milliseconds of CPU, which must not
/// stall the async workers that serve everything else.
async fn computed<F>(state: AppState, compute: F) -> Result<axum::response::Response, ApiError>
where
    F: FnOnce(&ictstat_store::Snapshot, &ictstat_core::Catalog) -> Result<Vec<u8>, ApiError>
        + Send
        + 'static,
{
    use axum::response::IntoResponse;
    let body = tokio::task::spawn_blocking(move || {
        let snapshot = state.read_model.snapshot();
        compute(&snapshot, &state.catalog)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// A result as JSON bytes, for [`computed`].
fn json(value: &impl serde::Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(ApiError::internal)
}
