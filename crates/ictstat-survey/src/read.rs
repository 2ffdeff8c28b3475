//! Streaming microdata into the sufficient-statistics table: one pass, only the needed
//! columns, no row kept: memory bounded by PSUs × cells whatever the number of rows for a
//! clustered design (an unclustered design, or replicate weights without a PSU column,
//! makes each row its own PSU, so there it grows with the rows).
//!
//! The format-independent part is the [`Visitor`]: built from the design, the plan and
//! the file's header, it compiles every expression once, then takes one row at a time
//! ([`Visitor::visit`], through the [`Values`] of the row's needed columns), evaluates
//! the plan, codes the row's finest cell — the cross of every breakdown's code and the
//! indicators' scope flags — and pushes it into the [`TableBuilder`]. A format is a
//! [`Source`] that feeds it: [`CsvSource`] here; Parquet, Stata and SPSS in their modules.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::io;

use crate::design::Design;
use crate::error::{DesignError, PlanError, ReadError, TableError, TabulateError};
use crate::expr::{Expr, NotANumber, Resolved, Resolver, Values, is_missing_text, text_slots};
use crate::pattern::{
    FxMap, IdKey, Ids, Key, Memo, PACKED_SLOTS, TAG_MISSING, canonical_integer, push_text,
    small_code,
};
use crate::plan::{Codes, Level, Plan, PlanExpr, StatKind};
use crate::table::{Row, Table, TableBuilder, TableSpec};

/// A format that feeds rows to a [`Visitor`].
pub trait Source {
    /// The file's column names.
    fn header(&mut self) -> Result<Vec<String>, ReadError>;
    /// Feeds every row to the visitor, in order.
    fn run(&mut self, visitor: &mut Visitor) -> Result<(), TabulateError>;
    /// The file's name, for errors.
    fn origin(&self) -> &str;
    /// The value labels the file itself declares (Stata's, SPSS's), variable name →
    /// (label, code) pairs as [`Plan::labels`]: [`crate::tabulate()`] adds them to the plan
    /// so that `sex == "Female"` works without repeating them. None for CSV and Parquet.
    fn value_labels(&self) -> BTreeMap<String, Vec<(String, f64)>> {
        BTreeMap::new()
    }
}

/// One field of a row as a typed format (Parquet, Stata, SPSS) hands it to
/// [`Visitor::visit_fields`]: numbers stay numbers (never formatted to text and parsed
/// back); the text of a number is made only when the plan compares it with a string, or
/// for an error message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    /// A number (a NaN is taken as missing, as pandas and R write missing values so).
    Number(f64),
    /// A text, untrimmed (it is trimmed as a CSV field is, and parsed if a number is needed).
    Text(&'a str),
    /// A missing value (a null).
    Missing,
}

impl<S: Source + ?Sized> Source for Box<S> {
    fn header(&mut self) -> Result<Vec<String>, ReadError> {
        (**self).header()
    }
    fn run(&mut self, visitor: &mut Visitor) -> Result<(), TabulateError> {
        (**self).run(visitor)
    }
    fn origin(&self) -> &str {
        (**self).origin()
    }
    fn value_labels(&self) -> BTreeMap<String, Vec<(String, f64)>> {
        (**self).value_labels()
    }
}

/// How one analysis variable of the table is computed from a row.
#[derive(Debug, Clone)]
enum ValueOf {
    /// 1 if the condition holds (and the row is in scope), else 0.
    Condition(Expr),
    /// The slot's number (if the row is in scope), else 0.
    Number(usize),
}

#[derive(Debug, Clone)]
struct CompiledIndicator {
    scope: usize,
    values: Vec<ValueOf>,
}

/// A breakdown, compiled.
#[derive(Debug, Clone)]
enum CompiledCodes {
    Conditions(Vec<Expr>),
    Free {
        slot: usize,
        index: HashMap<String, u32>,
    },
}

/// What the tabulation needs to know of a breakdown after the pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakdownCodes {
    /// The plan key.
    pub key: String,
    /// The dimension id.
    pub dimension: String,
    /// The codes, by index (free codes in order of first appearance).
    pub codes: Vec<String>,
}

/// The result of a pass: the table and what its cells mean.
#[derive(Debug, Clone)]
pub struct Sufficient {
    /// The sufficient-statistics table.
    pub table: Table,
    /// Per cell: the code index of each breakdown (`u32::MAX` for none), then the scope
    /// bits.
    pub cells: Vec<Box<[u32]>>,
    /// The breakdowns, in plan order.
    pub breakdowns: Vec<BreakdownCodes>,
    /// Per plan indicator: its scope bit and its table variables.
    pub indicator_vars: Vec<(usize, Vec<usize>)>,
    /// The file's stratum values by internal stratum id (empty without a strata column).
    pub strata_names: Vec<String>,
}

/// The name of the row's missing breakdown code in [`Sufficient::cells`].
pub const NO_CODE: u32 = u32::MAX;

struct SlotResolver<'a> {
    plan: &'a Plan,
    header: &'a [String],
    slots: RefCell<Vec<usize>>,
}

impl SlotResolver<'_> {
    fn slot_of_column(&self, col: usize) -> usize {
        let mut slots = self.slots.borrow_mut();
        if let Some(s) = slots.iter().position(|c| *c == col) {
            return s;
        }
        slots.push(col);
        slots.len() - 1
    }

    fn design_column(&self, key: &'static str, name: &str) -> Result<usize, DesignError> {
        let col =
            self.header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| DesignError::Invalid {
                    key,
                    message: format!("names column \"{name}\", which the file does not have"),
                })?;
        Ok(self.slot_of_column(col))
    }
}

