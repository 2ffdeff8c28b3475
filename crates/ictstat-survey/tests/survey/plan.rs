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

#[test]
fn built_in_plan_has_type_of_access_frequency_and_location() {
    let p = Plan::itu_household();
    let of = |series: &str| -> Vec<&ictstat_survey::Indicator> {
        p.indicators.iter().filter(|i| i.series == series).collect()
    };
    let composites = |series: &str| -> Vec<&str> {
        of(series)
            .iter()
            .map(|i| i.composite.as_deref().expect("a composite code"))
            .collect()
    };
    assert_eq!(
        composites("IT_HH_INET_ACC"),
        ["ACC_FBB", "ACC_FNB", "ACC_MBB", "ACC_MBB_HS", "ACC_MBB_MOD"],
        "in key order"
    );
    assert_eq!(
        composites("IT_USE_FREQ"),
        ["FREQ_DAY", "FREQ_LTWEEK", "FREQ_WEEK"]
    );
    assert_eq!(composites("IT_USE_LOC").len(), 8);
    for i in of("IT_HH_INET_ACC") {
        assert_eq!(i.level, Level::Household);
        assert_eq!(i.scope, None, "all households");
        assert_eq!(i.breakdowns, ["REGION", "URBANISATION"]);
    }
    let inet = p
        .indicators
        .iter()
        .find(|i| i.key == "IT_USE_ii99")
        .unwrap();
    for i in of("IT_USE_FREQ").into_iter().chain(of("IT_USE_LOC")) {
        assert_eq!(
            i.key,
            format!("{}.{}", i.series, i.composite.as_ref().unwrap())
        );
        assert_eq!(i.level, Level::Individual);
        assert_eq!(
            i.scope.as_ref().map(|s| s.text.as_str()),
            Some("in_scope and internet_use"),
            "the Internet users"
        );
        assert_eq!(i.breakdowns, inet.breakdowns);
    }
    // The built-in plan is all base: the menu a user plan picks from.
    assert!(p.indicators.iter().all(|i| i.from_base));
    assert!(p.breakdowns.iter().all(|b| b.from_base));
}

/// A file with only an Internet-use and a sex column, under the built-in plan.
const SEX_AND_INTERNET: &str = r#"
base = "itu_household"
[variables]
internet_use = "net == 1"
female = "sex == 2"
male = "sex == 1"
in_scope = "true"                # the file holds the in-scope persons only
"#;

fn header(names: &[&str]) -> impl Fn(&str) -> bool {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    move |n| names.iter().any(|h| h == n)
}

