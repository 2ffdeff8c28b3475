//! Parquet microdata as a [`Source`]: only the columns the plan and the design need are
//! read (projection), row group by row group, with the low-level typed column readers of
//! the `parquet` crate (no Arrow), and handed to the [`Visitor`] as typed fields
//! ([`Field`]): numbers are never formatted to text and parsed back.
//!
//! Types: INT32, INT64 (signed or unsigned, DECIMAL scaled; beyond 2^53 refused, since a
//! double cannot hold it), FLOAT (its exact value as a double, as R and pandas read it), DOUBLE and BOOLEAN
//! (1/0) are numbers; BYTE_ARRAY strings (UTF8, ENUM, or unannotated if valid UTF-8,
//! dictionary-encoded or not) are texts; nulls are missing, and so is a NaN (pandas
//! writes missing floats as NaN). Dates, times, timestamps, INT96, fixed-length byte
//! arrays and nested columns (lists, maps, structs) are refused with an error naming the
//! column — but only if the plan or the design uses them. Compression: snappy, zstd,
//! gzip and lz4 (what pyarrow, polars and R's arrow write).
//!
//! **Two cores.** The row groups are split into as many contiguous runs as there are
//! cores (at most one run per row group); each run is read on its own thread by a
//! [`Visitor::fork`], and the forks are merged in file order ([`Visitor::absorb`]): the
//! result equals a one-thread pass (to the last bit but for sums over a PSU × cell that
//! straddles two runs). Designs the visitor cannot split ([`Visitor::can_fork`]) and
//! files of one row group are read on one thread.
//!
//! Errors name the file, the row (`line` is the 1-based row number, the header not
//! counted: Parquet has none), the row group and the column.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};

use parquet::basic::{ConvertedType, LogicalType, Type as Physical};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{ByteArray, DataType};
use parquet::errors::ParquetError;
use parquet::file::reader::{FileReader, SerializedFileReader};

use crate::error::{ReadError, TabulateError};
use crate::read::{Field, Source, Visitor, check_header};

/// Rows decoded per column before they are visited: large enough to amortise the
/// decoder calls, small enough to stay in the cache.
const BATCH: usize = 4096;

/// A Parquet file read as microdata (see the module documentation).
pub struct ParquetSource {
    reader: SerializedFileReader<File>,
    path: PathBuf,
    origin: String,
    threads: usize,
}

impl std::fmt::Debug for ParquetSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetSource")
            .field("origin", &self.origin)
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

