//! The bundled data (`data/`: six ITU series from Gapminder and World Bank population, about
//! 60,000 observations), read once for the tests that run the engine on it.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use ictstat_core::{Attributes, Breakdown, Catalog, Observation, Period, SeriesKey, UnitKind};

/// One bundled value.
pub struct Row {
    pub indicator: &'static str,
    pub area: String,
    pub year: i32,
    pub value: f64,
}

/// The bundled Gapminder files: file stem, catalogue series and its unit kind.
pub const SERIES: [(&str, &str, UnitKind); 6] = [
    ("internet_users", "IT_USE_ii99", UnitKind::Percent),
    (
        "cell_phones_per_100_people",
        "IT_CEL_SETS_P2",
        UnitKind::Rate,
    ),
    ("cell_phones_total", "IT_CEL_SETS", UnitKind::Count),
    (
        "broadband_subscribers_per_100_people",
        "IT_NET_BBND",
        UnitKind::Rate,
    ),
    ("broadband_subscribers", "IT_NET_BBNDN", UnitKind::Count),
    (
        "fixed_line_subscribers_per_100_people",
        "IT_MLT_MAIN_P2",
        UnitKind::Rate,
    ),
];

/// Every bundled value of a catalogue area, population first.
pub static ROWS: LazyLock<Vec<Row>> = LazyLock::new(|| {
    let catalog = Catalog::embedded().unwrap();
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let read = |file: &str, indicator: &'static str, columns: [usize; 3]| {
        let [area, year, value] = columns;
        csv::Reader::from_path(data.join(file))
            .unwrap()
            .records()
            .filter_map(|rec| {
                let r = rec.unwrap();
                Some(Row {
                    indicator,
                    area: catalog.resolve_area(&r[area])?.to_string(),
                    year: r[year].parse().ok()?,
                    value: r[value].parse().ok()?,
                })
            })
            .collect::<Vec<_>>()
    };
    let mut rows = read("population/wb_sp_pop_totl.csv", "SP_POP_TOTL", [1, 2, 3]);
    for (name, indicator, _) in SERIES {
        let file = format!("gapminder/ddf--datapoints--{name}--by--geo--time.csv");
        rows.extend(read(&file, indicator, [0, 1, 2]));
    }
    assert!(rows.len() > 40_000, "{}", rows.len());
    rows
});

/// The bundled values as observations at the total breakdown.
pub fn observations() -> Vec<Observation> {
    ROWS.iter()
        .map(|r| Observation {
            key: Arc::new(SeriesKey {
                indicator: r.indicator.to_string(),
                area: r.area.clone(),
                breakdown: Breakdown::total(),
            }),
            period: Period::Year(r.year),
            value: Some(r.value),
            attrs: Attributes::default(),
        })
        .collect()
}
