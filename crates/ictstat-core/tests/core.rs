//! Integration tests of the embedded catalogue against the published facts it encodes.

use ictstat_core::{AreaKind, Catalog};

fn catalog() -> Catalog {
    Catalog::embedded().expect("the embedded catalogue loads")
}

#[test]
fn areas_come_from_m49_with_iso_codes_and_groups() {
    let c = catalog();
    let countries = c
        .areas
        .iter()
        .filter(|a| a.kind == AreaKind::Country)
        .count();
    // The UNSD M49 download holds 249 countries or areas.
    assert_eq!(countries, 249);
    let afg = c.area("004").unwrap();
    assert_eq!(
        (afg.iso2.as_deref(), afg.iso3.as_deref()),
        (Some("AF"), Some("AFG"))
    );
    for token in [
        "4",
        "004",
        "AF",
        "afg",
        "Afghanistan",
        "the Islamic Republic of Afghanistan",
    ] {
        assert_eq!(c.resolve_area(token), Some("004"), "{token}");
    }
    assert_eq!(
        c.resolve_area("Bolivia (Plurinational State of)"),
        Some("068")
    );
    assert_eq!(c.resolve_area("tj"), Some("762"));
    // Group memberships published by UNSD: Afghanistan is an LDC and an LLDC, not a SIDS.
    let groups: Vec<&str> = c.groups_of("004").collect();
    for g in ["001", "142", "034", "199", "432", "515", "LIC"] {
        assert!(
            groups.contains(&g),
            "Afghanistan should be in {g}, is in {groups:?}"
        );
    }
    assert!(!groups.contains(&"722"));
    // UNSD lists 46 LDCs in the 2024 file (Bhutan graduated in 2023; Sao Tome and Principe in 2024 is still flagged).
    let ldc = c.members("199").count();
    assert!((44..=47).contains(&ldc), "LDC count {ldc}");
    // Japan is "developed" by the SDG area 514 rule, Brazil "developing".
    assert!(c.groups_of("392").any(|g| g == "514"));
    assert!(c.groups_of("076").any(|g| g == "515"));
}

#[test]
fn indicators_resolve_by_code_and_alias() {
    let c = catalog();
    let i = c.indicator("IT.NET.USER.ZS").unwrap();
    assert_eq!(i.code, "IT_USE_ii99");
    assert_eq!(i.sdg_indicator.as_deref(), Some("17.8.1"));
    assert_eq!(c.indicator("it_use_ii99").unwrap().code, "IT_USE_ii99");
    assert!(c.indicator("NOT_AN_INDICATOR").is_none());
}

#[test]
fn sdg_codelists_are_loaded() {
    let c = catalog();
    assert!(c.has_code("CL_SEX", "F"));
    assert!(c.has_code("CL_URBANISATION", "R"));
    assert!(c.has_code("CL_COMP_BREAKDOWN", "IS_GE10M"));
    assert!(!c.has_code("CL_SEX", "X"));
    assert_eq!(c.codelists["CL_AREA"].codes.len(), 619);
}
