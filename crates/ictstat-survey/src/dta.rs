//! Stata `.dta` files as a [`Source`]: formats 117 (Stata 13), 118 (Stata 14–18) and 119
//! (more than 32,767 variables), the XML-tagged layout, and formats 114 and 115 (Stata
//! 10–12), still common in survey archives; both byte orders. Written from Stata's own
//! description of the formats (`help dta`, `help dta_117`, `help dta_115`).
//!
//! The dictionary and the value labels are read when the file is opened (in formats
//! 114–119 the value labels come after the data: the reader seeks to them, through the
//! `<map>` of 117+ or past the data of 114/115); the data are then streamed one
//! observation at a time. A strL column (117+) is read from the `<strls>` section, the one
//! exception to streaming: if a needed column is a strL, the reader first goes through the
//! data for the references `(v, o)` the needed strL columns make, then keeps in memory the
//! strLs so referenced, and only those (a writer may point one variable's strL at another
//! variable's: pandas shares equal strings between columns).
//!
//! Missing values: every value above a type's largest valid value is missing — `.` and the
//! extended `.a`–`.z` alike — and is given to the visitor as the empty string. A float is
//! given as its exact value (`f64::from(f32)`: 0.1 stored as a float reads
//! `0.10000000149011612`), as R's haven and pandas read it.
//!
//! Value labels on missing codes (`.a`–`.z`, stored as 2,147,483,621 and above; or a code
//! above the variable's type's largest valid value) are not exposed: such values arrive as
//! missing, so a label comparison with them could never be true — use `is_missing(q)`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

use crate::binary::{
    ByteOrder, ByteReader, check_columns, feed, file_error, open_file, put_number, text, text_into,
};
use crate::error::{ReadError, TabulateError};
use crate::read::{Source, Visitor};

/// The storage type of a Stata variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Byte,
    Int,
    Long,
    Float,
    Double,
    /// `str1`–`str2045`: fixed width, NUL-padded.
    Str(usize),
    /// A reference `(v, o)` into the `<strls>` section.
    StrL,
}

impl Kind {
    /// Bytes in an observation.
    fn width(self) -> usize {
        match self {
            Self::Byte => 1,
            Self::Int => 2,
            Self::Long | Self::Float => 4,
            Self::Double | Self::StrL => 8,
            Self::Str(w) => w,
        }
    }

    /// The type of a 117+ type code.
    fn from_117(code: u64) -> Option<Self> {
        Some(match code {
            1..=2045 => Self::Str(code as usize),
            32768 => Self::StrL,
            65526 => Self::Double,
            65527 => Self::Float,
            65528 => Self::Long,
            65529 => Self::Int,
            65530 => Self::Byte,
            _ => return None,
        })
    }

    /// The largest valid value of a numeric type, as a value-label code (value labels
    /// are 4-byte integers: `.a`–`.z` are stored above [`LONG_MAX`]); `None` for strings.
    fn max_code(self) -> Option<f64> {
        match self {
            Self::Byte => Some(f64::from(BYTE_MAX)),
            Self::Int => Some(f64::from(INT_MAX)),
            Self::Long | Self::Float | Self::Double => Some(f64::from(LONG_MAX)),
            Self::Str(_) | Self::StrL => None,
        }
    }

    /// The type of a 114/115 type code.
    fn from_114(code: u8) -> Option<Self> {
        Some(match code {
            1..=244 => Self::Str(usize::from(code)),
            251 => Self::Byte,
            252 => Self::Int,
            253 => Self::Long,
            254 => Self::Float,
            255 => Self::Double,
            _ => return None,
        })
    }
}

/// Largest valid values: anything above is `.` or `.a`–`.z` (`help dta`, "Representation
/// of numbers").
const BYTE_MAX: i32 = 100;
const INT_MAX: i32 = 32_740;
const LONG_MAX: i32 = 2_147_483_620;
const FLOAT_MAX: f32 = f32::from_bits(0x7eff_ffff);
const DOUBLE_MAX: f64 = f64::from_bits(0x7fdf_ffff_ffff_ffff);