impl ParquetSource {
    /// Opens a Parquet file: reads its footer (the schema and the row groups), so a file
    /// that is not Parquet, or is truncated, is an error here.
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let origin = path.display().to_string();
        let reader = guarded(&origin, || open_reader(path, &origin))?;
        Ok(Self {
            reader,
            path: path.to_owned(),
            origin,
            threads: std::thread::available_parallelism().map_or(1, usize::from),
        })
    }

    /// Reads on at most `threads` threads (default: the machine's cores; 1 = one pass in
    /// file order on the calling thread).
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    fn error(&self, column: Option<&str>, message: String) -> ReadError {
        ReadError {
            origin: self.origin.clone(),
            line: 0,
            column: column.map(str::to_owned),
            message,
        }
    }

    /// The leaf column and conversion of each needed file column (by header index).
    fn leaves(&self, needed: &[usize]) -> Result<Vec<(usize, Leaf)>, ReadError> {
        let schema = self.reader.metadata().file_metadata().schema_descr();
        let fields = schema.root_schema().get_fields();
        let mut out = Vec::with_capacity(needed.len());
        for &col in needed {
            let name = fields.get(col).map_or("", |f| f.name());
            let leaves: Vec<usize> = (0..schema.num_columns())
                .filter(|&j| schema.get_column_root_idx(j) == col)
                .collect();
            let descr = match leaves.as_slice() {
                [j] if fields[col].is_primitive() && schema.column(*j).max_rep_level() == 0 => {
                    schema.column(*j)
                }
                _ => {
                    return Err(self.error(
                        Some(name),
                        "is a nested column (a list, map or struct): only flat columns can be read"
                            .to_owned(),
                    ));
                }
            };
            let unsupported = |what: String| {
                self.error(
                    Some(name),
                    format!(
                        "has the type {what}, which cannot be read as a number or a text: convert it (e.g. to an integer code or a string)"
                    ),
                )
            };
            let logical = descr.logical_type_ref();
            if let Some(
                l @ (LogicalType::Date
                | LogicalType::Time(_)
                | LogicalType::Timestamp(_)
                | LogicalType::Float16
                | LogicalType::Uuid
                | LogicalType::Json
                | LogicalType::Bson
                | LogicalType::Unknown
                | LogicalType::Variant(_)
                | LogicalType::Geometry(_)
                | LogicalType::Geography(_)
                | LogicalType::File),
            ) = logical
            {
                return Err(unsupported(format!("{l:?}")));
            }
            let converted = descr.converted_type();
            let scale = match converted {
                ConvertedType::DECIMAL => 10_f64.powi(descr.type_scale()),
                _ => 1.0,
            };
            let physical = descr.physical_type();
            let kind = match physical {
                Physical::BOOLEAN | Physical::FLOAT | Physical::DOUBLE => Kind::Signed,
                Physical::INT32 | Physical::INT64 => match converted {
                    ConvertedType::UINT_8
                    | ConvertedType::UINT_16
                    | ConvertedType::UINT_32
                    | ConvertedType::UINT_64 => Kind::Unsigned,
                    ConvertedType::NONE
                    | ConvertedType::INT_8
                    | ConvertedType::INT_16
                    | ConvertedType::INT_32
                    | ConvertedType::INT_64
                    | ConvertedType::DECIMAL => Kind::Signed,
                    other => return Err(unsupported(format!("{physical} ({other})"))),
                },
                Physical::BYTE_ARRAY => match converted {
                    ConvertedType::NONE | ConvertedType::UTF8 | ConvertedType::ENUM => Kind::Text,
                    other => return Err(unsupported(format!("{physical} ({other})"))),
                },
                other => return Err(unsupported(format!("{other}"))),
            };
            out.push((
                col,
                Leaf {
                    index: leaves[0],
                    name: name.to_owned(),
                    kind,
                    scale,
                    max_def: descr.max_def_level(),
                },
            ));
        }
        Ok(out)
    }

    /// Splits the row groups into at most `threads` contiguous runs of about equal rows:
    /// (row groups, rows before the run).
    fn runs(&self, threads: usize) -> Vec<(Range<usize>, u64)> {
        let rows: Vec<u64> = self
            .reader
            .metadata()
            .row_groups()
            .iter()
            .map(|g| u64::try_from(g.num_rows()).unwrap_or(0))
            .collect();
        let total: u64 = rows.iter().sum();
        let threads = threads.clamp(1, rows.len().max(1)) as u64;
        let mut runs = Vec::new();
        let (mut start, mut before, mut acc) = (0, 0, 0);
        for (g, r) in rows.iter().enumerate() {
            acc += r;
            let k = runs.len() as u64 + 1;
            if acc * threads >= total * k && k < threads {
                runs.push((start..g + 1, before));
                start = g + 1;
                before = acc;
            }
        }
        if start < rows.len() || runs.is_empty() {
            runs.push((start..rows.len(), before));
        }
        runs
    }
}

/// How a leaf's values become numbers or texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Signed,
    /// UINT_32 / UINT_64 stored in INT32 / INT64.
    Unsigned,
    Text,
}

#[derive(Debug, Clone)]
struct Leaf {
    index: usize,
    name: String,
    kind: Kind,
    /// 10^scale for a DECIMAL (the stored integer is divided by it: a quotient of two exact
    /// numbers is correctly rounded, as parsing the decimal text is; multiplying by the
    /// inexact 10^-scale is not), else 1.
    scale: f64,
    /// The definition level of a present value (0: the column is required).
    max_def: i16,
}

/// A reader of its own per thread: the `File` readers of the `parquet` crate seek a
/// cloned descriptor, whose offset the clones share, so two threads must not share one.
fn open_reader(path: &Path, origin: &str) -> Result<SerializedFileReader<File>, ReadError> {
    let error = |message: String| ReadError {
        origin: origin.to_owned(),
        line: 0,
        column: None,
        message,
    };
    let file = File::open(path).map_err(|e| error(format!("cannot open: {e}")))?;
    SerializedFileReader::new(file).map_err(|e| {
        error(format!(
            "not a readable Parquet file (truncated or damaged?): {e}"
        ))
    })
}

impl Source for ParquetSource {
    fn header(&mut self) -> Result<Vec<String>, ReadError> {
        let header: Vec<String> = self
            .reader
            .metadata()
            .file_metadata()
            .schema_descr()
            .root_schema()
            .get_fields()
            .iter()
            .map(|f| f.name().to_owned())
            .collect();
        if header.is_empty() {
            return Err(self.error(None, "the file has no columns".to_owned()));
        }
        check_header(&self.origin, &header, 0)?;
        Ok(header)
    }

