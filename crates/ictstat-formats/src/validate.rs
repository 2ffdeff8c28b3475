//! Candidate rows → observations: the one validation every layout shares.
//!
//! A layout turns each data point of its file into a [`Candidate`] (text cells with their
//! positions); the [`Validator`] resolves and checks it against the catalogue and keeps it as an
//! [`Observation`] only if every check passes. Lookups (indicators, areas, codes, breakdowns)
//! are cached by their raw text, because a file repeats the same few values on every row.
//! Ids are catalogue positions, so that the validators of the parts of a file read in
//! parallel agree and can be joined ([`Validator::absorb`]).

use std::collections::HashMap;
use std::sync::Arc;

use ictstat_core::dimension::TOTAL;
use ictstat_core::{Breakdown, Catalog, Dimension, Observation, Period, SeriesKey};

use crate::attributes::attributes;
use crate::columns::Attr;
use crate::cross_row::{self, Entry};
use crate::diag::{Diags, Found};
use crate::mapping;
use crate::number::{in_range, number};
use crate::rules;
use crate::table::{At, Columns, is_missing};
use crate::text::unescape_text;
use ictstat_core::fxhash::FxMap;

/// One text cell of a candidate and where it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cell<'a> {
    pub text: &'a str,
    pub at: At,
}

impl<'a> Cell<'a> {
    pub fn new(text: &'a str, at: At) -> Self {
        Cell { text, at }
    }
}

/// A data point as read from a file, before validation.
#[derive(Debug, Clone)]
pub(crate) struct Candidate<'a> {
    /// 1-based physical line (CSV) or sheet row (XLSX).
    pub line: u64,
    pub indicator: Cell<'a>,
    pub area: Cell<'a>,
    pub period: Cell<'a>,
    pub value: Cell<'a>,
    /// Codes by dimension, in `Dimension::ALL` order; `None` = total.
    pub dims: [Option<Cell<'a>>; 11],
    /// Attributes in `Attr::ALL` order.
    pub attrs: [Option<Cell<'a>>; 8],
}

impl<'a> Candidate<'a> {
    pub fn new(
        line: u64,
        indicator: Cell<'a>,
        area: Cell<'a>,
        period: Cell<'a>,
        value: Cell<'a>,
    ) -> Self {
        Candidate {
            line,
            indicator,
            area,
            period,
            value,
            dims: [None; 11],
            attrs: [None; 8],
        }
    }
}

/// The row being checked, to position findings.
pub(crate) struct Here<'r> {
    pub line: u64,
    pub cols: &'r Columns,
}

impl Here<'_> {
    pub fn label(&self, at: At) -> String {
        self.cols.label(at, self.line)
    }
}

/// A cache from raw text to a resolved id, with a one-entry front for the common case of the
/// same value on consecutive rows (its key buffer is reused, so a hit or a miss of the front
/// allocates nothing once the map knows the value).
struct Lookup {
    last_key: String,
    last: Option<Option<u32>>,
    map: FxMap<Box<str>, Option<u32>>,
}

impl Lookup {
    fn new() -> Self {
        Lookup {
            last_key: String::new(),
            last: None,
            map: FxMap::default(),
        }
    }

    #[inline]
    fn get(&mut self, raw: &str, resolve: impl FnOnce(&str) -> Option<u32>) -> Option<u32> {
        if let Some(v) = self.last
            && self.last_key == raw
        {
            return v;
        }
        let v = match self.map.get(raw) {
            Some(v) => *v,
            None => {
                let v = resolve(raw);
                self.map.insert(raw.into(), v);
                v
            }
        };
        self.last_key.clear();
        self.last_key.push_str(raw);
        self.last = Some(v);
        v
    }
}

