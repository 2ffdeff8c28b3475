//! Candidate rows → observations: the one validation every layout shares.
//!
//! A layout turns each data point of its file into a [`Candidate`] (text cells with their
//! positions); the [`Validator`] resolves and checks it against the catalogue and keeps it as an
//! [`Observation`] only if every check passes. Lookups (indicators, areas, codes, breakdowns)
//! are cached by their raw text, because a file repeats the same few values on every row.

use std::collections::HashMap;

use ictstat_core::dimension::TOTAL;
use ictstat_core::{Attributes, Breakdown, Catalog, Dimension, Observation, Period, SeriesKey, UnitKind};

use crate::columns::Attr;
use crate::diag::{Diags, Found};
use crate::fxhash::FxMap;
use crate::mapping;
use crate::rules;
use crate::table::{At, Columns, is_missing};

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
    pub fn new(line: u64, indicator: Cell<'a>, area: Cell<'a>, period: Cell<'a>, value: Cell<'a>) -> Self {
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

/// Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
const FORMULA_LEADS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell without the apostrophe that protects a formula-like text (`'=x` → `=x`), and
/// whether the text is an unprotected formula.
pub(crate) fn unescape_text(text: &str) -> (&str, bool) {
    if let Some(rest) = text.strip_prefix('\'')
        && rest.starts_with(FORMULA_LEADS)
    {
        return (rest, false);
    }
    (text, text.starts_with(FORMULA_LEADS))
}

/// Why a number did not parse, as a fix to offer.
fn number_fix(text: &str) -> &'static str {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if lower.contains("nan") || lower.contains("inf") {
        "leave the value empty (or `..`) for a missing value, with an obs_status explaining it"
    } else if t.ends_with('%') {
        "remove the % sign: the unit comes from the indicator"
    } else if is_thousands(t) {
        "remove the thousands separators (write 1234567, not 1,234,567)"
    } else if t.contains(',') {
        "use a point as the decimal separator (12.5, not 12,5)"
    } else {
        "write a plain decimal number such as 12.5 or -3 or 1.2e6"
    }
}

