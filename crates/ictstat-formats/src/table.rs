//! What the layouts see of a file: a header, and rows of text cells with a physical position.
//! CSV and XLSX both present themselves this way, so one layout (the long layout) reads both,
//! and every diagnostic names its column the same way.

/// Where a field of a candidate observation came from, for the `column` of a diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum At {
    /// A column of the file, by index. (Kept small: a candidate holds two dozen of these.)
    Col(u32),
    /// Derived from the file name (Open SDG `indicator_17-8-1.csv`, Gapminder concept).
    FileName,
    /// Given in the read options (`--indicator`, `--area`).
    Option(Opt),
}

/// A read option a field can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Opt {
    Indicator,
    Area,
}

impl At {
    pub fn col(i: usize) -> At {
        At::Col(u32::try_from(i).unwrap_or(u32::MAX))
    }
}

/// A row of cells. Cells past the end read as empty.
pub(crate) trait Row {
    fn get(&self, i: usize) -> &str;
    fn len(&self) -> usize;
}

impl Row for [String] {
    fn get(&self, i: usize) -> &str {
        <[String]>::get(self, i).map_or("", String::as_str)
    }
    fn len(&self) -> usize {
        <[String]>::len(self)
    }
}

/// The header of a table and how to name a cell in a diagnostic.
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    pub names: Vec<String>,
    /// For worksheets: the 0-based index of the first column of the used range, so that cells
    /// can be named with their reference (`C12`).
    pub sheet_first_col: Option<u32>,
    /// Where the row is when lines do not say it (SDMX-JSON: the JSON path of the
    /// observation); when not empty, labels read `OBS_VALUE (dataSets[0]…)`.
    pub location: String,
}

impl Columns {
    pub fn new(names: Vec<String>) -> Self {
        Columns {
            names,
            sheet_first_col: None,
            location: String::new(),
        }
    }

    /// The column of a diagnostic: the header text (CSV), the header text and cell reference
    /// (XLSX: `value (D12)`), or where a derived field came from.
    pub fn label(&self, at: At, line: u64) -> String {
        match at {
            At::Col(i) => {
                let i = i as usize;
                let name = self.names.get(i).map_or("", String::as_str);
                let name = if name.is_empty() {
                    format!("column {}", i + 1)
                } else {
                    name.to_string()
                };
                match self.sheet_first_col {
                    Some(first) => {
                        format!(
                            "{name} ({}{line})",
                            column_letters(first.saturating_add(i as u32))
                        )
                    }
                    None if !self.location.is_empty() => format!("{name} ({})", self.location),
                    None => name,
                }
            }
            At::FileName => "(file name)".to_string(),
            At::Option(Opt::Indicator) => "(--indicator)".to_string(),
            At::Option(Opt::Area) => "(--area)".to_string(),
        }
    }

    /// True when a data row repeats the header (same cells, ignoring case and surrounding
    /// white space), as happens when files are concatenated.
    pub fn is_repeated_header<R: Row + ?Sized>(&self, row: &R) -> bool {
        // Most rows differ in their first cell, so this costs one comparison per row.
        self.names.iter().enumerate().all(|(i, n)| {
            n.trim()
                .eq_ignore_ascii_case(strip_bom_str(row.get(i)).trim())
        }) && self.names.iter().any(|n| !n.trim().is_empty())
    }
}

fn strip_bom_str(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

/// Spreadsheet column letters of a 0-based column index: 0 → `A`, 26 → `AA`.
pub(crate) fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A cell is a missing-value marker: empty, `..` or `...` (the markers the World Bank, ITU
/// and the UN SDG database print).
pub(crate) fn is_missing(text: &str) -> bool {
    matches!(text.trim_ascii(), "" | ".." | "...")
}

/// True when a row is skipped for a missing value: the value cell is a missing-value marker
/// and no OBS_STATUS column gives the row an explicit status. Layouts that map cells before
/// validation check this first, so that a skipped row reports nothing.
pub(crate) fn skip_missing<R: Row + ?Sized>(row: &R, value: usize, status: Option<usize>) -> bool {
    is_missing(row.get(value)) && status.is_none_or(|s| row.get(s).trim_ascii().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_spreadsheet_naming() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn labels_name_cells_in_worksheets() {
        let mut c = Columns::new(vec!["indicator".into(), "value".into()]);
        assert_eq!(c.label(At::col(1), 12), "value");
        c.sheet_first_col = Some(2);
        assert_eq!(c.label(At::col(1), 12), "value (D12)");
        assert_eq!(c.label(At::Option(Opt::Area), 3), "(--area)");
    }
}
