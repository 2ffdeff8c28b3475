//! The demo survey (`ictstat_survey::demo`): tabulated with the built-in ITU plan, it
//! reproduces the country's published Internet-use figures within sampling error, its
//! clustering gives design effects above 1, its weights add up to the population, and the
//! same seed gives byte-identical files.

use ictstat_survey::demo::{self, COUNTRIES};
use ictstat_survey::{CsvSource, Demo, DemoError, DemoOptions, Design, Plan, Tabulation, tabulate};

fn files(options: &DemoOptions) -> (Demo, Vec<u8>) {
    let demo = Demo::generate(options).unwrap();
    let mut csv = Vec::new();
    demo.write_persons(&mut csv).unwrap();
    (demo, csv)
}

fn tabulated(demo: &Demo, csv: &[u8]) -> Tabulation {
    let design = Design::from_toml_str(&demo.design_toml()).unwrap();
    let plan = Plan::from_toml_str(&demo.plan_toml(), "plan.toml").unwrap();
    tabulate(&design, &plan, CsvSource::new(csv, "persons.csv")).unwrap()
}

/// The IT_USE_ii99 row of a SEX × URBANISATION cell (`_T` = total), every other breakdown
/// at its total.
fn internet<'a>(tab: &'a Tabulation, sex: &str, urban: &str) -> &'a ictstat_survey::Output {
    tab.rows
        .iter()
        .find(|r| {
            r.indicator == "IT_USE_ii99"
                && r.breakdown.iter().all(|(dim, code)| match dim.as_str() {
                    "SEX" => code == sex,
                    "URBANISATION" => code == urban,
                    _ => code == "_T",
                })
        })
        .unwrap_or_else(|| panic!("no IT_USE_ii99 row for SEX={sex} URBANISATION={urban}"))
}

#[test]
fn demo_reproduces_the_published_figures_within_sampling_error() {
    let options = DemoOptions {
        persons: 20_000,
        ..DemoOptions::default()
    };
    let (demo, csv) = files(&options);
    assert!(
        (18_000..22_000).contains(&demo.persons.len()),
        "{} persons",
        demo.persons.len()
    );
    let tab = tabulated(&demo, &csv);
    let country = demo.country;
    eprintln!(
        "{} {}: {} persons, {} households, {} EAs, {} strata",
        country.name,
        country.year,
        demo.persons.len(),
        demo.households,
        demo.psus,
        demo.strata
    );
    eprintln!("cell        published  estimate ± SE     z     deff   n");
    for (sex, urban, published) in country.internet.cells() {
        let row = internet(&tab, sex, urban);
        let (value, se) = (100.0 * row.value.unwrap(), 100.0 * row.se.unwrap());
        let z = (value - published) / se;
        eprintln!(
            "SEX={sex:<2} URB={urban:<2}  {published:>6.1}  {value:>7.2} ± {se:.2}  {z:>+5.2}  {:>5.2}  {}",
            row.deff.unwrap(),
            row.n
        );
        assert!(
            z.abs() <= 3.0,
            "SEX={sex} URBANISATION={urban}: published {published}, estimate {value} ± {se}"
        );
        // The published value lies in the 95 % logit interval or at most 3 SE away; and
        // the interval is a proper one.
        assert!(row.ci_lower.unwrap() < row.value.unwrap());
        assert!(row.ci_upper.unwrap() > row.value.unwrap());
    }
    // Clustering (EA and household effects) makes the design effect exceed 1, as in real
    // household surveys; the national figure's is well above.
    let national = internet(&tab, "_T", "_T");
    assert!(national.deff.unwrap() > 1.5, "deff {:?}", national.deff);
    assert_eq!(national.df, (demo.psus - demo.strata) as f64);

    // Other indicators plausible against Internet use.
    let value = |ind: &str| {
        tab.rows
            .iter()
            .find(|r| {
                r.plan_key == ind
                    && r.breakdown
                        .iter()
                        .all(|(d, c)| d == "COMPOSITE_BREAKDOWN" || c == "_T")
            })
            .and_then(|r| r.value)
            .unwrap()
    };
    let internet_use = value("IT_USE_ii99");
    assert!(value("IT_IND_COMP") < internet_use);
    assert!(value("IT_MOB_OWN") > internet_use);
    assert!(value("IT_IND_MOB") >= value("IT_MOB_OWN"));
    assert!(value("SE_ADT_ACTS.SKILL_ICTPRGM") < value("SE_ADT_ACTS.SKILL_ICTCPT"));
    assert!(value("SE_ADT_ACTS.SKILL_ICTCPT") < value("IT_IND_COMP"));
    assert!(value("IT_HH_INET") > 0.0 && value("IT_HH_COMP") < value("IT_HH_INET"));
}