#[test]
fn the_base_plan_is_a_menu() {
    use ictstat_survey::plan::Unavailable;
    let plan = Plan::from_toml_str(SEX_AND_INTERNET, "plan.toml").expect("parses");
    let columns = ["stratum", "psu", "w", "sex", "net"];
    let (pruned, unavailable) = plan.without_unavailable(header(&columns));
    let keys: Vec<&str> = pruned.indicators.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["IT_USE_ii99"]);
    assert_eq!(pruned.indicators[0].breakdowns, ["SEX"]);
    let breakdowns: Vec<&str> = pruned.breakdowns.iter().map(|b| b.key.as_str()).collect();
    assert_eq!(breakdowns, ["SEX"]);
    assert!(pruned.crosses.is_empty(), "SEX × URBANISATION needs urban");
    // Everything else is listed with what it lacks, followed through the variables.
    assert_eq!(
        unavailable.len(),
        plan.indicators.len() - 1 + plan.breakdowns.len() - 1
    );
    let missing = |key: &str| -> Vec<&str> {
        unavailable
            .iter()
            .find(|u| u.key == key)
            .unwrap_or_else(|| panic!("{key} not listed: {unavailable:?}"))
            .missing
            .iter()
            .map(String::as_str)
            .collect()
    };
    assert_eq!(missing("indicator.IT_HH_COMP"), ["hh_computer"]);
    assert_eq!(missing("indicator.IT_MOB_OWN"), ["mobile_own"]);
    assert_eq!(
        missing("indicator.IT_HH_INET_ACC.ACC_MBB_HS"),
        ["hh_access_mobile_handset"]
    );
    // Scope `in_scope and internet_use`: both provided, the value is not.
    assert_eq!(
        missing("indicator.IT_USE_FREQ.FREQ_DAY"),
        ["internet_daily"]
    );
    assert_eq!(missing("breakdown.AGE"), ["age"]);
    assert_eq!(missing("breakdown.URBANISATION"), ["rural", "urban"]);
    assert_eq!(missing("breakdown.REGION"), ["region"]);
    assert_eq!(missing("breakdown.LABOUR_FORCE_STATUS").len(), 3);
    assert_eq!(
        unavailable[0].to_string(),
        "indicator.IT_HH_COMP left out: the file has no `hh_computer` (no column, no variable of the plan)"
    );
    let _: &Unavailable = &unavailable[0];

    // The default scope `age >= 15` needs `age`: without it every individual indicator of
    // the base goes, and says so.
    let default_scope = SEX_AND_INTERNET.replace("in_scope = \"true\"", "");
    let plan = Plan::from_toml_str(&default_scope, "plan.toml").expect("parses");
    let (pruned, unavailable) = plan.without_unavailable(header(&columns));
    assert!(pruned.indicators.is_empty());
    let inet = unavailable
        .iter()
        .find(|u| u.key == "indicator.IT_USE_ii99")
        .expect("listed");
    assert_eq!(inet.missing, ["age"]);
    let freq = unavailable
        .iter()
        .find(|u| u.key == "indicator.IT_USE_FREQ.FREQ_WEEK")
        .expect("listed");
    assert_eq!(freq.missing, ["internet_weekly", "age"]);
    // A column shadowed by a variable does not count: the reader uses the variable.
    let (pruned, _) = plan.without_unavailable(header(&["sex", "net", "in_scope", "age"]));
    assert!(pruned.indicators.iter().any(|i| i.key == "IT_USE_ii99"));
}

#[test]
fn the_pruned_plan_tabulates_and_the_users_own_names_stay_errors() {
    let csv = "stratum,psu,w,sex,net\n\
               1,1,10,1,1\n1,1,12,2,2\n1,2,9,2,1\n1,2,11,1,1\n\
               2,1,8,1,2\n2,1,10,2,1\n2,2,13,1,1\n2,2,7,2,2\n";
    let columns = ["stratum", "psu", "w", "sex", "net"];
    let design = Design::from_toml_str(DESIGN).expect("design");
    let tab_of = |plan_text: &str| {
        let plan = Plan::from_toml_str(plan_text, "plan.toml").map_err(TabulateError::from)?;
        let (plan, _) = plan.without_unavailable(header(&columns));
        tabulate(&design, &plan, CsvSource::new(csv.as_bytes(), "data.csv"))
    };
    let t = tab_of(SEX_AND_INTERNET).expect("tabulates");
    let dims: std::collections::BTreeSet<&str> = t
        .rows
        .iter()
        .flat_map(|r| r.breakdown.keys().map(String::as_str))
        .collect();
    assert!(t.rows.iter().all(|r| r.plan_key == "IT_USE_ii99"));
    assert_eq!(dims.into_iter().collect::<Vec<_>>(), ["SEX"]);
    assert_eq!(t.rows.len(), 3, "total, F, M");
    assert!((t.rows[0].weighted_size - 80.0).abs() < 1e-12);

    // A user's own indicator with an unknown name: kept, and an error naming its key.
    let own = format!("{SEX_AND_INTERNET}[indicator.MINE]\nvalue = \"q99 == 1\"\n");
    let err = tab_of(&own).expect_err("q99").to_string();
    assert!(
        err.contains("`indicator.MINE.value`") && err.contains("q99"),
        "{err}"
    );
    // So is a base indicator the user redefines.
    let redefined = format!(
        "{SEX_AND_INTERNET}[indicator.IT_HH_COMP]\nvalue = \"q98 == 1\"\nlevel = \"household\"\n"
    );
    let err = tab_of(&redefined).expect_err("q98").to_string();
    assert!(
        err.contains("`indicator.IT_HH_COMP.value`") && err.contains("q98"),
        "{err}"
    );
    // And a base breakdown the user names, in a cross or an indicator's list.
    for named in [
        "crosses = [[\"SEX\", \"URBANISATION\"]]\n",
        "[indicator.IT_USE_ii99]\nvalue = \"internet_use\"\nbreakdowns = [\"SEX\", \"URBANISATION\"]\n",
    ] {
        let text = if named.starts_with("crosses") {
            format!("{named}{SEX_AND_INTERNET}")
        } else {
            format!("{SEX_AND_INTERNET}{named}")
        };
        let err = tab_of(&text).expect_err(named).to_string();
        assert!(
            err.contains("`breakdown.URBANISATION.codes.R`") && err.contains("rural"),
            "{err}"
        );
    }
}

