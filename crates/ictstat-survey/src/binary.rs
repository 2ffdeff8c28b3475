//! What the binary readers ([`crate::dta`], [`crate::sav`]) share: a byte reader that
//! knows its offset and the file's byte order and turns an early end of file into a
//! [`ReadError`] saying where, text decoding, number formatting, and the loop that feeds
//! decoded rows to the [`Visitor`].
//!
//! Binary formats have no lines; their errors give `line` = observation number + 1, the
//! line the observation would have in a CSV export with a header row (observation 1 is
//! line 2), so that the same data as CSV or as a binary file report the same line.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use encoding_rs::Encoding;

use crate::error::{ReadError, TabulateError};
use crate::read::Visitor;

/// The order of the bytes of a number in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// Least significant byte first (Stata LSF, x86).
    Little,
    /// Most significant byte first (Stata MSF).
    Big,
}

impl ByteOrder {
    /// The `N` bytes at the start of `b` (the caller gives at least `N`).
    fn array<const N: usize>(b: &[u8]) -> [u8; N] {
        let mut a = [0; N];
        a.copy_from_slice(&b[..N]);
        a
    }

    /// An unsigned integer of `b.len()` ≤ 8 bytes (Stata's 6-byte strL offsets too).
    pub(crate) fn uint(self, b: &[u8]) -> u64 {
        let fold = |acc: u64, x: &u8| (acc << 8) | u64::from(*x);
        match self {
            Self::Big => b.iter().fold(0, fold),
            Self::Little => b.iter().rev().fold(0, fold),
        }
    }

    pub(crate) fn i16(self, b: &[u8]) -> i16 {
        match self {
            Self::Big => i16::from_be_bytes(Self::array(b)),
            Self::Little => i16::from_le_bytes(Self::array(b)),
        }
    }

    pub(crate) fn i32(self, b: &[u8]) -> i32 {
        match self {
            Self::Big => i32::from_be_bytes(Self::array(b)),
            Self::Little => i32::from_le_bytes(Self::array(b)),
        }
    }

    pub(crate) fn f32(self, b: &[u8]) -> f32 {
        match self {
            Self::Big => f32::from_be_bytes(Self::array(b)),
            Self::Little => f32::from_le_bytes(Self::array(b)),
        }
    }

    pub(crate) fn f64(self, b: &[u8]) -> f64 {
        match self {
            Self::Big => f64::from_be_bytes(Self::array(b)),
            Self::Little => f64::from_le_bytes(Self::array(b)),
        }
    }
}

/// A reader that counts the bytes it has given, so that every error can say at which
/// byte of the file it happened.
#[derive(Debug)]
pub(crate) struct ByteReader<R> {
    inner: R,
    pos: u64,
    origin: String,
    pub(crate) order: ByteOrder,
    /// What the offsets count, after "byte N" in errors ("" for the file itself).
    pub(crate) place: &'static str,
}

impl<R: Read> ByteReader<R> {
    pub(crate) fn new(inner: R, origin: &str) -> Self {
        Self {
            inner,
            pos: 0,
            origin: origin.to_owned(),
            order: ByteOrder::Little,
            place: "",
        }
    }

    /// The offset of the next byte.
    pub(crate) fn pos(&self) -> u64 {
        self.pos
    }

    pub(crate) fn origin(&self) -> &str {
        &self.origin
    }

    /// An error about the file as a whole (line 0), at the current offset.
    pub(crate) fn error(&self, message: impl std::fmt::Display) -> ReadError {
        file_error(
            &self.origin,
            format!("at byte {}{}: {message}", self.pos, self.place),
        )
    }

    /// Fills `buf`; `what` names what was being read, for the error if the file ends.
    pub(crate) fn fill(
        &mut self,
        buf: &mut [u8],
        what: &dyn std::fmt::Display,
    ) -> Result<(), ReadError> {
        match self.read_full(buf)? {
            n if n == buf.len() => Ok(()),
            _ => Err(self.truncated(what)),
        }
    }

