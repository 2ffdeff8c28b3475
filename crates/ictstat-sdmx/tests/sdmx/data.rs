//! Data messages in every format.
//!
//! Each format is read back by a small decoder here (quick-xml, serde_json, csv) into the same
//! shape, a map from component id to value per observation, so that one expectation checks
//! that all six formats carry the same observations; format-specific tests check the shapes
//! that the real clients depend on (see `shared/reference/sdmx.md` §2).

use std::collections::BTreeMap;

use ictstat_core::{Attributes, Breakdown, Catalog, Dimension};
use ictstat_sdmx::data::{AtObservation, DataMessage, Detail, write};
use ictstat_sdmx::{Config, DataFormat, DataRow, Header, KEY_DIMENSIONS, Registry};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use serde_json::Value;

/// One observation as read back: component id → value, absent components left out.
type Obs = BTreeMap<String, String>;

const FOOTNOTE: &str = "Survey \"ICT\" <2022> & co, see:\nline two";

const ALL: [DataFormat; 6] = [
    DataFormat::GenericXml,
    DataFormat::StructureSpecificXml,
    DataFormat::Json1,
    DataFormat::Json2,
    DataFormat::Csv1,
    DataFormat::Csv2,
];

/// The observations of the tests: three series of one indicator and one of another, with a
/// missing value, bounds, a standard error and a footnote that needs escaping everywhere.
struct Fixture {
    catalog: Catalog,
    registry: Registry,
    header: Header,
    total: Breakdown,
    female: Breakdown,
    attrs: Vec<Attributes>,
}

impl Fixture {
    fn new() -> Fixture {
        let catalog = Catalog::embedded().unwrap();
        let registry = Registry::build(&catalog, Config::default());
        let mut female = Breakdown::total();
        female.set(Dimension::Sex, "F");
        let attrs = vec![
            Attributes {
                obs_status: Some("A".into()),
                source: Some("ITU estimate, 2021".into()),
                lower_bound: Some(20.5),
                upper_bound: Some(27.0),
                ..Attributes::default()
            },
            Attributes {
                obs_status: Some("M".into()),
                footnote: Some(FOOTNOTE.into()),
                ..Attributes::default()
            },
            Attributes {
                nature: Some("E".into()),
                std_error: Some(0.25),
                unit_mult: Some(3),
                ..Attributes::default()
            },
            Attributes::default(),
        ];
        Fixture {
            catalog,
            registry,
            header: Header {
                id: "IREF0001".into(),
                prepared: "2026-01-02T03:04:05Z".into(),
                sender: "ICTSTAT".into(),
            },
            total: Breakdown::total(),
            female,
            attrs,
        }
    }

