//! What the SDMX-ML and SDMX-JSON writers share: artefact classes, URNs and the walk over the
//! DSD's components with their representations and attribute relationships.

use ictstat_core::catalog::Code;

use super::select::{Detail, Selected, SelectedScheme};
use crate::model::{
    AttachmentLevel, AttributeDef, Concept, Dataflow, DimensionDef, Dsd, Ref, Registry,
    SdmxCodelist,
};

/// The natural language of every name ictstat writes.
pub const LANG: &str = "en";

/// The name of the concept scheme (the registry keeps only its identity).
pub const CONCEPT_SCHEME_NAME: &str = "SDG concepts";

/// An SDMX information-model class: SDMX-ML `Ref` attributes and the URN prefix.
#[derive(Debug, Clone, Copy)]
pub struct Class {
    pub class: &'static str,
    pub package: &'static str,
}

pub const DATAFLOW: Class = Class {
    class: "Dataflow",
    package: "datastructure",
};
pub const DATA_STRUCTURE: Class = Class {
    class: "DataStructure",
    package: "datastructure",
};
pub const CODELIST: Class = Class {
    class: "Codelist",
    package: "codelist",
};
pub const CODE: Class = Class {
    class: "Code",
    package: "codelist",
};
pub const CONCEPT_SCHEME: Class = Class {
    class: "ConceptScheme",
    package: "conceptscheme",
};
pub const CONCEPT: Class = Class {
    class: "Concept",
    package: "conceptscheme",
};
/// SDMX 3.0's name for the constraint, which SDMX-JSON 2.0 URNs use.
pub const DATA_CONSTRAINT: Class = Class {
    class: "DataConstraint",
    package: "registry",
};
pub const CONTENT_CONSTRAINT: Class = Class {
    class: "ContentConstraint",
    package: "registry",
};

impl Class {
    /// The URN of a maintainable artefact of this class.
    pub fn urn(self, r: &Ref) -> String {
        r.urn(&format!("{}.{}", self.package, self.class))
    }

    /// The URN of an item (code, concept) of the scheme `scheme`.
    pub fn item_urn(self, scheme: &Ref, id: &str) -> String {
        format!("{}.{id}", self.urn(scheme))
    }
}

/// A `Ref` to a sibling artefact: same agency and version as `like`.
pub fn sibling(like: &Ref, id: &str) -> Ref {
    Ref {
        id: id.to_string(),
        ..like.clone()
    }
}

/// How a component's values are represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repr {
    /// Coded by the codelist with this id (agency and version of the DSD).
    Codelist(&'static str),
    /// Free values of this SDMX data type.
    Text(&'static str),
}

/// What an attribute is attached to.
#[derive(Debug, Clone, Copy)]
pub enum Relation<'a> {
    /// Series-level: related to every key dimension.
    Dimensions(&'a [DimensionDef]),
    /// Observation-level: related to the primary measure.
    PrimaryMeasure,
}

/// The time dimension's format: any SDMX period.
pub const TIME_FORMAT: &str = "ObservationalTimePeriod";

/// OBS_VALUE's format.
pub const MEASURE_FORMAT: &str = "Double";

/// The representation of an attribute: its codelist, else numbers for the bounds and the
/// standard error and text for the rest.
pub fn attribute_repr(a: &AttributeDef) -> Repr {
    match (a.codelist, a.id) {
        (Some(cl), _) => Repr::Codelist(cl),
        (None, "LOWER_BOUND" | "UPPER_BOUND" | "STD_ERROR") => Repr::Text("Double"),
        (None, _) => Repr::Text("String"),
    }
}

pub fn attribute_relation<'a>(dsd: &'a Dsd, a: &AttributeDef) -> Relation<'a> {
    match a.level {
        AttachmentLevel::Series => Relation::Dimensions(&dsd.dimensions),
        AttachmentLevel::Observation => Relation::PrimaryMeasure,
    }
}

/// The URN of a concept of the concept scheme.
pub fn concept_urn(registry: &Registry, id: &str) -> String {
    CONCEPT.item_urn(&registry.concept_scheme, id)
}

/// The URN of a codelist of the DSD.
pub fn codelist_urn(registry: &Registry, id: &str) -> String {
    CODELIST.urn(&sibling(&registry.dsd.r#ref, id))
}

/// The identity, names and detail of a maintainable artefact, as both writers open it.
#[derive(Debug, Clone, Copy)]
pub struct Head<'a> {
    /// Also the SDMX-ML element name.
    pub class: Class,
    pub r#ref: &'a Ref,
    pub name: &'a str,
    pub description: &'a str,
    pub detail: Detail,
}

impl<'a> Head<'a> {
    /// The description to write: not in plain stubs, and never empty.
    pub fn description(&self) -> Option<&'a str> {
        (self.detail != Detail::Stub && !self.description.is_empty()).then_some(self.description)
    }
}

pub fn dataflow_head<'a>(s: &Selected<'a, Dataflow>) -> Head<'a> {
    let df = s.artefact;
    Head {
        class: DATAFLOW,
        r#ref: &df.r#ref,
        name: &df.name,
        description: &df.description,
        detail: s.detail,
    }
}

pub fn dsd_head<'a>(s: &Selected<'a, Dsd>) -> Head<'a> {
    let dsd = s.artefact;
    Head {
        class: DATA_STRUCTURE,
        r#ref: &dsd.r#ref,
        name: &dsd.name,
        description: "",
        detail: s.detail,
    }
}

pub fn codelist_head<'a>(s: &SelectedScheme<'a, SdmxCodelist, Code>) -> Head<'a> {
    let cl = s.artefact;
    Head {
        class: CODELIST,
        r#ref: &cl.r#ref,
        name: &cl.name,
        description: &cl.description,
        detail: s.detail,
    }
}

pub fn concept_scheme_head<'a>(s: &SelectedScheme<'a, Ref, Concept>) -> Head<'a> {
    Head {
        class: CONCEPT_SCHEME,
        r#ref: s.artefact,
        name: CONCEPT_SCHEME_NAME,
        description: "",
        detail: s.detail,
    }
}
