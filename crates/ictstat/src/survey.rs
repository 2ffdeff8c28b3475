//! `ictstat survey tabulate`: a microdata file and its design to indicators with standard
//! errors (the estimators are `ictstat-survey`'s, equal to R's `survey` on its goldens).
//! `ictstat survey demo`: a synthetic survey to try it on.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use ictstat_survey::{Demo, DemoOptions, Design, Plan, Tabulation, tabulate as run_plan};

use ictstat_formats::{Format, ReadOptions};
use ictstat_server::ingest::{self, ImportOptions, InputFile, Publish};

use crate::cli::{DemoArgs, TabulateArgs};
use crate::survey_import::{self, Target};
use crate::{EXIT_INVALID, usage};

pub async fn tabulate(database_url: &str, args: TabulateArgs) -> anyhow::Result<u8> {
    if !["csv", "json", "xlsx", "parquet"].contains(&args.format.as_str()) {
        usage!("--format {}: use csv, json, xlsx or parquet", args.format);
    }
    if ["xlsx", "parquet"].contains(&args.format.as_str()) && args.output.is_none() {
        usage!(
            "--format {} writes a binary file: give it with -o",
            args.format
        );
    }
    let design_text = read_text(&args.design)?;
    let design = match Design::from_toml_str(&design_text) {
        Ok(d) => d,
        Err(e) => return invalid(&format!("{}: {e}", args.design.display())),
    };
    let (plan_text, plan_path) = match &args.plan {
        Some(p) => (read_text(p)?, p.as_path()),
        None => (design_text, args.design.as_path()),
    };
    let plan = match Plan::from_toml_str(&plan_text, &plan_path.display().to_string()) {
        Ok(p) => p,
        Err(e) => return invalid(&e.to_string()),
    };
    if plan.indicators.is_empty() {
        return invalid(&format!(
            "{}: no indicators to estimate: {} has no [indicator.KEY] table and no base = \"itu_household\"{}",
            plan_path.display(),
            plan_path.display(),
            if args.plan.is_none() {
                ", and no --plan was given (give one, or add the plan to the design file)"
            } else {
                ""
            }
        ));
    }
    let source = match ictstat_survey::open(&args.file) {
        Ok(s) => s,
        Err(e) => return invalid(&e.to_string()),
    };
    // Where an import goes is checked before the file is read: a usage error costs nothing.
    let target = if args.import {
        Some(import_target(&args, &design)?)
    } else {
        None
    };
    let result = match run_plan(&design, &plan, source) {
        Ok(t) => t,
        Err(e) => return invalid(&e.to_string()),
    };
    if let Some(target) = target {
        let code = import(database_url, &result, &target, plan.ci.level, &args).await?;
        if code != 0 {
            return Ok(code);
        }
        if args.output.is_some() {
            write(&result, &args, plan.ci.level)?;
        }
    } else {
        write(&result, &args, plan.ci.level)?;
    }
    for left_out in &result.unavailable {
        eprintln!("warning: {left_out}");
    }
    let flagged = result
        .rows
        .iter()
        .filter(|r| r.quality != ictstat_survey::Quality::Reliable)
        .count();
    eprintln!(
        "{} estimates from {}; {flagged} flagged unreliable or suppressed",
        result.rows.len(),
        args.file.display()
    );
    Ok(0)
}

