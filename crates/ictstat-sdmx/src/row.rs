//! One observation as the SDMX writers see it.
//!
//! The writers never own observations: the server hands them views of the read model's rows
//! (and the CLI views of the rows it exported), so a dump costs no copy of the data.

use std::borrow::Cow;

use ictstat_core::{Attributes, Breakdown, Catalog, Dimension};

use crate::model::{FIRST_BREAKDOWN, attr};

/// A borrowed observation.
#[derive(Debug, Clone, Copy)]
pub struct DataRow<'a> {
    pub indicator: &'a str,
    pub area: &'a str,
    pub breakdown: &'a Breakdown,
    pub period: &'a str,
    pub value: Option<f64>,
    pub attrs: &'a Attributes,
}

/// ictstat reports as a global database does: the REPORTING_TYPE it does not store is `G`.
pub const REPORTING_TYPE: &str = "G";

/// The SDMX frequency of a period in basic time format: `A` (2021), `S` (2021-S1),
/// `Q` (2021-Q3), `M` (2021-07). The store keeps the period, which determines it.
pub fn frequency(period: &str) -> &'static str {
    match period.as_bytes().get(5) {
        Some(b'S') => "S",
        Some(b'Q') => "Q",
        Some(_) => "M",
        None => "A",
    }
}

impl<'a> DataRow<'a> {
    /// The code of the key dimension at `index` (0-based, DSD order).
    pub fn dim(&self, index: usize) -> &'a str {
        match index {
            0 => frequency(self.period),
            1 => REPORTING_TYPE,
            2 => self.indicator,
            3 => self.area,
            i => self.breakdown.get(Dimension::ALL[i - FIRST_BREAKDOWN]),
        }
    }

    /// Whether two rows belong to the same SDMX series: the same key, frequency included.
    pub fn same_series(&self, other: &DataRow<'_>) -> bool {
        self.same_key(other) && frequency(self.period) == frequency(other.period)
    }

    /// The same indicator, area and breakdown: one series of the store, which may hold
    /// periods of several frequencies.
    fn same_key(&self, other: &DataRow<'_>) -> bool {
        self.indicator == other.indicator
            && self.area == other.area
            && self.breakdown == other.breakdown
    }

    /// The value of the attribute at `index` (see [`attr`]); `None` when the row has none.
    /// UNIT_MEASURE comes from the catalogue's indicator. UNIT_MULT is the stored one only,
    /// as in every other export: an export read back must give the stored observations, not
    /// ones with the catalogue's default multiplier added.
    pub fn attribute(&self, index: usize, catalog: &Catalog) -> Option<Cow<'a, str>> {
        let a = self.attrs;
        let number = |v: Option<f64>| v.map(|v| Cow::Owned(format_number(v)));
        match index {
            attr::UNIT_MEASURE => catalog
                .indicator(self.indicator)
                .map(|i| Cow::Owned(i.unit.clone())),
            attr::UNIT_MULT => a.unit_mult.map(|m| Cow::Owned(m.to_string())),
            attr::OBS_STATUS => a.obs_status.as_deref().map(Cow::Borrowed),
            attr::NATURE => a.nature.as_deref().map(Cow::Borrowed),
            attr::SOURCE_DETAIL => a.source.as_deref().map(Cow::Borrowed),
            attr::COMMENT_OBS => a.footnote.as_deref().map(Cow::Borrowed),
            attr::LOWER_BOUND => number(a.lower_bound),
            attr::UPPER_BOUND => number(a.upper_bound),
            attr::STD_ERROR => number(a.std_error),
            _ => None,
        }
    }
}

/// Makes each SDMX series contiguous. Rows come grouped by store series and sorted by period
/// as text, which interleaves frequencies (`2015`, `2015-Q1`, `2016`); SDMX keys the
/// frequency, so each frequency of a store series must come as one run. A stable sort within
/// each store series keeps the periods in order. Nothing moves when all periods are years.
pub fn group_frequencies<T>(rows: &mut [T], row: impl for<'a> Fn(&'a T) -> DataRow<'a>) {
    if rows.iter().all(|r| row(r).period.len() == 4) {
        return;
    }
    let mut start = 0;
    for end in 1..=rows.len() {
        if end == rows.len() || !row(&rows[end - 1]).same_key(&row(&rows[end])) {
            rows[start..end].sort_by_key(|r| frequency(row(r).period));
            start = end;
        }
    }
}

/// The shortest text that reads back as the same `f64` (Rust's `Display`), which is what every
/// SDMX format wants for OBS_VALUE and numeric attributes. Infinities cannot occur (readers
/// reject them); NaN is written `NaN`, the SDMX-ML spelling of a missing value.
pub fn format_number(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else {
        v.to_string()
    }
}
