//! Structure messages: selecting artefacts for a query and writing them.
//!
//! [`select`] resolves a [`StructureQuery`](crate::query::StructureQuery) against the
//! [`Registry`](crate::Registry) into a [`Selection`] of borrowed artefacts, each with the detail
//! it is to be written in; the writers ([`write_xml`], [`write_json`]) only render a selection,
//! so both formats answer every query identically. [`constraint`] writes availability
//! (actual content constraints) in the same two formats.

pub mod constraint;
mod json2;
mod ml21;
mod parts;
mod select;

pub use constraint::{Availability, write_availability_json, write_availability_xml};
pub use json2::write_json;
pub use ml21::write_xml;
pub use select::{Detail, NoResults, Selected, SelectedScheme, Selection, select};
