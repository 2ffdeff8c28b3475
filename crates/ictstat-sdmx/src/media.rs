//! Content negotiation: `Accept` (with q-values and `version` parameters) or `format=`.
//!
//! Clients choose their parser from the response's `Content-Type`, so the server answers one
//! exact media type. What each client sends (verified against their code): sdmx1 sends no
//! `Accept` (or `*/*`) unless told otherwise; pysdmx always sends one exact SDMX media type;
//! the npm `sdmx-rest` sends its service's format or `*/*`.

use crate::error::{ErrorKind, SdmxError};
use crate::format::{DataFormat, StructureFormat};

/// Which grammar the request used: it decides the default format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// SDMX REST 1.5 (SDMX 2.1): SDMX-ML by default.
    V1,
    /// SDMX REST 2.x (SDMX 3.0): SDMX-JSON 2.0 by default.
    V2,
}

/// One entry of an `Accept` header.
struct Range<'a> {
    media: String,
    version: Option<&'a str>,
    q: f32,
}

/// The entries of an `Accept` header, most preferred first (stable for equal q).
fn ranges(accept: &str) -> Vec<Range<'_>> {
    let mut out: Vec<Range<'_>> = accept
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let media = parts.next()?.trim().to_ascii_lowercase();
            if media.is_empty() {
                return None;
            }
            let mut r = Range {
                media,
                version: None,
                q: 1.0,
            };
            for p in parts {
                let Some((k, v)) = p.split_once('=') else {
                    continue;
                };
                match k.trim() {
                    "version" => r.version = Some(v.trim().trim_matches('"')),
                    "q" => r.q = v.trim().parse().unwrap_or(0.0),
                    _ => {}
                }
            }
            (r.q > 0.0).then_some(r)
        })
        .collect();
    out.sort_by(|a, b| b.q.total_cmp(&a.q));
    out
}

/// The major version a `version` parameter names (`2.0.0`, `2.1`, `2.0.0+`, `2~.1`); `None`
/// when absent, which means "the latest this server has".
fn major(version: Option<&str>) -> Option<u32> {
    let v = version?;
    let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn data_format(r: &Range<'_>, api: Api) -> Option<DataFormat> {
    let major = major(r.version);
    let default = match api {
        Api::V1 => DataFormat::GenericXml,
        Api::V2 => DataFormat::Json2,
    };
    match r.media.as_str() {
        "*/*" | "application/*" => Some(default),
        "application/xml" | "text/xml" => Some(DataFormat::GenericXml),
        "application/vnd.sdmx.genericdata+xml" if matches!(major, None | Some(2)) => {
            Some(DataFormat::GenericXml)
        }
        "application/vnd.sdmx.structurespecificdata+xml" if matches!(major, None | Some(2)) => {
            Some(DataFormat::StructureSpecificXml)
        }
        "application/vnd.sdmx.data+json" | "application/json" | "text/json" => match major {
            Some(1) => Some(DataFormat::Json1),
            Some(2) => Some(DataFormat::Json2),
            // Without a version, the JSON of the grammar's SDMX version.
            None if api == Api::V1 => Some(DataFormat::Json1),
            None => Some(DataFormat::Json2),
            Some(_) => None,
        },
        "application/vnd.sdmx.data+csv" | "text/csv" => match major {
            Some(1) => Some(DataFormat::Csv1),
            Some(2) | None => Some(DataFormat::Csv2),
            Some(_) => None,
        },
        _ => None,
    }
}

fn structure_format(r: &Range<'_>, api: Api) -> Option<StructureFormat> {
    let major = major(r.version);
    match r.media.as_str() {
        "*/*" | "application/*" => Some(match api {
            Api::V1 => StructureFormat::Xml21,
            Api::V2 => StructureFormat::Json2,
        }),
        "application/xml" | "text/xml" => Some(StructureFormat::Xml21),
        "application/vnd.sdmx.structure+xml" if matches!(major, None | Some(2)) => {
            Some(StructureFormat::Xml21)
        }
        "application/vnd.sdmx.structure+json" if matches!(major, None | Some(2)) => {
            Some(StructureFormat::Json2)
        }
        "application/json" | "text/json" | "application/vnd.fusion.json" => {
            Some(StructureFormat::Json2)
        }
        _ => None,
    }
}

/// Picks the data format: `format=` wins over `Accept`; no `Accept` means the API's default.
pub fn negotiate_data(
    accept: Option<&str>,
    format: Option<&str>,
    api: Api,
) -> Result<DataFormat, SdmxError> {
    if let Some(f) = format {
        return match f.to_ascii_lowercase().as_str() {
            "genericdata" => Ok(DataFormat::GenericXml),
            "structurespecificdata" => Ok(DataFormat::StructureSpecificXml),
            "jsondata" | "sdmx-json-1.0" => Ok(DataFormat::Json1),
            "json" | "sdmx-json" | "sdmx-json-2.0" => Ok(DataFormat::Json2),
            "csvfile" | "sdmx-csv-1.0" => Ok(DataFormat::Csv1),
            "csv" | "sdmx-csv" | "sdmx-csv-2.0" => Ok(DataFormat::Csv2),
            other => Err(SdmxError::syntax(format!(
                "format `{other}` is not a data format: use genericdata, structurespecificdata, \
                 jsondata (SDMX-JSON 1.0), json (SDMX-JSON 2.0), csvfile (SDMX-CSV 1.0) or csv \
                 (SDMX-CSV 2.0)"
            ))),
        };
    }
    pick(accept, |r| data_format(r, api), api_default_data(api))
}

fn api_default_data(api: Api) -> DataFormat {
    match api {
        Api::V1 => DataFormat::GenericXml,
        Api::V2 => DataFormat::Json2,
    }
}

/// Picks the structure format: `format=structure|json` wins over `Accept`.
pub fn negotiate_structure(
    accept: Option<&str>,
    format: Option<&str>,
    api: Api,
) -> Result<StructureFormat, SdmxError> {
    if let Some(f) = format {
        return match f.to_ascii_lowercase().as_str() {
            "structure" | "xml" | "sdmx-ml" => Ok(StructureFormat::Xml21),
            "json" | "sdmx-json" => Ok(StructureFormat::Json2),
            other => Err(SdmxError::syntax(format!(
                "format `{other}` is not a structure format: use structure (SDMX-ML 2.1) or \
                 json (SDMX-JSON 2.0)"
            ))),
        };
    }
    let default = match api {
        Api::V1 => StructureFormat::Xml21,
        Api::V2 => StructureFormat::Json2,
    };
    pick(accept, |r| structure_format(r, api), default)
}

fn pick<T: Copy>(
    accept: Option<&str>,
    choose: impl Fn(&Range<'_>) -> Option<T>,
    default: T,
) -> Result<T, SdmxError> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(default);
    };
    ranges(accept).iter().find_map(choose).ok_or_else(|| {
        SdmxError::new(
            ErrorKind::NotAcceptable,
            format!(
                "none of the formats in Accept: {accept} can be produced; data: \
                 application/vnd.sdmx.genericdata+xml;version=2.1, \
                 application/vnd.sdmx.structurespecificdata+xml;version=2.1, \
                 application/vnd.sdmx.data+json;version=1.0.0 or 2.0.0, \
                 application/vnd.sdmx.data+csv;version=1.0.0 or 2.0.0; structures: \
                 application/vnd.sdmx.structure+xml;version=2.1, \
                 application/vnd.sdmx.structure+json;version=2.0.0"
            ),
        )
    })
}

