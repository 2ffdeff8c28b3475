//! Regression tests of the review's defects: silent zeros from value labels, the logit
//! interval at 0 and 1, the built-in plan's keys and codes, hostile plans, unknown
//! breakdown codes, the FPC check behind the entry cache, and empty or malformed files.

use ictstat_survey::{CsvSource, Design, Plan, Quality, Tabulation, tabulate};

const DESIGN: &str = "weight = \"w\"\nstrata = \"s\"\npsu = \"p\"\nnest = true\n";

/// 2 strata × 2 PSUs × 10 rows; `net` is 1 (yes) in 3 rows of 10, `sex` 1/2.
fn data() -> String {
    let mut t = String::from("s,p,w,net,sex,word\n");
    for i in 0..40 {
        let net = if i % 10 < 3 { 1 } else { 2 };
        let word = if net == 1 { "yes" } else { "no" };
        t.push_str(&format!(
            "{},{},{},{net},{},{word}\n",
            i / 20,
            i / 10,
            10 + i % 3,
            1 + i % 2
        ));
    }
    t
}

fn run(plan: &str, data: &str) -> Result<Tabulation, String> {
    let design = Design::from_toml_str(DESIGN).map_err(|e| e.to_string())?;
    let plan = Plan::from_toml_str(plan, "plan.toml").map_err(|e| e.to_string())?;
    tabulate(&design, &plan, CsvSource::new(data.as_bytes(), "data.csv")).map_err(|e| e.to_string())
}

fn total(t: &Tabulation) -> f64 {
    t.rows[0].value.expect("a value")
}

#[test]
fn labels_of_an_alias_apply_and_typos_are_refused() {
    // Labels declared for the alias.
    let plan = "[variables]\ninternet = \"net\"\n[labels.internet]\nyes = 1\nno = 2\n\
                [indicator.X]\nvalue = 'internet == \"yes\"'\n";
    let t = run(plan, &data()).expect("tabulates");
    assert!((total(&t) - 0.3).abs() < 0.05, "{}", total(&t));
    // Labels declared for the column, compared through an alias.
    let plan = "[variables]\ninternet = \"net\"\n[labels.net]\nyes = 1\n\
                [indicator.X]\nvalue = 'internet == \"yes\"'\n";
    let t = run(plan, &data()).expect("tabulates");
    assert!(total(&t) > 0.2);
    // A typo in the labels' key: an error naming the key.
    let plan = "[labels.nett]\nyes = 1\n[indicator.X]\nvalue = 'net == \"yes\"'\n";
    let e = run(plan, &data()).expect_err("typo");
    assert!(e.contains("`labels.nett`"), "{e}");
    // A string compared with a numeric column without labels: an error naming the
    // expression.
    let plan = "[indicator.X]\nvalue = 'net == \"yes\"'\n";
    let e = run(plan, &data()).expect_err("no labels");
    assert!(
        e.contains("`net == \"yes\"`") && e.contains("no value labels"),
        "{e}"
    );
    let plan = "[indicator.X]\nvalue = 'net in [\"yes\"]'\n";
    assert!(run(plan, &data()).is_err());
    // A text column is still compared as text.
    let plan = "[indicator.X]\nvalue = 'word == \"yes\"'\n";
    let t = run(plan, &data()).expect("text column");
    assert!((total(&t) - 0.3).abs() < 0.05);
}

#[test]
fn a_zero_proportion_gets_a_korn_graubard_interval_not_zero_width() {
    let plan = "[indicator.X]\nvalue = \"net == 7\"\n";
    let t = run(plan, &data()).expect("tabulates");
    let r = &t.rows[0];
    assert_eq!(r.value, Some(0.0));
    assert_eq!(r.ci_lower, Some(0.0));
    let upper = r.ci_upper.expect("upper");
    // [0, 1 − (α/2)^(1/n)], n = 40.
    assert!(
        (upper - (1.0 - 0.025_f64.powf(1.0 / 40.0))).abs() < 1e-12,
        "{upper}"
    );
    assert_eq!(r.ci_method, "korn-graubard");
    // And at 1.
    let plan = "[indicator.X]\nvalue = \"net >= 1\"\n";
    let t = run(plan, &data()).expect("tabulates");
    let r = &t.rows[0];
    assert_eq!(r.ci_upper, Some(1.0));
    assert!(r.ci_lower.expect("lower") < 1.0);
    assert_ne!(r.quality, Quality::Suppressed);
}

#[test]
fn fpc_is_checked_on_a_row_repeating_the_last_entry() {
    let design = "weight = \"w\"\nstrata = \"s\"\npsu = \"p\"\nfpc = \"f\"\n";
    let design = Design::from_toml_str(design).expect("design");
    let plan = Plan::from_toml_str("[indicator.X]\nvalue = \"y == 1\"\n", "p").expect("plan");
    let csv = "s,p,w,f,y\n1,1,10,12,1\n1,1,10,999,0\n1,2,10,12,1\n";
    let e = tabulate(&design, &plan, CsvSource::new(csv.as_bytes(), "f.csv"))
        .expect_err("fpc varies")
        .to_string();
    assert!(e.contains("line 3") && e.contains("999"), "{e}");
}

