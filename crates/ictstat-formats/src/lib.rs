#![doc = include_str!("../README.md")]

mod attributes;
mod columns;
mod cross_row;
mod csv_table;
mod detect;
mod diag;
mod gapminder;
mod long_csv;
mod mapping;
mod number;
mod open_sdg;
pub mod rules;
mod sdmx_json;
mod sdmx_ml;
mod table;
mod text;
mod validate;
mod world_bank;
mod write;
mod xlsx;

use ictstat_core::{Catalog, Observation, Report};

pub use detect::{Format, UnknownFormat};
pub use text::MAX_FIELD_BYTES;
pub use world_bank::AGGREGATES as WORLD_BANK_AGGREGATES;
pub use write::{FormatError, write_long_csv, write_xlsx};

use diag::{Diags, Found};
use validate::Validator;

/// How to read a file. Everything is optional: by default the layout is detected, the text
/// must be UTF-8 and comma-delimited, and the file itself names indicator and area.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The layout, overriding detection.
    pub format: Option<Format>,
    /// The indicator (code or alias) for layouts whose file does not name it in a column:
    /// the World Bank long population file, Open SDG (overrides the file name), Gapminder
    /// (overrides the concept), a long CSV without an indicator column.
    pub indicator: Option<String>,
    /// The area for files without an area column (Open SDG national files; also used for
    /// empty `GeoCode` cells, which Open SDG uses for the national total).
    pub area: Option<String>,
    /// SOURCE attribute to set on rows that have none.
    pub source: Option<String>,
    /// Field delimiter of text layouts; default `b','`.
    pub delimiter: Option<u8>,
    /// Encoding of text layouts as a WHATWG label (`windows-1252`, `iso-8859-1`, `utf-16le`);
    /// default: UTF-8 only (a UTF-16 byte-order mark is honoured).
    pub encoding: Option<String>,
}

/// What [`read`] found in a file.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The layout read (`LongCsv` when none was recognised; `report` then has
    /// `unknown-format`).
    pub format: Format,
    /// The valid observations only. Empty when a structural problem makes the file
    /// unusable. Whether to write anything when `report` has errors is the caller's decision
    /// (ictstat writes nothing unless the user asked to skip invalid rows).
    pub observations: Vec<Observation>,
    pub report: Report,
    /// Data points read: one per data row, except in the World Bank bulk download where each
    /// (country, year) cell is one. `rows_read` = observations + skipped + rejected.
    pub rows_read: u64,
    /// Data points skipped without an error: missing-value markers (empty, `..`, `...`) with
    /// no explicit OBS_STATUS, and World Bank aggregates.
    pub rows_skipped: u64,
}

/// Reads a file in any supported layout. Never panics and never fails: every problem is a
/// diagnostic in the report, positioned by line and column.
pub fn read(file_name: &str, bytes: &[u8], catalog: &Catalog, opts: &ReadOptions) -> Parsed {
    let mut diags = Diags::new(file_name);
    let mut v = Validator::new(catalog, opts.source.clone());
    let format = read_into(file_name, bytes, opts, &mut v, &mut diags);
    let (mut observations, rows_read, rows_skipped) = v.finish(&mut diags);
    if diags.fatal {
        observations = Vec::new();
    }
    // Checks that run when all rows are in (duplicates, totals) report late: put the
    // diagnostics back in file order, file-level ones first.
    diags
        .report
        .diagnostics
        .sort_by_key(|d| d.line.unwrap_or(0));
    Parsed {
        format: format.unwrap_or(Format::LongCsv),
        observations,
        report: diags.report,
        rows_read,
        rows_skipped,
    }
}

