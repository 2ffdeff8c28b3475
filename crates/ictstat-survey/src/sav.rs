//! SPSS system files (`.sav`, `.zsav`) as a [`Source`], written from PSPP's description of
//! the format ("System File Format" in the PSPP developers' guide): the file header
//! (record 1), variables (2), value labels (3 and 4), documents (6), extension records
//! (7: machine integer and floating-point info 3 and 4, long variable names 13, very long
//! strings 14, character encoding 20, long string missing values 22; others skipped),
//! the end of the dictionary (999), then the cases: uncompressed, bytecode-compressed
//! (compression 1) or zlib-compressed (compression 2, `.zsav`). Either byte order.
//!
//! The dictionary is read when the file is opened; the cases are streamed one at a time
//! (a `.zsav` is inflated block by block as the cases are read). System-missing values
//! and the variables' user-missing values (discrete values and ranges of record 2, long
//! string missing values of record 7.22) are given to the visitor as the empty string.
//! Names are the long names of record 7.13; texts are decoded from the file's encoding
//! (record 7.20, else the code page of record 7.3, else windows-1252; a code page
//! `encoding_rs` does not know is an error naming it). Value labels of numeric variables
//! are exposed, but not those on the system-missing value or on one of the variable's
//! user-missing values: such values arrive as missing, so a label comparison with them
//! could never be true — use `is_missing(q)`. Value labels of string variables (record
//! 7.21) are not exposed, as a plan's labels map text to numeric codes and a string column
//! is compared as text.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use encoding_rs::{Encoding, WINDOWS_1252};
use flate2::{Decompress, FlushDecompress, Status};

use crate::binary::{
    ByteOrder, ByteReader, check_columns, decode_into, feed, file_error, open_file, put_number,
    text, text_into, trim_spaces,
};
use crate::error::{ReadError, TabulateError};
use crate::read::{Source, Visitor};

/// The system-missing value, -DBL_MAX, unless record 7.4 says otherwise.
const SYSMIS: f64 = -f64::MAX;

/// A variable record (type 2), as read: texts are decoded once the encoding is known.
struct VarRecord {
    /// 0 numeric, 1–255 string width, -1 continuation of a string.
    width: i32,
    short_name: Vec<u8>,
    /// The count of record 2 (-2, -3: a range, plus a discrete value) and the raw values.
    n_missing: i32,
    missing: Vec<[u8; 8]>,
}

/// A numeric column's missing values besides the system-missing value.
#[derive(Debug, Clone, Default)]
struct NumericMissing {
    values: Vec<f64>,
    range: Option<(f64, f64)>,
}

impl NumericMissing {
    fn contains(&self, x: f64) -> bool {
        self.values.contains(&x) || self.range.is_some_and(|(lo, hi)| lo <= x && x <= hi)
    }
}

#[derive(Debug, Clone)]
enum Kind {
    /// The 8-byte element of the case holding it.
    Numeric {
        element: usize,
        missing: NumericMissing,
    },
    /// Byte ranges of the case (one per segment: a very long string has several) and the
    /// string's width; missing values with trailing spaces removed.
    Text {
        segments: Vec<(usize, usize)>,
        width: usize,
        missing: Vec<Vec<u8>>,
    },
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
}

/// How the cases are stored.
enum Data<R: BufRead> {
    Plain(ByteReader<R>),
    Bytecode(ByteReader<R>, Commands),
    Zlib(ByteReader<ZlibBlocks<R>>, Commands),
}

/// The state of bytecode decompression: the current block of 8 command bytes.
#[derive(Debug)]
struct Commands {
    block: [u8; 8],
    next: usize,
    bias: f64,
    order: ByteOrder,
    sysmis: f64,
    /// Code 252 (end of data) was met.
    ended: bool,
}

impl Commands {
    fn new(bias: f64, order: ByteOrder, sysmis: f64) -> Self {
        Self {
            block: [0; 8],
            next: 8,
            bias,
            order,
            sysmis,
            ended: false,
        }
    }

