//! Reads from the database: observations as of any revision, the versions of a data point,
//! and the revision log. Current data is usually served from the `ReadModel` instead.

use ictstat_core::{Breakdown, Dimension};
use serde::Serialize;
use sqlx::QueryBuilder;

use crate::db::{Db, StoreError, with_pool};
use crate::rows::{
    OBSERVATION_COLUMNS, ObservationRow, RawObservation, Revision, StoredAttributes,
};
use crate::write::Begin;

/// Which observations to return. Empty lists mean "all".
#[derive(Debug, Clone, Default)]
pub struct ObservationQuery {
    pub indicators: Vec<String>,
    pub areas: Vec<String>,
    /// Allowed codes per dimension (`_T` selects the total).
    pub breakdown: Vec<(Dimension, Vec<String>)>,
    /// First period, inclusive.
    pub start: Option<String>,
    /// Last period, inclusive (a year includes its quarters and months).
    pub end: Option<String>,
    /// Only the latest period of each series (after the period filters).
    pub latest_only: bool,
    pub limit: usize,
    pub offset: usize,
}

impl ObservationQuery {
    /// The end bound as text. Periods sort as text (byte order); a year as the end includes
    /// its halves, quarters and months: `~` sorts after every character a period uses, so
    /// `2020~` is above `2020-Q4` and `2020-12` and below `2021`. A sub-annual end is exact.
    pub(crate) fn end_bound(&self) -> Option<String> {
        self.end.as_ref().map(|e| {
            if e.len() == 4 {
                format!("{e}~")
            } else {
                e.clone()
            }
        })
    }
}

/// A point in the store's history.
#[derive(Debug, Clone, PartialEq)]
pub enum AsOf {
    Revision(i64),
    /// ISO-8601 time; resolved to the last revision created at or before it.
    Time(String),
}

/// One version of a data point.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct VersionRow {
    pub value: Option<f64>,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub attributes: StoredAttributes,
    /// Revision that wrote this version.
    pub valid_from: i64,
    /// Revision that replaced it; none for the current version.
    pub valid_to: Option<i64>,
    pub created_at: String,
    pub author: String,
    pub file: Option<String>,
}

impl Db {
    /// The revision an `as_of` designates: the latest revision at or before it (0 when the
    /// store had no revision yet then). A revision number beyond the latest is an error.
    pub async fn resolve_as_of(&self, as_of: &AsOf) -> Result<i64, StoreError> {
        match as_of {
            AsOf::Revision(r) => {
                let latest = self.latest_revision().await?;
                if *r > latest || *r < 0 {
                    return Err(StoreError::NoSuchRevision(*r));
                }
                Ok(*r)
            }
            AsOf::Time(t) => {
                let sql = "SELECT COALESCE(MAX(id), 0) FROM revision WHERE created_at <= $1";
                Ok(with_pool!(self, p => sqlx::query_scalar(sql).bind(t).fetch_one(p).await?))
            }
        }
    }

    /// The public revision an `as_of` designates: a revision number must be at or below the
    /// published cut (a later one is not public: the same error as one that does not exist)
    /// and shows the release cut at or below it (a revision between two cuts, such as the
    /// middle of a publication, was never public on its own); a time gives the cut the public
    /// saw then.
    pub async fn resolve_public_as_of(&self, as_of: &AsOf) -> Result<i64, StoreError> {
        match as_of {
            AsOf::Revision(r) => {
                if *r > self.published_revision().await? || *r < 0 {
                    return Err(StoreError::NoSuchRevision(*r));
                }
                self.cut_at_or_below(*r).await
            }
            AsOf::Time(t) => self.revision_public_at(t).await,
        }
    }

