//! SDMX REST queries, as parsed from either URL grammar (REST 1.5 and 2.x).
//!
//! The parser (`parse`) fills these types; the structure resolver and the data filter consume
//! them. Both grammars map onto the same types, so the rest of the crate never sees the URL.

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