/// `plan_text` pruned for a file of `columns` (strata 1–2, PSUs 1–2, every other value 1),
/// and the error tabulating it gives.
fn pruned_error(plan_text: &str, columns: &[&str]) -> String {
    let plan = Plan::from_toml_str(plan_text, "plan.toml").expect("parses");
    let (plan, unavailable) = plan.without_unavailable(header(columns));
    let mut csv = columns.join(",");
    for stratum in 1..=2 {
        for psu in 1..=2 {
            let row: Vec<String> = columns
                .iter()
                .map(|c| match *c {
                    "stratum" => stratum.to_string(),
                    "psu" => psu.to_string(),
                    _ => "1".to_owned(),
                })
                .collect();
            csv = format!("{csv}\n{}", row.join(","));
        }
    }
    let design = Design::from_toml_str(DESIGN).expect("design");
    match tabulate(&design, &plan, CsvSource::new(csv.as_bytes(), "data.csv")) {
        Ok(_) => panic!("tabulated; left out {unavailable:?}"),
        Err(e) => e.to_string(),
    }
}

/// `SEX_AND_INTERNET` with `lines` added to its `[variables]`.
fn with_variables(lines: &str) -> String {
    SEX_AND_INTERNET.replace("[variables]\n", &format!("[variables]\n{lines}"))
}