/// The text cells of a candidate after the formula check, trimmed.
struct Texts<'a> {
    indicator: Option<&'a str>,
    area: Option<&'a str>,
    dims: [Option<&'a str>; 11],
    attrs: [Option<&'a str>; 8],
}

/// Validates candidates and keeps the valid ones as observations.
pub(crate) struct Validator<'c> {
    catalog: &'c Catalog,
    default_source: Option<String>,
    indicators: Lookup,
    areas: Lookup,
    /// Catalogue index of each area code.
    area_index: HashMap<&'c str, u32>,
    /// Per dimension: raw code → code id, the 1-based position of the code in its catalogue
    /// codelist (0 is total).
    codes: Vec<Lookup>,
    breakdown_ids: FxMap<[u32; 11], u32>,
    breakdowns: Vec<([u32; 11], Breakdown)>,
    /// One shared key per (indicator, area, breakdown): rows of a series share it.
    series: FxMap<(u32, u32, u32), Arc<SeriesKey>>,
    entries: Vec<Entry>,
    /// The header and period column of the candidates, to position `duplicate-key`, which is
    /// found when all rows are in.
    columns: Option<(Columns, At)>,
    pub observations: Vec<Observation>,
    pub rows_read: u64,
    pub rows_skipped: u64,
    /// Whether text cells are checked for formula injection. True for text layouts; false for
    /// XLSX, whose string cells are typed as text by the format and never executed (and
    /// whose writer stores formula-like text that way, so that exports re-import).
    pub formula_check: bool,
}

impl<'c> Validator<'c> {
    pub fn new(catalog: &'c Catalog, default_source: Option<String>) -> Self {
        let mut v = Validator {
            catalog,
            default_source: default_source.filter(|s| !s.trim().is_empty()),
            indicators: Lookup::new(),
            areas: Lookup::new(),
            area_index: catalog
                .areas
                .iter()
                .enumerate()
                .map(|(i, a)| (a.code.as_str(), i as u32))
                .collect(),
            codes: (0..11).map(|_| Lookup::new()).collect(),
            breakdown_ids: FxMap::default(),
            breakdowns: Vec::new(),
            series: FxMap::default(),
            entries: Vec::new(),
            columns: None,
            observations: Vec::new(),
            rows_read: 0,
            rows_skipped: 0,
            formula_check: true,
        };
        v.breakdown_ids.insert([0; 11], 0);
        v.breakdowns.push(([0; 11], Breakdown::total()));
        v
    }

