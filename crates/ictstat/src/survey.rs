//! `ictstat survey tabulate`: a microdata file and its design to indicators with standard
//! errors (the estimators are `ictstat-survey`'s, equal to R's `survey` on its goldens).
//! `ictstat survey demo`: a synthetic survey to try it on.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use ictstat_survey::{Demo, DemoOptions, Design, Plan, Tabulation, tabulate as run_plan};

use crate::cli::{DemoArgs, TabulateArgs};
use crate::{EXIT_INVALID, usage};

pub fn tabulate(args: TabulateArgs) -> anyhow::Result<u8> {
    if !["csv", "json"].contains(&args.format.as_str()) {
        usage!("--format {}: use csv or json", args.format);
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
    let result = match run_plan(&design, &plan, source) {
        Ok(t) => t,
        Err(e) => return invalid(&e.to_string()),
    };
    write(&result, &args)?;
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
fn write(result: &Tabulation, args: &TabulateArgs) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    match args.format.as_str() {
        "json" => result.write_json(&mut bytes)?,
        _ => result.write_csv(&mut bytes)?,
    }
    match &args.output {
        None => std::io::stdout().lock().write_all(&bytes)?,
        Some(path) => write_whole(path, &bytes)?,
    }
    Ok(())
}