    /// The next 8-byte element into `out`, as uncompressed data would hold it; `false` at
    /// the end of the data.
    fn element<S: Read>(
        &mut self,
        r: &mut ByteReader<S>,
        out: &mut [u8],
    ) -> Result<bool, ReadError> {
        let number = |x: f64, order: ByteOrder| match order {
            ByteOrder::Little => x.to_le_bytes(),
            ByteOrder::Big => x.to_be_bytes(),
        };
        loop {
            if self.ended {
                return Ok(false);
            }
            if self.next == 8 {
                match r.read_full(&mut self.block)? {
                    0 => return Ok(false),
                    8 => self.next = 0,
                    _ => return Err(r.truncated(&"a block of compression codes")),
                }
            }
            let code = self.block[self.next];
            self.next += 1;
            match code {
                0 => {}
                252 => self.ended = true,
                253 => {
                    r.fill(out, &"an uncompressed value")?;
                    return Ok(true);
                }
                254 => {
                    out.fill(b' ');
                    return Ok(true);
                }
                255 => {
                    out.copy_from_slice(&number(self.sysmis, self.order));
                    return Ok(true);
                }
                code => {
                    out.copy_from_slice(&number(f64::from(code) - self.bias, self.order));
                    return Ok(true);
                }
            }
        }
    }
}

/// The zlib-compressed data of a `.zsav`: consecutive zlib streams from the end of the
/// zlib header to the trailer, inflated as one stream of bytecode-compressed data.
struct ZlibBlocks<R> {
    inner: R,
    /// The file offset of the next compressed byte, and of the trailer.
    pos: u64,
    end: u64,
    z: Decompress,
    block_done: bool,
}

impl<R: BufRead> Read for ZlibBlocks<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.block_done {
                if self.pos >= self.end {
                    return Ok(0);
                }
                self.z.reset(true);
                self.block_done = false;
            }
            let input = self.inner.fill_buf()?;
            let avail = usize::try_from(self.end - self.pos)
                .unwrap_or(usize::MAX)
                .min(input.len());
            // Called with no input too: the inflater may hold output it has not given yet.
            let (in0, out0) = (self.z.total_in(), self.z.total_out());
            let status = self
                .z
                .decompress(&input[..avail], out, FlushDecompress::None)
                .map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("the zlib data near byte {} are damaged: {e}", self.pos),
                    )
                })?;
            let used = self.z.total_in() - in0;
            let made = self.z.total_out() - out0;
            self.inner.consume(used as usize);
            self.pos += used;
            if status == Status::StreamEnd {
                self.block_done = true;
            }
            if made > 0 {
                return Ok(made as usize);
            }
            if self.block_done {
                continue;
            }
            if avail == 0 && self.pos < self.end {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the file ends at byte {}, before the end of the zlib data at byte {}: it is truncated",
                        self.pos, self.end
                    ),
                ));
            }
            if used == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the zlib block ending at byte {} is incomplete", self.pos),
                ));
            }
        }
    }
}

/// An SPSS system file (`.sav`, or `.zsav`), read one case at a time.
pub struct SavSource<R: BufRead> {
    data: Data<R>,
    origin: String,
    columns: Vec<Column>,
    labels: BTreeMap<String, Vec<(String, f64)>>,
    encoding: &'static Encoding,
    order: ByteOrder,
    sysmis: f64,
    /// Cases declared by the header (`None`: unknown, -1 in the file).
    n_cases: Option<u64>,
    read: u64,
    case: Vec<u8>,
    /// The bytes of a very long string, gathered from its segments (reused).
    scratch: Vec<u8>,
}

impl SavSource<BufReader<File>> {
    /// Opens a `.sav` or `.zsav` file and reads its dictionary.
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let (file, origin) = open_file(path)?;
        Self::new(file, &origin)
    }
}

/// A value-label record (3) and its variables (4), as read.
struct LabelRecord {
    /// (raw value, raw label) pairs.
    pairs: Vec<([u8; 8], Vec<u8>)>,
    /// The dictionary indexes (1-based) of the variables they label.
    variables: Vec<u32>,
}