/// The area, period and source of `--import`: the command line's, else the design's
/// `[survey]`.
fn import_target(args: &TabulateArgs, design: &Design) -> anyhow::Result<Target> {
    let info = &design.survey;
    let Some(area) = args.area.clone().or_else(|| info.area.clone()) else {
        usage!(
            "--import needs the survey's country: give --area, or `area` in the design's [survey] table"
        );
    };
    let Some(period) = args.period.clone().or_else(|| info.period.clone()) else {
        usage!(
            "--import needs the reference period: give --period, or `period` in the design's [survey] table"
        );
    };
    let source = args
        .source
        .clone()
        .or_else(|| info.source.clone())
        .unwrap_or_else(|| {
            let name = args.file.file_name().map_or_else(
                || args.file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            format!("survey microdata {name}, tabulated by ictstat")
        });
    Ok(Target {
        area,
        period,
        source,
    })
}

/// Stores the estimates as one revision through the importer (see `survey_import`); the
/// exit code: 0, or 3 when the importer refused them (nothing is written).
async fn import(
    database_url: &str,
    result: &Tabulation,
    target: &Target,
    level: f64,
    args: &TabulateArgs,
) -> anyhow::Result<u8> {
    let (db, catalog) = crate::serve::open(database_url).await?;
    let csv = survey_import::long_csv(result, &catalog, target, level)?;
    report_left_out(&csv);
    if csv.rows == 0 {
        db.close().await;
        eprintln!(
            "error: no estimate matches an indicator of the catalogue with a breakdown it can hold: nothing imported"
        );
        return Ok(EXIT_INVALID);
    }
    let name = args
        .file
        .file_name()
        .map_or_else(|| "survey".to_owned(), |n| n.to_string_lossy().into_owned());
    let opts = ImportOptions {
        read: ReadOptions {
            format: Some(Format::LongCsv),
            ..ReadOptions::default()
        },
        dry_run: false,
        skip_invalid: false,
        author: args.author.clone(),
        kind: "survey".into(),
        comment: args.comment.clone(),
        skip_derived: false,
        publish: Publish::Direct,
    };
    let files = vec![InputFile {
        name: format!("{name} (estimates)"),
        bytes: csv.bytes,
    }];
    let outcome = ingest::import(&db, catalog, files, &opts).await;
    db.close().await;
    let outcome = outcome?;
    crate::import::print_result(&outcome, false);
    Ok(if outcome.is_rejected() {
        EXIT_INVALID
    } else {
        0
    })
}

/// What `--import` leaves out, and why.
fn report_left_out(csv: &survey_import::LongCsv) {
    for ((what, why), n) in &csv.unstorable {
        eprintln!("not stored: {n} estimates {what}: {why}");
    }
    if csv.without_value > 0 {
        eprintln!(
            "not stored: {} estimates without a value (suppressed or in an empty domain)",
            csv.without_value
        );
    }
}

pub fn demo(args: DemoArgs) -> anyhow::Result<u8> {
    let options = DemoOptions {
        country: args.country,
        persons: args.persons,
        seed: args.seed,
    };
    // Every DemoError is an option the demo cannot use: a usage error (exit code 2).
    let demo = match Demo::generate(&options) {
        Ok(d) => d,
        Err(e) => usage!("{e}"),
    };
    let dir = &args.output;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut csv = Vec::new();
    demo.write_persons(&mut csv)?;
    write_whole(&dir.join("persons.csv"), &csv)?;
    write_whole(&dir.join("design.toml"), demo.design_toml().as_bytes())?;
    write_whole(&dir.join("plan.toml"), demo.plan_toml().as_bytes())?;
    let c = demo.country;
    eprintln!(
        "{}: {} persons in {} households, {} EAs, {} strata; a synthetic survey of {} ({}), \
         expected Internet use as ITU published it: {} % (men {} %, women {} %, urban {} %, rural {} %)",
        dir.display(),
        demo.persons.len(),
        demo.households,
        demo.psus,
        demo.strata,
        c.name,
        c.year,
        c.internet.total,
        c.internet.male,
        c.internet.female,
        c.internet.urban,
        c.internet.rural
    );
    Ok(0)
}

/// Writes a file whole: into a uniquely named temporary file in the target's directory
/// first (never a name a user file could have), renamed over the target once complete, so
/// a failure never leaves half a file nor touches any other file.
fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ictstat-").suffix(".tmp");
    // As `std::fs::write` would create it (0666 less the umask), not tempfile's 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(parent).with_context(|| {
        format!(
            "cannot write {}: cannot create a temporary file in {}",
            path.display(),
            parent.display()
        )
    })?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reports invalid input (design, plan or data) and ends with exit code 3, writing nothing.
fn invalid(message: &str) -> anyhow::Result<u8> {
    eprintln!("error: {message}");
    Ok(EXIT_INVALID)
}

/// Writes the results to standard output, or whole to the output file (see `write_whole`):
/// a failure never leaves half a file.
fn write(result: &Tabulation, args: &TabulateArgs, level: f64) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    match args.format.as_str() {
        "json" => result.write_json(&mut bytes)?,
        "xlsx" => bytes = result.write_xlsx(&args.file.display().to_string(), level)?,
        "parquet" => result.write_parquet(&mut bytes)?,
        _ => result.write_csv(&mut bytes)?,
    }
    match &args.output {
        None => std::io::stdout().lock().write_all(&bytes)?,
        Some(path) => write_whole(path, &bytes)?,
    }
    Ok(())
}