    fn rows(&self) -> Vec<DataRow<'_>> {
        let row = |indicator, area, breakdown, period, value, attrs| DataRow {
            indicator,
            area,
            breakdown,
            period,
            value,
            attrs,
        };
        let [ok, missing, estimate, plain] = &self.attrs[..] else {
            unreachable!()
        };
        vec![
            row("IT_NET_BBND", "404", &self.total, "2020", Some(1.5), plain),
            row(
                "IT_NET_BBND",
                "404",
                &self.total,
                "2021",
                Some(0.001),
                plain,
            ),
            row("IT_USE_ii99", "404", &self.total, "2021", Some(23.75), ok),
            row("IT_USE_ii99", "404", &self.total, "2022", None, missing),
            row(
                "IT_USE_ii99",
                "404",
                &self.female,
                "2021",
                Some(22.5),
                estimate,
            ),
            row("IT_USE_ii99", "356", &self.total, "2019", Some(1e9), plain),
        ]
    }

    fn message(&self, at_observation: AtObservation, detail: Detail) -> DataMessage<'_> {
        DataMessage {
            registry: &self.registry,
            catalog: &self.catalog,
            flow: self.registry.dataflow("DF_ICT").unwrap(),
            header: &self.header,
            at_observation,
            detail,
        }
    }

    fn write(&self, format: DataFormat, at: AtObservation, detail: Detail) -> String {
        let rows = self.rows();
        self.write_rows(format, &self.message(at, detail), &rows)
    }

    fn write_rows(
        &self,
        format: DataFormat,
        msg: &DataMessage<'_>,
        rows: &[DataRow<'_>],
    ) -> String {
        let mut out = Vec::new();
        write(format, msg, rows.iter().copied(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// What every format must carry for the rows.
    fn expected(&self, detail: Detail) -> Vec<Obs> {
        self.rows()
            .iter()
            .map(|r| {
                let mut o = Obs::new();
                for (i, id) in KEY_DIMENSIONS.iter().enumerate() {
                    o.insert(id.to_string(), r.dim(i).to_string());
                }
                o.insert("TIME_PERIOD".into(), r.period.into());
                if let Some(v) = r.value {
                    o.insert("OBS_VALUE".into(), ictstat_sdmx::format_number(v));
                }
                if detail.attributes {
                    for (i, a) in self.registry.dsd.attributes.iter().enumerate() {
                        if let Some(v) = r.attribute(i, &self.catalog) {
                            o.insert(a.id.to_string(), v.into_owned());
                        }
                    }
                }
                o
            })
            .collect()
    }
}

/// Reads back any of the six formats.
fn decode(format: DataFormat, text: &str) -> Vec<Obs> {
    let mut obs = match format {
        DataFormat::GenericXml => decode_generic(text),
        DataFormat::StructureSpecificXml => decode_structure_specific(text),
        DataFormat::Json1 | DataFormat::Json2 => decode_json(text),
        DataFormat::Csv1 | DataFormat::Csv2 => decode_csv(text),
    };
    for o in &mut obs {
        // SDMX-ML spells a missing value NaN; the other formats leave it out.
        if o.get("OBS_VALUE").is_some_and(|v| v == "NaN") {
            o.remove("OBS_VALUE");
        }
    }
    obs
}

fn xml_attributes(e: &BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .map(|a| {
            let a = a.unwrap();
            let key = a.key.as_ref().to_string();
            let value = a.normalized_value(XmlVersion::Implicit1_0).unwrap();
            (key, value.into_owned())
        })
        .collect()
}

/// An XML start (`true`) or end tag: element name and attributes (empty for end tags).
type Tag = (bool, String, Vec<(String, String)>);

/// The tags of a document, an empty element as a start and an end.
fn xml_events(text: &str) -> Vec<Tag> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut events = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => events.push((true, name(&e), xml_attributes(&e))),
            Event::Empty(e) => {
                events.push((true, name(&e), xml_attributes(&e)));
                events.push((false, name(&e), Vec::new()));
            }
            Event::End(e) => events.push((false, e.name().as_ref().to_string(), Vec::new())),
            Event::Eof => return events,
            _ => {}
        }
    }
}

fn name(e: &BytesStart<'_>) -> String {
    e.name().as_ref().to_string()
}

fn decode_generic(text: &str) -> Vec<Obs> {
    let (mut series, mut obs, mut out) = (Obs::new(), None::<Obs>, Vec::new());
    for (start, name, attrs) in xml_events(text) {
        let attr = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        match (start, name.as_str()) {
            (true, "generic:Series") => series.clear(),
            (true, "generic:Obs") => obs = Some(series.clone()),
            (false, "generic:Obs") => out.push(obs.take().unwrap()),
            (true, "generic:Value") => {
                let target = obs.as_mut().unwrap_or(&mut series);
                target.insert(attr("id").unwrap(), attr("value").unwrap());
            }
            (true, "generic:ObsDimension") => {
                obs.as_mut()
                    .unwrap()
                    .insert("TIME_PERIOD".into(), attr("value").unwrap());
            }
            (true, "generic:ObsValue") => {
                obs.as_mut()
                    .unwrap()
                    .insert("OBS_VALUE".into(), attr("value").unwrap());
            }
            _ => {}
        }
    }
    out
}