    /// Reads as many bytes as `buf` holds, fewer only at the end of the file; returns how
    /// many. Errors other than the end of the file are reported as they are.
    pub(crate) fn read_full(&mut self, buf: &mut [u8]) -> Result<usize, ReadError> {
        let mut n = 0;
        while n < buf.len() {
            match self.inner.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => {
                    n += k;
                    self.pos += k as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.error(format!("cannot read: {e}"))),
            }
        }
        Ok(n)
    }

    /// The error for a file that ended inside (or before) `what`.
    pub(crate) fn truncated(&self, what: &dyn std::fmt::Display) -> ReadError {
        file_error(
            &self.origin,
            format!(
                "the data end at byte {}{} inside {what}: the file is truncated",
                self.pos, self.place
            ),
        )
    }

    /// The next `n` bytes. `n` may come from the file: memory grows with the bytes
    /// actually there, never with what a damaged length claims.
    pub(crate) fn bytes(
        &mut self,
        n: u64,
        what: &dyn std::fmt::Display,
    ) -> Result<Vec<u8>, ReadError> {
        // Up to 64 KiB at once; beyond, as the bytes come.
        if let Ok(small) = usize::try_from(n)
            && small <= 1 << 16
        {
            let mut v = vec![0; small];
            self.fill(&mut v, what)?;
            return Ok(v);
        }
        let mut v = Vec::new();
        let result = (&mut self.inner).take(n).read_to_end(&mut v);
        self.pos += v.len() as u64;
        result.map_err(|e| self.error(format!("cannot read: {e}")))?;
        if (v.len() as u64) < n {
            return Err(self.truncated(what));
        }
        Ok(v)
    }

    pub(crate) fn u8(&mut self, what: &dyn std::fmt::Display) -> Result<u8, ReadError> {
        let mut b = [0; 1];
        self.fill(&mut b, what)?;
        Ok(b[0])
    }

    pub(crate) fn i32(&mut self, what: &dyn std::fmt::Display) -> Result<i32, ReadError> {
        let mut b = [0; 4];
        self.fill(&mut b, what)?;
        Ok(self.order.i32(&b))
    }

    /// An unsigned integer of `n` ≤ 8 bytes.
    pub(crate) fn uint(
        &mut self,
        n: usize,
        what: &dyn std::fmt::Display,
    ) -> Result<u64, ReadError> {
        let mut b = [0; 8];
        self.fill(&mut b[..n], what)?;
        Ok(self.order.uint(&b[..n]))
    }

    pub(crate) fn f64(&mut self, what: &dyn std::fmt::Display) -> Result<f64, ReadError> {
        let mut b = [0; 8];
        self.fill(&mut b, what)?;
        Ok(self.order.f64(&b))
    }

    /// Skips `n` bytes (by reading them: the reader may not seek).
    pub(crate) fn skip(&mut self, n: u64, what: &dyn std::fmt::Display) -> Result<(), ReadError> {
        let copied = io::copy(&mut (&mut self.inner).take(n), &mut io::sink())
            .map_err(|e| self.error(format!("cannot read: {e}")))?;
        self.pos += copied;
        if copied < n {
            return Err(self.truncated(what));
        }
        Ok(())
    }

    /// The underlying reader, for a decoder of the rest of the file (which starts at
    /// [`ByteReader::pos`]).
    pub(crate) fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read + Seek> ByteReader<R> {
    /// Moves to byte `pos`.
    pub(crate) fn seek(&mut self, pos: u64) -> Result<(), ReadError> {
        self.inner
            .seek(SeekFrom::Start(pos))
            .map_err(|e| self.error(format!("cannot seek to byte {pos}: {e}")))?;
        self.pos = pos;
        Ok(())
    }

    /// The file's length in bytes (the position is kept).
    pub(crate) fn len(&mut self) -> Result<u64, ReadError> {
        let len = self
            .inner
            .seek(SeekFrom::End(0))
            .map_err(|e| self.error(format!("cannot seek: {e}")))?;
        self.seek(self.pos)?;
        Ok(len)
    }
}

