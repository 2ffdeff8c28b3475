//! `ictstat compute`: the statistics of the API on the command line, from the same code.

use std::io::Write;

use anyhow::Context;
use std::sync::Arc;

use ictstat_core::{Catalog, Indicator};
use ictstat_server::compute::{
    aggregates as compute_aggregates, index as compute_index, progress as compute_progress,
    validation,
};
use ictstat_server::{AggregateParams, ProgressParams};
use ictstat_store::{ReadModel, Snapshot};
use serde::Serialize;

use crate::cli::{AggregateArgs, CheckArgs, IndexArgs, ProgressArgs};

/// The catalogue, the current data of an existing database, and the indicator asked for.
struct Inputs {
    catalog: Catalog,
    snapshot: Arc<Snapshot>,
    indicator: Option<String>,
}

impl Inputs {
    fn indicator(&self) -> &Indicator {
        self.indicator
            .as_deref()
            .and_then(|code| self.catalog.indicator(code))
            .expect("the code was resolved from this catalogue")
    }
}

/// Checks the format and the indicator before opening the database (usage errors exit 2
/// without touching it), then loads the current data.
/// `catalog` is the embedded one, parsed once by the caller (which may need it first to check
/// its own arguments).
async fn load(
    database_url: &str,
    catalog: Catalog,
    indicator: Option<&str>,
    format: &str,
) -> anyhow::Result<Inputs> {
    if !["csv", "json"].contains(&format) {
        crate::usage!("--format must be csv or json, not `{format}`");
    }
    let code = match indicator {
        None => None,
        Some(token) => match catalog.indicator(token) {
            Some(i) => Some(i.code.clone()),
            None => crate::usage!("unknown indicator `{token}`"),
        },
    };
    let db = crate::serve::open_existing(database_url).await?;
    let model = ReadModel::load(&db).await?;
    db.close().await;
    Ok(Inputs {
        catalog,
        snapshot: model.snapshot(),
        indicator: code,
    })
}

