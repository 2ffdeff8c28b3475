//! A small, safe expression language over survey variables, for indicator values, scopes
//! and breakdown codes:
//!
//! ```text
//! q12 == 1                      comparison with a number: == != < <= > >=
//! q7 in [1, 2, 3]               membership (also `not in`)
//! internet_use == "yes"         a string: the variable's value label if it has labels,
//!                               otherwise the field's text (exact, after trimming)
//! (q12 == 1 or q13 == 1) and not (q2 == 9)
//! is_missing(q12)               the field is empty, "NA" or "."
//! computer                      a bare variable: true if it is a number other than 0
//! true, false
//! ```
//!
//! **Missing values.** A field that is empty, `NA` or `.` (after trimming) is missing. Any
//! comparison with a missing value is **false** — `q12 == 1`, `q12 != 1` and
//! `q12 in [1, 2]` are all false when q12 is missing, and a bare missing variable is false —
//! so `not (q12 == 1)` is *true* for a missing q12. Use `is_missing(q12)` to test for it,
//! and put `not is_missing(q12)` in an indicator's scope to leave non-respondents out of
//! the denominator. A field that is neither missing nor a number, read where a number is
//! needed, is an error naming its line and column.
//!
//! An expression is parsed into an [`Ast`] (positions kept for errors), then compiled with
//! a [`Resolver`] into an [`Expr`]: names are resolved to column slots (or inlined, for
//! derived variables such as `internet_use = "q12 == 1"`), labels to codes. Evaluating an
//! [`Expr`] walks a small tree and never allocates.

use std::fmt;

use crate::error::ExprError;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }

    fn apply(self, a: f64, b: f64) -> bool {
        match self {
            Self::Eq => a == b,
            Self::Ne => a != b,
            Self::Lt => a < b,
            Self::Le => a <= b,
            Self::Gt => a > b,
            Self::Ge => a >= b,
        }
    }
}

/// A literal on the right of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A number.
    Number(f64),
    /// A string: a value label or a text value.
    Text(String),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(s) => write!(f, "{s:?}"),
        }
    }
}

/// A parsed, unresolved expression. `pos` is the 1-based character position of the name.
#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    /// `true` / `false`.
    Bool(bool),
    /// A bare variable (true if a number ≠ 0).
    Var {
        /// The name.
        name: String,
        /// Where it starts.
        pos: usize,
    },
    /// `name op literal`.
    Cmp {
        /// The variable.
        name: String,
        /// Where it starts.
        pos: usize,
        /// The operator.
        op: CmpOp,
        /// The literal.
        rhs: Literal,
    },
    /// `name [not] in [a, b, …]`.
    In {
        /// The variable.
        name: String,
        /// Where it starts.
        pos: usize,
        /// The literals.
        set: Vec<Literal>,
        /// `not in`.
        negated: bool,
    },
    /// `is_missing(name)`.
    IsMissing {
        /// The variable.
        name: String,
        /// Where it starts.
        pos: usize,
    },
    /// `not e`.
    Not(Box<Ast>),
    /// `a and b and …`.
    And(Vec<Ast>),
    /// `a or b or …`.
    Or(Vec<Ast>),
}

impl Ast {
    /// Parses an expression; errors name the 1-based character position and what was
    /// expected there.
    pub fn parse(text: &str) -> Result<Self, ExprError> {
        let tokens = lex(text)?;
        let mut p = Parser {
            text,
            tokens,
            at: 0,
            depth: 0,
        };
        let ast = p.or()?;
        if p.at < p.tokens.len() {
            return Err(p.error("`and`, `or` or the end of the expression"));
        }
        Ok(ast)
    }

    /// The variable names the expression mentions, in order of appearance.
    #[must_use]
    pub fn names(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_names(&mut out);
        out
    }