#[derive(Debug, Clone)]
struct Variable {
    name: String,
    kind: Kind,
    /// Byte offset within an observation.
    offset: usize,
    /// The value-label set attached (empty: none).
    label_set: String,
}

/// Where things are, from the header (and the `<map>` of 117+).
#[derive(Debug, Clone, Copy)]
struct Layout {
    release: u16,
    n_obs: u64,
    data: u64,
    /// The `<strls>` tag (117+).
    strls: Option<u64>,
}

/// A Stata `.dta` file (formats 114, 115, 117, 118, 119), read one observation at a time.
#[derive(Debug)]
pub struct DtaSource<R> {
    reader: ByteReader<R>,
    layout: Layout,
    encoding: &'static Encoding,
    variables: Vec<Variable>,
    labels: BTreeMap<String, Vec<(String, f64)>>,
    row: Vec<u8>,
    /// Observations read so far; `None` before the data section was reached.
    read: Option<u64>,
    /// The strLs by `(v, o)`, loaded if a needed column is a strL.
    strls: HashMap<(u64, u64), String>,
}

impl DtaSource<BufReader<File>> {
    /// Opens a `.dta` file and reads its dictionary and value labels.
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let (file, origin) = open_file(path)?;
        Self::new(file, &origin)
    }
}

impl<R: Read + Seek> DtaSource<R> {
    /// Reads the dictionary and value labels of the `.dta` file in `reader`; `origin`
    /// names it in errors.
    pub fn new(reader: R, origin: &str) -> Result<Self, ReadError> {
        let mut r = ByteReader::new(reader, origin);
        let first = r.u8(&"the format number")?;
        r.seek(0)?;
        let (layout, encoding, variables, label_sets) = match first {
            b'<' => read_117(&mut r)?,
            114 | 115 => read_114(&mut r)?,
            102..=113 => {
                return Err(file_error(
                    origin,
                    format!(
                        "Stata format {first} (before Stata 10) is not supported: formats 114, 115 and 117–119 are; save the file again in a newer Stata"
                    ),
                ));
            }
            _ => {
                return Err(file_error(
                    origin,
                    format!(
                        "not a Stata .dta file: it starts with byte {first:#04x}, not a format number (114, 115) or <stata_dta>"
                    ),
                ));
            }
        };
        // A label on a missing code could never match (the value arrives as missing).
        let labels = variables
            .iter()
            .filter_map(|v| {
                let set = label_sets.get(&v.label_set)?;
                let set: Vec<_> = match v.kind.max_code() {
                    Some(max) => set.iter().filter(|(_, c)| *c <= max).cloned().collect(),
                    None => set.clone(),
                };
                Some((v.name.clone(), set))
            })
            .collect();
        let row = vec![0; variables.iter().map(|v| v.kind.width()).sum()];
        Ok(Self {
            reader: r,
            layout,
            encoding,
            variables,
            labels,
            row,
            read: None,
            strls: HashMap::new(),
        })
    }

    /// The format: 114, 115, 117, 118 or 119.
    #[must_use]
    pub fn release(&self) -> u16 {
        self.layout.release
    }

    /// The number of observations the header declares.
    #[must_use]
    pub fn n_obs(&self) -> u64 {
        self.layout.n_obs
    }

    /// Reads the next observation: `texts[i]` gets the text of column `columns[i]` (an
    /// index of [`Source::header`]): a number as its shortest decimal (a float: its exact
    /// value as a double), a missing value as "". Returns the observation's line
    /// (observation number + 1, as in a CSV with a header), or `None` after the last
    /// observation. `columns` must be the same at every call.
    pub fn read_row(
        &mut self,
        columns: &[usize],
        texts: &mut [String],
    ) -> Result<Option<u64>, ReadError> {
        check_columns(self.reader.origin(), columns, self.variables.len())?;
        self.next_row(columns, texts)
    }

