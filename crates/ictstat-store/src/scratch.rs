//! Scratch databases for tests (feature `scratch`): a temporary SQLite file always, and a new
//! PostgreSQL database when `ICTSTAT_TEST_DATABASE_URL` is set, so that every store scenario
//! runs on both backends. CI sets the variable; elsewhere the PostgreSQL half is skipped.

use crate::db::{Db, StoreError};

/// Fresh, empty databases, one per configured backend.
pub struct ScratchDbs {
    pub dbs: Vec<Db>,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl ScratchDbs {
    /// `name` keeps concurrent tests apart on the shared PostgreSQL server.
    pub async fn new(name: &str) -> Result<ScratchDbs, StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Sql(sqlx::Error::Io(e)))?;
        let mut urls = vec![Db::sqlite_url(&dir.path().join("scratch.db"))];
        let mut pg = None;
        if let Ok(url) = std::env::var("ICTSTAT_TEST_DATABASE_URL") {
            let db_name = format!("ictstat_scratch_{name}_{}", std::process::id());
            let admin = sqlx::PgPool::connect(&url).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {db_name}"
            )))
            .execute(&admin)
            .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db_name}")))
                .execute(&admin)
                .await?;
            admin.close().await;
            urls.push(replace_db_name(&url, &db_name));
            pg = Some((url, db_name));
        }
        let mut dbs = Vec::new();
        for url in &urls {
            dbs.push(Db::connect(url).await?);
        }
        Ok(ScratchDbs { dbs, _dir: dir, pg })
    }

    /// Closes the pools and drops the PostgreSQL database.
    pub async fn finish(self) -> Result<(), StoreError> {
        for db in &self.dbs {
            db.close().await;
        }
        if let Some((url, db_name)) = self.pg {
            let admin = sqlx::PgPool::connect(&url).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"
            )))
            .execute(&admin)
            .await?;
        }
        Ok(())
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Every log of the current thread, at TRACE, kept in memory: the tests that check that no
/// secret (a token, a password, a session id) ever reaches the logs read it.
#[derive(Clone, Default)]
pub struct CapturedLog(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLog {
    /// Captures this thread's logs until the guard is dropped.
    pub fn start(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // Tests running at the same time on other threads (with no subscriber) may have
        // cached "never" for a callsite such as the request span while this subscriber was
        // being registered: rebuild the cache so that this thread's TRACE subscriber sees
        // every callsite (otherwise a check would flake, or pass on an empty log).
        tracing::callsite::rebuild_interest_cache();
        guard
    }

    /// What was captured.
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl std::io::Write for CapturedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