    /// A fresh validator with the same catalogue and settings, for another part of the file.
    pub fn sibling(&self) -> Validator<'c> {
        let mut v = Validator::new(self.catalog, self.default_source.clone());
        v.formula_check = self.formula_check;
        v
    }

    /// Reserves room for about `rows` observations, so that a large file does not copy its
    /// observations over and over while growing.
    pub fn reserve(&mut self, rows: usize) {
        self.observations.reserve(rows);
        self.entries.reserve(rows);
    }

    pub fn catalog(&self) -> &'c Catalog {
        self.catalog
    }

    /// The catalogue index of an indicator written as `raw` (code or alias).
    pub fn indicator_id(&mut self, raw: &str) -> Option<u32> {
        let catalog = self.catalog;
        self.indicators.get(raw, |r| {
            let ind = catalog.indicator(r)?;
            catalog
                .indicators
                .iter()
                .position(|i| i.code == ind.code)
                .map(|p| p as u32)
        })
    }

    /// The catalogue index of the area `raw` names.
    pub fn area_id(&mut self, raw: &str) -> Option<u32> {
        let catalog = self.catalog;
        let index = &self.area_index;
        self.areas
            .get(raw, |r| index.get(catalog.resolve_area(r)?).copied())
    }

    /// Counts a data point that a layout skipped before building a candidate (a World Bank
    /// aggregate, a missing cell of a row with an unknown area).
    pub fn count_skipped(&mut self) {
        self.rows_read += 1;
        self.rows_skipped += 1;
    }

    /// Counts a data point that a layout rejected itself (and reported).
    pub fn count_rejected(&mut self) {
        self.rows_read += 1;
    }

    /// Validates one candidate and keeps it if valid; reports every problem it has.
    pub fn check(&mut self, c: &Candidate<'_>, cols: &Columns, diags: &mut Diags) {
        self.rows_read += 1;
        let status = c.attrs[Attr::ObsStatus.index()].filter(|s| !s.text.trim_ascii().is_empty());
        let missing = is_missing(c.value.text);
        if missing && status.is_none() {
            self.rows_skipped += 1;
            return;
        }
        let here = Here { line: c.line, cols };
        let catalog = self.catalog;
        let (texts, mut ok) = self.texts(c, &here, diags);

        let indicator = texts.indicator.and_then(|raw| {
            let id = self.indicator_id(raw);
            if id.is_none() {
                self.unknown_indicator(raw, here.label(c.indicator.at), Some(c.line), diags);
            }
            id
        });
        let area = texts.area.and_then(|raw| {
            let id = self.area_id(raw);
            if id.is_none() {
                unknown_area(raw, here.label(c.area.at), Some(c.line), diags);
            }
            id
        });
        ok &= indicator.is_some() && area.is_some();
        let period = match c.period.text.trim_ascii().parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                diags.add(rules::BAD_PERIOD, Some(c.line), || {
                    Found::new(e.to_string())
                        .column(here.label(c.period.at))
                        .value(c.period.text)
                        .fix("write the period as 2021, 2021-S1, 2021-Q3 or 2021-07")
                });
                None
            }
        };
        let value = if missing {
            None
        } else {
            let v = number(c.value, &here, diags);
            ok &= v.is_some();
            if let (Some(v), Some(i)) = (v, indicator) {
                let kind = catalog.indicators[i as usize].kind;
                ok &= in_range(v, kind, "value", c.value, &here, diags);
            }
            v
        };
        let key = self.breakdown_key(indicator, &texts.dims, c, &here, diags);
        let attrs = attributes(
            catalog,
            c,
            &texts.attrs,
            self.default_source.as_ref(),
            value,
            &here,
            diags,
        );
        let (true, Some(indicator), Some(area), Some(period), Some(key), Some(attrs)) =
            (ok, indicator, area, period, key, attrs)
        else {
            return;
        };

        let breakdown = self.breakdown_id(key);
        if self.columns.is_none() {
            self.columns = Some((cols.clone(), c.period.at));
        }
        let index = self.observations.len();
        self.entries.push(Entry::new(
            indicator, area, period, breakdown, c.line, value, index,
        ));
        let key = match self.series.get(&(indicator, area, breakdown)) {
            Some(key) => key.clone(),
            None => {
                let key = Arc::new(SeriesKey {
                    indicator: catalog.indicators[indicator as usize].code.clone(),
                    area: catalog.areas[area as usize].code.clone(),
                    breakdown: self.breakdowns[breakdown as usize].1.clone(),
                });
                self.series
                    .insert((indicator, area, breakdown), key.clone());
                key
            }
        };
        self.observations.push(Observation {
            key,
            period,
            value,
            attrs,
        });
    }

    /// The text cells of `c`, formula-checked first so that `=HYPERLINK(...)` is reported as
    /// what it is rather than as an unknown area; false when one is a formula.
    fn texts<'a>(
        &self,
        c: &Candidate<'a>,
        here: &Here<'_>,
        diags: &mut Diags,
    ) -> (Texts<'a>, bool) {
        let mut ok = true;
        let mut text = |cell: Option<Cell<'a>>| -> Option<&'a str> {
            let cell = cell?;
            if !self.formula_check {
                return Some(cell.text.trim_ascii());
            }
            let t = checked_text(cell, here, diags);
            ok &= t.is_some();
            t
        };
        let mut texts = Texts {
            indicator: text(Some(c.indicator)),
            area: text(Some(c.area)),
            dims: [None; 11],
            attrs: [None; 8],
        };
        for (slot, cell) in texts.dims.iter_mut().zip(c.dims) {
            *slot = text(cell);
        }
        for a in Attr::ALL {
            let cell = c.attrs[a.index()];
            texts.attrs[a.index()] = if a.is_text() {
                text(cell)
            } else {
                cell.map(|c| c.text.trim_ascii())
            };
        }
        (texts, ok)
    }

    /// The code ids of a candidate's breakdown, or `None` after reporting codes that are not
    /// in their codelist or dimensions the indicator does not allow.
    fn breakdown_key(
        &mut self,
        indicator: Option<u32>,
        dims: &[Option<&str>; 11],
        c: &Candidate<'_>,
        here: &Here<'_>,
        diags: &mut Diags,
    ) -> Option<[u32; 11]> {
        let catalog = self.catalog;
        let mut key = [0u32; 11];
        let mut ok = true;
        for (i, dim) in Dimension::ALL.into_iter().enumerate() {
            let Some(code) = dims[i].filter(|c| !c.is_empty() && *c != TOTAL) else {
                continue;
            };
            let at = c.dims[i].map_or(At::FileName, |c| c.at);
            if let Some(ind) = indicator.map(|i| &catalog.indicators[i as usize])
                && !ind.dimensions.contains(&dim)
            {
                ok = false;
                diags.add(rules::DIMENSION_NOT_ALLOWED, Some(here.line), || {
                    let allowed: Vec<&str> = ind.dimensions.iter().map(|d| d.id()).collect();
                    let allowed = if allowed.is_empty() {
                        "none".to_string()
                    } else {
                        allowed.join(", ")
                    };
                    Found::new(format!(
                        "indicator {} is not disaggregated by {dim} (its dimensions: {allowed})",
                        ind.code
                    ))
                    .column(here.label(at))
                    .value(code)
                    .fix(format!("leave {dim} empty or _T for this indicator"))
                });
                continue;
            }
            match self.code_id(i, code) {
                Some(id) => key[i] = id,
                None => {
                    ok = false;
                    let hint = match mapping::map_value(catalog, dim, code) {
                        Ok(c) => format!("write the code `{c}` instead"),
                        Err(_) => code_fix(catalog, dim.codelist()),
                    };
                    diags.add(rules::UNKNOWN_CODE, Some(here.line), || {
                        Found::new(format!(
                            "`{code}` is not a code of {} ({dim})",
                            dim.codelist()
                        ))
                        .column(here.label(at))
                        .value(code)
                        .fix(hint)
                    });
                }
            }
        }
        ok.then_some(key)
    }

    fn code_id(&mut self, dim_index: usize, code: &str) -> Option<u32> {
        let catalog = self.catalog;
        let list = Dimension::ALL[dim_index].codelist();
        self.codes[dim_index].get(code, |c| {
            let codes = &catalog.codelists.get(list)?.codes;
            codes.iter().position(|k| k.id == c).map(|p| p as u32 + 1)
        })
    }

    fn breakdown_id(&mut self, key: [u32; 11]) -> u32 {
        if key == [0; 11] {
            return 0;
        }
        if let Some(&id) = self.breakdown_ids.get(&key) {
            return id;
        }
        let mut b = Breakdown::total();
        for (i, dim) in Dimension::ALL.into_iter().enumerate() {
            if key[i] != 0
                && let Some(code) = self
                    .catalog
                    .codelists
                    .get(dim.codelist())
                    .and_then(|cl| cl.codes.get(key[i] as usize - 1))
            {
                b.set(dim, code.id.clone());
            }
        }
        let id = self.breakdowns.len() as u32;
        self.breakdowns.push((key, b));
        self.breakdown_ids.insert(key, id);
        id
    }

    pub fn unknown_indicator(
        &self,
        raw: &str,
        column: String,
        line: Option<u64>,
        diags: &mut Diags,
    ) {
        let catalog = self.catalog;
        diags.add(rules::UNKNOWN_INDICATOR, line, || {
            // An SDG number that several series measure (9.c.1: 2G, 3G, 4G coverage) is not
            // an alias of any one of them.
            let series: Vec<&str> = catalog
                .indicators
                .iter()
                .filter(|i| i.sdg_indicator.as_deref() == Some(raw.trim()))
                .map(|i| i.code.as_str())
                .collect();
            let found = if series.is_empty() {
                let examples: Vec<&str> =
                    catalog.indicators.iter().take(4).map(|i| i.code.as_str()).collect();
                Found::new(format!("`{raw}` is not an indicator code or alias in the catalogue")).fix(
                    format!(
                        "use a catalogue code (e.g. {}) or an alias (WDI code, SDG number such as 17.8.1), or add the indicator to catalog/indicators.toml",
                        examples.join(", ")
                    ),
                )
            } else {
                Found::new(format!(
                    "SDG indicator {raw} is measured by several series: {}",
                    series.join(", ")
                ))
                .fix("pass --indicator with the series the file holds")
            };
            found.column(column).value(raw)
        });
    }

    /// Takes over what another validator read from the next part of the same file (see
    /// `long_csv`'s parallel reading): its observations follow this one's, and its breakdown
    /// ids are renumbered into this one's table. Area, code and indicator ids are catalogue
    /// positions, the same in both.
    pub fn absorb(&mut self, other: Validator<'c>) {
        let offset = self.observations.len() as u128;
        let renumber: Vec<u32> = other
            .breakdowns
            .iter()
            .map(|(key, b)| match self.breakdown_ids.get(key) {
                Some(&id) => id,
                None => {
                    let id = self.breakdowns.len() as u32;
                    self.breakdowns.push((*key, b.clone()));
                    self.breakdown_ids.insert(*key, id);
                    id
                }
            })
            .collect();
        const BREAKDOWN: u128 = 0xFFFF_FFFF << 32;
        self.entries.extend(other.entries.into_iter().map(|mut e| {
            let b = renumber[e.breakdown() as usize];
            e.key = (e.key & !BREAKDOWN) | (u128::from(b) << 32);
            e.index = (u128::from(e.index) + offset) as u32;
            e
        }));
        self.observations.extend(other.observations);
        self.rows_read += other.rows_read;
        self.rows_skipped += other.rows_skipped;
        if self.columns.is_none() {
            self.columns = other.columns;
        }
    }

    /// Sorts the kept data points by key. Parts of a file read in parallel sort their own, so
    /// that `finish` only merges sorted runs.
    pub fn sort_entries(&mut self) {
        self.entries.sort_unstable_by_key(|e| e.key);
    }

    /// Finds duplicate keys and checks the totals against their parts (see
    /// [`rules::TOTAL_CONTRADICTION`]), then hands over what was read.
    pub fn finish(mut self, diags: &mut Diags) -> (Vec<Observation>, u64, u64) {
        // A stable sort merges the sorted runs of parallel parts in linear time.
        self.entries.sort_by_key(|e| e.key);
        cross_row::remove_duplicates(
            &mut self.entries,
            &mut self.observations,
            self.columns.as_ref(),
            diags,
        );
        if self.breakdowns.len() > 1 {
            cross_row::check_totals(
                &self.entries,
                &self.breakdowns,
                &self.breakdown_ids,
                self.catalog,
                diags,
            );
        }
        (self.observations, self.rows_read, self.rows_skipped)
    }
}

