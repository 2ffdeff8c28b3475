//! From the bytes of a text file to UTF-8 text: byte-order marks, binary files, encodings, and
//! fields too large to be data. These checks run before any CSV parsing so that each problem
//! is reported as what it is (a binary file is not "a row with the wrong number of fields").

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use crate::diag::{Diags, Found};
use crate::rules;

/// The longest field any layout accepts. Statistical values, codes and footnotes are far
/// shorter; a longer field is nearly always an unbalanced quote that swallowed the rest of the
/// file, or an attempt to exhaust memory.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Characters that make a spreadsheet execute a cell as a formula (OWASP "CSV injection").
pub(crate) const FORMULA_LEADS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell without the apostrophe that protects formula-like text (`'=x` → `=x`, what
/// the CSV writer writes), and whether the text is an unprotected formula.
pub(crate) fn unescape_text(text: &str) -> (&str, bool) {
    if let Some(rest) = text.strip_prefix('\'')
        && rest.starts_with(FORMULA_LEADS)
    {
        return (rest, false);
    }
    (text, text.starts_with(FORMULA_LEADS))
}

/// The bytes without a UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// True when the file holds nothing but a byte-order mark and white space.
pub(crate) fn is_blank(bytes: &[u8]) -> bool {
    strip_bom(bytes).iter().all(u8::is_ascii_whitespace)
}

/// What a binary file most likely is, from its first bytes.
pub(crate) fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 7] = [
        (
            b"PK\x03\x04",
            "a ZIP archive (an XLSX/ODS workbook or a zipped file)",
        ),
        (
            b"\xD0\xCF\x11\xE0",
            "a legacy Office file (an .xls workbook)",
        ),
        (b"\x89PNG", "a PNG image"),
        (b"%PDF", "a PDF document"),
        (b"\x1F\x8B", "a GZIP archive"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
    ];
    SIGNATURES
        .iter()
        .find(|(sig, _)| bytes.starts_with(sig))
        .map(|(_, what)| *what)
}

/// The byte offset of the first NUL byte, which never occurs in CSV text. (`contains` is the
/// vectorised search; the position is only looked for in binary files.)
fn first_nul(bytes: &[u8]) -> Option<usize> {
    if !bytes.contains(&0) {
        return None;
    }
    bytes.iter().position(|&b| b == 0)
}

/// 1-based line and 0-based column (in bytes) of a byte offset.
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> (u64, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let col = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(offset, |nl| offset - nl - 1);
    (line, col)
}

/// Reports a binary file. Returns true if one was found.
pub(crate) fn check_binary(bytes: &[u8], diags: &mut Diags) -> bool {
    if let Some(what) = binary_kind(bytes) {
        diags.add(rules::BINARY_FILE, Some(1), || {
            let fix = if what.starts_with("a ZIP") {
                "if it is an XLSX workbook, give it the .xlsx extension or pass --format xlsx; if it is a zipped CSV, unzip it first"
            } else if what.starts_with("a legacy") {
                "open it in a spreadsheet and save it as .xlsx or as \"CSV UTF-8\""
            } else {
                "upload the data file itself, exported as CSV (UTF-8) or XLSX"
            };
            Found::new(format!(
                "the file is {what}, not CSV text (it was named or declared as text)"
            ))
            .fix(fix)
        });
        return true;
    }
    if let Some(at) = first_nul(bytes) {
        let (line, _) = line_of(bytes, at);
        diags.add(rules::BINARY_FILE, Some(line), || {
            Found::new(format!(
                "the file contains a NUL byte at byte offset {at}: it is binary, or UTF-16 text without a byte-order mark"
            ))
            .fix("export the data as CSV (UTF-8) or XLSX; for UTF-16 text, pass --encoding utf-16le")
        });
        return true;
    }
    false
}

