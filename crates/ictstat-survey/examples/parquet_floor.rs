//! The physical floor of a Parquet tabulation, for scripts/bench/survey.sh: the time to
//! decode the needed columns once with the `parquet` crate's typed column readers (the
//! ones `ParquetSource` uses), doing nothing else with the values but summing them so
//! the work cannot be skipped. One thread, row group by row group.
//!
//! ```sh
//! cargo run --release -p ictstat-survey --example parquet_floor -- FILE.parquet stratum,psu,w,sex
//! ```

use std::fs::File;
use std::time::Instant;

use parquet::column::reader::ColumnReader;
use parquet::file::reader::{FileReader, SerializedFileReader};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(columns)) = (args.next(), args.next()) else {
        return Err("usage: parquet_floor FILE.parquet col1,col2,…".into());
    };
    let start = Instant::now();
    let reader = SerializedFileReader::new(File::open(&path)?)?;
    let schema = reader.metadata().file_metadata().schema_descr_ptr();
    let leaves: Vec<usize> = columns
        .split(',')
        .map(|c| {
            (0..schema.num_columns())
                .find(|&j| schema.column(j).name() == c)
                .ok_or_else(|| format!("no column {c}"))
        })
        .collect::<Result<_, _>>()?;
    let (mut sum, mut rows) = (0.0_f64, 0_usize);
    for g in 0..reader.num_row_groups() {
        let group = reader.get_row_group(g)?;
        for &leaf in &leaves {
            let mut def = Vec::new();
            match group.get_column_reader(leaf)? {
                ColumnReader::Int64ColumnReader(mut r) => {
                    let mut v = Vec::new();
                    loop {
                        v.clear();
                        def.clear();
                        let (n, _, _) = r.read_records(65_536, Some(&mut def), None, &mut v)?;
                        if n == 0 {
                            break;
                        }
                        rows += n;
                        sum += v.iter().map(|x| *x as f64).sum::<f64>();
                    }
                }
                ColumnReader::DoubleColumnReader(mut r) => {
                    let mut v = Vec::new();
                    loop {
                        v.clear();
                        def.clear();
                        let (n, _, _) = r.read_records(65_536, Some(&mut def), None, &mut v)?;
                        if n == 0 {
                            break;
                        }
                        rows += n;
                        sum += v.iter().sum::<f64>();
                    }
                }
                _ => return Err(format!("column {leaf}: only INT64 and DOUBLE here").into()),
            }
        }
    }
    eprintln!("{rows} values, sum {sum}");
    println!("{:.3}", start.elapsed().as_secs_f64());
    Ok(())
}