    /// [`DtaSource::read_row`] with columns already checked.
    fn next_row(
        &mut self,
        columns: &[usize],
        texts: &mut [String],
    ) -> Result<Option<u64>, ReadError> {
        let done = match self.read {
            Some(n) => n,
            None => {
                self.start(columns)?;
                0
            }
        };
        if done >= self.layout.n_obs {
            return Ok(None);
        }
        let obs = done + 1;
        self.reader
            .fill(&mut self.row, &format_args!("observation {obs}"))
            .map_err(|e| at_line(e, obs + 1))?;
        for (&c, out) in columns.iter().zip(texts.iter_mut()) {
            let v = &self.variables[c];
            let bytes = &self.row[v.offset..v.offset + v.kind.width()];
            match v.kind {
                Kind::Str(_) => text_into(bytes, self.encoding, out),
                Kind::StrL => {
                    out.clear();
                    let key = strl_key(self.layout.release, self.reader.order, bytes);
                    if let Some(s) = self.strls.get(&key) {
                        out.push_str(s);
                    }
                }
                kind => decode_number(kind, self.reader.order, bytes, out),
            }
        }
        self.read = Some(obs);
        Ok(Some(obs + 1))
    }

    /// Before the first observation: loads the strLs the needed columns refer to, if any,
    /// and moves to the data.
    fn start(&mut self, columns: &[usize]) -> Result<(), ReadError> {
        // The byte offsets of the needed strL fields within an observation.
        let strl_offsets: Vec<usize> = columns
            .iter()
            .map(|c| &self.variables[*c])
            .filter(|v| v.kind == Kind::StrL)
            .map(|v| v.offset)
            .collect();
        if !strl_offsets.is_empty() {
            let wanted = self.strl_references(&strl_offsets)?;
            self.load_strls(&wanted)?;
        }
        self.reader.seek(self.layout.data)?;
        self.read = Some(0);
        Ok(())
    }

    /// The `(v, o)` references of the strL fields at `offsets`, over all the data.
    fn strl_references(&mut self, offsets: &[usize]) -> Result<HashSet<(u64, u64)>, ReadError> {
        let r = &mut self.reader;
        r.seek(self.layout.data)?;
        let mut wanted = HashSet::new();
        for obs in 1..=self.layout.n_obs {
            r.fill(&mut self.row, &format_args!("observation {obs}"))
                .map_err(|e| at_line(e, obs + 1))?;
            for &at in offsets {
                let b = &self.row[at..at + 8];
                wanted.insert(strl_key(self.layout.release, r.order, b));
            }
        }
        Ok(wanted)
    }

    /// Reads the `<strls>` section, keeping the GSOs whose `(v, o)` is `wanted`.
    fn load_strls(&mut self, wanted: &HashSet<(u64, u64)>) -> Result<(), ReadError> {
        let Some(at) = self.layout.strls else {
            return Ok(());
        };
        let r = &mut self.reader;
        r.seek(at)?;
        expect(r, "<strls>")?;
        let o_width = if self.layout.release == 117 { 4 } else { 8 };
        loop {
            let what = "the strLs (<strls>)";
            let tag = r.bytes(3, &what)?;
            match &tag[..] {
                b"GSO" => {
                    let v = r.uint(4, &what)?;
                    let o = r.uint(o_width, &what)?;
                    let _binary = r.u8(&what)?;
                    let len = r.uint(4, &what)?;
                    let what = format_args!("the strL ({v}, {o})");
                    if wanted.contains(&(v, o)) {
                        let bytes = r.bytes(len, &what)?;
                        self.strls.insert((v, o), strl_text(&bytes, self.encoding));
                    } else {
                        r.skip(len, &what)?;
                    }
                }
                b"</s" => {
                    expect(r, "trls>")?;
                    return Ok(());
                }
                other => {
                    return Err(r.error(format!(
                        "expected GSO or </strls> in the strLs, found {:?}",
                        String::from_utf8_lossy(other)
                    )));
                }
            }
        }
    }
}

/// The text of a strL. In format 117 (Stata 13, before Unicode) text is windows-1252, but
/// pandas writes its strLs in UTF-8 there: a strL that is valid UTF-8 is taken as UTF-8
/// (windows-1252 text with accented letters is almost never valid UTF-8).
fn strl_text(bytes: &[u8], encoding: &'static Encoding) -> String {
    let end = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
    match std::str::from_utf8(&bytes[..end]) {
        Ok(s) => s.to_owned(),
        Err(_) => text(bytes, encoding),
    }
}

