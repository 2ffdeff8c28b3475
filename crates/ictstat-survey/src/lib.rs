//! Design-based estimation from household-survey microdata, as R's `survey` package
//! computes it (version 4.1.1, checked to 1e-9 relative by the golden tests).
//!
//! The flow: parse a [`Design`] (TOML), code each row's stratum, PSU and finest breakdown
//! cell, feed the rows once into a [`TableBuilder`] to get the sufficient-statistics
//! [`Table`] (per PSU × cell sums), then ask the table for any [`Statistic`] over any
//! [`Domain`] (a union of cells) and get an [`Estimate`] with SE, CV, design df, design
//! effects and confidence intervals. No I/O: readers and outputs sit on top.
//!
//! ```
//! use ictstat_survey::{CiMethod, Domain, LonelyPsu, Row, Statistic, TableBuilder, TableSpec};
//!
//! // Two strata of two PSUs; cell 0 = men, 1 = women; one 0/1 variable (Internet use).
//! let rows = [
//!     (1, 1, 10.0, 0, 1.0), (1, 1, 12.0, 1, 0.0), (1, 2, 9.0, 0, 1.0), (1, 2, 11.0, 1, 1.0),
//!     (2, 1, 20.0, 0, 0.0), (2, 1, 18.0, 1, 1.0), (2, 2, 22.0, 0, 1.0), (2, 2, 25.0, 1, 0.0),
//! ];
//! let mut builder = TableBuilder::new(TableSpec::taylor(1, LonelyPsu::Fail));
//! for (stratum, psu, weight, cell, internet) in rows {
//!     builder.push(&Row { stratum, psu, weight, cell, values: &[internet], fpc: None, replicate_weights: &[] })?;
//! }
//! let table = builder.finish()?;
//! let women = table.estimate_with_ci(Statistic::Proportion(0), &Domain::cells([1]), CiMethod::Logit, 0.95)?;
//! assert_eq!(women.n, 4);
//! assert_eq!(women.df, 2.0);
//! assert!((women.value - 29.0 / 66.0).abs() < 1e-15);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod binary;
pub mod demo;
pub mod design;
pub mod dist;
pub mod dta;
pub mod error;
pub mod estimate;
pub mod expr;
pub mod flags;
pub mod open;
pub mod parquet_read;
pub mod parquet_write;
mod pattern;
pub mod plan;
pub mod read;
pub mod sav;
pub mod table;
pub mod tabulate;
mod xlsx;

pub use demo::{Demo, DemoError, DemoOptions};
pub use design::{
    Design, LonelyPsu, ReplicateColumns, ReplicateMethod, ReplicateVariance, Replicates,
    SurveyInfo, VarianceSpec,
};
pub use dta::DtaSource;
pub use error::{
    DesignError, EstimateError, ExprError, PlanError, ReadError, TableError, TabulateError,
};
pub use estimate::{CiMethod, Domain, DomainSummary, Estimate, Interval, Statistic};
pub use expr::{Ast, Expr};
pub use flags::{Quality, QualityRules};
pub use open::open;
pub use parquet_read::ParquetSource;
pub use plan::{Breakdown, CiConfig, Codes, Indicator, Level, Plan, StatKind, Unavailable};
pub use read::{CsvSource, Field, Source, Sufficient, Visitor};
pub use sav::SavSource;
pub use table::{Row, Table, TableBuilder, TableSpec};
pub use tabulate::{Output, Tabulation, tabulate};
