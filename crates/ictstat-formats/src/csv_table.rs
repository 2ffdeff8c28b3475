//! CSV text as a [`Columns`] header and rows, with the structural checks every CSV layout
//! shares: the delimiter, rows with the wrong number of fields, a header repeated in the data.

use csv::StringRecord;

use crate::diag::{Diags, Found};
use crate::rules;
use crate::table::{Columns, Row};

/// A CSV record seen as a [`Row`]. (A `StringRecord` checks UTF-8 once per record, not once
/// per field; the text was decoded before parsing, so the check cannot fail.)
pub(crate) struct CsvRow<'r>(pub &'r StringRecord);

impl Row for CsvRow<'_> {
    #[inline]
    fn get(&self, i: usize) -> &str {
        self.0.get(i).unwrap_or("")
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Physical line numbers of records.
///
/// The positions the `csv` crate attaches to records are where the previous record ended, so
/// they lag behind after CRLF terminators and blank lines; this counter finds where each
/// record really starts by skipping the terminators after the previous one.
#[derive(Debug, Clone, Copy)]
struct Lines {
    pos: usize,
    line: u64,
}

impl Lines {
    /// The line of the record that starts after the current position.
    fn record_start(&mut self, text: &[u8]) -> u64 {
        while let Some(&b) = text.get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
        self.line
    }

    /// Moves to byte `to` (the end of a record), counting the line breaks inside the record.
    fn advance(&mut self, text: &[u8], to: usize) {
        let to = to.min(text.len());
        if to > self.pos {
            self.line += text[self.pos..to].iter().filter(|&&b| b == b'\n').count() as u64;
            self.pos = to;
        }
    }
}

/// Reads the next record and returns the physical line it starts on.
fn next_record(
    rdr: &mut csv::Reader<&[u8]>,
    rec: &mut StringRecord,
    text: &[u8],
    lines: &mut Lines,
) -> Result<Option<u64>, csv::Error> {
    if !rdr.read_record(rec)? {
        return Ok(None);
    }
    let line = lines.record_start(text);
    lines.advance(text, rdr.position().byte() as usize);
    Ok(Some(line))
}

/// A CSV file positioned after its header row.
pub(crate) struct CsvTable<'t> {
    rdr: csv::Reader<&'t [u8]>,
    text: &'t [u8],
    delim: u8,
    pub columns: Columns,
    /// 1-based line of the header row.
    pub header_line: u64,
    rec: StringRecord,
    lines: Lines,
}

/// Delimiters a one-field header may reveal.
const OTHER_DELIMITERS: [(u8, &str); 4] =
    [(b';', "';'"), (b'\t', "tab"), (b',', "','"), (b'|', "'|'")];

