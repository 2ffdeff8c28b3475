//! Progress toward targets: several published methods behind one interface.
//!
//! Every method takes the same input, a series of [`Point`]s and its [`SeriesSpec`] (base
//! year, target year, target value, direction, natural limit, parity; anchors.md §5.5), and
//! returns its assessment as data: its own status vocabulary, a score where it has one, and
//! the calculation components (window, growth rates, ratio, prediction, gap) so the API can
//! show how the status was reached. [`assess`] dispatches on a [`Method`]; [`assess_all`]
//! puts several side by side.
//!
//! - [`open_sdg`]: Statistics Canada's measure as sdg-build computes it (§5.4);
//! - [`unsd`]: the UNSD Progress Chart, 2022 and 2023 formulations (§5.2);
//! - [`escap`]: ESCAP's Current Status and Anticipated Progress indices (§5.3);
//! - [`distance`]: distance to a catalogue target;
//! - [`growth`]: the shared building blocks (§5.1).

/// Declares a status vocabulary: a fieldless enum serialized as its label, with
/// `as_str` giving the same label, so the JSON and the code agree by construction.
macro_rules! statuses {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
        pub enum $name {
            $(#[serde(rename = $label)] $variant),+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }
        }
    };
}

pub mod distance;
pub mod escap;
pub mod growth;
mod method;
pub mod open_sdg;
mod series;
pub mod unsd;

pub use method::{Assessment, Method, assess, assess_all};
pub use series::{BaseYearRule, Direction, Point, SeriesSpec, Window, period_year};

/// Input the methods refuse rather than assess.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProgressError {
    /// Two values for one year: the series is not a single series (sdg-build raises too).
    #[error("two values for the year {0}: select one series before assessing progress")]
    DuplicateYear(i32),
    #[error("unknown target comparator `{0}` (expected `>=` or `<=`)")]
    UnknownComparator(String),
    #[error("target `{0}` has no numerical value")]
    NoTargetValue(String),
}
