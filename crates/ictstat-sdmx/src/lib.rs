//! SDMX for ictstat.
//!
//! Everything here is pure: the crate turns the catalogue into SDMX structures, parses SDMX
//! REST URLs and `Accept` headers into queries, and writes SDMX messages to any `io::Write`.
//! The server owns the HTTP and the store; the CLI reuses the writers for `export`. Keeping the
//! protocol apart from the transport lets the same code answer the REST API, write the export
//! files and be tested against the official samples without a server.

pub mod data;
pub mod error;
pub mod filter;
pub mod format;
pub mod header;
pub mod media;
pub mod model;
pub mod parse;
pub mod period;
pub mod query;
pub mod row;
pub mod structure;
pub mod xml;

pub use error::{ErrorKind, SdmxError};
pub use format::{DataFormat, StructureFormat};
pub use header::Header;
pub use media::Api;
pub use model::{
    ALL_DATA, AttachmentLevel, AttributeDef, CONCEPTS, Concept, Config, Dataflow, DimensionDef,
    Dsd, KEY_DIMENSIONS, OBS_VALUE, Ref, Registry, SdmxCodelist, TIME_PERIOD,
};
pub use parse::parse;
pub use row::{DataRow, format_number, group_frequencies};