    fn run(&mut self, visitor: &mut Visitor) -> Result<(), TabulateError> {
        let origin = self.origin.clone();
        guarded(&origin, || self.run_unguarded(visitor))
    }

    fn origin(&self) -> &str {
        &self.origin
    }
}

/// Runs a step of the `parquet` crate, turning a panic into an error naming the file: the
/// crate still panics on some damaged pages (arrow-rs issues #11121, #9434, #9705), and a
/// damaged input must give an error, never a crash.
fn guarded<T, E: From<ReadError>>(
    origin: &str,
    step: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).unwrap_or_else(|_| {
        Err(ReadError {
            origin: origin.to_owned(),
            line: 0,
            column: None,
            message: "the Parquet reader failed on this file: it is damaged".to_owned(),
        }
        .into())
    })
}

impl ParquetSource {
    fn run_unguarded(&mut self, visitor: &mut Visitor) -> Result<(), TabulateError> {
        let leaves = self.leaves(visitor.columns())?;
        let mut slot_of = vec![usize::MAX; leaves.iter().map(|(c, _)| c + 1).max().unwrap_or(0)];
        for (i, (c, _)) in leaves.iter().enumerate() {
            slot_of[*c] = i;
        }
        let threads = if visitor.can_fork() { self.threads } else { 1 };
        let runs = self.runs(threads);
        let pass = Pass {
            reader: &self.reader,
            origin: &self.origin,
            leaves: leaves.into_iter().map(|(_, l)| l).collect(),
            slot_of,
        };
        let [(first, first_row), rest @ ..] = runs.as_slice() else {
            return Ok(());
        };
        if rest.is_empty() {
            return pass.read(first.clone(), *first_row, visitor);
        }
        let readers = rest
            .iter()
            .map(|_| open_reader(&self.path, &self.origin))
            .collect::<Result<Vec<_>, _>>()?;
        std::thread::scope(|s| {
            let pass = &pass;
            let handles: Vec<_> = rest
                .iter()
                .zip(&readers)
                .map(|((groups, before), reader)| {
                    let mut fork = visitor.fork();
                    let (groups, before) = (groups.clone(), *before);
                    s.spawn(move || {
                        let pass = Pass {
                            reader,
                            ..pass.clone()
                        };
                        pass.read(groups, before, &mut fork).map(|()| fork)
                    })
                })
                .collect();
            // The first error in file order wins, as on one thread.
            let mine = pass.read(first.clone(), *first_row, visitor);
            let theirs: Vec<_> = handles.into_iter().map(|h| h.join()).collect();
            mine?;
            for t in theirs {
                let fork = t.map_err(|_| {
                    self.error(
                        None,
                        "the Parquet reader failed on this file: it is damaged".to_owned(),
                    )
                })??;
                visitor.absorb(fork)?;
            }
            Ok(())
        })
    }
}

/// What a thread of a pass reads with.
#[derive(Clone)]
struct Pass<'a> {
    reader: &'a SerializedFileReader<File>,
    origin: &'a str,
    leaves: Vec<Leaf>,
    /// The batch column of each file column (by header index).
    slot_of: Vec<usize>,
}

