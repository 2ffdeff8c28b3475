//! SDMX REST queries, as parsed from either URL grammar (REST 1.5 and 2.x).
//!
//! The parser (`parse`) fills these types; the structure resolver and the data filter consume
//! them. Both grammars map onto the same types, so the rest of the crate never sees the URL.

pub use crate::data::{AtObservation, Detail};

/// Artefact types that can be asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArtefactType {
    DataStructure,
    Dataflow,
    Codelist,
    ConceptScheme,
    /// `structure` (1.5) or `*` (2.x): every type.
    Any,
    /// A standard SDMX type ictstat does not publish (category schemes, hierarchies…): the
    /// query is valid and has no results.
    Other(String),
}

/// Which versions a structure query selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSel {
    /// `all` / `*`.
    All,
    /// `latest`, `~`, `+` or omitted: ictstat publishes one version of each artefact.
    Latest,
    /// Explicit versions.
    Exact(Vec<String>),
}

impl VersionSel {
    pub fn matches(&self, version: &str) -> bool {
        match self {
            VersionSel::All | VersionSel::Latest => true,
            VersionSel::Exact(v) => v.iter().any(|x| x == version),
        }
    }
}

/// `detail` of a structure query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StructureDetail {
    #[default]
    Full,
    AllStubs,
    ReferenceStubs,
    ReferencePartial,
    AllCompleteStubs,
    ReferenceCompleteStubs,
}

/// `references` of a structure query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum References {
    #[default]
    None,
    Parents,
    ParentsAndSiblings,
    Children,
    Descendants,
    Ancestors,
    All,
    /// A concrete artefact type (`codelist`, `datastructure`…).
    Type(ArtefactType),
}

/// A structure query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureQuery {
    pub artefact: ArtefactType,
    /// Agency ids; empty means all.
    pub agencies: Vec<String>,
    /// Artefact ids; empty means all.
    pub ids: Vec<String>,
    pub versions: VersionSel,
    /// Item ids (codes of a codelist, concepts of a scheme); empty means all.
    pub items: Vec<String>,
    pub detail: StructureDetail,
    pub references: References,
}

impl StructureQuery {
    /// Everything of one type, as `/codelist` or `/structure/codelist` asks.
    pub fn all(artefact: ArtefactType) -> StructureQuery {
        StructureQuery {
            artefact,
            agencies: Vec::new(),
            ids: Vec::new(),
            versions: VersionSel::Latest,
            items: Vec::new(),
            detail: StructureDetail::Full,
            references: References::None,
        }
    }
}

/// Which dataflows a data or availability query names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowSel {
    /// Agency ids; empty means all.
    pub agencies: Vec<String>,
    /// Dataflow ids; empty means all (answered as the dataflow of all data).
    pub ids: Vec<String>,
    pub version: VersionSel,
    /// REST 2.x context `datastructure`: the id names the DSD rather than a dataflow.
    pub by_structure: bool,
}

/// One series key pattern: for each of the DSD's key dimensions, the codes it may take
/// (`None` = any).
pub type KeyPattern = Vec<Option<Vec<String>>>;

/// A comparison operator of a `c[COMPONENT]=` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// contains
    Co,
    /// does not contain
    Nc,
    /// starts with
    Sw,
    /// ends with
    Ew,
}

/// `c[COMPONENT]=…`: alternatives (`,`) of conjunctions (`+`) of comparisons.
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentFilter {
    pub component: String,
    pub any_of: Vec<Vec<(Op, String)>>,
}

/// A data (or availability) query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataQuery {
    pub flow: FlowSel,
    /// Alternatives; empty means every key.
    pub keys: Vec<KeyPattern>,
    pub filters: Vec<ComponentFilter>,
    pub start_period: Option<String>,
    pub end_period: Option<String>,
    /// xs:dateTime as given.
    pub updated_after: Option<String>,
    /// The data as it was at this time (REST 2.2 `asOf`).
    pub as_of: Option<String>,
    pub first_n: Option<usize>,
    pub last_n: Option<usize>,
    pub at_observation: AtObservation,
    pub detail: Detail,
    /// `format=` (a download link's way of choosing the format).
    pub format: Option<String>,
}

impl Default for FlowSel {
    fn default() -> Self {
        FlowSel {
            agencies: Vec::new(),
            ids: Vec::new(),
            version: VersionSel::Latest,
            by_structure: false,
        }
    }
}

/// `mode` of an availability query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AvailabilityMode {
    /// The values of the data the query returns.
    #[default]
    Exact,
    /// The values that could be added to the query and still return data.
    Available,
}

/// A parsed SDMX REST request.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Structure {
        api: crate::media::Api,
        query: StructureQuery,
        format: Option<String>,
    },
    Data {
        api: crate::media::Api,
        query: DataQuery,
    },
    Availability {
        api: crate::media::Api,
        query: DataQuery,
        /// Limit the answer to one dimension.
        component: Option<String>,
        mode: AvailabilityMode,
        references: References,
    },
}
