//! Data and availability queries of both grammars: flows, keys and parameters.

use super::params::Params;
use super::structure::references;
use super::{too_many, version_v2};
use crate::error::SdmxError;
use crate::media::Api;
use crate::model::{Dsd, OBS_VALUE, TIME_PERIOD};
use crate::query::{
    AtObservation, AvailabilityMode, ComponentFilter, DataQuery, Detail, FlowSel, KeyPattern, Op,
    Request, VersionSel,
};

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

pub(super) fn data_v1(rest: &[&str], p: Params, dsd: &Dsd) -> Result<Request, SdmxError> {
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

pub(super) fn data_v2(rest: &[&str], p: Params, dsd: &Dsd) -> Result<Request, SdmxError> {
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

pub(super) fn availability_v1(rest: &[&str], p: Params, dsd: &Dsd) -> Result<Request, SdmxError> {
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

pub(super) fn availability_v2(rest: &[&str], p: Params, dsd: &Dsd) -> Result<Request, SdmxError> {
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
/// The most codes (1.5: `+`-joined, 2.x: keys and filter alternatives) one query may list.
/// Matching costs rows × alternatives: without a bound, one URL of a few thousand keys would
/// keep a core busy for seconds. Clients that need more split the query.
const MAX_ALTERNATIVES: usize = 500;

fn too_many_alternatives(what: &str, count: usize) -> Result<(), SdmxError> {
    if count > MAX_ALTERNATIVES {
        Err(SdmxError::syntax(format!(
            "{what} lists {count} alternatives; at most {MAX_ALTERNATIVES} per query: split it"
        )))
    } else {
        Ok(())
    }
}

fn key_v1(s: Option<&str>, dsd: &Dsd) -> Result<Vec<KeyPattern>, SdmxError> {
    let Some(key) = s.filter(|k| *k != "all") else {
        return Ok(Vec::new());
    };
    too_many_alternatives("the key", key.matches('+').count() + 1)?;
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
    too_many_alternatives("the key", keys.matches(',').count() + 1)?;
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
    too_many_alternatives(&format!("c[{name}]"), value.matches([',', '+']).count() + 1)?;
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
