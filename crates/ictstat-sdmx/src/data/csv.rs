//! SDMX-CSV 1.0 and 2.0: one line per observation, every column always present.
//!
//! This is the format of full dumps, so it writes bytes straight into the buffer: the part of
//! a line that is the same for a whole series (structure columns, key, series attributes) is
//! not re-encoded per observation, and values are quoted in place rather than copied.

use std::io::{self, Write};

use super::layout::Layout;
use super::walk::{Series, Visitor, walk};
use super::write_number;
use crate::model::{KEY_DIMENSIONS, OBS_VALUE, TIME_PERIOD};
use crate::row::DataRow;

/// The SDMX-CSV version.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Version {
    /// SDMX 2.1: `DATAFLOW` column.
    V1,
    /// SDMX 3.0: `STRUCTURE`, `STRUCTURE_ID`, `ACTION` columns.
    V2,
}

pub(crate) fn write<'a>(
    version: Version,
    layout: &Layout<'_>,
    rows: impl Iterator<Item = DataRow<'a>>,
    out: &mut impl Write,
) -> io::Result<()> {
    let flow = layout.msg.flow.r#ref.triplet();
    let (head, structure) = match version {
        Version::V1 => ("DATAFLOW", format!("{flow},")),
        Version::V2 => (
            "STRUCTURE,STRUCTURE_ID,ACTION",
            format!("dataflow,{flow},I,"),
        ),
    };
    out.write_all(head.as_bytes())?;
    let attributes = layout.attributes.iter().map(|&i| layout.attribute(i).id);
    for id in KEY_DIMENSIONS
        .into_iter()
        .chain([TIME_PERIOD, OBS_VALUE])
        .chain(attributes)
    {
        write!(out, ",{id}")?;
    }
    out.write_all(b"\n")?;
    let mut csv = Csv {
        layout,
        out,
        structure: structure.into_bytes(),
        prefix: Vec::new(),
    };
    walk(layout, rows, &mut csv)
}

struct Csv<'l, 'm, W> {
    layout: &'l Layout<'m>,
    out: &'l mut W,
    /// The structure columns, with their trailing comma.
    structure: Vec<u8>,
    /// The current series' line up to TIME_PERIOD: structure columns and key.
    prefix: Vec<u8>,
}

impl<'a, W: Write> Visitor<'a> for Csv<'_, '_, W> {
    fn series(&mut self, s: &Series<'a>) -> io::Result<()> {
        self.prefix.clear();
        self.prefix.extend_from_slice(&self.structure);
        for i in 0..KEY_DIMENSIONS.len() {
            field(&mut self.prefix, s.first.dim(i))?;
            self.prefix.push(b',');
        }
        if self.layout.msg.detail.observations {
            return Ok(());
        }
        // Without observations, a line per series: empty period and value, the series-level
        // attributes only.
        self.out.write_all(&self.prefix)?;
        self.out.write_all(b",")?;
        for &i in &self.layout.attributes {
            self.out.write_all(b",")?;
            field(self.out, s.attr(i).unwrap_or_default())?;
        }
        self.out.write_all(b"\n")
    }

    fn obs(&mut self, s: &Series<'a>, row: &DataRow<'a>) -> io::Result<()> {
        self.out.write_all(&self.prefix)?;
        field(self.out, row.period)?;
        self.out.write_all(b",")?;
        if let Some(v) = row.value.filter(|v| !v.is_nan()) {
            write_number(self.out, v)?;
        }
        for &i in &self.layout.attributes {
            self.out.write_all(b",")?;
            if let Some(value) = self.layout.value(i, s, row) {
                field(self.out, &value)?;
            }
        }
        self.out.write_all(b"\n")
    }
}

/// Writes one field, quoted as RFC 4180 requires when it holds a separator, quote or newline.
fn field(out: &mut impl Write, s: &str) -> io::Result<()> {
    if !s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        return out.write_all(s.as_bytes());
    }
    out.write_all(b"\"")?;
    for (n, part) in s.split('"').enumerate() {
        if n > 0 {
            out.write_all(b"\"\"")?;
        }
        out.write_all(part.as_bytes())?;
    }
    out.write_all(b"\"")
}