impl Resolver for SlotResolver<'_> {
    fn resolve(&self, name: &str) -> Option<Resolved<'_>> {
        if let Some(e) = self.plan.variables.get(name) {
            return Some(Resolved::Derived(&e.ast));
        }
        let col = self.header.iter().position(|h| h == name)?;
        Some(Resolved::Column {
            slot: self.slot_of_column(col),
            labels: self.plan.labels.get(name).map(Vec::as_slice),
        })
    }

    fn labels_of(&self, name: &str) -> Option<&crate::expr::Labels> {
        self.plan.labels.get(name).map(Vec::as_slice)
    }
}

/// Takes rows one at a time and accumulates them (see the module documentation).
#[derive(Debug)]
pub struct Visitor {
    origin: String,
    /// File column index per slot.
    columns: Vec<usize>,
    names: Vec<String>,
    weight: usize,
    strata: Option<usize>,
    psu: Option<usize>,
    fpc: Option<usize>,
    replicates: Vec<usize>,
    scopes: Vec<(Option<Expr>, Option<Expr>)>,
    indicators: Vec<CompiledIndicator>,
    breakdowns: Vec<CompiledCodes>,
    breakdown_meta: Vec<BreakdownCodes>,
    checked_scopes: Vec<u32>,
    /// The slots the plan's expressions read, and whether their text matters (compared
    /// with a string, or a free code) or only their number and missingness.
    pattern_slots: Vec<(usize, bool)>,
    builder: TableBuilder,
    strata_ids: Ids,
    psu_ids: Ids,
    cell_index: FxMap<Box<[u32]>, u32>,
    cells: Vec<Box<[u32]>>,
    memo: Memo,
    // Per-row buffers, reused.
    numbers: Vec<Result<f64, ()>>,
    texts: Vec<String>,
    /// Per slot: holds a typed number whose text is not written yet (see [`Field`]).
    unformatted: Vec<bool>,
    key: Vec<u64>,
    digits: Vec<u32>,
    values: Vec<f64>,
    rep_weights: Vec<f64>,
    rows: u64,
    indicator_vars: Vec<(usize, Vec<usize>)>,
}

/// The current row's needed values, as the visitor sees them.
struct RowValues<'a> {
    numbers: &'a [Result<f64, ()>],
    texts: &'a [String],
}

impl Values for RowValues<'_> {
    fn number(&self, slot: usize) -> Result<f64, ()> {
        self.numbers[slot]
    }
    fn text(&self, slot: usize) -> &str {
        &self.texts[slot]
    }
}

fn parse_number(s: &str) -> Result<f64, ()> {
    if is_missing_text(s) {
        return Ok(f64::NAN);
    }
    s.parse::<f64>().map_err(|_| ())
}