/// A field longer than [`MAX_FIELD_BYTES`]: where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Oversized {
    /// 1-based physical line where the field starts.
    pub line: u64,
    /// 0-based index of the field in its record.
    pub field: usize,
    pub len: usize,
}

/// One field of a CSV text, as [`walk_fields`] reports it.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    /// Line where the field starts.
    line: u64,
    /// 0-based index in its record.
    index: usize,
    /// When the field ends its record: the next record's line.
    next_line: u64,
}

/// What [`walk_fields`] should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    /// Report no more record ends (only fields longer than the limit).
    NoMoreRecords,
    Stop,
}

/// Walks the fields of CSV bytes with the CSV quoting rules (a quote opens a quoted field only
/// at the start of a field; `""` inside a quoted field is a literal quote; newlines inside
/// quotes belong to the field), without copying anything. `visit` sees only the fields that
/// matter: those longer than `limit`, and while `records` holds, every field that ends a
/// record. (Calling it for every field would cost more than the walk itself.)
fn walk_fields(
    bytes: &[u8],
    delim: u8,
    limit: usize,
    mut records: bool,
    mut visit: impl FnMut(Span) -> Flow,
) {
    // Bytes that matter outside quotes; everything else is skipped with one table lookup.
    let mut special = [false; 256];
    for b in [b'"', b'\n', delim] {
        special[b as usize] = true;
    }
    let mut line: u64 = 1;
    let mut index = 0usize;
    let mut start = 0usize;
    let mut start_line = 1u64;
    let mut i = 0usize;
    let n = bytes.len();
    while i < n {
        while i < n && !special[bytes[i] as usize] {
            i += 1;
        }
        if i >= n {
            break;
        }
        let b = bytes[i];
        if b == b'"' {
            if i != start {
                // A quote inside an unquoted field is a literal character.
                i += 1;
                continue;
            }
            i += 1;
            while i < n {
                match bytes[i] {
                    b'"' if bytes.get(i + 1) == Some(&b'"') => i += 2,
                    b'"' => break,
                    b'\n' => {
                        line += 1;
                        i += 1;
                    }
                    _ => i += 1,
                }
            }
            i += 1;
            continue;
        }
        let ends_record = b == b'\n';
        if ends_record {
            line += 1;
        }
        if i - start > limit || (ends_record && records) {
            let span = Span {
                start,
                end: i,
                line: start_line,
                index,
                next_line: line,
            };
            match visit(span) {
                Flow::Continue => {}
                Flow::NoMoreRecords => records = false,
                Flow::Stop => return,
            }
        }
        index = if ends_record { 0 } else { index + 1 };
        start = i + 1;
        start_line = line;
        i += 1;
    }
    if start < n && (n - start > limit || records) {
        let _ = visit(Span {
            start,
            end: n,
            line: start_line,
            index,
            next_line: line,
        });
    }
}

/// For each target offset (ascending), the first record start at or after it, with its
/// 1-based line: where a text can be cut into parts that parse exactly as the whole does.
/// A target past the last record start has no entry.
pub(crate) fn record_starts(bytes: &[u8], delim: u8, targets: &[usize]) -> Vec<(usize, u64)> {
    scan(bytes, delim, usize::MAX, targets).record_starts
}

/// What one pass over a CSV text finds.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub oversized: Option<Oversized>,
    pub record_starts: Vec<(usize, u64)>,
}