/// "Use a code of CL_X, such as …", for a fix.
pub(crate) fn code_fix(catalog: &Catalog, list: &str) -> String {
    let examples: Vec<&str> = catalog
        .codelists
        .get(list)
        .map(|cl| cl.codes.iter().take(6).map(|c| c.id.as_str()).collect())
        .unwrap_or_default();
    format!("use a code of {list}, such as {}", examples.join(", "))
}

pub(crate) fn unknown_area(raw: &str, column: String, line: Option<u64>, diags: &mut Diags) {
    diags.add(rules::UNKNOWN_AREA, line, || {
        Found::new(format!(
            "`{raw}` is not an M49 code, ISO 3166 code or English area name known to the catalogue"
        ))
        .column(column)
        .value(raw)
        .fix("use the M49 code (004), ISO alpha-3 (AFG) or alpha-2 (AF) code; areas without an M49 code (e.g. Kosovo) cannot be imported")
    });
}

/// The trimmed text of a text cell, without a protecting apostrophe; `None` (reported) when it
/// is an unprotected formula.
fn checked_text<'a>(cell: Cell<'a>, here: &Here<'_>, diags: &mut Diags) -> Option<&'a str> {
    let (t, injection) = unescape_text(cell.text);
    if injection {
        diags.add(rules::FORMULA_INJECTION, Some(here.line), || {
            Found::new("this text starts with a character that spreadsheets execute as a formula")
                .column(here.label(cell.at))
                .value(cell.text)
                .fix("prefix the text with an apostrophe (') to keep it as text, or remove the leading character")
        });
        return None;
    }
    Some(t.trim_ascii())
}
