//! Quality flags: rules that mark an estimate reliable, unreliable or suppressed, and the
//! SDMX observation status each maps to.
//!
//! No rule is mandated by ITU (survey.md §1.4); the defaults combine the published rules
//! quoted there:
//!
//! | rule | default | source (survey.md §1.4) |
//! |---|---|---|
//! | suppressed if n < `suppress_below_n` | 20 | Eurostat ICT household survey: cells with < 20 unweighted respondents are not published **(R)** |
//! | unreliable if n < `unreliable_below_n` | 50 | Eurostat: 20–49 respondents flagged unreliable **(R)** |
//! | unreliable if CV ≥ `unreliable_above_cv` | 0.20 | CEPAL/ECLAC 2020 (`calidad`): "review" if CV ≥ 0.20 (V) |
//! | suppressed if CV > `suppress_above_cv` | 0.50 | ABS: RSE > 50 % too unreliable for general use **(R)** |
//! | unreliable if df < `unreliable_below_df` | 9 | INE Chile 2020 and CEPAL 2020: df < 9 |
//!
//! **(R)**: survey.md §1.4 marks the Eurostat and ABS thresholds as *recalled, not
//! verified* against a primary source; (V): verified (the `calidad` source). The CEPAL rule
//! is inclusive (CV ≥ 0.20 is unreliable), so the comparison is `>=` despite the field's
//! name.
//!
//! n is the unweighted number of rows in the domain (the denominator's respondents). The
//! CV rules are skipped when the estimate is 0 (its CV is undefined; the n rules still
//! apply). Observation status (SDG codelist `CL_OBS_STATUS`, catalog/sdmx): reliable →
//! `A` (normal value); unreliable → `U` (low reliability) — not `E` ("estimated value"),
//! since every survey figure is an estimate; suppressed → `Q` (missing value; suppressed),
//! with the value, SE and interval withheld — not `M` ("data cannot exist").

use serde::{Deserialize, Serialize};

use crate::estimate::Estimate;

/// The thresholds (every one configurable in the plan's `[quality]` table).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QualityRules {
    /// Suppress below this unweighted n.
    pub suppress_below_n: u64,
    /// Unreliable below this unweighted n.
    pub unreliable_below_n: u64,
    /// Unreliable at or above this coefficient of variation (CEPAL: CV ≥ 0.20).
    pub unreliable_above_cv: f64,
    /// Suppress above this coefficient of variation.
    pub suppress_above_cv: f64,
    /// Unreliable below these design degrees of freedom.
    pub unreliable_below_df: f64,
}

impl Default for QualityRules {
    fn default() -> Self {
        Self {
            suppress_below_n: 20,
            unreliable_below_n: 50,
            unreliable_above_cv: 0.20,
            suppress_above_cv: 0.50,
            unreliable_below_df: 9.0,
        }
    }
}

/// The verdict on one estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Quality {
    /// Publish as is.
    Reliable,
    /// Publish with a warning.
    Unreliable,
    /// Withhold the value.
    Suppressed,
}

impl Quality {
    /// The SDMX `OBS_STATUS` code (SDG `CL_OBS_STATUS`): `A`, `U` or `Q`.
    #[must_use]
    pub fn obs_status(self) -> &'static str {
        match self {
            Self::Reliable => "A",
            Self::Unreliable => "U",
            Self::Suppressed => "Q",
        }
    }

    /// The name used in outputs.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Reliable => "reliable",
            Self::Unreliable => "unreliable",
            Self::Suppressed => "suppressed",
        }
    }
}

impl QualityRules {
    /// Judges an estimate.
    #[must_use]
    pub fn judge(&self, e: &Estimate) -> Quality {
        let cv = if e.value == 0.0 { f64::NAN } else { e.cv.abs() };
        if e.n < self.suppress_below_n || cv > self.suppress_above_cv || e.value.is_nan() {
            return Quality::Suppressed;
        }
        if e.n < self.unreliable_below_n
            || cv >= self.unreliable_above_cv
            || e.df < self.unreliable_below_df
            || e.se.is_nan()
        {
            return Quality::Unreliable;
        }
        Quality::Reliable
    }
}
