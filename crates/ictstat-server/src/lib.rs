//! The HTTP side of ictstat: the JSON API under `/api/v1` with its OpenAPI document and
//! downloads, the statistics over the current data (`compute`), and the SDMX REST API under
//! `/sdmx`. Also the import service (`ingest`) and the first-start loader (`bootstrap`) that
//! the CLI shares with the API, so that a file imported either way goes through exactly the
//! same validation, write and derivation.

pub mod bootstrap;
pub mod compute;
mod error;
pub mod ingest;
pub mod publish;
mod routes;
pub mod session;
mod state;
pub mod submit;

pub use error::ApiError;
pub use routes::{
    AggregateParams, Caller, NO_SUCH_ROUTE, ObservationParams, ProgressParams, ReleaseDetail,
    SubmissionDetail, SubmittedRow, VersionDetail, audit_submission_refusal, current_framework,
    download, find_comment, framework_versions, release_detail, router, router_with, sdmx_data_row,
    submission_detail, version_detail, visible_submission, visible_submissions,
};
pub use state::{AppState, ServerConfig, parse_sha256_hex, sha256_hex};

/// Serves `app` (built on `state`) on `listener` until the process is stopped, refreshing the read model when
/// another process writes to the same database. Handlers see each client's address (the
/// audit log and the failed-token limit use it).
pub async fn serve(
    state: AppState,
    app: axum::Router,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    let poller = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
        loop {
            tick.tick().await;
            if let Err(e) = poller.read_model.refresh(&poller.db).await {
                tracing::warn!("read model refresh failed: {e}");
            }
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
}

/// Stops on Ctrl-C or SIGTERM (what service managers and containers send).
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