/// One pass over a CSV text that finds the first field longer than `limit` bytes (which the
/// CSV parser would otherwise copy whole into its record buffer, keeping it in memory twice)
/// and the [`record_starts`] of `targets`.
pub(crate) fn scan(bytes: &[u8], delim: u8, limit: usize, targets: &[usize]) -> Scan {
    let mut out = Scan::default();
    let check_size = bytes.len() > limit;
    if !check_size && targets.is_empty() {
        return out;
    }
    let mut next = targets.iter().copied().peekable();
    walk_fields(bytes, delim, limit, !targets.is_empty(), |f| {
        if f.end - f.start > limit {
            out.oversized = Some(Oversized {
                line: f.line,
                field: f.index,
                len: f.end - f.start,
            });
            return Flow::Stop;
        }
        if let Some(&target) = next.peek()
            && f.end + 1 >= target
            && f.end + 1 < bytes.len()
        {
            out.record_starts.push((f.end + 1, f.next_line));
            while next.peek().is_some_and(|&t| t <= f.end + 1) {
                next.next();
            }
        }
        match (next.peek().is_some(), check_size) {
            (true, _) => Flow::Continue,
            (false, true) => Flow::NoMoreRecords,
            (false, false) => Flow::Stop,
        }
    });
    out
}

/// Decodes the bytes of a text file to UTF-8.
///
/// Without `encoding`, the bytes must be UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured);
/// the first invalid byte is reported with its line and offset. With `encoding` (a WHATWG
/// label such as `windows-1252`, `latin1`, `utf-16le`), the bytes are decoded with it.
pub(crate) fn decode<'a>(
    bytes: &'a [u8],
    encoding: Option<&str>,
    diags: &mut Diags,
) -> Option<Cow<'a, str>> {
    if let Some(label) = encoding {
        let Some(enc) = Encoding::for_label(label.trim().as_bytes()) else {
            diags.add(rules::INVALID_ENCODING, None, || {
                Found::new(format!("`{label}` is not an encoding name"))
                    .value(label)
                    .fix("pass an encoding label such as utf-8, windows-1252, iso-8859-1 or utf-16le")
            });
            return None;
        };
        let (text, _, had_errors) = enc.decode(bytes);
        let text = match text {
            Cow::Borrowed(s) => Cow::Borrowed(s.strip_prefix('\u{feff}').unwrap_or(s)),
            Cow::Owned(s) => Cow::Owned(match s.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => s,
            }),
        };
        return checked_decoding(text, had_errors, enc.name(), diags);
    }
    for (bom, enc) in [(b"\xFF\xFE", UTF_16LE), (b"\xFE\xFF", UTF_16BE)] {
        if bytes.starts_with(bom) {
            let (text, had_errors) = enc.decode_with_bom_removal(bytes);
            return checked_decoding(text, had_errors, enc.name(), diags);
        }
    }
    let body = strip_bom(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Some(Cow::Borrowed(s)),
        Err(e) => {
            let at = e.valid_up_to();
            let (line, col) = line_of(body, at);
            let offset = at + (bytes.len() - body.len());
            let bad = body[at];
            diags.add(rules::INVALID_ENCODING, Some(line), || {
                Found::new(format!(
                    "the file is not valid UTF-8: byte 0x{bad:02X} at byte offset {offset} (byte {} of line {line}) cannot be decoded",
                    col + 1
                ))
                .value(format!("0x{bad:02X}"))
                .fix("re-save the file as UTF-8 (Excel: \"CSV UTF-8\"), or pass --encoding windows-1252 (or the file's actual encoding)")
            });
            None
        }
    }
}

/// Text decoded from a declared or marked encoding: bytes that did not decode, or NUL
/// characters (which no data file holds and PostgreSQL cannot store), refuse the file instead
/// of slipping U+FFFD or U+0000 into the store.
fn checked_decoding<'a>(
    text: Cow<'a, str>,
    had_errors: bool,
    encoding: &str,
    diags: &mut Diags,
) -> Option<Cow<'a, str>> {
    if had_errors {
        let at = text.find('\u{fffd}').unwrap_or(0);
        let (line, _) = line_of(text.as_bytes(), at);
        diags.add(rules::INVALID_ENCODING, Some(line), || {
            Found::new(format!(
                "the file is not valid {encoding}: line {line} holds bytes that do not decode"
            ))
            .fix("pass the file's actual encoding with --encoding, or re-save it as UTF-8")
        });
        return None;
    }
    if let Some(at) = text.find('\0') {
        let (line, _) = line_of(text.as_bytes(), at);
        diags.add(rules::BINARY_FILE, Some(line), || {
            Found::new(format!("the decoded text contains a NUL character on line {line}: it is not a text data file"))
                .fix("export the data as CSV (UTF-8) or XLSX")
        });
        return None;
    }
    Some(text)
}