/// `1,234` or `12,345,678.5`: digit groups of three after commas.
fn is_thousands(t: &str) -> bool {
    let int = t.split('.').next().unwrap_or("");
    let int = int.strip_prefix('-').unwrap_or(int);
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// A plain finite decimal number. Rust's parser accepts `inf` and `NaN`, which statistical
/// files must not contain (a missing value is a missing row or a status).
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A cache from raw text to a resolved id, with a one-entry front for the common case of the
/// same value on consecutive rows.
struct Lookup {
    last: Option<(Box<str>, Option<u32>)>,
    map: FxMap<Box<str>, Option<u32>>,
}

impl Lookup {
    fn new() -> Self {
        Lookup {
            last: None,
            map: FxMap::default(),
        }
    }

    #[inline]
    fn get(&mut self, raw: &str, resolve: impl FnOnce(&str) -> Option<u32>) -> Option<u32> {
        if let Some((k, v)) = &self.last
            && **k == *raw
        {
            return *v;
        }
        let v = match self.map.get(raw) {
            Some(v) => *v,
            None => {
                let v = resolve(raw);
                self.map.insert(raw.into(), v);
                v
            }
        };
        self.last = Some((raw.into(), v));
        v
    }
}

/// A kept data point, compactly, for the duplicate and total checks.
#[derive(Debug, Clone, Copy)]
struct Entry {
    indicator: u32,
    area: u32,
    period: Period,
    breakdown: u32,
    value: f64,
    line: u64,
}

/// Validates candidates and keeps the valid ones as observations.
pub(crate) struct Validator<'c> {
    catalog: &'c Catalog,
    default_source: Option<String>,
    indicators: Lookup,
    areas: Lookup,
    area_codes: Vec<String>,
    area_index: HashMap<String, u32>,
    /// Per dimension: raw code → code id (1-based; 0 is total).
    codes: Vec<Lookup>,
    code_ids: Vec<HashMap<String, u32>>,
    breakdown_ids: FxMap<[u32; 11], u32>,
    breakdowns: Vec<([u32; 11], Breakdown)>,
    seen: FxMap<(u32, u32, u32, Period), u64>,
    entries: Vec<Entry>,
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
            area_codes: Vec::new(),
            area_index: HashMap::new(),
            codes: (0..11).map(|_| Lookup::new()).collect(),
            code_ids: vec![HashMap::new(); 11],
            breakdown_ids: FxMap::default(),
            breakdowns: Vec::new(),
            seen: FxMap::default(),
            entries: Vec::new(),
            observations: Vec::new(),
            rows_read: 0,
            rows_skipped: 0,
            formula_check: true,
        };
        v.breakdown_ids.insert([0; 11], 0);
        v.breakdowns.push(([0; 11], Breakdown::total()));
        v
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

    /// The id of the M49 area `raw` names.
    pub fn area_id(&mut self, raw: &str) -> Option<u32> {
        let catalog = self.catalog;
        let (codes, index) = (&mut self.area_codes, &mut self.area_index);
        self.areas.get(raw, |r| {
            let code = catalog.resolve_area(r)?;
            Some(match index.get(code) {
                Some(&id) => id,
                None => {
                    let id = codes.len() as u32;
                    codes.push(code.to_string());
                    index.insert(code.to_string(), id);
                    id
                }
            })
        })
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
    pub fn check<'a>(&mut self, c: &Candidate<'a>, cols: &Columns, diags: &mut Diags) {
        let catalog = self.catalog;
        self.rows_read += 1;
        let status = c.attrs[Attr::ObsStatus.index()]
            .map(|s| s.text.trim())
            .filter(|s| !s.is_empty());
        let missing = is_missing(c.value.text);
        if missing && status.is_none() {
            self.rows_skipped += 1;
            return;
        }
        let line = c.line;
        let label = |at: At| cols.label(at, line);
        let mut ok = true;

        // Text cells: formula injection first, so that `=HYPERLINK(...)` is reported as what
        // it is rather than as an unknown area.
        let formula_check = self.formula_check;
        let mut text = |cell: Option<Cell<'a>>, ok: &mut bool| -> Option<&'a str> {
            let cell = cell?;
            if !formula_check {
                return Some(cell.text.trim());
            }
            let t = checked_text(cell, line, &label, diags);
            *ok &= t.is_some();
            t
        };
        let ind_text = text(Some(c.indicator), &mut ok);
        let area_text = text(Some(c.area), &mut ok);
        let mut dim_text: [Option<&str>; 11] = [None; 11];
        for (i, cell) in c.dims.iter().enumerate() {
            dim_text[i] = text(*cell, &mut ok);
        }
        let mut attr_text: [Option<&str>; 8] = [None; 8];
        for a in Attr::ALL {
            let cell = c.attrs[a.index()];
            attr_text[a.index()] = if a.is_text() {
                text(cell, &mut ok)
            } else {
                cell.map(|c| c.text.trim())
            };
        }

        let indicator = match ind_text {
            Some(raw) => {
                let id = self.indicator_id(raw);
                if id.is_none() {
                    ok = false;
                    self.unknown_indicator(raw, label(c.indicator.at), Some(line), diags);
                }
                id
            }
            None => None,
        };
        let area = match area_text {
            Some(raw) => {
                let id = self.area_id(raw);
                if id.is_none() {
                    ok = false;
                    unknown_area(raw, label(c.area.at), Some(line), diags);
                }
                id
            }
            None => None,
        };
        let period = match c.period.text.trim().parse::<Period>() {
            Ok(p) => Some(p),
            Err(e) => {
                ok = false;
                diags.add(rules::BAD_PERIOD, Some(line), || {
                    Found::new(e.to_string())
                        .column(label(c.period.at))
                        .value(c.period.text)
                        .fix("write the period as 2021, 2021-S1, 2021-Q3 or 2021-07")
                });
                None
            }
        };
        let kind = indicator.map(|i| catalog.indicators[i as usize].kind);
        let value = if missing {
            None
        } else {
            match parse_number(c.value.text) {
                Some(v) => {
                    if let Some(kind) = kind {
                        ok &= check_range(v, kind, "value", c.value, &label, line, diags);
                    }
                    Some(v)
                }
                None => {
                    ok = false;
                    bad_number(c.value, &label, line, diags);
                    None
                }
            }
        };

        // Breakdown.
        let mut key = [0u32; 11];
        for (i, dim) in Dimension::ALL.into_iter().enumerate() {
            let Some(code) = dim_text[i] else {
                continue;
            };
            if code.is_empty() || code == TOTAL {
                continue;
            }
            let at = c.dims[i].map_or(At::FileName, |c| c.at);
            if let Some(ind) = indicator {
                let ind = &catalog.indicators[ind as usize];
                if !ind.dimensions.contains(&dim) {
                    ok = false;
                    diags.add(rules::DIMENSION_NOT_ALLOWED, Some(line), || {
                        let allowed = if ind.dimensions.is_empty() {
                            "none".to_string()
                        } else {
                            ind.dimensions.iter().map(|d| d.id()).collect::<Vec<_>>().join(", ")
                        };
                        Found::new(format!(
                            "indicator {} is not disaggregated by {dim} (its dimensions: {allowed})",
                            ind.code
                        ))
                        .column(label(at))
                        .value(code)
                        .fix(format!("leave {dim} empty or _T for this indicator"))
                    });
                    continue;
                }
            }
            match self.code_id(i, code) {
                Some(id) => key[i] = id,
                None => {
                    ok = false;
                    self.unknown_code(dim, code, label(at), line, diags);
                }
            }
        }

        // Attributes.
        let mut attrs = Attributes::default();
        let at_of = |a: Attr| c.attrs[a.index()].map_or(At::FileName, |c| c.at);
        let present = |a: Attr| attr_text[a.index()].filter(|t| !t.is_empty());
        for (a, list) in [(Attr::ObsStatus, "CL_OBS_STATUS"), (Attr::Nature, "CL_NATURE")] {
            if let Some(t) = present(a) {
                let code = t.to_ascii_uppercase();
                if catalog.has_code(list, &code) {
                    match a {
                        Attr::ObsStatus => attrs.obs_status = Some(code),
                        _ => attrs.nature = Some(code),
                    }
                } else {
                    ok = false;
                    diags.add(rules::UNKNOWN_CODE, Some(line), || {
                        Found::new(format!("`{t}` is not a code of {list}"))
                            .column(label(at_of(a)))
                            .value(t)
                            .fix(code_fix(catalog, list))
                    });
                }
            }
        }
        if let Some(t) = present(Attr::UnitMult) {
            match t
                .parse::<i32>()
                .ok()
                .or_else(|| t.strip_suffix(".0").and_then(|i| i.parse().ok()))
            {
                Some(m) if (-15..=15).contains(&m) => attrs.unit_mult = Some(m),
                _ => {
                    ok = false;
                    diags.add(rules::BAD_UNIT_MULT, Some(line), || {
                        Found::new("UNIT_MULT must be an integer power of ten between -15 and 15")
                            .column(label(at_of(Attr::UnitMult)))
                            .value(t)
                            .fix("write the exponent: 3 for thousands, 6 for millions")
                    });
                }
            }
        }
        attrs.source = present(Attr::Source)
            .map(str::to_string)
            .or_else(|| self.default_source.clone());
        attrs.footnote = present(Attr::Footnote).map(str::to_string);
        for a in [Attr::LowerBound, Attr::UpperBound, Attr::StdError] {
            let Some(cell) = c.attrs[a.index()].filter(|c| !is_missing(c.text)) else {
                continue;
            };
            match parse_number(cell.text) {
                Some(v) => {
                    match a {
                        Attr::LowerBound => attrs.lower_bound = Some(v),
                        Attr::UpperBound => attrs.upper_bound = Some(v),
                        _ => {
                            ok &= check_range(v, UnitKind::Count, "standard error", cell, &label, line, diags);
                            attrs.std_error = Some(v);
                        }
                    }
                }
                None => {
                    ok = false;
                    bad_number(cell, &label, line, diags);
                }
            }
        }
        ok &= check_bounds(value, &attrs, c, &label, line, diags);

        if !ok {
            return;
        }
        let (Some(indicator), Some(area), Some(period)) = (indicator, area, period) else {
            return;
        };
        let breakdown = self.breakdown_id(key);
        if let Some(&earlier) = self.seen.get(&(indicator, area, breakdown, period)) {
            let text = format!(
                "{}|{}|{}",
                catalog.indicators[indicator as usize].code,
                self.area_codes[area as usize],
                self.breakdowns[breakdown as usize].1
            );
            diags.add(rules::DUPLICATE_KEY, Some(line), || {
                Found::new(format!(
                    "the same indicator, area, breakdown and period as line {earlier}"
                ))
                .column(label(c.period.at))
                .value(format!("{text} {period}"))
                .fix("remove one of the two rows, or give them different breakdown codes")
            });
            return;
        }
        self.seen.insert((indicator, area, breakdown, period), line);
        if let Some(v) = value {
            self.entries.push(Entry {
                indicator,
                area,
                period,
                breakdown,
                value: v,
                line,
            });
        }
        self.observations.push(Observation {
            key: SeriesKey {
                indicator: catalog.indicators[indicator as usize].code.clone(),
                area: self.area_codes[area as usize].clone(),
                breakdown: self.breakdowns[breakdown as usize].1.clone(),
            },
            period,
            value,
            attrs,
        });
    }

    fn code_id(&mut self, dim_index: usize, code: &str) -> Option<u32> {
        let catalog = self.catalog;
        let list = Dimension::ALL[dim_index].codelist();
        let ids = &mut self.code_ids[dim_index];
        self.codes[dim_index].get(code, |c| {
            if !catalog.has_code(list, c) {
                return None;
            }
            let next = ids.len() as u32 + 1;
            Some(*ids.entry(c.to_string()).or_insert(next))
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
                && let Some((code, _)) = self.code_ids[i].iter().find(|(_, id)| **id == key[i])
            {
                b.set(dim, code.clone());
            }
        }
        let id = self.breakdowns.len() as u32;
        self.breakdowns.push((key, b));
        self.breakdown_ids.insert(key, id);
        id
    }

    pub fn unknown_indicator(&self, raw: &str, column: String, line: Option<u64>, diags: &mut Diags) {
        let examples: Vec<&str> = self
            .catalog
            .indicators
            .iter()
            .take(4)
            .map(|i| i.code.as_str())
            .collect();
        diags.add(rules::UNKNOWN_INDICATOR, line, || {
            Found::new(format!(
                "`{raw}` is not an indicator code or alias in the catalogue"
            ))
            .column(column)
            .value(raw)
            .fix(format!(
                "use a catalogue code (e.g. {}) or an alias (WDI code, SDG number such as 17.8.1), or add the indicator to catalog/indicators.toml",
                examples.join(", ")
            ))
        });
    }

    fn unknown_code(&self, dim: Dimension, code: &str, column: String, line: u64, diags: &mut Diags) {
        let catalog = self.catalog;
        diags.add(rules::UNKNOWN_CODE, Some(line), || {
            let hint = match mapping::map_value(catalog, dim, code) {
                Ok(c) => format!("write the code `{c}` instead"),
                Err(_) => code_fix(catalog, dim.codelist()),
            };
            Found::new(format!("`{code}` is not a code of {} ({dim})", dim.codelist()))
                .column(column)
                .value(code)
                .fix(hint)
        });
    }

    /// Checks the totals against their parts (see [`rules::TOTAL_CONTRADICTION`]) and hands
    /// over what was read.
    pub fn finish(mut self, diags: &mut Diags) -> (Vec<Observation>, u64, u64) {
        if self.breakdowns.len() > 1 {
            self.check_totals(diags);
        }
        (self.observations, self.rows_read, self.rows_skipped)
    }

    fn check_totals(&mut self, diags: &mut Diags) {
        let entries = &mut self.entries;
        entries.sort_unstable_by_key(|e| (e.indicator, e.area, e.period, e.breakdown));
        let mut start = 0;
        while start < entries.len() {
            let e0 = entries[start];
            let mut end = start + 1;
            while end < entries.len()
                && (entries[end].indicator, entries[end].area, entries[end].period)
                    == (e0.indicator, e0.area, e0.period)
            {
                end += 1;
            }
            if end - start >= 2 {
                let kind = self.catalog.indicators[e0.indicator as usize].kind;
                check_group(&entries[start..end], kind, &self.breakdowns, &self.breakdown_ids, diags);
            }
            start = end;
        }
    }
}

