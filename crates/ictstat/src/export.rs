//! `ictstat export`.

use std::io::Write;

use anyhow::Context;
use ictstat_core::{Catalog, Dimension, Observation};
use ictstat_server::ObservationParams;
use ictstat_store::AsOf;

use crate::cli::ExportArgs;

pub async fn run(database_url: &str, args: ExportArgs) -> anyhow::Result<u8> {
    if !["csv", "xlsx", "json"].contains(&args.format.as_str()) {
        crate::usage!("--format must be csv, xlsx or json, not `{}`", args.format);
    }
    if args.format == "xlsx" && args.output.is_none() {
        crate::usage!("--format xlsx needs --output FILE");
    }
    let mut params = ObservationParams {
        indicator: args.indicator.clone(),
        area: args.area.clone(),
        group: args.group.clone(),
        start: args.start.clone(),
        end: args.end.clone(),
        latest: Some(args.latest),
        as_of: args.as_of.clone(),
        ..ObservationParams::default()
    };
    for filter in &args.breakdown {
        let Some((dim, codes)) = filter.split_once('=') else {
            crate::usage!("--breakdown `{filter}`: write DIMENSION=CODE[,CODE…]");
        };
        let dim: Dimension = match dim.parse() {
            Ok(d) => d,
            Err(e) => crate::usage!("--breakdown: {e}"),
        };
        params.set_dimension(dim, codes.to_string());
    }
    let catalog = Catalog::embedded()?;
    let (mut q, as_of) = match (params.to_query(&catalog), params.as_of()) {
        (Ok(q), Ok(as_of)) => (q, as_of),
        (Err(e), _) | (_, Err(e)) => crate::usage!("{}", e.message),
    };
    q.limit = usize::MAX >> 2;
    let db = crate::serve::open_existing(database_url).await?;
    let as_of = match as_of {
        Some(a) => a,
        None => AsOf::Revision(db.latest_revision().await?),
    };
    let revision = db.resolve_as_of(&as_of).await?;
    let rows = db.observations_as_of(&q, revision).await?;
    db.close().await;

    let observations: Vec<Observation> = rows.iter().filter_map(|r| r.to_observation()).collect();
    let bytes = match args.format.as_str() {
        "csv" => {
            let mut out = Vec::new();
            ictstat_formats::write_long_csv(&mut out, &observations, &catalog)?;
            out
        }
        "xlsx" => ictstat_formats::write_xlsx(
            &observations,
            &catalog,
            "observations",
            &format!("ictstat export, revision {revision}"),
        )?,
        _ => serde_json::to_vec_pretty(&rows)?,
    };
    match &args.output {
        Some(path) => std::fs::write(path, &bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    eprintln!("{} observations as of revision {revision}", rows.len());
    Ok(0)
}