/// What the dictionary records say, before the columns are built.
struct Dictionary {
    vars: Vec<VarRecord>,
    value_labels: Vec<LabelRecord>,
    long_names: Option<Vec<u8>>,
    very_long: Option<Vec<u8>>,
    encoding_name: Option<Vec<u8>>,
    code_page: Option<i32>,
    long_missing: Option<Vec<u8>>,
    sysmis: f64,
}

impl<R: BufRead> SavSource<R> {
    /// Reads the dictionary of the system file in `reader`; `origin` names it in errors.
    pub fn new(reader: R, origin: &str) -> Result<Self, ReadError> {
        let mut r = ByteReader::new(reader, origin);
        let magic = r.bytes(4, &"the file header")?;
        let zlib = match &magic[..] {
            b"$FL2" => false,
            b"$FL3" => true,
            other => {
                return Err(file_error(
                    origin,
                    format!(
                        "not an SPSS system file: it starts with {:?}, not $FL2 or $FL3",
                        String::from_utf8_lossy(other)
                    ),
                ));
            }
        };
        r.skip(60, &"the file header")?; // product name
        let layout = r.bytes(4, &"the file header")?;
        r.order =
            match (ByteOrder::Little.i32(&layout), ByteOrder::Big.i32(&layout)) {
                (2 | 3, _) => ByteOrder::Little,
                (_, 2 | 3) => ByteOrder::Big,
                _ => return Err(r.error(
                    "the layout code is neither 2 nor 3 in either byte order: not a system file",
                )),
            };
        let _case_size = r.i32(&"the file header")?;
        let compression = r.i32(&"the file header")?;
        match (compression, zlib) {
            (0 | 1, false) | (2, true) => {}
            _ => {
                return Err(r.error(format!(
                    "compression {compression} does not match the magic {}: the file is damaged or of an unknown kind",
                    String::from_utf8_lossy(&magic)
                )));
            }
        }
        let _weight_index = r.i32(&"the file header")?;
        let n_cases = r.i32(&"the file header")?;
        let bias = r.f64(&"the file header")?;
        r.skip(9 + 8 + 64 + 3, &"the file header")?; // date, time, label, padding
        let dict = read_records(&mut r)?;
        let encoding = encoding(&dict, origin)?;
        let order = r.order;
        let sysmis = dict.sysmis;
        let (columns, labels, case_width) = build_columns(&dict, encoding, order, origin)?;
        let data = match compression {
            0 => Data::Plain(r),
            1 => Data::Bytecode(r, Commands::new(bias, order, sysmis)),
            _ => {
                let what = "the zlib data header";
                let here = r.pos();
                let header_at = r.uint(8, &what)?;
                let trailer_at = r.uint(8, &what)?;
                let _trailer_len = r.uint(8, &what)?;
                if header_at != here || trailer_at < r.pos() {
                    return Err(r.error(format!(
                        "the zlib data header is damaged (it says it is at byte {header_at} and the trailer at byte {trailer_at})"
                    )));
                }
                let pos = r.pos();
                let blocks = ZlibBlocks {
                    inner: r.into_inner(),
                    pos,
                    end: trailer_at,
                    z: Decompress::new(true),
                    block_done: false,
                };
                let mut inflated = ByteReader::new(blocks, origin);
                inflated.order = order;
                inflated.place = " of the inflated data";
                Data::Zlib(inflated, Commands::new(bias, order, sysmis))
            }
        };
        Ok(Self {
            data,
            origin: origin.to_owned(),
            columns,
            labels,
            encoding,
            order,
            sysmis,
            n_cases: u64::try_from(n_cases).ok(),
            read: 0,
            case: vec![0; case_width],
            scratch: Vec::new(),
        })
    }

    /// Reads the next case: `texts[i]` gets the text of column `columns[i]` (an index of
    /// [`Source::header`]): a number as its shortest decimal, a system- or user-missing
    /// value as "". Returns the case's line (case number + 1, as in a CSV with a header),
    /// or `None` after the last case.
    pub fn read_row(
        &mut self,
        columns: &[usize],
        texts: &mut [String],
    ) -> Result<Option<u64>, ReadError> {
        check_columns(&self.origin, columns, self.columns.len())?;
        self.next_row(columns, texts)
    }

