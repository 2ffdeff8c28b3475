//! The design TOML: what parses, and the errors that name the key.

use ictstat_survey::{
    Design, DesignError, LonelyPsu, ReplicateColumns, ReplicateMethod, VarianceSpec,
};

use crate::common::fixture;

#[test]
fn fixture_designs_parse() {
    let d = Design::from_toml_str(fixture("lonely_average.toml")).expect("parses");
    assert_eq!(d.weight, "w");
    assert_eq!(d.strata.as_deref(), Some("stratum"));
    assert_eq!(d.psu.as_deref(), Some("psu"));
    assert!(d.nest);
    assert_eq!(d.lonely_psu, LonelyPsu::Average);
    assert!(d.replicates.is_none());

    let d = Design::from_toml_str(fixture("fay_mse.toml")).expect("parses");
    let r = d.replicates.as_ref().expect("replicates");
    assert_eq!(r.method, ReplicateMethod::Fay);
    assert_eq!(r.columns, ReplicateColumns::Prefix("rw".to_owned()));
    let VarianceSpec::Replicate(v) = d.variance_spec(12).expect("spec") else {
        panic!("replicate spec expected");
    };
    assert!((v.scale - 1.0 / (12.0 * 0.25)).abs() < 1e-15);
    assert!(v.mse);
}

#[test]
fn default_scales_follow_r() {
    let spec = |text: &str, n| match Design::from_toml_str(text)
        .expect("parses")
        .variance_spec(n)
        .expect("spec")
    {
        VarianceSpec::Replicate(v) => v,
        VarianceSpec::Taylor { .. } => panic!("replicates expected"),
    };
    let base = "weight = \"w\"\n[replicates]\nprefix = \"rw\"\n";
    let jk1 = spec(&format!("{base}method = \"JK1\""), 20);
    assert!((jk1.scale - 19.0 / 20.0).abs() < 1e-15 && !jk1.mse);
    assert!((spec(&format!("{base}method = \"BRR\""), 16).scale - 1.0 / 16.0).abs() < 1e-15);
    assert!((spec(&format!("{base}method = \"bootstrap\""), 51).scale - 1.0 / 50.0).abs() < 1e-15);
    let sdr = spec(&format!("{base}method = \"SDR\""), 80);
    assert!((sdr.scale - 0.05).abs() < 1e-15 && sdr.mse);
    let jkn = spec(&format!("{base}method = \"JKn\"\nrscales = [0.5]"), 4);
    assert_eq!(jkn.rscales, vec![0.5; 4]);
}

#[test]
fn prefix_and_columns_resolve() {
    let header = ["w", "rw1", "rw2", "rwx", "rw10", "prw3"];
    let p = ReplicateColumns::Prefix("rw".to_owned());
    assert_eq!(
        p.resolve(&header).expect("resolves"),
        vec!["rw1", "rw2", "rw10"]
    );
    let l = ReplicateColumns::List(vec!["rw2".to_owned(), "nope".to_owned()]);
    let err = l.resolve(&header).expect_err("nope is absent").to_string();
    assert!(
        err.contains("replicates.columns") && err.contains("nope"),
        "{err}"
    );
}

fn error(text: &str) -> String {
    Design::from_toml_str(text)
        .expect_err("must fail")
        .to_string()
}

#[test]
fn errors_name_the_key() {
    assert!(error("strata = \"s\"").contains("`weight` is required"));
    assert!(error("weight = \"w\"\nlonely_psu = \"skip\"").contains("`lonely_psu` is \"skip\""));
    let e = error("weight = \"w\"\nstrtaa = \"s\"");
    assert!(e.contains("strtaa"), "{e}");
    let e = error("weight = 3");
    assert!(e.starts_with("design:"), "{e}");
    assert!(error("weight = \"w\"\n[replicates]\nmethod = \"JK1\"").contains("replicates.columns"));
    assert!(error("weight = \"w\"\n[replicates]\nprefix = \"rw\"").contains("replicates.method"));
    assert!(
        error("weight = \"w\"\n[replicates]\nprefix = \"rw\"\nmethod = \"JK3\"")
            .contains("\"JK3\"")
    );
    assert!(
        error("weight = \"w\"\n[replicates]\nprefix = \"rw\"\nmethod = \"Fay\"")
            .contains("replicates.rho")
    );
    assert!(
        error("weight = \"w\"\n[replicates]\nprefix = \"rw\"\nmethod = \"Fay\"\nrho = 1.5")
            .contains("[0, 1)")
    );
    assert!(
        error("weight = \"w\"\n[replicates]\nprefix = \"rw\"\nmethod = \"JKn\"")
            .contains("replicates.rscales")
    );
    assert!(
        error("weight = \"w\"\n[replicates]\nprefix = \"rw\"\ncolumns = [\"a\"]\nmethod = \"JK1\"")
            .contains("both given")
    );
    assert!(
        error("weight = \"w\"\n[replicates]\nprefix = \"rw\"\nmethod = \"BRR\"\nscale = 2.0")
            .contains("replicates.scale")
    );
    assert!(
        error("weight = \"w\"\n[replicates]\nprefix = \"rw\"\nmethod = \"JK1\"\nrscales = [-1.0]")
            .contains("replicates.rscales")
    );
    let d = Design::from_toml_str("weight = \"w\"\n[replicates]\nprefix = \"rw\"\nmethod = \"JKn\"\nrscales = [0.5, 0.5, 0.5]")
        .expect("parses");
    let e = d
        .variance_spec(4)
        .expect_err("3 rscales for 4 replicates")
        .to_string();
    assert!(
        e.contains("replicates.rscales") && e.contains("3 values for 4"),
        "{e}"
    );
    assert!(matches!(
        d.variance_spec(1),
        Err(DesignError::Invalid {
            key: "replicates.columns",
            ..
        })
    ));
}