/// One (indicator, area, period) group, sorted by breakdown id.
fn check_group(
    group: &[Entry],
    kind: UnitKind,
    breakdowns: &[([u32; 11], Breakdown)],
    ids: &FxMap<[u32; 11], u32>,
    diags: &mut Diags,
) {
    if matches!(kind, UnitKind::Score | UnitKind::Other) {
        return;
    }
    // (total entry, dimension, part entry)
    let mut parts: Vec<(usize, usize, usize)> = Vec::new();
    for (p, e) in group.iter().enumerate() {
        let key = breakdowns[e.breakdown as usize].0;
        for d in 0..11 {
            if key[d] == 0 {
                continue;
            }
            let mut total_key = key;
            total_key[d] = 0;
            let Some(&tb) = ids.get(&total_key) else {
                continue;
            };
            if let Ok(t) = group.binary_search_by_key(&tb, |e| e.breakdown) {
                parts.push((t, d, p));
            }
        }
    }
    parts.sort_unstable();
    for run in parts.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let total = group[run[0].0];
        let dim = Dimension::ALL[run[0].1];
        let values: Vec<f64> = run.iter().map(|&(_, _, p)| group[p].value).collect();
        let lines: Vec<String> = run.iter().map(|&(_, _, p)| group[p].line.to_string()).collect();
        let shown: Vec<String> = values.iter().map(f64::to_string).collect();
        const TOL: f64 = 0.05;
        let problem = match kind {
            UnitKind::Count => {
                let sum: f64 = values.iter().sum();
                (sum > total.value * 1.001).then(|| {
                    format!(
                        "the {dim} parts (lines {}: {}) sum to {sum}, more than their total {} (line {})",
                        lines.join(", "),
                        shown.join(", "),
                        total.value,
                        total.line
                    )
                })
            }
            _ if values.len() >= 2 => {
                let above = values.iter().all(|&v| v > total.value + TOL);
                let below = values.iter().all(|&v| v < total.value - TOL);
                (above || below).then(|| {
                    format!(
                        "the {dim} parts (lines {}: {}) all lie {} their total {} (line {}); a total share or rate lies between its parts",
                        lines.join(", "),
                        shown.join(", "),
                        if above { "above" } else { "below" },
                        total.value,
                        total.line
                    )
                })
            }
            _ => None,
        };
        if let Some(message) = problem {
            diags.add(rules::TOTAL_CONTRADICTION, Some(total.line), || {
                Found::new(message)
                    .column(dim.id())
                    .value(total.value.to_string())
                    .fix("check the total and its parts; if the parts do not partition the total, code them in another dimension")
            });
        }
    }
}

