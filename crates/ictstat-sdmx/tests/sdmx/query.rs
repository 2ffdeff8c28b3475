//! Parsing SDMX REST URLs of both grammars.

use ictstat_core::Catalog;
use ictstat_sdmx::query::{
    ArtefactType, AtObservation, AvailabilityMode, Op, References, Request, StructureDetail,
    VersionSel,
};
use ictstat_sdmx::{Api, Config, ErrorKind, Registry, parse};

fn registry() -> Registry {
    Registry::build(&Catalog::embedded().unwrap(), Config::default())
}

fn ok(path: &str, query: &str) -> Request {
    parse(path, query, &registry().dsd).unwrap_or_else(|e| panic!("{path}?{query}: {e}"))
}

fn err(path: &str, query: &str) -> (ErrorKind, String) {
    let e = parse(path, query, &registry().dsd).expect_err(path);
    (e.kind, e.message)
}

#[test]
fn rest_1_5_structure_paths_as_sdmx1_sends_them() {
    let Request::Structure { api, query, .. } = ok("dataflow/all/all/latest", "") else {
        panic!()
    };
    assert_eq!(api, Api::V1);
    assert_eq!(query.artefact, ArtefactType::Dataflow);
    assert!(query.agencies.is_empty() && query.ids.is_empty());
    assert_eq!(query.versions, VersionSel::Latest);

    let Request::Structure { query, .. } = ok(
        "codelist/ICTSTAT/CL_SEX+CL_AGE/1.0/F+M",
        "detail=referencepartial&references=parents",
    ) else {
        panic!()
    };
    assert_eq!(query.ids, ["CL_SEX", "CL_AGE"]);
    assert_eq!(query.items, ["F", "M"]);
    assert_eq!(query.versions, VersionSel::Exact(vec!["1.0".into()]));
    assert_eq!(query.detail, StructureDetail::ReferencePartial);
    assert_eq!(query.references, References::Parents);

    let Request::Structure { query, .. } = ok("structure", "references=codelist") else {
        panic!()
    };
    assert_eq!(query.artefact, ArtefactType::Any);
    assert_eq!(query.references, References::Type(ArtefactType::Codelist));
}

#[test]
fn rest_2_structure_paths_as_pysdmx_sends_them() {
    // pysdmx: trailing slash, percent-encoded wildcards.
    let Request::Structure { api, query, .. } = ok("structure/dataflow/", "") else {
        panic!()
    };
    assert_eq!(api, Api::V2);
    assert_eq!(query.artefact, ArtefactType::Dataflow);
    let Request::Structure { query, .. } = ok(
        "structure/datastructure/ICTSTAT/DSD_ICT/%7E",
        "detail=referencepartial&references=descendants",
    ) else {
        panic!()
    };
    assert_eq!(query.ids, ["DSD_ICT"]);
    assert_eq!(query.versions, VersionSel::Latest);
    assert_eq!(query.references, References::Descendants);
    let Request::Structure { query, .. } = ok("structure/codelist/%2A/CL_SEX,CL_AGE/1.0.0%2B", "")
    else {
        panic!()
    };
    assert!(query.agencies.is_empty());
    assert_eq!(query.ids, ["CL_SEX", "CL_AGE"]);
    assert_eq!(query.versions, VersionSel::Latest);
}

#[test]
fn rest_1_5_data_keys() {
    let Request::Data { api, query } = ok(
        "data/DF_ICT/A.G.IT_USE_ii99.404+356...........",
        "startPeriod=2015&endPeriod=2020-Q2&lastNObservations=3&dimensionAtObservation=AllDimensions",
    ) else {
        panic!()
    };
    assert_eq!(api, Api::V1);
    assert_eq!(query.flow.ids, ["DF_ICT"]);
    assert_eq!(query.keys.len(), 1);
    let key = &query.keys[0];
    assert_eq!(key.len(), 15);
    assert_eq!(key[2].as_deref(), Some(&["IT_USE_ii99".to_string()][..]));
    assert_eq!(key[3].as_ref().unwrap(), &["404", "356"]);
    assert!(key[4].is_none());
    assert_eq!(query.start_period.as_deref(), Some("2015"));
    assert_eq!(query.end_period.as_deref(), Some("2020-Q2"));
    assert_eq!(query.last_n, Some(3));
    assert_eq!(query.at_observation, AtObservation::AllDimensions);

    // sdmx-rest always sends a providerRef; flowRef with agency and version.
    let Request::Data { query, .. } = ok("data/ICTSTAT,DF_SDG_ICT,1.0/all/all", "detail=full")
    else {
        panic!()
    };
    assert_eq!(query.flow.agencies, ["ICTSTAT"]);
    assert!(query.keys.is_empty());

    let Request::Data { query, .. } = ok("data/DF_ICT", "detail=serieskeysonly") else {
        panic!()
    };
    assert!(!query.detail.observations && !query.detail.attributes);
}