/// Whether an error body should be SDMX-JSON rather than SDMX-ML.
pub fn wants_json(accept: Option<&str>, api: Api) -> bool {
    match accept {
        Some(a) => ranges(a)
            .first()
            .is_some_and(|r| r.media.contains("json") || (r.media == "*/*" && api == Api::V2)),
        None => api == Api::V2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_get_their_formats() {
        // sdmx1 without a DSD, pysdmx with CSV 2.0, and the defaults of each grammar.
        assert_eq!(
            negotiate_data(None, None, Api::V1),
            Ok(DataFormat::GenericXml)
        );
        assert_eq!(
            negotiate_data(Some("*/*"), None, Api::V2),
            Ok(DataFormat::Json2)
        );
        assert_eq!(
            negotiate_data(
                Some("application/vnd.sdmx.data+csv;version=2.0.0"),
                None,
                Api::V2
            ),
            Ok(DataFormat::Csv2)
        );
        assert_eq!(
            negotiate_data(
                Some("application/vnd.sdmx.data+json; version=1.0.0, */*;q=0.1"),
                None,
                Api::V1
            ),
            Ok(DataFormat::Json1)
        );
        assert_eq!(
            negotiate_data(
                Some("application/vnd.sdmx.structurespecificdata+xml;version=2.1"),
                None,
                Api::V1
            ),
            Ok(DataFormat::StructureSpecificXml)
        );
        assert_eq!(
            negotiate_data(Some("text/html"), Some("csvfile"), Api::V1),
            Ok(DataFormat::Csv1)
        );
    }

    #[test]
    fn q_values_order_and_unknown_types_are_406() {
        assert_eq!(
            negotiate_data(
                Some(
                    "application/vnd.sdmx.data+csv;version=1.0.0;q=0.5, application/vnd.sdmx.genericdata+xml;version=2.1"
                ),
                None,
                Api::V1
            ),
            Ok(DataFormat::GenericXml)
        );
        let e = negotiate_data(Some("text/html"), None, Api::V1).unwrap_err();
        assert_eq!(e.status(), 406);
        let e = negotiate_data(
            Some("application/vnd.sdmx.data+xml;version=3.0.0"),
            None,
            Api::V2,
        )
        .unwrap_err();
        assert_eq!(e.status(), 406);
        assert_eq!(
            negotiate_structure(
                Some("application/vnd.sdmx.structure+json;version=2.0.0"),
                None,
                Api::V2
            ),
            Ok(StructureFormat::Json2)
        );
        assert_eq!(
            negotiate_structure(None, None, Api::V1),
            Ok(StructureFormat::Xml21)
        );
    }
}