fn decode_structure_specific(text: &str) -> Vec<Obs> {
    let (mut series, mut out) = (Obs::new(), Vec::new());
    for (start, name, attrs) in xml_events(text) {
        match (start, name.as_str()) {
            (true, "Series") => series = attrs.into_iter().collect(),
            (true, "Obs") => {
                let mut o = series.clone();
                o.extend(attrs);
                out.push(o);
            }
            _ => {}
        }
    }
    out
}

fn decode_json(text: &str) -> Vec<Obs> {
    let doc: Value = serde_json::from_str(text).unwrap();
    let (structure, data_set) = match doc.get("data") {
        Some(data) => (&data["structures"][0], &data["dataSets"][0]),
        None => (&doc["structure"], &doc["dataSets"][0]),
    };
    let components = |kind: &str, level: &str| -> Vec<Value> {
        structure[kind][level]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    // The value a position refers to: a code's id, or an uncoded value (2.0 `value`,
    // 1.0 `name`).
    let value = |component: &Value, index: usize| -> String {
        let v = &component["values"][index];
        v.get("id")
            .or(v.get("value"))
            .or(v.get("name"))
            .unwrap()
            .as_str()
            .unwrap()
            .into()
    };
    let keyed = |obs: &mut Obs, level: &str, key: &str| {
        let dims = components("dimensions", level);
        for (d, i) in dims.iter().zip(key.split(':').filter(|k| !k.is_empty())) {
            obs.insert(
                d["id"].as_str().unwrap().into(),
                value(d, i.parse().unwrap()),
            );
        }
    };
    let attributes = |obs: &mut Obs, level: &str, values: &[Value]| {
        for (a, v) in components("attributes", level).iter().zip(values) {
            if let Some(i) = v.as_u64() {
                obs.insert(a["id"].as_str().unwrap().into(), value(a, i as usize));
            }
        }
    };
    let observations = |series: &Obs, observations: &Value, out: &mut Vec<Obs>| {
        for (key, array) in observations.as_object().unwrap() {
            let mut o = series.clone();
            keyed(&mut o, "observation", key);
            let array = array.as_array().unwrap();
            if let Some(v) = array[0].as_f64() {
                o.insert("OBS_VALUE".into(), ictstat_sdmx::format_number(v));
            }
            attributes(&mut o, "observation", &array[1..]);
            out.push(o);
        }
    };
    let mut out = Vec::new();
    if let Some(all) = data_set.get("series") {
        for (key, series) in all.as_object().unwrap() {
            let mut s = Obs::new();
            keyed(&mut s, "series", key);
            attributes(&mut s, "series", series["attributes"].as_array().unwrap());
            observations(&s, &series["observations"], &mut out);
        }
    } else {
        observations(&Obs::new(), &data_set["observations"], &mut out);
    }
    out
}

fn decode_csv(text: &str) -> Vec<Obs> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .filter(|(h, v)| {
                    !v.is_empty()
                        && !["DATAFLOW", "STRUCTURE", "STRUCTURE_ID", "ACTION"].contains(h)
                })
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn sorted(mut obs: Vec<Obs>) -> Vec<Obs> {
    obs.sort();
    obs
}

#[test]
fn all_formats_carry_the_same_observations() {
    let f = Fixture::new();
    for detail in [Detail::FULL, Detail::DATA_ONLY] {
        let expected = sorted(f.expected(detail));
        assert_eq!(expected.len(), 6);
        for at in [AtObservation::TimePeriod, AtObservation::AllDimensions] {
            for format in ALL {
                let text = f.write(format, at, detail);
                assert_eq!(
                    sorted(decode(format, &text)),
                    expected,
                    "{format:?} {at:?} {detail:?}:\n{text}"
                );
            }
        }
    }
}

#[test]
fn generic_time_series() {
    let f = Fixture::new();
    let xml = f.write(
        DataFormat::GenericXml,
        AtObservation::TimePeriod,
        Detail::FULL,
    );
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<message:GenericData "));
    assert!(xml.contains(
        "<message:Structure structureID=\"ICTSTAT_DSD_ICT_1_0\" dimensionAtObservation=\"TIME_PERIOD\">\
         <common:Structure><Ref agencyID=\"ICTSTAT\" id=\"DSD_ICT\" version=\"1.0\"/></common:Structure>"
    ));
    assert!(
        xml.contains(
            "<message:DataSet structureRef=\"ICTSTAT_DSD_ICT_1_0\" action=\"Information\">"
        )
    );
    assert_eq!(xml.matches("<generic:Series>").count(), 4);
    assert_eq!(xml.matches("<generic:Obs>").count(), 6);
    assert_eq!(xml.matches("<generic:ObsKey>").count(), 0);
    // Series keys carry all fifteen key dimensions; UNIT_MEASURE is a series attribute.
    let key = xml
        .split("<generic:SeriesKey>")
        .nth(1)
        .unwrap()
        .split("</generic:SeriesKey>")
        .next()
        .unwrap();
    assert_eq!(key.matches("<generic:Value ").count(), 15);
    assert!(xml.contains("</generic:SeriesKey><generic:Attributes><generic:Value id=\"UNIT_MEASURE\" value=\"PER_100_POP\"/></generic:Attributes>"));
    assert!(
        xml.contains("<generic:ObsDimension value=\"2022\"/><generic:ObsValue value=\"NaN\"/>")
    );
    assert!(
        xml.contains("value=\"Survey &quot;ICT&quot; &lt;2022&gt; &amp; co, see:&#10;line two\"")
    );
    assert!(
        xml.trim_end()
            .ends_with("</message:DataSet></message:GenericData>")
    );
}

#[test]
fn generic_flat() {
    let f = Fixture::new();
    let xml = f.write(
        DataFormat::GenericXml,
        AtObservation::AllDimensions,
        Detail::FULL,
    );
    assert!(xml.contains("dimensionAtObservation=\"AllDimensions\""));
    assert_eq!(xml.matches("<generic:Series>").count(), 0);
    assert_eq!(xml.matches("<generic:ObsKey>").count(), 6);
    let key = xml
        .split("<generic:ObsKey>")
        .nth(1)
        .unwrap()
        .split("</generic:ObsKey>")
        .next()
        .unwrap();
    assert_eq!(key.matches("<generic:Value ").count(), 16);
    assert!(key.ends_with("<generic:Value id=\"TIME_PERIOD\" value=\"2020\"/>"));
}

#[test]
fn structure_specific_namespaces() {
    let f = Fixture::new();
    let urn =
        "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=ICTSTAT:DSD_ICT(1.0):ObsLevelDim:";
    let xml = f.write(
        DataFormat::StructureSpecificXml,
        AtObservation::TimePeriod,
        Detail::FULL,
    );
    assert!(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<message:StructureSpecificData "
    ));
    assert!(xml.contains(&format!("xmlns:ns1=\"{urn}TIME_PERIOD\"")));
    assert!(xml.contains(&format!(
        "namespace=\"{urn}TIME_PERIOD\" dimensionAtObservation=\"TIME_PERIOD\""
    )));
    assert!(xml.contains(
        "<message:DataSet ss:structureRef=\"ICTSTAT_DSD_ICT_1_0\" xsi:type=\"ns1:DataSetType\" \
         ss:dataScope=\"DataStructure\" action=\"Information\">"
    ));
    assert!(xml.contains(
        "<Series FREQ=\"A\" REPORTING_TYPE=\"G\" SERIES=\"IT_NET_BBND\" REF_AREA=\"404\" SEX=\"_T\""
    ));
    assert!(xml.contains("PRODUCT=\"_T\" UNIT_MEASURE=\"PER_100_POP\">"));
    assert!(xml.contains("<Obs TIME_PERIOD=\"2022\" OBS_VALUE=\"NaN\" OBS_STATUS=\"M\""));
    let flat = f.write(
        DataFormat::StructureSpecificXml,
        AtObservation::AllDimensions,
        Detail::FULL,
    );
    assert!(flat.contains(&format!("xmlns:ns1=\"{urn}AllDimensions\"")));
    assert!(!flat.contains("<Series"));
    assert!(flat.contains("<Obs FREQ=\"A\""));
}

