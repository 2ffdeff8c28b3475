//! Opening a microdata file as a [`Source`], by its extension: the one place that knows
//! which formats exist, so the command line and tests never choose a reader themselves.

use std::path::Path;

use crate::error::ReadError;
use crate::read::{CsvSource, Source};

/// The formats [`open`] reads, by extension, for messages.
pub const FORMATS: &str = ".csv";

/// Opens `path` with the reader its extension names (case-insensitive).
pub fn open(path: &Path) -> Result<Box<dyn Source>, ReadError> {
    let origin = path.display().to_string();
    let error = |message: String| ReadError {
        origin: origin.clone(),
        line: 0,
        column: None,
        message,
    };
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "csv" => {
            let file = std::fs::File::open(path).map_err(|e| error(format!("cannot open: {e}")))?;
            Ok(Box::new(CsvSource::new(
                std::io::BufReader::with_capacity(1 << 20, file),
                &origin,
            )))
        }
        _ => Err(error(format!(
            "cannot tell the format from the extension \"{extension}\": use one of {FORMATS}"
        ))),
    }
}