impl Visitor {
    /// Compiles the plan and the design against a file's header.
    pub fn new(
        design: &Design,
        plan: &Plan,
        header: &[String],
        origin: &str,
    ) -> Result<Self, TabulateError> {
        let r = SlotResolver {
            plan,
            header,
            slots: RefCell::new(Vec::new()),
        };
        // Labels of a name the plan does not know (a typo) would silently never apply.
        for name in plan.labels.keys() {
            if !plan.variables.contains_key(name) && !header.iter().any(|h| h == name) {
                return Err(PlanError::Invalid {
                    origin: plan.origin.clone(),
                    key: format!("labels.{name}"),
                    message: format!(
                        "labels \"{name}\", which is neither a column of {origin} nor a variable of [variables]"
                    ),
                }
                .into());
            }
        }
        let weight = r.design_column("weight", &design.weight)?;
        let strata = design
            .strata
            .as_deref()
            .map(|s| r.design_column("strata", s))
            .transpose()?;
        let psu = design
            .psu
            .as_deref()
            .map(|s| r.design_column("psu", s))
            .transpose()?;
        let fpc = design
            .fpc
            .as_deref()
            .map(|s| r.design_column("fpc", s))
            .transpose()?;
        let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
        let replicates = match &design.replicates {
            None => Vec::new(),
            Some(rep) => rep
                .columns
                .resolve(&header_refs)?
                .iter()
                .map(|c| r.design_column("replicates", c))
                .collect::<Result<_, _>>()?,
        };
        let compile = |key: String, e: &PlanExpr| {
            Expr::from_ast(&e.text, &e.ast, &r).map_err(|source| PlanError::Expr {
                origin: plan.origin.clone(),
                key,
                source: Box::new(source),
            })
        };
        let household = plan
            .household_rows
            .as_ref()
            .map(|e| compile("levels.household".into(), e))
            .transpose()?;
        let individual = plan
            .individual_rows
            .as_ref()
            .map(|e| compile("levels.individual".into(), e))
            .transpose()?;

        let mut scope_keys: Vec<(Level, Option<String>)> = Vec::new();
        let mut scopes = Vec::new();
        let mut indicators = Vec::new();
        let mut indicator_vars = Vec::new();
        let mut n_vars = 0;
        let mut cross_products = Vec::new();
        for ind in &plan.indicators {
            let k = format!("indicator.{}", ind.key);
            let skey = (ind.level, ind.scope.as_ref().map(|s| s.text.clone()));
            let scope = match scope_keys.iter().position(|s| *s == skey) {
                Some(i) => i,
                None => {
                    let level_expr = match ind.level {
                        Level::Household => household.clone(),
                        Level::Individual => individual.clone(),
                    };
                    let scope_expr = ind
                        .scope
                        .as_ref()
                        .map(|s| compile(format!("{k}.scope"), s))
                        .transpose()?;
                    scope_keys.push(skey);
                    scopes.push((level_expr, scope_expr));
                    scope_keys.len() - 1
                }
            };
            if scopes.len() > 32 {
                return Err(PlanError::Invalid {
                    origin: plan.origin.clone(),
                    key: format!("{k}.scope"),
                    message: "is the 33rd distinct scope: at most 32 are supported".to_owned(),
                }
                .into());
            }
            let mut values = Vec::new();
            let mut exprs = vec![(format!("{k}.value"), &ind.value)];
            if let Some(d) = &ind.denominator {
                exprs.push((format!("{k}.denominator"), d));
            }
            for (key, e) in exprs {
                values.push(if ind.statistic == StatKind::Proportion {
                    ValueOf::Condition(compile(key, e)?)
                } else {
                    // A column, or an alias chain down to one (a derived condition is
                    // refused): compiled as `is_missing(x)` to find its slot.
                    let name = e.ast.as_alias().unwrap_or_default().to_owned();
                    let probe = PlanExpr {
                        text: e.text.clone(),
                        ast: crate::expr::Ast::IsMissing { name, pos: 1 },
                    };
                    let slot = compile(key, &probe)?.slots()[0];
                    ValueOf::Number(slot)
                });
            }
            let vars: Vec<usize> = (n_vars..n_vars + values.len()).collect();
            if ind.statistic == StatKind::Ratio {
                cross_products.push((vars[0], vars[1]));
            }
            n_vars += values.len();
            indicator_vars.push((scope, vars));
            indicators.push(CompiledIndicator { scope, values });
        }

        let mut breakdowns = Vec::new();
        let mut breakdown_meta = Vec::new();
        for b in &plan.breakdowns {
            let k = format!("breakdown.{}", b.key);
            match &b.codes {
                Codes::Conditions(codes) => {
                    let exprs = codes
                        .iter()
                        .map(|(c, e)| compile(format!("{k}.codes.{c}"), e))
                        .collect::<Result<_, _>>()?;
                    breakdowns.push(CompiledCodes::Conditions(exprs));
                    breakdown_meta.push(BreakdownCodes {
                        key: b.key.clone(),
                        dimension: b.dimension.clone(),
                        codes: codes.iter().map(|(c, _)| c.clone()).collect(),
                    });
                }
                Codes::Free { variable } => {
                    let e = PlanExpr {
                        text: format!("is_missing({variable})"),
                        ast: crate::expr::Ast::IsMissing {
                            name: variable.clone(),
                            pos: 1,
                        },
                    };
                    let slot = compile(format!("{k}.variable"), &e)?.slots()[0];
                    breakdowns.push(CompiledCodes::Free {
                        slot,
                        index: HashMap::new(),
                    });
                    breakdown_meta.push(BreakdownCodes {
                        key: b.key.clone(),
                        dimension: b.dimension.clone(),
                        codes: Vec::new(),
                    });
                }
            }
        }

        // Per breakdown: the scope bits of the indicators broken down by it (0 if its
        // `other = "ignore"`): a row in one of those scopes must fall in one of its codes.
        let mut checked_scopes = vec![0_u32; plan.breakdowns.len()];
        for (ind, (scope, _)) in plan.indicators.iter().zip(&indicator_vars) {
            for key in &ind.breakdowns {
                if let Some(b) = plan.breakdowns.iter().position(|b| &b.key == key)
                    && !plan.breakdowns[b].ignore_other
                {
                    checked_scopes[b] |= 1 << scope;
                }
            }
        }
        let variance = design.variance_spec(replicates.len())?;
        let spec = TableSpec {
            n_vars,
            cross_products,
            variance,
            nest: design.nest,
        };
        let columns = r.slots.into_inner();
        let n = columns.len();
        let n_digits = breakdowns.len() + 1;
        let pattern_slots = pattern_slots(&scopes, &indicators, &breakdowns);
        Ok(Self {
            origin: origin.to_owned(),
            names: columns.iter().map(|c| header[*c].clone()).collect(),
            columns,
            weight,
            strata,
            psu,
            fpc,
            replicates: replicates.clone(),
            scopes,
            indicators,
            breakdowns,
            breakdown_meta,
            checked_scopes,
            pattern_slots,
            builder: TableBuilder::new(spec),
            strata_ids: Ids::default(),
            psu_ids: Ids::default(),
            cell_index: FxMap::default(),
            cells: Vec::new(),
            memo: Memo::new(n_vars),
            numbers: vec![Ok(0.0); n],
            texts: vec![String::new(); n],
            unformatted: vec![false; n],
            key: Vec::new(),
            digits: vec![0; n_digits],
            values: vec![0.0; n_vars],
            rep_weights: vec![0.0; replicates.len()],
            rows: 0,
            indicator_vars,
        })
    }

    /// The file columns the visitor needs, by slot: a source fills slot `i` from column
    /// `columns()[i]`.
    #[must_use]
    pub fn columns(&self) -> &[usize] {
        &self.columns
    }

    fn error(&self, line: u64, slot: Option<usize>, message: String) -> TabulateError {
        ReadError {
            origin: self.origin.clone(),
            line,
            column: slot.map(|s| self.names[s].clone()),
            message,
        }
        .into()
    }

    fn nan_error(&self, line: u64, e: NotANumber) -> TabulateError {
        self.eval_error(line, None, e)
    }

