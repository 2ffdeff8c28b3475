//! Writers for exports and API downloads: the long CSV layout that [`crate::read`] accepts
//! back, and the same table as an XLSX workbook with an "About" sheet.
//!
//! Columns: `indicator, area, period`, one column per breakdown dimension that any exported
//! indicator allows or any row uses (DSD order, lower-case names, `_T` for total), `value`,
//! then the eight attributes `obs_status, unit_mult, nature, source, footnote, lower_bound,
//! upper_bound, std_error`. Areas are written as M49 codes, periods in SDMX form, numbers in
//! the shortest form that reads back as the same `f64`; a missing value is an empty cell.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

use ictstat_core::{Catalog, Dimension, Observation, Period};
use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use crate::columns::Attr;
use crate::text::FORMULA_LEADS;

/// Errors of the XLSX writer. (The CSV writer returns `std::io::Error`, as its output does.)
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("cannot write the XLSX workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error(
        "{rows} observations do not fit in one worksheet (at most {max} rows); export CSV instead, or filter"
    )]
    TooManyRows { rows: usize, max: usize },
}

/// Text for a CSV cell: formula-like text gets a leading apostrophe, which spreadsheets show
/// as text and [`crate::read`] removes again. Only text goes through here, never numbers.
fn protect(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_LEADS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The dimension columns of an export: those the exported indicators allow, and any a row
/// uses (so that nothing is lost if the catalogue changed), in DSD order.
fn dimensions(observations: &[Observation], catalog: &Catalog) -> Vec<Dimension> {
    let mut used = [false; 11];
    let mut last_indicator: Option<&str> = None;
    for o in observations {
        for (d, _) in o.key.breakdown.iter() {
            used[d as usize] = true;
        }
        if last_indicator != Some(o.key.indicator.as_str()) {
            last_indicator = Some(&o.key.indicator);
            if let Some(ind) = catalog.indicator(&o.key.indicator) {
                for d in &ind.dimensions {
                    used[*d as usize] = true;
                }
            }
        }
    }
    Dimension::ALL
        .into_iter()
        .filter(|d| used[*d as usize])
        .collect()
}

/// The header of the long layout for these dimensions.
fn header(dims: &[Dimension]) -> Vec<&'static str> {
    let mut h = vec!["indicator", "area", "period"];
    h.extend(dims.iter().map(|d| d.column()));
    h.push("value");
    h.extend(Attr::ALL.iter().map(|a| a.column()));
    h
}

/// One cell of an exported row.
enum Out<'a> {
    Text(&'a str),
    Period(Period),
    Number(f64),
    Empty,
}

/// The cells of one observation in header order.
fn cells<'a>(o: &'a Observation, dims: &[Dimension], out: &mut Vec<Out<'a>>) {
    out.clear();
    out.push(Out::Text(&o.key.indicator));
    out.push(Out::Text(&o.key.area));
    out.push(Out::Period(o.period));
    for d in dims {
        out.push(Out::Text(o.key.breakdown.get(*d)));
    }
    out.push(o.value.map_or(Out::Empty, Out::Number));
    let a = &o.attrs;
    let text = |t: &'a Option<String>| t.as_deref().map_or(Out::Empty, Out::Text);
    out.push(text(&a.obs_status));
    out.push(
        a.unit_mult
            .map_or(Out::Empty, |m| Out::Number(f64::from(m))),
    );
    out.push(text(&a.nature));
    out.push(text(&a.source));
    out.push(text(&a.footnote));
    out.push(a.lower_bound.map_or(Out::Empty, Out::Number));
    out.push(a.upper_bound.map_or(Out::Empty, Out::Number));
    out.push(a.std_error.map_or(Out::Empty, Out::Number));
}

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Writes observations as a long CSV (UTF-8, no BOM, `\n` line ends) that [`crate::read`]
/// reads back to the same observations.
pub fn write_long_csv<W: io::Write>(
    out: W,
    observations: &[Observation],
    catalog: &Catalog,
) -> io::Result<()> {
    let dims = dimensions(observations, catalog);
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(header(&dims)).map_err(csv_error)?;
    let mut row = Vec::new();
    let mut number = String::new();
    for o in observations {
        cells(o, &dims, &mut row);
        for cell in &row {
            match cell {
                Out::Text(t) => w.write_field(protect(t).as_bytes()),
                Out::Period(p) => {
                    number.clear();
                    let _ = write!(number, "{p}");
                    w.write_field(number.as_bytes())
                }
                Out::Number(v) => {
                    number.clear();
                    let _ = write!(number, "{v}");
                    w.write_field(number.as_bytes())
                }
                Out::Empty => w.write_field(b""),
            }
            .map_err(csv_error)?;
        }
        w.write_record(None::<&[u8]>).map_err(csv_error)?;
    }
    w.flush()
}