#[test]
fn csv_columns_and_quoting() {
    let f = Fixture::new();
    let attrs = "UNIT_MEASURE,UNIT_MULT,OBS_STATUS,NATURE,SOURCE_DETAIL,COMMENT_OBS,LOWER_BOUND,UPPER_BOUND,STD_ERROR";
    let dims = KEY_DIMENSIONS.join(",");
    let v1 = f.write(DataFormat::Csv1, AtObservation::TimePeriod, Detail::FULL);
    let mut lines = v1.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("DATAFLOW,{dims},TIME_PERIOD,OBS_VALUE,{attrs}")
    );
    assert_eq!(
        lines.next().unwrap(),
        "ICTSTAT:DF_ICT(1.0),A,G,IT_NET_BBND,404,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,_T,2020,1.5,PER_100_POP,,,,,,,,"
    );
    assert!(v1.contains(",2021,23.75,PT,,A,,\"ITU estimate, 2021\",,20.5,27,\n"));
    assert!(v1.contains(",2022,,PT,,M,,,\"Survey \"\"ICT\"\" <2022> & co, see:\nline two\",,,\n"));
    let v2 = f.write(DataFormat::Csv2, AtObservation::TimePeriod, Detail::FULL);
    assert!(v2.starts_with(&format!(
        "STRUCTURE,STRUCTURE_ID,ACTION,{dims},TIME_PERIOD,OBS_VALUE,{attrs}\n"
    )));
    assert!(v2.contains("\ndataflow,ICTSTAT:DF_ICT(1.0),I,A,G,IT_USE_ii99,356,"));
    // The view does not change SDMX-CSV.
    assert_eq!(
        v2,
        f.write(DataFormat::Csv2, AtObservation::AllDimensions, Detail::FULL)
    );
}