impl<'t> CsvTable<'t> {
    /// Reads up to the header row: the first record for which `is_header` holds (layouts with
    /// a preamble, such as the World Bank bulk download, skip their preamble this way).
    /// Reports `wrong-delimiter` and returns `None` when the header is one field holding
    /// another delimiter, and returns `None` without a report when no record is a header.
    pub fn open(
        text: &'t str,
        delim: u8,
        is_header: impl Fn(&StringRecord) -> bool,
        diags: &mut Diags,
    ) -> Option<Self> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .from_reader(text.as_bytes());
        let mut rec = StringRecord::new();
        let mut lines = Lines { pos: 0, line: 1 };
        let header_line = loop {
            match next_record(&mut rdr, &mut rec, text.as_bytes(), &mut lines) {
                Ok(Some(line)) if is_header(&rec) => break line,
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return None,
            }
        };
        let names: Vec<String> = (0..rec.len())
            .map(|i| CsvRow(&rec).get(i).trim().to_string())
            .collect();
        if names.len() == 1
            && let Some((_, name)) = OTHER_DELIMITERS
                .iter()
                .find(|(d, _)| *d != delim && names[0].as_bytes().contains(d))
        {
            let header = names[0].clone();
            diags.add(rules::WRONG_DELIMITER, Some(header_line), || {
                Found::new(format!(
                    "the header is a single field that contains {name}: the file is not delimited by '{}'",
                    delim as char
                ))
                .value(header)
                .fix(format!("pass --delimiter {name}"))
            });
            return None;
        }
        Some(CsvTable {
            rdr,
            text: text.as_bytes(),
            delim,
            columns: Columns::new(names),
            header_line,
            rec,
            lines,
        })
    }

    /// A later part of a CSV file whose header was read elsewhere: `text` starts at a record
    /// boundary on line `first_line` (see `text::record_starts`).
    pub fn continuation(
        text: &'t str,
        delim: u8,
        columns: Columns,
        header_line: u64,
        first_line: u64,
    ) -> Self {
        CsvTable {
            rdr: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delim)
                .from_reader(text.as_bytes()),
            text: text.as_bytes(),
            delim,
            columns,
            header_line,
            rec: StringRecord::new(),
            lines: Lines {
                pos: 0,
                line: first_line,
            },
        }
    }

    /// Calls `f` with the 1-based line and the cells of every data row, after the structural
    /// checks: rows whose field count differs from the header's (`bad-row`) and repeated
    /// headers (`repeated-header`) are reported and not passed on; rows of empty fields are
    /// skipped. Returns the number of non-blank rows after the header (for `no-data`).
    pub fn rows(
        &mut self,
        diags: &mut Diags,
        mut f: impl FnMut(u64, &CsvRow<'_>, &Columns, &mut Diags),
    ) -> u64 {
        let n = self.columns.names.len();
        let mut count = 0u64;
        loop {
            let line = match next_record(&mut self.rdr, &mut self.rec, self.text, &mut self.lines) {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => {
                    // The byte-record reader of a flexible reader has no error left but I/O,
                    // which a slice cannot produce; report rather than assume.
                    let line = self.lines.line;
                    diags.add(rules::BAD_ROW, Some(line), || {
                        Found::new(format!("the CSV parser stopped: {e}"))
                    });
                    break;
                }
            };
            if self.rec.as_slice().is_empty() {
                continue;
            }
            count += 1;
            let row = CsvRow(&self.rec);
            if self.rec.len() != n {
                let at_end = self.rdr.position().byte() as usize >= self.text.len()
                    && !self.text.ends_with(b"\n");
                let found = self.rec.len();
                let delim = self.delim as char;
                let shown = shown_row(&row, delim);
                diags.add(rules::BAD_ROW, Some(line), || {
                    let (message, fix) = if found < n && at_end {
                        (
                            format!(
                                "the file ends in the middle of this row: it has {found} of the header's {n} fields"
                            ),
                            "the file was truncated (interrupted download or copy): get the complete file".to_string(),
                        )
                    } else if found > n {
                        (
                            format!("this row has {found} fields but the header has {n}"),
                            format!(
                                "quote values that contain '{delim}' (or remove thousands separators), or remove the extra fields"
                            ),
                        )
                    } else {
                        (
                            format!("this row has {found} fields but the header has {n}"),
                            format!(
                                "add the missing fields: empty cells still need their '{delim}' separators"
                            ),
                        )
                    };
                    Found::new(message).value(shown).fix(fix)
                });
                continue;
            }
            if self.columns.is_repeated_header(&row) {
                let header_line = self.header_line;
                diags.add(rules::REPEATED_HEADER, Some(line), || {
                    Found::new(format!(
                        "the header row (line {header_line}) appears again inside the data: were two files concatenated?"
                    ))
                    .value(shown_row(&row, self.delim as char))
                    .fix("remove the repeated header line, or import the files separately")
                });
                continue;
            }
            f(line, &row, &self.columns, diags);
        }
        count
    }
}

/// A row as text for a diagnostic, cut to 200 characters.
fn shown_row(row: &CsvRow<'_>, delim: char) -> String {
    let mut s = String::new();
    for i in 0..row.len() {
        if i > 0 {
            s.push(delim);
        }
        s.push_str(row.get(i));
        if s.len() > 200 {
            let cut = (0..=200)
                .rev()
                .find(|&c| s.is_char_boundary(c))
                .unwrap_or(0);
            s.truncate(cut);
            s.push('…');
            break;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> (Vec<u64>, Vec<String>) {
        let mut d = Diags::new("t.csv");
        let mut t = CsvTable::open(text, b',', |_| true, &mut d).unwrap();
        let mut lines = Vec::new();
        t.rows(&mut d, |line, _, _, _| lines.push(line));
        (
            lines,
            d.report
                .diagnostics
                .iter()
                .map(|d| d.rule.clone())
                .collect(),
        )
    }

    #[test]
    fn lines_are_physical_with_crlf_blank_lines_and_multiline_fields() {
        assert_eq!(lines_of("a,b\r\n1,2\r\n\r\n3,4\r\n").0, vec![2, 4]);
        assert_eq!(lines_of("a,b\n\"x\ny\",2\n3,4\n").0, vec![2, 4]);
        assert_eq!(lines_of("\r\n\na,b\n1,2\n\n\n3,4").0, vec![4, 7]);
    }

    #[test]
    fn structural_rows_are_reported_not_passed_on() {
        let (lines, rules) = lines_of("a,b\n1,2\na,b\n3\n4,5,6\n,\n7,8");
        assert_eq!(lines, vec![2, 7]);
        assert_eq!(rules, vec!["repeated-header", "bad-row", "bad-row"]);
    }
}
