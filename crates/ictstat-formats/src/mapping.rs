//! Free-text disaggregations → SDG dimensions and codes.
//!
//! National platforms (Open SDG) and DDF files write disaggregations as words in columns named
//! for what they are (`Sex` = `male`, `Age` = `aged 15-24 years`, `Category` = `equal to or
//! greater than 10 Mbit/s`). This module is the one table that turns them into the SDG DSD 1.4
//! codes the store keeps; the crate README documents it ("Free-text disaggregations"). Every
//! result is checked against the catalogue's codelists, so the table can never produce a code
//! the codelist lacks.

use ictstat_core::{Catalog, Dimension};

use crate::columns::normalize;
use crate::diag::{Diags, Found};
use crate::rules;
use crate::table::{At, Columns, Row};

/// What a free-text column disaggregates by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Disaggregation {
    Dim(Dimension),
    /// A generic `Category` column: the value decides the dimension.
    Category,
}

/// The disaggregation a column of an Open SDG file or a DDF key names.
pub(crate) fn disaggregation_column(name: &str) -> Option<Disaggregation> {
    let dim = match normalize(name).as_str() {
        "category" => return Some(Disaggregation::Category),
        "sex" | "gender" => Dimension::Sex,
        "age" | "age_group" | "age_band" | "age_groups" => Dimension::Age,
        "location" | "urbanisation" | "urbanization" | "urban_rural" | "area_type" => {
            Dimension::Urbanisation
        }
        "type_of_speed" | "speed" | "download_speed" | "type_of_skill" | "skill" => {
            Dimension::CompositeBreakdown
        }
        "quantile" | "income_quantile" | "wealth_quantile" | "income_or_wealth_quantile" => {
            Dimension::IncomeWealthQuantile
        }
        "education_level" | "level_of_education" => Dimension::EducationLev,
        "disability_status" | "disability" => Dimension::DisabilityStatus,
        "economic_activity" => Dimension::Activity,
        n => return n.parse().ok().map(Disaggregation::Dim),
    };
    Some(Disaggregation::Dim(dim))
}

/// The free-text disaggregation columns of a table, and the mapping of a row's cells to codes.
#[derive(Debug, Clone, Default)]
pub(crate) struct DisaggColumns {
    pub columns: Vec<(usize, Disaggregation)>,
}

/// The codes of one row, by dimension (`Dimension::ALL` order), with the column each came from.
pub(crate) type RowCodes = [Option<(String, At)>; 11];

impl DisaggColumns {
    /// Maps the disaggregation cells of a row to codes. Reports `unknown-code` for a value the
    /// table does not map (naming the column and the value) and for two columns that give one
    /// dimension different codes; returns `None` if the row has such a problem.
    pub fn codes<R: Row + ?Sized>(
        &self,
        catalog: &Catalog,
        row: &R,
        line: u64,
        cols: &Columns,
        diags: &mut Diags,
    ) -> Option<RowCodes> {
        let mut out: RowCodes = Default::default();
        let mut ok = true;
        for &(i, kind) in &self.columns {
            let text = row.get(i).trim();
            let mapped = match kind {
                Disaggregation::Dim(d) => map_value(catalog, d, text).map(|c| Some((d, c))),
                Disaggregation::Category => map_category(catalog, text),
            };
            let (dim, code) = match mapped {
                Ok(Some((_, code))) if code == "_T" => continue,
                Ok(Some(dc)) => dc,
                Ok(None) => continue,
                Err(no) => {
                    ok = false;
                    let column = cols.label(At::col(i), line);
                    diags.add(rules::UNKNOWN_CODE, Some(line), || {
                        let what = match kind {
                            Disaggregation::Dim(d) => format!("a {d} code"),
                            Disaggregation::Category => "a speed band, skill, sex, urbanisation or age code".into(),
                        };
                        let message = match &no.tried {
                            Some(code) => format!("`{text}` reads as {code}, which is not {what} of the SDG codelists"),
                            None => format!("`{text}` does not map to {what}"),
                        };
                        Found::new(message).column(column).value(text).fix(
                            "write the SDG code (e.g. F, Y15T24, U, IS_GE10M) or a value of the mapping table in the ictstat-formats documentation; values that are separate series (e.g. mobile network generations of 9.c.1) must be imported as their own indicator",
                        )
                    });
                    continue;
                }
            };
            let slot = &mut out[dim as usize];
            match slot {
                Some((earlier, at)) if *earlier != code => {
                    ok = false;
                    let (first, column) = (cols.label(*at, line), cols.label(At::col(i), line));
                    let earlier = earlier.clone();
                    diags.add(rules::UNKNOWN_CODE, Some(line), || {
                        Found::new(format!(
                            "this column gives {dim}={code} but column `{first}` gives {dim}={earlier}"
                        ))
                        .column(column)
                        .value(text)
                        .fix("a row has one code per dimension: correct one of the two cells")
                    });
                }
                _ => *slot = Some((code, At::col(i))),
            }
        }
        ok.then_some(out)
    }
}