impl Pass<'_> {
    /// Visits the rows of a run of row groups; `before` rows precede it in the file.
    fn read(
        &self,
        groups: Range<usize>,
        before: u64,
        visitor: &mut Visitor,
    ) -> Result<(), TabulateError> {
        let mut row = before;
        let slots = visitor.columns().to_vec();
        for g in groups {
            let error = |leaf: Option<&Leaf>, row: u64, e: &dyn std::fmt::Display| ReadError {
                origin: self.origin.to_owned(),
                line: row,
                column: leaf.map(|l| l.name.clone()),
                message: format!("row group {g}: {e}"),
            };
            let group = self
                .reader
                .get_row_group(g)
                .map_err(|e| error(None, row + 1, &e))?;
            let n = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
            let mut columns = Vec::with_capacity(self.leaves.len());
            for leaf in &self.leaves {
                let reader = group
                    .get_column_reader(leaf.index)
                    .map_err(|e| error(Some(leaf), row + 1, &e))?;
                columns.push(Batch::new(reader, leaf));
            }
            let mut done = 0;
            while done < n {
                let want = BATCH.min(n - done);
                for (c, leaf) in columns.iter_mut().zip(&self.leaves) {
                    match c.fill(want) {
                        Ok(got) if got == want => {}
                        Ok(got) => {
                            return Err(error(
                                Some(leaf),
                                row + got as u64 + 1,
                                &format!(
                                    "the column ends after {} of the row group's {n} rows (a truncated or damaged file)",
                                    done + got
                                ),
                            )
                            .into());
                        }
                        Err(BatchError::Parquet(e)) => {
                            return Err(error(Some(leaf), row + 1, &e).into());
                        }
                        Err(BatchError::Utf8(i)) => {
                            return Err(error(
                                Some(leaf),
                                row + i as u64 + 1,
                                &"the text is not valid UTF-8",
                            )
                            .into());
                        }
                        Err(BatchError::Inexact(i)) => {
                            return Err(error(
                                Some(leaf),
                                row + 1,
                                &format!(
                                    "a 64-bit integer beyond 2^53 (the batch's non-null value {}) cannot be held exactly as a number: store ids this large as text",
                                    i + 1
                                ),
                            )
                            .into());
                        }
                    }
                }
                // Per file column, its batch (the visitor asks by file column); per slot,
                // its numbers if the column holds numbers.
                let by_column: Vec<Option<&Batch>> =
                    self.slot_of.iter().map(|&k| columns.get(k)).collect();
                let numbers: Vec<Option<&[f64]>> = slots
                    .iter()
                    .map(|&c| {
                        by_column
                            .get(c)
                            .copied()
                            .flatten()
                            .filter(|b| b.kind != Kind::Text)
                            .map(|b| &b.numbers[..want])
                    })
                    .collect();
                visitor.visit_numbers(row + 1, want, &numbers, |i, c| match by_column.get(c) {
                    Some(Some(b)) => b.field(i),
                    _ => Field::Missing,
                })?;
                row += want as u64;
                done += want;
            }
        }
        Ok(())
    }
}

/// One column's decoder and its current batch of rows.
struct Batch {
    decoder: Decoder,
    kind: Kind,
    scale: f64,
    max_def: i16,
    def: Vec<i16>,
    /// Row-aligned numbers (NaN: null), for number columns.
    numbers: Vec<f64>,
    /// Row-aligned byte ranges into `text` (`None`: null), for text columns.
    spans: Vec<Option<(usize, usize)>>,
    text: String,
}

/// The typed decoder and its value buffer.
enum Decoder {
    Bool(ColumnReaderImpl<parquet::data_type::BoolType>, Vec<bool>),
    I32(ColumnReaderImpl<parquet::data_type::Int32Type>, Vec<i32>),
    I64(ColumnReaderImpl<parquet::data_type::Int64Type>, Vec<i64>),
    F32(ColumnReaderImpl<parquet::data_type::FloatType>, Vec<f32>),
    F64(ColumnReaderImpl<parquet::data_type::DoubleType>, Vec<f64>),
    Bytes(
        ColumnReaderImpl<parquet::data_type::ByteArrayType>,
        Vec<ByteArray>,
    ),
    /// A type [`ParquetSource::leaves`] refused; never read.
    Other,
}

enum BatchError {
    Parquet(ParquetError),
    /// The row (in the batch) whose text is not UTF-8.
    Utf8(usize),
    /// The value (among the batch's non-null values) of a 64-bit integer column beyond
    /// 2^53, which a double cannot hold exactly.
    Inexact(usize),
}

impl From<ParquetError> for BatchError {
    fn from(e: ParquetError) -> Self {
        Self::Parquet(e)
    }
}

/// Reads up to `rows` records of a typed column: the values (non-null only) and, for a
/// nullable column, the definition levels.
fn read_typed<T: DataType>(
    reader: &mut ColumnReaderImpl<T>,
    rows: usize,
    def: &mut Vec<i16>,
    nullable: bool,
    values: &mut Vec<T::T>,
) -> Result<usize, ParquetError> {
    def.clear();
    values.clear();
    let (records, _, _) = reader.read_records(rows, nullable.then_some(def), None, values)?;
    Ok(records)
}

