//! The in-memory read model of the published data.
//!
//! Public reads ask for the current data far more often than for history, and must answer in
//! a few milliseconds. The read model holds every observation as of the published cut (the
//! latest release whose time has come, see `releases`), grouped by indicator
//! and sorted by area, breakdown and period, as an immutable snapshot that is rebuilt after a
//! release and swapped atomically, so readers never wait for writers. The server polls the
//! published cut, which notices an embargo ending and other instances' releases.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::db::{Db, StoreError};
use crate::read::ObservationQuery;
use crate::rows::ObservationRow;

/// A consistent set of published observations as of one revision.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The published cut the rows are as of.
    pub revision: i64,
    by_indicator: HashMap<String, Vec<ObservationRow>>,
}

impl Snapshot {
    /// Indicator codes that have data.
    pub fn indicators(&self) -> impl Iterator<Item = &str> {
        self.by_indicator.keys().map(String::as_str)
    }

    /// The current observations of one indicator, sorted by area, breakdown and period.
    pub fn indicator_rows(&self, code: &str) -> &[ObservationRow] {
        self.by_indicator
            .get(code)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Number of current observations.
    pub fn len(&self) -> usize {
        self.by_indicator.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_indicator.is_empty()
    }

    /// The rows matching `q` in the same order and with the same semantics as
    /// `Db::observations_as_of` (a test holds the two to each other).
    pub fn query(&self, q: &ObservationQuery) -> Vec<&ObservationRow> {
        let mut codes: Vec<&str> = if q.indicators.is_empty() {
            self.indicators().collect()
        } else {
            q.indicators.iter().map(String::as_str).collect()
        };
        codes.sort_unstable();
        codes.dedup();
        let areas: HashSet<&str> = q.areas.iter().map(String::as_str).collect();
        let end = q.end_bound();
        let keep = |r: &ObservationRow| {
            (areas.is_empty() || areas.contains(r.area.as_str()))
                && q.breakdown
                    .iter()
                    .all(|(d, codes)| codes.iter().any(|c| c == r.breakdown.get(*d)))
                && q.start
                    .as_ref()
                    .is_none_or(|s| r.period.as_str() >= s.as_str())
                && end.as_ref().is_none_or(|e| r.period.as_str() <= e.as_str())
        };
        let mut out: Vec<&ObservationRow> = Vec::new();
        for code in codes {
            let rows = self.indicator_rows(code).iter().filter(|r| keep(r));
            if q.latest_only {
                // Rows are sorted by series then period: keep the last row of each series.
                let mut prev: Option<&ObservationRow> = None;
                for r in rows {
                    if let Some(p) = prev
                        && (p.area != r.area || p.breakdown != r.breakdown)
                    {
                        out.push(p);
                    }
                    prev = Some(r);
                }
                out.extend(prev);
            } else {
                out.extend(rows);
            }
        }
        out.into_iter().skip(q.offset).take(q.limit).collect()
    }
}

/// The current snapshot, swappable.
#[derive(Debug, Clone, Default)]
pub struct ReadModel {
    current: Arc<ArcSwap<Snapshot>>,
    /// One rebuild at a time (the poller and a post-import refresh may both ask), so that an
    /// older rebuild can never replace a newer snapshot.
    rebuilding: Arc<tokio::sync::Mutex<()>>,
}

impl ReadModel {
    /// Builds the read model from the database.
    pub async fn load(db: &Db) -> Result<ReadModel, StoreError> {
        let model = ReadModel::default();
        model.refresh(db).await?;
        Ok(model)
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Rebuilds the snapshot if the published cut has moved past it; returns whether it did.
    pub async fn refresh(&self, db: &Db) -> Result<bool, StoreError> {
        let _one_at_a_time = self.rebuilding.lock().await;
        if db.published_revision().await? == self.current.load().revision {
            return Ok(false);
        }
        let (revision, rows) = db.published_observations().await?;
        if revision <= self.current.load().revision {
            return Ok(false);
        }
        let mut by_indicator: HashMap<String, Vec<ObservationRow>> = HashMap::new();
        for r in rows {
            by_indicator.entry(r.indicator.clone()).or_default().push(r);
        }
        self.current.store(Arc::new(Snapshot {
            revision,
            by_indicator,
        }));
        Ok(true)
    }
}
