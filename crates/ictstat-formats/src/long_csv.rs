//! The long layout: one observation per row, `indicator, area, period, value`, one column per
//! breakdown dimension, attribute columns. It is ictstat's own exchange layout (what
//! [`crate::write_long_csv`] writes) and the layout of XLSX imports.

use crate::columns::{Attr, Role, normalize, role};
use crate::csv_table::CsvTable;
use crate::diag::{Diags, Found};
use crate::rules;
use crate::table::{At, Columns, Opt, Row};
use crate::text;
use crate::validate::{Candidate, Cell, Validator};
use crate::{ReadOptions, no_data};

/// Where each field of the long layout is in a table.
#[derive(Debug, Clone)]
pub(crate) struct LongLayout {
    indicator: Field,
    area: Field,
    period: usize,
    value: usize,
    dims: [Option<usize>; 11],
    attrs: [Option<usize>; 8],
    /// The SDMX-CSV 2.0 `ACTION` column, when present.
    action: Option<usize>,
}

/// A required field: a column, or a value given in the options for the whole file.
#[derive(Debug, Clone)]
enum Field {
    Col(usize),
    Fixed(String, Opt),
}

impl Field {
    fn cell<'a, R: Row + ?Sized>(&'a self, row: &'a R) -> Cell<'a> {
        match self {
            Field::Col(i) => Cell::new(row.get(*i), At::col(*i)),
            Field::Fixed(text, option) => Cell::new(text, At::Option(*option)),
        }
    }
}

impl LongLayout {
    /// Maps the header's columns to fields. Reports `missing-column` for absent required
    /// columns and `ignored-column` for columns it does not know.
    pub fn new(
        cols: &Columns,
        header_line: u64,
        opts: &ReadOptions,
        diags: &mut Diags,
    ) -> Option<Self> {
        let mut indicator: Option<usize> = None;
        let mut area: Option<usize> = None;
        let mut period: Option<usize> = None;
        let mut value: Option<usize> = None;
        let mut dims: [Option<usize>; 11] = [None; 11];
        let mut attrs: [Option<usize>; 8] = [None; 8];
        let mut action: Option<usize> = None;
        for (i, name) in cols.names.iter().enumerate() {
            let slot = match role(name) {
                Some(Role::Indicator) => &mut indicator,
                Some(Role::Area) => &mut area,
                Some(Role::Period) => &mut period,
                Some(Role::Value) => &mut value,
                Some(Role::Dim(d)) => &mut dims[d as usize],
                Some(Role::Attr(a)) => &mut attrs[a.index()],
                Some(Role::Action) => &mut action,
                Some(Role::Label) => continue,
                None if name.is_empty() => continue,
                None => {
                    let column = cols.label(At::col(i), header_line);
                    diags.add(rules::IGNORED_COLUMN, Some(header_line), || {
                        Found::new("this column is not part of the long layout and is ignored")
                            .column(column)
                            .fix("rename it to a dimension (sex, age, urbanisation, …) or attribute (obs_status, unit_mult, nature, source, footnote, lower_bound, upper_bound, std_error) if it is one, or remove it")
                    });
                    continue;
                }
            };
            if let Some(first) = *slot {
                let (column, first) = (
                    cols.label(At::col(i), header_line),
                    cols.names[first].clone(),
                );
                diags.add(rules::IGNORED_COLUMN, Some(header_line), || {
                    Found::new(format!(
                        "this column means the same as column `{first}`, which is used instead"
                    ))
                    .column(column)
                    .fix("remove one of the two columns")
                });
            } else {
                *slot = Some(i);
            }
        }
        let fixed = |col: Option<usize>, opt: &Option<String>, name: Opt| match (col, opt) {
            (Some(i), _) => Some(Field::Col(i)),
            (None, Some(v)) if !v.trim().is_empty() => {
                Some(Field::Fixed(v.trim().to_string(), name))
            }
            _ => None,
        };
        let indicator = fixed(indicator, &opts.indicator, Opt::Indicator);
        let area = fixed(area, &opts.area, Opt::Area);
        let required: [(&str, &str, bool); 4] = [
            (
                "indicator",
                "indicator, series or SERIES (or pass --indicator)",
                indicator.is_some(),
            ),
            (
                "area",
                "area, ref_area or REF_AREA (or pass --area)",
                area.is_some(),
            ),
            ("period", "period, year or TIME_PERIOD", period.is_some()),
            ("value", "value or OBS_VALUE", value.is_some()),
        ];
        let mut complete = true;
        for (what, names, present) in required {
            if !present {
                complete = false;
                diags.add(rules::MISSING_COLUMN, Some(header_line), || {
                    Found::new(format!("the header has no {what} column"))
                        .column(what)
                        .value(cols.names.join(","))
                        .fix(format!("add a column named {names}"))
                });
            }
        }
        if !complete {
            return None;
        }
        // ACTION has its SDMX meaning only in an SDMX-CSV file (one with its structure
        // column); a user's own `action` column is a label.
        let sdmx_csv = cols
            .names
            .iter()
            .any(|n| matches!(normalize(n).as_str(), "structure" | "dataflow"));
        let action = action.filter(|_| sdmx_csv);
        Some(LongLayout {
            indicator: indicator?,
            area: area?,
            period: period?,
            value: value?,
            dims,
            attrs,
            action,
        })
    }

