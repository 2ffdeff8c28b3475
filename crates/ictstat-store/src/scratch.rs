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