/// True when the raw bytes (UTF-8 or an ASCII-compatible encoding) start with a UTF-16
/// byte-order mark, so that NUL bytes are expected.
pub(crate) fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oversized_field(bytes: &[u8], delim: u8, limit: usize) -> Option<Oversized> {
        scan(bytes, delim, limit, &[]).oversized
    }

    #[test]
    fn finds_oversized_fields_with_csv_quoting() {
        let big = "x".repeat(100);
        let text = format!("a,b\n1,\"{big}\"\n");
        let found = oversized_field(text.as_bytes(), b',', 50).unwrap();
        assert_eq!((found.line, found.field), (2, 1));
        // A quoted field with delimiters, newlines and escaped quotes inside is one field.
        let text = format!("a,b\n\"x,\"\"y\"\"\n{}\",2\n3,4\n", "z".repeat(10));
        assert_eq!(
            oversized_field(text.as_bytes(), b',', 12),
            Some(Oversized {
                line: 2,
                field: 0,
                len: 20
            })
        );
        assert_eq!(oversized_field(text.as_bytes(), b',', 30), None);
        // An unquoted final field without a newline.
        let text = format!("a\n{big}");
        assert_eq!(
            oversized_field(text.as_bytes(), b',', 50).map(|o| o.line),
            Some(2)
        );
    }

    #[test]
    fn apostrophe_protects_formula_like_text() {
        assert_eq!(unescape_text("'=SUM(A1)"), ("=SUM(A1)", false));
        assert_eq!(unescape_text("=SUM(A1)"), ("=SUM(A1)", true));
        assert_eq!(unescape_text("'plain"), ("'plain", false));
        assert_eq!(unescape_text("\tx"), ("\tx", true));
    }

    #[test]
    fn record_starts_skip_newlines_inside_quotes() {
        let text = b"h1,h2\n\"a\nb\",1\nc,2\n\"x\"\"\n\",3\n";
        // Targets inside the quoted fields move to the next real record start.
        assert_eq!(record_starts(text, b',', &[7]), vec![(14, 4)]);
        assert_eq!(record_starts(text, b',', &[1, 15]), vec![(6, 2), (18, 5)]);
        assert_eq!(record_starts(text, b',', &[26]), vec![]);
    }

    #[test]
    fn reports_the_first_invalid_byte_with_line_and_offset() {
        let mut d = Diags::new("f.csv");
        let bytes = b"a,b\nx,caf\xE9\n";
        assert!(decode(bytes, None, &mut d).is_none());
        let diag = &d.report.diagnostics[0];
        assert_eq!(diag.rule, "invalid-encoding");
        assert_eq!(diag.line, Some(2));
        assert!(diag.message.contains("byte offset 9"), "{}", diag.message);
        let mut d = Diags::new("f.csv");
        assert_eq!(
            decode(bytes, Some("windows-1252"), &mut d).as_deref(),
            Some("a,b\nx,café\n")
        );
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a,b\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let mut d = Diags::new("f.csv");
        assert_eq!(decode(&bytes, None, &mut d).as_deref(), Some("a,b\n"));
        // A lone surrogate half does not decode; a NUL character is not text.
        let mut bad = vec![0xFF, 0xFE];
        bad.extend_from_slice(&[0x00, 0xD8, b'a', 0x00]);
        assert!(decode(&bad, None, &mut d).is_none());
        let mut nul = vec![0xFF, 0xFE];
        nul.extend_from_slice(&[b'a', 0x00, 0x00, 0x00]);
        assert!(decode(&nul, None, &mut d).is_none());
    }
}
