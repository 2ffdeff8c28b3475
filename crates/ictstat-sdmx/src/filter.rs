//! Which observations a data query selects: keys, `c[…]` filters, period bounds and the
//! first/last N observations of each series.

use std::cmp::Ordering;

use ictstat_core::Catalog;

use crate::model::{Dataflow, Dsd, OBS_VALUE, TIME_PERIOD};
use crate::period::months;
use crate::query::{ComponentFilter, DataQuery, KeyPattern, Op};
use crate::row::DataRow;

/// A compiled data query.
pub struct DataFilter<'q> {
    dsd: &'q Dsd,
    flow: &'q Dataflow,
    keys: &'q [KeyPattern],
    filters: Vec<(Component, &'q ComponentFilter)>,
    start: Option<i32>,
    end: Option<i32>,
}

/// What a filter compares.
#[derive(Clone, Copy)]
enum Component {
    Dimension(usize),
    Attribute(usize),
    Time,
    Value,
}

impl<'q> DataFilter<'q> {
    /// Compiles `q` for the dataflow `flow`. Components were checked by the parser.
    pub fn new(q: &'q DataQuery, flow: &'q Dataflow, dsd: &'q Dsd) -> DataFilter<'q> {
        let filters = q
            .filters
            .iter()
            .filter_map(|f| {
                let c = match f.component.as_str() {
                    TIME_PERIOD => Component::Time,
                    OBS_VALUE => Component::Value,
                    id => dsd
                        .dimension_index(id)
                        .map(Component::Dimension)
                        .or_else(|| dsd.attribute_index(id).map(Component::Attribute))?,
                };
                Some((c, f))
            })
            .collect();
        DataFilter {
            dsd,
            flow,
            keys: &q.keys,
            filters,
            start: q.start_period.as_deref().and_then(months).map(|m| m.0),
            end: q.end_period.as_deref().and_then(months).map(|m| m.1),
        }
    }

    /// The codes every matching row's key dimension `dim` takes, when the query restricts it
    /// (every key pattern names codes, and so does the dataflow for SERIES): lets the caller
    /// fetch only those series from its index instead of scanning everything.
    pub fn codes_of(&self, dim: &str) -> Option<Vec<String>> {
        let index = self.dsd.dimension_index(dim)?;
        let mut from_keys: Option<Vec<String>> = if self.keys.is_empty() {
            None
        } else {
            let mut all = Vec::new();
            for k in self.keys {
                all.extend(k.get(index)?.as_ref()?.iter().cloned());
            }
            Some(all)
        };
        if dim == "SERIES"
            && let Some(series) = &self.flow.series
        {
            from_keys = Some(match from_keys {
                None => series.clone(),
                Some(k) => k
                    .into_iter()
                    .filter(|c| series.iter().any(|s| s.eq_ignore_ascii_case(c)))
                    .collect(),
            });
        }
        // Keys may spell a series code in any case (`IT_USE_II99` as in CL_SERIES).
        from_keys.map(|mut codes| {
            codes.sort();
            codes.dedup();
            codes
        })
    }

    /// Whether the row is selected.
    pub fn matches(&self, row: &DataRow<'_>, catalog: &Catalog) -> bool {
        self.flow.holds(row.indicator)
            && (self.keys.is_empty() || self.keys.iter().any(|k| key_matches(k, row)))
            && self.in_period(row.period)
            && self.filters.iter().all(|(c, f)| {
                f.any_of
                    .iter()
                    .any(|all| all.iter().all(|(op, x)| compare(*c, *op, x, row, catalog)))
            })
    }

    fn in_period(&self, period: &str) -> bool {
        if self.start.is_none() && self.end.is_none() {
            return true;
        }
        let Some((first, last)) = months(period) else {
            return false;
        };
        self.start.is_none_or(|s| last >= s) && self.end.is_none_or(|e| first <= e)
    }
}

fn key_matches(key: &KeyPattern, row: &DataRow<'_>) -> bool {
    key.iter().enumerate().all(|(i, codes)| {
        codes.as_ref().is_none_or(|codes| {
            let have = row.dim(i);
            codes.iter().any(|c| c.eq_ignore_ascii_case(have))
        })
    })
}

fn compare(c: Component, op: Op, operand: &str, row: &DataRow<'_>, catalog: &Catalog) -> bool {
    match c {
        Component::Time => compare_period(op, operand, row.period),
        Component::Value => match (row.value, operand.parse::<f64>()) {
            (Some(v), Ok(x)) => ordered(op, v.partial_cmp(&x)),
            _ => matches!(op, Op::Ne),
        },
        Component::Dimension(i) => compare_text(op, operand, Some(row.dim(i))),
        Component::Attribute(i) => compare_text(op, operand, row.attribute(i, catalog).as_deref()),
    }
}

/// Periods compare as spans: `ge:2016` keeps every period that ends in 2016 or later.
fn compare_period(op: Op, operand: &str, period: &str) -> bool {
    let (Some((first, last)), Some((lo, hi))) = (months(period), months(operand)) else {
        return compare_text(op, operand, Some(period));
    };
    match op {
        Op::Eq => first == lo && last == hi,
        Op::Ne => !(first == lo && last == hi),
        Op::Ge => last >= lo,
        Op::Gt => first > hi,
        Op::Le => first <= hi,
        Op::Lt => last < lo,
        Op::Co | Op::Nc | Op::Sw | Op::Ew => compare_text(op, operand, Some(period)),
    }
}

/// Text comparison; numbers compare as numbers when both sides are numbers.
fn compare_text(op: Op, operand: &str, have: Option<&str>) -> bool {
    let Some(have) = have else {
        return matches!(op, Op::Ne | Op::Nc);
    };
    let order = match (have.parse::<f64>(), operand.parse::<f64>()) {
        (Ok(a), Ok(b)) => a.partial_cmp(&b),
        _ => Some(have.cmp(operand)),
    };
    match op {
        Op::Co => have.contains(operand),
        Op::Nc => !have.contains(operand),
        Op::Sw => have.starts_with(operand),
        Op::Ew => have.ends_with(operand),
        _ => ordered(op, order),
    }
}

fn ordered(op: Op, order: Option<Ordering>) -> bool {
    let Some(o) = order else {
        return false;
    };
    match op {
        Op::Eq => o.is_eq(),
        Op::Ne => o.is_ne(),
        Op::Lt => o.is_lt(),
        Op::Le => o.is_le(),
        Op::Gt => o.is_gt(),
        Op::Ge => o.is_ge(),
        Op::Co | Op::Nc | Op::Sw | Op::Ew => false,
    }
}

/// Keeps at most the first `first_n` and then the last `last_n` observations of each series.
/// `rows` are grouped by series and sorted by period; `same` tells whether two rows belong to
/// the same series. Both limits together keep the first N, then the last M of those, as the
/// REST specification's examples combine them.
pub fn window<T>(
    rows: Vec<T>,
    same: impl Fn(&T, &T) -> bool,
    first_n: Option<usize>,
    last_n: Option<usize>,
) -> Vec<T> {
    if first_n.is_none() && last_n.is_none() {
        return rows;
    }
    let mut out = Vec::with_capacity(rows.len());
    let mut series: Vec<T> = Vec::new();
    let flush = |series: &mut Vec<T>, out: &mut Vec<T>| {
        if let Some(n) = first_n {
            series.truncate(n);
        }
        let skip = last_n.map_or(0, |n| series.len().saturating_sub(n));
        out.extend(series.drain(..).skip(skip));
    };
    for r in rows {
        if series.last().is_some_and(|p| !same(p, &r)) {
            flush(&mut series, &mut out);
        }
        series.push(r);
    }
    flush(&mut series, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_operators_compare_spans() {
        assert!(compare_period(Op::Ge, "2016", "2016"));
        assert!(compare_period(Op::Ge, "2016-06", "2016"));
        assert!(!compare_period(Op::Ge, "2017", "2016"));
        assert!(compare_period(Op::Le, "2016-01", "2016"));
        assert!(!compare_period(Op::Lt, "2016-01", "2016"));
        assert!(compare_period(Op::Gt, "2015", "2016"));
        assert!(compare_period(Op::Eq, "2016", "2016-A1"));
    }

    #[test]
    fn text_and_numbers() {
        assert!(compare_text(Op::Gt, "9", Some("10")));
        assert!(compare_text(Op::Sw, "IT_", Some("IT_USE_ii99")));
        assert!(compare_text(Op::Ne, "x", None));
        assert!(!compare_text(Op::Eq, "x", None));
    }

    #[test]
    fn window_keeps_first_and_last_per_series() {
        let rows = vec![("a", 1), ("a", 2), ("a", 3), ("b", 1), ("b", 2)];
        let same = |x: &(&str, i32), y: &(&str, i32)| x.0 == y.0;
        assert_eq!(
            window(rows.clone(), same, None, Some(1)),
            vec![("a", 3), ("b", 2)]
        );
        assert_eq!(
            window(rows.clone(), same, Some(2), None),
            vec![("a", 1), ("a", 2), ("b", 1), ("b", 2)]
        );
        assert_eq!(
            window(rows, same, Some(2), Some(1)),
            vec![("a", 2), ("b", 2)]
        );
    }
}
