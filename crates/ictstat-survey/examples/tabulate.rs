//! `ictstat survey tabulate` without the rest of ictstat, for profiling the survey reader
//! (perf, callgrind) and timing it while the workspace's other crates are mid-change:
//!
//! ```sh
//! cargo run --release -p ictstat-survey --example tabulate -- DESIGN.toml PLAN.toml FILE [THREADS]
//! ```
//!
//! Writes the tidy CSV to stdout and the wall time to stderr.

use std::time::Instant;

use ictstat_survey::{Design, ParquetSource, Plan, open, tabulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [design, plan, file, rest @ ..] = args.as_slice() else {
        return Err("usage: tabulate DESIGN.toml PLAN.toml FILE [THREADS]".into());
    };
    let start = Instant::now();
    let design = Design::from_toml_str(&std::fs::read_to_string(design)?)?;
    let plan = Plan::from_toml_str(&std::fs::read_to_string(plan)?, plan)?;
    let path = std::path::Path::new(file);
    let tab = match rest.first() {
        Some(threads) => tabulate(
            &design,
            &plan,
            ParquetSource::open(path)?.with_threads(threads.parse()?),
        )?,
        None => tabulate(&design, &plan, open(path)?)?,
    };
    tab.write_csv(std::io::stdout().lock())?;
    eprintln!("{:.3} s", start.elapsed().as_secs_f64());
    Ok(())
}