#[test]
fn built_in_plan_on_the_demo_repeats_no_key_and_uses_only_codelist_codes() {
    use std::collections::{BTreeSet, HashSet};
    let demo = ictstat_survey::Demo::generate(&ictstat_survey::DemoOptions {
        country: "PER".to_owned(),
        persons: 4000,
        seed: 7,
    })
    .expect("demo");
    let mut csv = Vec::new();
    demo.write_persons(&mut csv).expect("csv");
    let design = Design::from_toml_str(&demo.design_toml()).expect("design");
    let mut plan = Plan::from_toml_str(&demo.plan_toml(), "plan.toml").expect("plan");
    // The built-in plan itself, with the demo's variable mapping.
    let builtin = Plan::itu_household();
    plan.breakdowns = builtin.breakdowns.clone();
    plan.indicators = builtin.indicators.clone();
    plan.crosses = builtin.crosses.clone();
    let t = tabulate(&design, &plan, CsvSource::new(&csv[..], "persons.csv")).expect("tabulates");

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../catalog/sdmx/SDG_DSD_v1.4_codelists.csv");
    let text = std::fs::read_to_string(&path).expect("codelists");
    let mut codelist: HashSet<(String, String)> = HashSet::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        codelist.insert((
            f[1].trim_matches('"').to_owned(),
            f[3].trim_matches('"').to_owned(),
        ));
    }
    let mut seen = BTreeSet::new();
    let mut age_codes = BTreeSet::new();
    for r in &t.rows {
        let key = (r.indicator.clone(), r.breakdown.clone());
        assert!(
            seen.insert(key),
            "repeated key {} {:?}",
            r.indicator,
            r.breakdown
        );
        for (dim, list) in [
            ("AGE", "CL_AGE"),
            ("SEX", "CL_SEX"),
            ("URBANISATION", "CL_URBANISATION"),
        ] {
            if let Some(code) = r.breakdown.get(dim) {
                assert!(
                    code == "_T" || codelist.contains(&(list.to_owned(), code.clone())),
                    "{dim}={code} is not in {list}"
                );
                if dim == "AGE" && code != "_T" {
                    age_codes.insert(code.clone());
                }
            }
        }
    }
    assert!(
        age_codes.contains("Y15T24") && age_codes.contains("Y15T74"),
        "{age_codes:?}"
    );
    // Every code of a breakdown the individual indicators use has data (none impossible).
    for b in &builtin.breakdowns {
        if let ictstat_survey::Codes::Conditions(codes) = &b.codes
            && b.dimension == "AGE"
        {
            for (c, _) in codes {
                assert!(
                    t.rows.iter().any(|r| r.indicator == "IT_USE_ii99"
                        && r.breakdown.get("AGE") == Some(c)
                        && r.n > 0),
                    "AGE={c} has no data"
                );
            }
        }
    }
}

#[test]
fn deeply_nested_expressions_are_refused_not_a_stack_overflow() {
    use ictstat_survey::Ast;
    let deep = format!("{}q == 1{}", "(".repeat(1000), ")".repeat(1000));
    let e = Ast::parse(&deep).expect_err("too deep");
    assert_eq!(e.position, 130, "{e}");
    assert!(e.to_string().contains("at most 128 nested"), "{e}");
    let nots = format!("{}q == 1", "not ".repeat(1000));
    let e = Ast::parse(&nots).expect_err("too deep");
    assert!(e.to_string().contains("at most 128 nested"), "{e}");
    // Within the limit it parses.
    let ok = format!("{}q == 1{}", "(".repeat(120), ")".repeat(120));
    Ast::parse(&ok).expect("120 levels");
    // Through a plan: an error naming the key, no abort.
    let plan = format!("[indicator.X]\nvalue = \"{nots}\"\n");
    let e = Plan::from_toml_str(&plan, "plan.toml").expect_err("plan");
    assert!(e.to_string().contains("`indicator.X.value`"), "{e}");
}

#[test]
fn exponential_derived_variables_hit_the_node_cap_quickly() {
    let mut plan = String::from("[variables]\nv0 = \"net == 1\"\n");
    for i in 1..=40 {
        plan.push_str(&format!("v{i} = \"v{} or v{}\"\n", i - 1, i - 1));
    }
    plan.push_str("[indicator.X]\nvalue = \"v40\"\n");
    let start = std::time::Instant::now();
    let e = run(&plan, &data()).expect_err("too many nodes");
    assert!(
        e.contains("100000 nodes") && e.contains("indicator.X.value"),
        "{e}"
    );
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    // A modest sharing is fine (2^10 nodes).
    let mut plan = String::from("[variables]\nv0 = \"net == 1\"\n");
    for i in 1..=10 {
        plan.push_str(&format!("v{i} = \"v{} or v{}\"\n", i - 1, i - 1));
    }
    plan.push_str("[indicator.X]\nvalue = \"v10\"\n");
    let t = run(&plan, &data()).expect("1024 nodes");
    assert!((total(&t) - 0.3).abs() < 0.05);
}