#[test]
fn weights_add_up_to_the_population_of_every_stratum() {
    let (demo, _) = files(&DemoOptions {
        persons: 5_000,
        ..DemoOptions::default()
    });
    for (stratum, population) in &demo.stratum_population {
        let sum: f64 = demo
            .persons
            .iter()
            .filter(|p| p.stratum == *stratum)
            .map(|p| p.weight)
            .sum();
        // Weights are written with 4 decimals.
        assert!(
            (sum - population).abs() < 1.0,
            "stratum {stratum}: {sum} vs {population}"
        );
    }
    let total: f64 = demo.persons.iter().map(|p| p.weight).sum();
    assert!((total - demo.country.population).abs() < 20.0);
    // Weights are constant within households and vary within strata (PPS with listing
    // growth).
    for pair in demo.persons.windows(2) {
        if pair[0].hhid == pair[1].hhid {
            assert_eq!(pair[0].weight, pair[1].weight);
        }
    }
    let stratum_11: Vec<f64> = demo
        .persons
        .iter()
        .filter(|p| p.stratum == 11)
        .map(|p| p.weight)
        .collect();
    let (lo, hi) = stratum_11
        .iter()
        .fold((f64::MAX, 0f64), |(lo, hi), w| (lo.min(*w), hi.max(*w)));
    assert!(hi > 1.5 * lo, "{lo} … {hi}");
}

#[test]
fn same_seed_same_bytes() {
    let options = DemoOptions {
        persons: 3_000,
        seed: 7,
        ..DemoOptions::default()
    };
    let (a, csv_a) = files(&options);
    let (b, csv_b) = files(&options);
    assert_eq!(csv_a, csv_b);
    assert_eq!(a.design_toml(), b.design_toml());
    assert_eq!(a.plan_toml(), b.plan_toml());
    let (_, other) = files(&DemoOptions { seed: 8, ..options });
    assert_ne!(csv_a, other);
    let text = String::from_utf8(csv_a).unwrap();
    assert!(text.starts_with(
        "hhid,line,region,urbrur,stratum,psu,weight,sex,age,educ,lfs,h_computer,h_internet,q_computer,q_internet,q_mobile_use,q_mobile_own,q_skill_copy_file,"
    ));
}

#[test]
fn every_country_tabulates_and_bad_options_are_refused() {
    for c in COUNTRIES {
        let published = c.internet;
        // Consistent rows: the margins lie between their parts.
        assert!(published.total >= published.rural.min(published.urban));
        let (demo, csv) = files(&DemoOptions {
            country: c.code.to_lowercase(),
            persons: demo::MIN_PERSONS,
            seed: 1,
        });
        let tab = tabulated(&demo, &csv);
        let row = internet(&tab, "_T", "_T");
        let z = (100.0 * row.value.unwrap() - published.total) / (100.0 * row.se.unwrap());
        assert!(z.abs() <= 3.5, "{}: z = {z}", c.code);
    }
    let unknown = Demo::generate(&DemoOptions {
        country: "KEN".into(),
        ..DemoOptions::default()
    })
    .unwrap_err();
    assert!(matches!(unknown, DemoError::UnknownCountry { .. }));
    assert!(unknown.to_string().contains("PER (Peru)"), "{unknown}");
    let few = Demo::generate(&DemoOptions {
        persons: 10,
        ..DemoOptions::default()
    })
    .unwrap_err();
    assert_eq!(few, DemoError::Persons { given: 10 });
}

/// The rows of one plan key, by their breakdown without COMPOSITE_BREAKDOWN.
fn by_cell<'a>(
    tab: &'a Tabulation,
    key: &str,
) -> std::collections::BTreeMap<Vec<(String, String)>, &'a ictstat_survey::Output> {
    tab.rows
        .iter()
        .filter(|r| r.plan_key == key)
        .map(|r| {
            let cell = r
                .breakdown
                .iter()
                .filter(|(d, _)| *d != "COMPOSITE_BREAKDOWN")
                .map(|(d, c)| (d.clone(), c.clone()))
                .collect();
            (cell, r)
        })
        .collect()
}

/// The value of a cell of [`by_cell`]'s rows broken down by one dimension only (by none:
/// the total, for `dim = ""`).
fn one_way(
    cells: &std::collections::BTreeMap<Vec<(String, String)>, &ictstat_survey::Output>,
    dim: &str,
    code: &str,
) -> f64 {
    cells
        .iter()
        .find(|(cell, _)| {
            cell.iter()
                .all(|(d, c)| if d == dim { c == code } else { c == "_T" })
        })
        .and_then(|(_, r)| r.value)
        .unwrap_or_else(|| panic!("no value at {dim} = {code}"))
}