#[test]
fn a_missing_name_reached_through_the_users_variables_or_levels_is_an_error() {
    let columns = ["stratum", "psu", "w", "sex", "net"];
    // The user maps HH12's daily use to a column the file lacks: not a question the survey
    // did not ask but a mistake — the base indicator stays, and compiling it names the key.
    let text = with_variables("internet_daily = \"q_freq == 1\"\n");
    let plan = Plan::from_toml_str(&text, "plan.toml").expect("parses");
    assert!(!plan.base_variables.contains("internet_daily"));
    let (pruned, unavailable) = plan.without_unavailable(header(&columns));
    let kept = |key: &str| pruned.indicators.iter().any(|i| i.key == key);
    let listed = |key: &str| unavailable.iter().any(|u| u.key == key);
    assert!(kept("IT_USE_FREQ.FREQ_DAY") && !listed("indicator.IT_USE_FREQ.FREQ_DAY"));
    // Its siblings, whose standard names nothing defines, still go.
    assert!(!kept("IT_USE_FREQ.FREQ_WEEK") && listed("indicator.IT_USE_FREQ.FREQ_WEEK"));
    let err = pruned_error(&text, &columns);
    assert!(
        err.contains("`indicator.IT_USE_FREQ.FREQ_DAY.value`")
            && err.contains("internet_daily")
            && err.contains("q_freq"),
        "{err}"
    );

    // Through a chain: the base's default `in_scope = "age >= 15"` over the user's `age`
    // over a missing column. Every individual indicator stays, none silently gone.
    let text = SEX_AND_INTERNET.replace("in_scope = \"true\"", "age = \"hv105\"");
    let plan = Plan::from_toml_str(&text, "plan.toml").expect("parses");
    assert!(plan.base_variables.contains("in_scope") && !plan.base_variables.contains("age"));
    let (pruned, unavailable) = plan.without_unavailable(header(&columns));
    assert!(
        pruned.indicators.iter().any(|i| i.key == "IT_USE_ii99"),
        "{unavailable:?}"
    );
    assert!(
        pruned.breakdowns.iter().any(|b| b.key == "AGE"),
        "{unavailable:?}"
    );
    assert!(
        unavailable
            .iter()
            .all(|u| !u.missing.contains(&"hv105".to_owned()))
    );
    let err = pruned_error(&text, &columns);
    assert!(err.contains("hv105"), "{err}");

    // A user-set `[levels]` row naming a missing column keeps every indicator of its level.
    let text = format!("{SEX_AND_INTERNET}[levels]\nindividual = \"line >= 1\"\n");
    let plan = Plan::from_toml_str(&text, "plan.toml").expect("parses");
    assert_eq!(plan.base_levels, [Level::Household]);
    let (pruned, unavailable) = plan.without_unavailable(header(&columns));
    let individual = pruned
        .indicators
        .iter()
        .filter(|i| i.level == Level::Individual)
        .count();
    let all_individual = plan
        .indicators
        .iter()
        .filter(|i| i.level == Level::Individual)
        .count();
    assert_eq!(individual, all_individual, "{unavailable:?}");
    // The household rows are still the base's: those indicators go as before.
    assert!(
        unavailable
            .iter()
            .any(|u| u.key == "indicator.IT_HH_COMP" && u.missing == ["hh_computer"])
    );
    let err = pruned_error(&text, &columns);
    assert!(
        err.contains("`levels.individual`") && err.contains("line"),
        "{err}"
    );
    // So with a base level over a variable the user sets (`household_row`, as the README
    // suggests for a person file): every household indicator stays.
    let text = with_variables("household_row = \"line == 1\"\n");
    let plan = Plan::from_toml_str(&text, "plan.toml").expect("parses");
    assert_eq!(plan.base_levels, [Level::Household, Level::Individual]);
    let (pruned, unavailable) = plan.without_unavailable(header(&columns));
    let household = |p: &Plan| {
        p.indicators
            .iter()
            .filter(|i| i.level == Level::Household)
            .count()
    };
    assert_eq!(household(&pruned), household(&plan), "{unavailable:?}");
    let err = pruned_error(&text, &columns);
    assert!(
        err.contains("`levels.household`") && err.contains("line"),
        "{err}"
    );
    // And a base breakdown over a variable the user maps to a missing column.
    let text = with_variables("region = \"province\"\n");
    let plan = Plan::from_toml_str(&text, "plan.toml").expect("parses");
    let (pruned, unavailable) = plan.without_unavailable(header(&columns));
    assert!(
        pruned.breakdowns.iter().any(|b| b.key == "REGION"),
        "{unavailable:?}"
    );
    let err = pruned_error(&text, &columns);
    assert!(
        err.contains("`breakdown.REGION.variable`") && err.contains("province"),
        "{err}"
    );
}

