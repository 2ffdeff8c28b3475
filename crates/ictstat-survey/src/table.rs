//! The sufficient-statistics table: one pass over the microdata accumulates, per
//! (PSU × cell), everything every estimator needs — so that any domain (a union of cells:
//! a breakdown category, a cross-tab cell, a scope such as ages 15–74) is estimated from
//! the small table, never from the rows again, and never by dropping PSUs.
//!
//! Per (PSU, cell) the table keeps: rows, rows with a non-zero weight, Σw, and for each
//! analysis variable y: Σw·y, Σw·y², Σy (unweighted), plus Σw·y_a·y_b for the declared
//! cross products (a ratio's design effect needs Σw·y·x). With replicate weights it keeps,
//! per cell and replicate r, Σw_r and Σw_r·y for each variable, and a basis of the cell's
//! replicate-weight rows for the design degrees of freedom (R's rank − 1).
//!
//! A cell is whatever the caller codes the finest cross-classification as (e.g.
//! sex × age group × urban/rural); strata, PSUs and cells are integer codes, which a reader
//! maps from the file's values.

use std::collections::HashMap;

use crate::design::{LonelyPsu, ReplicateVariance, VarianceSpec};
use crate::error::TableError;
use crate::pattern::FxMap;

/// What the table holds and how it computes variances.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSpec {
    /// Number of analysis variables per row.
    pub n_vars: usize,
    /// Pairs (a, b) of variables whose Σw·y_a·y_b to keep (for ratio design effects).
    pub cross_products: Vec<(usize, usize)>,
    /// Taylor linearisation or replicate weights.
    pub variance: VarianceSpec,
    /// PSU ids are unique only within strata (R `nest = TRUE`). Without it, the same PSU id
    /// in two strata is an error, as in R.
    pub nest: bool,
}

impl TableSpec {
    /// A Taylor-linearisation table for `n_vars` variables.
    #[must_use]
    pub fn taylor(n_vars: usize, lonely_psu: LonelyPsu) -> Self {
        Self {
            n_vars,
            cross_products: Vec::new(),
            variance: VarianceSpec::Taylor { lonely_psu },
            nest: true,
        }
    }

    /// A replicate-weights table for `n_vars` variables.
    #[must_use]
    pub fn replicate(n_vars: usize, variance: ReplicateVariance) -> Self {
        Self {
            n_vars,
            cross_products: Vec::new(),
            variance: VarianceSpec::Replicate(variance),
            nest: true,
        }
    }

    /// Keeps Σw·y_a·y_b for these pairs too.
    #[must_use]
    pub fn with_cross_products(mut self, pairs: &[(usize, usize)]) -> Self {
        self.cross_products = pairs.to_vec();
        self
    }

    /// Sets whether PSU ids restart in each stratum.
    #[must_use]
    pub fn with_nest(mut self, nest: bool) -> Self {
        self.nest = nest;
        self
    }

    fn n_replicates(&self) -> usize {
        match &self.variance {
            VarianceSpec::Taylor { .. } => 0,
            VarianceSpec::Replicate(r) => r.rscales.len(),
        }
    }
}

/// One row of microdata, already coded.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    /// The stratum code (any constant for an unstratified design).
    pub stratum: u32,
    /// The PSU code (the row number for an unclustered design).
    pub psu: u64,
    /// The sampling weight (≥ 0; 0 keeps the row in the design but out of every estimate).
    pub weight: f64,
    /// The finest cell of the breakdowns the row belongs to.
    pub cell: u32,
    /// The analysis variables, in the table's order.
    pub values: &'a [f64],
    /// The finite population correction of the row's stratum (population PSUs, or
    /// sampling fraction), if the design has one.
    pub fpc: Option<f64>,
    /// The replicate weights (empty for a Taylor design).
    pub replicate_weights: &'a [f64],
}

/// Counts of one (PSU, cell) entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub psu: u32,
    pub cell: u32,
    pub n: u64,
    pub n_pos: u64,
}

/// A stratum of the design.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stratum {
    pub id: u32,
    pub n_psu: u32,
    /// Population PSUs (∞ without FPC).
    pub popsize: f64,
}

/// An orthonormal basis of a set of replicate-weight rows (for their rank).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct RankBasis {
    pub vectors: Vec<Vec<f64>>,
    last: Vec<f64>,
}

/// Relative size below which a row is taken to lie in the span of the basis.
const RANK_TOLERANCE: f64 = 1e-7;

