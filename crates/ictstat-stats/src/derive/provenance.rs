//! The attributes of a derived value: what it is, who computed it, from what.

use ictstat_core::{Attributes, Observation};

use super::definition::Definition;

/// How the SOURCE_DETAIL of every derived value begins, and how [`is_derived`] recognises
/// one: the platform computed it; the inputs' own sources follow (their licences may require
/// the attribution).
pub const SOURCE: &str = "ictstat (derived)";

/// SDG NATURE of a derived value whose inputs are all country data: `CA`, country adjusted.
///
/// The SDG reporting guidelines define `CA` as data produced and provided by the country but
/// adjusted by an international agency for international comparability, to comply with
/// internationally agreed definitions. That is what a derivation does: the country's own
/// figure, re-expressed in the agreed form (a count per 100 inhabitants, a female ÷ male
/// index) by someone other than the country, with a population the country may not have used.
/// It is not `C` (the country did not publish this number), not `E` (nothing is estimated
/// where the country reported nothing on the variable) and not `M` (no model, no covariates).
pub const NATURE: &str = "CA";

/// SDG NATURE codes from the most to the least country-based, for [`weakest`]: a value
/// derived from an estimated or modelled input is itself estimated or modelled.
const NATURES: [&str; 3] = [NATURE, "E", "M"];

/// SDMX OBS_STATUS codes a derived value inherits, from the firmest: a value derived from a
/// provisional input will be revised with it; one derived from an estimate is an estimate.
/// Other codes (a break in series, a definition that differs) describe the input alone and
/// are not carried over; normal inputs give no status, which means normal.
const STATUSES: [&str; 2] = ["P", "E"];

/// Whether ictstat derived this observation (its SOURCE_DETAIL begins with [`SOURCE`]). Such
/// values are neither inputs of a derivation nor reported values that block one: a store
/// holding the previous derivation recomputes it when the inputs change, and derived values
/// never feed one another across runs either.
pub fn is_derived(observation: &Observation) -> bool {
    observation
        .attrs
        .source
        .as_deref()
        .is_some_and(|s| s.starts_with(SOURCE))
}

/// The attributes of the value `definition` derives from `inputs` (driver, partner).
pub(super) fn attributes(definition: &Definition, inputs: [&Observation; 2]) -> Attributes {
    let codes =
        |get: fn(&Attributes) -> Option<&String>| inputs.map(|o| get(&o.attrs).map(String::as_str));
    let mut sources: Vec<&str> = codes(|a| a.source.as_ref()).into_iter().flatten().collect();
    sources.dedup();
    let source = if sources.is_empty() {
        SOURCE.to_string()
    } else {
        format!("{SOURCE}, from: {}", sources.join("; "))
    };
    Attributes {
        obs_status: weakest(&STATUSES, codes(|a| a.obs_status.as_ref())).map(str::to_string),
        nature: Some(
            weakest(&NATURES, codes(|a| a.nature.as_ref()))
                .unwrap_or(NATURE)
                .to_string(),
        ),
        source: Some(source),
        footnote: Some(format!(
            "derived by ictstat ({}): {}",
            definition.id, definition.formula
        )),
        ..Attributes::default()
    }
}

/// The code of `order` that comes last among `codes`; codes not in `order` do not count.
fn weakest(order: &[&'static str], codes: [Option<&str>; 2]) -> Option<&'static str> {
    codes
        .into_iter()
        .flatten()
        .filter_map(|c| order.iter().position(|o| *o == c))
        .max()
        .map(|i| order[i])
}
