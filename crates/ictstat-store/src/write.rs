//! Writing a revision: new series, new versions, closed versions, in one transaction.

use std::collections::{BTreeSet, HashMap};

use ictstat_core::{Attributes, Dimension, Observation};
use sqlx::{PgPool, Postgres, QueryBuilder, Sqlite, SqlitePool, Transaction};

use crate::db::{Db, StoreError, with_pool};

/// Who writes, and why.
#[derive(Debug, Clone, Default)]
pub struct RevisionMeta {
    pub author: String,
    /// `bundled`, `import`, …
    pub kind: String,
    pub file: Option<String>,
    pub comment: Option<String>,
    /// SHA-256 of the input, so a revision can be traced to the exact file.
    pub content_hash: Option<String>,
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct WriteOutcome {
    /// The revision created; `None` when nothing changed (re-importing the same file).
    pub revision: Option<i64>,
    /// New versions written (new data points and changed values).
    pub inserted: u64,
    /// Current versions closed because their value or attributes changed.
    pub closed: u64,
    /// Data points whose current version already had this content.
    pub unchanged: u64,
}

/// Rows per multi-row INSERT: 14 binds a row stays under SQLite's 32,766 and PostgreSQL's
/// 65,535 parameter limits, and amortises the statement round trip.
const BATCH: usize = 1000;

/// Opens the write transaction. Writers are serialised so that two imports of the same series
/// cannot both see "no current version": SQLite takes the write lock up front, PostgreSQL a
/// transaction-scoped advisory lock.
pub(crate) trait BeginWrite {
    type Db: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Self::Db>, sqlx::Error>> + Send;
}

impl BeginWrite for SqlitePool {
    type Db = Sqlite;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Sqlite>, sqlx::Error>> + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
}

impl BeginWrite for PgPool {
    type Db = Postgres;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Postgres>, sqlx::Error>> + Send {
        async move {
            let mut tx = self.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock(7243100)")
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

/// The current version of a data point, as loaded for comparison.
#[derive(sqlx::FromRow)]
struct Current {
    id: i64,
    series_id: i64,
    period: String,
    value: Option<f64>,
    obs_status: Option<String>,
    unit_mult: Option<i64>,
    nature: Option<String>,
    source: Option<String>,
    footnote: Option<String>,
    lower_bound: Option<f64>,
    upper_bound: Option<f64>,
    std_error: Option<f64>,
}

impl Current {
    fn same_as(&self, obs: &Observation) -> bool {
        let attrs = Attributes {
            obs_status: self.obs_status.clone(),
            unit_mult: self.unit_mult.map(|m| m as i32),
            nature: self.nature.clone(),
            source: self.source.clone(),
            footnote: self.footnote.clone(),
            lower_bound: self.lower_bound,
            upper_bound: self.upper_bound,
            std_error: self.std_error,
        };
        obs.same_content(self.value, &attrs)
    }
}

impl Db {
    /// Writes observations as one revision. Data points whose content is unchanged are left
    /// alone; if nothing changes at all, no revision is created. The caller has validated the
    /// observations (unique keys, known codes).
    pub async fn write(
        &self,
        meta: &RevisionMeta,
        observations: &[Observation],
    ) -> Result<WriteOutcome, StoreError> {
        with_pool!(self, pool => {
            let mut tx = pool.begin_write().await?;

            // 1. Series ids: existing ones for the indicators involved, then the missing ones.
            let indicators: BTreeSet<&str> = observations.iter().map(|o| o.key.indicator.as_str()).collect();
            let mut series: HashMap<String, i64> = HashMap::new();
            for chunk in indicators.iter().collect::<Vec<_>>().chunks(BATCH) {
                let mut qb = QueryBuilder::new("SELECT key, id FROM series WHERE indicator IN (");
                let mut sep = qb.separated(", ");
                for code in chunk {
                    sep.push_bind(code.to_string());
                }
                qb.push(")");
                let rows: Vec<(String, i64)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                series.extend(rows);
            }
            let mut missing: Vec<&Observation> = Vec::new();
            let mut seen_missing = std::collections::HashSet::new();
            let keys: Vec<String> = observations.iter().map(|o| o.key.text()).collect();
            for (obs, key) in observations.iter().zip(&keys) {
                if !series.contains_key(key) && seen_missing.insert(key.as_str()) {
                    missing.push(obs);
                }
            }
            for chunk in missing.chunks(BATCH) {
                let mut qb = QueryBuilder::new("INSERT INTO series (key, indicator, area, breakdown");
                for d in Dimension::ALL {
                    qb.push(", ").push(d.column());
                }
                qb.push(") ");
                qb.push_values(chunk, |mut b, o| {
                    b.push_bind(o.key.text())
                        .push_bind(o.key.indicator.clone())
                        .push_bind(o.key.area.clone())
                        .push_bind(o.key.breakdown.to_string());
                    for d in Dimension::ALL {
                        b.push_bind(o.key.breakdown.get(d).to_string());
                    }
                });
                qb.push(" RETURNING key, id");
                let rows: Vec<(String, i64)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                series.extend(rows);
            }

            // 2. Current versions of the data points of those indicators.
            let mut current: HashMap<(i64, String), Current> = HashMap::new();
            if missing.len() < keys.len() {
                for chunk in indicators.iter().collect::<Vec<_>>().chunks(BATCH) {
                    let mut qb = QueryBuilder::new(
                        "SELECT o.id, o.series_id, o.period, o.value, o.obs_status, o.unit_mult, o.nature, o.source, \
                         o.footnote, o.lower_bound, o.upper_bound, o.std_error \
                         FROM observation o JOIN series s ON s.id = o.series_id \
                         WHERE o.valid_to IS NULL AND s.indicator IN (",
                    );
                    let mut sep = qb.separated(", ");
                    for code in chunk {
                        sep.push_bind(code.to_string());
                    }
                    qb.push(")");
                    let rows: Vec<Current> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    current.extend(rows.into_iter().map(|c| ((c.series_id, c.period.clone()), c)));
                }
            }

            // 3. What changes.
            let mut outcome = WriteOutcome::default();
            let mut to_close: Vec<i64> = Vec::new();
            let mut to_insert: Vec<(i64, &Observation)> = Vec::new();
            for (obs, key) in observations.iter().zip(&keys) {
                let sid = series[key];
                match current.get(&(sid, obs.period.to_string())) {
                    Some(c) if c.same_as(obs) => outcome.unchanged += 1,
                    Some(c) => {
                        to_close.push(c.id);
                        to_insert.push((sid, obs));
                    }
                    None => to_insert.push((sid, obs)),
                }
            }
            if to_insert.is_empty() {
                // Nothing to record; new empty series (impossible without observations) aside,
                // the transaction wrote nothing worth keeping.
                tx.rollback().await?;
                return Ok(outcome);
            }
            outcome.inserted = to_insert.len() as u64;
            outcome.closed = to_close.len() as u64;

            // 4. The revision, then the closes and the new versions.
            let rev: i64 = sqlx::query_scalar(
                "INSERT INTO revision (created_at, author, kind, file, comment, content_hash, rows_inserted, rows_closed) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(crate::now_text())
            .bind(&meta.author)
            .bind(&meta.kind)
            .bind(&meta.file)
            .bind(&meta.comment)
            .bind(&meta.content_hash)
            .bind(outcome.inserted as i64)
            .bind(outcome.closed as i64)
            .fetch_one(&mut *tx)
            .await?;
            outcome.revision = Some(rev);

            for chunk in to_close.chunks(BATCH) {
                let mut qb = QueryBuilder::new("UPDATE observation SET valid_to = ");
                qb.push_bind(rev).push(" WHERE id IN (");
                let mut sep = qb.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build().execute(&mut *tx).await?;
            }
            for chunk in to_insert.chunks(BATCH) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO observation (series_id, period, value, obs_status, unit_mult, nature, source, footnote, \
                     lower_bound, upper_bound, std_error, valid_from) ",
                );
                qb.push_values(chunk, |mut b, (sid, o)| {
                    let a = &o.attrs;
                    b.push_bind(*sid)
                        .push_bind(o.period.to_string())
                        .push_bind(o.value)
                        .push_bind(a.obs_status.clone())
                        .push_bind(a.unit_mult.map(i64::from))
                        .push_bind(a.nature.clone())
                        .push_bind(a.source.clone())
                        .push_bind(a.footnote.clone())
                        .push_bind(a.lower_bound)
                        .push_bind(a.upper_bound)
                        .push_bind(a.std_error)
                        .push_bind(rev);
                });
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(outcome)
        })
    }
}
