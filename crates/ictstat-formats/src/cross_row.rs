//! Checks that need every row of a file: duplicate keys, and totals against their parts.
//!
//! Each kept data point leaves a compact [`Entry`]; when all rows are in, one sort of the
//! entries groups the data points of each indicator, area and period, so both checks are a
//! linear walk over sorted entries.

use ictstat_core::{Breakdown, Catalog, Dimension, Observation, Period, UnitKind};

use crate::diag::{Diags, Found};
use crate::rules;
use crate::table::{At, Columns};
use ictstat_core::fxhash::FxMap;

/// A kept data point, compactly, for the duplicate and total checks. The sort key packs
/// indicator (16 bits), area (16), period (32), breakdown (32) and line (32), so that one sort
/// of plain integers groups the data points of a series and period, and puts duplicates next
/// to each other, earliest line first. Sorting at the end costs less than a hash set of a
/// million keys probed on every row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    pub key: u128,
    /// NaN when the observation has no value (an explicit missing status).
    pub value: f64,
    /// Index in `Validator::observations`.
    pub index: u32,
}

impl Entry {
    pub fn new(
        indicator: u32,
        area: u32,
        period: Period,
        breakdown: u32,
        line: u64,
        value: Option<f64>,
        index: usize,
    ) -> Self {
        let key = (u128::from(indicator.min(0xFFFF)) << 112)
            | (u128::from(area.min(0xFFFF)) << 96)
            | (u128::from(period_code(period)) << 64)
            | (u128::from(breakdown) << 32)
            | u128::from(line.min(u64::from(u32::MAX)) as u32);
        Entry {
            key,
            value: value.unwrap_or(f64::NAN),
            index: index as u32,
        }
    }

    /// Indicator, area and period.
    pub fn group(self) -> u64 {
        (self.key >> 64) as u64
    }

    /// Everything but the line: equal for duplicates.
    pub fn series_period(self) -> u128 {
        self.key >> 32
    }

    pub fn indicator(self) -> usize {
        (self.key >> 112) as usize
    }

    pub fn breakdown(self) -> u32 {
        (self.key >> 32) as u32
    }

    pub fn line(self) -> u64 {
        u64::from(self.key as u32)
    }
}

/// A period as an integer that is equal for equal periods.
fn period_code(p: Period) -> u32 {
    let (y, tag) = match p {
        Period::Year(y) => (y, 0),
        Period::Half(y, h) => (y, 0x10 | u32::from(h)),
        Period::Quarter(y, q) => (y, 0x20 | u32::from(q)),
        Period::Month(y, m) => (y, 0x40 | u32::from(m)),
    };
    ((y.max(0) as u32) << 8) | tag
}

