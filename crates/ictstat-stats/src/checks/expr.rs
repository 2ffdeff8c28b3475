//! The expression language of the sides of a rule: a sum of terms, each a constant or a series
//! times constants, e.g. `IT_NET_BBND[COMPOSITE_BREAKDOWN=IS_256KT2M] + IT_NET_BBND[…]` or
//! `2.5 * SP_POP_TOTL`.
//!
//! It is deliberately linear: every DHIS2-style rule over one area and period that ICT data
//! needs (a total against its parts, a count against a multiple of another) is a comparison of
//! two such sums, and a linear side can say which of its series were missing, which the
//! missing-value strategies need.

use std::fmt;

use ictstat_core::{Breakdown, Dimension};

use super::show;

/// A series of the same area and period as the rule is evaluated at: an indicator and a
/// breakdown (`IT_USE_ii99[SEX=F]`; no brackets is the total breakdown).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesRef {
    pub indicator: String,
    pub breakdown: Breakdown,
}

impl fmt::Display for SeriesRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&series_label(&self.indicator, &self.breakdown))
    }
}

/// A series in the syntax of the rules (`IT_USE_ii99[SEX=F]`), which is also how diagnostics
/// name series, so that a finding can be pasted into a rule.
pub(super) fn series_label(indicator: &str, breakdown: &Breakdown) -> String {
    if breakdown.is_total() {
        indicator.to_string()
    } else {
        format!("{indicator}[{breakdown}]")
    }
}

/// `coefficient × series`, or the constant `coefficient` when there is no series.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub coefficient: f64,
    pub series: Option<SeriesRef>,
}

/// A side of a rule: the sum of its terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub terms: Vec<Term>,
}

impl Expr {
    /// The series the side reads, in order of appearance.
    pub fn series(&self) -> impl Iterator<Item = &SeriesRef> {
        self.terms.iter().filter_map(|t| t.series.as_ref())
    }

    /// Parses `term (('+' | '-') term)*`, `term = factor (('*' | '/') factor)*`, where at most
    /// one factor of a term is a series and one divides only by a non-zero number.
    pub fn parse(text: &str) -> Result<Expr, String> {
        let mut p = Parser { text, pos: 0 };
        let mut terms = Vec::new();
        let mut sign = if p.eat('-') { -1.0 } else { 1.0 };
        loop {
            let mut term = p.term()?;
            term.coefficient *= sign;
            terms.push(term);
            p.skip_space();
            if p.pos == text.len() {
                return Ok(Expr { terms });
            }
            sign = if p.eat('+') {
                1.0
            } else if p.eat('-') {
                -1.0
            } else {
                return Err(p.error("expected `+`, `-`, `*`, `/` or the end"));
            };
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.terms.iter().enumerate() {
            let c = match (i, t.coefficient < 0.0) {
                (0, true) => {
                    f.write_str("-")?;
                    -t.coefficient
                }
                (0, false) => t.coefficient,
                (_, true) => {
                    f.write_str(" - ")?;
                    -t.coefficient
                }
                (_, false) => {
                    f.write_str(" + ")?;
                    t.coefficient
                }
            };
            match &t.series {
                None => f.write_str(&show(c))?,
                Some(s) if c == 1.0 => write!(f, "{s}")?,
                Some(s) => write!(f, "{} * {s}", show(c))?,
            }
        }
        Ok(())
    }
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        let at = self.text[self.pos..].chars().next();
        match at {
            Some(c) => format!("{what}, found `{c}` at character {}", self.pos + 1),
            None => format!("{what}, found the end"),
        }
    }

    fn skip_space(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.text[self.pos..].starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// The longest run of characters matching `ok` from the current position.
    fn take(&mut self, mut ok: impl FnMut(char) -> bool) -> &str {
        self.skip_space();
        let rest = &self.text[self.pos..];
        let len = rest.find(|c| !ok(c)).unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    fn term(&mut self) -> Result<Term, String> {
        let mut term = Term {
            coefficient: 1.0,
            series: None,
        };
        let mut divide = false;
        loop {
            self.skip_space();
            match self.text[self.pos..].chars().next() {
                Some(c) if c.is_ascii_digit() || c == '.' => {
                    let start = self.pos;
                    let n = self.number()?;
                    if !divide {
                        term.coefficient *= n;
                    } else if n == 0.0 {
                        self.pos = start;
                        return Err(self.error("division by zero"));
                    } else {
                        term.coefficient /= n;
                    }
                }
                Some(c) if c.is_ascii_alphabetic() && !divide => {
                    if term.series.is_some() {
                        return Err(self
                            .error("a term multiplies at most one series (the sides are linear)"));
                    }
                    term.series = Some(self.series()?);
                }
                _ if divide => return Err(self.error("expected a number to divide by")),
                _ => return Err(self.error("expected a number or a series")),
            }
            if self.eat('*') {
                divide = false;
            } else if self.eat('/') {
                divide = true;
            } else {
                return Ok(term);
            }
        }
    }

    fn number(&mut self) -> Result<f64, String> {
        let start = self.pos;
        let mut prev = ' ';
        let digits = self.take(|c| {
            let ok = c.is_ascii_digit()
                || c == '.'
                || c == 'e'
                || c == 'E'
                || ((c == '+' || c == '-') && (prev == 'e' || prev == 'E'));
            prev = c;
            ok
        });
        match digits.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(n),
            _ => {
                let found = digits.to_string();
                self.pos = start;
                Err(self.error(&format!("`{found}` is not a number")))
            }
        }
    }

    fn series(&mut self) -> Result<SeriesRef, String> {
        let indicator = self
            .take(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            .to_string();
        let mut breakdown = Breakdown::total();
        if self.eat('[') {
            loop {
                let start = self.pos;
                let dim = self.take(|c| c.is_ascii_alphanumeric() || c == '_');
                let dim: Dimension = dim.parse().map_err(|e| {
                    self.pos = start;
                    self.error(&format!("{e} (one of SEX, AGE, URBANISATION, …)"))
                })?;
                if !self.eat('=') {
                    return Err(self.error("expected `=` after the dimension"));
                }
                let code = self.take(|c| c.is_ascii_alphanumeric() || "_.+-".contains(c));
                if code.is_empty() {
                    return Err(self.error("expected a code after `=`"));
                }
                breakdown.set(dim, code);
                if self.eat(']') {
                    break;
                }
                if !self.eat(';') {
                    return Err(self.error("expected `;` or `]`"));
                }
            }
        }
        Ok(SeriesRef {
            indicator,
            breakdown,
        })
    }
}