#[test]
fn deep_chains_of_derived_variables_are_refused() {
    let mut plan = String::from("[variables]\nv0 = \"net == 1\"\n");
    for i in 1..=60 {
        plan.push_str(&format!("v{i} = \"{}v{}\"\n", "not ".repeat(100), i - 1));
    }
    plan.push_str("[indicator.X]\nvalue = \"v60\"\n");
    let e = run(&plan, &data()).expect_err("too deep");
    assert!(
        e.contains("depth 256") && e.contains("indicator.X.value"),
        "{e}"
    );
}

#[test]
fn an_alias_used_twice_in_one_expression_is_no_cycle() {
    let plan = "[variables]\ninternet = \"net\"\n[indicator.X]\nvalue = \"internet == 1 or internet == 3\"\n";
    let t = run(plan, &data()).expect("no cycle");
    assert!((total(&t) - 0.3).abs() < 0.05);
}

#[test]
fn a_row_in_no_code_of_a_breakdown_is_an_error_unless_ignored() {
    let mut csv = data();
    csv.push_str("1,3,10,1,9,yes\n");
    let plan = "[indicator.X]\nvalue = \"net == 1\"\n[breakdown.SEX]\nvariable = \"sex\"\ncodes = { F = 2, M = 1 }\n";
    let e = run(plan, &csv).expect_err("sex = 9");
    assert!(
        e.contains("line 42") && e.contains("breakdown SEX") && e.contains("sex = \"9\""),
        "{e}"
    );
    let plan = format!("{plan}other = \"ignore\"\n");
    let t = run(&plan, &csv).expect("ignored");
    assert_eq!(t.rows[0].n, 41);
    let by_sex: u64 = t.rows[1..].iter().map(|r| r.n).sum();
    assert_eq!(by_sex, 40);
    // A row outside every scope that uses the breakdown is no error.
    let plan = "[indicator.X]\nvalue = \"net == 1\"\nscope = \"sex != 9\"\n[breakdown.SEX]\nvariable = \"sex\"\ncodes = { F = 2, M = 1 }\n";
    run(plan, &csv).expect("out of scope");
    let plan = "[indicator.X]\nvalue = \"net == 1\"\n[breakdown.SEX]\nvariable = \"sex\"\ncodes = { F = 2, M = 1 }\nother = \"maybe\"\n";
    let e = run(plan, &csv).expect_err("bad other");
    assert!(e.contains("`breakdown.SEX.other`"), "{e}");
}

#[test]
fn empty_header_only_and_duplicate_header_files_are_refused() {
    let plan = "[indicator.X]\nvalue = \"net == 1\"\n";
    let e = run(plan, "s,p,w,net,sex,word\n").expect_err("header only");
    assert!(e.contains("no data rows"), "{e}");
    let e = run(plan, "").expect_err("empty");
    assert!(e.contains("file is empty"), "{e}");
    let e = run(plan, "s,p,w,net,net\n1,1,1,1,1\n").expect_err("duplicate");
    assert!(e.contains("column `net`") && e.contains("twice"), "{e}");
    let e = run("", &data()).expect_err("no indicators");
    assert!(e.contains("no indicators"), "{e}");
}

#[test]
fn errors_name_strata_and_psus_as_the_file_writes_them() {
    let plan = Plan::from_toml_str("[indicator.X]\nvalue = \"y == 1\"\n", "p").expect("plan");
    let lonely = Design::from_toml_str(
        "weight = \"w\"\nstrata = \"s\"\npsu = \"p\"\nlonely_psu = \"fail\"\n",
    )
    .expect("design");
    let csv = "s,p,w,y\n3,a,1,1\n3,b,1,0\n7,c,1,1\n7,c,1,0\n";
    let e = tabulate(&lonely, &plan, CsvSource::new(csv.as_bytes(), "f.csv"))
        .expect_err("lonely")
        .to_string();
    assert!(e.contains("stratum \"7\" has only one PSU"), "{e}");
    let unnested =
        Design::from_toml_str("weight = \"w\"\nstrata = \"s\"\npsu = \"p\"\nnest = false\n")
            .expect("design");
    let csv = "s,p,w,y\n3,a,1,1\n3,b,1,0\n7,a,1,1\n";
    let e = tabulate(&unnested, &plan, CsvSource::new(csv.as_bytes(), "f.csv"))
        .expect_err("not nested")
        .to_string();
    assert!(
        e.contains("PSU \"a\" appears in strata \"3\" and \"7\""),
        "{e}"
    );
    let fpc = Design::from_toml_str("weight = \"w\"\nstrata = \"s\"\npsu = \"p\"\nfpc = \"f\"\n")
        .expect("design");
    let csv = "s,p,w,f,y\n3,a,1,10,1\n3,b,1,10,0\n7,c,1,12,1\n7,d,1,13,0\n";
    let e = tabulate(&fpc, &plan, CsvSource::new(csv.as_bytes(), "f.csv"))
        .expect_err("fpc")
        .to_string();
    assert!(
        e.contains("stratum \"7\": finite population correction"),
        "{e}"
    );
}
