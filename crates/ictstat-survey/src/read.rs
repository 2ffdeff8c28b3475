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
//! [`Source`] that feeds it: [`CsvSource`] here; Parquet, Stata and SPSS later.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;

use crate::design::Design;
use crate::error::{DesignError, PlanError, ReadError, TableError, TabulateError};
use crate::expr::{Expr, NotANumber, Resolved, Resolver, Values, is_missing_text};
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
    builder: TableBuilder,
    strata_ids: HashMap<String, u32>,
    psu_ids: HashMap<String, u64>,
    /// The file's stratum and PSU values, by internal id (for errors).
    strata_names: Vec<String>,
    psu_names: Vec<String>,
    cell_index: HashMap<Box<[u32]>, u32>,
    cells: Vec<Box<[u32]>>,
    // Per-row buffers, reused.
    numbers: Vec<Result<f64, ()>>,
    texts: Vec<String>,
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
            builder: TableBuilder::new(spec),
            strata_ids: HashMap::new(),
            psu_ids: HashMap::new(),
            strata_names: Vec::new(),
            psu_names: Vec::new(),
            cell_index: HashMap::new(),
            cells: Vec::new(),
            numbers: vec![Ok(0.0); n],
            texts: vec![String::new(); n],
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
        }
        self.visit_parsed(line)
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

    fn id(&self, line: u64, slot: usize, what: &str) -> Result<&str, TabulateError> {
        let t = self.texts[slot].as_str();
        if is_missing_text(t) {
            return Err(self.error(line, Some(slot), format!("the {what} is missing")));
        }
        Ok(t)
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
            Some(s) => {
                let t = self.id(line, s, "stratum")?;
                match self.strata_ids.get(t) {
                    Some(&i) => i,
                    None => {
                        let i = u32::try_from(self.strata_ids.len()).expect("< 2^32 strata");
                        let t = t.to_owned();
                        self.strata_names.push(t.clone());
                        self.strata_ids.insert(t, i);
                        i
                    }
                }
            }
        };
        let psu = match self.psu {
            None => self.rows,
            Some(s) => {
                let t = self.id(line, s, "PSU")?;
                match self.psu_ids.get(t) {
                    Some(&i) => i,
                    None => {
                        let i = self.psu_ids.len() as u64;
                        let t = t.to_owned();
                        self.psu_names.push(t.clone());
                        self.psu_ids.insert(t, i);
                        i
                    }
                }
            }
        };
        let fpc = match self.fpc {
            None => None,
            Some(s) => Some(self.number(line, s, "finite population correction")?),
        };
        for (i, &s) in self.replicates.iter().enumerate() {
            self.rep_weights[i] = self.number(line, s, "replicate weight")?;
        }

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
        let cell = match self.cell_index.get(&self.digits[..]) {
            Some(&c) => c,
            None => {
                let c = u32::try_from(self.cells.len()).expect("< 2^32 cells");
                let key: Box<[u32]> = self.digits.clone().into_boxed_slice();
                self.cells.push(key.clone());
                self.cell_index.insert(key, c);
                c
            }
        };
        let result = self.builder.push(&Row {
            stratum,
            psu,
            weight,
            cell,
            values: &self.values,
            fpc,
            replicate_weights: &self.rep_weights,
        });
        self.rows += 1;
        result.map_err(|e| self.table_error(line, e))
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
                    stratum_name(&self.strata_names, stratum)
                ),
            ),
            TableError::NotNested { psu, first, second } => self.error(
                line,
                self.psu,
                format!(
                    "PSU \"{}\" appears in strata {} and {}: PSUs are not nested in strata (set `nest = true` if PSU ids restart in each stratum)",
                    self.psu_names
                        .get(psu as usize)
                        .map_or_else(|| psu.to_string(), Clone::clone),
                    stratum_name(&self.strata_names, first),
                    stratum_name(&self.strata_names, second)
                ),
            ),
            other => self.error(line, None, other.to_string()),
        }
    }

    /// Rows taken so far.
    #[must_use]
    pub fn n_rows(&self) -> u64 {
        self.rows
    }

    /// Ends the pass.
    pub fn finish(self) -> Result<Sufficient, TabulateError> {
        let indicator_vars = self.indicator_vars;
        let strata_names = self.strata_names;
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
        let error = |column: Option<String>, message: String| ReadError {
            origin: self.origin.clone(),
            line: 1,
            column,
            message,
        };
        if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
            return Err(error(
                None,
                "the file is empty: expected a header row and data rows".to_owned(),
            ));
        }
        for (i, name) in header.iter().enumerate() {
            if header[..i].contains(name) {
                return Err(error(
                    Some(name.clone()),
                    format!(
                        "the header names column \"{name}\" twice (columns {} and {}): column names must be unique",
                        header[..i].iter().position(|h| h == name).unwrap_or(0) + 1,
                        i + 1
                    ),
                ));
            }
        }
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