    /// An evaluation error of `expr` (None: a plain number was read).
    fn eval_error(&self, line: u64, expr: Option<&Expr>, e: NotANumber) -> TabulateError {
        eval_error(&self.origin, &self.names, &self.texts, line, expr, e)
    }

    /// The row's values of some columns, as the file writes them (`sex = "9"`), for errors.
    fn shown(&self, mut slots: Vec<usize>) -> Vec<String> {
        slots.sort_unstable();
        slots.dedup();
        slots
            .iter()
            .map(|s| format!("{} = \"{}\"", self.names[*s], self.texts[*s]))
            .collect()
    }

    /// A row in scope that falls in none of breakdown `b`'s codes.
    fn no_code_error(&self, line: u64, b: usize) -> TabulateError {
        let used = match &self.breakdowns[b] {
            CompiledCodes::Conditions(exprs) => exprs.iter().flat_map(Expr::slots).collect(),
            CompiledCodes::Free { slot, .. } => vec![*slot],
        };
        let vals = self.shown(used);
        let meta = &self.breakdown_meta[b];
        self.error(
            line,
            None,
            format!(
                "breakdown {}: the row ({}) is in none of its codes{}: add a code for it, fix the value, or set `other = \"ignore\"` in [breakdown.{}] to leave such rows out of the breakdown (they still count in the total)",
                meta.key,
                vals.join(", "),
                if meta.codes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", meta.codes.join(", "))
                },
                meta.key
            ),
        )
    }

    /// Takes one row: `field(c)` is the text of the file's column `c` (only the columns of
    /// [`Visitor::columns`] are asked for); `line` names the row in errors.
    pub fn visit<'f>(
        &mut self,
        line: u64,
        field: impl Fn(usize) -> &'f str,
    ) -> Result<(), TabulateError> {
        for s in 0..self.columns.len() {
            let t = field(self.columns[s]).trim();
            self.texts[s].clear();
            self.texts[s].push_str(t);
            self.numbers[s] = parse_number(t);
            self.unformatted[s] = false;
        }
        self.visit_parsed(line)
    }

    /// Takes one row of a typed format: `field(c)` is the file's column `c` (only the
    /// columns of [`Visitor::columns`] are asked for); `line` names the row in errors.
    /// Gives the same results as [`Visitor::visit`] with the fields' texts.
    pub fn visit_fields<'f>(
        &mut self,
        line: u64,
        field: impl Fn(usize) -> Field<'f>,
    ) -> Result<(), TabulateError> {
        let slots = self
            .columns
            .iter()
            .zip(&mut self.numbers)
            .zip(&mut self.unformatted)
            .zip(&mut self.texts);
        for (((&col, number), unformatted), text) in slots {
            match field(col) {
                Field::Number(x) if !x.is_nan() => {
                    *number = Ok(x);
                    *unformatted = true;
                }
                Field::Number(_) | Field::Missing => {
                    text.clear();
                    *number = Ok(f64::NAN);
                    *unformatted = false;
                }
                Field::Text(t) => {
                    let t = t.trim();
                    text.clear();
                    text.push_str(t);
                    *number = parse_number(t);
                    *unformatted = false;
                }
            }
        }
        self.visit_parsed(line)
    }

    /// Takes `rows` rows of a typed format at once, fast when every needed column holds
    /// numbers: `numbers[s]` is the column of slot `s` (see [`Visitor::columns`]; NaN:
    /// missing), None for a text column. A row the fast path cannot take in full — a
    /// missing or bad design value, a value that is no small code, a pattern not yet
    /// memoised, a text column, replicate weights — goes through
    /// [`Visitor::visit_fields`] with `field(row, column)`: the results and errors are
    /// those of one `visit_fields` call per row. Lines are `first_line`, `first_line + 1`, …
    pub fn visit_numbers<'f>(
        &mut self,
        first_line: u64,
        rows: usize,
        numbers: &[Option<&[f64]>],
        field: impl Fn(usize, usize) -> Field<'f>,
    ) -> Result<(), TabulateError> {
        let fast = numbers.len() == self.columns.len()
            && numbers.iter().all(|c| c.is_some_and(|c| c.len() >= rows))
            && self.replicates.is_empty()
            && self.pattern_slots.len() <= PACKED_SLOTS;
        for i in 0..rows {
            let line = first_line + i as u64;
            if !(fast && self.memo.enabled && self.fast_row(numbers, i, line)?) {
                self.visit_fields(line, |c| field(i, c))?;
            }
        }
        Ok(())
    }

    /// Row `i` of a batch of numbers, if its pattern is memoised and its design values are
    /// present; false (and nothing counted) otherwise.
    #[inline]
    fn fast_row(
        &mut self,
        numbers: &[Option<&[f64]>],
        i: usize,
        line: u64,
    ) -> Result<bool, TabulateError> {
        let at = |s: usize| numbers[s].map_or(f64::NAN, |c| c[i]);
        let weight = at(self.weight);
        if !(weight >= 0.0 && weight.is_finite()) {
            return Ok(false);
        }
        let mut key = [0_u64; PACKED_SLOTS / 4];
        for (p, &(s, _)) in self.pattern_slots.iter().enumerate() {
            let x = at(s);
            let level = if x.is_nan() {
                0
            } else {
                match small_code(x) {
                    Some(l) => l,
                    None => return Ok(false),
                }
            };
            key[p / 4] |= level << (16 * (p % 4));
        }
        let Some((cell, values)) = self.memo.get(Key::Packed(key), &[]) else {
            return Ok(false);
        };
        let design = |slot: Option<usize>| slot.map(at).filter(|x| x.is_nan());
        if design(self.strata).is_some() || design(self.psu).is_some() || design(self.fpc).is_some()
        {
            return Ok(false);
        }
        let stratum = self.strata.map_or(0, |s| self.strata_ids.of_number(at(s)));
        let psu = self
            .psu
            .map_or(self.rows, |s| u64::from(self.psu_ids.of_number(at(s))));
        let result = self.builder.push(&Row {
            stratum,
            psu,
            weight,
            cell,
            values,
            fpc: self.fpc.map(at),
            replicate_weights: &[],
        });
        self.rows += 1;
        result.map_err(|e| self.table_error(line, e))?;
        Ok(true)
    }

    /// Writes the text of the row's typed numbers (before the plan is evaluated on a new
    /// pattern, whose string comparisons, free codes and messages need them).
    fn format_numbers(&mut self) {
        use std::fmt::Write as _;
        for s in 0..self.texts.len() {
            if self.unformatted[s] {
                let t = &mut self.texts[s];
                t.clear();
                if let Ok(x) = self.numbers[s] {
                    let _ = write!(t, "{x}");
                }
                self.unformatted[s] = false;
            }
        }
    }

    /// The row's pattern key (see [`crate::pattern`]): packed if every slot holds a small
    /// code, else the general key in `self.key`; None if the row has a field that is
    /// neither missing nor a number where only its number counts (its evaluation may
    /// fail: it is evaluated, not memoised).
    fn pattern_key(&mut self) -> Option<Key> {
        if let Some(k) = self.packed_key() {
            return Some(Key::Packed(k));
        }
        self.key.clear();
        for &(s, text_matters) in &self.pattern_slots {
            if self.unformatted[s] {
                // The text of a number is a function of its bits.
                self.key
                    .push(self.numbers[s].map_or(TAG_MISSING, f64::to_bits));
                continue;
            }
            let t = &self.texts[s];
            if text_matters {
                push_text(&mut self.key, t);
            } else if is_missing_text(t) {
                self.key.push(TAG_MISSING);
            } else {
                match self.numbers[s] {
                    Ok(x) => self.key.push(x.to_bits()),
                    Err(()) => return None,
                }
            }
        }
        Some(Key::General)
    }

    /// The packed key, if every pattern slot is missing or a small code (categorical
    /// variables, the common case).
    #[inline]
    fn packed_key(&self) -> Option<[u64; PACKED_SLOTS / 4]> {
        if self.pattern_slots.len() > PACKED_SLOTS {
            return None;
        }
        let mut key = [0_u64; PACKED_SLOTS / 4];
        for (i, &(s, text_matters)) in self.pattern_slots.iter().enumerate() {
            let level = if self.unformatted[s] {
                small_code(self.numbers[s].ok()?)?
            } else {
                let t = &self.texts[s];
                if is_missing_text(t) {
                    0
                } else if text_matters && !canonical_integer(t) {
                    return None;
                } else {
                    small_code(self.numbers[s].ok()?)?
                }
            };
            key[i / 4] |= level << (16 * (i % 4));
        }
        Some(key)
    }

    /// A stratum or PSU id: by number for a typed number, else by text.
    #[inline]
    fn design_id(&mut self, line: u64, slot: usize, psu: bool) -> Result<u32, TabulateError> {
        let what = if psu { "PSU" } else { "stratum" };
        let ids = if psu {
            &mut self.psu_ids
        } else {
            &mut self.strata_ids
        };
        if self.unformatted[slot]
            && let Ok(x) = self.numbers[slot]
        {
            return Ok(ids.of_number(x));
        }
        let t = self.texts[slot].as_str();
        if is_missing_text(t) {
            return Err(self.error(line, Some(slot), format!("the {what} is missing")));
        }
        Ok(ids.of_text(t))
    }

    fn number(&self, line: u64, slot: usize, what: &str) -> Result<f64, TabulateError> {
        match self.numbers[slot] {
            Ok(v) if v.is_nan() => {
                Err(self.error(line, Some(slot), format!("the {what} is missing")))
            }
            Ok(v) => Ok(v),
            Err(()) => Err(self.error(
                line,
                Some(slot),
                format!("the {what} \"{}\" is not a number", self.texts[slot]),
            )),
        }
    }

    fn visit_parsed(&mut self, line: u64) -> Result<(), TabulateError> {
        let weight = self.number(line, self.weight, "weight")?;
        if weight < 0.0 || !weight.is_finite() {
            return Err(self.error(
                line,
                Some(self.weight),
                format!("the weight {weight} is negative or infinite"),
            ));
        }
        let stratum = match self.strata {
            None => 0,
            Some(s) => match self.strata_ids.repeat(self.numbers[s], self.unformatted[s]) {
                Some(id) => id,
                None => self.design_id(line, s, false)?,
            },
        };
        let psu = match self.psu {
            None => self.rows,
            Some(s) => u64::from(
                match self.psu_ids.repeat(self.numbers[s], self.unformatted[s]) {
                    Some(id) => id,
                    None => self.design_id(line, s, true)?,
                },
            ),
        };
        let fpc = match self.fpc {
            None => None,
            Some(s) => Some(self.number(line, s, "finite population correction")?),
        };
        for (i, &s) in self.replicates.iter().enumerate() {
            self.rep_weights[i] = self.number(line, s, "replicate weight")?;
        }
        let memoise = if self.memo.enabled {
            self.pattern_key()
        } else {
            None
        };
        let known = memoise.and_then(|k| self.memo.get(k, &self.key));
        let result = if let Some((cell, values)) = known {
            self.builder.push(&Row {
                stratum,
                psu,
                weight,
                cell,
                values,
                fpc,
                replicate_weights: &self.rep_weights,
            })
        } else {
            self.format_numbers();
            let cell = self.evaluate(line)?;
            if let Some(k) = memoise {
                self.memo.insert(k, &self.key, cell, &self.values);
            }
            self.builder.push(&Row {
                stratum,
                psu,
                weight,
                cell,
                values: &self.values,
                fpc,
                replicate_weights: &self.rep_weights,
            })
        };
        self.rows += 1;
        result.map_err(|e| self.table_error(line, e))
    }

    /// Evaluates the plan on the current row: the analysis values into `self.values`, the
    /// finest cell returned.
    fn evaluate(&mut self, line: u64) -> Result<u32, TabulateError> {
        let row = RowValues {
            numbers: &self.numbers,
            texts: &self.texts,
        };
        // Scope bits.
        let mut mask = 0_u32;
        for (bit, (level, scope)) in self.scopes.iter().enumerate() {
            let mut on = match level {
                Some(e) => e
                    .eval(&row)
                    .map_err(|err| self.eval_error(line, Some(e), err))?,
                None => true,
            };
            if on && let Some(e) = scope {
                on = e
                    .eval(&row)
                    .map_err(|err| self.eval_error(line, Some(e), err))?;
            }
            if on {
                mask |= 1 << bit;
            }
        }
        // Breakdown codes.
        for (b, bd) in self.breakdowns.iter_mut().enumerate() {
            self.digits[b] = match bd {
                CompiledCodes::Conditions(exprs) => {
                    let mut found = NO_CODE;
                    for (c, e) in exprs.iter().enumerate() {
                        let hit = match e.eval(&row) {
                            Ok(h) => h,
                            Err(err) => {
                                let (origin, names, texts) =
                                    (&self.origin, &self.names, &self.texts);
                                return Err(eval_error(origin, names, texts, line, Some(e), err));
                            }
                        };
                        if hit {
                            if found != NO_CODE {
                                let meta = &self.breakdown_meta[b];
                                let mut used: Vec<usize> = exprs[found as usize].slots();
                                used.extend(e.slots());
                                let vals = self.shown(used);
                                return Err(ReadError {
                                    origin: self.origin.clone(),
                                    line,
                                    column: None,
                                    message: format!(
                                        "breakdown {}: the row is in two codes, {} and {} ({}): the codes of a breakdown must not overlap",
                                        meta.key,
                                        meta.codes[found as usize],
                                        meta.codes[c],
                                        vals.join(", ")
                                    ),
                                }
                                .into());
                            }
                            found = u32::try_from(c).expect("< 2^32 codes");
                        }
                    }
                    found
                }
                CompiledCodes::Free { slot, index } => {
                    let t = self.texts[*slot].as_str();
                    if is_missing_text(t) {
                        NO_CODE
                    } else if let Some(&i) = index.get(t) {
                        i
                    } else {
                        let i = u32::try_from(index.len()).expect("< 2^32 codes");
                        index.insert(t.to_owned(), i);
                        self.breakdown_meta[b].codes.push(t.to_owned());
                        i
                    }
                }
            };
        }
        let nb = self.breakdowns.len();
        for b in 0..nb {
            if self.digits[b] == NO_CODE && mask & self.checked_scopes[b] != 0 {
                return Err(self.no_code_error(line, b));
            }
        }
        self.digits[nb] = mask;
        // Analysis variables.
        let mut v = 0;
        for ind in &self.indicators {
            let in_scope = mask & (1 << ind.scope) != 0;
            for value in &ind.values {
                let x = if !in_scope {
                    0.0
                } else {
                    match value {
                        ValueOf::Condition(e) => {
                            if e.eval(&row)
                                .map_err(|err| self.eval_error(line, Some(e), err))?
                            {
                                1.0
                            } else {
                                0.0
                            }
                        }
                        ValueOf::Number(s) => match self.numbers[*s] {
                            Ok(x) if x.is_nan() => {
                                return Err(self.error(
                                    line,
                                    Some(*s),
                                    "the value is missing in the indicator's scope: add `not is_missing(…)` to its scope".to_owned(),
                                ));
                            }
                            Ok(x) => x,
                            Err(()) => {
                                return Err(self.nan_error(
                                    line,
                                    NotANumber {
                                        slot: *s,
                                        label_expected: false,
                                    },
                                ));
                            }
                        },
                    }
                };
                self.values[v] = x;
                v += 1;
            }
        }
        Ok(self.cell_of_digits())
    }

    /// The cell id of `self.digits`, assigning the next one if new.
    fn cell_of_digits(&mut self) -> u32 {
        match self.cell_index.get(&self.digits[..]) {
            Some(&c) => c,
            None => {
                let c = u32::try_from(self.cells.len()).expect("< 2^32 cells");
                let key: Box<[u32]> = self.digits.clone().into_boxed_slice();
                self.cells.push(key.clone());
                self.cell_index.insert(key, c);
                c
            }
        }
    }

    fn table_error(&self, line: u64, e: TableError) -> TabulateError {
        match e {
            TableError::BadReplicateWeight {
                replicate, weight, ..
            } => self.error(
                line,
                Some(self.replicates[replicate]),
                format!("the replicate weight {weight} is negative or not finite"),
            ),
            TableError::Fpc { stratum, message } => self.error(
                line,
                self.fpc,
                format!(
                    "stratum {}: finite population correction {message}",
                    stratum_name(&self.strata_names(), stratum)
                ),
            ),
            TableError::NotNested { psu, first, second } => self.error(
                line,
                self.psu,
                format!(
                    "PSU \"{}\" appears in strata {} and {}: PSUs are not nested in strata (set `nest = true` if PSU ids restart in each stratum)",
                    self.psu_ids
                        .name(u64::from(psu))
                        .unwrap_or_else(|| psu.to_string()),
                    stratum_name(&self.strata_names(), first),
                    stratum_name(&self.strata_names(), second)
                ),
            ),
            other => self.error(line, None, other.to_string()),
        }
    }

    /// The file's stratum values, by internal id.
    fn strata_names(&self) -> Vec<String> {
        self.strata_ids.keys().iter().map(IdKey::name).collect()
    }

    /// Whether [`Visitor::fork`] and [`Visitor::absorb`] may split the rows: only for
    /// linearised designs without FPC whose PSUs are nested in strata (or unstratified).
    /// Elsewhere an error found only when merging (an FPC varying across the halves, a
    /// PSU in two strata) could not name its line, and replicate sums would need their
    /// rank bases merged; such designs are read on one thread.
    #[must_use]
    pub fn can_fork(&self) -> bool {
        self.replicates.is_empty()
            && self.fpc.is_none()
            && (self.builder.spec().nest || self.strata.is_none())
    }

    /// A visitor with the same compiled plan and no rows, to take another part of the
    /// file on another thread; [`Visitor::absorb`] merges it back.
    #[must_use]
    pub fn fork(&self) -> Self {
        Self {
            origin: self.origin.clone(),
            columns: self.columns.clone(),
            names: self.names.clone(),
            weight: self.weight,
            strata: self.strata,
            psu: self.psu,
            fpc: self.fpc,
            replicates: self.replicates.clone(),
            scopes: self.scopes.clone(),
            indicators: self.indicators.clone(),
            breakdowns: self.breakdowns.clone(),
            breakdown_meta: self.breakdown_meta.clone(),
            checked_scopes: self.checked_scopes.clone(),
            pattern_slots: self.pattern_slots.clone(),
            builder: TableBuilder::new(self.builder.spec().clone()),
            strata_ids: Ids::default(),
            psu_ids: Ids::default(),
            cell_index: FxMap::default(),
            cells: Vec::new(),
            memo: self.memo.empty_like(),
            numbers: self.numbers.clone(),
            texts: self.texts.clone(),
            unformatted: self.unformatted.clone(),
            key: Vec::new(),
            digits: self.digits.clone(),
            values: self.values.clone(),
            rep_weights: self.rep_weights.clone(),
            rows: 0,
            indicator_vars: self.indicator_vars.clone(),
        }
    }

    /// Appends the rows of a [`Visitor::fork`] that took the rows *after* this visitor's:
    /// its strata, PSUs, free codes and cells are renamed to this visitor's ids (new ones
    /// in their order of first appearance, so that the result equals one visitor reading
    /// both parts in order: ids, cells and table entries alike; a sum over a PSU × cell
    /// split between the parts is added in another order, which may differ in the last
    /// bit).
    pub fn absorb(&mut self, other: Self) -> Result<(), TabulateError> {
        // Without a strata column every row is in stratum 0, which no key names.
        let strata: Vec<u32> = if self.strata.is_none() {
            vec![0]
        } else {
            other
                .strata_ids
                .keys()
                .iter()
                .map(|k| self.strata_ids.of_key(k))
                .collect()
        };
        let psus: Vec<u64> = other
            .psu_ids
            .keys()
            .iter()
            .map(|k| u64::from(self.psu_ids.of_key(k)))
            .collect();
        // Without a PSU column each row is its own PSU, numbered by row.
        let row_offset = self.rows;
        let has_psu = self.psu.is_some();
        let psu_of = |p: u64| match has_psu {
            true => psus[usize::try_from(p).expect("an id")],
            false => p + row_offset,
        };
        let mut codes: Vec<Vec<u32>> = Vec::with_capacity(self.breakdowns.len());
        for (b, bd) in self.breakdowns.iter_mut().enumerate() {
            codes.push(match bd {
                CompiledCodes::Conditions(_) => Vec::new(),
                CompiledCodes::Free { index, .. } => other.breakdown_meta[b]
                    .codes
                    .iter()
                    .map(|c| match index.get(c.as_str()) {
                        Some(&i) => i,
                        None => {
                            let i = u32::try_from(index.len()).expect("< 2^32 codes");
                            index.insert(c.clone(), i);
                            self.breakdown_meta[b].codes.push(c.clone());
                            i
                        }
                    })
                    .collect(),
            });
        }
        let mut cells = Vec::with_capacity(other.cells.len());
        for digits in &other.cells {
            for (b, d) in digits.iter().enumerate() {
                self.digits[b] = match codes.get(b) {
                    Some(map) if !map.is_empty() && *d != NO_CODE => map[*d as usize],
                    _ => *d,
                };
            }
            cells.push(self.cell_of_digits());
        }
        self.builder
            .absorb(other.builder, &strata, psu_of, &cells)
            .map_err(|e| self.table_error(0, e))?;
        self.rows += other.rows;
        Ok(())
    }

    /// Rows taken so far.
    #[must_use]
    pub fn n_rows(&self) -> u64 {
        self.rows
    }

    /// Ends the pass.
    pub fn finish(self) -> Result<Sufficient, TabulateError> {
        let strata_names = self.strata_names();
        let indicator_vars = self.indicator_vars;
        let table = self.builder.finish().map_err(|e| {
            let (column, message) = match e {
                TableError::Fpc { stratum, message } => (
                    self.fpc.map(|s| self.names[s].clone()),
                    format!(
                        "stratum {}: finite population correction {message}",
                        stratum_name(&strata_names, stratum)
                    ),
                ),
                other => (None, other.to_string()),
            };
            TabulateError::from(ReadError {
                origin: self.origin.clone(),
                line: 0,
                column,
                message,
            })
        })?;
        Ok(Sufficient {
            strata_names,
            table,
            cells: self.cells,
            breakdowns: self.breakdown_meta,
            indicator_vars,
        })
    }
}

