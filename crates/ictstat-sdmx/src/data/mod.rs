//! Data messages: the six SDMX data formats.
//!
//! Every writer streams: rows arrive sorted by series then period, `walk` groups them into
//! series without buffering, and each format is a `walk::Visitor` that writes as it goes.
//! The SDMX-JSON writers need the distinct values of each component before the data, so they
//! walk the (cheaply cloned) rows twice; nothing keeps a copy of the rows.

mod csv;
mod generic;
mod json;
mod layout;
mod ml;
mod structure_specific;
mod values;
mod walk;

use std::io::{self, BufWriter, Write};

use ictstat_core::Catalog;

use crate::format::DataFormat;
use crate::header::Header;
use crate::model::{Dataflow, Registry};
use crate::row::DataRow;
use layout::Layout;

/// One data message: what it describes and how much of it to write.
#[derive(Debug, Clone, Copy)]
pub struct DataMessage<'a> {
    pub registry: &'a Registry,
    pub catalog: &'a Catalog,
    pub flow: &'a Dataflow,
    pub header: &'a Header,
    pub at_observation: AtObservation,
    pub detail: Detail,
}

/// The dimension at the observation level (SDMX `dimensionAtObservation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AtObservation {
    /// Time series: series keyed by the fifteen key dimensions, observations by TIME_PERIOD.
    #[default]
    TimePeriod,
    /// Flat: every observation carries its full key (`AllDimensions`).
    AllDimensions,
}

/// Which parts of the data a message carries: SDMX REST 1.5 `detail`, or REST 2.x
/// `attributes=` and `measures=` reduced to what ictstat distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    /// Attribute values (series and observation level).
    pub attributes: bool,
    /// Observations (periods and values). Without them the message lists series only, in the
    /// time-series view whatever `at_observation` says: a flat message has nothing but
    /// observations, so it could not carry the series keys.
    pub observations: bool,
}

impl Detail {
    /// `detail=full`.
    pub const FULL: Detail = Detail {
        attributes: true,
        observations: true,
    };
    /// `detail=dataonly`.
    pub const DATA_ONLY: Detail = Detail {
        attributes: false,
        observations: true,
    };
    /// `detail=serieskeysonly`.
    pub const SERIES_KEYS_ONLY: Detail = Detail {
        attributes: false,
        observations: false,
    };
    /// `detail=nodata`.
    pub const NO_DATA: Detail = Detail {
        attributes: true,
        observations: false,
    };
}

impl Default for Detail {
    fn default() -> Self {
        Detail::FULL
    }
}

/// Writes `rows` (sorted by series, then period) as a data message in `format`.
///
/// The output is buffered here, so `out` may be a raw socket or file. An empty `rows` gives a
/// valid message with an empty data set.
pub fn write<'a, I>(
    format: DataFormat,
    msg: &DataMessage<'_>,
    rows: I,
    out: &mut dyn Write,
) -> io::Result<()>
where
    I: Iterator<Item = DataRow<'a>> + Clone,
{
    let layout = Layout::new(msg);
    let mut out = BufWriter::with_capacity(1 << 16, out);
    match format {
        DataFormat::GenericXml => generic::write(&layout, rows, &mut out)?,
        DataFormat::StructureSpecificXml => structure_specific::write(&layout, rows, &mut out)?,
        DataFormat::Json1 => json::write(json::Version::V1, &layout, rows, &mut out)?,
        DataFormat::Json2 => json::write(json::Version::V2, &layout, rows, &mut out)?,
        DataFormat::Csv1 => csv::write(csv::Version::V1, &layout, rows, &mut out)?,
        DataFormat::Csv2 => csv::write(csv::Version::V2, &layout, rows, &mut out)?,
    }
    out.flush()
}

/// Writes an observation value or numeric attribute as [`crate::format_number`] spells it,
/// without allocating.
fn write_number(out: &mut impl Write, v: f64) -> io::Result<()> {
    if v.is_nan() {
        out.write_all(b"NaN")
    } else {
        write!(out, "{v}")
    }
}
