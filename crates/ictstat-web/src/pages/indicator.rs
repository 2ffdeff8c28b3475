//! The indicator page: definition, a chart of chosen countries and groups, a world map of one
//! year, the table behind the map, a breakdown selector, downloads and citation; and the
//! list of indicators.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ictstat_core::{Area, Breakdown, Indicator, Target};
use ictstat_store::ObservationRow;
use maud::{Markup, html};

use crate::ctx::Ctx;
use crate::data;
use crate::error::{PageError, ok, render};
use crate::format;
use crate::layout;
use crate::svg::{
    ChartPoint, ChartSeries, LineChart, MapDatum, MapRender, TargetLine, WorldMap, line_chart,
};

/// How many countries and groups one chart compares at most (beyond that lines are unreadable).
const MAX_AREAS: usize = 12;

/// What the reader chose, from the query string.
pub struct View<'a> {
    pub indicator: &'a Indicator,
    pub breakdown: Breakdown,
    pub areas: Vec<&'a Area>,
    /// The map's year; `None` for each country's latest value.
    pub year: Option<i32>,
    pub sort_by_value: bool,
    pub descending: bool,
}

impl<'a> View<'a> {
    /// Reads the view of indicator `code` from the query; unknown names are errors that say
    /// what was not understood.
    pub fn from_ctx(ctx: &'a Ctx, code: &str) -> Result<View<'a>, PageError> {
        let indicator = ctx
            .indicator(code)
            .ok_or_else(|| PageError::NotFound(ctx.f("indicator.unknown", &[("code", &code)])))?;
        let breakdown = match ctx.params.get("bd") {
            None => Breakdown::total(),
            Some(text) => Breakdown::parse(text).map_err(|_| {
                PageError::BadRequest(ctx.f("indicator.bad_breakdown", &[("value", &text)]))
            })?,
        };
        let requested = ctx.params.list("area");
        let codes: Vec<String> = if requested.is_empty() {
            default_areas(ctx, &indicator.code, &breakdown)
        } else {
            requested
        };
        if codes.len() > MAX_AREAS {
            return Err(PageError::BadRequest(ctx.f(
                "indicator.too_many_areas",
                &[("n", &codes.len()), ("max", &MAX_AREAS)],
            )));
        }
        let mut areas = Vec::new();
        for token in &codes {
            let area = ctx
                .resolve_area(token)
                .and_then(|c| ctx.catalog.area(c))
                .ok_or_else(|| {
                    PageError::BadRequest(ctx.f("indicator.unknown_area", &[("value", token)]))
                })?;
            if !areas.iter().any(|a: &&Area| a.code == area.code) {
                areas.push(area);
            }
        }
        let year = match ctx.params.get("year") {
            None | Some("latest") => None,
            Some(y) => Some(y.parse::<i32>().map_err(|_| {
                PageError::BadRequest(ctx.f("indicator.bad_year", &[("value", &y)]))
            })?),
        };
        Ok(View {
            indicator,
            breakdown,
            areas,
            year,
            sort_by_value: ctx.params.get("sort") == Some("value"),
            descending: ctx.params.get("dir") == Some("desc"),
        })
    }

    /// The chart's series: a country's own values, a group's aggregates (totals only: the
    /// aggregates of a breakdown would need the breakdown's population as weights).
    pub fn chart_series(&self, ctx: &Ctx) -> Vec<ChartSeries> {
        let code = &self.indicator.code;
        let aggregates = ctx.stats.aggregates(&ctx.snapshot, &ctx.catalog, code);
        self.areas
            .iter()
            .map(|area| {
                let points = if area.kind.is_group() {
                    if self.breakdown.is_total() {
                        aggregates
                            .group(&area.code)
                            .iter()
                            .filter_map(|p| {
                                Some(ChartPoint {
                                    year: p.year,
                                    value: p.value?,
                                    lower: None,
                                    upper: None,
                                    estimated: false,
                                    revised: false,
                                })
                            })
                            .collect()
                    } else {
                        Vec::new()
                    }
                } else {
                    data::series(&ctx.snapshot, code, &area.code, &self.breakdown)
                        .filter_map(chart_point)
                        .collect()
                };
                ChartSeries {
                    key: area.code.clone(),
                    label: ctx.area_name(area).to_string(),
                    points,
                    group: area.kind.is_group(),
                }
            })
            .collect()
    }

    /// The map's and table's rows: each country's value in the chosen year, or its latest.
    pub fn map_rows<'s>(&self, ctx: &'s Ctx) -> Vec<&'s ObservationRow> {
        let rows = data::latest_by_country(
            &ctx.snapshot,
            &ctx.catalog,
            &self.indicator.code,
            &self.breakdown,
            self.year,
        );
        match self.year {
            None => rows,
            Some(y) => rows
                .into_iter()
                .filter(|r| format::year(&r.period) == Some(y))
                .collect(),
        }
    }

    /// The targets to draw: those for every country and those for a charted area.
    pub fn targets(&self, ctx: &'a Ctx) -> Vec<&'a Target> {
        ctx.catalog
            .targets
            .iter()
            .filter(|t| t.indicator.as_deref() == Some(self.indicator.code.as_str()))
            .filter(|t| t.value.is_some())
            .filter(|t| {
                t.area
                    .as_deref()
                    .is_none_or(|a| self.areas.iter().any(|x| x.code == a))
            })
            .filter(|_| self.breakdown.is_total())
            .collect()
    }
}