    /// Observations as they were at `revision` (see `resolve_as_of`), ordered by indicator,
    /// area, breakdown and period.
    pub async fn observations_as_of(
        &self,
        q: &ObservationQuery,
        revision: i64,
    ) -> Result<Vec<ObservationRow>, StoreError> {
        with_pool!(self, pool => {
            let mut qb = QueryBuilder::new("SELECT * FROM (SELECT ");
            qb.push(OBSERVATION_COLUMNS);
            qb.push(", ROW_NUMBER() OVER (PARTITION BY o.series_id ORDER BY o.period DESC) AS rn \
                      FROM observation o JOIN series s ON s.id = o.series_id WHERE o.valid_from <= ");
            qb.push_bind(revision).push(" AND (o.valid_to IS NULL OR o.valid_to > ").push_bind(revision).push(")");
            for (column, values) in [("s.indicator", &q.indicators), ("s.area", &q.areas)] {
                if !values.is_empty() {
                    qb.push(format!(" AND {column} IN ("));
                    let mut sep = qb.separated(", ");
                    for v in values {
                        sep.push_bind(v.clone());
                    }
                    qb.push(")");
                }
            }
            for (dim, codes) in &q.breakdown {
                qb.push(format!(" AND s.{} IN (", dim.column()));
                let mut sep = qb.separated(", ");
                for c in codes {
                    sep.push_bind(c.clone());
                }
                qb.push(")");
            }
            if let Some(start) = &q.start {
                qb.push(" AND o.period >= ").push_bind(start.clone());
            }
            if let Some(end) = q.end_bound() {
                qb.push(" AND o.period <= ").push_bind(end);
            }
            qb.push(") t");
            if q.latest_only {
                qb.push(" WHERE rn = 1");
            }
            qb.push(" ORDER BY indicator, area, breakdown, period");
            qb.push(" LIMIT ").push_bind(q.limit as i64).push(" OFFSET ").push_bind(q.offset as i64);
            let rows: Vec<RawObservation> = qb.build_query_as().fetch_all(pool).await?;
            Ok(rows.into_iter().map(ObservationRow::from).collect())
        })
    }

    /// The versions of one data point that a release published, up to the cut `upto` (the
    /// published cut, for the public), oldest first: a version replaced before any release
    /// covered it was never public and is left out; one replaced after `upto` is shown as
    /// current.
    pub async fn history(
        &self,
        indicator: &str,
        area: &str,
        breakdown: &Breakdown,
        period: &str,
        upto: i64,
    ) -> Result<Vec<VersionRow>, StoreError> {
        let key = ictstat_core::SeriesKey {
            indicator: indicator.into(),
            area: area.into(),
            breakdown: breakdown.clone(),
        }
        .text();
        let sql = "SELECT o.value, o.obs_status, o.unit_mult, o.nature, o.source, o.footnote, o.lower_bound, \
                   o.upper_bound, o.std_error, o.valid_from, CASE WHEN o.valid_to <= $3 THEN o.valid_to END AS valid_to, \
                   r.created_at, r.author, r.file \
                   FROM observation o JOIN series s ON s.id = o.series_id JOIN revision r ON r.id = o.valid_from \
                   WHERE s.key = $1 AND o.period = $2 AND o.valid_from <= $3 \
                   AND EXISTS (SELECT 1 FROM data_release d WHERE d.revision >= o.valid_from AND d.revision <= $3 \
                               AND (o.valid_to IS NULL OR d.revision < o.valid_to)) \
                   ORDER BY o.valid_from";
        Ok(
            with_pool!(self, p => sqlx::query_as(sql).bind(key).bind(period).bind(upto).fetch_all(p).await?),
        )
    }

    /// Revisions up to `upto` (the published cut, for the public), newest first.
    pub async fn revisions(
        &self,
        upto: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Revision>, StoreError> {
        let sql = "SELECT id, created_at, author, kind, file, comment, content_hash, rows_inserted, rows_closed \
                   FROM revision WHERE id <= $1 ORDER BY id DESC LIMIT $2 OFFSET $3";
        Ok(
            with_pool!(self, p => sqlx::query_as(sql).bind(upto).bind(limit).bind(offset).fetch_all(p).await?),
        )
    }

    /// The published cut and every observation as of it, read in one snapshot so that the
    /// cut is exactly the one the rows reflect; for building the read model.
    pub(crate) async fn published_observations(
        &self,
    ) -> Result<(i64, Vec<ObservationRow>), StoreError> {
        let now = crate::now_text();
        let (revision, rows): (i64, Vec<RawObservation>) = with_pool!(self, p => {
            let mut tx = p.begin_snapshot().await?;
            let revision: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(revision), 0) FROM data_release WHERE publish_at <= $1")
                .bind(&now).fetch_one(&mut *tx).await?;
            let mut qb = QueryBuilder::new("SELECT ");
            qb.push(OBSERVATION_COLUMNS).push(
                " FROM observation o JOIN series s ON s.id = o.series_id WHERE o.valid_from <= ",
            );
            qb.push_bind(revision).push(" AND (o.valid_to IS NULL OR o.valid_to > ").push_bind(revision).push(
                ") ORDER BY s.indicator, s.area, s.breakdown, o.period",
            );
            let rows = qb.build_query_as().fetch_all(&mut *tx).await?;
            tx.commit().await?;
            (revision, rows)
        });
        Ok((
            revision,
            rows.into_iter().map(ObservationRow::from).collect(),
        ))
    }
}
