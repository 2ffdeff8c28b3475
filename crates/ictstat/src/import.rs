//! `ictstat import` and `ictstat validate`.

use std::time::Duration;

use anyhow::Context;
use ictstat_core::{Catalog, Report};
use ictstat_formats::{Format, ReadOptions};
use ictstat_server::ingest::{self, ImportOptions, ImportResult, ImportStatus, InputFile, Publish};
use indicatif::{ProgressBar, ProgressStyle};

use crate::EXIT_INVALID;
use crate::cli::{ImportArgs, ReadArgs};

fn read_options(args: &ReadArgs) -> anyhow::Result<ReadOptions> {
    let format = match &args.format {
        None => None,
        Some(f) => match f.parse::<Format>() {
            Ok(f) => Some(f),
            Err(_) => crate::usage!(
                "unknown --format `{f}`: use long-csv, open-sdg, world-bank, gapminder, xlsx, sdmx-ml or sdmx-json"
            ),
        },
    };
    let delimiter = match args.delimiter {
        None => None,
        Some(c) if c.is_ascii() => Some(c as u8),
        Some(c) => crate::usage!("--delimiter must be one ASCII character, not `{c}`"),
    };
    Ok(ReadOptions {
        format,
        indicator: args.indicator.clone(),
        area: args.area.clone(),
        source: args.source.clone(),
        delimiter,
        encoding: args.encoding.clone(),
    })
}

fn load_files(args: &ReadArgs) -> anyhow::Result<Vec<InputFile>> {
    args.files
        .iter()
        .map(|path| {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            Ok(InputFile { name, bytes })
        })
        .collect()
}

/// A spinner on standard error while a long step runs (hidden when stderr is not a terminal).
fn spinner(message: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_message(message);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn print_report(report: &Report) {
    for d in &report.diagnostics {
        eprintln!("{d}");
    }
    if report.truncated > 0 {
        eprintln!(
            "… and {} more diagnostics (use --json for the counts)",
            report.truncated
        );
    }
}

pub fn print_result(result: &ImportResult, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(result).unwrap_or_default()
        );
        return;
    }
    print_report(&result.report);
    for f in &result.files {
        println!(
            "{}: {} ({} rows read, {} missing-value rows, {} valid observations)",
            f.file,
            f.format.as_deref().unwrap_or("unrecognised layout"),
            f.rows_read,
            f.rows_skipped,
            f.observations
        );
    }
    let r = &result.report;
    let written = match &result.outcome {
        Some(o) => format!(
            "; revision {}: {} new versions, {} closed, {} unchanged",
            o.revision.map_or("none".to_string(), |r| r.to_string()),
            o.inserted,
            o.closed,
            o.unchanged
        ),
        None => String::new(),
    };
    println!(
        "{}: {} errors, {} warnings{written}",
        result.status, r.errors, r.warnings
    );
    if let Some(d) = &result.derived {
        println!(
            "derived values: revision {}, {} new versions, {} closed",
            d.revision.map_or("none".to_string(), |r| r.to_string()),
            d.inserted,
            d.closed
        );
    }
    if let Some(e) = &result.derive_error {
        println!("deriving values failed (the import stands): {e}");
    }
    match &result.release {
        Some(r) => println!(
            "published as release {} (revision {}), public from {}",
            r.name, r.revision, r.publish_at
        ),
        None if result.status == ImportStatus::Written => println!(
            "not public yet: the next named release (`ictstat release publish`) publishes it"
        ),
        None => {}
    }
}

pub async fn run(database_url: &str, args: ImportArgs) -> anyhow::Result<u8> {
    if args.dry_run {
        // A dry run is a validation: it needs no database and must not create one.
        return check(&args.read, ImportStatus::DryRun);
    }
    let opts = ImportOptions {
        read: read_options(&args.read)?,
        dry_run: false,
        skip_invalid: args.skip_invalid,
        author: args.author.clone(),
        kind: "import".into(),
        comment: args.comment.clone(),
        skip_derived: false,
        publish: if args.hold {
            Publish::Hold
        } else {
            Publish::Direct
        },
    };
    let files = load_files(&args.read)?;
    let (db, catalog) = crate::serve::open(database_url).await?;
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    let bar = spinner(format!(
        "importing {} file(s), {:.1} MB",
        files.len(),
        bytes as f64 / 1e6
    ));
    let result = ingest::import(&db, catalog, files, &opts).await;
    bar.finish_and_clear();
    db.close().await;
    let result = result?;
    print_result(&result, args.read.json);
    Ok(if result.is_rejected() {
        EXIT_INVALID
    } else {
        0
    })
}

pub async fn validate(args: ReadArgs) -> anyhow::Result<u8> {
    check(&args, ImportStatus::Valid)
}

/// Validates files against the embedded catalogue; `ok_status` is the status shown when
/// there is no error.
fn check(args: &ReadArgs, ok_status: ImportStatus) -> anyhow::Result<u8> {
    let opts = read_options(args)?;
    let files = load_files(args)?;
    let catalog = Catalog::embedded().context("the embedded catalogue is invalid")?;
    let bar = spinner(format!("validating {} file(s)", files.len()));
    let (_, report, files) = ingest::validate_files(&catalog, files, &opts);
    bar.finish_and_clear();
    let status = if report.has_errors() {
        ImportStatus::Rejected
    } else {
        ok_status
    };
    print_result(
        &ImportResult {
            status,
            files,
            report,
            outcome: None,
            derived: None,
            derive_error: None,
            release: None,
        },
        args.json,
    );
    Ok(if status == ImportStatus::Rejected {
        EXIT_INVALID
    } else {
        0
    })
}
