//! Errors of the survey engine: a design file that does not say what it must, a row the
//! table cannot take, an estimate the design cannot give.

use thiserror::Error;

/// A design description (TOML) that cannot be used. Each variant names the key.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum DesignError {
    /// The text is not TOML, or a key has the wrong type or is unknown.
    #[error("design: {0}")]
    Toml(String),
    /// A required key is absent.
    #[error("design: `{key}` is required ({why})")]
    Missing {
        /// The key.
        key: &'static str,
        /// What it is needed for.
        why: &'static str,
    },
    /// A key has a value that cannot be used.
    #[error("design: `{key}` {message}")]
    Invalid {
        /// The key.
        key: &'static str,
        /// What is wrong with its value.
        message: String,
    },
}

/// A row or a table that the sufficient-statistics builder cannot take.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TableError {
    /// A weight is negative, infinite or NaN.
    #[error("row {row}: weight {weight} is not a finite number ≥ 0")]
    BadWeight {
        /// The row number (0-based, in the order rows were given).
        row: u64,
        /// The weight.
        weight: f64,
    },
    /// An analysis variable is missing (NaN) or infinite.
    #[error(
        "row {row}: variable {variable} is {value}: missing or infinite values are not allowed"
    )]
    BadValue {
        /// The row number.
        row: u64,
        /// The variable's index in the table's variables.
        variable: usize,
        /// The value.
        value: f64,
    },
    /// A row has a different number of values or replicate weights than the table.
    #[error("row {row}: {what}: expected {expected}, got {got}")]
    Arity {
        /// The row number.
        row: u64,
        /// "values" or "replicate weights".
        what: &'static str,
        /// What the table was built for.
        expected: usize,
        /// What the row has.
        got: usize,
    },
    /// A replicate weight is negative, infinite or NaN.
    #[error("row {row}: replicate weight {replicate} is {weight}: not a finite number ≥ 0")]
    BadReplicateWeight {
        /// The row number.
        row: u64,
        /// The replicate (0-based).
        replicate: usize,
        /// The weight.
        weight: f64,
    },
    /// The finite population correction differs within a stratum, or is not usable.
    #[error("stratum {stratum}: finite population correction {message}")]
    Fpc {
        /// The stratum id.
        stratum: u32,
        /// What is wrong.
        message: String,
    },
    /// With `nest = false`, the same PSU id appears in two strata.
    #[error(
        "PSU {psu} appears in strata {first} and {second}: PSUs are not nested in strata (set `nest = true` if PSU ids restart in each stratum)"
    )]
    NotNested {
        /// The PSU id.
        psu: u32,
        /// One stratum.
        first: u32,
        /// Another.
        second: u32,
    },
    /// A variable index outside the table.
    #[error("variable {variable} does not exist: the table has {n_vars} variables")]
    NoSuchVariable {
        /// The index asked for.
        variable: usize,
        /// The number of variables.
        n_vars: usize,
    },
}

/// An estimate the design cannot give.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum EstimateError {
    /// A stratum of the domain has a single PSU and the design says `lonely_psu = "fail"`
    /// (R: "Stratum (X) has only one PSU at stage 1").
    #[error(
        "stratum {stratum} has only one PSU: choose lonely_psu = \"remove\", \"certainty\", \"adjust\" or \"average\" in the design, or collapse strata"
    )]
    LonelyPsu {
        /// The stratum id.
        stratum: u32,
    },
    /// The estimate refers to a variable the table does not have.
    #[error(transparent)]
    Table(#[from] TableError),
    /// The CI level is not in (0, 1).
    #[error("confidence level {0} is not between 0 and 1")]
    Level(f64),
}

/// An expression that does not parse or compile. `position` is the 1-based character
/// position in `expression`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("in `{expression}` at character {position}: expected {expected}, found {found}")]
pub struct ExprError {
    /// The expression text.
    pub expression: String,
    /// 1-based character position.
    pub position: usize,
    /// What the parser or compiler expected there.
    pub expected: String,
    /// What it found.
    pub found: String,
}

/// A tabulation plan that cannot be used. `origin` names the file (or "built-in ITU plan"),
/// `key` the TOML key.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The text is not TOML, or a key is unknown or has the wrong type.
    #[error("{origin}: {message}")]
    Toml {
        /// The file.
        origin: String,
        /// The TOML parser's message (it names the key).
        message: String,
    },
    /// A key has a value that cannot be used.
    #[error("{origin}: `{key}` {message}")]
    Invalid {
        /// The file.
        origin: String,
        /// The key, e.g. `indicator.IT_USE_ii99.scope`.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// An expression of the plan does not parse or names an unknown variable.
    #[error("{origin}: `{key}`: {source}")]
    Expr {
        /// The file.
        origin: String,
        /// The key holding the expression.
        key: String,
        /// The expression error.
        source: Box<ExprError>,
    },
}

/// Bad input met while reading microdata: names the line (1-based, the header is line 1)
/// and the column.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{origin}{}: {message}", where_in_file(*line, column.as_deref()))]
pub struct ReadError {
    /// The file.
    pub origin: String,
    /// The line (1-based; 0 when the error is not about one line).
    pub line: u64,
    /// The column, if the error is about one.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// Why a tabulation failed.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TabulateError {
    /// The design cannot be used with this file.
    #[error(transparent)]
    Design(#[from] DesignError),
    /// The plan cannot be used with this file.
    #[error(transparent)]
    Plan(Box<PlanError>),
    /// The file has bad input.
    #[error(transparent)]
    Read(Box<ReadError>),
    /// The table refused a row or could not be finished.
    #[error(transparent)]
    Table(#[from] TableError),
    /// An estimate failed (e.g. a lonely PSU under `lonely_psu = "fail"`); names the
    /// indicator and breakdown.
    #[error("indicator {indicator}, breakdown {breakdown}: {source}")]
    Estimate {
        /// The indicator.
        indicator: String,
        /// The breakdown, e.g. `SEX=F`.
        breakdown: String,
        /// The estimator's error.
        source: EstimateError,
    },
    /// A stratum with a single PSU under `lonely_psu = "fail"`: names the indicator, the
    /// breakdown and the stratum as the file writes it.
    #[error(
        "indicator {indicator}, breakdown {breakdown}: stratum {stratum} has only one PSU: choose lonely_psu = \"remove\", \"certainty\", \"adjust\" or \"average\" in the design, or collapse strata"
    )]
    LonelyPsu {
        /// The indicator.
        indicator: String,
        /// The breakdown, e.g. `SEX=F`.
        breakdown: String,
        /// The stratum, as in the file (quoted).
        stratum: String,
    },
}

impl From<PlanError> for TabulateError {
    fn from(e: PlanError) -> Self {
        Self::Plan(Box::new(e))
    }
}

/// ": line 7, column `sex`", ": column `sex`" (a whole column), or "" (the whole file).
fn where_in_file(line: u64, column: Option<&str>) -> String {
    let column = column.map(|c| format!("column `{c}`"));
    match (line, column) {
        (0, None) => String::new(),
        (0, Some(c)) => format!(": {c}"),
        (l, None) => format!(": line {l}"),
        (l, Some(c)) => format!(": line {l}, {c}"),
    }
}

impl From<ReadError> for TabulateError {
    fn from(e: ReadError) -> Self {
        Self::Read(Box::new(e))
    }
}
