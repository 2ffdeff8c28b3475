//! Numbers in statistical files: what parses, why something does not (so that the fix can
//! say what to change), and the range an indicator's unit allows.

use ictstat_core::UnitKind;

use crate::diag::{Diags, Found};
use crate::rules;
use crate::validate::{Cell, Here};

/// A plain finite decimal number. Rust's parser accepts `inf` and `NaN`, which statistical
/// files must not contain (a missing value is a missing row or a status).
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    text.trim_ascii()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Why a number did not parse, as a fix to offer.
fn number_fix(text: &str) -> &'static str {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if lower.contains("nan") || lower.contains("inf") {
        "leave the value empty (or `..`) for a missing value, with an obs_status explaining it"
    } else if t.ends_with('%') {
        "remove the % sign: the unit comes from the indicator"
    } else if is_thousands(t) {
        "remove the thousands separators (write 1234567, not 1,234,567)"
    } else if t.contains(',') {
        "use a point as the decimal separator (12.5, not 12,5)"
    } else {
        "write a plain decimal number such as 12.5 or -3 or 1.2e6"
    }
}

/// `1,234` or `12,345,678.5`: digit groups of three after commas.
fn is_thousands(t: &str) -> bool {
    let int = t.split('.').next().unwrap_or("");
    let int = int.strip_prefix('-').unwrap_or(int);
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The number in `cell`, or `None` after reporting `bad-number`.
pub(crate) fn number(cell: Cell<'_>, here: &Here<'_>, diags: &mut Diags) -> Option<f64> {
    let v = parse_number(cell.text);
    if v.is_none() {
        diags.add(rules::BAD_NUMBER, Some(here.line), || {
            Found::new(format!(
                "`{}` is not a finite decimal number",
                cell.text.trim()
            ))
            .column(here.label(cell.at))
            .value(cell.text)
            .fix(number_fix(cell.text))
        });
    }
    v
}

/// Range checks by unit kind: percentages lie in 0–100, counts, rates and ratios are not
/// negative. Returns false (after reporting `out-of-range`) when `v` is outside.
pub(crate) fn in_range(
    v: f64,
    kind: UnitKind,
    what: &str,
    cell: Cell<'_>,
    here: &Here<'_>,
    diags: &mut Diags,
) -> bool {
    let problem = match kind {
        UnitKind::Percent if !(0.0..=100.0).contains(&v) => {
            "a percentage must lie between 0 and 100"
        }
        UnitKind::Count | UnitKind::Rate | UnitKind::Ratio if v < 0.0 => "must not be negative",
        _ => return true,
    };
    diags.add(rules::OUT_OF_RANGE, Some(here.line), || {
        Found::new(format!("{what} {v}: {problem}"))
            .column(here.label(cell.at))
            .value(cell.text)
            .fix("check the value, its unit and the indicator it is filed under")
    });
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_finite_decimals() {
        assert_eq!(parse_number(" 59.1 "), Some(59.1));
        assert_eq!(parse_number("-1.5e3"), Some(-1500.0));
        for bad in ["1,234", "NaN", "inf", "-infinity", "12%", "", "1 234"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
        assert!(number_fix("1,234,567").contains("thousands"));
        assert!(number_fix("12,5").contains("decimal separator"));
        assert!(number_fix("NaN").contains("missing"));
    }
}
