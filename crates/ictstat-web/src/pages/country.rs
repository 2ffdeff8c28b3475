//! Country profiles: every indicator for a country against its region, income group and the
//! world, trends, progress toward the 2030 targets, and the gaps; and the list of countries.

use std::collections::BTreeSet;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ictstat_core::{Area, AreaKind, Breakdown, Dimension, Indicator};
use ictstat_store::ObservationRow;
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::data;
use crate::error::{PageError, ok, render};
use crate::format;
use crate::layout;
use crate::svg::sparkline;

/// `GET /countries/{code}`: `code` is M49; ISO codes and names redirect to it.
pub async fn page(ctx: Ctx, Path(code): Path<String>) -> Response {
    let Some(area) = ctx
        .resolve_area(&code)
        .and_then(|c| ctx.catalog.area(c))
        .filter(|a| a.kind == AreaKind::Country)
    else {
        let message = ctx.f("country.unknown", &[("code", &code)]);
        return render(&ctx, &PageError::NotFound(message));
    };
    if area.code != code {
        let url = ctx.params.url(&format!("/countries/{}", area.code));
        return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, url)]).into_response();
    }
    let title = ctx.area_name(area).to_string();
    ok(layout::page(&ctx, &title, profile(&ctx, area)))
}

/// The comparison groups of a country: its UN region, its World Bank income group, the world.
fn comparators<'a>(ctx: &'a Ctx, area: &Area) -> Vec<&'a Area> {
    let mut out: Vec<&Area> = Vec::new();
    for kind in [AreaKind::Region, AreaKind::IncomeGroup, AreaKind::World] {
        if let Some(g) = ctx
            .catalog
            .groups_of(&area.code)
            .filter_map(|g| ctx.catalog.area(g))
            .find(|g| g.kind == kind)
        {
            out.push(g);
        }
    }
    if !out.iter().any(|g| g.kind == AreaKind::World)
        && let Some(world) = ctx.catalog.area("001")
    {
        out.push(world);
    }
    out
}

fn profile(ctx: &Ctx, area: &Area) -> Markup {
    let groups: Vec<&Area> = ctx
        .catalog
        .groups_of(&area.code)
        .filter_map(|g| ctx.catalog.area(g))
        .filter(|g| g.kind != AreaKind::World)
        .collect();
    let comparators = comparators(ctx, area);
    let (with_data, without): (Vec<&Indicator>, Vec<&Indicator>) =
        ctx.catalog.indicators.iter().partition(|i| {
            data::series(&ctx.snapshot, &i.code, &area.code, &Breakdown::total())
                .any(|r| r.value.is_some())
        });
    html! {
        p.meta {
            @if let Some(iso3) = &area.iso3 { "ISO " (iso3) " · " }
            "M49 " (area.code)
        }
        @if !groups.is_empty() {
            p { (ctx.t("country.member_of")) " "
                @for (i, g) in groups.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(ctx.link(&super::area_href(g))) { (ctx.area_name(g)) }
                }
            }
        }
        section aria-labelledby="latest-h" {
            h2 #latest-h { (ctx.t("country.latest")) }
            table.data {
                thead { tr {
                    th scope="col" { (ctx.t("table.indicator")) }
                    th scope="col" { (ctx.area_name(area)) }
                    @for g in &comparators { th scope="col" { (ctx.area_name(g)) } }
                    th scope="col" { (ctx.t("table.trend")) }
                    th scope="col" { (ctx.t("country.progress")) }
                } }
                tbody {
                    @for ind in &with_data {
                        (indicator_row(ctx, area, ind, &comparators))
                    }
                }
            }
            p.note { (ctx.t("country.comparators_note")) }
            @if with_data.iter().any(|ind| latest(ctx, area, ind).is_some_and(|r| r.revised)) {
                (layout::revised_note(ctx))
            }
        }
        (gaps(ctx, area, &without, &with_data))
    }
}

/// The latest value of a country's total, which the profile shows.
fn latest<'a>(ctx: &'a Ctx, area: &Area, ind: &Indicator) -> Option<&'a ObservationRow> {
    data::series(&ctx.snapshot, &ind.code, &area.code, &Breakdown::total()).last()
}

