//! Integration tests of ictstat-stats: one binary, one module per area.

#[path = "stats/aggregate.rs"]
mod aggregate;
#[path = "stats/progress.rs"]
mod progress;
