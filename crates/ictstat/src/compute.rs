//! `ictstat compute`: the statistics of the API on the command line.

use std::io::Write;

use ictstat_server::AggregateParams;
use ictstat_server::compute::aggregates as compute_aggregates;
use ictstat_store::ReadModel;

use crate::cli::AggregateArgs;

pub async fn aggregates(database_url: &str, args: AggregateArgs) -> anyhow::Result<u8> {
    if !["csv", "json"].contains(&args.format.as_str()) {
        crate::usage!("--format must be csv or json, not `{}`", args.format);
    }
    let (catalog, request, indicator) = {
        let catalog = ictstat_core::Catalog::embedded()?;
        let params = AggregateParams {
            indicator: args.indicator.clone(),
            group: args.group,
            start: args.start,
            end: args.end,
            min_coverage: args.min_coverage,
            min_countries: args.min_countries,
            gap_fill: args.gap_fill,
            gap_years: args.gap_years,
        };
        let request = match params.to_request(&catalog) {
            Ok(r) => r,
            Err(e) => crate::usage!("{}", e.message),
        };
        let Some(code) = catalog.indicator(&args.indicator).map(|i| i.code.clone()) else {
            crate::usage!("unknown indicator `{}`", args.indicator);
        };
        (catalog, request, code)
    };
    let db = crate::serve::open_existing(database_url).await?;
    let model = ReadModel::load(&db).await?;
    db.close().await;
    let snapshot = model.snapshot();
    let indicator = catalog
        .indicator(&indicator)
        .expect("the code was resolved from this catalogue");
    let result = match compute_aggregates(&snapshot, &catalog, indicator, &request) {
        Ok(r) => r,
        Err(e) => crate::usage!("{e}"),
    };
    let mut out = std::io::stdout().lock();
    if args.format == "json" {
        serde_json::to_writer_pretty(&mut out, &result)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "group,group_name,year,value,estimated,population_share,countries_with_data,members,passed"
        )?;
        for g in &result.data {
            let a = &g.aggregate;
            let name = catalog.area(g.group).map_or("", |x| x.name.as_str());
            writeln!(
                out,
                "{},\"{}\",{},{},{},{},{},{},{}",
                g.group,
                name.replace('"', "\"\""),
                g.year,
                a.value.map(|v| v.to_string()).unwrap_or_default(),
                a.is_estimated(),
                a.coverage
                    .weight_share
                    .map(|v| format!("{v:.4}"))
                    .unwrap_or_default(),
                a.coverage.countries_with_data,
                a.coverage.members,
                a.passed
            )?;
        }
    }
    eprintln!(
        "{} aggregates of {} as of revision {}",
        result.data.len(),
        result.indicator,
        result.revision
    );
    Ok(0)
}
