//! XLSX workbooks in the long layout: the first worksheet, its first used row as the header.
//! Cells are turned into the text a CSV would hold (numeric cells print exactly: `2021.0`
//! becomes `2021`, `59.1` stays `59.1`), so the long layout and its validation are shared.

use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};

use crate::diag::{Diags, Found};
use crate::long_csv::LongLayout;
use crate::rules;
use crate::table::Columns;
use crate::validate::Validator;
use crate::{ReadOptions, no_data};

/// The text of a cell, as a CSV export of the sheet would write it.
pub(crate) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        // Rust prints the shortest text that reads back as the same f64, and no `.0`.
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(e) => e.to_string(),
    }
}

/// The cells of the first worksheet. The workbook parser runs on untrusted uploads; a panic
/// in it (a bug there) becomes an unreadable workbook rather than a crash of the caller,
/// because `read` promises never to panic.
fn first_sheet(bytes: &[u8]) -> Result<Range<Data>, String> {
    let parse = || {
        let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        match book.worksheet_range_at(0) {
            Some(Ok(r)) => Ok(r),
            Some(Err(e)) => Err(e.to_string()),
            None => Err("it has no worksheet".to_string()),
        }
    };
    std::panic::catch_unwind(parse)
        .unwrap_or_else(|_| Err("the workbook parser failed on this file".to_string()))
}

/// Reads the first worksheet of a workbook in the long layout.
pub(crate) fn read(bytes: &[u8], opts: &ReadOptions, v: &mut Validator<'_>, diags: &mut Diags) {
    let unreadable = |diags: &mut Diags, why: String| {
        diags.add(rules::UNREADABLE_WORKBOOK, None, || {
            Found::new(format!("the workbook cannot be read: {why}"))
                .fix("open it in a spreadsheet and save it again as .xlsx (not encrypted), or export the sheet as CSV UTF-8")
        });
    };
    v.formula_check = false;
    let range = match first_sheet(bytes) {
        Ok(r) => r,
        Err(why) => return unreadable(diags, why),
    };
    let Some((first_row, first_col)) = range.start() else {
        diags.add(rules::EMPTY_FILE, None, || {
            Found::new("the first worksheet is empty")
                .fix("put the data on the first worksheet, header in the first row")
        });
        return;
    };
    let mut rows = range.rows();
    let Some(header) = rows.next() else {
        return;
    };
    let header_line = u64::from(first_row) + 1;
    let cols = Columns {
        names: header
            .iter()
            .map(|c| cell_text(c).trim().to_string())
            .collect(),
        sheet_first_col: Some(first_col),
        location: String::new(),
    };
    let Some(layout) = LongLayout::new(&cols, header_line, opts, diags) else {
        return;
    };
    let mut data_rows = 0u64;
    let mut cells: Vec<String> = Vec::with_capacity(cols.names.len());
    for (i, row) in rows.enumerate() {
        let line = header_line + 1 + i as u64;
        cells.clear();
        cells.extend(row.iter().map(cell_text));
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        data_rows += 1;
        if cols.is_repeated_header(cells.as_slice()) {
            diags.add(rules::REPEATED_HEADER, Some(line), || {
                Found::new(format!(
                    "the header row (row {header_line}) appears again inside the data"
                ))
                .value(cells.join(","))
                .fix("remove the repeated header row")
            });
            continue;
        }
        layout.row(line, cells.as_slice(), &cols, v, diags);
    }
    if data_rows == 0 {
        no_data(header_line, diags);
    }
}
