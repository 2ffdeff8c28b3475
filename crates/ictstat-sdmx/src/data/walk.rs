//! The series/observation walk every writer shares.
//!
//! Rows come sorted by series, so a series ends where the next row's key differs: grouping
//! needs only the series' first row, never a buffer of its observations.

use std::borrow::Cow;
use std::io;

use super::layout::Layout;
use crate::model::attr;
use crate::row::DataRow;

/// The series being walked: its first row (for the key) and its series-level attribute values,
/// looked up once rather than for every observation.
pub(crate) struct Series<'a> {
    pub first: DataRow<'a>,
    attrs: [Option<Cow<'a, str>>; attr::COUNT],
}

impl<'a> Series<'a> {
    fn new(layout: &Layout<'_>, first: DataRow<'a>) -> Series<'a> {
        let mut attrs: [Option<Cow<'a, str>>; attr::COUNT] = Default::default();
        for &i in &layout.attributes {
            if layout.is_series_attribute(i) {
                attrs[i] = first.attribute(i, layout.msg.catalog);
            }
        }
        Series { first, attrs }
    }

    /// The value of a series-level attribute (`None` for other attributes).
    pub fn attr(&self, index: usize) -> Option<&str> {
        self.attrs[index].as_deref()
    }
}

/// What a writer does at each step of the walk.
pub(crate) trait Visitor<'a> {
    fn series(&mut self, s: &Series<'a>) -> io::Result<()>;
    /// Not called when the message carries no observations.
    fn obs(&mut self, s: &Series<'a>, row: &DataRow<'a>) -> io::Result<()>;
    fn end_series(&mut self, _s: &Series<'a>) -> io::Result<()> {
        Ok(())
    }
}

/// Walks `rows` series by series.
pub(crate) fn walk<'a>(
    layout: &Layout<'_>,
    rows: impl Iterator<Item = DataRow<'a>>,
    v: &mut impl Visitor<'a>,
) -> io::Result<()> {
    let observations = layout.msg.detail.observations;
    let mut current: Option<Series<'a>> = None;
    for row in rows {
        let s = match &mut current {
            Some(s) if s.first.same_series(&row) => s,
            slot => {
                if let Some(previous) = slot {
                    v.end_series(previous)?;
                }
                let s = slot.insert(Series::new(layout, row));
                v.series(s)?;
                s
            }
        };
        if observations {
            v.obs(s, &row)?;
        }
    }
    match current {
        Some(s) => v.end_series(&s),
        None => Ok(()),
    }
}