fn code_fix(catalog: &Catalog, list: &str) -> String {
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
fn checked_text<'a>(
    cell: Cell<'a>,
    line: u64,
    label: &impl Fn(At) -> String,
    diags: &mut Diags,
) -> Option<&'a str> {
    let (t, injection) = unescape_text(cell.text);
    if injection {
        diags.add(rules::FORMULA_INJECTION, Some(line), || {
            Found::new("this text starts with a character that spreadsheets execute as a formula")
                .column(label(cell.at))
                .value(cell.text)
                .fix("prefix the text with an apostrophe (') to keep it as text, or remove the leading character")
        });
        return None;
    }
    Some(t.trim())
}

fn bad_number(cell: Cell<'_>, label: &impl Fn(At) -> String, line: u64, diags: &mut Diags) {
    diags.add(rules::BAD_NUMBER, Some(line), || {
        Found::new(format!("`{}` is not a finite decimal number", cell.text.trim()))
            .column(label(cell.at))
            .value(cell.text)
            .fix(number_fix(cell.text))
    });
}

/// Range checks by unit kind; returns false if out of range.
fn check_range(
    v: f64,
    kind: UnitKind,
    what: &str,
    cell: Cell<'_>,
    label: &impl Fn(At) -> String,
    line: u64,
    diags: &mut Diags,
) -> bool {
    let problem = match kind {
        UnitKind::Percent if !(0.0..=100.0).contains(&v) => "a percentage must lie between 0 and 100",
        UnitKind::Count | UnitKind::Rate | UnitKind::Ratio if v < 0.0 => "must not be negative",
        _ => return true,
    };
    diags.add(rules::OUT_OF_RANGE, Some(line), || {
        Found::new(format!("{what} {v}: {problem}"))
            .column(label(cell.at))
            .value(cell.text)
            .fix("check the value, its unit and the indicator it is filed under")
    });
    false
}