/// Writes the value of a numeric field (`kind` not a string), or nothing if it is missing.
fn decode_number(kind: Kind, order: ByteOrder, b: &[u8], out: &mut String) {
    let int = |v: i32, max: i32| (v <= max).then_some(f64::from(v));
    let x = match kind {
        Kind::Byte => int(i32::from(i8::from_ne_bytes([b[0]])), BYTE_MAX),
        Kind::Int => int(i32::from(order.i16(b)), INT_MAX),
        Kind::Long => int(order.i32(b), LONG_MAX),
        // The exact value of the float (R's haven and pandas read it so).
        Kind::Float => {
            let x = order.f32(b);
            (x <= FLOAT_MAX).then_some(f64::from(x))
        }
        Kind::Double => {
            let x = order.f64(b);
            (x <= DOUBLE_MAX).then_some(x)
        }
        Kind::Str(_) | Kind::StrL => None,
    };
    put_number(out, x);
}

/// `(v, o)` of a strL field: v the variable, o the observation of the string's first
/// occurrence, packed into 8 bytes — 4 + 4 in 117, 2 + 6 in 118, 3 + 5 in 119 — v first,
/// each in the file's byte order.
fn strl_key(release: u16, order: ByteOrder, b: &[u8]) -> (u64, u64) {
    let v_bits = match release {
        117 => 32,
        118 => 16,
        _ => 24,
    };
    let x = order.uint(b);
    match order {
        ByteOrder::Little => (x & ((1 << v_bits) - 1), x >> v_bits),
        ByteOrder::Big => (x >> (64 - v_bits), x & ((1 << (64 - v_bits)) - 1)),
    }
}

/// A read error of observation `line - 1`.
fn at_line(mut e: ReadError, line: u64) -> ReadError {
    e.line = line;
    e
}

/// Reads `tag` or fails naming it.
fn expect<R: Read>(r: &mut ByteReader<R>, tag: &str) -> Result<(), ReadError> {
    let start = r.pos();
    let got = r.bytes(tag.len() as u64, &format_args!("the tag {tag}"))?;
    if got != tag.as_bytes() {
        return Err(file_error(
            r.origin(),
            format!(
                "at byte {start}: expected {tag}, found {:?}: the file is damaged or not a Stata 117–119 .dta file",
                String::from_utf8_lossy(&got)
            ),
        ));
    }
    Ok(())
}

/// Reads `<tag>`, a value of `width` bytes, `</tag>`.
fn tagged_uint<R: Read>(r: &mut ByteReader<R>, tag: &str, width: usize) -> Result<u64, ReadError> {
    expect(r, &format!("<{tag}>"))?;
    let v = r.uint(width, &format_args!("<{tag}>"))?;
    expect(r, &format!("</{tag}>"))?;
    Ok(v)
}

type Dictionary = (
    Layout,
    &'static Encoding,
    Vec<Variable>,
    HashMap<String, Vec<(String, f64)>>,
);

/// Widths of the dictionary's fixed fields, by format.
struct Widths {
    name: usize,
    format: usize,
}

