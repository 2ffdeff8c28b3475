//! The SDMX structures ictstat publishes, generated from the catalogue.
//!
//! One data structure definition covers all data. It is the SDG DSD 1.4 (IAEG-SDGs:SDG(1.4)):
//! the same fifteen dimensions in the same order, then TIME_PERIOD, the measure OBS_VALUE and
//! the SDG attributes that ictstat stores (plus STD_ERROR, which the SDG DSD lacks and survey
//! estimates need). Using the SDG layout means a message from the UN SDG database or a national
//! SDG platform maps onto ictstat key for key, and ictstat's answers read like theirs.
//!
//! Every artefact is maintained by the configured agency. The codelists of the breakdown
//! dimensions and attributes are the SDG codelists re-published under that agency (their
//! descriptions say so); CL_SERIES and CL_AREA are built from the catalogue's own indicators and
//! areas, because ictstat holds series and groups that the SDG lists do not.

use ictstat_core::catalog::Code;
use ictstat_core::{Catalog, Dimension};

/// The id of the time dimension.
pub const TIME_PERIOD: &str = "TIME_PERIOD";

/// The id of the primary measure.
pub const OBS_VALUE: &str = "OBS_VALUE";

/// Who maintains the published structures.
#[derive(Debug, Clone)]
pub struct Config {
    /// Agency id (`ICTSTAT` by default; an office publishing its own platform sets its own).
    pub agency: String,
    /// Human-readable agency name for message headers.
    pub agency_name: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            agency: "ICTSTAT".into(),
            agency_name: "ictstat".into(),
        }
    }
}

/// The identity of a maintainable artefact: `AGENCY:ID(VERSION)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ref {
    pub agency: String,
    pub id: String,
    pub version: String,
}

impl Ref {
    fn new(agency: &str, id: &str) -> Ref {
        Ref {
            agency: agency.to_string(),
            id: id.to_string(),
            version: VERSION.to_string(),
        }
    }

    /// `AGENCY:ID(VERSION)`, the form SDMX-CSV and URNs use.
    pub fn triplet(&self) -> String {
        format!("{}:{}({})", self.agency, self.id, self.version)
    }

    /// The SDMX URN of the artefact; `class` is e.g. `datastructure.DataStructure`.
    pub fn urn(&self, class: &str) -> String {
        format!("urn:sdmx:org.sdmx.infomodel.{class}={}", self.triplet())
    }
}

/// The version of every artefact ictstat publishes. Structures change with the catalogue, which
/// is versioned by the repository; SDMX versions would only matter once a registry outside
/// holds ours, and then the catalogue's revision will become this number.
const VERSION: &str = "1.0";

/// A dimension of the DSD.
#[derive(Debug, Clone)]
pub struct DimensionDef {
    pub id: &'static str,
    /// The id of the codelist (same agency and version as the DSD).
    pub codelist: &'static str,
    /// 1-based position, as in SDMX-ML.
    pub position: usize,
}

/// Where an attribute attaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentLevel {
    /// To the series (related to every dimension but time).
    Series,
    /// To each observation (related to the primary measure).
    Observation,
}

/// An attribute of the DSD.
#[derive(Debug, Clone)]
pub struct AttributeDef {
    pub id: &'static str,
    /// Coded attributes name their codelist; the others are free text or numbers.
    pub codelist: Option<&'static str>,
    pub mandatory: bool,
    pub level: AttachmentLevel,
}

/// The data structure definition.
#[derive(Debug, Clone)]
pub struct Dsd {
    pub r#ref: Ref,
    pub name: String,
    /// The fifteen key dimensions in SDG DSD order (TIME_PERIOD is not among them).
    pub dimensions: Vec<DimensionDef>,
    pub attributes: Vec<AttributeDef>,
}

impl Dsd {
    /// The position (0-based, TIME_PERIOD excluded) of a dimension id.
    pub fn dimension_index(&self, id: &str) -> Option<usize> {
        self.dimensions.iter().position(|d| d.id == id)
    }

    pub fn attribute_index(&self, id: &str) -> Option<usize> {
        self.attributes.iter().position(|a| a.id == id)
    }
}

/// The ids of the key dimensions, in DSD order.
pub const KEY_DIMENSIONS: [&str; 15] = [
    "FREQ",
    "REPORTING_TYPE",
    "SERIES",
    "REF_AREA",
    "SEX",
    "AGE",
    "URBANISATION",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
];

/// Index of the first breakdown dimension in [`KEY_DIMENSIONS`]: the eleven after it follow
/// `Dimension::ALL`.
pub const FIRST_BREAKDOWN: usize = 4;

/// Attribute ids in the order messages list them.
pub mod attr {
    pub const UNIT_MEASURE: usize = 0;
    pub const UNIT_MULT: usize = 1;
    pub const OBS_STATUS: usize = 2;
    pub const NATURE: usize = 3;
    pub const SOURCE_DETAIL: usize = 4;
    pub const COMMENT_OBS: usize = 5;
    pub const LOWER_BOUND: usize = 6;
    pub const UPPER_BOUND: usize = 7;
    pub const STD_ERROR: usize = 8;
    pub const COUNT: usize = 9;
}

