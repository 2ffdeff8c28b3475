//! Structure selection and structure messages.

use ictstat_core::Catalog;
use ictstat_sdmx::query::{ArtefactType, References, StructureDetail, StructureQuery, VersionSel};
use ictstat_sdmx::structure::{
    Availability, Detail, NoResults, Selection, select, write_availability_json,
    write_availability_xml, write_json, write_xml,
};
use ictstat_sdmx::{Config, Header, Registry};
use serde_json::Value;

fn registry() -> Registry {
    Registry::build(&Catalog::embedded().unwrap(), Config::default())
}

fn header() -> Header {
    Header {
        id: "IREF1".into(),
        prepared: "2024-01-01T00:00:00Z".into(),
        sender: "ICTSTAT".into(),
    }
}

fn query(artefact: ArtefactType, ids: &[&str]) -> StructureQuery {
    StructureQuery {
        ids: ids.iter().map(|s| s.to_string()).collect(),
        ..StructureQuery::all(artefact)
    }
}

fn ids(sel: &Selection) -> Vec<String> {
    let mut out: Vec<String> = sel
        .dataflows
        .iter()
        .map(|s| s.artefact.r#ref.id.clone())
        .collect();
    out.extend(sel.codelists.iter().map(|s| s.artefact.r#ref.id.clone()));
    out.extend(sel.concept_scheme.iter().map(|s| s.artefact.id.clone()));
    out.extend(sel.dsd.iter().map(|s| s.artefact.r#ref.id.clone()));
    out
}

fn xml(sel: &Selection, reg: &Registry) -> String {
    let mut out = Vec::new();
    write_xml(sel, reg, &header(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn json(sel: &Selection, reg: &Registry) -> Value {
    let mut out = Vec::new();
    write_json(sel, reg, &header(), &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn selects_by_type_id_agency_and_version() {
    let reg = registry();
    let sel = select(&reg, &query(ArtefactType::Codelist, &["CL_SEX", "CL_AREA"])).unwrap();
    assert_eq!(ids(&sel), ["CL_AREA", "CL_SEX"]);
    let all = select(&reg, &query(ArtefactType::Any, &[])).unwrap();
    assert_eq!(all.dataflows.len(), reg.dataflows.len());
    assert_eq!(all.codelists.len(), reg.codelists.len());
    assert!(all.dsd.is_some() && all.concept_scheme.is_some());

    let other_agency = StructureQuery {
        agencies: vec!["ECB".into()],
        ..query(ArtefactType::Codelist, &[])
    };
    assert_eq!(select(&reg, &other_agency).unwrap_err(), NoResults);
    let wrong_version = StructureQuery {
        versions: VersionSel::Exact(vec!["2.0".into()]),
        ..query(ArtefactType::DataStructure, &[])
    };
    assert!(select(&reg, &wrong_version).is_err());
    assert!(select(&reg, &query(ArtefactType::Other("hierarchy".into()), &[])).is_err());
    assert!(select(&reg, &query(ArtefactType::Dataflow, &["NOPE"])).is_err());
}

#[test]
fn references_follow_the_structure_graph() {
    let reg = registry();
    let with = |artefact, id: &str, references| {
        let q = StructureQuery {
            references,
            ..query(artefact, &[id])
        };
        select(&reg, &q).unwrap()
    };
    let children = with(ArtefactType::DataStructure, "DSD_ICT", References::Children);
    assert_eq!(children.codelists.len(), reg.codelists.len());
    assert!(children.concept_scheme.is_some() && children.dataflows.is_empty());

    let df = with(ArtefactType::Dataflow, "DF_ICT", References::Children);
    assert_eq!(ids(&df), ["DF_ICT", "DSD_ICT"]);
    let df = with(ArtefactType::Dataflow, "DF_ICT", References::Descendants);
    assert_eq!(df.codelists.len(), reg.codelists.len());
    assert!(df.concept_scheme.is_some() && df.dsd.is_some());

    let parents = with(ArtefactType::DataStructure, "DSD_ICT", References::Parents);
    assert_eq!(parents.dataflows.len(), reg.dataflows.len());
    assert!(parents.codelists.is_empty());

    let cl = with(ArtefactType::Codelist, "CL_SEX", References::Parents);
    assert_eq!(ids(&cl), ["CL_SEX", "DSD_ICT"]);
    let siblings = with(
        ArtefactType::Codelist,
        "CL_SEX",
        References::ParentsAndSiblings,
    );
    assert_eq!(siblings.codelists.len(), reg.codelists.len());
    assert!(siblings.concept_scheme.is_some() && siblings.dataflows.is_empty());

    let typed = with(
        ArtefactType::Codelist,
        "CL_SEX",
        References::Type(ArtefactType::Dataflow),
    );
    assert_eq!(typed.dataflows.len(), reg.dataflows.len());
    assert!(typed.dsd.is_none());
}

#[test]
fn detail_decides_stubs_and_partial_codelists() {
    let reg = registry();
    let stubs = select(
        &reg,
        &StructureQuery {
            detail: StructureDetail::AllStubs,
            ..query(ArtefactType::Codelist, &[])
        },
    )
    .unwrap();
    assert!(
        stubs
            .codelists
            .iter()
            .all(|c| c.detail == Detail::Stub && c.items.is_empty())
    );

    let framework = reg.dataflows.iter().find(|d| d.series.is_some()).unwrap();
    let refs = |detail| StructureQuery {
        detail,
        references: References::All,
        ..query(ArtefactType::Dataflow, &[&framework.r#ref.id])
    };
    let partial = select(&reg, &refs(StructureDetail::ReferencePartial)).unwrap();
    let series = partial
        .codelists
        .iter()
        .find(|c| c.artefact.r#ref.id == "CL_SERIES")
        .unwrap();
    assert!(series.partial);
    let wanted = framework.series.as_ref().unwrap();
    assert!(series.items.iter().all(|c| wanted.contains(&c.id)));
    let sex = partial
        .codelists
        .iter()
        .find(|c| c.artefact.r#ref.id == "CL_SEX")
        .unwrap();
    assert!(!sex.partial);

    let stubs = select(&reg, &refs(StructureDetail::ReferenceStubs)).unwrap();
    assert_eq!(stubs.dataflows[0].detail, Detail::Full);
    assert_eq!(stubs.dsd.as_ref().unwrap().detail, Detail::Stub);
    let complete = select(&reg, &refs(StructureDetail::ReferenceCompleteStubs)).unwrap();
    assert!(
        complete
            .codelists
            .iter()
            .all(|c| c.detail == Detail::CompleteStub)
    );
}

#[test]
fn item_ids_make_partial_schemes() {
    let reg = registry();
    let area = reg.codelist("CL_AREA").unwrap();
    let wanted = [area.codes[0].id.clone(), area.codes[1].id.clone()];
    let q = StructureQuery {
        items: wanted.to_vec(),
        ..query(ArtefactType::Codelist, &["CL_AREA"])
    };
    let sel = select(&reg, &q).unwrap();
    let codes: Vec<&str> = sel.codelists[0]
        .items
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(codes, wanted);
    assert!(sel.codelists[0].partial);
    assert!(xml(&sel, &reg).contains("isPartial=\"true\""));
    assert_eq!(json(&sel, &reg)["data"]["codelists"][0]["isPartial"], true);

    let q = StructureQuery {
        items: vec!["FREQ".into(), "OBS_VALUE".into()],
        ..query(ArtefactType::ConceptScheme, &[])
    };
    let sel = select(&reg, &q).unwrap();
    assert_eq!(sel.concept_scheme.as_ref().unwrap().items.len(), 2);
    let q = StructureQuery {
        items: vec!["NOPE".into()],
        ..query(ArtefactType::Codelist, &["CL_AREA"])
    };
    assert!(select(&reg, &q).is_err());
}

#[test]
fn xml_has_the_shape_clients_need() {
    let reg = registry();
    let q = StructureQuery {
        references: References::All,
        ..query(ArtefactType::Dataflow, &["DF_ICT"])
    };
    let doc = xml(&select(&reg, &q).unwrap(), &reg);
    assert!(doc.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<message:Structure xmlns:message="
    ));
    let order = [
        "<structure:Dataflows>",
        "<structure:Codelists>",
        "<structure:Concepts>",
        "<structure:DataStructures>",
    ];
    let at: Vec<usize> = order.iter().map(|t| doc.find(t).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "XSD order");
    assert!(doc.contains(
        "<structure:Structure><Ref id=\"DSD_ICT\" agencyID=\"ICTSTAT\" version=\"1.0\" class=\"DataStructure\" package=\"datastructure\"/></structure:Structure>"
    ));
    assert!(doc.contains("<structure:Dimension id=\"REF_AREA\" position=\"4\">"));
    assert!(doc.contains("<Ref id=\"CL_AREA\" agencyID=\"ICTSTAT\" version=\"1.0\" class=\"Codelist\" package=\"codelist\"/>"));
    assert!(
        doc.contains("maintainableParentID=\"SDG_CONCEPTS\" maintainableParentVersion=\"1.0\"")
    );
    assert!(doc.contains("<structure:TimeDimension id=\"TIME_PERIOD\" position=\"16\">"));
    assert!(doc.contains("<structure:TextFormat textType=\"ObservationalTimePeriod\"/>"));
    assert!(
        doc.contains(
            "<structure:PrimaryMeasure><Ref id=\"OBS_VALUE\"/></structure:PrimaryMeasure>"
        )
    );
    let unit = doc
        .find("<structure:Attribute id=\"UNIT_MEASURE\"")
        .unwrap();
    let unit = &doc[unit..unit + doc[unit..].find("</structure:Attribute>").unwrap()];
    assert_eq!(unit.matches("<structure:Dimension><Ref").count(), 15);
    assert!(
        doc.contains("<structure:Attribute id=\"STD_ERROR\" assignmentStatus=\"Conditional\">")
    );
    assert!(doc.ends_with("</message:Structures></message:Structure>\n"));

    let stubs = StructureQuery {
        detail: StructureDetail::AllStubs,
        ..query(ArtefactType::DataStructure, &[])
    };
    let doc = xml(&select(&reg, &stubs).unwrap(), &reg);
    assert!(doc.contains("isExternalReference=\"true\""));
    assert!(!doc.contains("DataStructureComponents"));
}

#[test]
fn json_links_components_to_codelists() {
    let reg = registry();
    let q = StructureQuery {
        references: References::Descendants,
        ..query(ArtefactType::Dataflow, &["DF_ICT"])
    };
    let doc = json(&select(&reg, &q).unwrap(), &reg);
    assert!(
        doc["meta"]["schema"]
            .as_str()
            .unwrap()
            .ends_with("2.0.0/sdmx-json-structure-schema.json")
    );
    assert_eq!(doc["meta"]["contentLanguages"][0], "en");
    let data = &doc["data"];
    assert_eq!(
        data["dataflows"][0]["structure"],
        "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ICTSTAT:DSD_ICT(1.0)"
    );
    let comps = &data["dataStructures"][0]["dataStructureComponents"];
    let area = &comps["dimensionList"]["dimensions"][3];
    assert_eq!(area["id"], "REF_AREA");
    assert_eq!(area["position"], 3);
    assert_eq!(
        area["localRepresentation"]["enumeration"],
        "urn:sdmx:org.sdmx.infomodel.codelist.Codelist=ICTSTAT:CL_AREA(1.0)"
    );
    assert_eq!(
        comps["dimensionList"]["timeDimension"]["localRepresentation"]["format"]["dataType"],
        "ObservationalTimePeriod"
    );
    let attrs = comps["attributeList"]["attributes"].as_array().unwrap();
    assert_eq!(
        attrs[0]["attributeRelationship"]["dimensions"]
            .as_array()
            .unwrap()
            .len(),
        15
    );
    assert_eq!(
        attrs[1]["attributeRelationship"]["observation"],
        serde_json::json!({})
    );
    assert_eq!(
        data["codelists"].as_array().unwrap().len(),
        reg.codelists.len()
    );
    assert_eq!(
        data["conceptSchemes"][0]["concepts"]
            .as_array()
            .unwrap()
            .len(),
        26
    );
    assert!(
        data.get("dataConstraints").is_none(),
        "empty arrays are left out"
    );
}

#[test]
fn availability_in_both_formats() {
    let reg = registry();
    let a = Availability {
        dataflow: reg.dataflow("DF_ICT").unwrap(),
        cube: vec![
            (0, vec!["A".into()]),
            (3, vec!["KEN".into(), "IND".into()]),
            (4, vec![]),
        ],
        time: Some(("2015".into(), "2020".into())),
        obs_count: 12,
        series_count: 2,
    };
    let mut out = Vec::new();
    write_availability_xml(&a, &Selection::default(), &reg, &header(), &mut out).unwrap();
    let doc = String::from_utf8(out).unwrap();
    assert!(doc.contains("<structure:ContentConstraint id=\"CC_DF_ICT\""));
    assert!(doc.contains("type=\"Actual\""));
    assert!(doc.contains("<common:KeyValue id=\"REF_AREA\"><common:Value>KEN</common:Value><common:Value>IND</common:Value></common:KeyValue>"));
    assert!(!doc.contains("id=\"SEX\""), "empty dimensions are left out");
    assert!(doc.contains("<common:StartPeriod isInclusive=\"true\">2015</common:StartPeriod>"));
    assert!(doc.contains("<common:AnnotationTitle>12</common:AnnotationTitle><common:AnnotationType>sdmx_metrics</common:AnnotationType>"));

    let mut out = Vec::new();
    write_availability_json(&a, &Selection::default(), &reg, &header(), &mut out).unwrap();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    let c = &doc["data"]["dataConstraints"][0];
    assert_eq!(c["role"], "Actual");
    assert_eq!(
        c["constraintAttachment"]["dataflows"][0],
        "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ICTSTAT:DF_ICT(1.0)"
    );
    let kv = c["cubeRegions"][0]["keyValues"].as_array().unwrap();
    assert_eq!(
        kv[1]["values"],
        serde_json::json!([{"value": "KEN"}, {"value": "IND"}])
    );
    assert_eq!(kv[2]["timeRange"]["endPeriod"]["period"], "2020");
    assert_eq!(c["annotations"][1]["title"], "12");
}
