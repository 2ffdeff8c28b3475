//! A validation report as a table: every error and warning with where it is (file, line,
//! column), the value, what is wrong and how to fix it, as `ictstat validate` prints them.

use ictstat_core::{Report, Severity};
use maud::{Markup, html};

use crate::ctx::Ctx;

/// The report's counts and its diagnostics (those it kept: a report keeps the first
/// thousand in full and counts the rest).
pub fn table(ctx: &Ctx, report: &Report) -> Markup {
    html! {
        section.report aria-labelledby="report-h" {
            h2 #report-h { (ctx.t("report.title")) }
            p.report-counts {
                (ctx.f("report.counts", &[("errors", &report.errors), ("warnings", &report.warnings)]))
                @if report.truncated > 0 { " " (ctx.f("report.truncated", &[("n", &report.truncated)])) }
            }
            @if !report.diagnostics.is_empty() {
                div.scroll {
                    table.data.report {
                        thead { tr {
                            th scope="col" { (ctx.t("report.severity")) }
                            th scope="col" { (ctx.t("report.file")) }
                            th scope="col" { (ctx.t("report.line")) }
                            th scope="col" { (ctx.t("report.column")) }
                            th scope="col" { (ctx.t("report.value")) }
                            th scope="col" { (ctx.t("report.message")) }
                            th scope="col" { (ctx.t("report.fix")) }
                        } }
                        tbody {
                            @for d in &report.diagnostics {
                                @let (class, word) = match d.severity {
                                    Severity::Error => ("error", ctx.t("report.error")),
                                    Severity::Warning => ("warning", ctx.t("report.warning")),
                                };
                                tr class=(class) {
                                    td { (word) br; small { code { (d.rule) } } }
                                    td { (d.file) }
                                    td.num { @if let Some(l) = d.line { (l) } }
                                    td { @if let Some(c) = &d.column { (c) } }
                                    td { @if let Some(v) = &d.value { code { (v) } } }
                                    td { (d.message) }
                                    td { @if let Some(f) = &d.fix { (f) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