    /// [`SavSource::read_row`] with columns already checked.
    fn next_row(
        &mut self,
        columns: &[usize],
        texts: &mut [String],
    ) -> Result<Option<u64>, ReadError> {
        let case = self.read + 1;
        if self.n_cases.is_some_and(|n| self.read >= n) || !self.read_case(case)? {
            if let Some(n) = self.n_cases.filter(|n| self.read < *n) {
                return Err(ReadError {
                    origin: self.origin.clone(),
                    line: case + 1,
                    column: None,
                    message: format!(
                        "the data end after case {}, but the header declares {n} cases: the file is truncated",
                        self.read
                    ),
                });
            }
            return Ok(None);
        }
        for (&c, out) in columns.iter().zip(texts.iter_mut()) {
            self.decode(c, out);
        }
        self.read = case;
        Ok(Some(case + 1))
    }

    /// Reads case number `case` into `self.case`; `false` if the data ended before it.
    /// An error names the case (its line, and in the message).
    fn read_case(&mut self, case: u64) -> Result<bool, ReadError> {
        if self.case.is_empty() {
            return Ok(false); // no variables, no data
        }
        let what = "the case";
        let result = match &mut self.data {
            Data::Plain(r) => match r.read_full(&mut self.case) {
                Ok(0) => Ok(false),
                Ok(n) if n == self.case.len() => Ok(true),
                Ok(_) => Err(r.truncated(&what)),
                Err(e) => Err(e),
            },
            Data::Bytecode(r, cmds) => bytecode_case(r, cmds, &mut self.case, &what),
            Data::Zlib(r, cmds) => bytecode_case(r, cmds, &mut self.case, &what),
        };
        result.map_err(|mut e| {
            e.line = case + 1;
            e.message = format!("case {case}: {}", e.message);
            e
        })
    }

    fn decode(&mut self, column: usize, out: &mut String) {
        match &self.columns[column].kind {
            Kind::Numeric { element, missing } => {
                let x = self.order.f64(&self.case[element * 8..]);
                let missing = x.is_nan() || x == self.sysmis || missing.contains(x);
                put_number(out, (!missing).then_some(x));
            }
            Kind::Text {
                segments,
                width,
                missing,
            } => {
                let bytes = match &segments[..] {
                    [(start, len)] => &self.case[*start..*start + (*len).min(*width)],
                    _ => {
                        self.scratch.clear();
                        for &(start, len) in segments {
                            self.scratch
                                .extend_from_slice(&self.case[start..start + len]);
                        }
                        self.scratch.truncate(*width);
                        &self.scratch
                    }
                };
                let bytes = trim_spaces(bytes);
                if missing.iter().any(|m| m == bytes) {
                    out.clear();
                } else {
                    text_into(bytes, self.encoding, out);
                }
            }
        }
    }
}

/// One case of bytecode-compressed data; `false` if the data ended before it.
fn bytecode_case<S: Read>(
    r: &mut ByteReader<S>,
    cmds: &mut Commands,
    case: &mut [u8],
    what: &dyn std::fmt::Display,
) -> Result<bool, ReadError> {
    for (i, element) in case.chunks_exact_mut(8).enumerate() {
        if !cmds.element(r, element)? {
            if i == 0 {
                return Ok(false);
            }
            return Err(r.truncated(what));
        }
    }
    Ok(true)
}

