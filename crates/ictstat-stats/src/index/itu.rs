//! ITU's ICT Development Index, 2023 methodology as used for IDI 2024 (indicators.md §5).
//!
//! **Confirmed** (indicators.md §5.2, ITU DataHub structure [S16 ✅]): two pillars, Universal
//! connectivity (3 indicators) and Meaningful connectivity (7 indicators, 3G and 4G coverage
//! grouped in one coverage node, so 6 components); the indicators and their units; scores on a
//! 0–100 scale. The indicator and item codes match the catalogue framework `IDI_2024`.
//!
//! **Not confirmed**: the normalisation and aggregation (§5.3: the report chapter "Composition
//! and computation of the IDI" was not retrieved). The defaults below follow the background
//! understanding of §5.3 (⚠) where it gives one and are ictstat's own choices where it does not;
//! each says which.

use super::spec::{
    ComponentSpec, Goalposts, IndexSpec, IndicatorSpec, Missing, PillarSpec, Transform,
};
use crate::progress::Direction;

/// A higher-is-better share or rate between 0 and 100.
///
/// Not confirmed: goalposts 0 and 100 are the natural range of a percentage; for active
/// mobile-broadband subscriptions per 100 inhabitants (which exceed 100) the cap at 100 is the
/// §5.3 background reading (⚠ "values beyond the goalpost capped at 100").
fn percent(indicator: &str, item: &str) -> IndicatorSpec {
    linear(indicator, item, Direction::Increase, 0.0, 100.0)
}

fn linear(
    indicator: &str,
    item: &str,
    direction: Direction,
    lower: f64,
    upper: f64,
) -> IndicatorSpec {
    IndicatorSpec {
        indicator: indicator.to_owned(),
        item: item.to_owned(),
        direction,
        goalposts: Goalposts { lower, upper },
        transform: Transform::Linear,
        weight: 1.0,
    }
}

/// A component holding one indicator, weighted 1 in its pillar.
fn single(indicator: IndicatorSpec) -> ComponentSpec {
    ComponentSpec {
        code: indicator.item.clone(),
        weight: 1.0,
        indicators: vec![indicator],
    }
}

/// Traffic per subscription, GB: fixed upper goalpost (§5.3 ⚠ "traffic indicators use fixed
/// upper goalposts"), linear (§5.3 names no log for the 2023 method; the log was the legacy
/// IDI's, for bandwidth).
///
/// Not confirmed: the goalpost values and whether a log is applied. The upper goalposts are
/// ictstat placeholders of the order of annual traffic per subscription in high-use economies;
/// the catalogue notes that even the reference period (year or month) of these series is
/// unconfirmed.
fn traffic(indicator: &str, item: &str, upper: f64) -> ComponentSpec {
    single(linear(indicator, item, Direction::Increase, 0.0, upper))
}

/// Basket price as % of GNI per capita, lower is better: 2 % or less scores 100 (§5.3 ⚠,
/// the Broadband Commission's affordability target, §7.3 ✅ as a target).
///
/// Not confirmed: the 2 % goalpost as ITU's, and the worst goalpost; 20 % (scoring 0) is an
/// ictstat placeholder.
fn price(indicator: &str, item: &str) -> ComponentSpec {
    single(linear(indicator, item, Direction::Decrease, 2.0, 20.0))
}

impl IndexSpec {
    /// The IDI 2024 as far as indicators.md §5 goes; see the module documentation for what
    /// is confirmed.
    ///
    /// Not confirmed, ictstat defaults:
    /// - weights: every indicator, component and pillar weighs 1, i.e. arithmetic means at
    ///   each level (§5.3 ⚠ "coverage node = mean of 3G and 4G scores; pillar score =
    ///   arithmetic mean of its component scores; IDI = arithmetic mean of the two pillar
    ///   scores");
    /// - completeness: at least half of each pillar's indicators (2 of 3, 4 of 7), with
    ///   missing indicators left out of the means ([`Missing::Reweight`]); ITU's own rule and
    ///   its imputation of missing values were not retrieved, and ictstat does not impute;
    /// - year window: the latest value from the reference year or the 3 years before it
    ///   (`lookback_years = 3`);
    /// - ties: ranks compare scores at one decimal, the precision scores are usually shown at.
    pub fn itu_2024() -> IndexSpec {
        let universal = PillarSpec {
            code: "U".into(),
            name: "Universal connectivity".into(),
            weight: 1.0,
            min_indicators: 2,
            components: vec![
                single(percent("IT_USE_ii99", "i99H")),
                single(percent("IT_HH_INET", "xHH6_IDI")),
                single(percent("IT_MBB_SUBS_P2", "i911mw_IDI")),
            ],
        };
        let meaningful = PillarSpec {
            code: "M".into(),
            name: "Meaningful connectivity".into(),
            weight: 1.0,
            min_indicators: 4,
            components: vec![
                ComponentSpec {
                    code: "M_COVERAGE".into(),
                    weight: 1.0,
                    indicators: vec![
                        percent("IT_MOB_3GNTWK", "i271G_IDI"),
                        percent("IT_MOB_4GNTWK", "i271GA_IDI"),
                    ],
                },
                traffic("IT_MBB_TRAF_SUB", "i136mwi_subs_IDI", 200.0),
                traffic("IT_FBB_TRAF_SUB", "i135tfb_subs_IDI", 3000.0),
                price("IT_MBB_PRICE_GNI", "i271mb_high_ts_GNI_IDI"),
                price("IT_FBB_PRICE_GNI", "i154_FBB_ts_GNI_IDI"),
                single(percent("IT_MOB_OWN", "xHH18_IDI")),
            ],
        };
        IndexSpec {
            id: "IDI_2024".into(),
            pillars: vec![universal, meaningful],
            lookback_years: 3,
            missing: Missing::Reweight,
            rank_decimals: Some(1),
        }
    }
}
