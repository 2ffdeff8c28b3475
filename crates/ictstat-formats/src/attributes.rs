//! The SDMX attributes of a candidate: OBS_STATUS and NATURE checked against their codelists,
//! UNIT_MULT an integer exponent, bounds and standard error numbers consistent with the value.

use ictstat_core::{Attributes, Catalog, UnitKind};

use crate::columns::Attr;
use crate::diag::{Diags, Found};
use crate::number::{in_range, number};
use crate::rules;
use crate::table::{At, is_missing};
use crate::validate::{Candidate, Here, code_fix};

/// The attributes of candidate `c`, whose text cells (trimmed, formula-checked) are `text`
/// in `Attr::ALL` order; `None` after reporting when one is invalid. `default_source` fills
/// an empty SOURCE.
pub(crate) fn attributes(
    catalog: &Catalog,
    c: &Candidate<'_>,
    text: &[Option<&str>; 8],
    default_source: Option<&String>,
    value: Option<f64>,
    here: &Here<'_>,
    diags: &mut Diags,
) -> Option<Attributes> {
    let mut ok = true;
    let mut attrs = Attributes::default();
    let at_of = |a: Attr| c.attrs[a.index()].map_or(At::FileName, |c| c.at);
    let present = |a: Attr| text[a.index()].filter(|t| !t.is_empty());
    for (a, list) in [
        (Attr::ObsStatus, "CL_OBS_STATUS"),
        (Attr::Nature, "CL_NATURE"),
    ] {
        let Some(t) = present(a) else {
            continue;
        };
        let code = t.to_ascii_uppercase();
        if !catalog.has_code(list, &code) {
            ok = false;
            diags.add(rules::UNKNOWN_CODE, Some(here.line), || {
                Found::new(format!("`{t}` is not a code of {list}"))
                    .column(here.label(at_of(a)))
                    .value(t)
                    .fix(code_fix(catalog, list))
            });
        } else if a == Attr::ObsStatus {
            attrs.obs_status = Some(code);
        } else {
            attrs.nature = Some(code);
        }
    }
    if let Some(t) = present(Attr::UnitMult) {
        // Spreadsheets write integers as `6.0`.
        let exponent = t
            .parse::<i32>()
            .ok()
            .or_else(|| t.strip_suffix(".0").and_then(|i| i.parse().ok()));
        match exponent {
            Some(m) if (-15..=15).contains(&m) => attrs.unit_mult = Some(m),
            _ => {
                ok = false;
                diags.add(rules::BAD_UNIT_MULT, Some(here.line), || {
                    Found::new("UNIT_MULT must be an integer power of ten between -15 and 15")
                        .column(here.label(at_of(Attr::UnitMult)))
                        .value(t)
                        .fix("write the exponent: 3 for thousands, 6 for millions")
                });
            }
        }
    }
    attrs.source = present(Attr::Source)
        .map(str::to_string)
        .or_else(|| default_source.cloned());
    attrs.footnote = present(Attr::Footnote).map(str::to_string);
    for a in [Attr::LowerBound, Attr::UpperBound, Attr::StdError] {
        let Some(cell) = c.attrs[a.index()].filter(|c| !is_missing(c.text)) else {
            continue;
        };
        let Some(v) = number(cell, here, diags) else {
            ok = false;
            continue;
        };
        match a {
            Attr::LowerBound => attrs.lower_bound = Some(v),
            Attr::UpperBound => attrs.upper_bound = Some(v),
            _ => {
                ok &= in_range(v, UnitKind::Count, "standard error", cell, here, diags);
                attrs.std_error = Some(v);
            }
        }
    }
    ok &= bounds_hold(value, &attrs, c, here, diags);
    ok.then_some(attrs)
}

/// `lower_bound <= value <= upper_bound`; reports `bad-bounds` and returns false otherwise.
fn bounds_hold(
    value: Option<f64>,
    attrs: &Attributes,
    c: &Candidate<'_>,
    here: &Here<'_>,
    diags: &mut Diags,
) -> bool {
    let (lo, hi) = (attrs.lower_bound, attrs.upper_bound);
    let broken = match (lo, value, hi) {
        (Some(l), _, Some(h)) if l > h => Some((
            format!("lower bound {l} is above upper bound {h}"),
            Attr::LowerBound,
        )),
        (Some(l), Some(v), _) if l > v => Some((
            format!("lower bound {l} is above the value {v}"),
            Attr::LowerBound,
        )),
        (_, Some(v), Some(h)) if v > h => Some((
            format!("the value {v} is above upper bound {h}"),
            Attr::UpperBound,
        )),
        _ => None,
    };
    let Some((message, attr)) = broken else {
        return true;
    };
    let cell = c.attrs[attr.index()].unwrap_or(c.value);
    diags.add(rules::BAD_BOUNDS, Some(here.line), || {
        Found::new(message)
            .column(here.label(cell.at))
            .value(cell.text)
            .fix("lower_bound <= value <= upper_bound must hold; check whether the bounds are swapped or in another unit")
    });
    false
}