#[test]
fn a_table_for_a_base_indicator_overrides_only_the_keys_it_names() {
    let base = Plan::itu_household();
    let base_of = |key: &str| base.indicators.iter().find(|i| i.key == key).unwrap();
    let plan = |extra: &str| Plan::from_toml_str(&format!("{SEX_AND_INTERNET}{extra}"), "p");
    let p = plan("[indicator.\"IT_USE_FREQ.FREQ_DAY\"]\nvalue = \"freq == 1\"\n").unwrap();
    let day = p
        .indicators
        .iter()
        .find(|i| i.key == "IT_USE_FREQ.FREQ_DAY")
        .unwrap();
    assert_eq!(day.value.text, "freq == 1");
    assert_eq!(day.series, "IT_USE_FREQ");
    assert_eq!(day.composite.as_deref(), Some("FREQ_DAY"));
    assert_eq!(
        day.scope.as_ref().map(|s| s.text.as_str()),
        Some("in_scope and internet_use"),
        "the Internet users, not all persons"
    );
    assert_eq!(day.statistic, StatKind::Proportion);
    assert_eq!(day.level, Level::Individual);
    assert_eq!(day.breakdowns, base_of("IT_USE_FREQ.FREQ_DAY").breakdowns);
    assert!(!day.from_base, "the user's now: never left out");

    // A household indicator stays one, with the household breakdowns.
    let p = plan("[indicator.IT_HH_COMP]\nvalue = \"h_comp == 1\"\n").unwrap();
    let comp = p.indicators.iter().find(|i| i.key == "IT_HH_COMP").unwrap();
    assert_eq!(comp.level, Level::Household);
    assert_eq!(comp.series, "IT_HH_COMP");
    assert_eq!(comp.breakdowns, ["REGION", "URBANISATION"]);

    // A table without `value` keeps the base's; a scope can be widened explicitly.
    let p = plan("[indicator.\"IT_USE_LOC.LOC_HOME\"]\nscope = \"in_scope\"\n").unwrap();
    let home = p
        .indicators
        .iter()
        .find(|i| i.key == "IT_USE_LOC.LOC_HOME")
        .unwrap();
    assert_eq!(home.value.text, "internet_loc_home");
    assert_eq!(home.scope.as_ref().unwrap().text, "in_scope");
    assert_eq!(home.composite.as_deref(), Some("LOC_HOME"));

    // Another level without `breakdowns`: every breakdown of the new level.
    let p = plan("[indicator.IT_HH_COMP]\nlevel = \"individual\"\n").unwrap();
    let comp = p.indicators.iter().find(|i| i.key == "IT_HH_COMP").unwrap();
    assert_eq!(comp.level, Level::Individual);
    assert_eq!(comp.breakdowns, base_of("IT_USE_ii99").breakdowns);
    // Given breakdowns win.
    let p = plan("[indicator.IT_HH_COMP]\nbreakdowns = [\"REGION\"]\n").unwrap();
    let comp = p.indicators.iter().find(|i| i.key == "IT_HH_COMP").unwrap();
    assert_eq!(
        (comp.level, comp.breakdowns.as_slice()),
        (Level::Household, &["REGION".to_owned()][..])
    );

    // A new indicator still needs a value; a denominator still needs a ratio.
    let e = plan("[indicator.MINE]\nscope = \"in_scope\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`indicator.MINE.value`") && e.contains("required"),
        "{e}"
    );
    let e = plan("[indicator.IT_HH_COMP]\ndenominator = \"x\"\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("`indicator.IT_HH_COMP.denominator`"), "{e}");
    // A statistic that needs a variable checks the inherited value too.
    let p = plan("[indicator.IT_HH_COMP]\nstatistic = \"total\"\n").unwrap();
    let comp = p.indicators.iter().find(|i| i.key == "IT_HH_COMP").unwrap();
    assert_eq!(
        (comp.statistic, comp.value.text.as_str()),
        (StatKind::Total, "hh_computer")
    );
    let e =
        plan("[indicator.\"IT_USE_FREQ.FREQ_DAY\"]\nvalue = \"freq == 1\"\nstatistic = \"mean\"\n")
            .unwrap_err()
            .to_string();
    assert!(e.contains("needs a variable name"), "{e}");
}