/// Why a value did not map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoCode {
    /// The code the value reads as, when it reads as one the codelist lacks (`aged 3-7` →
    /// `Y3T7`).
    pub tried: Option<String>,
}

/// `_T` for the words every dimension accepts as "total".
fn is_total(n: &str) -> bool {
    matches!(
        n,
        "" | "_t"
            | "total"
            | "all"
            | "both_sexes"
            | "bothsex"
            | "allage"
            | "all_ages"
            | "allarea"
            | "all_areas"
            | "national"
            | "anys"
            | "any_speed"
            | "all_speeds"
    )
}

/// The code of dimension `dim` that the free-text `text` names.
pub(crate) fn map_value(catalog: &Catalog, dim: Dimension, text: &str) -> Result<String, NoCode> {
    let t = text.trim();
    let n = normalize(t);
    if is_total(&n) {
        return Ok("_T".into());
    }
    let cl = dim.codelist();
    if catalog.has_code(cl, t) {
        return Ok(t.to_string());
    }
    let upper = t.to_ascii_uppercase();
    if catalog.has_code(cl, &upper) {
        return Ok(upper);
    }
    let code = match dim {
        Dimension::Sex => sex(&n).map(str::to_string),
        Dimension::Urbanisation => urbanisation(&n).map(str::to_string),
        Dimension::Age => age(t),
        Dimension::CompositeBreakdown => speed(t).or_else(|| skill(&upper)).map(str::to_string),
        _ => None,
    };
    match code {
        Some(c) if catalog.has_code(cl, &c) => Ok(c),
        Some(c) => Err(NoCode { tried: Some(c) }),
        None => Err(NoCode { tried: None }),
    }
}

/// The dimension and code a generic `Category` value names: a speed band or skill first (the
/// use of `Category` on Open SDG platforms for 17.6.1 and 4.4.1), then sex, urbanisation, age.
/// `Ok(None)` is total.
pub(crate) fn map_category(
    catalog: &Catalog,
    text: &str,
) -> Result<Option<(Dimension, String)>, NoCode> {
    if is_total(&normalize(text)) {
        return Ok(None);
    }
    for dim in [
        Dimension::CompositeBreakdown,
        Dimension::Sex,
        Dimension::Urbanisation,
        Dimension::Age,
    ] {
        if let Ok(code) = map_value(catalog, dim, text) {
            return Ok(Some((dim, code)));
        }
    }
    Err(NoCode { tried: None })
}

fn sex(n: &str) -> Option<&'static str> {
    match n {
        "male" | "males" | "men" | "man" | "m" => Some("M"),
        "female" | "females" | "women" | "woman" | "f" => Some("F"),
        "other" => Some("_O"),
        "unknown" => Some("_U"),
        _ => None,
    }
}

fn urbanisation(n: &str) -> Option<&'static str> {
    match n {
        "urban" | "urban_areas" | "urban_area" | "u" => Some("U"),
        "rural" | "rural_areas" | "rural_area" | "r" => Some("R"),
        _ => None,
    }
}

/// UN SDG database "Type of skill" codes (series SE_ADT_ACTS, 4.4.1) → CL_COMP_BREAKDOWN,
/// matched on the codelist's descriptions of the nine ICT skills.
fn skill(upper: &str) -> Option<&'static str> {
    Some(match upper {
        "COPA" => "SKILL_ICTCPT",
        "EMAIL" => "SKILL_ICTATCH",
        "SOFT" => "SKILL_ICTSFWR",
        "EPRS" => "SKILL_ICTPST",
        "PCPR" => "SKILL_ICTPRGM",
        "INST" => "SKILL_ICTCDV",
        "ARSP" => "SKILL_ICTSSHT",
        "TRAF" => "SKILL_ICTTRFF",
        "CMFL" => "SKILL_ICTCMFL",
        _ => return None,
    })
}

/// Words that carry no meaning in an age band.
const AGE_FILLER: [&str; 8] = ["aged", "age", "ages", "years", "year", "yrs", "old", "olds"];