/// Excel's rules for sheet names: at most 31 characters, none of `[]:*?/\`, not empty, not
/// starting or ending with an apostrophe, and not the name of the About sheet.
fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    let cleaned = cleaned.trim().trim_matches('\'').trim().to_string();
    if cleaned.is_empty()
        || cleaned.eq_ignore_ascii_case("about")
        || cleaned.eq_ignore_ascii_case("history")
    {
        "Data".to_string()
    } else {
        cleaned
    }
}

/// Writes observations as an XLSX workbook: a sheet named after `sheet_title` with the long
/// layout (header row frozen, autofilter), and an "About" sheet with the title, the
/// `citation` (which should carry the data's licence terms), and what the columns mean.
/// Text cells are always typed as text, so formula-like text is never executed; those cells
/// also get Excel's hidden quote prefix so that editing them keeps them text.
pub fn write_xlsx(
    observations: &[Observation],
    catalog: &Catalog,
    sheet_title: &str,
    citation: &str,
) -> Result<Vec<u8>, FormatError> {
    const MAX_ROWS: usize = 1_048_576 - 1;
    if observations.len() > MAX_ROWS {
        return Err(FormatError::TooManyRows {
            rows: observations.len(),
            max: MAX_ROWS,
        });
    }
    let dims = dimensions(observations, catalog);
    let columns = header(&dims);
    let bold = CellFormat::new().set_bold();
    let quoted = CellFormat::new().set_quote_prefix();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(sheet_title))?;
    for (c, name) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &bold)?;
    }
    let mut row = Vec::new();
    for (r, o) in observations.iter().enumerate() {
        cells(o, &dims, &mut row);
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Out::Text(t) if t.starts_with(FORMULA_LEADS) => {
                    sheet.write_string_with_format(r, c, *t, &quoted)?;
                }
                Out::Text(t) => {
                    sheet.write_string(r, c, *t)?;
                }
                Out::Period(p) => {
                    sheet.write_string(r, c, p.to_string())?;
                }
                Out::Number(v) => {
                    sheet.write_number(r, c, *v)?;
                }
                Out::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, observations.len() as u32, columns.len() as u16 - 1)?;
    sheet.set_column_width(0, 16)?;

    let about = book.add_worksheet();
    about.set_name("About")?;
    about.set_column_width(0, 14)?;
    about.set_column_width(1, 100)?;
    let mut r = 0u32;
    about.write_string_with_format(r, 0, "Title", &bold)?;
    about.write_string(r, 1, sheet_title)?;
    r += 1;
    about.write_string_with_format(r, 0, "Citation", &bold)?;
    for line in citation.lines() {
        about.write_string(r, 1, line)?;
        r += 1;
    }
    r = r.max(2) + 1;
    about.write_string_with_format(r, 0, "Column", &bold)?;
    about.write_string_with_format(r, 1, "Meaning", &bold)?;
    for name in &columns {
        r += 1;
        about.write_string(r, 0, *name)?;
        about.write_string(r, 1, column_meaning(name))?;
    }
    Ok(book.save_to_buffer()?)
}

fn column_meaning(name: &str) -> &'static str {
    match name {
        "indicator" => "Series code of the indicator (ictstat catalogue / UN SDG database).",
        "area" => "Reference area, UN M49 code.",
        "period" => "Reporting period (SDMX: 2021, 2021-Q3, 2021-07).",
        "value" => {
            "Observed value, in the unit of the indicator; empty when missing (see obs_status)."
        }
        "obs_status" => "SDMX OBS_STATUS (A normal, E estimated, P provisional, M missing…).",
        "unit_mult" => "SDMX UNIT_MULT: the value is multiplied by 10 to this power.",
        "nature" => "SDG NATURE (C country data, CA country adjusted, E estimated, M modelled…).",
        "source" => "Who produced the value (SDG SOURCE_DETAIL).",
        "footnote" => "Footnote (SDG COMMENT_OBS).",
        "lower_bound" => "Lower bound of the estimate.",
        "upper_bound" => "Upper bound of the estimate.",
        "std_error" => "Standard error of the estimate.",
        _ => "Breakdown code (SDG data structure definition 1.4); _T is the total.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_is_protected() {
        assert_eq!(protect("=1+1"), "'=1+1");
        assert_eq!(protect("-provisional"), "'-provisional");
        assert_eq!(protect("ITU"), "ITU");
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        assert_eq!(
            sheet_name("Internet use [2024]: all/any"),
            "Internet use 2024 allany"
        );
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
        assert_eq!(sheet_name(" about "), "Data");
        assert_eq!(sheet_name("''"), "Data");
    }
}
