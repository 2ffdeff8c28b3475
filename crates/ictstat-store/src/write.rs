//! Writing a revision: new series, new versions, closed versions, in one transaction.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use ictstat_core::fxhash::FxMap;
use ictstat_core::{Dimension, Observation, Period, SeriesKey};
use sqlx::{PgPool, Postgres, QueryBuilder, Sqlite, SqlitePool, Transaction};

use crate::db::{Db, StoreError, with_pool};
use crate::rows::StoredAttributes;

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

/// Rows per multi-row statement: at 12 binds a version row (15 a series row) this stays under
/// SQLite's 32,766 and PostgreSQL's 65,535 parameter limits and amortises the round trip.
const BATCH: usize = 1000;

/// Opens transactions. Writers are serialised so that two imports of the same series cannot
/// both see "no current version": SQLite takes the write lock up front, PostgreSQL a
/// transaction-scoped advisory lock. Readers that need several statements to agree (the read
/// model's revision and rows) get one snapshot: SQLite's WAL read transactions are snapshots,
/// PostgreSQL needs REPEATABLE READ.
pub(crate) trait Begin {
    type Db: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Self::Db>, sqlx::Error>> + Send;
    fn begin_snapshot(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Self::Db>, sqlx::Error>> + Send;
    /// A small write to the account tables. SQLite must still take its write lock up front (a
    /// deferred transaction that reads and then writes can fail instead of waiting);
    /// PostgreSQL's row locks suffice, so an account change does not wait for an import.
    fn begin_accounts(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Self::Db>, sqlx::Error>> + Send;
}

impl Begin for SqlitePool {
    type Db = Sqlite;
    fn begin_write(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Sqlite>, sqlx::Error>> + Send {
        self.begin_with("BEGIN IMMEDIATE")
    }
    fn begin_snapshot(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Sqlite>, sqlx::Error>> + Send {
        self.begin()
    }
    fn begin_accounts(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Sqlite>, sqlx::Error>> + Send {
        self.begin_write()
    }
}

impl Begin for PgPool {
    type Db = Postgres;
    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        let mut tx = self.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock(7243100)")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }
    fn begin_snapshot(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Postgres>, sqlx::Error>> + Send {
        self.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    }
    fn begin_accounts(
        &self,
    ) -> impl Future<Output = Result<Transaction<'static, Postgres>, sqlx::Error>> + Send {
        self.begin()
    }
}

/// Bulk insert of new versions, the one step whose fastest form differs by backend.
pub(crate) trait InsertVersions {
    fn insert_versions(
        &mut self,
        rows: &[(i64, &Observation)],
        rev: i64,
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
}

/// SQLite: multi-row INSERTs, the next batch's statement built while SQLite runs the current.
impl InsertVersions for Transaction<'static, Sqlite> {
    async fn insert_versions(
        &mut self,
        rows: &[(i64, &Observation)],
        rev: i64,
    ) -> Result<(), sqlx::Error> {
        let build = |chunk: &[(i64, &Observation)]| {
            let mut qb = QueryBuilder::<Sqlite>::new(format!(
                "INSERT INTO observation ({VERSION_COLUMNS}) "
            ));
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
            qb
        };
        let mut chunks = rows.chunks(BATCH);
        let mut pending = chunks.next().map(build);
        while let Some(mut qb) = pending.take() {
            let (done, next) = tokio::join!(qb.build().execute(&mut **self), async {
                chunks.next().map(build)
            });
            done?;
            pending = next;
        }
        Ok(())
    }
}

/// PostgreSQL: `COPY … FROM STDIN` in text format, several times faster than INSERTs there.
impl InsertVersions for Transaction<'static, Postgres> {
    async fn insert_versions(
        &mut self,
        rows: &[(i64, &Observation)],
        rev: i64,
    ) -> Result<(), sqlx::Error> {
        let statement = format!("COPY observation ({VERSION_COLUMNS}) FROM STDIN");
        let mut copy = self.copy_in_raw(&statement).await?;
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
        for (sid, o) in rows {
            copy_row(&mut buf, *sid, o, rev);
            if buf.len() >= 1 << 20 {
                copy.send(std::mem::take(&mut buf)).await?;
            }
        }
        copy.send(buf).await?;
        copy.finish().await?;
        Ok(())
    }
}

/// The columns of a new version, in the order both insert forms write them.
const VERSION_COLUMNS: &str = "series_id, period, value, obs_status, unit_mult, nature, source, footnote, lower_bound, upper_bound, std_error, valid_from";

/// One row of COPY text format: tab-separated, `\N` for NULL, backslash escapes in text.
fn copy_row(buf: &mut Vec<u8>, sid: i64, o: &Observation, rev: i64) {
    use std::io::Write;
    fn text(buf: &mut Vec<u8>, v: Option<&str>) {
        match v {
            None => buf.extend_from_slice(b"\\N"),
            Some(s) => {
                for b in s.bytes() {
                    match b {
                        b'\\' => buf.extend_from_slice(b"\\\\"),
                        b'\t' => buf.extend_from_slice(b"\\t"),
                        b'\n' => buf.extend_from_slice(b"\\n"),
                        b'\r' => buf.extend_from_slice(b"\\r"),
                        _ => buf.push(b),
                    }
                }
            }
        }
    }
    fn num(buf: &mut Vec<u8>, v: Option<impl std::fmt::Display>) {
        // Writing to a Vec cannot fail.
        match v {
            None => buf.extend_from_slice(b"\\N"),
            Some(x) => drop(write!(buf, "{x}")),
        }
    }
    let a = &o.attrs;
    num(buf, Some(sid));
    buf.push(b'\t');
    text(buf, Some(&o.period.to_string()));
    buf.push(b'\t');
    num(buf, o.value);
    buf.push(b'\t');
    text(buf, a.obs_status.as_deref());
    buf.push(b'\t');
    num(buf, a.unit_mult);
    buf.push(b'\t');
    text(buf, a.nature.as_deref());
    buf.push(b'\t');
    text(buf, a.source.as_deref());
    buf.push(b'\t');
    text(buf, a.footnote.as_deref());
    for v in [a.lower_bound, a.upper_bound, a.std_error] {
        buf.push(b'\t');
        num(buf, v);
    }
    buf.push(b'\t');
    num(buf, Some(rev));
    buf.push(b'\n');
}

/// The current version of a data point, as loaded for comparison.
#[derive(sqlx::FromRow)]
struct Current {
    id: i64,
    valid_from: i64,
    series_id: i64,
    period: String,
    value: Option<f64>,
    #[sqlx(flatten)]
    attributes: StoredAttributes,
}

impl Current {
    /// True when writing `obs` would not be a revision. Values compare as numbers (`-0 == 0`:
    /// SQLite gives back `-0.0` as `0.0`); validated values are never NaN.
    fn same_as(&self, obs: &Observation) -> bool {
        self.value == obs.value && self.attributes.matches(&obs.attrs)
    }
}

/// The conflict error: how many data points, and the first few by name.
fn conflict_error(base: i64, conflicts: &[(&Observation, i64, &str)]) -> StoreError {
    let named: Vec<String> = conflicts
        .iter()
        .take(5)
        .map(|(o, rev, who)| {
            format!(
                "{} {} {}{} (revision {rev} by {who})",
                o.key.indicator,
                o.key.area,
                o.period,
                if o.key.breakdown.is_total() {
                    String::new()
                } else {
                    format!(" [{}]", o.key.breakdown)
                }
            )
        })
        .collect();
    StoreError::Conflict(format!(
        "{} data points were changed by someone else after revision {base}, which this write was based on: {}{}; nothing was written",
        conflicts.len(),
        named.join("; "),
        if conflicts.len() > named.len() {
            "; …"
        } else {
            ""
        }
    ))
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
        self.write_keeping(meta, observations, |_| false).await
    }

    /// As [`Db::write`], for a writer who saw the data as of revision `base` (optimistic
    /// concurrency): if a data point it would change has been given another value since, by
    /// a write that was not a derivation, nothing is written and the error names the data
    /// points and who changed them. Checked under the write lock, so no interleaving of
    /// writers loses an update.
    pub async fn write_over(
        &self,
        meta: &RevisionMeta,
        observations: &[Observation],
        base: i64,
    ) -> Result<WriteOutcome, StoreError> {
        self.write_inner(meta, observations, |_| false, Some(base), false)
            .await
    }

    /// What [`Db::write_over`] would do, without writing: the same conflict error, or the
    /// counts. A publication checks all its submissions this way before writing any.
    pub async fn check_over(
        &self,
        observations: &[Observation],
        base: i64,
    ) -> Result<WriteOutcome, StoreError> {
        self.write_inner(
            &RevisionMeta::default(),
            observations,
            |_| false,
            Some(base),
            true,
        )
        .await
    }

    /// As [`Db::write`], but a data point whose current version `keep` holds on to is left as
    /// it is (counted as unchanged). The decision is taken under the write lock, so it also
    /// sees what other processes wrote since the caller read the data: values ictstat derives
    /// never replace a value a source reported, however the writes interleave.
    pub async fn write_keeping(
        &self,
        meta: &RevisionMeta,
        observations: &[Observation],
        keep: impl Fn(&StoredAttributes) -> bool + Sync,
    ) -> Result<WriteOutcome, StoreError> {
        self.write_inner(meta, observations, keep, None, false)
            .await
    }

    async fn write_inner(
        &self,
        meta: &RevisionMeta,
        observations: &[Observation],
        keep: impl Fn(&StoredAttributes) -> bool + Sync,
        base: Option<i64>,
        dry_run: bool,
    ) -> Result<WriteOutcome, StoreError> {
        let started = std::time::Instant::now();
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
            // Distinct series of the input, in first-seen order; the text key is built once per
            // series, not once per row. Readers share one key per series, so most rows are
            // matched by pointer; equal keys behind different pointers still meet in `distinct`.
            let mut distinct: FxMap<&SeriesKey, usize> = FxMap::default();
            // Keyed by address (a `usize`, so that the future stays `Send`); the keys outlive the map.
            let mut by_pointer: FxMap<usize, usize> = FxMap::default();
            let mut distinct_keys: Vec<(&SeriesKey, String)> = Vec::new();
            let row_series: Vec<usize> = observations
                .iter()
                .map(|o| {
                    *by_pointer.entry(Arc::as_ptr(&o.key) as usize).or_insert_with(|| {
                        *distinct.entry(&o.key).or_insert_with(|| {
                            distinct_keys.push((&o.key, o.key.text()));
                            distinct_keys.len() - 1
                        })
                    })
                })
                .collect();
            let missing: Vec<&(&SeriesKey, String)> = distinct_keys.iter().filter(|(_, text)| !series.contains_key(text)).collect();
            for chunk in missing.chunks(BATCH) {
                let mut qb = QueryBuilder::new("INSERT INTO series (key, indicator, area, breakdown");
                for d in Dimension::ALL {
                    qb.push(", ").push(d.column());
                }
                qb.push(") ");
                qb.push_values(chunk, |mut b, (key, text)| {
                    b.push_bind(text.clone())
                        .push_bind(key.indicator.clone())
                        .push_bind(key.area.clone())
                        .push_bind(key.breakdown.to_string());
                    for d in Dimension::ALL {
                        b.push_bind(key.breakdown.get(d).to_string());
                    }
                });
                qb.push(" RETURNING key, id");
                let rows: Vec<(String, i64)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                series.extend(rows);
            }

            tracing::debug!("write: {} series resolved, {} new, in {:?}", series.len(), missing.len(), started.elapsed());

            // 2. Current versions of the data points of those indicators.
            let series_ids: Vec<i64> = distinct_keys.iter().map(|(_, text)| series[text]).collect();
            let mut current: FxMap<(i64, Period), Current> = FxMap::default();
            if missing.len() < distinct_keys.len() {
                for chunk in indicators.iter().collect::<Vec<_>>().chunks(BATCH) {
                    let mut qb = QueryBuilder::new(
                        "SELECT o.id, o.valid_from, o.series_id, o.period, o.value, o.obs_status, o.unit_mult, o.nature, o.source, \
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
                    // Stored periods are canonical, so they parse.
                    current.extend(rows.into_iter().filter_map(|c| Some(((c.series_id, c.period.parse().ok()?), c))));
                }
            }

            tracing::debug!("write: {} current versions loaded at {:?}", current.len(), started.elapsed());

            // 3. What changes.
            let mut outcome = WriteOutcome::default();
            let mut to_close: Vec<i64> = Vec::new();
            let mut to_insert: Vec<(i64, &Observation)> = Vec::new();
            // Data points changed since `base` that this write would change again.
            let mut newer: Vec<(&Observation, i64)> = Vec::new();
            for (obs, &series_index) in observations.iter().zip(&row_series) {
                let sid = series_ids[series_index];
                match current.get(&(sid, obs.period)) {
                    Some(c) if c.same_as(obs) || keep(&c.attributes) => outcome.unchanged += 1,
                    Some(c) => {
                        if base.is_some_and(|b| c.valid_from > b) {
                            newer.push((obs, c.valid_from));
                        }
                        to_close.push(c.id);
                        to_insert.push((sid, obs));
                    }
                    None => to_insert.push((sid, obs)),
                }
            }
            if let Some(base) = base
                && !newer.is_empty()
            {
                // Which of them a person or an import wrote: derived values are recomputed from
                // their inputs, so replacing them loses nothing.
                let mut revisions: Vec<i64> = newer.iter().map(|(_, r)| *r).collect();
                revisions.sort_unstable();
                revisions.dedup();
                let mut people: HashMap<i64, String> = HashMap::new();
                for chunk in revisions.chunks(BATCH) {
                    let mut qb = QueryBuilder::new("SELECT id, author FROM revision WHERE kind <> 'derived' AND id IN (");
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(*id);
                    }
                    qb.push(")");
                    let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    people.extend(rows);
                }
                let conflicts: Vec<(&Observation, i64, &str)> = newer
                    .iter()
                    .filter_map(|(o, rev)| people.get(rev).map(|who| (*o, *rev, who.as_str())))
                    .collect();
                if !conflicts.is_empty() {
                    tx.rollback().await?;
                    return Err(conflict_error(base, &conflicts));
                }
            }
            if to_insert.is_empty() || dry_run {
                outcome.inserted = to_insert.len() as u64;
                outcome.closed = to_close.len() as u64;
                // Nothing to record, or a dry run: the rollback also undoes the new series.
                tx.rollback().await?;
                return Ok(outcome);
            }
            // Inserting in index order keeps the B-tree inserts sequential.
            to_insert.sort_unstable_by_key(|(sid, o)| (*sid, o.period));
            outcome.inserted = to_insert.len() as u64;
            outcome.closed = to_close.len() as u64;

            // 4. The revision, then the closes and the new versions.
            // Revision times must rise with revision ids, which `as_of` a time relies on, even
            // if this process's clock is behind another writer's: never go below the latest.
            let latest: Option<String> = sqlx::query_scalar("SELECT MAX(created_at) FROM revision").fetch_one(&mut *tx).await?;
            let created_at = std::cmp::max(crate::now_text(), latest.unwrap_or_default());
            let rev: i64 = sqlx::query_scalar(
                "INSERT INTO revision (created_at, author, kind, file, comment, content_hash, rows_inserted, rows_closed) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(created_at)
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
            tx.insert_versions(&to_insert, rev).await?;
            tracing::debug!("write: {} versions inserted at {:?}", outcome.inserted, started.elapsed());
            tx.commit().await?;
            tracing::debug!("write: committed at {:?}", started.elapsed());
            Ok(outcome)
        })
    }
}
