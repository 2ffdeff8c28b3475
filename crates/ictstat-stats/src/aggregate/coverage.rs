//! How much of a group an aggregate stands for, and whether that is enough to publish it.
//!
//! ictstat does not impute missing countries (the UN and ITU do, with models we cannot
//! reproduce), so an aggregate is the figure of the members with data. The coverage says how
//! far that is from the whole group, and the rule withholds aggregates that would mostly
//! describe the countries that happened to report.

use serde::Serialize;

/// The share of the group covered by members with data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    /// Weight (usually population) of the members with data ÷ weight of all members whose
    /// weight is known, in [0, 1]; `None` when no member has a positive weight.
    pub weight_share: Option<f64>,
    /// Members whose value entered the aggregate.
    pub countries_with_data: usize,
    /// Members of the group.
    pub members: usize,
}

/// The minimum coverage for an aggregate to be published.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CoverageRule {
    /// Minimum `Coverage::weight_share`; 0 disables the check (and then a group without known
    /// weights can pass).
    pub min_weight_share: f64,
    /// Minimum number of members with data; at least one is always required.
    pub min_countries: usize,
}

impl Default for CoverageRule {
    /// Two thirds of the group's weight, from at least one country. ITU publishes no minimum
    /// coverage for its aggregates (reference notes, indicators §6.1); two thirds of the
    /// population is the example of issue 4 and keeps a published figure about most of the
    /// group.
    fn default() -> Self {
        CoverageRule {
            min_weight_share: 2.0 / 3.0,
            min_countries: 1,
        }
    }
}

impl CoverageRule {
    /// Publishes any aggregate with at least one country, for comparisons and exploration.
    pub fn any_data() -> Self {
        CoverageRule {
            min_weight_share: 0.0,
            min_countries: 1,
        }
    }

    pub fn passes(&self, coverage: &Coverage) -> bool {
        let enough_countries = coverage.countries_with_data >= self.min_countries.max(1);
        let enough_weight = self.min_weight_share <= 0.0
            || coverage
                .weight_share
                .is_some_and(|share| share >= self.min_weight_share);
        enough_countries && enough_weight
    }
}
