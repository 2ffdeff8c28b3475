//! Derived indicators: series computed from other series where no source reported them.
//!
//! A per-100-inhabitant rate from a count and the population, the count back from the rate,
//! the gender parity index from the female and male values: the definitions are data
//! (`catalog/derived.toml`, [`DERIVED_TOML`]), checked against the catalogue when read, and
//! [`derive()`] applies them to a set of observations.
//!
//! # Definitions
//!
//! ```toml
//! [[derived]]
//! id = "mobile-cellular-per-100"   # unique; quoted in every derived value's footnote
//! indicator = "IT_CEL_SETS_P2"     # the output series
//! formula = "ratio"                # ratio | product | parity | difference | share
//! numerator = "IT_CEL_SETS"
//! denominator = "SP_POP_TOTL"      # read at the total breakdown
//! scale = 100                      # default 1
//! note = "what it computes, and its caveats"
//! ```
//!
//! The formulas and their fields ([`Formula`]):
//!
//! | formula | fields | value |
//! |---|---|---|
//! | `ratio` | `numerator`, `denominator`, `scale` | `scale × numerator / denominator[_T]` |
//! | `product` | `series`, `multiplier`, `divisor` | `series × multiplier[_T] / divisor` |
//! | `parity` | `series`, `dimension`, `code`, `reference` | `series[dim=code] / series[dim=reference]` |
//! | `difference` | `series`, `dimension`, `code`, `reference` | `series[dim=code] − series[dim=reference]` |
//! | `share` | `series`, `dimension`, `scale` | `scale × series[dim=c] / series[dim=_T]`, each code `c` |
//!
//! Both values are of the same area and period. Ratios and products keep the breakdown of
//! their first series (fixed broadband by speed tier) and read the second at the total
//! (population). Parity and difference keep the other codes of the breakdown and drop the
//! dimension they compare; a share keeps it.
//!
//! # Rules
//!
//! * **Reported data wins.** A value is derived only where the observations hold none for
//!   its key; an observation there without a value (missing, with its status) blocks it too,
//!   since the source has said why there is no number.
//! * **Derived values are not inputs.** Definitions read reported values only, so a rate and
//!   its count cannot feed each other, in one run or across runs ([`is_derived`]).
//! * **Nothing from nothing.** A missing input, a value of `None`, a zero divisor or an
//!   output breakdown the output series does not have yields no value.
//! * **Units.** Inputs are taken at their UNIT_MULT (the observation's, else the catalogue's)
//!   and the output is written in its series' catalogue unit.
//!
//! Each derived value says what it is: NATURE `CA` (see [`NATURE`] for why; `E` or `M` if an
//! input is estimated or modelled), SOURCE_DETAIL beginning with [`SOURCE`] and naming the
//! inputs' sources, the definition and formula in the footnote
//! (`derived by ictstat (mobile-cellular-per-100): 100 × IT_CEL_SETS / SP_POP_TOTL`), and
//! OBS_STATUS `E` if an input is estimated (`P` if one is provisional).

mod definition;
mod formula;
mod index;
mod provenance;

use std::collections::BTreeMap;
use std::sync::Arc;

use ictstat_core::{Attributes, Observation, Period, SeriesKey};

pub use definition::{DERIVED_TOML, Definition, Definitions, DeriveError};
pub use formula::{Contrast, Formula};
pub use provenance::{NATURE, SOURCE, is_derived};

use index::Index;

/// The values `definitions` derive from the reported values among `observations`, sorted by
/// series key and period. Where two definitions give the same output value, the first in the
/// file wins. Values `observations` marks as derived ([`is_derived`]) are ignored: they are
/// the previous derivation, which this one replaces.
pub fn derive(definitions: &Definitions, observations: &[Observation]) -> Vec<Observation> {
    let index = Index::new(definitions, observations);
    let mut out: BTreeMap<SeriesKey, BTreeMap<Period, (f64, Attributes)>> = BTreeMap::new();
    for def in &definitions.definitions {
        for driver in index.series(def.formula.inputs()[0]) {
            if let Some((key, value, attrs)) = one(def, definitions, &index, driver) {
                let series = out.entry(key).or_default();
                series.entry(driver.period).or_insert((value, attrs));
            }
        }
    }
    out.into_iter()
        .flat_map(|(key, values)| {
            let key = Arc::new(key);
            values
                .into_iter()
                .map(move |(period, (value, attrs))| Observation {
                    key: Arc::clone(&key),
                    period,
                    value: Some(value),
                    attrs,
                })
        })
        .collect()
}

/// The value one definition derives from one driver observation, if any.
fn one(
    def: &Definition,
    definitions: &Definitions,
    index: &Index<'_>,
    driver: &Observation,
) -> Option<(SeriesKey, f64, Attributes)> {
    let (area, period) = (driver.key.area.as_str(), driver.period);
    let (partner_series, partner_breakdown) = def.formula.partner(&driver.key.breakdown)?;
    let breakdown = def.formula.output_breakdown(&driver.key.breakdown);
    if !def.allows(&breakdown)
        || index
            .get(&def.indicator, area, period, &breakdown)
            .is_some()
    {
        return None;
    }
    let partner = index.get(partner_series, area, period, &partner_breakdown)?;
    let value = def.formula.combine(
        in_base_units(definitions, driver)?,
        in_base_units(definitions, partner)?,
    )? / scale(definitions, &def.indicator, None);
    let key = SeriesKey {
        indicator: def.indicator.clone(),
        area: area.to_string(),
        breakdown,
    };
    Some((key, value, provenance::attributes(def, [driver, partner])))
}

/// An observation's value times 10^UNIT_MULT; `None` when it has no value.
fn in_base_units(definitions: &Definitions, o: &Observation) -> Option<f64> {
    Some(o.value? * scale(definitions, &o.key.indicator, o.attrs.unit_mult))
}

/// 10^UNIT_MULT of a series: the observation's own multiplier, else the catalogue's.
fn scale(definitions: &Definitions, indicator: &str, own: Option<i32>) -> f64 {
    let mult = own.or_else(|| definitions.unit_mult.get(indicator).copied());
    10f64.powi(mult.unwrap_or(0))
}