fn indicator_row(ctx: &Ctx, area: &Area, ind: &Indicator, comparators: &[&Area]) -> Markup {
    let rows: Vec<_> = data::series(&ctx.snapshot, &ind.code, &area.code, &Breakdown::total())
        .filter(|r| r.value.is_some())
        .collect();
    let points: Vec<(i32, f64)> = rows
        .iter()
        .filter_map(|r| Some((format::year(&r.period)?, r.value?)))
        .collect();
    let latest = rows.last();
    let latest_year = latest.and_then(|r| format::year(&r.period));
    let aggregates = ctx.stats.aggregates(&ctx.snapshot, &ctx.catalog, &ind.code);
    let target = ctx
        .catalog
        .targets
        .iter()
        .filter(|t| t.indicator.as_deref() == Some(ind.code.as_str()) && t.value.is_some())
        .filter(|t| t.area.as_deref().is_none_or(|a| a == area.code))
        .max_by_key(|t| (t.area.is_some(), t.confirmed));
    let status = target.and_then(|t| crate::stats::progress_status(&points, t));
    let href = ctx
        .params
        .with(
            "area",
            Some(
                &std::iter::once(area.code.as_str())
                    .chain(comparators.iter().map(|g| g.code.as_str()))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        )
        .url(&format!("/indicators/{}", ind.code));
    html! {
        tr {
            th scope="row" lang=[ctx.catalog_lang()] { a href=(href) { (ind.name) } }
            td.num {
                @if let Some(r) = latest {
                    (format::value(ctx.lang, ind, r.value.unwrap_or(f64::NAN)))
                    (layout::value_marks(ctx, format::is_estimated(r), r.revised))
                    br; small { (r.period) }
                }
            }
            @for g in comparators {
                td.num {
                    // The group in the country's latest year, for a like-for-like comparison;
                    // its latest otherwise.
                    @let p = latest_year.and_then(|y| aggregates.at(&g.code, y)).or_else(|| aggregates.latest(&g.code));
                    @if let Some(p) = p {
                        (format::value(ctx.lang, ind, p.value.unwrap_or(f64::NAN)))
                        br; small { (p.year) }
                    } @else { span.na { "—" } }
                }
            }
            td { (layout::svg(sparkline(&points, &ctx.f("table.trend_of", &[("name", &ind.name)])))) }
            td {
                @if let (Some(s), Some(t)) = (status, target) {
                    span class=(format!("status status-{s}")) title=(t.name) { (ctx.t(&format!("progress.{s}"))) }
                }
            }
        }
    }
}

/// What is missing: indicators without data, and breakdowns the catalogue defines for an
/// indicator that the country does not report (the disaggregation gap of SDG 17.18.1).
fn gaps(ctx: &Ctx, area: &Area, without: &[&Indicator], with_data: &[&Indicator]) -> Markup {
    let key_dims = [Dimension::Sex, Dimension::Age, Dimension::Urbanisation];
    let missing_breakdowns: Vec<(&Indicator, Vec<Dimension>)> = with_data
        .iter()
        .filter_map(|ind| {
            let reported: BTreeSet<Dimension> = ctx
                .snapshot
                .indicator_rows(&ind.code)
                .iter()
                .filter(|r| r.area == area.code)
                .flat_map(|r| r.breakdown.iter().map(|(d, _)| d))
                .collect();
            let missing: Vec<Dimension> = key_dims
                .iter()
                .copied()
                .filter(|d| ind.dimensions.contains(d) && !reported.contains(d))
                .collect();
            (!missing.is_empty()).then_some((*ind, missing))
        })
        .collect();
    html! {
        section.gaps aria-labelledby="gaps-h" {
            h2 #gaps-h { (ctx.t("country.gaps")) }
            h3 { (ctx.f("country.no_data_count", &[("n", &without.len())])) }
            @if without.is_empty() { p { (ctx.t("country.no_gaps")) } } @else {
                ul.gap-list {
                    @for ind in without {
                        li lang=[ctx.catalog_lang()] { a href=(ctx.link(&format!("/indicators/{}", ind.code))) { (ind.name) } }
                    }
                }
            }
            h3 { (ctx.t("country.missing_breakdowns")) }
            @if missing_breakdowns.is_empty() { p { (ctx.t("country.no_gaps")) } } @else {
                ul.gap-list {
                    @for (ind, dims) in &missing_breakdowns {
                        li {
                            a href=(ctx.link(&format!("/indicators/{}", ind.code))) lang=[ctx.catalog_lang()] { (ind.name) } ": "
                            (dims.iter().map(|d| ctx.t(&format!("dimension.{}", d.id())).to_string()).collect::<Vec<_>>().join(", "))
                        }
                    }
                }
            }
        }
    }
}

/// `GET /countries?group=…`: the countries, of a group if asked.
pub async fn list(ctx: Ctx) -> Response {
    let countries = match crate::pages::availability::countries(&ctx) {
        Ok(c) => c,
        Err(e) => return render(&ctx, &e),
    };
    let title = match ctx.params.get("group").and_then(|g| ctx.resolve_area(g)) {
        Some(code) => ctx.area_name_of(code).to_string(),
        None => ctx.t("nav.countries").to_string(),
    };
    let body = html! {
        (crate::pages::availability::group_filter(&ctx))
        ul.columns {
            @for a in &countries {
                li { a href=(ctx.link(&format!("/countries/{}", a.code))) { (ctx.area_name(a)) } }
            }
        }
    };
    ok(layout::page(&ctx, &title, body))
}
