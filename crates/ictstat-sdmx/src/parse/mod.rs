//! Parsing SDMX REST URLs of both grammars into [`Request`]s.
//!
//! The raw path and query string are parsed here rather than by the web framework because
//! SDMX gives `+` two meanings: in the path it is a literal (REST 1.5's OR), in the query it
//! is REST 2.x's AND (`c[TIME_PERIOD]=ge:2016+le:2021`), which form decoders turn into a
//! space. pysdmx also percent-encodes `* + , : [ ]` everywhere, so each path segment is
//! decoded after splitting on `/`.

mod data;
mod params;
mod structure;

use crate::error::SdmxError;
use crate::media::Api;
use crate::model::Dsd;
use crate::query::{ArtefactType, Request, VersionSel};
use data::{availability_v1, availability_v2, data_v1, data_v2};
use params::{Params, percent_decode};
use structure::{structure_v1, structure_v2};

/// Parses `path` (below the SDMX base, e.g. `data/DF_ICT/A..IT_USE_ii99`) and the raw query
/// string.
pub fn parse(path: &str, query: &str, dsd: &Dsd) -> Result<Request, SdmxError> {
    let segments: Vec<String> = path
        .trim_matches('/')
        .split('/')
        .map(percent_decode)
        .collect::<Result<_, _>>()?;
    // Trailing empty segments (pysdmx's trailing `/`) mean "default".
    let mut segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    while segments.last() == Some(&"") {
        segments.pop();
    }
    let params = Params::parse(query)?;
    let Some((&resource, rest)) = segments.split_first() else {
        return Err(SdmxError::syntax(
            "empty SDMX path: start with structure/, data/, availability/ (REST 2.x) or a \
             resource such as dataflow/, codelist/, data/, availableconstraint/ (REST 1.5)",
        ));
    };
    match resource {
        "structure" => structure_v2(rest, params),
        "data" if rest.first().is_some_and(|c| is_context(c)) => data_v2(rest, params, dsd),
        "data" => data_v1(rest, params, dsd),
        "availability" => availability_v2(rest, params, dsd),
        "availableconstraint" => availability_v1(rest, params, dsd),
        "schema" | "metadata" | "registration" => Err(SdmxError::not_implemented(format!(
            "{resource} queries are not implemented: ictstat serves structures, data and \
             availability"
        ))),
        other => match artefact_type(other, Api::V1) {
            Some(t) => structure_v1(t, rest, params),
            None => Err(SdmxError::syntax(format!(
                "`{other}` is not an SDMX REST resource"
            ))),
        },
    }
}

fn is_context(s: &str) -> bool {
    matches!(s, "dataflow" | "datastructure" | "provisionagreement" | "*")
}

/// The SDMX structure resource names of both grammars.
pub(super) fn artefact_type(name: &str, api: Api) -> Option<ArtefactType> {
    Some(match name {
        "datastructure" => ArtefactType::DataStructure,
        "dataflow" => ArtefactType::Dataflow,
        "codelist" => ArtefactType::Codelist,
        "conceptscheme" => ArtefactType::ConceptScheme,
        "structure" if api == Api::V1 => ArtefactType::Any,
        "*" if api == Api::V2 => ArtefactType::Any,
        "metadatastructure"
        | "categoryscheme"
        | "hierarchicalcodelist"
        | "organisationscheme"
        | "agencyscheme"
        | "dataproviderscheme"
        | "dataconsumerscheme"
        | "organisationunitscheme"
        | "metadataflow"
        | "reportingtaxonomy"
        | "provisionagreement"
        | "structureset"
        | "process"
        | "categorisation"
        | "contentconstraint"
        | "actualconstraint"
        | "allowedconstraint"
        | "attachmentconstraint"
        | "transformationscheme"
        | "rulesetscheme"
        | "userdefinedoperatorscheme"
        | "customtypescheme"
        | "namepersonalisationscheme"
        | "vtlmappingscheme" => ArtefactType::Other(name.to_string()),
        "hierarchy"
        | "hierarchyassociation"
        | "valuelist"
        | "dataconstraint"
        | "metadataconstraint"
        | "metadataprovisionagreement"
        | "structuremap"
        | "representationmap"
        | "conceptschememap"
        | "categoryschememap"
        | "organisationschememap"
        | "reportingtaxonomymap"
            if api == Api::V2 =>
        {
            ArtefactType::Other(name.to_string())
        }
        _ => return None,
    })
}

/// REST 2.x version selectors: `~` and `+` (latest), `*` (all), semantic-version wildcards
/// (which, with one version per artefact, select it), or a list.
pub(super) fn version_v2(v: Option<&str>) -> VersionSel {
    match v {
        None | Some("~") | Some("+") | Some("latest") => VersionSel::Latest,
        Some("*") => VersionSel::All,
        Some(v) if v.contains(['+', '~', '*']) => VersionSel::Latest,
        Some(v) => VersionSel::Exact(v.split(',').map(str::to_string).collect()),
    }
}

pub(super) fn too_many(rest: &[&str], max: usize, grammar: &str) -> Result<(), SdmxError> {
    if rest.len() > max {
        Err(SdmxError::syntax(format!(
            "too many path segments: the grammar is {grammar}"
        )))
    } else {
        Ok(())
    }
}