/// An error about the file as a whole (line 0).
pub(crate) fn file_error(origin: &str, message: String) -> ReadError {
    ReadError {
        origin: origin.to_owned(),
        line: 0,
        column: None,
        message,
    }
}

/// Opens `path` for a binary reader: the buffered file and its name for errors.
pub(crate) fn open_file(path: &Path) -> Result<(BufReader<File>, String), ReadError> {
    let origin = path.display().to_string();
    let file = File::open(path).map_err(|e| file_error(&origin, format!("cannot open: {e}")))?;
    Ok((BufReader::with_capacity(1 << 20, file), origin))
}

/// The text of a fixed-width field: up to the first NUL byte, decoded (invalid bytes
/// become U+FFFD rather than failing the file: a label or a name is still usable).
pub(crate) fn text(bytes: &[u8], encoding: &'static Encoding) -> String {
    let mut out = String::new();
    text_into(bytes, encoding, &mut out);
    out
}

/// [`text`] into `out` (cleared first), reusing its memory: no allocation per value once
/// `out` has grown to the longest value.
pub(crate) fn text_into(bytes: &[u8], encoding: &'static Encoding, out: &mut String) {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    decode_into(&bytes[..end], encoding, out);
}

/// All of `bytes` decoded into `out` (cleared first), NULs included.
pub(crate) fn decode_into(bytes: &[u8], encoding: &'static Encoding, out: &mut String) {
    out.clear();
    let mut decoder = encoding.new_decoder_without_bom_handling();
    if let Some(n) = decoder.max_utf8_buffer_length(bytes.len()) {
        out.reserve(n);
    }
    // With room for the longest possible output, one call decodes everything.
    let _ = decoder.decode_to_string(bytes, out, true);
}

/// `bytes` without trailing spaces (SPSS pads strings with spaces).
pub(crate) fn trim_spaces(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|b| *b != b' ').map_or(0, |i| i + 1);
    &bytes[..end]
}

/// Writes a number as the visitor reads it: Rust's shortest round-trip decimal (`1`,
/// `0.25`); nothing for a missing value.
pub(crate) fn put_number(out: &mut String, x: Option<f64>) {
    out.clear();
    if let Some(x) = x {
        write!(out, "{x}").expect("writing to a String");
    }
}

/// Fails if a column asked for is not one of the file's `n_columns`.
pub(crate) fn check_columns(
    origin: &str,
    columns: &[usize],
    n_columns: usize,
) -> Result<(), ReadError> {
    match columns.iter().find(|c| **c >= n_columns) {
        Some(c) => Err(file_error(
            origin,
            format!("column {c} asked for, but the file has {n_columns} variables"),
        )),
        None => Ok(()),
    }
}

/// Feeds every row to the visitor: `next_row(columns, texts)` fills `texts[i]` with the
/// text of file column `columns[i]` and returns the row's line, or `None` after the last.
/// The columns are checked here, once: `next_row` may index with them unchecked.
pub(crate) fn feed(
    visitor: &mut Visitor,
    origin: &str,
    n_columns: usize,
    mut next_row: impl FnMut(&[usize], &mut [String]) -> Result<Option<u64>, ReadError>,
) -> Result<(), TabulateError> {
    let columns = visitor.columns().to_vec();
    check_columns(origin, &columns, n_columns)?;
    // File column → index in `texts` (only the needed columns are ever asked for).
    let mut index = vec![usize::MAX; n_columns];
    for (i, c) in columns.iter().enumerate() {
        index[*c] = i;
    }
    let mut texts = vec![String::new(); columns.len()];
    while let Some(line) = next_row(&columns, &mut texts)? {
        visitor.visit(line, |c| texts[index[c]].as_str())?;
    }
    Ok(())
}