    /// Validates one data row.
    pub fn row<R: Row + ?Sized>(
        &self,
        line: u64,
        row: &R,
        cols: &Columns,
        v: &mut Validator<'_>,
        diags: &mut Diags,
    ) {
        let cell = |i: usize| Cell::new(row.get(i), At::col(i));
        if let Some(i) = self.action
            && row.get(i).trim().eq_ignore_ascii_case("D")
        {
            let column = cols.label(At::col(i), line);
            diags.add(rules::SDMX_DELETE_UNSUPPORTED, Some(line), || {
                Found::new("the row deletes an observation (ACTION D); ictstat does not delete through imports, and reading the deleted key as a value would import it")
                    .column(column)
                    .value("D")
                    .fix("delete the observation in ictstat itself, or export the rows with ACTION I, A or R")
            });
            return;
        }
        let mut c = Candidate::new(
            line,
            self.indicator.cell(row),
            self.area.cell(row),
            cell(self.period),
            cell(self.value),
        );
        for (slot, col) in c.dims.iter_mut().zip(self.dims) {
            *slot = col.map(cell);
        }
        for a in Attr::ALL {
            c.attrs[a.index()] = self.attrs[a.index()].map(cell);
        }
        v.check(&c, cols, diags);
    }
}

/// About how many rows a text has: its line count, counted fast (for [`Validator::reserve`]).
fn estimated_rows(text: &str) -> usize {
    text.as_bytes().iter().filter(|&&b| b == b'\n').count()
}

/// Below this size per part, a long CSV is read on one thread.
const MIN_PART_BYTES: usize = 4 << 20;

/// Offsets near which to cut a long CSV of `len` bytes into parts read in parallel, one per
/// extra part: none for small files or a single core.
pub(crate) fn part_targets(len: usize) -> Vec<usize> {
    let cores = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let parts = cores.min(len / MIN_PART_BYTES).max(1);
    (1..parts).map(|k| k * len / parts).collect()
}

/// Reads a long CSV. Large files are cut at record boundaries (`starts`: offset and line of
/// each extra part, when the caller found them already) into one part per core; each part is
/// validated by its own [`Validator`] and the results are joined in file order, so the outcome
/// (observations, diagnostics, lines) is the same as reading on one thread.
pub(crate) fn read(
    text: &str,
    opts: &ReadOptions,
    starts: Option<Vec<(usize, u64)>>,
    v: &mut Validator<'_>,
    diags: &mut Diags,
) {
    let delim = opts.delimiter.unwrap_or(b',');
    let starts = starts
        .unwrap_or_else(|| text::record_starts(text.as_bytes(), delim, &part_targets(text.len())));
    let first_end = starts.first().map_or(text.len(), |s| s.0);
    let Some(mut table) = CsvTable::open(&text[..first_end], delim, |_| true, diags) else {
        return;
    };
    let Some(layout) = LongLayout::new(&table.columns, table.header_line, opts, diags) else {
        return;
    };
    v.reserve(estimated_rows(text));
    let (header_line, columns) = (table.header_line, table.columns.clone());
    let ends = starts.iter().skip(1).map(|s| s.0).chain([text.len()]);
    let parts: Vec<(&str, u64)> = starts
        .iter()
        .zip(ends)
        .map(|(&(start, line), end)| (&text[start..end], line))
        .collect();
    let layout = &layout;
    let mut rows = 0;
    std::thread::scope(|scope| {
        let workers: Vec<_> = parts
            .into_iter()
            .map(|(part, line)| {
                let (mut pv, mut pd) = (v.sibling(), Diags::new(&diags.file));
                let columns = columns.clone();
                scope.spawn(move || {
                    pv.reserve(estimated_rows(part));
                    let mut t = CsvTable::continuation(part, delim, columns, header_line, line);
                    let rows = t.rows(&mut pd, |line, row, cols, d| {
                        layout.row(line, row, cols, &mut pv, d)
                    });
                    pv.sort_entries();
                    (pv, pd, rows)
                })
            })
            .collect();
        rows = table.rows(diags, |line, row, cols, d| {
            layout.row(line, row, cols, v, d)
        });
        v.sort_entries();
        for w in workers {
            match w.join() {
                Ok((pv, pd, n)) => {
                    v.absorb(pv);
                    diags.absorb(pd);
                    rows += n;
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    if rows == 0 {
        no_data(header_line, diags);
    }
}
