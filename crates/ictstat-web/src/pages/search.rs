//! Search over indicators and countries.

use axum::response::Response;
use ictstat_core::Area;
use maud::html;

use crate::ctx::Ctx;
use crate::error::ok;
use crate::layout;

/// `GET /search?q=…`: indicators whose code, name, description or aliases contain every word,
/// and areas whose name (in any of the interface's languages) or code contains the query.
pub async fn page(ctx: Ctx) -> Response {
    let q = ctx.params.get("q").unwrap_or("").to_string();
    let indicators = if q.is_empty() {
        Vec::new()
    } else {
        ctx.catalog.find_indicators(None, &q).unwrap_or_default()
    };
    let needle = q.to_lowercase();
    let areas: Vec<&Area> = if q.is_empty() {
        Vec::new()
    } else {
        ctx.catalog
            .areas
            .iter()
            .filter(|a| {
                a.code == q
                    || a.iso3
                        .as_deref()
                        .is_some_and(|c| c.eq_ignore_ascii_case(&q))
                    || crate::i18n::Lang::ALL.iter().any(|l| {
                        ctx.catalog
                            .area_name(&a.code, l.tag())
                            .is_some_and(|n| n.to_lowercase().contains(&needle))
                    })
            })
            .collect()
    };
    let body = html! {
        @if q.is_empty() {
            p { (ctx.t("search.empty")) }
        } @else {
            p { (ctx.f("search.results", &[("n", &(indicators.len() + areas.len())), ("q", &q)])) }
            @if !indicators.is_empty() {
                h2 { (ctx.t("nav.indicators")) }
                ul { @for i in &indicators { li { a href=(ctx.link(&format!("/indicators/{}", i.code))) lang=[ctx.catalog_lang()] { (i.name) } " " small { (i.code) } } } }
            }
            @if !areas.is_empty() {
                h2 { (ctx.t("search.areas")) }
                ul { @for a in &areas {
                    li { a href=(ctx.link(&super::area_href(a))) { (ctx.area_name(a)) } }
                } }
            }
        }
    };
    ok(layout::page(&ctx, ctx.t("search.title"), body))
}
