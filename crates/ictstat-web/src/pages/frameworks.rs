//! The frameworks (SDG ICT indicators, WSIS targets, the core list, the thematic list, the
//! 2030 targets): their items, indicators and targets, with progress where computed.

use axum::extract::Path;
use axum::response::Response;
use ictstat_core::{Framework, Target};
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::error::{PageError, ok, render};
use crate::format;
use crate::layout;

/// `GET /frameworks`
pub async fn list(ctx: Ctx) -> Response {
    let body = html! {
        ul.cards {
            @for f in &ctx.catalog.frameworks {
                li {
                    h2 lang=[ctx.catalog_lang()] { a href=(ctx.link(&format!("/frameworks/{}", f.id))) { (f.name) } }
                    p.meta { (f.version) " · " (f.status) " · " (ctx.f("framework.items", &[("n", &f.items.len())])) }
                    p lang=[ctx.catalog_lang()] { (f.description) }
                }
            }
        }
    };
    ok(layout::page(&ctx, ctx.t("nav.frameworks"), body))
}

/// `GET /frameworks/{id}`
pub async fn page(ctx: Ctx, Path(id): Path<String>) -> Response {
    let Some(f) = ctx
        .catalog
        .frameworks
        .iter()
        .find(|f| f.id.eq_ignore_ascii_case(&id))
    else {
        let message = ctx.f("framework.unknown", &[("id", &id)]);
        return render(&ctx, &PageError::NotFound(message));
    };
    let body = html! {
        p.meta { (f.version) " · " (f.status) }
        p lang=[ctx.catalog_lang()] { (f.description) }
        @if !f.source.is_empty() { p.source { (ctx.t("framework.source")) " " (f.source) } }
        (items(&ctx, f))
        (targets(&ctx, f))
    };
    ok(layout::page_titled(&ctx, &f.name, ctx.catalog_lang(), body))
}

fn items(ctx: &Ctx, f: &Framework) -> Markup {
    html! {
        h2 { (ctx.t("framework.items_title")) }
        table.data {
            thead { tr {
                th scope="col" { (ctx.t("framework.item")) }
                th scope="col" { (ctx.t("framework.name")) }
                th scope="col" { (ctx.t("nav.indicators")) }
            } }
            tbody {
                @for item in &f.items {
                    tr class=[item.parent.as_ref().map(|_| "child")] {
                        th scope="row" { (item.code) }
                        td {
                            (item.name)
                            @if !item.confirmed { " " span.badge title=(item.note) { (ctx.t("indicator.unconfirmed")) } }
                        }
                        td {
                            @for (i, code) in item.indicators.iter().enumerate() {
                                @if i > 0 { ", " }
                                @let name = ctx.indicator(code).map_or(code.as_str(), |x| x.name.as_str());
                                a href=(ctx.link(&format!("/indicators/{code}"))) { (name) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The framework's targets with the world's latest value, the distance left and the Open SDG
/// status of the world's trend.
fn targets(ctx: &Ctx, f: &Framework) -> Markup {
    let targets: Vec<&Target> = ctx
        .catalog
        .targets
        .iter()
        .filter(|t| t.framework == f.id)
        .collect();
    if targets.is_empty() {
        return html! {};
    }
    html! {
        h2 { (ctx.t("framework.targets")) }
        table.data {
            thead { tr {
                th scope="col" { (ctx.t("framework.target")) }
                th scope="col" { (ctx.t("framework.goal")) }
                th scope="col" { (ctx.t("framework.world_latest")) }
                th scope="col" { (ctx.t("framework.progress")) }
            } }
            tbody {
                @for t in &targets {
                    @let ind = t.indicator.as_deref().and_then(|c| ctx.indicator(c));
                    @let world: Vec<(i32, f64)> = ind.map(|i| {
                        ctx.stats.aggregates(&ctx.snapshot, &ctx.catalog, &i.code)
                            .group(t.area.as_deref().unwrap_or("001")).iter()
                            .filter_map(|p| Some((p.year, p.value?))).collect()
                    }).unwrap_or_default();
                    tr {
                        th scope="row" {
                            (t.name)
                            @if let Some(i) = ind { br; a href=(ctx.link(&format!("/indicators/{}", i.code))) { (i.name) } }
                        }
                        td { @if let Some(v) = t.value { (format::comparator(&t.comparator)) " " (ctx.lang.number(v, 1)) } " (" (t.year) ")" }
                        td.num {
                            @if let (Some(i), Some((y, v))) = (ind, world.last()) {
                                (format::value(ctx.lang, i, *v)) br; small { (y) }
                            } @else { span.na { "—" } }
                        }
                        td {
                            @if let Some(s) = crate::stats::progress_status(&world, t).filter(|_| !world.is_empty()) {
                                span class=(format!("status status-{s}")) { (ctx.t(&format!("progress.{s}"))) }
                                @if let Some(i) = ind {
                                    // Every method's assessment with its components.
                                    " " a href=(format!("/api/v1/progress?indicator={}&area={}&target={}", i.code, t.area.as_deref().unwrap_or("001"), t.id)) { (ctx.t("framework.all_methods")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        p.note { (ctx.t("framework.progress_note")) }
    }
}