#[test]
fn json1_shape() {
    let f = Fixture::new();
    let doc: Value =
        serde_json::from_str(&f.write(DataFormat::Json1, AtObservation::TimePeriod, Detail::FULL))
            .unwrap();
    assert_eq!(doc["header"]["id"], "IREF0001");
    assert_eq!(doc["header"]["sender"]["id"], "ICTSTAT");
    let dims = &doc["structure"]["dimensions"];
    assert_eq!(dims["series"].as_array().unwrap().len(), 15);
    assert_eq!(dims["observation"][0]["id"], "TIME_PERIOD");
    assert_eq!(dims["observation"][0]["keyPosition"], 15);
    // Periods are numbered in order, whatever the order of the rows.
    let periods: Vec<&str> = dims["observation"][0]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2019", "2020", "2021", "2022"]);
    let attrs = &doc["structure"]["attributes"];
    assert_eq!(attrs["series"][0]["id"], "UNIT_MEASURE");
    assert_eq!(
        attrs["series"][0]["values"][0],
        serde_json::json!({"id": "PER_100_POP", "name": f.registry.codelist("CL_UNIT_MEASURE").unwrap().codes.iter().find(|c| c.id == "PER_100_POP").unwrap().name})
    );
    let obs_attrs: Vec<&str> = attrs["observation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        obs_attrs,
        [
            "UNIT_MULT",
            "OBS_STATUS",
            "NATURE",
            "SOURCE_DETAIL",
            "COMMENT_OBS",
            "LOWER_BOUND",
            "UPPER_BOUND",
            "STD_ERROR"
        ]
    );
    assert_eq!(attrs["observation"][4]["values"][0]["name"], FOOTNOTE);
    let ds = &doc["dataSets"][0];
    assert_eq!(ds["action"], "Information");
    let series = ds["series"].as_object().unwrap();
    assert_eq!(series.len(), 4);
    assert!(series.keys().all(|k| k.split(':').count() == 15));
    // The missing value: null, then no UNIT_MULT, OBS_STATUS M (position 1 of A, M), no
    // NATURE or SOURCE_DETAIL, the footnote; trailing nulls dropped.
    let missing = series
        .values()
        .find_map(|s| s["observations"].get("3"))
        .unwrap();
    assert_eq!(missing, &serde_json::json!([null, null, 1, null, null, 0]));
}

