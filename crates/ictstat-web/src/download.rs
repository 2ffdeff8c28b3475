//! Downloads of exactly what a page shows, and how to cite them.
//!
//! CSV is ictstat's long format (the one `ictstat import` reads back), one row per value with
//! its SOURCE, so the file stands alone; the citation and licence, which would break a CSV
//! reader if written into the table, are beside the links on the page and in the XLSX's
//! "About" sheet. Group values are ictstat's own aggregates: their rows say so in SOURCE and
//! give the coverage in the footnote.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::Path;
use axum::response::Response;
use ictstat_core::{Attributes, Indicator, Observation, Period, SeriesKey};

use crate::ctx::Ctx;
use crate::error::{PageError, render};
use crate::pages::indicator::View;

/// `GET /indicators/{code}/download?view=chart|map&format=csv|xlsx&…`: the view's query.
pub async fn indicator(ctx: Ctx, Path(code): Path<String>) -> Response {
    let view = match View::from_ctx(&ctx, &code) {
        Ok(v) => v,
        Err(e) => return render(&ctx, &e),
    };
    let observations = match ctx.params.get("view").unwrap_or("chart") {
        "chart" => chart_observations(&ctx, &view),
        "map" => view
            .map_rows(&ctx)
            .iter()
            .filter_map(|r| r.to_observation())
            .collect(),
        other => {
            let message = ctx.f("download.bad_view", &[("value", &other)]);
            return render(&ctx, &PageError::BadRequest(message));
        }
    };
    let stem = format!(
        "{}-{}",
        view.indicator.code,
        ctx.params.get("view").unwrap_or("chart")
    );
    match ctx.params.get("format").unwrap_or("csv") {
        "csv" => {
            let mut out = Vec::new();
            if let Err(e) = ictstat_formats::write_long_csv(&mut out, &observations, &ctx.catalog) {
                return render(&ctx, &PageError::BadRequest(e.to_string()));
            }
            ictstat_server::download(out, "text/csv; charset=utf-8", &format!("{stem}.csv"))
        }
        "xlsx" => {
            let cite = format!(
                "{} {} {}",
                citation(&ctx, view.indicator),
                ctx.t("indicator.licence"),
                sources(&observations)
            );
            match ictstat_formats::write_xlsx(
                &observations,
                &ctx.catalog,
                &view.indicator.code,
                &cite,
            ) {
                Ok(bytes) => ictstat_server::download(
                    bytes,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &format!("{stem}.xlsx"),
                ),
                Err(e) => render(&ctx, &PageError::BadRequest(e.to_string())),
            }
        }
        other => {
            let message = ctx.f("download.bad_format", &[("value", &other)]);
            render(&ctx, &PageError::BadRequest(message))
        }
    }
}

/// The chart's values as observations: countries' own rows, groups' aggregates.
fn chart_observations(ctx: &Ctx, view: &View) -> Vec<Observation> {
    let code = &view.indicator.code;
    let aggregates = ctx.stats.aggregates(&ctx.snapshot, &ctx.catalog, code);
    let mut out = Vec::new();
    for area in &view.areas {
        if !area.kind.is_group() {
            out.extend(
                crate::data::series(&ctx.snapshot, code, &area.code, &view.breakdown)
                    .filter_map(|r| r.to_observation()),
            );
        } else if view.breakdown.is_total() {
            let key = Arc::new(SeriesKey {
                indicator: code.clone(),
                area: area.code.clone(),
                breakdown: view.breakdown.clone(),
            });
            for p in aggregates.group(&area.code) {
                let Some(value) = p.value else { continue };
                out.push(Observation {
                    key: key.clone(),
                    period: Period::Year(p.year),
                    value: Some(value),
                    attrs: Attributes {
                        source: Some("ictstat aggregate of the countries' values".into()),
                        footnote: Some(format!(
                            "coverage: {} of {} countries, {:.1}% of the population",
                            p.countries,
                            p.members,
                            p.coverage.unwrap_or(0.0) * 100.0
                        )),
                        ..Attributes::default()
                    },
                });
            }
        }
    }
    out
}

/// The distinct sources of some observations, for the citation.
fn sources(observations: &[Observation]) -> String {
    let set: BTreeSet<&str> = observations
        .iter()
        .filter_map(|o| o.attrs.source.as_deref())
        .collect();
    set.into_iter().collect::<Vec<_>>().join("; ")
}

/// How to cite an indicator's data as of the current revision.
pub fn citation(ctx: &Ctx, ind: &Indicator) -> String {
    ctx.f(
        "indicator.citation",
        &[
            ("name", &ind.name),
            ("code", &ind.code),
            ("revision", &ctx.snapshot.revision),
        ],
    )
}

/// The SDMX REST query for the same countries, breakdown and years. Groups are ictstat's
/// aggregates, not observations, so SDMX carries the countries only: a chart of groups alone
/// has no SDMX equivalent (`None`; an empty area key would mean every country).
pub fn sdmx_url(ctx: &Ctx, view: &View, what: &str) -> Option<String> {
    use ictstat_core::Dimension;
    let areas: Vec<&str> = if what == "map" {
        Vec::new()
    } else {
        view.areas
            .iter()
            .filter(|a| !a.kind.is_group())
            .map(|a| a.code.as_str())
            .collect()
    };
    if what != "map" && areas.is_empty() {
        return None;
    }
    let mut key = vec![
        "A".to_string(),
        String::new(),
        view.indicator.code.clone(),
        areas.join("+"),
    ];
    key.extend(
        Dimension::ALL
            .iter()
            .map(|d| view.breakdown.get(*d).to_string()),
    );
    let mut url = format!(
        "/sdmx/data/{},{},1.0/{}/all",
        ctx.state.config.sdmx.agency,
        ictstat_sdmx::model::ALL_DATA,
        key.join(".")
    );
    if what == "map" {
        match view.year {
            Some(y) => url.push_str(&format!("?startPeriod={y}&endPeriod={y}")),
            // Each country's latest value, as the map shows by default.
            None => url.push_str("?lastNObservations=1"),
        }
    }
    Some(url)
}
