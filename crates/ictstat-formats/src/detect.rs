//! Which layout a file is in, from its name and its first line.

use std::fmt;
use std::str::FromStr;

use crate::columns::normalize;
use crate::text::{binary_kind, strip_bom};

/// A supported input layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// ictstat's own long CSV: `indicator, area, period, value`, dimension and attribute columns.
    LongCsv,
    /// An Open SDG platform's `indicator_<g>-<t>-<i>.csv`.
    OpenSdg,
    /// The World Bank bulk download (wide, with preamble) or `Country Name, Country Code, Year, Value`.
    WorldBank,
    /// Gapminder/open-numbers DDF datapoints `ddf--datapoints--<concept>--by--geo--time.csv`.
    Gapminder,
    /// An XLSX workbook in the long layout.
    Xlsx,
    /// An SDMX-ML 2.0/2.1 GenericData or 2.1 StructureSpecificData message.
    SdmxMl,
    /// An SDMX-JSON 1.0 or 2.0 data message.
    SdmxJson,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::LongCsv,
        Format::OpenSdg,
        Format::WorldBank,
        Format::Gapminder,
        Format::Xlsx,
        Format::SdmxMl,
        Format::SdmxJson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::LongCsv => "long-csv",
            Format::OpenSdg => "open-sdg",
            Format::WorldBank => "world-bank",
            Format::Gapminder => "gapminder",
            Format::Xlsx => "xlsx",
            Format::SdmxMl => "sdmx-ml",
            Format::SdmxJson => "sdmx-json",
        }
    }

    /// Detects the layout from the file name and the first bytes.
    ///
    /// The extension decides between workbook and text: a `.csv`/`.tsv`/`.txt` file is text
    /// even if its bytes are a ZIP archive (which `read` then reports as `binary-file`, not
    /// silently reads as a workbook), and an `.xlsx`/`.xlsm` file is a workbook. Other names
    /// are sniffed. Among text layouts, the DDF file-name convention decides first, then the
    /// header: `Country Code` (World Bank; its bulk download starts with a `Data Source`
    /// preamble), an indicator and an area column (long), `geo` and `time` (DDF), `Year` and
    /// `Value` without an indicator column (Open SDG). An `.xml` file whose root element is a
    /// `GenericData` or `StructureSpecificData` message (any namespace prefix) is SDMX-ML. A
    /// file (any name) whose content is a JSON object with `dataSets` and `structure` or
    /// `structures` (at the top or in `data`), or whose `meta.schema` is the SDMX-JSON data
    /// message schema, is SDMX-JSON.
    pub fn detect(file_name: &str, bytes: &[u8]) -> Option<Format> {
        let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
        let ext = base
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let text_name = matches!(ext.as_str(), "csv" | "tsv" | "txt");
        if matches!(ext.as_str(), "xlsx" | "xlsm")
            || (!text_name && bytes.starts_with(b"PK\x03\x04"))
        {
            return Some(Format::Xlsx);
        }
        if binary_kind(bytes).is_some() {
            return None;
        }
        if ext != "xml" && crate::sdmx_json::sniff(strip_bom(bytes)) {
            return Some(Format::SdmxJson);
        }
        if ext == "xml" {
            let body = strip_bom(bytes);
            let head = String::from_utf8_lossy(&body[..body.len().min(64 * 1024)]);
            return crate::sdmx_ml::root_local_name(&head)
                .and_then(|root| crate::sdmx_ml::root_flavour(&root))
                .map(|_| Format::SdmxMl);
        }
        if base.starts_with("ddf--datapoints--") {
            return Some(Format::Gapminder);
        }
        let header = first_line(bytes)?;
        if normalize(header.split([',', ';', '\t']).next().unwrap_or(""))
            .trim_matches('"')
            .eq("data_source")
        {
            return Some(Format::WorldBank);
        }
        let fields = header_fields(&header);
        let has = |names: &[&str]| fields.iter().any(|f| names.contains(&f.as_str()));
        if has(&["country_code"]) {
            return Some(Format::WorldBank);
        }
        let indicator = has(&[
            "indicator",
            "series",
            "series_code",
            "seriescode",
            "indicator_code",
        ]);
        let area = has(&["area", "ref_area", "geo_area", "geoareacode", "area_code"]);
        if indicator && area {
            return Some(Format::LongCsv);
        }
        if has(&["geo", "country"]) && has(&["time"]) {
            return Some(Format::Gapminder);
        }
        if (base.starts_with("indicator_") || has(&["year"])) && has(&["value"]) {
            return Some(Format::OpenSdg);
        }
        None
    }
}

