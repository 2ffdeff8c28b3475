//! `ictstat serve` and `ictstat init`.

use std::sync::Arc;

use anyhow::Context;
use ictstat_core::Catalog;
use ictstat_server::session::SessionConfig;
use ictstat_server::{AppState, ServerConfig, bootstrap};
use ictstat_store::{Db, ReadModel};

use crate::cli::ServeArgs;

/// Connects, migrates, and loads the catalogue and bundled data if this database lacks them.
pub async fn open(database_url: &str) -> anyhow::Result<(Db, Arc<Catalog>)> {
    let catalog = Arc::new(Catalog::embedded().context("the embedded catalogue is invalid")?);
    let db = Db::connect(database_url)
        .await
        .with_context(|| format!("cannot open database {}", redact(database_url)))?;
    let started = std::time::Instant::now();
    let report = bootstrap::init(&db, &catalog)
        .await
        .context("cannot initialise the database")?;
    if report.catalog_written {
        tracing::info!(
            "catalogue stored: {} indicators, {} frameworks, {} areas",
            catalog.indicators.len(),
            catalog.frameworks.len(),
            catalog.areas.len()
        );
    }
    for (file, result) in &report.bundled {
        let written = result.outcome.as_ref().map_or(0, |o| o.inserted);
        tracing::info!(
            "bundled {file}: {written} observations written; {} rows refused (areas the catalogue does not have), {} warnings (World Bank aggregates skipped, validation rules)",
            result.report.errors,
            result.report.warnings
        );
    }
    if let Some(derived) = &report.derived {
        tracing::info!(
            "{} values derived from the bundled data (catalog/derived.toml)",
            derived.inserted
        );
    }
    if !report.bundled.is_empty() {
        tracing::info!(
            "bundled data loaded in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok((db, catalog))
}

/// Connects to a database that must already exist, without loading anything: for commands
/// that only read (`export`), so that a mistyped URL is an error, not a new database.
pub async fn open_existing(database_url: &str) -> anyhow::Result<Db> {
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if !std::path::Path::new(path).exists() {
            crate::usage!(
                "no database at {path}: run `ictstat init` or `ictstat serve` first, or pass --database-url"
            );
        }
    }
    Db::connect(database_url)
        .await
        .with_context(|| format!("cannot open database {}", redact(database_url)))
}

/// The URL with its password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((user_pass, host)) if user_pass.contains(':') => {
            let user = user_pass.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        _ => url.to_string(),
    }
}

pub async fn init_only(database_url: &str) -> anyhow::Result<u8> {
    let (db, _) = open(database_url).await?;
    let (observations, revisions) = db.counts().await?;
    println!(
        "{}: {observations} observation versions in {revisions} revisions",
        redact(database_url)
    );
    db.close().await;
    Ok(0)
}

pub async fn run(database_url: &str, args: ServeArgs) -> anyhow::Result<u8> {
    let admin_token_sha256 = match args
        .admin_token_sha256
        .as_deref()
        .map(ictstat_server::parse_sha256_hex)
    {
        None => None,
        Some(Some(hash)) => Some(hash),
        Some(None) => crate::usage!(
            "--admin-token-sha256 must be 64 hexadecimal digits (see `ictstat token-hash`)"
        ),
    };
    let (db, catalog) = open(database_url).await?;
    let read_model = ReadModel::load(&db).await?;
    let config = ServerConfig {
        admin_token_sha256,
        max_upload_bytes: args.max_upload_mib * 1024 * 1024,
        sdmx: ictstat_sdmx::Config {
            agency: args.sdmx_agency.clone(),
            ..ictstat_sdmx::Config::default()
        },
    };
    if config.admin_token_sha256.is_none() {
        tracing::info!(
            "no bootstrap administrator token: imports through the API need a user's token (`ictstat token create`)"
        );
    }
    let state = AppState::new(db, catalog, read_model, config).with_sessions(SessionConfig {
        secure_cookies: args.secure_cookies,
        ..SessionConfig::default()
    });
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    tracing::info!(
        "ictstat listening on http://{} (dashboard at /, API under /api/v1, OpenAPI at /api/v1/openapi.json, SDMX REST under /sdmx)",
        listener.local_addr()?
    );
    let app = ictstat_web::app(state.clone());
    ictstat_server::serve(state, app, listener).await?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted_and_nothing_else_changes() {
        assert_eq!(
            redact("postgres://ict:s3cr:et@db.example/ictstat?sslmode=require"),
            "postgres://ict:***@db.example/ictstat?sslmode=require"
        );
        assert_eq!(redact("postgres://ict:pw@db"), "postgres://ict:***@db");
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact("sqlite://ictstat.db"), "sqlite://ictstat.db");
    }
}
