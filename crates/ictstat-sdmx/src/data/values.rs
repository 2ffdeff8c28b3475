//! The distinct values of the components of a message, for the formats that list them in
//! their structure and refer to them by position (SDMX-JSON).
//!
//! Memory grows with the number of distinct values (codes, periods, source texts), never with
//! the number of observations.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// The distinct values of one component, numbered in sorted order so that the numbering does
/// not depend on the order of the rows (and periods come out chronologically).
#[derive(Debug, Default)]
pub(crate) struct Values<'a> {
    map: BTreeMap<Cow<'a, str>, usize>,
}

impl<'a> Values<'a> {
    pub fn insert(&mut self, value: Cow<'a, str>) {
        if !self.map.contains_key(value.as_ref()) {
            self.map.insert(value, 0);
        }
    }

    /// Numbers the values once all are inserted.
    pub fn number(&mut self) {
        for (n, i) in self.map.values_mut().enumerate() {
            *i = n;
        }
    }

    /// The position of a value, which must have been inserted.
    pub fn index(&self, value: &str) -> usize {
        self.map[value]
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(AsRef::as_ref)
    }
}