/// Formats 117–119.
fn read_117<R: Read + Seek>(r: &mut ByteReader<R>) -> Result<Dictionary, ReadError> {
    expect(r, "<stata_dta>")?;
    expect(r, "<header>")?;
    expect(r, "<release>")?;
    let release = r.bytes(3, &"<release>")?;
    let release: u16 = match &release[..] {
        b"117" => 117,
        b"118" => 118,
        b"119" => 119,
        other => {
            return Err(file_error(
                r.origin(),
                format!(
                    "Stata format {:?} is not supported: formats 114, 115 and 117–119 are",
                    String::from_utf8_lossy(other)
                ),
            ));
        }
    };
    expect(r, "</release>")?;
    expect(r, "<byteorder>")?;
    r.order = match &r.bytes(3, &"<byteorder>")?[..] {
        b"MSF" => ByteOrder::Big,
        b"LSF" => ByteOrder::Little,
        other => {
            return Err(r.error(format!(
                "byte order {:?}: expected MSF or LSF",
                String::from_utf8_lossy(other)
            )));
        }
    };
    expect(r, "</byteorder>")?;
    let k = tagged_uint(r, "K", if release == 119 { 4 } else { 2 })?;
    let n_obs = tagged_uint(r, "N", if release == 117 { 4 } else { 8 })?;
    expect(r, "<label>")?;
    let label_len = r.uint(if release == 117 { 1 } else { 2 }, &"<label>")?;
    r.skip(label_len, &"<label>")?;
    expect(r, "</label>")?;
    expect(r, "<timestamp>")?;
    let ts_len = r.uint(1, &"<timestamp>")?;
    r.skip(ts_len, &"<timestamp>")?;
    expect(r, "</timestamp>")?;
    expect(r, "</header>")?;
    expect(r, "<map>")?;
    let map_at = r.pos();
    let mut map = [0_u64; 14];
    for m in &mut map {
        *m = r.uint(8, &"<map>")?;
    }
    expect(r, "</map>")?;
    let file_len = r.len()?;
    let k = usize::try_from(k).map_err(|_| r.error("too many variables"))?;
    let widths = if release == 117 {
        Widths {
            name: 33,
            format: 49,
        }
    } else {
        Widths {
            name: 129,
            format: 57,
        }
    };
    let encoding = if release == 117 { WINDOWS_1252 } else { UTF_8 };
    expect(r, "<variable_types>")?;
    let mut kinds = Vec::with_capacity(k.min(1 << 16));
    for i in 0..k {
        let code = r.uint(2, &"<variable_types>")?;
        kinds.push(Kind::from_117(code).ok_or_else(|| {
            r.error(format!(
                "variable {} has the unknown type code {code}",
                i + 1
            ))
        })?);
    }
    expect(r, "</variable_types>")?;
    expect(r, "<varnames>")?;
    let names = fixed_texts(r, k, widths.name, encoding, "<varnames>")?;
    expect(r, "</varnames>")?;
    expect(r, "<sortlist>")?;
    r.skip(
        (k as u64 + 1) * if release == 119 { 4 } else { 2 },
        &"<sortlist>",
    )?;
    expect(r, "</sortlist>")?;
    expect(r, "<formats>")?;
    r.skip(k as u64 * widths.format as u64, &"<formats>")?;
    expect(r, "</formats>")?;
    expect(r, "<value_label_names>")?;
    let label_names = fixed_texts(r, k, widths.name, encoding, "<value_label_names>")?;
    expect(r, "</value_label_names>")?;
    let variables = variables(names, kinds, label_names);
    let row_width: usize = variables.iter().map(|v| v.kind.width()).sum();

    // Map entries: 9 = <data>, 10 = <strls>, 11 = <value_labels>.
    let origin = r.origin().to_owned();
    let damaged = |why: String| file_error(&origin, format!("at byte {map_at}: {why}"));
    let data = map[9].checked_add("<data>".len() as u64).ok_or_else(|| {
        damaged(format!(
            "the <map> is damaged: the data cannot start at byte {}",
            map[9]
        ))
    })?;
    if data > file_len {
        return Err(damaged(format!(
            "the <map> is damaged, or the file truncated: the data start at byte {}, beyond the end of the file ({file_len} bytes)",
            map[9]
        )));
    }
    // A file cut in its data is reported as such (naming the observation), before the
    // entries of the map beyond its end.
    check_data_fits(r, data, row_width, n_obs)?;
    if let Some((i, m)) = map.iter().enumerate().find(|(_, m)| **m > file_len) {
        return Err(damaged(format!(
            "the <map> is damaged, or the file truncated: entry {} points at byte {m}, beyond the end of the file ({file_len} bytes)",
            i + 1
        )));
    }
    r.seek(map[9])?;
    expect(r, "<data>")?;
    r.seek(map[11])?;
    expect(r, "<value_labels>")?;
    let mut sets = HashMap::new();
    loop {
        let start = r.pos();
        let tag = r.bytes(5, &"<value_labels>")?;
        match &tag[..] {
            b"<lbl>" => {}
            b"</val" => {
                expect(r, "ue_labels>")?;
                break;
            }
            other => {
                return Err(file_error(
                    r.origin(),
                    format!(
                        "at byte {start}: expected <lbl> or </value_labels>, found {:?}",
                        String::from_utf8_lossy(other)
                    ),
                ));
            }
        }
        let len = r.uint(4, &"a value-label set")?;
        let name = text(
            &r.bytes(widths.name as u64, &"a value-label set")?,
            encoding,
        );
        r.skip(3, &"a value-label set")?;
        let set = label_table(r, len, encoding, &name)?;
        sets.insert(name, set);
        expect(r, "</lbl>")?;
    }
    let layout = Layout {
        release,
        n_obs,
        data,
        strls: Some(map[10]),
    };
    Ok((layout, encoding, variables, sets))
}