/// The slots the plan reads (the pattern of [`crate::pattern`]), each with whether its
/// text matters: compared with a string, or a free code.
fn pattern_slots(
    scopes: &[(Option<Expr>, Option<Expr>)],
    indicators: &[CompiledIndicator],
    breakdowns: &[CompiledCodes],
) -> Vec<(usize, bool)> {
    let mut exprs: Vec<&Expr> = scopes
        .iter()
        .flat_map(|(level, scope)| level.iter().chain(scope))
        .collect();
    let mut plain = Vec::new();
    let mut textual = Vec::new();
    for ind in indicators {
        for v in &ind.values {
            match v {
                ValueOf::Condition(e) => exprs.push(e),
                ValueOf::Number(s) => plain.push(*s),
            }
        }
    }
    for b in breakdowns {
        match b {
            CompiledCodes::Conditions(es) => exprs.extend(es),
            CompiledCodes::Free { slot, .. } => textual.push(*slot),
        }
    }
    for e in exprs {
        plain.extend(e.slots());
        textual.extend(text_slots(e));
    }
    plain.extend(&textual);
    plain.sort_unstable();
    plain.dedup();
    plain
        .into_iter()
        .map(|s| (s, textual.contains(&s)))
        .collect()
}

/// A stratum as the file writes it (`"7"`), from its internal id; the internal id if the
/// design has no strata column.
pub(crate) fn stratum_name(names: &[String], id: u32) -> String {
    names
        .get(id as usize)
        .map_or_else(|| id.to_string(), |n| format!("\"{n}\""))
}

