//! The ICT Development Index (ITU, 2023 method, used for IDI 2024; indicators.md §5).
//!
//! An index is data, an [`IndexSpec`]: pillars of components of indicators, each indicator
//! scored 0–100 against its goalposts ([`IndicatorSpec::normalise`]), weighted means up the
//! tree, a completeness rule per pillar and a window of years for the latest value.
//! [`IndexSpec::itu_2024`] is the IDI as far as the reference notes confirm it; the
//! normalisation and aggregation parameters ITU publishes in its report were not retrieved
//! (§5.3), so they are defaults, documented as such, and can be replaced.
//! [`compute`] scores and ranks every economy with data, and lists those below the
//! completeness rule with the reason.

mod compute;
mod itu;
mod rank;
mod spec;

pub use crate::progress::Direction;
pub use compute::{Completeness, IndicatorScore, PillarScore, Row, Score, compute};
pub use spec::{
    ComponentSpec, Goalposts, IndexSpec, IndicatorSpec, Missing, PillarSpec, SpecError, Transform,
};