/// What a chart shows before the reader chooses: the world and the UN's vulnerable groups,
/// unless none of them has an aggregate (too few countries report, or a breakdown, which
/// groups are not aggregated by): then the most populous countries with data, so that a new
/// reader never lands on an empty chart beside a full map.
fn default_areas(ctx: &Ctx, indicator: &str, breakdown: &Breakdown) -> Vec<String> {
    let aggregates = ctx.stats.aggregates(&ctx.snapshot, &ctx.catalog, indicator);
    if breakdown.is_total()
        && data::DEFAULT_GROUPS
            .iter()
            .any(|g| aggregates.latest(g).is_some())
    {
        return data::DEFAULT_GROUPS.iter().map(|s| s.to_string()).collect();
    }
    data::most_populous_with_data(&ctx.snapshot, &ctx.catalog, indicator, breakdown, 5)
}

fn chart_point(r: &ObservationRow) -> Option<ChartPoint> {
    let interval = format::interval(r);
    Some(ChartPoint {
        year: format::year(&r.period)?,
        value: r.value?,
        lower: interval.map(|i| i.0),
        upper: interval.map(|i| i.1),
        estimated: format::is_estimated(r),
        revised: r.revised,
    })
}

/// `GET /indicators/{code}`
pub async fn page(ctx: Ctx, Path(code): Path<String>) -> Response {
    // The country picker submits a name or code as `add`: answer with the canonical URL.
    if let Some(added) = ctx.params.get("add") {
        return add_area(&ctx, added);
    }
    let view = match View::from_ctx(&ctx, &code) {
        Ok(v) => v,
        Err(e) => return render(&ctx, &e),
    };
    if view.indicator.code != code {
        // An alias or an SDG indicator number: the indicator's own URL is the stable one.
        let url = ctx
            .params
            .url(&format!("/indicators/{}", view.indicator.code));
        return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, url)]).into_response();
    }
    let title = view.indicator.name.clone();
    ok(layout::page_titled(
        &ctx,
        &title,
        ctx.catalog_lang(),
        body(&ctx, &view),
    ))
}

/// `GET /embed/indicators/{code}`: the chart and its table, for an `<iframe>`.
pub async fn embed(ctx: Ctx, Path(code): Path<String>) -> Response {
    let view = match View::from_ctx(&ctx, &code) {
        Ok(v) => v,
        Err(e) => return render(&ctx, &e),
    };
    let full = ctx
        .params
        .url(&format!("/indicators/{}", view.indicator.code));
    let series = view.chart_series(&ctx);
    let body = html! {
        (chart(&ctx, &view, &series))
        (chart_table(&ctx, &view, &series))
        @if any_revised(&series, &[]) { (layout::revised_note(&ctx)) }
    };
    ok(layout::embed(&ctx, &view.indicator.name, body, &full))
}