    fn collect_names<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Self::Bool(_) => {}
            Self::Var { name, .. }
            | Self::Cmp { name, .. }
            | Self::In { name, .. }
            | Self::IsMissing { name, .. } => out.push(name),
            Self::Not(a) => a.collect_names(out),
            Self::And(v) | Self::Or(v) => v.iter().for_each(|a| a.collect_names(out)),
        }
    }

    /// If the expression is just a variable name (an alias such as `age = "hv105"`).
    #[must_use]
    pub fn as_alias(&self) -> Option<&str> {
        match self {
            Self::Var { name, .. } => Some(name),
            _ => None,
        }
    }
}

// ----------------------------------------------------------------------------------------
// Lexer and parser
// ----------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Number(f64),
    Str(String),
    Op(CmpOp),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Self::Ident(s) => format!("`{s}`"),
            Self::Number(n) => format!("the number {n}"),
            Self::Str(s) => format!("the string {s:?}"),
            Self::Op(op) => format!("`{}`", op.symbol()),
            Self::LParen => "`(`".to_owned(),
            Self::RParen => "`)`".to_owned(),
            Self::LBracket => "`[`".to_owned(),
            Self::RBracket => "`]`".to_owned(),
            Self::Comma => "`,`".to_owned(),
        }
    }
}

/// Tokens with their 1-based character positions.
fn lex(text: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |pos: usize, expected: &str, found: String| ExprError {
        expression: text.to_owned(),
        position: pos + 1,
        expected: expected.to_owned(),
        found,
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' | ')' | '[' | ']' | ',' => {
                i += 1;
                out.push((
                    match c {
                        '(' => Tok::LParen,
                        ')' => Tok::RParen,
                        '[' => Tok::LBracket,
                        ']' => Tok::RBracket,
                        _ => Tok::Comma,
                    },
                    start + 1,
                ));
            }
            '=' | '!' | '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('=', Some('=')) => (CmpOp::Eq, 2),
                    ('!', Some('=')) => (CmpOp::Ne, 2),
                    ('<', Some('=')) => (CmpOp::Le, 2),
                    ('>', Some('=')) => (CmpOp::Ge, 2),
                    ('<', _) => (CmpOp::Lt, 1),
                    ('>', _) => (CmpOp::Gt, 1),
                    ('=', _) => {
                        return Err(err(start, "`==` (equality is written `==`)", "`=`".into()));
                    }
                    _ => return Err(err(start, "`!=` (negation is written `not`)", "`!`".into())),
                };
                i += len;
                out.push((Tok::Op(op), start + 1));
            }
            '"' | '\'' => {
                let quote = c;
                i += 1;
                let mut s = String::new();
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(err(
                                start,
                                "a closing quote for this string",
                                "the end of the expression".into(),
                            ));
                        }
                        Some(&q) if q == quote => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push((Tok::Str(s), start + 1));
            }
            c if c.is_ascii_digit() || c == '.' || c == '-' => {
                i += 1;
                while i < chars.len()
                    && (chars[i].is_ascii_digit()
                        || chars[i] == '.'
                        || chars[i] == 'e'
                        || chars[i] == 'E'
                        || ((chars[i] == '-' || chars[i] == '+')
                            && matches!(chars[i - 1], 'e' | 'E')))
                {
                    i += 1;
                }
                let s: String = chars[start..i].iter().collect();
                let n: f64 = s
                    .parse()
                    .map_err(|_| err(start, "a number", format!("`{s}`")))?;
                out.push((Tok::Number(n), start + 1));
            }
            c if c.is_alphabetic() || c == '_' => {
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push((Tok::Ident(chars[start..i].iter().collect()), start + 1));
            }
            other => {
                return Err(err(
                    start,
                    "a variable, a number, a string, a comparison, `(` or `)`",
                    format!("`{other}`"),
                ));
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<(Tok, usize)>,
    at: usize,
    /// Nested `(` and `not` at the current token.
    depth: usize,
}