/// Writes `result` as pretty JSON, or `rows` as CSV under `header`.
fn output(
    format: &str,
    result: &impl Serialize,
    header: &str,
    rows: impl Iterator<Item = String>,
) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if format == "json" {
        serde_json::to_writer_pretty(&mut out, result)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{header}")?;
        for row in rows {
            writeln!(out, "{row}")?;
        }
    }
    Ok(())
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn number(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub async fn aggregates(database_url: &str, args: AggregateArgs) -> anyhow::Result<u8> {
    let params = AggregateParams {
        indicator: args.indicator.clone(),
        group: args.group,
        start: args.start,
        end: args.end,
        min_coverage: args.min_coverage,
        min_countries: args.min_countries,
        gap_fill: args.gap_fill,
        gap_years: args.gap_years,
        contributors: Some(args.contributors),
    };
    let catalog = Catalog::embedded()?;
    let request = match params.to_request(&catalog) {
        Ok(r) => r,
        Err(e) => crate::usage!("{}", e.message),
    };
    let inputs = load(database_url, catalog, Some(&args.indicator), &args.format).await?;
    let result = match compute_aggregates(
        &inputs.snapshot,
        &inputs.catalog,
        inputs.indicator(),
        &request,
    ) {
        Ok(r) => r,
        Err(e) => crate::usage!("{e}"),
    };
    let rows = result.data.iter().map(|g| {
        let a = &g.aggregate;
        let name = inputs.catalog.area(g.group).map_or("", |x| x.name.as_str());
        format!(
            "{},{},{},{},{},{},{},{},{}",
            g.group,
            field(name),
            g.year,
            number(a.value),
            a.is_estimated(),
            a.coverage
                .weight_share
                .map(|v| format!("{v:.4}"))
                .unwrap_or_default(),
            a.coverage.countries_with_data,
            a.coverage.members,
            a.passed
        )
    });
    output(
        &args.format,
        &result,
        "group,group_name,year,value,estimated,population_share,countries_with_data,members,passed",
        rows,
    )?;
    eprintln!(
        "{} aggregates of {} as of revision {}",
        result.data.len(),
        result.indicator,
        result.revision
    );
    Ok(0)
}

pub async fn progress(database_url: &str, args: ProgressArgs) -> anyhow::Result<u8> {
    let params = ProgressParams {
        indicator: args.indicator.clone(),
        area: args.area,
        method: args.method,
        target: args.target,
        base_year: args.base_year,
        direction: args.direction,
    };
    let catalog = Catalog::embedded()?;
    let request = match params.to_request(&catalog) {
        Ok(r) => r,
        Err(e) => crate::usage!("{}", e.message),
    };
    let inputs = load(database_url, catalog, Some(&args.indicator), &args.format).await?;
    let result = match compute_progress(
        &inputs.snapshot,
        &inputs.catalog,
        inputs.indicator(),
        &request,
    ) {
        Ok(r) => r,
        Err(e) => crate::usage!("{e}"),
    };
    let rows = result.data.iter().flat_map(|p| {
        p.assessments.iter().map(move |a| {
            format!(
                "{},{},{},{},{},{},{},{},{}",
                p.area,
                field(p.area_name),
                a.method_id(),
                a.status(),
                number(a.score()),
                p.latest.map(|l| l.year.to_string()).unwrap_or_default(),
                number(p.latest.map(|l| l.value)),
                p.target.map_or("", |t| t.id.as_str()),
                number(p.distance.as_ref().map(|d| d.gap)),
            )
        })
    });
    output(
        &args.format,
        &result,
        "area,area_name,method,status,score,latest_year,latest_value,target,gap",
        rows,
    )?;
    eprintln!(
        "progress of {} for {} areas as of revision {}",
        result.indicator,
        result.data.len(),
        result.revision
    );
    Ok(0)
}

pub async fn index(database_url: &str, args: IndexArgs) -> anyhow::Result<u8> {
    let inputs = load(database_url, Catalog::embedded()?, None, &args.format).await?;
    let result = compute_index(&inputs.snapshot, &inputs.catalog, args.year)?;
    let rows = result.data.iter().map(|s| {
        let name = inputs.catalog.area(&s.area).map_or("", |a| a.name.as_str());
        let pillar = |code: &str| {
            number(
                s.pillars
                    .iter()
                    .find(|p| p.code == code)
                    .and_then(|p| p.score),
            )
        };
        format!(
            "{},{},{},{},{},{},{}/{},{}",
            s.area,
            field(name),
            s.rank.map(|r| r.to_string()).unwrap_or_default(),
            number(s.score),
            pillar("U"),
            pillar("M"),
            s.completeness.available,
            s.completeness.total,
            field(s.reason.as_deref().unwrap_or("")),
        )
    });
    output(
        &args.format,
        &result,
        "area,area_name,rank,score,universal,meaningful,indicators,reason",
        rows,
    )?;
    eprintln!(
        "ICT Development Index {}: {} economies scored of {} with data, as of revision {}",
        result.year,
        result.data.iter().filter(|s| s.score.is_some()).count(),
        result.data.len(),
        result.revision
    );
    Ok(0)
}

pub async fn check(database_url: &str, args: CheckArgs) -> anyhow::Result<u8> {
    let rules = match &args.rules {
        None => None,
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?,
        ),
    };
    let catalog = Catalog::embedded()?;
    let mut areas = Vec::new();
    for token in args.area.iter().flat_map(|a| a.split(',')).map(str::trim) {
        match catalog.resolve_area(token) {
            Some(code) => areas.push(code.to_string()),
            None => crate::usage!("unknown area `{token}`"),
        }
    }
    let inputs = load(database_url, catalog, None, "csv").await?;
    let report = match validation(
        &inputs.snapshot,
        &inputs.catalog,
        &areas,
        rules.as_deref(),
        args.outliers,
    ) {
        Ok(r) => r,
        Err(e) => crate::usage!("{e}"),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for d in &report.diagnostics {
            println!("{d}");
        }
    }
    eprintln!(
        "{} errors, {} warnings{}",
        report.errors,
        report.warnings,
        if report.truncated > 0 {
            format!(" ({} not listed)", report.truncated)
        } else {
            String::new()
        }
    );
    Ok(if report.has_errors() {
        crate::EXIT_INVALID
    } else {
        0
    })
}