#[test]
fn json2_shape() {
    let f = Fixture::new();
    let doc: Value = serde_json::from_str(&f.write(
        DataFormat::Json2,
        AtObservation::AllDimensions,
        Detail::FULL,
    ))
    .unwrap();
    assert!(
        doc["meta"]["schema"]
            .as_str()
            .unwrap()
            .ends_with("/2.0.0/sdmx-json-data-schema.json")
    );
    assert_eq!(doc["meta"]["prepared"], "2026-01-02T03:04:05Z");
    let s = &doc["data"]["structures"][0];
    assert_eq!(s["dataSets"], serde_json::json!([0]));
    assert_eq!(
        s["links"][0]["urn"],
        "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=ICTSTAT:DF_ICT(1.0)"
    );
    assert_eq!(s["dimensions"]["observation"].as_array().unwrap().len(), 16);
    assert_eq!(s["measures"]["observation"][0]["id"], "OBS_VALUE");
    let attrs = s["attributes"]["observation"].as_array().unwrap();
    assert_eq!(
        attrs.len(),
        9,
        "the flat view puts series attributes on observations"
    );
    assert_eq!(
        attrs[0]["relationship"]["dimensions"]
            .as_array()
            .unwrap()
            .len(),
        15
    );
    assert_eq!(
        attrs[1]["relationship"],
        serde_json::json!({"observation": {}})
    );
    assert_eq!(
        attrs[5]["values"][0],
        serde_json::json!({"value": FOOTNOTE})
    );
    let ds = &doc["data"]["dataSets"][0];
    assert_eq!(ds["structure"], 0);
    assert_eq!(ds["links"][0]["rel"], "dataflow");
    let obs = ds["observations"].as_object().unwrap();
    assert_eq!(obs.len(), 6);
    assert!(obs.keys().all(|k| k.split(':').count() == 16));
}

#[test]
fn series_keys_only_and_no_data() {
    let f = Fixture::new();
    for at in [AtObservation::TimePeriod, AtObservation::AllDimensions] {
        let xml = f.write(DataFormat::GenericXml, at, Detail::SERIES_KEYS_ONLY);
        assert!(xml.contains("dimensionAtObservation=\"TIME_PERIOD\""));
        assert_eq!(xml.matches("<generic:Series>").count(), 4);
        assert!(!xml.contains("<generic:Obs") && !xml.contains("<generic:Attributes>"));
        let csv = f.write(DataFormat::Csv2, at, Detail::SERIES_KEYS_ONLY);
        assert_eq!(csv.lines().count(), 5);
        assert!(csv.lines().nth(1).unwrap().ends_with(",_T,,"));
        let doc: Value =
            serde_json::from_str(&f.write(DataFormat::Json2, at, Detail::NO_DATA)).unwrap();
        let s = &doc["data"]["structures"][0];
        assert_eq!(s["dimensions"]["observation"], serde_json::json!([]));
        assert_eq!(s["attributes"]["observation"], serde_json::json!([]));
        let series = doc["data"]["dataSets"][0]["series"].as_object().unwrap();
        assert_eq!(series.len(), 4);
        assert!(
            series.values().all(|s| s.get("observations").is_none()
                && s["attributes"].as_array().unwrap().len() == 1)
        );
    }
    let ss = f.write(
        DataFormat::StructureSpecificXml,
        AtObservation::TimePeriod,
        Detail::NO_DATA,
    );
    assert_eq!(ss.matches("UNIT_MEASURE=").count(), 4);
    assert!(!ss.contains("<Obs"));
}

#[test]
fn empty_messages_are_valid() {
    let f = Fixture::new();
    let msg = f.message(AtObservation::TimePeriod, Detail::FULL);
    for format in ALL {
        let text = f.write_rows(format, &msg, &[]);
        assert!(decode(format, &text).is_empty(), "{format:?}");
        match format {
            DataFormat::Json1 | DataFormat::Json2 => {
                serde_json::from_str::<Value>(&text).unwrap();
            }
            DataFormat::Csv1 | DataFormat::Csv2 => assert_eq!(text.lines().count(), 1),
            _ => assert!(text.contains("action=\"Information\"></message:DataSet>")),
        }
    }
}
