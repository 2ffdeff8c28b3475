//! The catalogue's copy in the database, refreshed when the embedded catalogue changes.

use ictstat_core::Catalog;
use sqlx::QueryBuilder;

use crate::db::{Db, StoreError, with_pool};
use crate::write::Begin;

const BATCH: usize = 500;

impl Db {
    /// Replaces the catalogue tables with `catalog` when its fingerprint differs from the one
    /// stored; returns whether it wrote. The catalogue tables are a copy for SQL users and
    /// joins: the embedded catalogue stays the source of truth until catalogue editing exists.
    pub async fn sync_catalog(
        &self,
        catalog: &Catalog,
        fingerprint: &str,
    ) -> Result<bool, StoreError> {
        if self.meta("catalog_fingerprint").await?.as_deref() == Some(fingerprint) {
            return Ok(false);
        }
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;
            for table in ["area_member", "area", "framework", "indicator"] {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(&mut *tx).await?;
            }
            for chunk in catalog.indicators.chunks(BATCH) {
                let mut qb = QueryBuilder::new("INSERT INTO indicator (code, name, unit, kind, sdg_indicator, definition) ");
                qb.push_values(chunk, |mut b, i| {
                    b.push_bind(i.code.clone())
                        .push_bind(i.name.clone())
                        .push_bind(i.unit.clone())
                        .push_bind(to_json(&i.kind).trim_matches('"').to_string())
                        .push_bind(i.sdg_indicator.clone())
                        .push_bind(to_json(i));
                });
                qb.build().execute(&mut *tx).await?;
            }
            for chunk in catalog.frameworks.chunks(BATCH) {
                let mut qb = QueryBuilder::new("INSERT INTO framework (id, name, status, definition) ");
                qb.push_values(chunk, |mut b, f| {
                    b.push_bind(f.id.clone()).push_bind(f.name.clone()).push_bind(f.status.clone()).push_bind(to_json(f));
                });
                qb.build().execute(&mut *tx).await?;
            }
            for chunk in catalog.areas.chunks(BATCH) {
                let mut qb = QueryBuilder::new("INSERT INTO area (code, name, kind, iso2, iso3) ");
                qb.push_values(chunk, |mut b, a| {
                    b.push_bind(a.code.clone())
                        .push_bind(a.name.clone())
                        .push_bind(a.kind.as_str())
                        .push_bind(a.iso2.clone())
                        .push_bind(a.iso3.clone());
                });
                qb.build().execute(&mut *tx).await?;
            }
            for chunk in catalog.memberships.chunks(BATCH) {
                let mut qb = QueryBuilder::new("INSERT INTO area_member (grp, member) ");
                qb.push_values(chunk, |mut b, (g, m)| {
                    b.push_bind(g.clone()).push_bind(m.clone());
                });
                qb.build().execute(&mut *tx).await?;
            }
            sqlx::query(
                "INSERT INTO meta (key, value) VALUES ('catalog_fingerprint', $1) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(fingerprint)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(true)
    }

    /// Sets a `meta` value.
    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let sql = "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        with_pool!(self, p => { sqlx::query(sql).bind(key).bind(value).execute(p).await?; });
        Ok(())
    }
}

/// The JSON form of a catalogue definition. Catalogue types are plain data, so serialisation
/// cannot fail.
fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
