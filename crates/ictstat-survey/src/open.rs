//! Opening a microdata file as a [`Source`], by its extension: the one place that knows
//! which formats exist, so the command line and tests never choose a reader themselves.

use std::path::Path;

use crate::dta::DtaSource;
use crate::error::ReadError;
use crate::parquet_read::ParquetSource;
use crate::read::{CsvSource, Source};
use crate::sav::SavSource;

/// The formats [`open`] reads, by extension, for messages.
pub const FORMATS: &str = ".csv, .parquet, .dta, .sav, .zsav";

/// Opens `path` with the reader its extension names (case-insensitive).
pub fn open(path: &Path) -> Result<Box<dyn Source>, ReadError> {
    let origin = path.display().to_string();
    let error = |message: String| ReadError {
        origin: origin.clone(),
        line: 0,
        column: None,
        message,
    };
    let extension = extension(path);
    match extension.as_str() {
        "csv" => {
            let file = std::fs::File::open(path).map_err(|e| error(format!("cannot open: {e}")))?;
            Ok(Box::new(CsvSource::new(
                std::io::BufReader::with_capacity(1 << 20, file),
                &origin,
            )))
        }
        "parquet" => Ok(Box::new(ParquetSource::open(path)?)),
        "dta" => Ok(Box::new(DtaSource::open(path)?)),
        "sav" | "zsav" => Ok(Box::new(SavSource::open(path)?)),
        _ => Err(error(format!(
            "cannot tell the format from the extension \"{extension}\": use one of {FORMATS}"
        ))),
    }
}

/// The extension of `path`, lowercased ("" if none): what chooses the reader.
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}