#[test]
fn an_overridden_base_indicator_tabulates_over_its_base_scope() {
    // Eight persons, six Internet users (net = 1), four of them daily (freq = 1).
    let csv = "stratum,psu,w,sex,net,freq\n\
               1,1,10,1,1,1\n1,1,12,2,2,\n1,2,9,2,1,1\n1,2,11,1,1,2\n\
               2,1,8,1,2,\n2,1,10,2,1,1\n2,2,13,1,1,1\n2,2,7,2,1,3\n";
    let text = format!(
        "{SEX_AND_INTERNET}[indicator.\"IT_USE_FREQ.FREQ_DAY\"]\nvalue = \"freq == 1\"\n\
         [quality]\nsuppress_below_n = 0\nsuppress_above_cv = 1e9\n"
    );
    let plan = Plan::from_toml_str(&text, "plan.toml").unwrap();
    let (plan, _) =
        plan.without_unavailable(header(&["stratum", "psu", "w", "sex", "net", "freq"]));
    let design = Design::from_toml_str(DESIGN).unwrap();
    let t = tabulate(&design, &plan, CsvSource::new(csv.as_bytes(), "data.csv")).unwrap();
    let total = t
        .rows
        .iter()
        .find(|r| {
            r.plan_key == "IT_USE_FREQ.FREQ_DAY"
                && r.breakdown.get("SEX").map(String::as_str) == Some("_T")
        })
        .expect("the total");
    assert_eq!(total.indicator, "IT_USE_FREQ");
    assert_eq!(
        total
            .breakdown
            .get("COMPOSITE_BREAKDOWN")
            .map(String::as_str),
        Some("FREQ_DAY")
    );
    assert_eq!(total.n, 6, "the users only");
    assert!((total.weighted_size - 60.0).abs() < 1e-12);
    assert!((total.value.unwrap() - 42.0 / 60.0).abs() < 1e-12);
}

#[test]
fn a_table_for_a_base_breakdown_overrides_only_the_keys_it_names() {
    let plan = |extra: &str| Plan::from_toml_str(&format!("{SEX_AND_INTERNET}{extra}"), "p");
    let find = |p: &Plan, key: &str| p.breakdowns.iter().find(|b| b.key == key).unwrap().clone();
    let base = Plan::itu_household();
    // `variable` alone: free codes of that column; dimension, levels and `other` kept.
    let p = plan("[breakdown.REGION]\nvariable = \"province\"\n").unwrap();
    let region = find(&p, "REGION");
    assert_eq!(
        region.codes,
        Codes::Free {
            variable: "province".to_owned()
        }
    );
    assert_eq!(region.dimension, "REGION");
    assert_eq!(region.levels, find(&base, "REGION").levels);
    assert!(!region.from_base);
    // Value codes alone read the base's free-code variable.
    let p = plan("[breakdown.REGION]\ncodes = { N = 1, S = [2, 3] }\n").unwrap();
    let Codes::Conditions(codes) = find(&p, "REGION").codes else {
        panic!("conditions")
    };
    let texts: Vec<(&str, &str)> = codes
        .iter()
        .map(|(c, e)| (c.as_str(), e.text.as_str()))
        .collect();
    assert_eq!(texts, [("N", "region == 1"), ("S", "region in [2, 3]")]);
    // New codes for AGE_CORE keep its dimension (AGE), level and `other = "ignore"`.
    let p =
        plan("[breakdown.AGE_CORE]\ncodes = { Y15T64 = \"age >= 15 and age <= 64\" }\n").unwrap();
    let core = find(&p, "AGE_CORE");
    assert_eq!(core.dimension, "AGE");
    assert_eq!(core.levels, [Level::Individual]);
    assert!(core.ignore_other);
    // A table naming only `other` or `levels` keeps the codes.
    let p = plan("[breakdown.SEX]\nother = \"ignore\"\n").unwrap();
    let sex = find(&p, "SEX");
    assert!(sex.ignore_other);
    assert_eq!(sex.codes, find(&base, "SEX").codes);
    assert_eq!(sex.levels, [Level::Individual]);
    let p = plan("[breakdown.AGE_CORE]\nother = \"error\"\ndimension = \"AGE_X\"\n").unwrap();
    let core = find(&p, "AGE_CORE");
    assert!(!core.ignore_other);
    assert_eq!(core.dimension, "AGE_X");
    // A new breakdown still needs codes or a variable.
    let e = plan("[breakdown.MINE]\nlevels = [\"individual\"]\n")
        .unwrap_err()
        .to_string();
    assert!(e.contains("`breakdown.MINE`") && e.contains("codes"), "{e}");
}