/// Formats 114 and 115 (identical but for the number).
fn read_114<R: Read + Seek>(r: &mut ByteReader<R>) -> Result<Dictionary, ReadError> {
    let release = u16::from(r.u8(&"the header")?);
    r.order = match r.u8(&"the header")? {
        1 => ByteOrder::Big,
        2 => ByteOrder::Little,
        other => return Err(r.error(format!("byte order {other}: expected 1 (HILO) or 2 (LOHI)"))),
    };
    r.skip(2, &"the header")?; // filetype, unused
    let k = r.uint(2, &"the header")? as usize;
    let n_obs = r.uint(4, &"the header")?;
    r.skip(81 + 18, &"the header")?; // data label, time stamp
    let mut kinds = Vec::with_capacity(k);
    for i in 0..k {
        let code = r.u8(&"the type list")?;
        kinds.push(Kind::from_114(code).ok_or_else(|| {
            r.error(format!(
                "variable {} has the unknown type code {code}",
                i + 1
            ))
        })?);
    }
    let encoding = WINDOWS_1252;
    let names = fixed_texts(r, k, 33, encoding, "the variable names")?;
    r.skip(2 * (k as u64 + 1), &"the sort list")?;
    r.skip(49 * k as u64, &"the display formats")?;
    let label_names = fixed_texts(r, k, 33, encoding, "the value-label names")?;
    r.skip(81 * k as u64, &"the variable labels")?;
    // Expansion fields: type, length, contents; type 0 and length 0 end them.
    loop {
        let kind = r.u8(&"the expansion fields")?;
        let len = r.uint(4, &"the expansion fields")?;
        if kind == 0 && len == 0 {
            break;
        }
        r.skip(len, &"the expansion fields")?;
    }
    let variables = variables(names, kinds, label_names);
    let row_width: usize = variables.iter().map(|v| v.kind.width()).sum();
    let data = r.pos();
    check_data_fits(r, data, row_width, n_obs)?;
    // Value labels: from the end of the data to the end of the file.
    r.seek(data + n_obs * row_width as u64)?;
    let mut sets = HashMap::new();
    loop {
        let mut len = [0; 4];
        let got = r.read_full(&mut len)?;
        if got == 0 {
            break;
        }
        if got < 4 {
            return Err(r.truncated(&"a value-label set"));
        }
        let len = r.order.uint(&len);
        let name = text(&r.bytes(33, &"a value-label set")?, encoding);
        r.skip(3, &"a value-label set")?;
        let set = label_table(r, len, encoding, &name)?;
        sets.insert(name, set);
    }
    let layout = Layout {
        release,
        n_obs,
        data,
        strls: None,
    };
    Ok((layout, encoding, variables, sets))
}

fn variables(names: Vec<String>, kinds: Vec<Kind>, label_sets: Vec<String>) -> Vec<Variable> {
    let mut offset = 0;
    names
        .into_iter()
        .zip(kinds)
        .zip(label_sets)
        .map(|((name, kind), label_set)| {
            let v = Variable {
                name,
                kind,
                offset,
                label_set,
            };
            offset += kind.width();
            v
        })
        .collect()
}

