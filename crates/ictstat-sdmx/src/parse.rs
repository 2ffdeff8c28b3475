//! Parsing SDMX REST URLs of both grammars into [`Request`]s.
//!
//! The raw path and query string are parsed here rather than by the web framework because
//! SDMX gives `+` two meanings: in the path it is a literal (REST 1.5's OR), in the query it
//! is REST 2.x's AND (`c[TIME_PERIOD]=ge:2016+le:2021`), which form decoders turn into a
//! space. pysdmx also percent-encodes `* + , : [ ]` everywhere, so each path segment is
//! decoded after splitting on `/`.

use crate::error::{ErrorKind, SdmxError};
use crate::media::Api;
use crate::model::{Dsd, OBS_VALUE, TIME_PERIOD};
use crate::query::{
    ArtefactType, AtObservation, AvailabilityMode, ComponentFilter, DataQuery, Detail, FlowSel,
    KeyPattern, Op, References, Request, StructureDetail, StructureQuery, VersionSel,
};

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
fn artefact_type(name: &str, api: Api) -> Option<ArtefactType> {
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

// ---------------------------------------------------------------------------------------------
// Structure queries
// ---------------------------------------------------------------------------------------------

fn structure_v1(
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

fn structure_v2(rest: &[&str], mut p: Params) -> Result<Request, SdmxError> {
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

/// REST 2.x version selectors: `~` and `+` (latest), `*` (all), semantic-version wildcards
/// (which, with one version per artefact, select it), or a list.
fn version_v2(v: Option<&str>) -> VersionSel {
    match v {
        None | Some("~") | Some("+") | Some("latest") => VersionSel::Latest,
        Some("*") => VersionSel::All,
        Some(v) if v.contains(['+', '~', '*']) => VersionSel::Latest,
        Some(v) => VersionSel::Exact(v.split(',').map(str::to_string).collect()),
    }
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

fn references(v: Option<String>, api: Api) -> Result<References, SdmxError> {
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

// ---------------------------------------------------------------------------------------------
// Data and availability queries
// ---------------------------------------------------------------------------------------------

const DATA_PARAMS: [&str; 14] = [
    "startPeriod",
    "endPeriod",
    "updatedAfter",
    "firstNObservations",
    "lastNObservations",
    "dimensionAtObservation",
    "detail",
    "includeHistory",
    "attributes",
    "measures",
    "asOf",
    "format",
    "mode",
    "references",
];

fn data_v1(rest: &[&str], p: Params, dsd: &Dsd) -> Result<Request, SdmxError> {
    too_many(rest, 3, "data/{flowRef}/{key}/{providerRef}")?;
    let flow = flow_ref(rest.first().copied())?;
    let keys = key_v1(rest.get(1).copied(), dsd)?;
    provider(rest.get(2).copied())?;
    let (query, p) = data_query(flow, keys, p, dsd, Api::V1)?;
    p.finish(&DATA_PARAMS[..12])?;
    Ok(Request::Data {
        api: Api::V1,
        query,
    })
}

fn data_v2(rest: &[&str], p: Params, dsd: &Dsd) -> Result<Request, SdmxError> {
    too_many(
        rest,
        5,
        "data/{context}/{agencyID}/{resourceID}/{version}/{key}",
    )?;
    let flow = flow_v2(rest)?;
    let keys = key_v2(rest.get(4).copied(), dsd)?;
    let (query, p) = data_query(flow, keys, p, dsd, Api::V2)?;
    p.finish(&DATA_PARAMS[..12])?;
    Ok(Request::Data {
        api: Api::V2,
        query,
    })
}

fn availability_v1(rest: &[&str], p: Params, dsd: &Dsd) -> Result<Request, SdmxError> {
    too_many(
        rest,
        4,
        "availableconstraint/{flowRef}/{key}/{providerRef}/{componentID}",
    )?;
    let flow = flow_ref(rest.first().copied())?;
    let keys = key_v1(rest.get(1).copied(), dsd)?;
    provider(rest.get(2).copied())?;
    availability(flow, keys, rest.get(3).copied(), p, dsd, Api::V1)
}

fn availability_v2(rest: &[&str], p: Params, dsd: &Dsd) -> Result<Request, SdmxError> {
    too_many(
        rest,
        6,
        "availability/{context}/{agencyID}/{resourceID}/{version}/{key}/{componentID}",
    )?;
    let flow = flow_v2(rest)?;
    let keys = key_v2(rest.get(4).copied(), dsd)?;
    availability(flow, keys, rest.get(5).copied(), p, dsd, Api::V2)
}

fn availability(
    flow: FlowSel,
    keys: Vec<KeyPattern>,
    component: Option<&str>,
    p: Params,
    dsd: &Dsd,
    api: Api,
) -> Result<Request, SdmxError> {
    let component = match component {
        None | Some("all") | Some("*") => None,
        Some(c) if dsd.dimension_index(c).is_some() || c == TIME_PERIOD => Some(c.to_string()),
        Some(c) => {
            return Err(SdmxError::semantic(format!(
                "component `{c}` is not a dimension of {}",
                dsd.r#ref.triplet()
            )));
        }
    };
    let (query, mut p) = data_query(flow, keys, p, dsd, api)?;
    let mode = match p.take("mode").as_deref() {
        None | Some("exact") => AvailabilityMode::Exact,
        Some("available") => AvailabilityMode::Available,
        Some(other) => {
            return Err(SdmxError::syntax(format!(
                "mode `{other}` is not exact or available"
            )));
        }
    };
    let references = references(p.take("references"), api)?;
    p.finish(&DATA_PARAMS)?;
    Ok(Request::Availability {
        api,
        query,
        component,
        mode,
        references,
    })
}

/// REST 1.5 `flowRef`: `ID`, `AGENCY,ID` or `AGENCY,ID,VERSION` (`all`/`latest` allowed).
fn flow_ref(s: Option<&str>) -> Result<FlowSel, SdmxError> {
    let s = s.ok_or_else(|| SdmxError::syntax("data queries need a dataflow: data/{flowRef}"))?;
    let parts: Vec<&str> = s.split(',').collect();
    let (agency, id, version) = match parts.as_slice() {
        [id] => ("all", *id, "latest"),
        [agency, id] => (*agency, *id, "latest"),
        [agency, id, version] => (*agency, *id, *version),
        _ => {
            return Err(SdmxError::syntax(format!(
                "flowRef `{s}` is not ID, AGENCY,ID or AGENCY,ID,VERSION"
            )));
        }
    };
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_@$-".contains(c))
        || id.is_empty()
    {
        return Err(SdmxError::syntax(format!("`{id}` is not a dataflow id")));
    }
    Ok(FlowSel {
        agencies: if agency == "all" {
            Vec::new()
        } else {
            vec![agency.to_string()]
        },
        ids: if id == "all" {
            Vec::new()
        } else {
            vec![id.to_string()]
        },
        version: match version {
            "latest" | "all" => VersionSel::Latest,
            v => VersionSel::Exact(vec![v.to_string()]),
        },
        by_structure: false,
    })
}

/// REST 2.x `{context}/{agencyID}/{resourceID}/{version}`.
fn flow_v2(rest: &[&str]) -> Result<FlowSel, SdmxError> {
    let list = |i: usize| -> Vec<String> {
        match rest.get(i) {
            None | Some(&"*") => Vec::new(),
            Some(s) => s.split(',').map(str::to_string).collect(),
        }
    };
    let context = rest.first().copied().unwrap_or("*");
    if context == "provisionagreement" {
        return Err(SdmxError::no_results(
            "ictstat publishes no provision agreements: query by dataflow or datastructure",
        ));
    }
    Ok(FlowSel {
        agencies: list(1),
        ids: list(2),
        version: version_v2(rest.get(3).copied()),
        by_structure: context == "datastructure",
    })
}

/// REST 1.5 providerRef: ictstat has one data provider, itself, so any value selects all.
fn provider(s: Option<&str>) -> Result<(), SdmxError> {
    match s {
        Some(p) if p.is_empty() || p.chars().any(|c| c.is_whitespace()) => {
            Err(SdmxError::syntax(format!("`{p}` is not a providerRef")))
        }
        _ => Ok(()),
    }
}

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_@$-.".contains(c))
}

fn key_syntax_error(key: &str, code: &str) -> SdmxError {
    SdmxError::syntax(format!(
        "key `{key}`: `{code}` is not a code (letters, digits, _ @ $ - only)"
    ))
}

fn key_layout(dsd: &Dsd) -> String {
    dsd.dimensions
        .iter()
        .map(|d| d.id)
        .collect::<Vec<_>>()
        .join(".")
}

/// REST 1.5 key: exactly one part per dimension, `.`-separated; empty = any; `+` = OR;
/// `all` = every key.
fn key_v1(s: Option<&str>, dsd: &Dsd) -> Result<Vec<KeyPattern>, SdmxError> {
    let Some(key) = s.filter(|k| *k != "all") else {
        return Ok(Vec::new());
    };
    let parts: Vec<&str> = key.split('.').collect();
    if parts.len() != dsd.dimensions.len() {
        return Err(SdmxError::syntax(format!(
            "key `{key}` has {} parts; {} has {} dimensions: {}",
            parts.len(),
            dsd.r#ref.triplet(),
            dsd.dimensions.len(),
            key_layout(dsd)
        )));
    }
    let pattern = parts
        .iter()
        .map(|part| {
            if part.is_empty() {
                return Ok(None);
            }
            let codes: Vec<String> = part.split('+').map(str::to_string).collect();
            match codes.iter().find(|c| !valid_code(c)) {
                Some(bad) => Err(key_syntax_error(key, bad)),
                None => Ok(Some(codes)),
            }
        })
        .collect::<Result<KeyPattern, _>>()?;
    Ok(vec![pattern])
}

/// REST 2.x keys: `,` separates whole keys; `*` = any; trailing parts may be omitted.
fn key_v2(s: Option<&str>, dsd: &Dsd) -> Result<Vec<KeyPattern>, SdmxError> {
    let Some(keys) = s.filter(|k| !k.is_empty() && *k != "*" && *k != "all") else {
        return Ok(Vec::new());
    };
    keys.split(',')
        .map(|key| {
            let parts: Vec<&str> = key.split('.').collect();
            if parts.len() > dsd.dimensions.len() {
                return Err(SdmxError::syntax(format!(
                    "key `{key}` has {} parts; {} has {} dimensions: {}",
                    parts.len(),
                    dsd.r#ref.triplet(),
                    dsd.dimensions.len(),
                    key_layout(dsd)
                )));
            }
            let mut pattern: KeyPattern = Vec::with_capacity(dsd.dimensions.len());
            for part in &parts {
                pattern.push(match *part {
                    "*" | "" => None,
                    code if valid_code(code) => Some(vec![code.to_string()]),
                    code => return Err(key_syntax_error(key, code)),
                });
            }
            pattern.resize(dsd.dimensions.len(), None);
            Ok(pattern)
        })
        .collect()
}

fn positive(name: &str, v: Option<String>) -> Result<Option<usize>, SdmxError> {
    v.map(|v| match v.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(SdmxError::syntax(format!(
            "{name} `{v}` is not a positive integer"
        ))),
    })
    .transpose()
}

/// The parameters shared by data and availability queries of both grammars.
fn data_query(
    flow: FlowSel,
    keys: Vec<KeyPattern>,
    mut p: Params,
    dsd: &Dsd,
    api: Api,
) -> Result<(DataQuery, Params), SdmxError> {
    let mut q = DataQuery {
        flow,
        keys,
        ..DataQuery::default()
    };
    q.start_period = p
        .take("startPeriod")
        .map(|v| period_bound(&v))
        .transpose()?;
    q.end_period = p.take("endPeriod").map(|v| period_bound(&v)).transpose()?;
    q.updated_after = p.take("updatedAfter").map(|v| date_time(&v)).transpose()?;
    q.as_of = p.take("asOf").map(|v| date_time(&v)).transpose()?;
    q.first_n = positive("firstNObservations", p.take("firstNObservations"))?;
    q.last_n = positive("lastNObservations", p.take("lastNObservations"))?;
    q.at_observation = match p.take("dimensionAtObservation").as_deref() {
        None | Some("TIME_PERIOD") => AtObservation::TimePeriod,
        Some("AllDimensions") => AtObservation::AllDimensions,
        Some(d) if dsd.dimension_index(d).is_some() => {
            return Err(SdmxError::not_implemented(format!(
                "dimensionAtObservation={d}: cross-sectional messages are not implemented; use \
                 TIME_PERIOD or AllDimensions"
            )));
        }
        Some(d) => {
            return Err(SdmxError::syntax(format!(
                "dimensionAtObservation `{d}` is not TIME_PERIOD, AllDimensions or a dimension"
            )));
        }
    };
    q.detail = match p.take("detail").as_deref() {
        None | Some("full") => Detail::FULL,
        Some("dataonly") => Detail::DATA_ONLY,
        Some("serieskeysonly") => Detail::SERIES_KEYS_ONLY,
        Some("nodata") => Detail::NO_DATA,
        Some(other) => {
            return Err(SdmxError::syntax(format!(
                "detail `{other}` is not full, dataonly, serieskeysonly or nodata"
            )));
        }
    };
    if let Some(a) = p.take("attributes") {
        q.detail.attributes = match a.as_str() {
            "none" => false,
            "dsd" | "all" | "msd" | "dataset" | "series" | "obs" => true,
            ids => {
                if let Some(bad) = ids.split(',').find(|id| dsd.attribute_index(id).is_none()) {
                    return Err(SdmxError::semantic(format!(
                        "attributes `{ids}`: `{bad}` is not dsd, msd, dataset, series, obs, \
                         all, none or an attribute of {}",
                        dsd.r#ref.triplet()
                    )));
                }
                true
            }
        };
    }
    if let Some(m) = p.take("measures") {
        q.detail.observations = match m.as_str() {
            "none" => false,
            "all" | OBS_VALUE => true,
            other => {
                return Err(SdmxError::semantic(format!(
                    "measures `{other}`: the only measure is OBS_VALUE (or all, none)"
                )));
            }
        };
    }
    match p
        .take("includeHistory")
        .map(|v| v.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("false") | Some("0") => {}
        Some("true") | Some("1") => {
            return Err(SdmxError::not_implemented(
                "includeHistory=true: ask for the data as of a time with asOf, or for a value's \
                 history at /api/v1/observations/history",
            ));
        }
        Some(other) => {
            return Err(SdmxError::syntax(format!(
                "includeHistory `{other}` is not true or false"
            )));
        }
    }
    q.format = p.take("format");
    for (name, value) in p.take_filters() {
        q.filters.push(component_filter(&name, &value, dsd)?);
    }
    if api == Api::V1 && !q.filters.is_empty() {
        return Err(SdmxError::syntax("c[…] filters are REST 2.x parameters"));
    }
    Ok((q, p))
}

/// `startPeriod`/`endPeriod`: an SDMX period (2015, 2015-Q1, 2015-S1, 2015-01, 2015-A1),
/// a date or a date-time.
fn period_bound(v: &str) -> Result<String, SdmxError> {
    if crate::period::months(v).is_some() {
        Ok(v.to_string())
    } else {
        Err(SdmxError::syntax(format!(
            "`{v}` is not an SDMX period (2015, 2015-S1, 2015-Q1, 2015-01, 2015-01-31 or a \
             date-time)"
        )))
    }
}

fn date_time(v: &str) -> Result<String, SdmxError> {
    let ok = v.len() >= 10
        && v.as_bytes()[4] == b'-'
        && v.as_bytes()[7] == b'-'
        && v[..4].bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(v.to_string())
    } else {
        Err(SdmxError::syntax(format!(
            "`{v}` is not an xs:dateTime such as 2026-01-31T00:00:00Z"
        )))
    }
}

fn component_filter(name: &str, value: &str, dsd: &Dsd) -> Result<ComponentFilter, SdmxError> {
    let known = dsd.dimension_index(name).is_some()
        || dsd.attribute_index(name).is_some()
        || name == TIME_PERIOD
        || name == OBS_VALUE;
    if !known {
        return Err(SdmxError::semantic(format!(
            "c[{name}]: {} has no component {name}",
            dsd.r#ref.triplet()
        )));
    }
    let any_of = value
        .split(',')
        .map(|alt| {
            alt.split('+')
                .map(|clause| {
                    let (op, operand) = match clause.split_once(':') {
                        Some((op, rest)) if op.len() == 2 => (operator(op), rest),
                        _ => (Some(Op::Eq), clause),
                    };
                    let op = op.ok_or_else(|| {
                        SdmxError::syntax(format!(
                            "c[{name}]={value}: the operator of `{clause}` is not one of eq ne \
                             lt le gt ge co nc sw ew"
                        ))
                    })?;
                    if name == TIME_PERIOD {
                        period_bound(operand)?;
                    }
                    Ok((op, operand.to_string()))
                })
                .collect::<Result<Vec<_>, SdmxError>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ComponentFilter {
        component: name.to_string(),
        any_of,
    })
}

fn operator(s: &str) -> Option<Op> {
    Some(match s {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "lt" => Op::Lt,
        "le" => Op::Le,
        "gt" => Op::Gt,
        "ge" => Op::Ge,
        "co" => Op::Co,
        "nc" => Op::Nc,
        "sw" => Op::Sw,
        "ew" => Op::Ew,
        _ => return None,
    })
}

fn too_many(rest: &[&str], max: usize, grammar: &str) -> Result<(), SdmxError> {
    if rest.len() > max {
        Err(SdmxError::syntax(format!(
            "too many path segments: the grammar is {grammar}"
        )))
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Query string
// ---------------------------------------------------------------------------------------------

/// Query parameters, decoded without turning `+` into a space.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(query: &str) -> Result<Params, SdmxError> {
        let mut out: Vec<(String, String)> = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (percent_decode(k)?, percent_decode(v)?);
            if out.iter().any(|(seen, _)| *seen == k) {
                return Err(SdmxError::syntax(format!("parameter `{k}` is given twice")));
            }
            out.push((k, v));
        }
        Ok(Params(out))
    }

    fn take(&mut self, name: &str) -> Option<String> {
        let i = self.0.iter().position(|(k, _)| k == name)?;
        Some(self.0.remove(i).1)
    }

    /// Removes and returns the `c[COMPONENT]` filters.
    fn take_filters(&mut self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        self.0.retain(
            |(k, v)| match k.strip_prefix("c[").and_then(|r| r.strip_suffix(']')) {
                Some(component) => {
                    out.push((component.to_string(), v.clone()));
                    false
                }
                None => true,
            },
        );
        out
    }

    /// Fails on any parameter not taken: a misspelt `startperiod` silently ignored would
    /// return the wrong data.
    fn finish(self, known: &[&str]) -> Result<(), SdmxError> {
        match self.0.first() {
            None => Ok(()),
            Some((k, _)) if known.contains(&k.as_str()) => Err(SdmxError::syntax(format!(
                "parameter `{k}` does not apply to this query"
            ))),
            Some((k, _)) => Err(SdmxError::syntax(format!(
                "unknown parameter `{k}`; this query takes {}",
                known.join(", ")
            ))),
        }
    }
}

/// Percent-decodes one path segment or query component (UTF-8).
fn percent_decode(s: &str) -> Result<String, SdmxError> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| SdmxError::syntax(format!("bad percent-encoding in `{s}`")))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| {
        SdmxError::new(
            ErrorKind::Syntax,
            format!("`{s}` does not decode to UTF-8 text"),
        )
    })
}