#[test]
fn demo_tabulates_type_of_access_frequency_and_location() {
    let (demo, csv) = files(&DemoOptions {
        persons: 10_000,
        ..DemoOptions::default()
    });
    // In the file: only households with access have a type of access (at least one), only
    // Internet users a frequency and a location (at least one).
    for p in &demo.persons {
        let user = p.q_internet == Some(1);
        assert_eq!(p.q_internet_freq.is_some(), user, "{p:?}");
        assert_eq!(p.locations.iter().all(Option::is_some), user, "{p:?}");
        assert_eq!(user, p.locations.contains(&Some(1)), "{p:?}");
        let access = p.h_internet == 1;
        assert_eq!(p.h_access.iter().all(Option::is_some), access, "{p:?}");
        assert_eq!(access, p.h_access.contains(&Some(1)), "{p:?}");
    }
    // Nothing suppressed, so that every cell of the partition can be checked.
    let design = Design::from_toml_str(&demo.design_toml()).unwrap();
    let text = demo.plan_toml() + "[quality]\nsuppress_below_n = 0\nsuppress_above_cv = 1e9\n";
    let plan = Plan::from_toml_str(&text, "plan.toml").unwrap();
    let text_csv = std::str::from_utf8(&csv).unwrap();
    let header: Vec<&str> = text_csv.lines().next().unwrap().split(',').collect();
    let (pruned, unavailable) = plan.without_unavailable(|n| header.contains(&n));
    assert!(
        unavailable.is_empty(),
        "the demo maps every standard name: {unavailable:?}"
    );
    assert_eq!(pruned, plan);
    let tab = tabulate(&design, &plan, CsvSource::new(&csv[..], "persons.csv")).unwrap();
    let total = |key: &str| one_way(&by_cell(&tab, key), "", "");

    // HH11: shares of all households, within [0, 1], mostly mobile broadband, none above
    // the households with access.
    let with_access = total("IT_HH_INET");
    let access: Vec<f64> = ["ACC_FNB", "ACC_FBB", "ACC_MBB", "ACC_MBB_HS", "ACC_MBB_MOD"]
        .iter()
        .map(|c| total(&format!("IT_HH_INET_ACC.{c}")))
        .collect();
    eprintln!("HH6 {with_access:.3}; HH11 FNB FBB MBB HS MOD {access:.3?}");
    assert!(
        access.iter().all(|v| (0.0..=with_access).contains(v)),
        "{access:?}"
    );
    assert!(access.iter().any(|v| *v > 0.0));
    let [_, fixed, mobile, handset, modem] = access[..] else {
        unreachable!()
    };
    assert!(mobile > fixed && mobile >= handset.max(modem) && mobile <= handset + modem);
    let hh = by_cell(&tab, "IT_HH_INET_ACC.ACC_MBB");
    assert!(
        hh.keys()
            .any(|c| c.iter().any(|(d, c)| d == "URBANISATION" && c == "R"))
    );
    assert!(!hh.keys().any(|c| c.iter().any(|(d, _)| d == "SEX")));

    // HH12: the three frequencies partition the Internet users in every cell.
    let freq: Vec<_> = ["FREQ_DAY", "FREQ_WEEK", "FREQ_LTWEEK"]
        .iter()
        .map(|c| by_cell(&tab, &format!("IT_USE_FREQ.{c}")))
        .collect();
    let mut checked = 0;
    for (cell, day) in &freq[0] {
        if day.n == 0 {
            continue;
        }
        let sum: f64 = freq.iter().map(|f| f[cell].value.unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{cell:?}: {sum}");
        assert_eq!(freq[1][cell].n, day.n, "one scope: the users");
        checked += 1;
    }
    assert!(checked > 30, "{checked} cells");
    let daily = by_cell(&tab, "IT_USE_FREQ.FREQ_DAY");
    let daily_in = |dim: &str, code: &str| one_way(&daily, dim, code);
    eprintln!(
        "HH12 daily: {:.3} (U {:.3}, R {:.3}, 15-24 {:.3}, 55-64 {:.3})",
        total("IT_USE_FREQ.FREQ_DAY"),
        daily_in("URBANISATION", "U"),
        daily_in("URBANISATION", "R"),
        daily_in("AGE", "Y15T24"),
        daily_in("AGE", "Y55T64")
    );
    assert!(daily_in("URBANISATION", "U") > daily_in("URBANISATION", "R"));
    assert!(daily_in("AGE", "Y15T24") > daily_in("AGE", "Y55T64"));

    // HH8: shares of the users, within [0, 1], home the commonest location, places of
    // education mostly for the young; multiple responses add up to more than 1.
    let codes = [
        "LOC_HOME",
        "LOC_WORK",
        "LOC_EDUC",
        "LOC_OTH_HOME",
        "LOC_COMMUNITY",
        "LOC_COMMERCIAL",
        "LOC_MOB_PHONE",
        "LOC_MOB_OTHER",
    ];
    let loc: Vec<f64> = codes
        .iter()
        .map(|c| total(&format!("IT_USE_LOC.{c}")))
        .collect();
    eprintln!("HH8 {codes:?}\n    {loc:.3?}");
    assert!(
        loc.iter().all(|v| (0.0..=1.0).contains(v) && *v > 0.0),
        "{loc:?}"
    );
    assert!(loc[1..].iter().all(|v| *v < loc[0]), "home first: {loc:?}");
    assert!(loc.iter().sum::<f64>() > 1.0);
    let educ = by_cell(&tab, "IT_USE_LOC.LOC_EDUC");
    let educ_at = |code: &str| one_way(&educ, "AGE", code);
    assert!(educ_at("Y15T24") > 3.0 * educ_at("Y35T44"));
}