/// `n` NUL-terminated texts of `width` bytes each.
fn fixed_texts<R: Read>(
    r: &mut ByteReader<R>,
    n: usize,
    width: usize,
    encoding: &'static Encoding,
    what: &str,
) -> Result<Vec<String>, ReadError> {
    (0..n)
        .map(|_| Ok(text(&r.bytes(width as u64, &what)?, encoding)))
        .collect()
}

/// Fails, naming the observation where the file ends, if the data section does not fit in
/// the file: a truncated file is found before anything is tabulated.
fn check_data_fits<R: Read + Seek>(
    r: &mut ByteReader<R>,
    data: u64,
    row_width: usize,
    n_obs: u64,
) -> Result<(), ReadError> {
    let len = r.len()?;
    let width = row_width as u64;
    let need = n_obs
        .checked_mul(width)
        .and_then(|b| b.checked_add(data))
        .ok_or_else(|| {
            r.error(format!(
                "{n_obs} observations of {width} bytes cannot be a file"
            ))
        })?;
    if len >= need {
        return Ok(());
    }
    let complete = len.saturating_sub(data) / width.max(1);
    let obs = complete + 1;
    Err(ReadError {
        origin: r.origin().to_owned(),
        line: obs + 1,
        column: None,
        message: format!(
            "the file ends at byte {len}, inside observation {obs} of {n_obs} (the data need bytes {data} to {need}): it is truncated"
        ),
    })
}

/// A value-label table of `len` bytes: n, the text length, n offsets, n values, the texts.
fn label_table<R: Read>(
    r: &mut ByteReader<R>,
    len: u64,
    encoding: &'static Encoding,
    name: &str,
) -> Result<Vec<(String, f64)>, ReadError> {
    let what = format!("the value labels {name}");
    let start = r.pos();
    if len < 8 {
        return Err(r.error(format!("{what} are {len} bytes long: too short")));
    }
    let table = r.bytes(len, &what)?;
    let len = table.len();
    let order = r.order;
    let int = |i: usize| order.i32(&table[i..]);
    let n = usize::try_from(int(0)).unwrap_or(usize::MAX);
    let txt_len = usize::try_from(int(4)).unwrap_or(usize::MAX);
    let damaged = || {
        file_error(
            r.origin(),
            format!("at byte {start}: {what} are damaged (their lengths do not add up)"),
        )
    };
    let txt_at = n
        .checked_mul(8)
        .and_then(|b| b.checked_add(8))
        .filter(|t| t.checked_add(txt_len) == Some(len))
        .ok_or_else(damaged)?;
    let txt = &table[txt_at..];
    (0..n)
        .map(|i| {
            let off = usize::try_from(int(8 + 4 * i)).map_err(|_| damaged())?;
            let value = int(8 + 4 * n + 4 * i);
            let label = txt.get(off..).ok_or_else(damaged)?;
            Ok((text(label, encoding), f64::from(value)))
        })
        .collect()
}

impl<R: Read + Seek> Source for DtaSource<R> {
    fn header(&mut self) -> Result<Vec<String>, ReadError> {
        Ok(self.variables.iter().map(|v| v.name.clone()).collect())
    }

    fn run(&mut self, visitor: &mut Visitor) -> Result<(), TabulateError> {
        let n = self.variables.len();
        let origin = self.reader.origin().to_owned();
        feed(visitor, &origin, n, |columns, texts| {
            self.next_row(columns, texts)
        })
    }

    fn origin(&self) -> &str {
        self.reader.origin()
    }

