//! Numbers as SVG text: coordinates to one decimal (a tenth of a unit is below a pixel at any
//! size the pages draw, and every extra digit is bytes on a slow connection), values for
//! people to read, and values for `data-*` attributes in full.

use std::fmt::Write;

use crate::i18n::Lang;

/// Appends `v` rounded to one decimal, without a trailing `.0` or a `-0`: `12`, `-3.5`.
pub(crate) fn push_coord(out: &mut String, v: f64) {
    let tenths = (v * 10.0).round() as i64;
    if tenths < 0 {
        out.push('-');
    }
    let t = tenths.unsigned_abs();
    let _ = write!(out, "{}", t / 10);
    if !t.is_multiple_of(10) {
        let _ = write!(out, ".{}", t % 10);
    }
}

/// `v` rounded to one decimal as a string (see [`push_coord`]).
pub(crate) fn coord(v: f64) -> String {
    let mut s = String::new();
    push_coord(&mut s, v);
    s
}

/// How many decimals a value for people to read gets: one from 1 to 1000 (`35.0`, as the
/// statistics are published), none from 1000 (`53771296`), two significant digits below 1
/// (`0.52`, `0.0041`).
pub(crate) fn display_decimals(v: f64) -> usize {
    let a = v.abs();
    if a >= 1000.0 {
        0
    } else if a >= 1.0 || a == 0.0 {
        1
    } else {
        (1 - a.log10().floor() as i32).clamp(1, 8) as usize
    }
}

/// A value for a tooltip, in the page's language (see [`display_decimals`]).
pub(crate) fn value(v: f64, lang: Lang) -> String {
    lang.number(v, display_decimals(v))
}

/// The value in full for a `data-*` attribute, as Rust prints it: the shortest text that reads
/// back as the same `f64` (`35`, `35.27`).
pub(crate) fn exact(v: f64) -> String {
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_compact() {
        assert_eq!(coord(12.0), "12");
        assert_eq!(coord(12.04), "12");
        assert_eq!(coord(-3.46), "-3.5");
        assert_eq!(coord(-0.04), "0");
        assert_eq!(coord(0.25), "0.3");
    }

    #[test]
    fn values_are_readable() {
        assert_eq!(value(35.0, Lang::En), "35.0");
        assert_eq!(value(123.45, Lang::En), "123.5");
        assert_eq!(value(53_771_296.0, Lang::En), "53,771,296");
        assert_eq!(value(0.523, Lang::En), "0.52");
        assert_eq!(value(0.00412, Lang::En), "0.0041");
        assert_eq!(value(0.0, Lang::En), "0.0");
        assert_eq!(value(-0.01, Lang::En), "−0.010");
        assert_eq!(value(0.015, Lang::Fr), "0,015");
    }
}
