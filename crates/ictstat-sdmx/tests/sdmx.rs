//! Integration tests of ictstat-sdmx: one binary, one module per area.

mod data;
mod structure;