const KEYWORDS: [&str; 6] = ["and", "or", "not", "in", "true", "false"];

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at).map(|(t, _)| t)
    }

    fn pos(&self) -> usize {
        self.tokens
            .get(self.at)
            .map_or(self.text.chars().count() + 1, |(_, p)| *p)
    }

    fn error(&self, expected: &str) -> ExprError {
        ExprError {
            expression: self.text.to_owned(),
            position: self.pos(),
            expected: expected.to_owned(),
            found: self
                .peek()
                .map_or_else(|| "the end of the expression".to_owned(), Tok::describe),
        }
    }

    fn keyword(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(s)) if s == word) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<(), ExprError> {
        if self.peek() == Some(tok) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(what))
        }
    }

    fn or(&mut self) -> Result<Ast, ExprError> {
        self.chain("or", Self::and, Ast::Or)
    }

    fn and(&mut self) -> Result<Ast, ExprError> {
        self.chain("and", Self::not, Ast::And)
    }

    /// `operand (keyword operand)*`, one node for the whole chain (or the operand alone).
    fn chain(
        &mut self,
        keyword: &str,
        operand: fn(&mut Self) -> Result<Ast, ExprError>,
        node: fn(Vec<Ast>) -> Ast,
    ) -> Result<Ast, ExprError> {
        let mut items = vec![operand(self)?];
        while self.keyword(keyword) {
            items.push(operand(self)?);
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            node(items)
        })
    }

    /// Enters one level of `(` or `not`: an error past [`MAX_PARSE_DEPTH`].
    fn deeper(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_PARSE_DEPTH {
            return Err(ExprError {
                expression: self.text.to_owned(),
                position: self.pos(),
                expected: format!("at most {MAX_PARSE_DEPTH} nested `(` or `not`"),
                found: "deeper nesting".to_owned(),
            });
        }
        Ok(())
    }

    fn not(&mut self) -> Result<Ast, ExprError> {
        if self.keyword("not") {
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Ast::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn name(&mut self) -> Result<(String, usize), ExprError> {
        let pos = self.pos();
        match self.peek() {
            Some(Tok::Ident(s)) if !KEYWORDS.contains(&s.as_str()) => {
                let s = s.clone();
                self.at += 1;
                Ok((s, pos))
            }
            _ => Err(self.error("a variable name")),
        }
    }

    fn literal(&mut self) -> Result<Literal, ExprError> {
        let lit = match self.peek() {
            Some(Tok::Number(n)) => Literal::Number(*n),
            Some(Tok::Str(s)) => Literal::Text(s.clone()),
            _ => return Err(self.error("a number or a string")),
        };
        self.at += 1;
        Ok(lit)
    }

    fn primary(&mut self) -> Result<Ast, ExprError> {
        match self.peek() {
            Some(Tok::LParen) => {
                self.at += 1;
                self.deeper()?;
                let inner = self.or()?;
                self.expect(&Tok::RParen, "`)`")?;
                self.depth -= 1;
                return Ok(inner);
            }
            Some(Tok::Ident(s)) if s == "true" || s == "false" => {
                let b = s == "true";
                self.at += 1;
                return Ok(Ast::Bool(b));
            }
            Some(Tok::Ident(s)) if s == "is_missing" => {
                self.at += 1;
                self.expect(&Tok::LParen, "`(` after is_missing")?;
                let (name, pos) = self.name()?;
                self.expect(&Tok::RParen, "`)`")?;
                return Ok(Ast::IsMissing { name, pos });
            }
            _ => {}
        }
        let (name, pos) = self.name()?;
        match self.peek() {
            Some(Tok::Op(op)) => {
                let op = *op;
                self.at += 1;
                let rhs = self.literal()?;
                Ok(Ast::Cmp { name, pos, op, rhs })
            }
            Some(Tok::Ident(s)) if s == "in" || s == "not" => {
                let negated = s == "not";
                self.at += 1;
                if negated && !self.keyword("in") {
                    return Err(self.error("`in` after `not`"));
                }
                self.expect(&Tok::LBracket, "`[` starting the list of values")?;
                let mut set = vec![self.literal()?];
                while self.peek() == Some(&Tok::Comma) {
                    self.at += 1;
                    set.push(self.literal()?);
                }
                self.expect(&Tok::RBracket, "`,` or `]`")?;
                Ok(Ast::In {
                    name,
                    pos,
                    set,
                    negated,
                })
            }
            _ => Ok(Ast::Var { name, pos }),
        }
    }
}

// ----------------------------------------------------------------------------------------
// Compilation and evaluation
// ----------------------------------------------------------------------------------------

/// Value labels of a variable: (label, code) pairs.
pub type Labels = [(String, f64)];

/// What a name stands for, as a [`Resolver`] answers.
#[derive(Debug, Clone)]
pub enum Resolved<'a> {
    /// A column of the file, read into this slot; with its value labels (label → code).
    Column {
        /// The slot the reader fills.
        slot: usize,
        /// The value labels, if any.
        labels: Option<&'a [(String, f64)]>,
    },
    /// A derived variable: this expression is inlined.
    Derived(&'a Ast),
}

/// Maps names to columns or derived variables while compiling.
pub trait Resolver {
    /// What `name` stands for, or None if unknown.
    fn resolve(&self, name: &str) -> Option<Resolved<'_>>;

    /// The value labels declared for `name` itself (a column or a derived variable), if
    /// any. Labels are looked up along an alias chain: the first name of the chain that
    /// has labels gives them (`net = "internet"` with `[labels.net]` uses `net`'s).
    fn labels_of(&self, _name: &str) -> Option<&Labels> {
        None
    }
}

/// The values of the current row, as a reader supplies them.
pub trait Values {
    /// The slot's number: `Ok(NaN)` if missing, `Err(())` if it is text that is not a number.
    #[allow(clippy::result_unit_err)]
    fn number(&self, slot: usize) -> Result<f64, ()>;
    /// The slot's text (trimmed).
    fn text(&self, slot: usize) -> &str;
}

/// A compiled expression node.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Bool(bool),
    Truthy(usize),
    Cmp(usize, CmpOp, f64),
    /// Slot, negated, the text, whether the text is not a number (a label).
    TextEq(usize, bool, Box<str>, bool),
    In(usize, Box<[f64]>, bool),
    /// Slot, the texts, negated, whether some text is not a number (a label).
    InText(usize, Box<[Box<str>]>, bool, bool),
    IsMissing(usize),
    Not(Box<Node>),
    And(Box<[Node]>),
    Or(Box<[Node]>),
}

