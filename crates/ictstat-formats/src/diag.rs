//! Collecting diagnostics for one file.

use ictstat_core::{Diagnostic, Report};

use crate::rules::Rule;

/// The details of one finding. Built lazily (see [`Diags::add`]) so that a file with a million
/// bad rows does not format a million messages that the capped report would throw away.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub column: Option<String>,
    pub value: Option<String>,
    pub message: String,
    pub fix: Option<String>,
}

impl Found {
    pub fn new(message: impl Into<String>) -> Self {
        Found {
            message: message.into(),
            ..Found::default()
        }
    }

    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
}

/// The report of one file being read, and whether a structural problem made it unusable.
#[derive(Debug)]
pub(crate) struct Diags {
    pub file: String,
    pub report: Report,
    /// Set by any structural rule: the reader then returns no observations.
    pub fatal: bool,
}

impl Diags {
    pub fn new(file: &str) -> Self {
        Diags {
            file: file.to_string(),
            report: Report::default(),
            fatal: false,
        }
    }

    /// Takes over the findings about another part of the same file.
    pub fn absorb(&mut self, other: Diags) {
        self.fatal |= other.fatal;
        self.report.merge(other.report);
    }

    /// Records a finding of `rule` at `line`; `build` runs only if the report still keeps
    /// details (see `Report::MAX_KEPT`), otherwise the finding is only counted.
    pub fn add(&mut self, rule: Rule, line: Option<u64>, build: impl FnOnce() -> Found) {
        self.fatal |= rule.structural;
        if self.report.diagnostics.len() >= Report::MAX_KEPT {
            match rule.severity {
                ictstat_core::Severity::Error => self.report.errors += 1,
                ictstat_core::Severity::Warning => self.report.warnings += 1,
            }
            self.report.truncated += 1;
            return;
        }
        let f = build();
        self.report.push(Diagnostic {
            severity: rule.severity,
            rule: rule.id.to_string(),
            file: self.file.clone(),
            line,
            column: f.column,
            value: f.value,
            message: f.message,
            fix: f.fix,
        });
    }
}
