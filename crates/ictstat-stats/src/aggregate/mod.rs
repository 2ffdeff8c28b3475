//! Regional and group aggregates with their coverage.
//!
//! ictstat aggregates only what countries report (optionally with short gaps filled from the
//! same country's neighbouring years, marked as estimates); it does not impute missing
//! countries as ITU and the UN do. Each aggregate therefore carries its coverage (share of the
//! group's population and number of countries with data) and a coverage rule decides whether
//! it is published. The method per indicator follows its unit kind ([`Method::for_kind`]).
//!
//! Layers, from one aggregate up: [`fill`] one country-year, [`aggregate`] one group-year from
//! its members, [`aggregate_all`] every group × year of an indicator from flat rows indexed
//! once in a [`SeriesIndex`].

mod compute;
mod coverage;
mod driver;
mod gapfill;
mod method;
mod series;

pub use compute::{Aggregate, Contributor, Member, aggregate};
pub use coverage::{Coverage, CoverageRule};
pub use driver::{Group, GroupYear, Spec, aggregate_all, catalog_groups};
pub use gapfill::{Filled, GapFill, Origin, fill};
pub use method::{Method, MethodRule, Weight};
pub use series::SeriesIndex;