/// The CL_AGE code an age band reads as (`aged 15-24 years` → `Y15T24`, `75+` → `Y_GE75`,
/// `under 15` → `Y0T14`). Not checked against the codelist here.
fn age(text: &str) -> Option<String> {
    let lower = text.to_lowercase().replace(['–', '—'], "-");
    let mut nums: Vec<u32> = Vec::new();
    let mut rest = String::new();
    let mut chars = lower.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = c.to_digit(10)?;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = n.checked_mul(10)?.checked_add(d)?;
                chars.next();
            }
            nums.push(n);
            rest.push(' ');
        } else if c.is_alphabetic() {
            rest.push(c);
        } else if c.is_whitespace() {
            rest.push(' ');
        } else {
            rest.push(' ');
            rest.push(c);
            rest.push(' ');
        }
    }
    let words: Vec<&str> = rest
        .split_whitespace()
        .filter(|w| !AGE_FILLER.contains(w))
        .collect();
    let rest = words.join(" ");
    match (nums.as_slice(), rest.as_str()) {
        ([a, b], "-" | "to" | "_") if a <= b => Some(format!("Y{a}T{b}")),
        (
            [a],
            "+" | "and over" | "and above" | "or over" | "or more" | "and older" | "or older"
            | "plus" | "> =" | "and_over",
        ) => Some(format!("Y_GE{a}")),
        ([a], "under" | "less than" | "below" | "<") if *a > 0 => Some(format!("Y0T{}", a - 1)),
        ([a], "") => Some(format!("Y{a}")),
        _ => None,
    }
}

/// A speed in kbit/s and the position after it, from text like `256 kbit/s`, `2Mbps`, `10m`.
fn speeds(text: &str) -> Vec<f64> {
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
            i += 1;
        }
        let Ok(n) = lower[start..i].parse::<f64>() else {
            continue;
        };
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let scale = match b.get(i) {
            Some(b'k') => 1.0,
            Some(b'm') => 1e3,
            Some(b'g') => 1e6,
            _ => continue,
        };
        out.push(n * scale);
    }
    out
}

/// The CL_COMP_BREAKDOWN speed tier of a band of advertised download speed.
fn speed(text: &str) -> Option<&'static str> {
    let s = speeds(text);
    let lower = text.to_ascii_lowercase();
    let is = |a: f64, b: f64| (a - b).abs() < 1e-9;
    match s.as_slice() {
        [a, b] if is(*a, 256.0) && is(*b, 2e3) => Some("IS_256KT2M"),
        [a, b] if is(*a, 2e3) && is(*b, 10e3) => Some("IS_2MT10M"),
        [a] if is(*a, 10e3)
            && !["less", "below", "under", "<"]
                .iter()
                .any(|w| lower.contains(w)) =>
        {
            Some("IS_GE10M")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::embedded().unwrap()
    }

    #[test]
    fn maps_armenian_open_sdg_values() {
        let c = catalog();
        let m = |d, t| map_value(&c, d, t);
        assert_eq!(m(Dimension::Sex, "male").unwrap(), "M");
        assert_eq!(m(Dimension::Sex, "FEMALE").unwrap(), "F");
        assert_eq!(m(Dimension::Sex, "BOTHSEX").unwrap(), "_T");
        assert_eq!(m(Dimension::Age, "aged 0-5 years").unwrap(), "Y0T5");
        assert_eq!(m(Dimension::Age, "aged 15-24 years").unwrap(), "Y15T24");
        assert_eq!(m(Dimension::Age, "25+").unwrap(), "Y_GE25");
        assert_eq!(m(Dimension::Age, "75 years and over").unwrap(), "Y_GE75");
        assert_eq!(m(Dimension::Age, "under 15").unwrap(), "Y0T14");
        assert_eq!(m(Dimension::Age, "15–24").unwrap(), "Y15T24");
        assert_eq!(m(Dimension::Age, "ALLAGE").unwrap(), "_T");
        assert_eq!(
            m(Dimension::Age, "aged 3-7 years"),
            Err(NoCode {
                tried: Some("Y3T7".into())
            })
        );
        assert_eq!(m(Dimension::Urbanisation, "Rural").unwrap(), "R");
        assert_eq!(m(Dimension::Urbanisation, "ALLAREA").unwrap(), "_T");
        assert_eq!(
            m(Dimension::Sex, "hermaphrodite"),
            Err(NoCode { tried: None })
        );
    }

    #[test]
    fn maps_speed_bands_in_words_and_sdg_codes() {
        let c = catalog();
        for (text, code) in [
            (
                "equal to or greater than 256 kbit/s and less than 2 Mbit/s",
                "IS_256KT2M",
            ),
            (
                "equal to or greater than 2 Mbit/s and less than 10 Mbit/s",
                "IS_2MT10M",
            ),
            ("equal to or greater than 10 Mbit/s", "IS_GE10M"),
            ("256kt2mbps", "IS_256KT2M"),
            ("2mt10mbps", "IS_2MT10M"),
            ("10mbps", "IS_GE10M"),
            ("IS_GE10M", "IS_GE10M"),
        ] {
            assert_eq!(
                map_category(&c, text).unwrap(),
                Some((Dimension::CompositeBreakdown, code.to_string())),
                "{text}"
            );
        }
        assert_eq!(map_category(&c, "anys").unwrap(), None);
        assert_eq!(
            map_category(&c, "male").unwrap(),
            Some((Dimension::Sex, "M".into()))
        );
        assert!(map_category(&c, "3G, 4G, 4G+").is_err());
        assert!(map_category(&c, "less than 10 Mbit/s").is_err());
    }
}