/// An evaluation error of `expr` on a row (None: a plain number was read).
fn eval_error(
    origin: &str,
    names: &[String],
    texts: &[String],
    line: u64,
    expr: Option<&Expr>,
    e: NotANumber,
) -> TabulateError {
    let col = &names[e.slot];
    let message = if e.label_expected {
        format!(
            "`{}` compares `{col}` with a string, but `{col}` holds the number \"{}\" and has no value labels: declare them ([labels.{col}]) or compare with a number",
            expr.map_or("", Expr::source),
            texts[e.slot]
        )
    } else {
        format!(
            "\"{}\" is not a number (nor missing: empty, NA or .)",
            texts[e.slot]
        )
    };
    ReadError {
        origin: origin.to_owned(),
        line,
        column: Some(col.clone()),
        message,
    }
    .into()
}

/// Refuses a header that names a column twice (`line`: where the header is, 0 if the
/// format has no header line).
pub(crate) fn check_header(origin: &str, header: &[String], line: u64) -> Result<(), ReadError> {
    for (i, name) in header.iter().enumerate() {
        if header[..i].contains(name) {
            return Err(ReadError {
                origin: origin.to_owned(),
                line,
                column: Some(name.clone()),
                message: format!(
                    "the header names column \"{name}\" twice (columns {} and {}): column names must be unique",
                    header[..i].iter().position(|h| h == name).unwrap_or(0) + 1,
                    i + 1
                ),
            });
        }
    }
    Ok(())
}

