//! The SDMX message formats ictstat writes, with their media types.

/// Data message formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    /// SDMX-ML 2.1 GenericData: the REST 1.5 default.
    GenericXml,
    /// SDMX-ML 2.1 StructureSpecificData.
    StructureSpecificXml,
    /// SDMX-JSON 1.0 data (what sdmx1 reads).
    Json1,
    /// SDMX-JSON 2.0 data: the REST 2.x default.
    Json2,
    /// SDMX-CSV 1.0 (`DATAFLOW` column).
    Csv1,
    /// SDMX-CSV 2.0 (`STRUCTURE`, `STRUCTURE_ID`, `ACTION` columns).
    Csv2,
}

impl DataFormat {
    /// The exact media type for `Content-Type`, without parameters clients do not expect
    /// (the npm `sdmx-rest` client compares it string-for-string with what it asked for).
    pub fn media_type(self) -> &'static str {
        match self {
            DataFormat::GenericXml => "application/vnd.sdmx.genericdata+xml;version=2.1",
            DataFormat::StructureSpecificXml => {
                "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
            }
            DataFormat::Json1 => "application/vnd.sdmx.data+json;version=1.0.0",
            DataFormat::Json2 => "application/vnd.sdmx.data+json;version=2.0.0",
            DataFormat::Csv1 => "application/vnd.sdmx.data+csv;version=1.0.0",
            DataFormat::Csv2 => "application/vnd.sdmx.data+csv;version=2.0.0",
        }
    }

    /// File extension for downloads and `export`.
    pub fn extension(self) -> &'static str {
        match self {
            DataFormat::GenericXml | DataFormat::StructureSpecificXml => "xml",
            DataFormat::Json1 | DataFormat::Json2 => "json",
            DataFormat::Csv1 | DataFormat::Csv2 => "csv",
        }
    }
}

/// Structure (and availability) message formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructureFormat {
    /// SDMX-ML 2.1 Structure: the REST 1.5 default.
    Xml21,
    /// SDMX-JSON 2.0.0 structure: the REST 2.x default (pysdmx's registry client).
    Json2,
}

impl StructureFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            StructureFormat::Xml21 => "application/vnd.sdmx.structure+xml;version=2.1",
            StructureFormat::Json2 => "application/vnd.sdmx.structure+json;version=2.0.0",
        }
    }
}