impl RankBasis {
    fn is_full(&self, dim: usize) -> bool {
        self.vectors.len() >= dim
    }

    /// Adds a row; rows proportional to the previous one (the same PSU's factors, in
    /// practice) are skipped cheaply.
    pub fn add(&mut self, row: &[f64]) {
        if self.is_full(row.len()) {
            return;
        }
        let norm = row.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm == 0.0 {
            return;
        }
        if proportional(row, &self.last) {
            return;
        }
        self.last = row.to_vec();
        self.add_unchecked(row, norm);
    }

    fn add_unchecked(&mut self, row: &[f64], norm: f64) {
        let mut v: Vec<f64> = row.iter().map(|x| x / norm).collect();
        for _ in 0..2 {
            for q in &self.vectors {
                let dot: f64 = q.iter().zip(&v).map(|(a, b)| a * b).sum();
                for (vi, qi) in v.iter_mut().zip(q) {
                    *vi -= dot * qi;
                }
            }
        }
        let rest = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if rest > RANK_TOLERANCE {
            for x in &mut v {
                *x /= rest;
            }
            self.vectors.push(v);
        }
    }

    /// Adds the vectors of another basis.
    pub fn merge(&mut self, other: &Self) {
        for v in &other.vectors {
            if self.is_full(v.len()) {
                return;
            }
            self.add_unchecked(v, 1.0);
        }
    }

    pub fn rank(&self) -> usize {
        self.vectors.len()
    }
}

fn proportional(row: &[f64], last: &[f64]) -> bool {
    if last.len() != row.len() {
        return false;
    }
    let Some(j) = last.iter().position(|v| *v != 0.0) else {
        return false;
    };
    let c = row[j] / last[j];
    row.iter()
        .zip(last)
        .all(|(r, l)| (r - c * l).abs() <= 1e-13 * (r.abs() + (c * l).abs()))
}

/// Per-cell replicate sums: for replicate r, Σw_r then Σw_r·y_v for each variable.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct CellReplicates {
    pub sums: Vec<f64>,
    pub basis: RankBasis,
}

/// Accumulates rows into a [`Table`].
#[derive(Debug)]
pub struct TableBuilder {
    spec: TableSpec,
    n_reps: usize,
    stride: usize,
    psu_index: FxMap<(u32, u64), u32>,
    psu_keys: Vec<(u32, u64)>,
    psu_home: HashMap<u64, u32>,
    entry_index: FxMap<(u32, u32), u32>,
    entries: Vec<Entry>,
    sums: Vec<f64>,
    /// The last row's (stratum, PSU) and its PSU index: rows usually come sorted by PSU.
    current: Option<(u32, u64, u32)>,
    /// For the current PSU: its entry by cell (`u32::MAX`: none yet), and the cells set.
    current_cells: Vec<u32>,
    touched: Vec<u32>,
    fpc: HashMap<u32, f64>,
    fpc_missing: Option<u32>,
    replicates: Vec<CellReplicates>,
    rows: u64,
}

impl TableBuilder {
    /// An empty table.
    #[must_use]
    pub fn new(spec: TableSpec) -> Self {
        let n_reps = spec.n_replicates();
        let stride = 1 + 3 * spec.n_vars + spec.cross_products.len();
        Self {
            spec,
            n_reps,
            stride,
            psu_index: FxMap::default(),
            psu_keys: Vec::new(),
            psu_home: HashMap::new(),
            entry_index: FxMap::default(),
            entries: Vec::new(),
            sums: Vec::new(),
            current: None,
            current_cells: Vec::new(),
            touched: Vec::new(),
            fpc: HashMap::new(),
            fpc_missing: None,
            replicates: Vec::new(),
            rows: 0,
        }
    }

