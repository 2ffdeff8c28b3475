//! Data availability: an indicators × countries matrix coloured by the latest year with data,
//! and the disaggregation status (which indicators each country reports by sex, age and
//! urban/rural), both filterable by group.

use std::collections::{BTreeSet, HashMap};

use axum::response::Response;
use ictstat_core::{Area, AreaKind, Dimension, Indicator};
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::error::{PageError, ok, render};
use crate::format;
use crate::layout;

/// The groups offered by the filter: the UN vulnerable groups, continents and income groups.
const FILTER_GROUPS: [&str; 12] = [
    "199", "432", "722", "002", "019", "142", "150", "009", "HIC", "UMC", "LMC", "LIC",
];

/// The dimensions of the disaggregation view (SDG 17.18.1's sex, age and location).
const KEY_DIMENSIONS: [Dimension; 3] = [Dimension::Sex, Dimension::Age, Dimension::Urbanisation];

/// The group filter form, shared with the country list.
pub fn group_filter(ctx: &Ctx) -> Markup {
    let current = ctx.params.get("group").and_then(|g| ctx.resolve_area(g));
    html! {
        form.controls method="get" action=(ctx.path) {
            @if let Some(l) = ctx.params.get("lang") { input type="hidden" name="lang" value=(l); }
            div.control {
                label for="group" { (ctx.t("availability.group")) }
                select #group name="group" {
                    option value="" selected[current.is_none()] { (ctx.t("availability.all")) }
                    @for g in FILTER_GROUPS {
                        @if let Some(area) = ctx.catalog.area(g) {
                            option value=(g) selected[current == Some(g)] { (ctx.area_name(area)) }
                        }
                    }
                }
            }
            button type="submit" { (ctx.t("indicator.apply")) }
        }
    }
}

/// The countries of the group the query asks for (all without one), by name.
pub fn countries(ctx: &Ctx) -> Result<Vec<&Area>, PageError> {
    let members: Option<BTreeSet<&str>> = match ctx.params.get("group") {
        None => None,
        Some(g) => {
            let code = ctx.resolve_area(g).ok_or_else(|| {
                PageError::BadRequest(ctx.f("indicator.unknown_area", &[("value", &g)]))
            })?;
            Some(ctx.catalog.members(code).collect())
        }
    };
    let mut out: Vec<&Area> = ctx
        .catalog
        .areas
        .iter()
        .filter(|a| a.kind == AreaKind::Country)
        .filter(|a| members.as_ref().is_none_or(|m| m.contains(a.code.as_str())))
        .collect();
    out.sort_by_cached_key(|a| format::sort_key(ctx.area_name(a)));
    Ok(out)
}