/// Reads the dictionary records up to and including record 999.
fn read_records<R: Read>(r: &mut ByteReader<R>) -> Result<Dictionary, ReadError> {
    let mut d = Dictionary {
        vars: Vec::new(),
        value_labels: Vec::new(),
        long_names: None,
        very_long: None,
        encoding_name: None,
        code_page: None,
        long_missing: None,
        sysmis: SYSMIS,
    };
    loop {
        let at = r.pos();
        let rec_type = r.i32(&"the dictionary")?;
        match rec_type {
            2 => {
                let what = format_args!("variable record {}", d.vars.len() + 1);
                let width = r.i32(&what)?;
                let has_label = r.i32(&what)?;
                let n_missing = r.i32(&what)?;
                r.skip(8, &what)?; // print and write formats
                let short_name = r.bytes(8, &what)?;
                if has_label != 0 {
                    let len = u64::try_from(r.i32(&what)?)
                        .map_err(|_| r.error("a negative label length"))?;
                    r.skip(len.div_ceil(4) * 4, &what)?;
                }
                let count = match n_missing {
                    0..=3 => n_missing,
                    -2 => 2,
                    -3 => 3,
                    n => {
                        return Err(
                            r.error(format!("{what} has {n} missing values: expected -3 to 3"))
                        );
                    }
                };
                let mut missing = Vec::new();
                for _ in 0..count {
                    let mut v = [0; 8];
                    r.fill(&mut v, &what)?;
                    missing.push(v);
                }
                d.vars.push(VarRecord {
                    width,
                    short_name,
                    n_missing,
                    missing,
                });
            }
            3 => {
                let what = "a value-label record";
                let n = r.i32(&what)?;
                let mut pairs = Vec::new();
                for _ in 0..n {
                    let mut value = [0; 8];
                    r.fill(&mut value, &what)?;
                    let len = usize::from(r.u8(&what)?);
                    let padded = (len + 1).div_ceil(8) * 8 - 1;
                    let mut label = r.bytes(padded as u64, &what)?;
                    label.truncate(len);
                    pairs.push((value, label));
                }
                if r.i32(&what)? != 4 {
                    return Err(r.error(
                        "a value-label record (3) is not followed by its variables (record 4)",
                    ));
                }
                let n_vars = r.i32(&what)?;
                let vars = (0..n_vars.max(0))
                    .map(|_| r.i32(&what).map(|i| u32::try_from(i).unwrap_or(0)))
                    .collect::<Result<_, _>>()?;
                d.value_labels.push(LabelRecord {
                    pairs,
                    variables: vars,
                });
            }
            6 => {
                let n = u64::try_from(r.i32(&"a document record")?).unwrap_or(0);
                r.skip(n * 80, &"a document record")?;
            }
            7 => {
                let what = "an extension record (7)";
                let subtype = r.i32(&what)?;
                let size = u64::try_from(r.i32(&what)?)
                    .map_err(|_| r.error("a negative extension record size"))?;
                let count = u64::try_from(r.i32(&what)?)
                    .map_err(|_| r.error("a negative extension record count"))?;
                let len = size.checked_mul(count).ok_or_else(|| {
                    r.error(format!(
                        "extension record 7.{subtype} claims {count} × {size} bytes"
                    ))
                })?;
                let what = format_args!("extension record 7.{subtype}");
                match subtype {
                    3 | 4 | 13 | 14 | 20 | 22 => {
                        let body = r.bytes(len, &what)?;
                        let order = r.order;
                        match subtype {
                            3 if body.len() >= 32 => d.code_page = Some(order.i32(&body[28..])),
                            4 if body.len() >= 8 => d.sysmis = order.f64(&body),
                            13 => d.long_names = Some(body),
                            14 => d.very_long = Some(body),
                            20 => d.encoding_name = Some(body),
                            22 => d.long_missing = Some(body),
                            _ => {}
                        }
                    }
                    _ => r.skip(len, &what)?,
                }
            }
            999 => {
                r.i32(&"the end of the dictionary")?;
                return Ok(d);
            }
            other => {
                return Err(file_error(
                    r.origin(),
                    format!(
                        "at byte {at}: unknown record type {other} in the dictionary: the file is damaged"
                    ),
                ));
            }
        }
    }
}