    /// Adds one row.
    pub fn push(&mut self, row: &Row<'_>) -> Result<(), TableError> {
        let number = self.rows;
        self.validate(number, row)?;
        let entry = self.entry_for(row)?;
        self.rows += 1;

        let e = &mut self.entries[entry as usize];
        e.n += 1;
        if row.weight != 0.0 {
            e.n_pos += 1;
        }
        let w = row.weight;
        let base = entry as usize * self.stride;
        let s = &mut self.sums[base..base + self.stride];
        s[0] += w;
        for (v, &y) in row.values.iter().enumerate() {
            let wy = w * y;
            s[1 + 3 * v] += wy;
            s[2 + 3 * v] += wy * y;
            s[3 + 3 * v] += y;
        }
        let cross_base = 1 + 3 * self.spec.n_vars;
        for (k, &(a, b)) in self.spec.cross_products.iter().enumerate() {
            s[cross_base + k] += w * row.values[a] * row.values[b];
        }

        if self.n_reps > 0 {
            let cell = row.cell as usize;
            if self.replicates.len() <= cell {
                self.replicates
                    .resize_with(cell + 1, CellReplicates::default);
            }
            let width = 1 + self.spec.n_vars;
            let cr = &mut self.replicates[cell];
            if cr.sums.is_empty() {
                cr.sums = vec![0.0; width * self.n_reps];
            }
            for (r, &wr) in row.replicate_weights.iter().enumerate() {
                let s = &mut cr.sums[r * width..(r + 1) * width];
                s[0] += wr;
                for (v, &y) in row.values.iter().enumerate() {
                    s[1 + v] += wr * y;
                }
            }
            cr.basis.add(row.replicate_weights);
        }
        Ok(())
    }

    fn validate(&self, number: u64, row: &Row<'_>) -> Result<(), TableError> {
        if !(row.weight.is_finite() && row.weight >= 0.0) {
            return Err(TableError::BadWeight {
                row: number,
                weight: row.weight,
            });
        }
        if row.values.len() != self.spec.n_vars {
            return Err(TableError::Arity {
                row: number,
                what: "values",
                expected: self.spec.n_vars,
                got: row.values.len(),
            });
        }
        if let Some((variable, &value)) =
            row.values.iter().enumerate().find(|(_, v)| !v.is_finite())
        {
            return Err(TableError::BadValue {
                row: number,
                variable,
                value,
            });
        }
        if row.replicate_weights.len() != self.n_reps {
            return Err(TableError::Arity {
                row: number,
                what: "replicate weights",
                expected: self.n_reps,
                got: row.replicate_weights.len(),
            });
        }
        if let Some((replicate, &weight)) = row
            .replicate_weights
            .iter()
            .enumerate()
            .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
        {
            return Err(TableError::BadReplicateWeight {
                row: number,
                replicate,
                weight,
            });
        }
        for &(a, b) in &self.spec.cross_products {
            let bad = a.max(b);
            if bad >= self.spec.n_vars {
                return Err(TableError::NoSuchVariable {
                    variable: bad,
                    n_vars: self.spec.n_vars,
                });
            }
        }
        Ok(())
    }