/// CSV (comma-separated, a header row, RFC 4180 quoting) read in one streaming pass.
#[derive(Debug)]
pub struct CsvSource<R: io::Read> {
    reader: csv::Reader<R>,
    origin: String,
}

impl<R: io::Read> CsvSource<R> {
    /// A CSV source over any reader; `origin` names it in errors.
    pub fn new(reader: R, origin: &str) -> Self {
        Self {
            reader: csv::ReaderBuilder::new()
                .has_headers(true)
                .flexible(false)
                .from_reader(reader),
            origin: origin.to_owned(),
        }
    }

    fn csv_error(&self, e: &csv::Error) -> ReadError {
        csv_error(&self.origin, e)
    }
}

fn csv_error(origin: &str, e: &csv::Error) -> ReadError {
    let line = e.position().map_or(0, csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "the row has {len} fields but the header has {expected_len} (a ragged or truncated row)"
        ),
        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_owned(),
        _ => e.to_string(),
    };
    ReadError {
        origin: origin.to_owned(),
        line,
        column: None,
        message,
    }
}

impl<R: io::Read> Source for CsvSource<R> {
    fn header(&mut self) -> Result<Vec<String>, ReadError> {
        let header: Vec<String> = match self.reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
            Err(e) => return Err(self.csv_error(&e)),
        };
        if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
            return Err(ReadError {
                origin: self.origin.clone(),
                line: 1,
                column: None,
                message: "the file is empty: expected a header row and data rows".to_owned(),
            });
        }
        check_header(&self.origin, &header, 1)?;
        Ok(header)
    }

    fn run(&mut self, visitor: &mut Visitor) -> Result<(), TabulateError> {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line = record.position().map_or(0, csv::Position::line);
                    visitor.visit(line, |c| record.get(c).unwrap_or(""))?;
                }
                Err(e) => return Err(self.csv_error(&e).into()),
            }
        }
    }

    fn origin(&self) -> &str {
        &self.origin
    }
}