/// Evaluation failed: the slot holds text where a number is needed — or, with
/// `label_expected`, the slot holds a number where the expression compares it with a
/// string that is no number (a value label the column has not declared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber {
    /// The slot.
    pub slot: usize,
    /// The slot is numeric but was compared with a non-numeric string and has no labels.
    pub label_expected: bool,
}

/// A compiled expression: evaluate it once per row with [`Expr::eval`].
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    node: Node,
    source: String,
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// Whether a trimmed field is a missing value: empty, `NA` or `.`.
#[must_use]
pub fn is_missing_text(s: &str) -> bool {
    s.is_empty() || s == "NA" || s == "."
}

impl Expr {
    /// Parses and compiles `text`.
    pub fn compile(text: &str, resolver: &dyn Resolver) -> Result<Self, ExprError> {
        let ast = Ast::parse(text)?;
        Self::from_ast(text, &ast, resolver)
    }

    /// Compiles a parsed expression.
    pub fn from_ast(text: &str, ast: &Ast, resolver: &dyn Resolver) -> Result<Self, ExprError> {
        let mut cx = Ctx::default();
        let node = compile(text, ast, resolver, &mut cx)?;
        Ok(Self {
            node,
            source: text.to_owned(),
        })
    }

    /// The expression text.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The expression's truth on the current row.
    #[inline]
    pub fn eval(&self, row: &impl Values) -> Result<bool, NotANumber> {
        eval(&self.node, row)
    }