fn attributes() -> Vec<AttributeDef> {
    use AttachmentLevel::{Observation, Series};
    let a = |id, codelist, mandatory, level| AttributeDef {
        id,
        codelist,
        mandatory,
        level,
    };
    vec![
        a("UNIT_MEASURE", Some("CL_UNIT_MEASURE"), true, Series),
        // Conditional, unlike in the SDG DSD: ictstat keeps a multiplier only where the source
        // gave one; the indicator's own is in the catalogue (`unit_mult`, 0 for every series).
        a("UNIT_MULT", Some("CL_UNIT_MULT"), false, Observation),
        a("OBS_STATUS", Some("CL_OBS_STATUS"), false, Observation),
        a("NATURE", Some("CL_NATURE"), false, Observation),
        a("SOURCE_DETAIL", None, false, Observation),
        a("COMMENT_OBS", None, false, Observation),
        a("LOWER_BOUND", None, false, Observation),
        a("UPPER_BOUND", None, false, Observation),
        a("STD_ERROR", None, false, Observation),
    ]
}

fn dimension_codelist(id: &str) -> &'static str {
    match id {
        "FREQ" => "CL_FREQ",
        "REPORTING_TYPE" => "CL_REPORTING_TYPE",
        "SERIES" => "CL_SERIES",
        "REF_AREA" => "CL_AREA",
        other => other
            .parse::<Dimension>()
            .map(Dimension::codelist)
            .expect("every key dimension after REF_AREA is a breakdown dimension"),
    }
}

/// A concept of the concept scheme.
#[derive(Debug, Clone)]
pub struct Concept {
    pub id: &'static str,
    pub name: &'static str,
}

/// The concepts, with the names the SDG concept scheme gives them.
pub const CONCEPTS: [Concept; 26] = {
    const fn c(id: &'static str, name: &'static str) -> Concept {
        Concept { id, name }
    }
    [
        c("FREQ", "Frequency of observation"),
        c("REPORTING_TYPE", "Reporting type"),
        c("SERIES", "SDG series"),
        c("REF_AREA", "Reference area"),
        c("SEX", "Sex"),
        c("AGE", "Age"),
        c("URBANISATION", "Urbanisation / Location"),
        c("INCOME_WEALTH_QUANTILE", "Quantile"),
        c("EDUCATION_LEV", "Education level"),
        c("OCCUPATION", "Occupation"),
        c("CUST_BREAKDOWN", "Custom breakdown"),
        c("COMPOSITE_BREAKDOWN", "Composite breakdown"),
        c("DISABILITY_STATUS", "Disability status"),
        c("ACTIVITY", "Activity"),
        c("PRODUCT", "Product"),
        c("TIME_PERIOD", "Time period"),
        c("OBS_VALUE", "Observation value"),
        c("UNIT_MEASURE", "Unit of measure"),
        c("UNIT_MULT", "Unit multiplier"),
        c("OBS_STATUS", "Observation status"),
        c("NATURE", "Nature of data"),
        c("SOURCE_DETAIL", "Source details"),
        c("COMMENT_OBS", "Observation comment"),
        c("LOWER_BOUND", "Lower bound"),
        c("UPPER_BOUND", "Upper bound"),
        c("STD_ERROR", "Standard error"),
    ]
};

/// A codelist as published: the catalogue's codes under our agency.
#[derive(Debug, Clone)]
pub struct SdmxCodelist {
    pub r#ref: Ref,
    pub name: String,
    pub description: String,
    pub codes: Vec<Code>,
}

/// A dataflow: a named view of the DSD, limited to some series.
#[derive(Debug, Clone)]
pub struct Dataflow {
    pub r#ref: Ref,
    pub name: String,
    pub description: String,
    /// The series (indicator codes) this dataflow holds; `None` means all.
    pub series: Option<Vec<String>>,
}

impl Dataflow {
    /// Whether data of this indicator belongs to the dataflow.
    pub fn holds(&self, indicator: &str) -> bool {
        self.series
            .as_ref()
            .is_none_or(|s| s.iter().any(|c| c == indicator))
    }
}

/// Every structure ictstat publishes.
#[derive(Debug, Clone)]
pub struct Registry {
    pub config: Config,
    pub dsd: Dsd,
    /// The concept scheme's identity (`SDG_CONCEPTS`, as in the SDG DSD).
    pub concept_scheme: Ref,
    pub codelists: Vec<SdmxCodelist>,
    pub dataflows: Vec<Dataflow>,
}

/// The id of the dataflow of all data.
pub const ALL_DATA: &str = "DF_ICT";

