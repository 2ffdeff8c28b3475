//! Connection, migrations and the backend dispatch.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://…")]
    BadUrl(String),
    #[error("no revision {0}")]
    NoSuchRevision(i64),
    /// An account, organisation or grant that is already there.
    #[error("{0} already exists")]
    Exists(String),
    /// An account, organisation or token that is not there.
    #[error("no {0}")]
    Missing(String),
    /// A request the account rules refuse (a short password, a scope on an unscoped role…).
    #[error("{0}")]
    Invalid(String),
    /// The data or the submission changed since the caller looked (optimistic concurrency):
    /// what changed, and that nothing was written.
    #[error("{0}")]
    Conflict(String),
    /// The password hasher or the OS random source failed.
    #[error("password hashing failed: {0}")]
    Password(String),
}

/// SQLite page cache per connection, in KiB.
fn sqlite_cache_kib() -> u64 {
    std::env::var("ICTSTAT_SQLITE_CACHE_KIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(65_536)
}

/// The store's database: an embedded SQLite file or a PostgreSQL server.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same block against whichever pool `db` holds. The block is compiled once per
/// backend, so the SQL it builds must be valid in both dialects.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

impl Db {
    /// Opens (creating if needed) the database at `url` and brings its schema up to date.
    ///
    /// SQLite runs in WAL mode with `synchronous=NORMAL`: a crash or kill never corrupts the
    /// file or leaves half a transaction, and readers never block the writer. Writes go
    /// through one connection at a time (`BEGIN IMMEDIATE`), which is SQLite's own model.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        let db = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30))
                // A 64 MiB page cache (allocated as used) keeps a large import's pages in
                // memory until commit instead of spilling them to the WAL twice.
                // ICTSTAT_SQLITE_CACHE_KIB overrides it (small machines; the crash tests).
                .pragma("cache_size", format!("-{}", sqlite_cache_kib()));
            Db::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(opts)
                    .await?,
            )
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Db::Postgres(PgPoolOptions::new().max_connections(8).connect(url).await?)
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        db.migrate().await?;
        Ok(db)
    }

    /// A SQLite URL for a file path.
    pub fn sqlite_url(path: &std::path::Path) -> String {
        format!("sqlite://{}", path.display())
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Db::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }

    /// A value from the `meta` table.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let sql = "SELECT value FROM meta WHERE key = $1";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql).bind(key).fetch_optional(p).await?))
    }

    /// Number of observation versions and of revisions: what the reliability tests compare
    /// before and after a failed import.
    pub async fn counts(&self) -> Result<(i64, i64), StoreError> {
        let sql = "SELECT (SELECT COUNT(*) FROM observation), (SELECT COUNT(*) FROM revision)";
        Ok(with_pool!(self, p => sqlx::query_as(sql).fetch_one(p).await?))
    }

    /// The latest revision id, 0 for an empty store.
    pub async fn latest_revision(&self) -> Result<i64, StoreError> {
        let sql = "SELECT COALESCE(MAX(id), 0) FROM revision";
        Ok(with_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await?))
    }
}