fn read_into(
    file_name: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    v: &mut Validator<'_>,
    diags: &mut Diags,
) -> Option<Format> {
    let format = opts.format.or_else(|| Format::detect(file_name, bytes));
    if text::is_blank(bytes) {
        diags.add(rules::EMPTY_FILE, None, || {
            Found::new("the file is empty").fix("export the data again; the file has no content")
        });
        return format;
    }
    if format == Some(Format::Xlsx) {
        xlsx::read(bytes, opts, v, diags);
        return format;
    }
    if let Some(f @ (Format::SdmxMl | Format::SdmxJson)) = format {
        // XML and JSON are not scanned as CSV (their quotes are not field quotes); the
        // readers check value sizes themselves.
        if !text::is_utf16(bytes) && text::check_binary(bytes, diags) {
            return format;
        }
        if let Some(text) = text::decode(bytes, opts.encoding.as_deref(), diags) {
            if f == Format::SdmxMl {
                sdmx_ml::read(&text, opts, v, diags);
            } else {
                sdmx_json::read(&text, opts, v, diags);
            }
        }
        return format;
    }
    let declared_wide = opts
        .encoding
        .as_deref()
        .is_some_and(|e| e.to_ascii_lowercase().contains("utf-16"));
    // Where a large long CSV can be cut for parallel reading, found in the same pass as the
    // field sizes when the text is the file's bytes themselves (UTF-8, not transcoded).
    let mut part_starts = None;
    if !text::is_utf16(bytes) && !declared_wide {
        if text::check_binary(bytes, diags) {
            return format;
        }
        let delim = opts.delimiter.unwrap_or(b',');
        let body = text::strip_bom(bytes);
        let targets = match (format, &opts.encoding) {
            (Some(Format::LongCsv), None) => long_csv::part_targets(body.len()),
            _ => Vec::new(),
        };
        let scan = text::scan(body, delim, MAX_FIELD_BYTES, &targets);
        if let Some(big) = scan.oversized {
            let column = header_name(body, delim, big);
            diags.add(rules::FIELD_TOO_LARGE, Some(big.line), || {
                Found::new(format!(
                    "a field of {} bytes starts here; no field may exceed {} KiB",
                    big.len,
                    MAX_FIELD_BYTES / 1024
                ))
                .column(column)
                .fix("look for an unbalanced double quote before this point, which makes the rest of the file one field; footnotes longer than 64 KiB are not supported")
            });
            return format;
        }
        if !targets.is_empty() {
            part_starts = Some(scan.record_starts);
        }
    }
    let Some(text) = text::decode(bytes, opts.encoding.as_deref(), diags) else {
        return format;
    };
    let Some(format) = format else {
        diags.add(rules::UNKNOWN_FORMAT, Some(1), || {
            Found::new("neither the file name nor the header matches a supported layout")
                .fix("use the long layout (indicator, area, period, value columns), or pass --format long-csv|open-sdg|world-bank|gapminder|xlsx|sdmx-ml|sdmx-json")
        });
        return None;
    };
    match format {
        Format::LongCsv => long_csv::read(&text, opts, part_starts, v, diags),
        Format::OpenSdg => open_sdg::read(file_name, &text, opts, v, diags),
        Format::WorldBank => world_bank::read(file_name, &text, opts, v, diags),
        Format::Gapminder => gapminder::read(file_name, &text, opts, v, diags),
        Format::Xlsx => xlsx::read(bytes, opts, v, diags),
        Format::SdmxMl => sdmx_ml::read(&text, opts, v, diags),
        Format::SdmxJson => sdmx_json::read(&text, opts, v, diags),
    }
    Some(format)
}

/// The header name of the column an oversized field is in, read from the first record
/// (which is small unless it is the oversized one).
fn header_name(body: &[u8], delim: u8, big: text::Oversized) -> String {
    let fallback = format!("column {}", big.field + 1);
    if big.line == 1 {
        return fallback;
    }
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(body);
    let mut rec = csv::ByteRecord::new();
    match rdr.read_byte_record(&mut rec) {
        Ok(true) => rec
            .get(big.field)
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or(fallback),
        _ => fallback,
    }
}

/// Reports a table with a header and no data row.
pub(crate) fn no_data(header_line: u64, diags: &mut Diags) {
    diags.add(rules::NO_DATA, Some(header_line), || {
        Found::new("the file has a header but no data rows")
            .fix("check that the export or the sheet holds data")
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use ictstat_core::Dimension;

    #[test]
    fn every_rule_is_documented_in_the_readme() {
        let readme = include_str!("../README.md");
        for rule in rules::ALL {
            assert!(
                readme.contains(&format!("| `{}` |", rule.id)),
                "README lacks rule {}",
                rule.id
            );
        }
    }

    #[test]
    fn dimension_discriminants_follow_dsd_order() {
        for (i, d) in Dimension::ALL.into_iter().enumerate() {
            assert_eq!(d as usize, i);
        }
    }
}
