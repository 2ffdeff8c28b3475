//! The frameworks (SDG ICT indicators, WSIS targets, the core list, the thematic list, the
//! 2030 targets): their items as they now stand, indicators and targets, with progress where
//! computed, and the versions that consultations on them recorded (each version's own page is
//! [`super::consultation`]'s).

use axum::extract::Path;
use axum::response::Response;
use ictstat_core::{Framework, FrameworkItem, Target, diff_items};
use ictstat_server::ApiError;
use ictstat_store::consultation::FrameworkVersion;
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::error::ok;
use crate::format;
use crate::layout;

use super::consultation;

/// `GET /frameworks`: every framework with the label and items of its current version.
pub async fn list(ctx: Ctx) -> Response {
    let mut current = Vec::with_capacity(ctx.catalog.frameworks.len());
    for f in &ctx.catalog.frameworks {
        match ictstat_server::current_framework(&ctx.state, &f.id).await {
            Ok(f) => current.push(f),
            Err(e) => return consultation::unshown(&ctx, e),
        }
    }
    let body = html! {
        ul.cards {
            @for f in &current {
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

/// `GET /frameworks/{id}`: the framework as it now stands (the items and label of its latest
/// final version, as the API serves it), every version with what it changed, and the targets.
pub async fn page(ctx: Ctx, Path(id): Path<String>) -> Response {
    let shown = async {
        let listed = consultation::framework(&ctx, &id)?;
        let current = ictstat_server::current_framework(&ctx.state, &listed.id).await?;
        let versions = ictstat_server::framework_versions(&ctx.state, &listed.id).await?;
        Ok::<_, ApiError>((current, versions))
    };
    let (f, versions) = match shown.await {
        Ok(shown) => shown,
        Err(e) => return consultation::unshown(&ctx, e),
    };
    let body = html! {
        p.meta { (f.version) " · " (f.status) }
        p lang=[ctx.catalog_lang()] { (f.description) }
        @if !f.source.is_empty() { p.source { (ctx.t("framework.source")) " " (f.source) } }
        h2 { (ctx.t("framework.items_title")) }
        (items_table(&ctx, "items", &f.items))
        (versions_table(&ctx, &f.id, &versions))
        (targets(&ctx, &f))
    };
    ok(layout::page_titled(&ctx, &f.name, ctx.catalog_lang(), body))
}

/// A table of framework items (`id`: the table's), each with its indicators linked.
pub(super) fn items_table(ctx: &Ctx, id: &str, items: &[FrameworkItem]) -> Markup {
    html! {
        div.scroll {
            table.data #(id) {
                thead { tr {
                    th scope="col" { (ctx.t("framework.item")) }
                    th scope="col" { (ctx.t("framework.name")) }
                    th scope="col" { (ctx.t("nav.indicators")) }
                } }
                tbody {
                    @for item in items {
                        tr class=[item.parent.as_ref().map(|_| "child")] data-code=(item.code) {
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
}

/// Every version of the framework, oldest first, with its status and the items it added,
/// removed and changed since the one before (counted as the API's list of versions counts
/// them), each linking to its page. The current version is marked: the latest final one.
fn versions_table(ctx: &Ctx, framework: &str, versions: &[FrameworkVersion]) -> Markup {
    let now = ictstat_store::now_text();
    let current = versions.iter().rposition(|v| v.status == "final");
    let previous = std::iter::once(&[][..]).chain(versions.iter().map(|v| &v.items[..]));
    // Version 1, the catalogue's, has no time of its own.
    let dated = |time: Option<&str>| match time.filter(|t| !t.is_empty()) {
        Some(t) => html! { (format::time(t)) },
        None => html! { span.na { "—" } },
    };
    html! {
        h2 #versions-h { (ctx.t("consultation.versions")) }
        p.note { (ctx.t("consultation.versions_lead")) }
        div.scroll {
            table.data #versions aria-labelledby="versions-h" {
                thead { tr {
                    th scope="col" { (ctx.t("consultation.version")) }
                    th scope="col" { (ctx.t("consultation.label")) }
                    th scope="col" { (ctx.t("consultation.status")) }
                    th scope="col" { (ctx.t("consultation.opened")) }
                    th scope="col" { (ctx.t("consultation.finalised")) }
                    th scope="col" { (ctx.t("framework.items_title")) }
                    th scope="col" { (ctx.t("consultation.added")) }
                    th scope="col" { (ctx.t("consultation.removed")) }
                    th scope="col" { (ctx.t("consultation.changed")) }
                } }
                tbody {
                    @for ((at, v), before) in versions.iter().enumerate().zip(previous) {
                        @let d = diff_items(before, &v.items);
                        tr data-version=(v.version) data-status=(v.status) {
                            th scope="row" {
                                a href=(ctx.link(&consultation::version_href(framework, v.version))) { (v.version) }
                            }
                            td { (v.label) }
                            td {
                                (consultation::status_text(ctx, v, &now))
                                @if current == Some(at) { " " span.badge { (ctx.t("consultation.current")) } }
                            }
                            td { (dated(Some(&v.created_at))) }
                            td { (dated(v.finalised_at.as_deref())) }
                            td.num { (v.items.len()) }
                            td.num.added { (d.added.len()) }
                            td.num.removed { (d.removed.len()) }
                            td.num.changed { (d.changed.len()) }
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