fn check_bounds(
    value: Option<f64>,
    attrs: &Attributes,
    c: &Candidate<'_>,
    label: &impl Fn(At) -> String,
    line: u64,
    diags: &mut Diags,
) -> bool {
    let (lo, hi) = (attrs.lower_bound, attrs.upper_bound);
    let broken = match (lo, value, hi) {
        (Some(l), _, Some(h)) if l > h => Some(format!("lower bound {l} is above upper bound {h}")),
        (Some(l), Some(v), _) if l > v => Some(format!("lower bound {l} is above the value {v}")),
        (_, Some(v), Some(h)) if v > h => Some(format!("the value {v} is above upper bound {h}")),
        _ => None,
    };
    let Some(message) = broken else {
        return true;
    };
    let cell = c.attrs[Attr::LowerBound.index()]
        .or(c.attrs[Attr::UpperBound.index()])
        .unwrap_or(c.value);
    diags.add(rules::BAD_BOUNDS, Some(line), || {
        Found::new(message)
            .column(label(cell.at))
            .value(cell.text)
            .fix("lower_bound <= value <= upper_bound must hold; check whether the bounds are swapped or in another unit")
    });
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_finite_decimals() {
        assert_eq!(parse_number(" 59.1 "), Some(59.1));
        assert_eq!(parse_number("-1.5e3"), Some(-1500.0));
        for bad in ["1,234", "NaN", "inf", "-infinity", "12%", "", "1 234"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
        assert!(number_fix("1,234,567").contains("thousands"));
        assert!(number_fix("12,5").contains("decimal separator"));
        assert!(number_fix("NaN").contains("missing"));
    }

    #[test]
    fn apostrophe_protects_formula_like_text() {
        assert_eq!(unescape_text("'=SUM(A1)"), ("=SUM(A1)", false));
        assert_eq!(unescape_text("=SUM(A1)"), ("=SUM(A1)", true));
        assert_eq!(unescape_text("'plain"), ("'plain", false));
        assert_eq!(unescape_text("\tx"), ("\tx", true));
    }
}