/// The file's text encoding: record 7.20's name, else record 7.3's code page, else
/// windows-1252 (what SPSS wrote before it recorded encodings).
fn encoding(d: &Dictionary, origin: &str) -> Result<&'static Encoding, ReadError> {
    if let Some(name) = &d.encoding_name {
        let name = String::from_utf8_lossy(name);
        return Encoding::for_label(name.trim().as_bytes()).ok_or_else(|| {
            file_error(
                origin,
                format!("the character encoding \"{name}\" is not supported"),
            )
        });
    }
    let Some(cp) = d.code_page else {
        return Ok(WINDOWS_1252);
    };
    code_page(cp).ok_or_else(|| {
        file_error(
            origin,
            format!(
                "the character code {cp} of record 7.3 (a Windows code page, or 1–4) is not supported"
            ),
        )
    })
}

/// The encoding of record 7.3's character code: a Windows code page, or 2 and 3 (7- and
/// 8-bit ASCII, in practice windows-1252) and 4 (DEC Kanji, EUC-JP); `None` if unknown.
fn code_page(cp: i32) -> Option<&'static Encoding> {
    let label = match cp {
        2 | 3 | 20127 | 28591 => "windows-1252", // US-ASCII and ISO-8859-1: subsets
        4 | 20932 | 51932 => "euc-jp",
        65001 => "utf-8",
        866 => "ibm866",
        874 | 1250..=1258 => return Encoding::for_label(format!("windows-{cp}").as_bytes()),
        932 => "shift_jis",
        936 => "gbk",
        949 | 51949 => "euc-kr",
        950 => "big5",
        54936 => "gb18030",
        20866 => "koi8-r",
        21866 => "koi8-u",
        28592..=28599 => return Encoding::for_label(format!("iso-8859-{}", cp - 28590).as_bytes()),
        28603 => "iso-8859-13",
        28605 => "iso-8859-15",
        _ => return None,
    };
    Encoding::for_label(label.as_bytes())
}

type Built = (Vec<Column>, BTreeMap<String, Vec<(String, f64)>>, usize);

