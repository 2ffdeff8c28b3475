//! Times `read` on a generated long CSV of about a million rows (and `write_long_csv` on the
//! result). Not a test: run it in release mode and read the numbers.
//!
//! ```text
//! cargo run --release -p ictstat-formats --example parse_speed [rows] [totals]
//! ```
//!
//! By default every row is disaggregated by sex, urbanisation and age (63 breakdowns per area
//! and year); with `totals`, rows are totals of the catalogue's seven indicators.

use std::fmt::Write as _;
use std::time::Instant;

use ictstat_core::{AreaKind, Catalog};
use ictstat_formats::{ReadOptions, read, write_long_csv};

fn main() {
    let target: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let totals = std::env::args().nth(2).as_deref() == Some("totals");
    let catalog = Catalog::embedded().expect("catalogue");
    let areas: Vec<&str> = catalog
        .areas
        .iter()
        .filter(|a| a.kind == AreaKind::Country)
        .filter_map(|a| a.iso3.as_deref())
        .collect();
    // Internet use by sex × urbanisation × age: 63 breakdowns per area and year, parts equal
    // to their totals (so the total checks run but find nothing).
    let sexes = ["_T", "F", "M"];
    let urban = ["_T", "U", "R"];
    let ages = [
        "_T", "Y15T24", "Y25T64", "Y_GE65", "Y_GE15", "Y15T74", "Y0T14",
    ];
    let mut csv = String::from("indicator,area,period,sex,urbanisation,age,value,source\n");
    let mut rows = 0usize;
    if totals {
        let indicators: Vec<&str> = catalog.indicators.iter().map(|i| i.code.as_str()).collect();
        'totals: for year in 1900..=2100 {
            for (i, area) in areas.iter().enumerate() {
                for ind in &indicators {
                    let value = ((i * 7 + year as usize * 13) % 1000) as f64 / 10.0;
                    let _ = writeln!(csv, "{ind},{area},{year},_T,_T,_T,{value},ITU");
                    rows += 1;
                    if rows == target {
                        break 'totals;
                    }
                }
            }
        }
    }
    'outer: for year in 1960..=2100 {
        if totals {
            break;
        }
        for (i, area) in areas.iter().enumerate() {
            let value = ((i * 7 + year as usize * 13) % 1000) as f64 / 10.0;
            for s in sexes {
                for u in urban {
                    for a in ages {
                        let _ = writeln!(csv, "IT_USE_ii99,{area},{year},{s},{u},{a},{value},ITU");
                        rows += 1;
                        if rows == target {
                            break 'outer;
                        }
                    }
                }
            }
        }
    }
    let bytes = csv.into_bytes();
    println!("generated {rows} rows, {:.1} MB", bytes.len() as f64 / 1e6);

    let (start, cpu) = (Instant::now(), cpu_seconds());
    let parsed = read("speed.csv", &bytes, &catalog, &ReadOptions::default());
    let took = start.elapsed();
    let cpu = cpu_seconds().map(|c| c - cpu.unwrap_or(0.0));
    println!(
        "read: {} observations, {} errors, {} warnings in {:.3} s wall ({:.0} rows/s), {} CPU",
        parsed.observations.len(),
        parsed.report.errors,
        parsed.report.warnings,
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64(),
        cpu.map_or("unknown".to_string(), |c| format!("{c:.2} s"))
    );
    for d in parsed.report.diagnostics.iter().take(3) {
        println!("  {d}");
    }

    let start = Instant::now();
    let mut out = Vec::with_capacity(bytes.len());
    write_long_csv(&mut out, &parsed.observations, &catalog).expect("write");
    println!(
        "write_long_csv: {:.1} MB in {:.3} s",
        out.len() as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
}

/// User + system CPU time of this process (Linux `/proc/self/stat`, 100 ticks per second), to
/// tell the reader's cost from the machine's load.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