    /// The slots the expression reads.
    #[must_use]
    pub fn slots(&self) -> Vec<usize> {
        let mut out = Vec::new();
        slots(&self.node, &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The slots whose text (not only their number and missingness) decides the
/// expression: those compared with strings.
#[must_use]
pub(crate) fn text_slots(e: &Expr) -> Vec<usize> {
    fn walk(n: &Node, out: &mut Vec<usize>) {
        match n {
            Node::TextEq(s, ..) | Node::InText(s, ..) => out.push(*s),
            Node::Not(a) => walk(a, out),
            Node::And(v) | Node::Or(v) => v.iter().for_each(|a| walk(a, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&e.node, &mut out);
    out
}

fn slots(n: &Node, out: &mut Vec<usize>) {
    match n {
        Node::Bool(_) => {}
        Node::Truthy(s)
        | Node::Cmp(s, ..)
        | Node::TextEq(s, ..)
        | Node::In(s, ..)
        | Node::InText(s, ..)
        | Node::IsMissing(s) => out.push(*s),
        Node::Not(a) => slots(a, out),
        Node::And(v) | Node::Or(v) => v.iter().for_each(|a| slots(a, out)),
    }
}

fn at(text: &str, pos: usize, expected: String, found: String) -> ExprError {
    ExprError {
        expression: text.to_owned(),
        position: pos,
        expected,
        found,
    }
}

/// A name that must be a column (compared, tested for missing): derived aliases are
/// followed; derived conditions are refused.
fn column<'r>(
    text: &str,
    name: &str,
    pos: usize,
    resolver: &'r dyn Resolver,
    cx: &mut Ctx,
) -> Result<(usize, Option<&'r Labels>), ExprError> {
    // The alias names followed here are popped again on return (siblings may use them).
    let depth = cx.stack.len();
    let result = follow(text, name, pos, resolver, cx);
    cx.stack.truncate(depth);
    result
}

fn follow<'r>(
    text: &str,
    name: &str,
    pos: usize,
    resolver: &'r dyn Resolver,
    cx: &mut Ctx,
) -> Result<(usize, Option<&'r Labels>), ExprError> {
    let stack = &mut cx.stack;
    let mut current = name.to_owned();
    let mut found: Option<&'r Labels> = None;
    loop {
        if found.is_none() {
            found = resolver.labels_of(&current);
        }
        if stack.contains(&current) || stack.len() > 64 {
            return Err(at(
                text,
                pos,
                "a variable that does not refer to itself".to_owned(),
                format!("`{name}`, defined in terms of itself"),
            ));
        }
        match resolver.resolve(&current) {
            None => {
                return Err(at(
                    text,
                    pos,
                    "a column of the file or a variable of [variables]".to_owned(),
                    format!("`{current}`, which is neither"),
                ));
            }
            Some(Resolved::Column { slot, labels }) => return Ok((slot, found.or(labels))),
            Some(Resolved::Derived(ast)) => match ast.as_alias() {
                Some(next) => {
                    stack.push(current);
                    current = next.to_owned();
                }
                None => {
                    return Err(at(
                        text,
                        pos,
                        "a variable holding a value (compare a column, or an alias of one)"
                            .to_owned(),
                        format!("`{current}`, which is a condition"),
                    ));
                }
            },
        }
    }
}

fn code(
    text: &str,
    pos: usize,
    name: &str,
    labels: Option<&[(String, f64)]>,
    lit: &Literal,
) -> Result<Option<f64>, ExprError> {
    match (lit, labels) {
        (Literal::Number(n), _) => Ok(Some(*n)),
        (Literal::Text(s), Some(labels)) => labels
            .iter()
            .find(|(l, _)| l == s)
            .map(|(_, c)| Some(*c))
            .ok_or_else(|| {
                let known: Vec<String> = labels.iter().map(|(l, _)| format!("{l:?}")).collect();
                at(
                    text,
                    pos,
                    format!("a value label of `{name}` ({})", known.join(", ")),
                    format!("{s:?}"),
                )
            }),
        (Literal::Text(_), None) => Ok(None),
    }
}

fn numeric(s: &str) -> bool {
    s.trim().parse::<f64>().is_ok()
}

/// At most this many nested `(` or `not` in one expression (deeper ones would overflow
/// the stack of the recursive parser).
pub const MAX_PARSE_DEPTH: usize = 128;
/// At most this many nodes in one compiled expression, derived variables inlined (each
/// use of a derived variable copies it: `v2 = "v1 or v1"`, `v3 = "v2 or v2"`, … doubles
/// the size per level).
pub const MAX_NODES: usize = 100_000;
/// At most this nesting depth of a compiled expression, derived variables inlined.
pub const MAX_COMPILED_DEPTH: usize = 256;

#[derive(Default)]
struct Ctx {
    /// Derived variables being inlined (to refuse cycles).
    stack: Vec<String>,
    nodes: usize,
    depth: usize,
}

fn compile(
    text: &str,
    ast: &Ast,
    resolver: &dyn Resolver,
    cx: &mut Ctx,
) -> Result<Node, ExprError> {
    cx.nodes += 1;
    cx.depth += 1;
    if cx.nodes > MAX_NODES || cx.depth > MAX_COMPILED_DEPTH {
        let what = if cx.nodes > MAX_NODES {
            format!("more than {MAX_NODES} nodes")
        } else {
            format!("nesting deeper than {MAX_COMPILED_DEPTH}")
        };
        return Err(at(
            text,
            1,
            format!(
                "an expression of at most {MAX_NODES} nodes and depth {MAX_COMPILED_DEPTH} once derived variables are inlined"
            ),
            format!(
                "{what} (a derived variable used many times over, or defined in terms of others at great depth)"
            ),
        ));
    }
    let node = compile_node(text, ast, resolver, cx)?;
    cx.depth -= 1;
    Ok(node)
}

fn compile_node(
    text: &str,
    ast: &Ast,
    resolver: &dyn Resolver,
    cx: &mut Ctx,
) -> Result<Node, ExprError> {
    Ok(match ast {
        Ast::Bool(b) => Node::Bool(*b),
        Ast::Var { name, pos } => {
            if cx.stack.contains(name) || cx.stack.len() > 64 {
                return Err(at(
                    text,
                    *pos,
                    "a variable that does not refer to itself".to_owned(),
                    format!("`{name}`, defined in terms of itself"),
                ));
            }
            match resolver.resolve(name) {
                None => {
                    return Err(at(
                        text,
                        *pos,
                        "a column of the file or a variable of [variables]".to_owned(),
                        format!("`{name}`, which is neither"),
                    ));
                }
                Some(Resolved::Column { slot, .. }) => Node::Truthy(slot),
                Some(Resolved::Derived(inner)) => {
                    cx.stack.push(name.clone());
                    let n = compile(text, inner, resolver, cx)?;
                    cx.stack.pop();
                    n
                }
            }
        }
        Ast::Cmp { name, pos, op, rhs } => {
            let (slot, labels) = column(text, name, *pos, resolver, cx)?;
            match code(text, *pos, name, labels, rhs)? {
                Some(c) => Node::Cmp(slot, *op, c),
                None => {
                    let Literal::Text(s) = rhs else {
                        unreachable!("numbers always have a code")
                    };
                    match op {
                        CmpOp::Eq => Node::TextEq(slot, false, s.as_str().into(), !numeric(s)),
                        CmpOp::Ne => Node::TextEq(slot, true, s.as_str().into(), !numeric(s)),
                        _ => {
                            return Err(at(
                                text,
                                *pos,
                                format!(
                                    "`==` or `!=` to compare `{name}` with a string (it has no value labels)"
                                ),
                                format!("`{}`", op.symbol()),
                            ));
                        }
                    }
                }
            }
        }
        Ast::In {
            name,
            pos,
            set,
            negated,
        } => {
            let (slot, labels) = column(text, name, *pos, resolver, cx)?;
            let codes: Vec<Option<f64>> = set
                .iter()
                .map(|l| code(text, *pos, name, labels, l))
                .collect::<Result<_, _>>()?;
            if codes.iter().all(Option::is_some) {
                Node::In(slot, codes.into_iter().flatten().collect(), *negated)
            } else if set.iter().all(|l| matches!(l, Literal::Text(_))) {
                Node::InText(
                    slot,
                    set.iter()
                        .map(|l| match l {
                            Literal::Text(s) => s.as_str().into(),
                            Literal::Number(_) => unreachable!("all text"),
                        })
                        .collect(),
                    *negated,
                    set.iter()
                        .any(|l| matches!(l, Literal::Text(t) if !numeric(t))),
                )
            } else {
                return Err(at(
                    text,
                    *pos,
                    "a list of numbers or a list of strings".to_owned(),
                    "a list mixing both".to_owned(),
                ));
            }
        }
        Ast::IsMissing { name, pos } => Node::IsMissing(column(text, name, *pos, resolver, cx)?.0),
        Ast::Not(a) => Node::Not(Box::new(compile(text, a, resolver, cx)?)),
        Ast::And(v) => Node::And(
            v.iter()
                .map(|a| compile(text, a, resolver, cx))
                .collect::<Result<_, _>>()?,
        ),
        Ast::Or(v) => Node::Or(
            v.iter()
                .map(|a| compile(text, a, resolver, cx))
                .collect::<Result<_, _>>()?,
        ),
    })
}

fn eval(node: &Node, row: &impl Values) -> Result<bool, NotANumber> {
    let num = |slot: usize| {
        row.number(slot).map_err(|()| NotANumber {
            slot,
            label_expected: false,
        })
    };
    // A string that is no number, compared with a field that is one: the column needs
    // value labels (a column holding text is compared as text).
    let label_check = |slot: usize, labelish: bool, v: &str| {
        if labelish && !is_missing_text(v) && v.parse::<f64>().is_ok() {
            Err(NotANumber {
                slot,
                label_expected: true,
            })
        } else {
            Ok(())
        }
    };
    Ok(match node {
        Node::Bool(b) => *b,
        Node::Truthy(s) => {
            let v = num(*s)?;
            !v.is_nan() && v != 0.0
        }
        Node::Cmp(s, op, c) => {
            let v = num(*s)?;
            !v.is_nan() && op.apply(v, *c)
        }
        Node::TextEq(s, negated, t, labelish) => {
            let v = row.text(*s);
            label_check(*s, *labelish, v)?;
            !is_missing_text(v) && ((v == &**t) != *negated)
        }
        Node::In(s, set, negated) => {
            let v = num(*s)?;
            !v.is_nan() && (set.contains(&v) != *negated)
        }
        Node::InText(s, set, negated, labelish) => {
            let v = row.text(*s);
            label_check(*s, *labelish, v)?;
            !is_missing_text(v) && (set.iter().any(|t| &**t == v) != *negated)
        }
        Node::IsMissing(s) => is_missing_text(row.text(*s)),
        Node::Not(a) => !eval(a, row)?,
        Node::And(v) => {
            for a in v {
                if !eval(a, row)? {
                    return Ok(false);
                }
            }
            true
        }
        Node::Or(v) => {
            for a in v {
                if eval(a, row)? {
                    return Ok(true);
                }
            }
            false
        }
    })
}
