//! Integration tests of ictstat-sdmx: one binary, one module per area.

#[path = "sdmx/data.rs"]
mod data;
#[path = "sdmx/query.rs"]
mod query;
#[path = "sdmx/structure.rs"]
mod structure;
