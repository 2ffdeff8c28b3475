//! Structure queries of both grammars.

use super::params::Params;
use super::{artefact_type, too_many, version_v2};
use crate::error::SdmxError;
use crate::media::Api;
use crate::query::{
    ArtefactType, References, Request, StructureDetail, StructureQuery, VersionSel,
};

pub(super) fn structure_v1(
    artefact: ArtefactType,
    rest: &[&str],
    mut p: Params,
) -> Result<Request, SdmxError> {
    too_many(
        rest,
        4,
        "{resource}/{agencyID}/{resourceID}/{version}/{itemID}",
    )?;
    let list = |i: usize, all: &str| -> Vec<String> {
        match rest.get(i) {
            None => Vec::new(),
            Some(s) if *s == all => Vec::new(),
            Some(s) => s.split('+').map(str::to_string).collect(),
        }
    };
    let versions = match rest.get(2) {
        None | Some(&"latest") => VersionSel::Latest,
        Some(&"all") => VersionSel::All,
        Some(v) => VersionSel::Exact(v.split('+').map(str::to_string).collect()),
    };
    let query = StructureQuery {
        artefact,
        agencies: list(0, "all"),
        ids: list(1, "all"),
        versions,
        items: list(3, "all"),
        detail: structure_detail(p.take("detail"))?,
        references: references(p.take("references"), Api::V1)?,
    };
    let format = p.take("format");
    p.finish(&["detail", "references", "format"])?;
    Ok(Request::Structure {
        api: Api::V1,
        query,
        format,
    })
}

pub(super) fn structure_v2(rest: &[&str], mut p: Params) -> Result<Request, SdmxError> {
    too_many(
        rest,
        5,
        "structure/{artefactType}/{agencyID}/{resourceID}/{version}/{itemID}",
    )?;
    let artefact = match rest.first() {
        None => ArtefactType::Any,
        Some(t) => artefact_type(t, Api::V2)
            .ok_or_else(|| SdmxError::syntax(format!("`{t}` is not an SDMX structure type")))?,
    };
    let list = |i: usize| -> Vec<String> {
        match rest.get(i) {
            None | Some(&"*") => Vec::new(),
            Some(s) => s.split(',').map(str::to_string).collect(),
        }
    };
    let versions = version_v2(rest.get(3).copied());
    let query = StructureQuery {
        artefact,
        agencies: list(1),
        ids: list(2),
        versions,
        items: list(4),
        detail: structure_detail(p.take("detail"))?,
        references: references(p.take("references"), Api::V2)?,
    };
    let format = p.take("format");
    if p.take("asOf").is_some() {
        return Err(SdmxError::not_implemented(
            "asOf on structure queries: ictstat publishes one version of each structure",
        ));
    }
    p.finish(&["detail", "references", "format", "asOf"])?;
    Ok(Request::Structure {
        api: Api::V2,
        query,
        format,
    })
}

fn structure_detail(v: Option<String>) -> Result<StructureDetail, SdmxError> {
    Ok(match v.as_deref() {
        None | Some("full") => StructureDetail::Full,
        Some("allstubs") => StructureDetail::AllStubs,
        Some("referencestubs") => StructureDetail::ReferenceStubs,
        Some("referencepartial") => StructureDetail::ReferencePartial,
        Some("allcompletestubs") => StructureDetail::AllCompleteStubs,
        Some("referencecompletestubs") => StructureDetail::ReferenceCompleteStubs,
        Some("raw") => StructureDetail::Full,
        Some(other) => {
            return Err(SdmxError::syntax(format!(
                "detail `{other}` is not one of full, allstubs, referencestubs, \
                 referencepartial, allcompletestubs, referencecompletestubs, raw"
            )));
        }
    })
}

pub(super) fn references(v: Option<String>, api: Api) -> Result<References, SdmxError> {
    Ok(match v.as_deref() {
        None | Some("none") => References::None,
        Some("parents") => References::Parents,
        Some("parentsandsiblings") => References::ParentsAndSiblings,
        Some("children") => References::Children,
        Some("descendants") => References::Descendants,
        Some("ancestors") => References::Ancestors,
        Some("all") => References::All,
        Some(t) => match artefact_type(t, api) {
            Some(t) => References::Type(t),
            None => {
                return Err(SdmxError::syntax(format!(
                    "references `{t}` is not none, parents, parentsandsiblings, children, \
                     descendants, ancestors, all or an artefact type"
                )));
            }
        },
    })
}
