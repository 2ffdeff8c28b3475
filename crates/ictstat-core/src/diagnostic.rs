//! Validation diagnostics: what is wrong, where, and how to fix it.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One finding about an input. `line` is 1-based and counts physical lines of the file
/// (header included); `column` names the column (header text), or the cell reference in XLSX.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable rule id, e.g. `unknown-area`; documented in the README.
    pub rule: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub message: String,
    /// What would fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}[{}] {}", self.rule, self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(col) = &self.column {
            write!(f, " column `{col}`")?;
        }
        if let Some(v) = &self.value {
            let shown: String = v.chars().take(60).collect();
            let ellipsis = if v.chars().count() > 60 { "…" } else { "" };
            write!(f, " value `{shown}{ellipsis}`")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(fix) = &self.fix {
            write!(f, " (fix: {fix})")?;
        }
        Ok(())
    }
}

/// All findings about one import. Keeps at most `MAX_KEPT` diagnostics in full so that a file
/// with a million bad rows does not produce a gigabyte report, but always counts every one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub errors: u64,
    pub warnings: u64,
    /// Diagnostics counted but not kept in `diagnostics`.
    pub truncated: u64,
}

impl Report {
    pub const MAX_KEPT: usize = 1000;

    pub fn push(&mut self, d: Diagnostic) {
        match d.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        if self.diagnostics.len() < Self::MAX_KEPT {
            self.diagnostics.push(d);
        } else {
            self.truncated += 1;
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// Adds another report's counts and as many of its diagnostics as the cap allows.
    pub fn merge(&mut self, other: Report) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.truncated += other.truncated;
        for d in other.diagnostics {
            if self.diagnostics.len() < Self::MAX_KEPT {
                self.diagnostics.push(d);
            } else {
                self.truncated += 1;
            }
        }
    }
}
