//! The expression language: parse errors with positions, missing values, value labels.

use ictstat_survey::expr::{Labels, Resolved, Resolver, Values};
use ictstat_survey::{Ast, Expr};

/// Columns q1…: slot = index; `q12` has labels yes = 1, no = 2; `region` is text.
struct Cols {
    names: Vec<&'static str>,
    labels: Vec<(String, f64)>,
    derived: Vec<(&'static str, Ast)>,
}

impl Cols {
    fn new() -> Self {
        Self {
            names: vec!["q12", "q13", "q2", "age", "q7", "region"],
            labels: vec![("yes".to_owned(), 1.0), ("no".to_owned(), 2.0)],
            derived: vec![
                ("internet_use", Ast::parse("q12 == 1").expect("parses")),
                ("years", Ast::parse("age").expect("parses")),
            ],
        }
    }
}

impl Resolver for Cols {
    fn resolve(&self, name: &str) -> Option<Resolved<'_>> {
        if let Some((_, a)) = self.derived.iter().find(|(n, _)| *n == name) {
            return Some(Resolved::Derived(a));
        }
        let slot = self.names.iter().position(|n| *n == name)?;
        let labels: Option<&Labels> = (name == "q12").then_some(self.labels.as_slice());
        Some(Resolved::Column { slot, labels })
    }
}

/// A row: one text per slot.
struct R(Vec<&'static str>);

impl Values for R {
    fn number(&self, slot: usize) -> Result<f64, ()> {
        let t = self.0[slot].trim();
        if t.is_empty() || t == "NA" || t == "." {
            return Ok(f64::NAN);
        }
        t.parse().map_err(|_| ())
    }
    fn text(&self, slot: usize) -> &str {
        self.0[slot].trim()
    }
}

fn eval(expr: &str, row: &[&'static str]) -> bool {
    Expr::compile(expr, &Cols::new())
        .expect("compiles")
        .eval(&R(row.to_vec()))
        .expect("evaluates")
}

//                        q12  q13  q2   age   q7   region
const ROW: [&str; 6] = ["1", "2", "9", "34", "3", "North"];
const MISSING: [&str; 6] = ["", "NA", ".", "34", "3", ""];

#[test]
fn comparisons_membership_logic() {
    assert!(eval("q12 == 1", &ROW));
    assert!(eval("age >= 15 and age <= 74", &ROW));
    assert!(!eval("age < 15", &ROW));
    assert!(eval("q7 in [1, 2, 3]", &ROW));
    assert!(!eval("q7 not in [1, 2, 3]", &ROW));
    assert!(!eval("(q12 == 1 or q13 == 1) and not (q2 == 9)", &ROW));
    assert!(eval("(q12 == 1 or q13 == 1) and not (q2 == 8)", &ROW));
    assert!(eval("region == \"North\" and region != 'South'", &ROW));
    assert!(eval("region in [\"North\", \"East\"]", &ROW));
    assert!(eval("q12", &ROW), "a bare non-zero number is true");
    assert!(eval("true and not false", &ROW));
    assert!(eval("q12 > -1.5e0", &ROW));
}

#[test]
fn value_labels_and_derived_variables() {
    assert!(eval("q12 == \"yes\"", &ROW));
    assert!(eval("q12 in [\"no\", \"yes\"]", &ROW));
    assert!(eval("internet_use and years >= 30", &ROW));
    let err = Expr::compile("q12 == \"maybe\"", &Cols::new()).expect_err("unknown label");
    assert_eq!(err.position, 1);
    assert!(
        err.expected.contains("\"yes\"") && err.found == "\"maybe\"",
        "{err}"
    );
    let err = Expr::compile("internet_use > 1", &Cols::new()).expect_err("a condition");
    assert!(err.found.contains("condition"), "{err}");
}

#[test]
fn missing_values_compare_false() {
    for e in [
        "q12 == 1",
        "q12 != 1",
        "q13 in [1, 2]",
        "q13 not in [1]",
        "q2 < 100",
        "q12",
    ] {
        assert!(!eval(e, &MISSING), "{e} must be false on a missing value");
    }
    assert!(
        eval("not (q12 == 1)", &MISSING),
        "negation of a false comparison"
    );
    assert!(eval(
        "is_missing(q12) and is_missing(q13) and is_missing(q2)",
        &MISSING
    ));
    assert!(eval("is_missing(region)", &MISSING));
    assert!(
        !eval("region == \"\"", &MISSING),
        "missing text compares false too"
    );
    assert!(!eval("is_missing(age)", &MISSING));
}

#[test]
fn text_where_a_number_is_needed_is_an_error() {
    let e = Expr::compile("region > 1", &Cols::new()).expect("compiles");
    let err = e.eval(&R(ROW.to_vec())).expect_err("North is not a number");
    assert_eq!(err.slot, 5);
    let err = Expr::compile("region > \"A\"", &Cols::new()).expect_err("no order on text");
    assert!(err.expected.contains("`==` or `!=`"), "{err}");
}

#[test]
fn parse_errors_name_position_and_expectation() {
    let cases: [(&str, usize, &str, &str); 9] = [
        (
            "q12 == ",
            8,
            "a number or a string",
            "the end of the expression",
        ),
        ("q12 = 1", 5, "`==`", "`=`"),
        ("(q12 == 1", 10, "`)`", "the end of the expression"),
        ("q12 == 1 q13", 10, "`and`, `or` or the end", "`q13`"),
        ("q7 in [1, 2", 12, "`,` or `]`", "the end of the expression"),
        ("q7 in 1", 7, "`[`", "the number 1"),
        ("and q12", 1, "a variable name", "`and`"),
        (
            "q12 == \"yes",
            8,
            "a closing quote",
            "the end of the expression",
        ),
        ("q12 == 1 & q13", 10, "a variable, a number", "`&`"),
    ];
    for (text, pos, expected, found) in cases {
        let err = Ast::parse(text).expect_err(text);
        assert_eq!(err.position, pos, "{text}: {err}");
        assert!(err.expected.contains(expected), "{text}: {err}");
        assert_eq!(err.found, found, "{text}: {err}");
        assert!(
            err.to_string().contains(&format!("at character {pos}")),
            "{err}"
        );
    }
    let err = Expr::compile("age >= 15 and nope == 1", &Cols::new()).expect_err("unknown");
    assert_eq!(err.position, 15);
    assert!(err.found.contains("`nope`"), "{err}");
}
