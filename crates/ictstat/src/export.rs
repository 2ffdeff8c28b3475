//! `ictstat export`.

use std::io::Write;

use anyhow::Context;
use ictstat_core::{Catalog, Dimension, Observation};
use ictstat_sdmx::data::DataMessage;
use ictstat_sdmx::{DataFormat, Header, Registry};
use ictstat_server::ObservationParams;
use ictstat_store::AsOf;

use crate::cli::ExportArgs;

pub async fn run(database_url: &str, args: ExportArgs) -> anyhow::Result<u8> {
    let sdmx = sdmx_format(&args.format);
    if !["csv", "xlsx", "json"].contains(&args.format.as_str()) && sdmx.is_none() {
        crate::usage!(
            "--format must be csv, xlsx, json, sdmx-ml, sdmx-ml-ss, sdmx-json, sdmx-json-1.0, \
             sdmx-csv or sdmx-csv-1.0, not `{}`",
            args.format
        );
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
    let revision = match as_of {
        None => db.published_revision().await?,
        Some(AsOf::Time(t)) => db.revision_public_at(&t).await?,
        Some(revision) => db.resolve_as_of(&revision).await?,
    };
    let rows = db.observations_as_of(&q, revision).await?;
    db.close().await;

    if let Some(format) = sdmx {
        let mut rows: Vec<&ictstat_store::ObservationRow> = rows.iter().collect();
        ictstat_sdmx::group_frequencies(&mut rows, |r| ictstat_server::sdmx_data_row(r));
        write_output(args.output.as_deref(), |out| {
            write_sdmx(format, &catalog, &rows, out)
        })?;
        eprintln!("{} observations as of revision {revision}", rows.len());
        return Ok(0);
    }
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
    write_output(args.output.as_deref(), |out| out.write_all(&bytes))?;
    eprintln!("{} observations as of revision {revision}", rows.len());
    Ok(0)
}

/// The SDMX data format a `--format` value names.
fn sdmx_format(name: &str) -> Option<DataFormat> {
    Some(match name {
        "sdmx-ml" => DataFormat::GenericXml,
        "sdmx-ml-ss" => DataFormat::StructureSpecificXml,
        "sdmx-json" => DataFormat::Json2,
        "sdmx-json-1.0" => DataFormat::Json1,
        "sdmx-csv" => DataFormat::Csv2,
        "sdmx-csv-1.0" => DataFormat::Csv1,
        _ => return None,
    })
}

/// Writes the rows as one SDMX data message of the dataflow of all data, streamed.
fn write_sdmx(
    format: DataFormat,
    catalog: &Catalog,
    rows: &[&ictstat_store::ObservationRow],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let registry = Registry::build(catalog, ictstat_sdmx::Config::default());
    let flow = registry
        .dataflow(ictstat_sdmx::ALL_DATA)
        .expect("the registry always has the dataflow of all data");
    let prepared = ictstat_store::now_text();
    let header = Header {
        id: format!(
            "EXPORT{}",
            prepared
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        ),
        prepared,
        sender: registry.config.agency.clone(),
    };
    let msg = DataMessage {
        registry: &registry,
        catalog,
        flow,
        header: &header,
        at_observation: Default::default(),
        detail: Default::default(),
    };
    ictstat_sdmx::data::write(
        format,
        &msg,
        rows.iter().map(|r| ictstat_server::sdmx_data_row(r)),
        out,
    )
}

/// Runs `write` on the output file (created) or standard output.
fn write_output(
    path: Option<&std::path::Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot write {}", path.display()))?,
            );
            write(&mut file)
                .and_then(|()| file.flush())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            write(&mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}