/// The first non-blank line of a text file, decoded leniently (detection must work before
/// the encoding is known).
fn first_line(bytes: &[u8]) -> Option<String> {
    let body = strip_bom(bytes);
    let head = &body[..body.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(head);
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

/// The normalized names of a header line, split on its most frequent delimiter.
fn header_fields(line: &str) -> Vec<String> {
    let delim = [',', ';', '\t', '|']
        .into_iter()
        .max_by_key(|d| line.matches(*d).count())
        .unwrap_or(',');
    line.split(delim)
        .map(|f| normalize(f.trim().trim_matches('"')))
        .collect()
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of `long-csv`, `open-sdg`, `world-bank`, `gapminder`, `xlsx`,
/// `sdmx-ml`, `sdmx-json`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown format `{0}`: expected one of long-csv, open-sdg, world-bank, gapminder, xlsx, sdmx-ml, sdmx-json"
)]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase().replace('_', "-");
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == t)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>().unwrap(), f);
        }
        assert_eq!("World_Bank".parse::<Format>().unwrap(), Format::WorldBank);
        assert!("sdmx".parse::<Format>().is_err());
    }

    #[test]
    fn detects_layouts_from_names_and_headers() {
        let d = Format::detect;
        assert_eq!(
            d("x.csv", b"indicator,area,period,value\n"),
            Some(Format::LongCsv)
        );
        assert_eq!(
            d("x.csv", b"SERIES;REF_AREA;TIME_PERIOD;OBS_VALUE\n"),
            Some(Format::LongCsv)
        );
        assert_eq!(
            d(
                "indicator_17-8-1.csv",
                b"\xEF\xBB\xBF\"Year\",\"Units\",\"Value\"\r\n"
            ),
            Some(Format::OpenSdg)
        );
        assert_eq!(
            d(
                "API_X.csv",
                b"\xEF\xBB\xBF\"Data Source\",\"World Development Indicators\",\n"
            ),
            Some(Format::WorldBank)
        );
        assert_eq!(
            d("p.csv", b"Country Name,Country Code,Year,Value\n"),
            Some(Format::WorldBank)
        );
        assert_eq!(
            d("g.csv", b"geo,time,internet_users\n"),
            Some(Format::Gapminder)
        );
        assert_eq!(
            d("ddf--datapoints--x--by--geo--time.csv", b""),
            Some(Format::Gapminder)
        );
        assert_eq!(d("book.xlsx", b"PK\x03\x04"), Some(Format::Xlsx));
        assert_eq!(d("upload", b"PK\x03\x04"), Some(Format::Xlsx));
        assert_eq!(d("renamed.csv", b"PK\x03\x04"), None);
        assert_eq!(d("x.csv", b"colour,shape\n"), None);
        assert_eq!(
            d(
                "KE1.xml",
                b"<?xml version='1.0'?>\n<!--c-->\n<message:StructureSpecificData xmlns:message=\"m\">"
            ),
            Some(Format::SdmxMl)
        );
        assert_eq!(
            d("t.XML", b"\xEF\xBB\xBF<GenericData><Header/>"),
            Some(Format::SdmxMl)
        );
        assert_eq!(d("s.xml", b"<mes:Structure xmlns:mes=\"m\">"), None);
        assert_eq!("SDMX-ML".parse::<Format>().unwrap(), Format::SdmxMl);
        assert_eq!(
            d(
                "data",
                b"\xEF\xBB\xBF{\"header\":{},\"structure\":{},\"dataSets\":[]}"
            ),
            Some(Format::SdmxJson)
        );
        assert_eq!(
            d(
                "m.json",
                b"{\"meta\":{},\"data\":{\"structures\":[],\"dataSets\":[]}}"
            ),
            Some(Format::SdmxJson)
        );
        assert_eq!(d("x.json", b"{\"a\":1}"), None);
        assert_eq!("sdmx_json".parse::<Format>().unwrap(), Format::SdmxJson);
    }
}
