//! The home page: what the platform holds, headline world and regional figures for the SDG
//! ICT indicators with their trends, and search.

use axum::response::Response;
use ictstat_core::{AreaKind, Breakdown};
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::error::ok;
use crate::format;
use crate::layout;
use crate::svg::sparkline;

/// The groups of the headline table: the world, the UN M49 continents and the LDC, LLDC and
/// SIDS.
const HEADLINE_GROUPS: [&str; 9] = [
    "001", "002", "019", "142", "150", "009", "199", "432", "722",
];

/// `GET /`
pub async fn page(ctx: Ctx) -> Response {
    let countries = ctx
        .catalog
        .areas
        .iter()
        .filter(|a| a.kind == AreaKind::Country)
        .filter(|a| {
            ctx.snapshot.indicators().any(|i| {
                crate::data::series(&ctx.snapshot, i, &a.code, &Breakdown::total())
                    .next()
                    .is_some()
            })
        })
        .count();
    let latest_year = ctx
        .snapshot
        .indicators()
        .flat_map(|i| ctx.snapshot.indicator_rows(i).iter())
        .filter(|r| r.value.is_some())
        .filter_map(|r| format::year(&r.period))
        .max();
    let with_data: Vec<&str> = ctx.snapshot.indicators().collect();
    let body = html! {
        p.lead { (ctx.t("home.lead")) }
        ul.facts {
            li { strong { (ctx.catalog.frameworks.len()) } " " (ctx.t("home.frameworks")) }
            li { strong { (ctx.catalog.indicators.len()) } " " (ctx.t("home.indicators")) " (" (with_data.len()) " " (ctx.t("home.with_data")) ")" }
            li { strong { (countries) } " " (ctx.t("home.countries")) }
            @if let Some(y) = latest_year { li { (ctx.t("home.latest_year")) " " strong { (y) } } }
        }
        form.search-big role="search" action="/search" method="get" {
            label for="q-home" { (ctx.t("home.search")) }
            input #q-home type="search" name="q" placeholder=(ctx.t("search.placeholder"));
            @if let Some(l) = ctx.params.get("lang") { input type="hidden" name="lang" value=(l); }
            button type="submit" { (ctx.t("search.button")) }
        }
        h2 { (ctx.t("home.headlines")) }
        (headlines(&ctx))
    };
    ok(layout::page(&ctx, ctx.t("home.title"), body))
}

/// For each SDG ICT indicator with aggregates: the latest world and group figures, each with
/// its year, coverage and trend.
fn headlines(ctx: &Ctx) -> Markup {
    let sdg: Vec<&str> = ctx
        .catalog
        .frameworks
        .iter()
        .filter(|f| f.id == "SDG_ICT")
        .flat_map(|f| {
            f.items
                .iter()
                .flat_map(|i| i.indicators.iter().map(String::as_str))
        })
        .collect();
    html! {
        @for code in sdg {
            @let Some(ind) = ctx.indicator(code) else { continue; };
            @let aggregates = ctx.stats.aggregates(&ctx.snapshot, &ctx.catalog, code);
            @if HEADLINE_GROUPS.iter().any(|g| aggregates.latest(g).is_some()) {
                section.headline {
                    h3 lang=[ctx.catalog_lang()] { a href=(ctx.link(&format!("/indicators/{code}"))) { (ind.name) } }
                    p.meta { (ind.sdg_indicator.as_deref().map(|s| format!("SDG {s} · ")).unwrap_or_default()) (format::unit(&ctx.catalog, ind)) }
                    table.data.compact {
                        thead { tr {
                            th scope="col" { (ctx.t("table.area")) }
                            th scope="col" { (ctx.t("table.value")) }
                            th scope="col" { (ctx.t("table.year")) }
                            th scope="col" { (ctx.t("table.coverage")) }
                            th scope="col" { (ctx.t("table.trend")) }
                        } }
                        tbody {
                            @for g in HEADLINE_GROUPS {
                                @if let Some(p) = aggregates.latest(g) {
                                    @let name = ctx.area_name_of(g);
                                    @let points: Vec<(i32, f64)> = aggregates.group(g).iter().filter_map(|p| Some((p.year, p.value?))).collect();
                                    tr {
                                        th scope="row" { (name) }
                                        td.num { (format::value(ctx.lang, ind, p.value.unwrap_or(f64::NAN))) }
                                        td { (p.year) }
                                        td.num { (ctx.f("table.coverage_value", &[
                                            ("share", &ctx.lang.number(p.coverage.unwrap_or(0.0) * 100.0, 0)),
                                            ("n", &p.countries), ("m", &p.members)])) }
                                        td { (layout::svg(sparkline(&points, &ctx.f("table.trend_of", &[("name", &name)])))) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