#[test]
fn rest_2_data_keys_and_component_filters() {
    // pysdmx percent-encodes `*`, `,`, `[`, `]`, `:` and `+`; a raw `+` in the query is AND.
    let Request::Data { api, query } = ok(
        "data/dataflow/ICTSTAT/DF_ICT/1.0/A.%2A.IT_USE_ii99.404%2CA.G.IT_USE_ii99.356",
        "c%5BTIME_PERIOD%5D=ge%3A2016+le%3A2021&c[SEX]=F,M",
    ) else {
        panic!()
    };
    assert_eq!(api, Api::V2);
    assert_eq!(query.keys.len(), 2);
    assert!(query.keys[0][1].is_none());
    assert_eq!(query.keys[1][3].as_ref().unwrap(), &["356"]);
    assert!(
        query.keys[0][14].is_none(),
        "omitted trailing parts are wildcards"
    );
    let time = &query.filters[0];
    assert_eq!(time.component, "TIME_PERIOD");
    assert_eq!(
        time.any_of,
        vec![vec![
            (Op::Ge, "2016".to_string()),
            (Op::Le, "2021".to_string())
        ]]
    );
    assert_eq!(query.filters[1].any_of.len(), 2);

    let Request::Availability {
        component, mode, ..
    } = ok(
        "availability/dataflow/ICTSTAT/DF_ICT/~/*/REF_AREA",
        "mode=available",
    )
    else {
        panic!()
    };
    assert_eq!(component.as_deref(), Some("REF_AREA"));
    assert_eq!(mode, AvailabilityMode::Available);
}

#[test]
fn malformed_queries_name_the_problem() {
    let (kind, msg) = err("data/DF_ICT/A.G.IT_USE_ii99", "");
    assert_eq!(kind, ErrorKind::Syntax);
    assert!(
        msg.contains("has 3 parts") && msg.contains("15 dimensions"),
        "{msg}"
    );
    let (kind, msg) = err("data/DF_ICT/all", "startPeriod=2015-13");
    assert_eq!(kind, ErrorKind::Syntax);
    assert!(msg.contains("2015-13"), "{msg}");
    let (kind, msg) = err("data/DF_ICT/all", "startperiod=2015");
    assert_eq!(kind, ErrorKind::Syntax);
    assert!(msg.contains("unknown parameter `startperiod`"), "{msg}");
    let (kind, _) = err("data/DF_ICT/all", "lastNObservations=0");
    assert_eq!(kind, ErrorKind::Syntax);
    let (kind, msg) = err("data/dataflow/ICTSTAT/DF_ICT/1.0/*", "c[COLOUR]=red");
    assert_eq!(kind, ErrorKind::Semantic);
    assert!(msg.contains("COLOUR"), "{msg}");
    let (kind, _) = err("data/dataflow/ICTSTAT/DF_ICT/1.0/*", "c[OBS_VALUE]=xx:3");
    assert_eq!(kind, ErrorKind::Syntax);
    for yes in ["true", "True", "1"] {
        let (kind, _) = err("data/DF_ICT/all", &format!("includeHistory={yes}"));
        assert_eq!(kind, ErrorKind::NotImplemented, "{yes}");
    }
    assert!(matches!(
        ok("data/DF_ICT/all", "includeHistory=false"),
        Request::Data { .. }
    ));
    let (kind, _) = err("data/DF_ICT/all", "includeHistory=maybe");
    assert_eq!(kind, ErrorKind::Syntax);
    let (kind, _) = err("data/DF_ICT/all", "dimensionAtObservation=REF_AREA");
    assert_eq!(kind, ErrorKind::NotImplemented);
    let (kind, _) = err("schema/dataflow/ICTSTAT/DF_ICT/1.0", "");
    assert_eq!(kind, ErrorKind::NotImplemented);
    let (kind, _) = err("data/DF_ICT/A.G.IT<USE..............", "");
    assert_eq!(kind, ErrorKind::Syntax);
    let (kind, _) = err("colours/all", "");
    assert_eq!(kind, ErrorKind::Syntax);
    let (kind, _) = err("data/DF_ICT/all", "detail=full&detail=dataonly");
    assert_eq!(kind, ErrorKind::Syntax);
    let (kind, _) = err("dataflow/all/all/latest", "detail=everything");
    assert_eq!(kind, ErrorKind::Syntax);
    let (kind, _) = err("data/DF_ICT/all", "startPeriod=2015%ZZ");
    assert_eq!(kind, ErrorKind::Syntax);
    // Not ASCII where a digit is due: an error, not a panic; `%+1` is not percent-encoding.
    let (kind, msg) = err("data/DF_ICT/all", "startPeriod=2015-01-1%C3%A9");
    assert_eq!(kind, ErrorKind::Syntax);
    assert!(msg.contains("2015-01-1é"), "{msg}");
    let (kind, _) = err("data/DF_ICT/all", "startPeriod=2015%+1");
    assert_eq!(kind, ErrorKind::Syntax);
    // Bounded work: at most 500 alternatives, 64 parameters.
    let keys = (0..501)
        .map(|i| format!("A.G.S{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let (kind, msg) = err(&format!("data/dataflow/ICTSTAT/DF_ICT/1.0/{keys}"), "");
    assert_eq!(kind, ErrorKind::Syntax);
    assert!(msg.contains("501 alternatives"), "{msg}");
    let areas = (0..501)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join("+");
    let (kind, _) = err(
        &format!("data/DF_ICT/A.G.IT_USE_ii99.{areas}..........."),
        "",
    );
    assert_eq!(kind, ErrorKind::Syntax);
    let filter = vec!["ne:1"; 501].join(",");
    let (kind, _) = err(
        "data/dataflow/ICTSTAT/DF_ICT/1.0/*",
        &format!("c[OBS_VALUE]={filter}"),
    );
    assert_eq!(kind, ErrorKind::Syntax);
    let params = (0..65)
        .map(|i| format!("p{i}=1"))
        .collect::<Vec<_>>()
        .join("&");
    let (kind, msg) = err("data/DF_ICT/all", &params);
    assert_eq!(kind, ErrorKind::Syntax);
    assert!(msg.contains("64"), "{msg}");
}