/// Reports every data point whose indicator, area, breakdown and period an earlier line
/// already had, and drops it. `entries` are sorted; `columns` names the period column.
pub(crate) fn remove_duplicates(
    entries: &mut Vec<Entry>,
    observations: &mut Vec<Observation>,
    columns: Option<&(Columns, At)>,
    diags: &mut Diags,
) {
    let mut dropped: Vec<u32> = Vec::new();
    entries.dedup_by(|later, earlier| {
        if later.series_period() != earlier.series_period() {
            return false;
        }
        let (line, first) = (later.line(), earlier.line());
        let o = &observations[later.index as usize];
        diags.add(rules::DUPLICATE_KEY, Some(line), || {
            let mut found = Found::new(format!(
                "the same indicator, area, breakdown and period as line {first}"
            ))
            .value(format!("{}|{}", o.key.text(), o.period))
            .fix("remove one of the two rows, or give them different breakdown codes");
            found.column = columns.map(|(cols, at)| cols.label(*at, line));
            found
        });
        dropped.push(later.index);
        true
    });
    if dropped.is_empty() {
        return;
    }
    let mut keep = vec![true; observations.len()];
    for i in dropped {
        keep[i as usize] = false;
    }
    let mut i = 0;
    observations.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// Checks every (indicator, area, period) group of the sorted `entries` (see
/// [`rules::TOTAL_CONTRADICTION`]). `breakdowns` are the breakdown keys by id.
pub(crate) fn check_totals(
    entries: &[Entry],
    breakdowns: &[([u32; 11], Breakdown)],
    breakdown_ids: &FxMap<[u32; 11], u32>,
    catalog: &Catalog,
    diags: &mut Diags,
) {
    // For each breakdown and dimension, the breakdown it is a part of in that dimension
    // (the same codes with that dimension total), if the file has it.
    let parents: Vec<[u32; 11]> = breakdowns
        .iter()
        .map(|(key, _)| {
            std::array::from_fn(|d| {
                if key[d] == 0 {
                    return NO_PARENT;
                }
                let mut total = *key;
                total[d] = 0;
                breakdown_ids.get(&total).copied().unwrap_or(NO_PARENT)
            })
        })
        .collect();
    let mut parts = Vec::new();
    for group in entries.chunk_by(|a, b| a.group() == b.group()) {
        if group.len() >= 2 {
            let kind = catalog.indicators[group[0].indicator()].kind;
            check_group(group, kind, &parents, &mut parts, diags);
        }
    }
}

/// Whether the parts of a total add up to it (at most: a file may lack some parts) rather
/// than bracket it. Counts always add up. A rate per N inhabitants split by speed tier or
/// product (fixed-broadband subscriptions per 100 by speed) divides only its numerator: the
/// parts share the total's denominator, so they add up too. Split by sex, age or location,
/// a share or rate divides its denominator as well, and the total is a weighted mean of its
/// parts, which lies between them.
fn adds_up(kind: UnitKind, dim: Dimension) -> bool {
    kind == UnitKind::Count
        || (kind == UnitKind::Rate
            && matches!(dim, Dimension::CompositeBreakdown | Dimension::Product))
}

/// No parent breakdown (see `check_totals`).
const NO_PARENT: u32 = u32::MAX;

/// One (indicator, area, period) group, sorted by breakdown id. `parts` is scratch space.
fn check_group(
    group: &[Entry],
    kind: UnitKind,
    parents: &[[u32; 11]],
    parts: &mut Vec<(usize, usize, usize)>,
    diags: &mut Diags,
) {
    if matches!(kind, UnitKind::Score | UnitKind::Other) {
        return;
    }
    // (total entry, dimension, part entry)
    parts.clear();
    for (p, e) in group.iter().enumerate() {
        if e.value.is_nan() {
            continue;
        }
        for (d, &parent) in parents[e.breakdown() as usize].iter().enumerate() {
            if parent == NO_PARENT {
                continue;
            }
            if let Ok(t) = group.binary_search_by_key(&parent, |e| e.breakdown()) {
                parts.push((t, d, p));
            }
        }
    }
    parts.sort_unstable();
    const TOL: f64 = 0.05;
    for run in parts.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let total = group[run[0].0];
        if total.value.is_nan() {
            continue;
        }
        let dim = Dimension::ALL[run[0].1];
        let values = || run.iter().map(|&(_, _, p)| group[p].value);
        let additive = adds_up(kind, dim);
        let contradiction = match additive {
            true => values().sum::<f64>() > total.value * 1.001,
            false => {
                run.len() >= 2
                    && (values().all(|v| v > total.value + TOL)
                        || values().all(|v| v < total.value - TOL))
            }
        };
        if !contradiction {
            continue;
        }
        diags.add(rules::TOTAL_CONTRADICTION, Some(total.line()), || {
            let lines: Vec<String> = run.iter().map(|&(_, _, p)| group[p].line().to_string()).collect();
            let shown: Vec<String> = values().map(|v| v.to_string()).collect();
            let parts = format!("the {dim} parts (lines {}: {})", lines.join(", "), shown.join(", "));
            let message = match additive {
                true => format!(
                    "{parts} sum to {}, more than their total {} (line {})",
                    values().sum::<f64>(),
                    total.value,
                    total.line()
                ),
                false => format!(
                    "{parts} all lie {} their total {} (line {}); a total share or rate lies between its parts",
                    if values().all(|v| v > total.value) { "above" } else { "below" },
                    total.value,
                    total.line()
                ),
            };
            Found::new(message)
                .column(dim.id())
                .value(total.value.to_string())
                .fix("check the total and its parts; if the parts do not partition the total, code them in another dimension")
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_sort_by_series_and_period_then_line() {
        let a = Entry::new(1, 4, Period::Year(2020), 2, 9, Some(1.0), 0);
        let b = Entry::new(1, 4, Period::Year(2020), 2, 3, None, 1);
        let c = Entry::new(1, 4, Period::Quarter(2020, 1), 2, 1, Some(1.0), 2);
        assert_eq!(a.series_period(), b.series_period());
        assert!(b.key < a.key);
        assert_ne!(a.group(), c.group());
        assert_eq!((a.indicator(), a.breakdown(), a.line()), (1, 2, 9));
        assert!(b.value.is_nan());
    }
}
