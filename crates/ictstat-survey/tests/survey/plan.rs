//! The tabulation plan: the built-in ITU plan, and the errors of a user plan.

use ictstat_survey::{
    Codes, CsvSource, Design, Level, Plan, PlanError, StatKind, TabulateError, tabulate,
};

#[test]
fn built_in_itu_plan_parses() {
    let p = Plan::itu_household();
    let series: Vec<&str> = p.indicators.iter().map(|i| i.series.as_str()).collect();
    for s in [
        "IT_HH_COMP",
        "IT_HH_INET",
        "IT_IND_COMP",
        "IT_USE_ii99",
        "IT_MOB_OWN",
        "IT_IND_MOB",
    ] {
        assert!(series.contains(&s), "{s} missing from {series:?}");
    }
    let skills = p
        .indicators
        .iter()
        .filter(|i| i.series == "SE_ADT_ACTS")
        .count();
    assert_eq!(skills, 9);
    let inet = p
        .indicators
        .iter()
        .find(|i| i.key == "IT_USE_ii99")
        .expect("17.8.1");
    assert_eq!(inet.statistic, StatKind::Proportion);
    assert_eq!(inet.level, Level::Individual);
    assert_eq!(
        inet.scope.as_ref().map(|s| s.text.as_str()),
        Some("in_scope")
    );
    for d in [
        "SEX",
        "AGE",
        "AGE_CORE",
        "EDUCATION_LEV",
        "LABOUR_FORCE_STATUS",
        "URBANISATION",
        "REGION",
    ] {
        assert!(
            inet.breakdowns.iter().any(|b| b == d),
            "{d} not in {:?}",
            inet.breakdowns
        );
    }
    let hh = p
        .indicators
        .iter()
        .find(|i| i.key == "IT_HH_INET")
        .expect("HH6");
    assert_eq!(hh.level, Level::Household);
    assert!(
        !hh.breakdowns.iter().any(|b| b == "SEX"),
        "{:?}",
        hh.breakdowns
    );
    assert_eq!(
        p.crosses,
        vec![vec!["SEX".to_owned(), "URBANISATION".to_owned()]]
    );
    let sex = p.breakdowns.iter().find(|b| b.key == "SEX").expect("sex");
    let Codes::Conditions(codes) = &sex.codes else {
        panic!("conditions")
    };
    let codes: Vec<&str> = codes.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["F", "M"], "CL_SEX codes");
    let age = p.breakdowns.iter().find(|b| b.key == "AGE").expect("age");
    assert_eq!(age.dimension, "AGE");
    let Codes::Conditions(codes) = &age.codes else {
        panic!("conditions")
    };
    let codes: Vec<&str> = codes.iter().map(|(c, _)| c.as_str()).collect();
    assert!(
        codes.contains(&"Y25T34") && !codes.contains(&"Y25T74"),
        "{codes:?}"
    );
    assert!(!p.breakdowns.iter().any(|b| b.key == "AGE_DETAILED"));
}

#[test]
fn user_plan_extends_the_built_in_one() {
    let text = r#"
weight = "w"
base = "itu_household"
[variables]
internet_use = "q12 == 1"
in_scope = "age >= 15 and age <= 74"
[indicator.IT_USE_ii99]
value = "internet_use"
scope = "in_scope"
breakdowns = ["SEX"]
"#;
    let p = Plan::from_toml_str(text, "plan.toml").expect("parses");
    assert_eq!(p.variables["in_scope"].text, "age >= 15 and age <= 74");
    let inet = p
        .indicators
        .iter()
        .find(|i| i.key == "IT_USE_ii99")
        .expect("17.8.1");
    assert_eq!(inet.breakdowns, ["SEX"]);
    // The design file may hold the plan too.
    let d = Design::from_toml_str(text).expect("design ignores the plan's keys");
    assert_eq!(d.weight, "w");
}

fn plan_error(text: &str) -> String {
    Plan::from_toml_str(text, "plan.toml")
        .expect_err(text)
        .to_string()
}