/// Turns the variable records into columns: strings wider than 8 bytes span several
/// records, very long strings (7.14) several variables; names become the long names of
/// 7.13; missing values and value labels are attached.
fn build_columns(
    d: &Dictionary,
    encoding: &'static Encoding,
    order: ByteOrder,
    origin: &str,
) -> Result<Built, ReadError> {
    let decode = |b: &[u8]| text(b, encoding).trim_end().to_owned();
    // Records 7.13 and 7.14: `KEY=VALUE` entries separated by tabs (in 7.14 each entry
    // ends with a NUL before the tab): the whole record, not up to its first NUL.
    let pairs = |raw: &Option<Vec<u8>>| -> Vec<(String, String)> {
        let mut all = String::new();
        decode_into(raw.as_deref().unwrap_or_default(), encoding, &mut all);
        all.split('\t')
            .filter_map(|kv| {
                let (k, v) = kv.trim_matches(['\0', ' ']).split_once('=')?;
                Some((k.trim().to_owned(), v.trim_matches(['\0', ' ']).to_owned()))
            })
            .collect()
    };
    let long_names: HashMap<String, String> = pairs(&d.long_names).into_iter().collect();
    let mut very_long = HashMap::new();
    for (short, width) in pairs(&d.very_long) {
        let w: usize = width.parse().map_err(|_| {
            file_error(
                origin,
                format!("the very long string record gives {short} the width {width:?}"),
            )
        })?;
        very_long.insert(short, w);
    }
    let damaged =
        |message: String| file_error(origin, format!("the dictionary is damaged: {message}"));

    let mut columns = Vec::new();
    // Dictionary index (0-based) of each column's first record.
    let mut first_record = Vec::new();
    let mut i = 0;
    while i < d.vars.len() {
        let v = &d.vars[i];
        let short = decode(&v.short_name);
        let name = long_names
            .get(&short)
            .cloned()
            .unwrap_or_else(|| short.clone());
        let start = i;
        let kind = match v.width {
            0 => {
                let f = |b: &[u8; 8]| order.f64(b);
                let mut missing = NumericMissing::default();
                let discrete = match v.n_missing {
                    -2 | -3 => {
                        missing.range = Some((f(&v.missing[0]), f(&v.missing[1])));
                        &v.missing[2..]
                    }
                    _ => &v.missing[..],
                };
                missing.values = discrete.iter().map(f).collect();
                i += 1;
                Kind::Numeric {
                    element: start,
                    missing,
                }
            }
            w @ 1..=255 => {
                let width = very_long.get(&short).copied().unwrap_or(w as usize);
                let n_segments = if width > 255 { width.div_ceil(252) } else { 1 };
                let mut segments = Vec::new();
                for s in 0..n_segments {
                    let seg = d.vars.get(i).ok_or_else(|| {
                        damaged(format!(
                            "the very long string {name} lacks segment {}",
                            s + 1
                        ))
                    })?;
                    let seg_width = usize::try_from(seg.width)
                        .ok()
                        .filter(|w| (1..=255).contains(w))
                        .ok_or_else(|| {
                            damaged(format!("segment {} of {name} is not a string", s + 1))
                        })?;
                    segments.push((i * 8, seg_width));
                    let elements = seg_width.div_ceil(8);
                    if d.vars[i + 1..]
                        .iter()
                        .take(elements - 1)
                        .any(|c| c.width != -1)
                        || i + elements > d.vars.len()
                    {
                        return Err(damaged(format!(
                            "the string {name} lacks continuation records"
                        )));
                    }
                    i += elements;
                }
                let missing = v.missing.iter().map(|m| trim_spaces(m).to_vec()).collect();
                Kind::Text {
                    segments,
                    width,
                    missing,
                }
            }
            other => {
                return Err(damaged(format!(
                    "variable record {} has the width {other} where a variable starts",
                    i + 1
                )));
            }
        };
        columns.push(Column { name, kind });
        first_record.push((start, short));
    }
    attach_long_missing(d, &mut columns, &first_record, encoding, order);

    let mut labels: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    for LabelRecord { pairs, variables } in &d.value_labels {
        for index in variables {
            let record = (*index as usize).wrapping_sub(1);
            let Some(c) = first_record.iter().position(|(s, _)| *s == record) else {
                return Err(damaged(format!(
                    "value labels refer to variable record {index}, which starts no variable"
                )));
            };
            // A label on a missing value could never match (the value arrives as missing).
            if let Kind::Numeric { missing, .. } = &columns[c].kind {
                let set = pairs
                    .iter()
                    .map(|(value, label)| (text(label, encoding), order.f64(value)))
                    .filter(|(_, x)| !(x.is_nan() || *x == d.sysmis || missing.contains(*x)))
                    .collect();
                labels.insert(columns[c].name.clone(), set);
            }
        }
    }
    let case_width = d.vars.len() * 8;
    Ok((columns, labels, case_width))
}

/// Record 7.22: missing values of long strings (variable name, count, value length,
/// values).
fn attach_long_missing(
    d: &Dictionary,
    columns: &mut [Column],
    first_record: &[(usize, String)],
    encoding: &'static Encoding,
    order: ByteOrder,
) {
    let Some(body) = &d.long_missing else {
        return;
    };
    let mut at = 0;
    let int = |at: usize| body.get(at..at + 4).map(|b| order.i32(b));
    while let Some(name_len) = int(at).and_then(|n| usize::try_from(n).ok()) {
        let Some(name) = body.get(at + 4..at + 4 + name_len) else {
            return;
        };
        let name = text(name, encoding).trim_end().to_owned();
        at += 4 + name_len;
        let Some(&n) = body.get(at) else { return };
        let Some(value_len) = int(at + 1).and_then(|n| usize::try_from(n).ok()) else {
            return;
        };
        at += 5;
        let values: Vec<Vec<u8>> = (0..usize::from(n))
            .filter_map(|k| body.get(at + k * value_len..at + (k + 1) * value_len))
            .map(|v| trim_spaces(v).to_vec())
            .collect();
        at += usize::from(n) * value_len;
        // The long name (what PSPP's description says is written), else the short name.
        let column = columns
            .iter()
            .position(|c| c.name == name)
            .or_else(|| first_record.iter().position(|(_, short)| *short == name));
        if let Some(c) = column
            && let Kind::Text { missing, .. } = &mut columns[c].kind
        {
            missing.extend(values);
        }
    }
}

