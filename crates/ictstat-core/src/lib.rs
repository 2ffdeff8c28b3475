//! Domain types of ictstat, shared by the store, the file formats and the server.
//!
//! The model follows the SDG data structure definition (see `DESIGN.md`): a *series key* is an
//! indicator (series code), a reference area (UN M49) and a breakdown (one code per
//! disaggregation dimension, `_T` meaning total); an *observation* is a series key and a period
//! with a value and attributes. This crate does no I/O: the catalogue it loads is embedded at
//! build time from the repository's `catalog/` folder.

pub mod area;
pub mod catalog;
pub mod diagnostic;
pub mod dimension;
pub mod framework_diff;
pub mod fxhash;
pub mod observation;
pub mod period;

pub use area::{Area, AreaKind, AreaResolver};
pub use catalog::{
    Catalog, CatalogError, Framework, FrameworkItem, Indicator, LookupError, Target, UnitKind,
};
pub use diagnostic::{Diagnostic, Report, Severity};
pub use dimension::{Breakdown, Dimension};
pub use framework_diff::{FrameworkDiff, ItemChange, diff_items};
pub use observation::{Attributes, Observation, SeriesKey};
pub use period::Period;