#[test]
fn user_plan_errors_name_file_and_key() {
    let e = plan_error("[indicator.X]\nvalue = \"q == 1\"\nscop = \"age > 1\"\n");
    assert!(e.starts_with("plan.toml: ") && e.contains("scop"), "{e}");
    let e = plan_error("[indicator.X]\nvalue = \"q == \"\n");
    assert!(
        e.contains("`indicator.X.value`") && e.contains("at character 6"),
        "{e}"
    );
    let e = plan_error("[indicator.X]\nvalue = \"q == 1\"\nstatistic = \"median\"\n");
    assert!(
        e.contains("`indicator.X.statistic`") && e.contains("median"),
        "{e}"
    );
    let e = plan_error("[indicator.X]\nvalue = \"q == 1\"\nbreakdowns = [\"SEX\"]\n");
    assert!(
        e.contains("`indicator.X.breakdowns`") && e.contains("SEX"),
        "{e}"
    );
    let e = plan_error("[indicator.X]\nvalue = \"q == 1\"\nstatistic = \"mean\"\n");
    assert!(e.contains("needs a variable name"), "{e}");
    let e = plan_error("[breakdown.SEX]\ncodes = { F = 2 }\n");
    assert!(
        e.contains("`breakdown.SEX.codes.F`") && e.contains("variable"),
        "{e}"
    );
    let e = plan_error("crosses = [[\"SEX\", \"AGE\"]]\n[breakdown.SEX]\nvariable = \"sex\"\n");
    assert!(e.contains("crosses[0]") && e.contains("AGE"), "{e}");
    let e = plan_error("base = \"eurostat\"\n");
    assert!(e.contains("`base`"), "{e}");
    let e = plan_error("[output]\nci = \"exact\"\n");
    assert!(e.contains("`output.ci`"), "{e}");
    let e = plan_error("[quality]\nmin_n = 3\n");
    assert!(e.contains("min_n"), "{e}");
}

const DESIGN: &str = "weight = \"w\"\nstrata = \"stratum\"\npsu = \"psu\"\nnest = true\n";

fn run(plan: &str, csv: &str) -> Result<ictstat_survey::Tabulation, TabulateError> {
    let design = Design::from_toml_str(DESIGN).expect("design");
    let plan = Plan::from_toml_str(plan, "plan.toml").map_err(TabulateError::from)?;
    tabulate(&design, &plan, CsvSource::new(csv.as_bytes(), "data.csv"))
}

const CSV: &str =
    "stratum,psu,w,sex,age,q12\n1,1,10,1,20,1\n1,2,12,2,70,2\n2,1,9,2,17,1\n2,2,11,1,35,\n";

#[test]
fn unknown_variables_are_checked_against_the_header() {
    let err = run("[indicator.X]\nvalue = \"q13 == 1\"\n", CSV)
        .expect_err("q13")
        .to_string();
    assert!(
        err.contains("plan.toml") && err.contains("`indicator.X.value`") && err.contains("`q13`"),
        "{err}"
    );
    let err = run(
        "[indicator.X]\nvalue = \"q12 == 1\"\n[breakdown.SEX]\nvariable = \"gender\"\n",
        CSV,
    )
    .expect_err("gender")
    .to_string();
    assert!(
        err.contains("`breakdown.SEX.variable`") && err.contains("gender"),
        "{err}"
    );
    let design = Design::from_toml_str("weight = \"wt\"\n").expect("design");
    let plan = Plan::from_toml_str("[indicator.X]\nvalue = \"q12 == 1\"\n", "p").expect("plan");
    let err = tabulate(&design, &plan, CsvSource::new(CSV.as_bytes(), "data.csv"))
        .expect_err("wt")
        .to_string();
    assert!(err.contains("`weight`") && err.contains("wt"), "{err}");
}

#[test]
fn overlapping_codes_name_the_row() {
    let plan = "[indicator.X]\nvalue = \"q12 == 1\"\n[breakdown.AGE]\ncodes = { Y15T24 = \"age >= 15 and age <= 24\", Y15T74 = \"age >= 15 and age <= 74\" }\n";
    let err = run(plan, CSV).expect_err("overlap").to_string();
    assert!(
        err.contains("data.csv: line 2")
            && err.contains("breakdown AGE")
            && err.contains("Y15T24 and Y15T74")
            && err.contains("age = \"20\""),
        "{err}"
    );
}

#[test]
fn missing_in_scope_value_of_a_mean_is_an_error() {
    let plan = "[indicator.X]\nvalue = \"q12\"\nstatistic = \"mean\"\n";
    let err = run(plan, CSV)
        .expect_err("missing q12 on line 5")
        .to_string();
    assert!(
        err.contains("line 5, column `q12`") && err.contains("is_missing"),
        "{err}"
    );
    let ok =
        "[indicator.X]\nvalue = \"q12\"\nstatistic = \"mean\"\nscope = \"not is_missing(q12)\"\n";
    let t = run(ok, CSV).expect("scoped out");
    assert_eq!(t.rows[0].n, 3);
    let _ = PlanError::Toml {
        origin: String::new(),
        message: String::new(),
    };
}

#[test]
fn a_mean_of_a_derived_condition_is_refused() {
    let plan =
        "[variables]\nuser = \"q12 == 1\"\n[indicator.X]\nvalue = \"user\"\nstatistic = \"mean\"\n";
    let err = run(plan, CSV).expect_err("a condition").to_string();
    assert!(
        err.contains("`indicator.X.value`") && err.contains("condition"),
        "{err}"
    );
}