impl<R: BufRead> Source for SavSource<R> {
    fn header(&mut self) -> Result<Vec<String>, ReadError> {
        Ok(self.columns.iter().map(|c| c.name.clone()).collect())
    }

    fn run(&mut self, visitor: &mut Visitor) -> Result<(), TabulateError> {
        let n = self.columns.len();
        let origin = self.origin.clone();
        feed(visitor, &origin, n, |columns, texts| {
            self.next_row(columns, texts)
        })
    }

    fn origin(&self) -> &str {
        &self.origin
    }

    /// The value labels of each labelled numeric variable (name → (label, code) pairs), in
    /// the shape of [`crate::Plan::labels`]; labels on missing values are left out (see the
    /// module documentation).
    fn value_labels(&self) -> BTreeMap<String, Vec<(String, f64)>> {
        self.labels.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_pages_map_to_their_encodings_or_are_refused() {
        let name = |cp| code_page(cp).map(Encoding::name);
        assert_eq!(name(65001), Some("UTF-8"));
        assert_eq!(name(1252), Some("windows-1252"));
        assert_eq!(name(1251), Some("windows-1251"));
        assert_eq!(name(932), Some("Shift_JIS"));
        assert_eq!(name(936), Some("GBK"));
        assert_eq!(name(949), Some("EUC-KR"));
        assert_eq!(name(950), Some("Big5"));
        assert_eq!(name(28592), Some("ISO-8859-2"));
        assert_eq!(name(28595), Some("ISO-8859-5"));
        assert_eq!(name(28605), Some("ISO-8859-15"));
        assert_eq!(name(20127), Some("windows-1252")); // US-ASCII: a subset
        assert_eq!(name(2), Some("windows-1252"));
        assert_eq!(name(437), None);
        assert_eq!(name(0), None);
        let d = Dictionary {
            vars: Vec::new(),
            value_labels: Vec::new(),
            long_names: None,
            very_long: None,
            encoding_name: None,
            code_page: Some(437),
            long_missing: None,
            sysmis: SYSMIS,
        };
        let e = encoding(&d, "x.sav").expect_err("unknown code page");
        assert!(e.message.contains("character code 437"), "{e}");
        let d = Dictionary {
            encoding_name: Some(b"no-such-encoding".to_vec()),
            ..d
        };
        let e = encoding(&d, "x.sav").expect_err("unknown encoding");
        assert!(e.message.contains("\"no-such-encoding\""), "{e}");
    }

    #[test]
    fn long_string_missing_values_go_to_the_long_name_first() {
        // Column 0 has the short name B and the long name A; column 1 the short name A.
        // Record 7.22 names A: PSPP writes long names, so it is column 0's.
        let text = |missing: Vec<Vec<u8>>| Kind::Text {
            segments: vec![(0, 16)],
            width: 16,
            missing,
        };
        let mut columns = vec![
            Column {
                name: "A".to_owned(),
                kind: text(Vec::new()),
            },
            Column {
                name: "A_LONG".to_owned(),
                kind: text(Vec::new()),
            },
        ];
        let first_record = vec![(0, "B".to_owned()), (2, "A".to_owned())];
        let mut body = Vec::new();
        body.extend_from_slice(&1_i32.to_le_bytes());
        body.push(b'A');
        body.push(1);
        body.extend_from_slice(&8_i32.to_le_bytes());
        body.extend_from_slice(b"NA      ");
        let d = Dictionary {
            vars: Vec::new(),
            value_labels: Vec::new(),
            long_names: None,
            very_long: None,
            encoding_name: None,
            code_page: None,
            long_missing: Some(body),
            sysmis: SYSMIS,
        };
        attach_long_missing(
            &d,
            &mut columns,
            &first_record,
            WINDOWS_1252,
            ByteOrder::Little,
        );
        let missing = |c: &Column| match &c.kind {
            Kind::Text { missing, .. } => missing.clone(),
            Kind::Numeric { .. } => unreachable!(),
        };
        assert_eq!(missing(&columns[0]), [b"NA".to_vec()]);
        assert!(missing(&columns[1]).is_empty());
    }
}