fn add_area(ctx: &Ctx, added: &str) -> Response {
    let mut areas = ctx.params.list("area");
    if areas.is_empty() {
        areas = data::DEFAULT_GROUPS.iter().map(|s| s.to_string()).collect();
    }
    let Some(code) = ctx.resolve_area(added) else {
        return render(
            ctx,
            &PageError::BadRequest(ctx.f("indicator.unknown_area", &[("value", &added)])),
        );
    };
    if !areas.iter().any(|a| a == code) {
        areas.push(code.to_string());
    }
    let url = ctx
        .params
        .with("add", None)
        .with("area", Some(&areas.join(",")))
        .url(&ctx.path);
    (StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response()
}

/// Whether a value of the chart or of the map's table is marked revised (the page then
/// explains the mark).
fn any_revised(series: &[ChartSeries], rows: &[&ObservationRow]) -> bool {
    series.iter().flat_map(|s| &s.points).any(|p| p.revised) || rows.iter().any(|r| r.revised)
}

fn body(ctx: &Ctx, view: &View) -> Markup {
    let ind = view.indicator;
    let series = view.chart_series(ctx);
    let rows = view.map_rows(ctx);
    let revised = any_revised(&series, &rows);
    html! {
        (metadata(ctx, ind))
        (controls(ctx, view))
        section aria-labelledby="chart-h" {
            h2 #chart-h { (ctx.t("indicator.chart")) }
            (chart(ctx, view, &series))
            details.table-alt {
                summary { (ctx.t("indicator.chart_table")) }
                (chart_table(ctx, view, &series))
            }
            (downloads(ctx, view, "chart"))
            p.embed-code {
                (ctx.t("indicator.embed")) " "
                code { "<iframe src=\"" (embed_url(ctx, &ind.code)) "\" title=\"" (ind.name) "\" width=\"720\" height=\"520\"></iframe>" }
            }
        }
        (map_section(ctx, view, rows))
        @if revised { (layout::revised_note(ctx)) }
        (citation(ctx, ind))
    }
}

/// The embed view's address, absolute when the request says which host it reached (a snippet
/// pasted on another site needs the host; behind a proxy that rewrites it, the path alone).
fn embed_url(ctx: &Ctx, code: &str) -> String {
    let path = ctx.params.url(&format!("/embed/indicators/{code}"));
    match &ctx.host {
        Some(host) => format!("//{host}{path}"),
        None => path,
    }
}

fn metadata(ctx: &Ctx, ind: &Indicator) -> Markup {
    let frameworks: Vec<_> = ctx
        .catalog
        .frameworks
        .iter()
        .filter(|f| f.items.iter().any(|i| i.indicators.contains(&ind.code)))
        .collect();
    html! {
        section.metadata aria-labelledby="about-h" {
            h2 #about-h { (ctx.t("indicator.about")) }
            @if !ind.description.is_empty() { p lang=[ctx.catalog_lang()] { (ind.description) } }
            dl {
                dt { (ctx.t("indicator.code")) } dd { code { (ind.code) } }
                dt { (ctx.t("indicator.unit")) } dd { (format::unit(&ctx.catalog, ind)) }
                @if let Some(sdg) = &ind.sdg_indicator {
                    dt { (ctx.t("indicator.sdg")) } dd { (sdg) }
                }
                @if !ind.custodian.is_empty() {
                    dt { (ctx.t("indicator.custodian")) } dd { (ind.custodian.join(", ")) }
                }
                @if !frameworks.is_empty() {
                    dt { (ctx.t("indicator.frameworks")) }
                    dd {
                        @for (i, f) in frameworks.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href=(ctx.link(&format!("/frameworks/{}", f.id))) { (f.name) }
                        }
                    }
                }
                @if !ind.source.is_empty() {
                    dt { (ctx.t("indicator.definition_source")) } dd { (ind.source) }
                }
                @if !ind.confirmed {
                    dt { (ctx.t("indicator.status")) } dd { (ctx.t("indicator.unconfirmed")) }
                }
            }
        }
    }
}