/// `GET /availability?group=…`
pub async fn matrix(ctx: Ctx) -> Response {
    let countries = match countries(&ctx) {
        Ok(c) => c,
        Err(e) => return render(&ctx, &e),
    };
    let indicators: Vec<&Indicator> = ctx.catalog.indicators.iter().collect();
    // area → latest year, per indicator.
    let latest: Vec<HashMap<&str, i32>> = indicators
        .iter()
        .map(|ind| {
            let mut m: HashMap<&str, i32> = HashMap::new();
            for r in ctx.snapshot.indicator_rows(&ind.code) {
                if let (Some(y), Some(_)) = (format::year(&r.period), r.value) {
                    let e = m.entry(r.area.as_str()).or_insert(y);
                    *e = (*e).max(y);
                }
            }
            m
        })
        .collect();
    let newest = latest
        .iter()
        .flat_map(|m| m.values())
        .copied()
        .max()
        .unwrap_or(0);
    let body = html! {
        p { (ctx.t("availability.lead")) }
        (group_filter(&ctx))
        (legend(&ctx, newest))
        div.scroll {
            table.data.matrix #availability {
                thead { tr {
                    th scope="col" { (ctx.t("table.country")) }
                    @for ind in &indicators {
                        th scope="col" title=(ind.name) {
                            a href=(ctx.link(&format!("/indicators/{}", ind.code))) { (ind.code) }
                        }
                    }
                } }
                tbody {
                    @for a in &countries {
                        tr {
                            th scope="row" { a href=(ctx.link(&format!("/countries/{}", a.code))) { (ctx.area_name(a)) } }
                            @for m in &latest {
                                @match m.get(a.code.as_str()) {
                                    Some(y) => td class=(recency_class(newest, *y)) { (y) },
                                    None => td.none { span.visually-hidden { (ctx.t("availability.none")) } },
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    ok(layout::page(&ctx, ctx.t("availability.title"), body))
}

/// How recent a latest year is, relative to the newest year in the data.
fn recency_class(newest: i32, year: i32) -> &'static str {
    match newest - year {
        i32::MIN..=1 => "recent",
        2..=4 => "older",
        _ => "old",
    }
}

fn legend(ctx: &Ctx, newest: i32) -> Markup {
    html! {
        ul.legend {
            li { span.swatch.recent {} (ctx.f("availability.recent", &[("year", &(newest - 1))])) }
            li { span.swatch.older {} (ctx.f("availability.older", &[("from", &(newest - 4)), ("to", &(newest - 2))])) }
            li { span.swatch.old {} (ctx.f("availability.old", &[("year", &(newest - 5))])) }
            li { span.swatch.none {} (ctx.t("availability.none")) }
        }
    }
}

/// `GET /availability/disaggregation?group=…`
pub async fn disaggregation(ctx: Ctx) -> Response {
    let countries = match countries(&ctx) {
        Ok(c) => c,
        Err(e) => return render(&ctx, &e),
    };
    // Indicators the catalogue breaks down by at least one key dimension.
    let columns: Vec<(&Indicator, Dimension)> = ctx
        .catalog
        .indicators
        .iter()
        .flat_map(|i| {
            KEY_DIMENSIONS
                .iter()
                .filter(|d| i.dimensions.contains(d))
                .map(move |d| (i, *d))
        })
        .collect();
    // (indicator, dimension) → countries reporting by it.
    let reported: Vec<BTreeSet<&str>> = columns
        .iter()
        .map(|(ind, dim)| {
            ctx.snapshot
                .indicator_rows(&ind.code)
                .iter()
                .filter(|r| r.value.is_some() && r.breakdown.iter().any(|(d, _)| d == *dim))
                .map(|r| r.area.as_str())
                .collect()
        })
        .collect();
    let body = html! {
        p { (ctx.t("availability.disaggregation_lead")) }
        (group_filter(&ctx))
        div.scroll {
            table.data.matrix #disaggregation {
                thead {
                    tr {
                        th scope="col" { (ctx.t("table.country")) }
                        @for (ind, dim) in &columns {
                            th scope="col" title=(ind.name) {
                                a href=(ctx.link(&format!("/indicators/{}", ind.code))) { (ind.code) }
                                br; small { (ctx.t(&format!("dimension.{}", dim.id()))) }
                            }
                        }
                    }
                }
                tbody {
                    @for a in &countries {
                        tr {
                            th scope="row" { a href=(ctx.link(&format!("/countries/{}", a.code))) { (ctx.area_name(a)) } }
                            @for set in &reported {
                                @if set.contains(a.code.as_str()) {
                                    td.recent { "✓" span.visually-hidden { (ctx.t("availability.reported")) } }
                                } @else {
                                    td.none { span.visually-hidden { (ctx.t("availability.none")) } }
                                }
                            }
                        }
                    }
                }
                tfoot {
                    tr {
                        th scope="row" { (ctx.t("availability.share")) }
                        @for set in &reported {
                            @let n = countries.iter().filter(|a| set.contains(a.code.as_str())).count();
                            td.num { (n) "/" (countries.len()) }
                        }
                    }
                }
            }
        }
    };
    ok(layout::page(
        &ctx,
        ctx.t("availability.disaggregation_title"),
        body,
    ))
}