    #[inline]
    fn entry_for(&mut self, row: &Row<'_>) -> Result<u32, TableError> {
        // The FPC is checked on every row, before the cache shortcut below: a row that
        // repeats the last entry's key must not skip it.
        let Some(v) = row.fpc else {
            self.fpc_missing.get_or_insert(row.stratum);
            return self.entry_of_row(row);
        };
        match self.fpc.get(&row.stratum) {
            Some(&seen) if v.to_bits() != seen.to_bits() => {
                return Err(TableError::Fpc {
                    stratum: row.stratum,
                    message: format!(
                        "varies within the stratum ({seen} and {v}): it must be constant"
                    ),
                });
            }
            None => {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(TableError::Fpc {
                        stratum: row.stratum,
                        message: format!("is {v}: it must be a number ≥ 0"),
                    });
                }
                self.fpc.insert(row.stratum, v);
            }
            Some(_) => {}
        }
        self.entry_of_row(row)
    }

    /// The entry of a row's (PSU, cell): the current PSU's cells first.
    #[inline]
    fn entry_of_row(&mut self, row: &Row<'_>) -> Result<u32, TableError> {
        let psu = match self.current {
            Some((stratum, psu, i)) if stratum == row.stratum && psu == row.psu => i,
            _ => {
                for c in self.touched.drain(..) {
                    self.current_cells[c as usize] = u32::MAX;
                }
                let i = self.psu_of(row.stratum, row.psu)?;
                self.current = Some((row.stratum, row.psu, i));
                i
            }
        };
        let cell = row.cell as usize;
        if cell >= self.current_cells.len() {
            self.current_cells.resize(cell + 1, u32::MAX);
        }
        let known = self.current_cells[cell];
        if known != u32::MAX {
            return Ok(known);
        }
        let entry = self.entry_of(psu, row.cell);
        self.current_cells[cell] = entry;
        self.touched.push(row.cell);
        Ok(entry)
    }

    /// The index of a PSU, assigning the next one if new (and checking the nesting).
    fn psu_of(&mut self, stratum: u32, psu: u64) -> Result<u32, TableError> {
        if let Some(&i) = self.psu_index.get(&(stratum, psu)) {
            return Ok(i);
        }
        if !self.spec.nest {
            if let Some(&home) = self.psu_home.get(&psu) {
                return Err(TableError::NotNested {
                    psu: u32::try_from(psu).unwrap_or(u32::MAX),
                    first: home,
                    second: stratum,
                });
            }
            self.psu_home.insert(psu, stratum);
        }
        let i = u32::try_from(self.psu_keys.len()).expect("fewer than 2^32 PSUs");
        self.psu_index.insert((stratum, psu), i);
        self.psu_keys.push((stratum, psu));
        Ok(i)
    }

    /// The entry of a (PSU index, cell), assigning the next one if new.
    fn entry_of(&mut self, psu: u32, cell: u32) -> u32 {
        if let Some(&e) = self.entry_index.get(&(psu, cell)) {
            return e;
        }
        let e = u32::try_from(self.entries.len()).expect("fewer than 2^32 entries");
        self.entry_index.insert((psu, cell), e);
        self.entries.push(Entry {
            psu,
            cell,
            n: 0,
            n_pos: 0,
        });
        self.sums.resize(self.sums.len() + self.stride, 0.0);
        e
    }

    /// What the table holds.
    #[must_use]
    pub fn spec(&self) -> &TableSpec {
        &self.spec
    }

    /// Adds the rows of another builder of the same spec that took later rows of the same
    /// file, its ids renamed: `strata[s]` for its stratum `s`, `psu(p)` for its PSU `p`,
    /// `cells[c]` for its cell `c`. New PSUs and entries are appended in the other's order
    /// (so the table equals one builder fed both parts in order, but for the order of
    /// additions within an entry split between them). Replicate sums are added and rank
    /// bases merged (the rank is that of the union of rows; the visitor still reads
    /// replicate designs on one thread, see `Visitor::can_fork`).
    pub(crate) fn absorb(
        &mut self,
        other: Self,
        strata: &[u32],
        psu: impl Fn(u64) -> u64,
        cells: &[u32],
    ) -> Result<(), TableError> {
        self.current = None;
        for c in self.touched.drain(..) {
            self.current_cells[c as usize] = u32::MAX;
        }
        let psus: Vec<u32> = other
            .psu_keys
            .iter()
            .map(|&(s, p)| self.psu_of(strata[s as usize], psu(p)))
            .collect::<Result<_, _>>()?;
        for (k, e) in other.entries.iter().enumerate() {
            let mine = self.entry_of(psus[e.psu as usize], cells[e.cell as usize]) as usize;
            let m = &mut self.entries[mine];
            m.n += e.n;
            m.n_pos += e.n_pos;
            let theirs = &other.sums[k * self.stride..(k + 1) * self.stride];
            for (a, b) in self.sums[mine * self.stride..(mine + 1) * self.stride]
                .iter_mut()
                .zip(theirs)
            {
                *a += b;
            }
        }
        for (s, v) in other.fpc {
            let s = strata[s as usize];
            match self.fpc.get(&s) {
                Some(seen) if seen.to_bits() != v.to_bits() => {
                    return Err(TableError::Fpc {
                        stratum: s,
                        message: format!(
                            "varies within the stratum ({seen} and {v}): it must be constant"
                        ),
                    });
                }
                _ => {
                    self.fpc.insert(s, v);
                }
            }
        }
        if self.fpc_missing.is_none() {
            self.fpc_missing = other.fpc_missing.map(|s| strata[s as usize]);
        }
        for (c, theirs) in other.replicates.into_iter().enumerate() {
            if theirs.sums.is_empty() {
                continue;
            }
            let cell = cells[c] as usize;
            if self.replicates.len() <= cell {
                self.replicates
                    .resize_with(cell + 1, CellReplicates::default);
            }
            let mine = &mut self.replicates[cell];
            if mine.sums.is_empty() {
                mine.sums = theirs.sums;
            } else {
                for (a, b) in mine.sums.iter_mut().zip(&theirs.sums) {
                    *a += b;
                }
            }
            mine.basis.merge(&theirs.basis);
        }
        self.rows += other.rows;
        Ok(())
    }

    /// The table, with the strata's PSU counts and finite population corrections resolved
    /// as R's `as.fpc` does: if any value is > 1 all are population sizes (and must be
    /// ≥ 1), otherwise sampling fractions (population = PSUs / fraction).
    pub fn finish(self) -> Result<Table, TableError> {
        let mut strata_ids: Vec<u32> = self.psu_keys.iter().map(|(s, _)| *s).collect();
        strata_ids.sort_unstable();
        strata_ids.dedup();
        let mut n_psu: HashMap<u32, u32> = HashMap::new();
        for (s, _) in &self.psu_keys {
            *n_psu.entry(*s).or_insert(0) += 1;
        }
        if !self.fpc.is_empty()
            && let Some(stratum) = self.fpc_missing
        {
            return Err(TableError::Fpc {
                stratum,
                message: "is missing: give it for every row or for none".to_owned(),
            });
        }
        let popsize_mode = self.fpc.values().any(|v| *v > 1.0);
        if popsize_mode && let Some((s, v)) = self.fpc.iter().find(|(_, v)| **v < 1.0) {
            return Err(TableError::Fpc {
                stratum: *s,
                message: format!(
                    "is {v} while other strata have values > 1: give all as population sizes (≥ 1) or all as sampling fractions (≤ 1)"
                ),
            });
        }
        let mut strata = Vec::with_capacity(strata_ids.len());
        for id in &strata_ids {
            let n = n_psu[id];
            let popsize = match self.fpc.get(id) {
                None => f64::INFINITY,
                Some(&v) if popsize_mode => v,
                Some(&v) => f64::from(n) / v,
            };
            if popsize < f64::from(n) {
                return Err(TableError::Fpc {
                    stratum: *id,
                    message: format!(
                        "implies {popsize} PSUs in the population but {n} are in the sample"
                    ),
                });
            }
            strata.push(Stratum {
                id: *id,
                n_psu: n,
                popsize,
            });
        }
        let stratum_pos: HashMap<u32, u32> = strata_ids
            .iter()
            .enumerate()
            .map(|(i, s)| (*s, u32::try_from(i).expect("fewer than 2^32 strata")))
            .collect();
        let psu_stratum = self.psu_keys.iter().map(|(s, _)| stratum_pos[s]).collect();
        let n_cells = self.entries.iter().map(|e| e.cell + 1).max().unwrap_or(0);
        let variance = match self.spec.variance {
            VarianceSpec::Taylor { lonely_psu } => Variance::Taylor { lonely_psu },
            VarianceSpec::Replicate(spec) => Variance::Replicate {
                spec,
                cells: self.replicates,
            },
        };
        Ok(Table {
            n_vars: self.spec.n_vars,
            cross_products: self.spec.cross_products,
            stride: self.stride,
            strata,
            psu_stratum,
            entries: self.entries,
            sums: self.sums,
            variance,
            n_cells,
            rows: self.rows,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Variance {
    Taylor {
        lonely_psu: LonelyPsu,
    },
    Replicate {
        spec: ReplicateVariance,
        cells: Vec<CellReplicates>,
    },
}

/// The sufficient statistics of a survey, ready for estimation (see
/// [`Table::estimate`](crate::Table::estimate)).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub(crate) n_vars: usize,
    pub(crate) cross_products: Vec<(usize, usize)>,
    pub(crate) stride: usize,
    /// Sorted by id.
    pub(crate) strata: Vec<Stratum>,
    /// Index into `strata` of each PSU.
    pub(crate) psu_stratum: Vec<u32>,
    pub(crate) entries: Vec<Entry>,
    pub(crate) sums: Vec<f64>,
    pub(crate) variance: Variance,
    pub(crate) n_cells: u32,
    pub(crate) rows: u64,
}

impl Table {
    /// Rows accumulated.
    #[must_use]
    pub fn n_rows(&self) -> u64 {
        self.rows
    }

    /// PSUs in the design.
    #[must_use]
    pub fn n_psus(&self) -> usize {
        self.psu_stratum.len()
    }

    /// Strata in the design.
    #[must_use]
    pub fn n_strata(&self) -> usize {
        self.strata.len()
    }

    /// One more than the largest cell code seen.
    #[must_use]
    pub fn n_cells(&self) -> u32 {
        self.n_cells
    }

    /// Analysis variables per row.
    #[must_use]
    pub fn n_vars(&self) -> usize {
        self.n_vars
    }

    /// (PSU × cell) entries: the table's size.
    #[must_use]
    pub fn n_entries(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn entry_sums(&self, e: usize) -> &[f64] {
        &self.sums[e * self.stride..(e + 1) * self.stride]
    }

    pub(crate) fn cross_index(&self, a: usize, b: usize) -> Option<usize> {
        self.cross_products
            .iter()
            .position(|&(x, y)| (x, y) == (a, b) || (y, x) == (a, b))
            .map(|k| 1 + 3 * self.n_vars + k)
    }
}