/// The choices: breakdown, countries and groups, map year. One GET form, so the result is a
/// URL. It is submitted by its button only, never on change: a select that reloads the page
/// while a keyboard user steps through its options changes context on input (WCAG 3.2.2).
fn controls(ctx: &Ctx, view: &View) -> Markup {
    let code = &view.indicator.code;
    let breakdowns = data::breakdowns(&ctx.snapshot, code);
    let current_bd = view.breakdown.to_string();
    let years = data::years(&ctx.snapshot, code, &view.breakdown);
    let area_codes: Vec<&str> = view.areas.iter().map(|a| a.code.as_str()).collect();
    html! {
        form.controls #controls method="get" action=(ctx.path) {
            @if let Some(l) = ctx.params.get("lang") { input type="hidden" name="lang" value=(l); }
            input type="hidden" name="area" value=(area_codes.join(","));
            // The table's order survives a change of breakdown or year.
            @for key in ["sort", "dir"] {
                @if let Some(v) = ctx.params.get(key) { input type="hidden" name=(key) value=(v); }
            }
            div.control {
                label for="bd" { (ctx.t("indicator.breakdown")) }
                select #bd name="bd" {
                    @for b in &breakdowns {
                        @let text = b.to_string();
                        option value=(text) selected[text == current_bd] {
                            (data::breakdown_label(&ctx.catalog, b, ctx.lang))
                        }
                    }
                }
            }
            div.control {
                label for="year" { (ctx.t("indicator.map_year")) }
                select #year name="year" {
                    option value="latest" selected[view.year.is_none()] { (ctx.t("indicator.latest")) }
                    @for y in years.iter().rev() {
                        option value=(y) selected[view.year == Some(*y)] { (y) }
                    }
                }
            }
            div.control {
                label for="add" { (ctx.t("indicator.add_area")) }
                input #add name="add" list="area-list" autocomplete="off";
                datalist #area-list {
                    @for a in &ctx.catalog.areas {
                        option value=(ctx.area_name(a)) {}
                    }
                }
            }
            button type="submit" { (ctx.t("indicator.apply")) }
        }
        ul.chips aria-label=(ctx.t("indicator.selected_areas")) {
            @for a in &view.areas {
                @let rest: Vec<&str> = area_codes.iter().copied().filter(|c| *c != a.code).collect();
                li {
                    a href=(ctx.link(&super::area_href(a))) { (ctx.area_name(a)) }
                    " "
                    a.remove href=(ctx.with("area", Some(&rest.join(","))))
                        aria-label=(ctx.f("indicator.remove", &[("name", &ctx.area_name(a))])) { "×" }
                }
            }
        }
    }
}

/// "≥ 70 by 2030 · CONNECT 2030 (LDCs)": the goal, its framework and, for a group's own
/// target, the group; short enough to sit on the line.
fn target_label(ctx: &Ctx, t: &Target) -> String {
    let comparator = format::comparator(&t.comparator);
    let mut label = ctx.f(
        "indicator.target_label",
        &[
            ("comparator", &comparator),
            ("value", &ctx.lang.number(t.value.unwrap_or(f64::NAN), 0)),
            ("year", &t.year),
            ("framework", &t.framework.replace('_', " ")),
        ],
    );
    if let Some(area) = &t.area {
        label.push_str(&format!(" ({})", ctx.area_name_of(area)));
    }
    label
}

