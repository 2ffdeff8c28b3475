//! Integration tests of ictstat-stats: one binary, one module per area.

#[path = "stats/aggregate.rs"]
mod aggregate;
#[path = "stats/bundled.rs"]
mod bundled;
#[path = "stats/checks.rs"]
mod checks;
#[path = "stats/derive.rs"]
mod derive;
#[path = "stats/index.rs"]
mod index;
#[path = "stats/progress.rs"]
mod progress;