    /// The value labels of each labelled variable (name → (label, code) pairs), in the
    /// shape of [`crate::Plan::labels`]: a set shared by several variables is given to each.
    /// Labels on missing codes are left out (see the module documentation).
    fn value_labels(&self) -> BTreeMap<String, Vec<(String, f64)>> {
        self.labels.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(kind: Kind, bytes: &[u8]) -> String {
        let mut out = String::from("stale");
        decode_number(kind, ByteOrder::Little, bytes, &mut out);
        out
    }

    #[test]
    fn missing_values_start_one_above_each_types_largest_valid_value() {
        // byte: 100 valid, 101 = `.`; and negative values are valid.
        assert_eq!(number(Kind::Byte, &[100]), "100");
        assert_eq!(number(Kind::Byte, &[101]), "");
        assert_eq!(number(Kind::Byte, &[0x81]), "-127");
        // int: 32,740 valid, 32,741 = `.`.
        assert_eq!(number(Kind::Int, &32_740_i16.to_le_bytes()), "32740");
        assert_eq!(number(Kind::Int, &32_741_i16.to_le_bytes()), "");
        assert_eq!(number(Kind::Int, &(-32_767_i16).to_le_bytes()), "-32767");
        // long: 2,147,483,620 valid, 2,147,483,621 = `.`.
        assert_eq!(
            number(Kind::Long, &2_147_483_620_i32.to_le_bytes()),
            "2147483620"
        );
        assert_eq!(number(Kind::Long, &2_147_483_621_i32.to_le_bytes()), "");
        // float: the largest valid value (2^127 · (2 − 2^-23) ÷ 2: 0x7effffff), then `.`.
        let max = f32::from_bits(0x7eff_ffff);
        assert_eq!(
            number(Kind::Float, &max.to_le_bytes()),
            format!("{}", f64::from(max))
        );
        assert_eq!(number(Kind::Float, &0x7f00_0000_u32.to_le_bytes()), "");
        assert_eq!(number(Kind::Float, &f32::NAN.to_le_bytes()), "");
        // A float is given exactly: 0.1 stored as a float is 0.10000000149011612.
        assert_eq!(
            number(Kind::Float, &0.1_f32.to_le_bytes()),
            "0.10000000149011612"
        );
        // double: 0x7fdfffffffffffff valid, 0x7fe0000000000000 = `.`.
        let max = f64::from_bits(0x7fdf_ffff_ffff_ffff);
        assert_eq!(number(Kind::Double, &max.to_le_bytes()), format!("{max}"));
        assert_eq!(
            number(Kind::Double, &0x7fe0_0000_0000_0000_u64.to_le_bytes()),
            ""
        );
        assert_eq!(number(Kind::Double, &(-1.5_f64).to_le_bytes()), "-1.5");
    }

    #[test]
    fn labels_on_codes_above_a_types_largest_value_are_missing_codes() {
        assert_eq!(Kind::Byte.max_code(), Some(100.0));
        assert_eq!(Kind::Int.max_code(), Some(32_740.0));
        assert_eq!(Kind::Double.max_code(), Some(2_147_483_620.0));
        assert_eq!(Kind::Str(4).max_code(), None);
    }

    fn fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/survey/formats")
            .join(name)
    }

    #[test]
    fn only_the_strls_a_needed_column_refers_to_are_kept() {
        // Five GSOs: a = x1 (1,1), shared (2,1), x3 (1,3); b = shared (2,1), y2 (2,2),
        // y3 (2,3).
        let path = fixture("strl_shared_pandas_118.dta");
        let read = |columns: &[usize]| {
            let mut s = DtaSource::open(&path).expect("fixture");
            let mut texts = vec![String::new(); columns.len()];
            while s.read_row(columns, &mut texts).expect("row").is_some() {}
            let mut kept: Vec<_> = s.strls.keys().copied().collect();
            kept.sort_unstable();
            kept
        };
        assert_eq!(read(&[0]), [(1, 1), (1, 3), (2, 1)]);
        assert_eq!(read(&[1]), [(2, 1), (2, 2), (2, 3)]);
        assert_eq!(read(&[0, 1]).len(), 5);
        // No strL column needed: nothing loaded.
        let mut s = DtaSource::open(&fixture("persons_pandas_118_msf_strl.dta")).expect("x");
        let mut texts = vec![String::new()];
        while s.read_row(&[0], &mut texts).expect("row").is_some() {}
        assert!(s.strls.is_empty());
    }
}