fn chart(ctx: &Ctx, view: &View, series: &[ChartSeries]) -> Markup {
    let targets: Vec<TargetLine> = view
        .targets(ctx)
        .iter()
        .filter_map(|t| {
            Some(TargetLine {
                label: target_label(ctx, t),
                value: t.value?,
            })
        })
        .collect();
    let title = format!(
        "{} — {}",
        view.indicator.name,
        data::breakdown_label(&ctx.catalog, &view.breakdown, ctx.lang)
    );
    let svg = line_chart(&LineChart {
        id: "chart",
        title: &title,
        unit: format::unit(&ctx.catalog, view.indicator),
        series,
        targets: &targets,
        no_data: ctx.t("indicator.no_data"),
        estimated: ctx.t("indicator.estimated"),
        lang: ctx.lang,
    });
    let groups_without_breakdown =
        !view.breakdown.is_total() && view.areas.iter().any(|a| a.kind.is_group());
    html! {
        figure.chart {
            (layout::svg(svg))
            figcaption {
                (ctx.t("indicator.chart_caption"))
                @if groups_without_breakdown { " " (ctx.t("indicator.groups_totals_only")) }
            }
        }
    }
}

/// The chart's numbers as a table: its text alternative.
fn chart_table(ctx: &Ctx, view: &View, series: &[ChartSeries]) -> Markup {
    html! {
        table.data {
            caption { (view.indicator.name) }
            thead { tr {
                th scope="col" { (ctx.t("table.area")) }
                th scope="col" { (ctx.t("table.year")) }
                th scope="col" { (ctx.t("table.value")) }
                th scope="col" { (ctx.t("table.interval")) }
            } }
            tbody {
                @for s in series {
                    @for p in &s.points {
                        tr {
                            th scope="row" { (s.label) }
                            td { (p.year) }
                            td.num {
                                (format::value(ctx.lang, view.indicator, p.value))
                                (layout::value_marks(ctx, p.estimated, p.revised))
                            }
                            td.num {
                                @if let (Some(lo), Some(hi)) = (p.lower, p.upper) {
                                    (format::value(ctx.lang, view.indicator, lo)) "–" (format::value(ctx.lang, view.indicator, hi))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn map_section(ctx: &Ctx, view: &View, mut rows: Vec<&ObservationRow>) -> Markup {
    let ind = view.indicator;
    let values: std::collections::HashMap<String, MapDatum> = rows
        .iter()
        .filter_map(|r| {
            let v = r.value?;
            Some((
                r.area.clone(),
                MapDatum {
                    value: v,
                    estimated: format::is_estimated(r),
                    label: format!(
                        "{}: {} ({})",
                        ctx.area_name_of(&r.area),
                        format::value(ctx.lang, ind, v),
                        r.period
                    ),
                },
            ))
        })
        .collect();
    let name = |code: &str| {
        ctx.catalog
            .area_name(code, ctx.lang.tag())
            .map(str::to_string)
    };
    let year_label = match view.year {
        Some(y) => y.to_string(),
        None => ctx.t("indicator.latest").to_string(),
    };
    let title = format!("{} ({year_label})", ind.name);
    let svg = WorldMap::get().render(&MapRender {
        id: "map",
        title: &title,
        unit: format::unit(&ctx.catalog, ind),
        values: &values,
        name: &name,
        no_data: ctx.t("indicator.no_data"),
        estimated: ctx.t("indicator.estimated"),
        domain: data::value_range(&ctx.snapshot, &ctx.catalog, &ind.code, &view.breakdown),
        lang: ctx.lang,
    });
    if view.sort_by_value {
        rows.sort_by(|a, b| {
            a.value
                .partial_cmp(&b.value)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    } else {
        rows.sort_by_cached_key(|r| format::sort_key(ctx.area_name_of(&r.area)));
    }
    if view.descending {
        rows.reverse();
    }
    html! {
        section aria-labelledby="map-h" {
            h2 #map-h { (ctx.t("indicator.map")) " — " (year_label) }
            figure.map {
                (layout::svg(svg))
                figcaption { (ctx.f("indicator.map_caption", &[("n", &values.len())])) }
            }
            (downloads(ctx, view, "map"))
            h3 #table-h { (ctx.t("indicator.table")) }
            table.data.sortable aria-labelledby="table-h" {
                thead { tr {
                    (sort_header(ctx, view, false, ctx.t("table.country")))
                    th scope="col" { (ctx.t("table.year")) }
                    (sort_header(ctx, view, true, ctx.t("table.value")))
                    th scope="col" { (ctx.t("table.source")) }
                } }
                tbody {
                    @for r in &rows {
                        tr {
                            th scope="row" { a href=(ctx.link(&format!("/countries/{}", r.area))) { (ctx.area_name_of(&r.area)) } }
                            td { (r.period) }
                            td.num data-value=[r.value] {
                                @if let Some(v) = r.value { (format::value(ctx.lang, ind, v)) }
                                (layout::value_marks(ctx, format::is_estimated(r), r.revised))
                            }
                            td.source { (r.attributes.source.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

/// A column header that sorts the table by following a link (the sort is in the URL).
fn sort_header(ctx: &Ctx, view: &View, by_value: bool, label: &str) -> Markup {
    let active = view.sort_by_value == by_value;
    let next_desc = active && !view.descending;
    let aria = match (active, view.descending) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    let href = ctx
        .params
        .with("sort", Some(if by_value { "value" } else { "name" }))
        .with("dir", Some(if next_desc { "desc" } else { "asc" }))
        .url(&ctx.path);
    html! {
        th scope="col" aria-sort=(aria) {
            a href=(href) { (label) @if active { (if view.descending { " ▼" } else { " ▲" }) } }
        }
    }
}

/// Links to download exactly what a section shows.
fn downloads(ctx: &Ctx, view: &View, what: &str) -> Markup {
    let base = format!("/indicators/{}/download", view.indicator.code);
    let link = |format: &str| {
        ctx.params
            .with("view", Some(what))
            .with("format", Some(format))
            .url(&base)
    };
    let sdmx = crate::download::sdmx_url(ctx, view, what);
    html! {
        p.downloads {
            (ctx.t("indicator.download")) " "
            a href=(link("csv")) download { "CSV" } " · "
            a href=(link("xlsx")) download { "XLSX" }
            @if let Some(sdmx) = sdmx {
                " · " a href=(sdmx) title=(ctx.t("indicator.sdmx_countries")) { "SDMX" }
            }
        }
    }
}

fn citation(ctx: &Ctx, ind: &Indicator) -> Markup {
    html! {
        section.citation aria-labelledby="cite-h" {
            h2 #cite-h { (ctx.t("indicator.cite")) }
            p { (crate::download::citation(ctx, ind)) }
            p { (ctx.t("indicator.licence")) " " a href="/api/v1/metadata" { (ctx.t("footer.licences")) } }
        }
    }
}

/// `GET /indicators`: every indicator, by framework membership, with its data coverage.
pub async fn list(ctx: Ctx) -> Response {
    let body = html! {
        table.data {
            thead { tr {
                th scope="col" { (ctx.t("table.indicator")) }
                th scope="col" { (ctx.t("indicator.sdg")) }
                th scope="col" { (ctx.t("indicator.unit")) }
                th scope="col" { (ctx.t("table.countries_with_data")) }
                th scope="col" { (ctx.t("table.latest_year")) }
            } }
            tbody {
                @for ind in &ctx.catalog.indicators {
                    @let latest = data::latest_by_country(&ctx.snapshot, &ctx.catalog, &ind.code, &Breakdown::total(), None);
                    tr {
                        th scope="row" lang=[ctx.catalog_lang()] { a href=(ctx.link(&format!("/indicators/{}", ind.code))) { (ind.name) } }
                        td { (ind.sdg_indicator.as_deref().unwrap_or("")) }
                        td { (format::unit(&ctx.catalog, ind)) }
                        td.num { (latest.len()) }
                        td { (latest.iter().filter_map(|r| format::year(&r.period)).max().map(|y| y.to_string()).unwrap_or_default()) }
                    }
                }
            }
        }
    };
    ok(layout::page(&ctx, ctx.t("nav.indicators"), body))
}