impl Registry {
    /// Builds the structures from the catalogue.
    pub fn build(catalog: &Catalog, config: Config) -> Registry {
        let agency = config.agency.as_str();
        let dimensions = KEY_DIMENSIONS
            .iter()
            .enumerate()
            .map(|(i, id)| DimensionDef {
                id,
                codelist: dimension_codelist(id),
                position: i + 1,
            })
            .collect::<Vec<_>>();
        let attributes = attributes();
        let dsd = Dsd {
            r#ref: Ref::new(agency, "DSD_ICT"),
            name: "ICT indicators (SDG DSD 1.4 layout)".into(),
            dimensions,
            attributes,
        };
        let mut wanted: Vec<&str> = dsd.dimensions.iter().map(|d| d.codelist).collect();
        wanted.extend(dsd.attributes.iter().filter_map(|a| a.codelist));
        let codelists = wanted
            .into_iter()
            .map(|id| codelist(catalog, agency, id))
            .collect();
        let mut dataflows = vec![Dataflow {
            r#ref: Ref::new(agency, ALL_DATA),
            name: "All ICT data".into(),
            description: "Every series ictstat holds.".into(),
            series: None,
        }];
        dataflows.extend(catalog.frameworks.iter().map(|f| {
            let mut series: Vec<String> = f
                .items
                .iter()
                .flat_map(|i| i.indicators.iter().cloned())
                .collect();
            series.sort();
            series.dedup();
            Dataflow {
                r#ref: Ref::new(agency, &format!("DF_{}", f.id)),
                name: f.name.clone(),
                description: f.description.clone(),
                series: Some(series),
            }
        }));
        Registry {
            dsd,
            concept_scheme: Ref::new(agency, "SDG_CONCEPTS"),
            codelists,
            dataflows,
            config,
        }
    }

    pub fn codelist(&self, id: &str) -> Option<&SdmxCodelist> {
        self.codelists.iter().find(|c| c.r#ref.id == id)
    }

    pub fn dataflow(&self, id: &str) -> Option<&Dataflow> {
        self.dataflows.iter().find(|d| d.r#ref.id == id)
    }
}

/// One published codelist: SERIES and AREA from the catalogue, FREQ and REPORTING_TYPE
/// restricted to what ictstat holds, the others copied from the SDG DSD 1.4.
fn codelist(catalog: &Catalog, agency: &str, id: &str) -> SdmxCodelist {
    let code = |id: &str, name: &str| Code {
        id: id.to_string(),
        name: name.to_string(),
        parent: None,
    };
    let (name, description, codes) = match id {
        "CL_SERIES" => (
            "Series".to_string(),
            "The series of the ictstat catalogue: UN SDG series codes where one exists, \
             otherwise World Bank or ictstat codes."
                .to_string(),
            catalog
                .indicators
                .iter()
                .map(|i| code(&i.code, &i.name))
                .collect(),
        ),
        "CL_AREA" => (
            "Reference areas".to_string(),
            "Countries, areas and groups by UN M49 code, as in the ictstat catalogue.".to_string(),
            catalog
                .areas
                .iter()
                .map(|a| code(&a.code, &a.name))
                .collect(),
        ),
        _ => {
            let sdg = catalog.codelists.get(id);
            let codes = sdg.map(|c| c.codes.clone()).unwrap_or_default();
            let codes = match id {
                // The frequencies a period in basic time format can have (see `row::frequency`).
                "CL_FREQ" => codes
                    .into_iter()
                    .filter(|c| matches!(c.id.as_str(), "A" | "S" | "Q" | "M"))
                    .collect(),
                _ => codes,
            };
            (
                codelist_name(id).to_string(),
                match sdg {
                    Some(c) => format!(
                        "The codes of {}:{}({}) of the SDG DSD 1.4.",
                        c.agency, c.id, c.version
                    ),
                    None => String::new(),
                },
                codes,
            )
        }
    };
    SdmxCodelist {
        r#ref: Ref::new(agency, id),
        name,
        description,
        codes,
    }
}

fn codelist_name(id: &str) -> &'static str {
    match id {
        "CL_FREQ" => "Frequency",
        "CL_REPORTING_TYPE" => "Reporting type",
        "CL_SEX" => "Sex",
        "CL_AGE" => "Age",
        "CL_URBANISATION" => "Urbanisation",
        "CL_QUANTILE" => "Income or wealth quantile",
        "CL_EDUCATION_LEV" => "Education level",
        "CL_OCCUPATION" => "Occupation",
        "CL_CUST_BREAKDOWN" => "Custom breakdown",
        "CL_COMP_BREAKDOWN" => "Composite breakdown",
        "CL_DISABILITY" => "Disability status",
        "CL_ACTIVITY" => "Activity",
        "CL_PRODUCT" => "Product",
        "CL_UNIT_MEASURE" => "Unit of measure",
        "CL_UNIT_MULT" => "Unit multiplier",
        "CL_OBS_STATUS" => "Observation status",
        "CL_NATURE" => "Nature of data",
        _ => "Codelist",
    }
}