/// Spreads dense values over the rows, NaN where the definition level says null.
fn spread<V: Copy>(
    values: &[V],
    def: &[i16],
    max_def: i16,
    out: &mut Vec<f64>,
    f: impl Fn(V) -> f64,
) {
    out.clear();
    if max_def == 0 {
        out.extend(values.iter().map(|v| f(*v)));
        return;
    }
    let mut next = 0;
    for &d in def {
        if d == max_def {
            out.push(values.get(next).map_or(f64::NAN, |v| f(*v)));
            next += 1;
        } else {
            out.push(f64::NAN);
        }
    }
}

impl Batch {
    fn new(reader: ColumnReader, leaf: &Leaf) -> Self {
        let decoder = match reader {
            ColumnReader::BoolColumnReader(r) => Decoder::Bool(r, Vec::new()),
            ColumnReader::Int32ColumnReader(r) => Decoder::I32(r, Vec::new()),
            ColumnReader::Int64ColumnReader(r) => Decoder::I64(r, Vec::new()),
            ColumnReader::FloatColumnReader(r) => Decoder::F32(r, Vec::new()),
            ColumnReader::DoubleColumnReader(r) => Decoder::F64(r, Vec::new()),
            ColumnReader::ByteArrayColumnReader(r) => Decoder::Bytes(r, Vec::new()),
            _ => Decoder::Other,
        };
        Self {
            decoder,
            kind: leaf.kind,
            scale: leaf.scale,
            max_def: leaf.max_def,
            def: Vec::new(),
            numbers: Vec::new(),
            spans: Vec::new(),
            text: String::new(),
        }
    }

    /// Decodes the next `rows` rows; returns how many there were.
    fn fill(&mut self, rows: usize) -> Result<usize, BatchError> {
        let nullable = self.max_def > 0;
        let (def, max_def, out, scale) =
            (&mut self.def, self.max_def, &mut self.numbers, self.scale);
        let unsigned = self.kind == Kind::Unsigned;
        let got = match &mut self.decoder {
            Decoder::Bool(r, v) => {
                let got = read_typed(r, rows, def, nullable, v)?;
                spread(v, def, max_def, out, |b| if b { 1.0 } else { 0.0 });
                got
            }
            Decoder::I32(r, v) => {
                let got = read_typed(r, rows, def, nullable, v)?;
                if unsigned {
                    spread(v, def, max_def, out, |x| {
                        f64::from(x.cast_unsigned()) / scale
                    });
                } else {
                    spread(v, def, max_def, out, |x| f64::from(x) / scale);
                }
                got
            }
            Decoder::I64(r, v) => {
                let got = read_typed(r, rows, def, nullable, v)?;
                // Beyond 2^53 two ids would become one double (one PSU where the file has
                // two): refused, never rounded.
                let exact = |x: u64| x <= 1 << 53;
                if let Some(i) = v.iter().position(|&x| {
                    if unsigned {
                        !exact(x.cast_unsigned())
                    } else {
                        !exact(x.unsigned_abs())
                    }
                }) {
                    return Err(BatchError::Inexact(i));
                }
                #[allow(clippy::cast_precision_loss)] // exact: checked above
                if unsigned {
                    spread(v, def, max_def, out, |x| x.cast_unsigned() as f64 / scale);
                } else {
                    spread(v, def, max_def, out, |x| x as f64 / scale);
                }
                got
            }
            Decoder::F32(r, v) => {
                let got = read_typed(r, rows, def, nullable, v)?;
                spread(v, def, max_def, out, f64::from);
                got
            }
            Decoder::F64(r, v) => {
                let got = read_typed(r, rows, def, nullable, v)?;
                spread(v, def, max_def, out, |x| x);
                got
            }
            Decoder::Bytes(r, v) => {
                let got = read_typed(r, rows, def, nullable, v)?;
                self.text.clear();
                self.spans.clear();
                let mut values = v.iter();
                for i in 0..got {
                    if nullable && def.get(i) != Some(&max_def) {
                        self.spans.push(None);
                        continue;
                    }
                    let b = values.next().map_or(&[][..], ByteArray::data);
                    let t = std::str::from_utf8(b).map_err(|_| BatchError::Utf8(i))?;
                    let start = self.text.len();
                    self.text.push_str(t);
                    self.spans.push(Some((start, self.text.len())));
                }
                got
            }
            Decoder::Other => 0,
        };
        Ok(got)
    }

    #[inline]
    fn field(&self, i: usize) -> Field<'_> {
        if self.kind == Kind::Text {
            match self.spans[i] {
                Some((a, b)) => Field::Text(&self.text[a..b]),
                None => Field::Missing,
            }
        } else {
            Field::Number(self.numbers[i])
        }
    }
}
