//! Just enough TopoJSON to read the vendored world-atlas files: quantized, delta-encoded arcs
//! with a transform, Polygon and MultiPolygon geometries, reversed arcs (`~i`).
//!
//! A general TopoJSON reader (points, lines, nested collections, numeric ids) is not needed:
//! the only input is the two files we vendor, and the tests read both. Anything else in a
//! `GeometryCollection` (a `Point`, a `null` geometry) is skipped.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// A position in longitude and latitude, in degrees.
pub(crate) type LonLat = [f64; 2];
/// A closed ring (first point repeated last, as TopoJSON stores it).
pub(crate) type Ring = Vec<LonLat>;
/// An exterior ring followed by its holes.
pub(crate) type Polygon = Vec<Ring>;

/// One geometry of a `GeometryCollection`, its arcs resolved into rings of coordinates.
#[derive(Debug, Clone)]
pub(crate) struct Feature {
    /// The feature id; in world-atlas the zero-padded ISO 3166 numeric code (= M49 for countries).
    pub id: Option<String>,
    /// `properties.name` (English, as in Natural Earth), or empty.
    pub name: String,
    pub polygons: Vec<Polygon>,
}

#[derive(Debug)]
pub(crate) struct TopoError(String);

impl fmt::Display for TopoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TopoError {}

/// Reads the `GeometryCollection` called `object` from a TopoJSON document.
pub(crate) fn features(json: &str, object: &str) -> Result<Vec<Feature>, TopoError> {
    let topo: RawTopology =
        serde_json::from_str(json).map_err(|e| TopoError(format!("TopoJSON: {e}")))?;
    let arcs = decode_arcs(&topo.arcs, topo.transform.as_ref());
    let collection = topo
        .objects
        .get(object)
        .ok_or_else(|| TopoError(format!("TopoJSON: no object {object:?}")))?;
    let mut out = Vec::with_capacity(collection.geometries.len());
    for g in &collection.geometries {
        let (polygons, id, properties) = match g {
            RawGeometry::Polygon {
                arcs: rings,
                id,
                properties,
            } => (vec![polygon(&arcs, rings)?], id, properties),
            RawGeometry::MultiPolygon {
                arcs: polys,
                id,
                properties,
            } => (
                polys
                    .iter()
                    .map(|rings| polygon(&arcs, rings))
                    .collect::<Result<_, _>>()?,
                id,
                properties,
            ),
            RawGeometry::Other => continue,
        };
        out.push(Feature {
            id: id.clone(),
            name: properties.name.clone().unwrap_or_default(),
            polygons,
        });
    }
    Ok(out)
}

/// Undoes quantization and delta encoding: each arc becomes absolute coordinates.
fn decode_arcs(arcs: &[Vec<Position>], transform: Option<&RawTransform>) -> Vec<Vec<LonLat>> {
    arcs.iter()
        .map(|arc| match transform {
            Some(t) => {
                let (mut x, mut y) = (0.0, 0.0);
                arc.iter()
                    .map(|p| {
                        x += p.0;
                        y += p.1;
                        [
                            x * t.scale[0] + t.translate[0],
                            y * t.scale[1] + t.translate[1],
                        ]
                    })
                    .collect()
            }
            None => arc.iter().map(|p| [p.0, p.1]).collect(),
        })
        .collect()
}

fn polygon(arcs: &[Vec<LonLat>], rings: &[Vec<i64>]) -> Result<Polygon, TopoError> {
    rings.iter().map(|r| ring(arcs, r)).collect()
}

/// Joins arcs into a ring. A negative index `~i` means arc `i` walked backwards; consecutive
/// arcs share their joining point, which is kept once.
fn ring(arcs: &[Vec<LonLat>], indexes: &[i64]) -> Result<Ring, TopoError> {
    let mut out: Ring = Vec::new();
    for &index in indexes {
        let (i, reversed) = if index < 0 {
            (!index, true)
        } else {
            (index, false)
        };
        let arc = usize::try_from(i)
            .ok()
            .and_then(|i| arcs.get(i))
            .ok_or_else(|| TopoError(format!("TopoJSON: arc {index} does not exist")))?;
        out.pop();
        if reversed {
            out.extend(arc.iter().rev());
        } else {
            out.extend(arc.iter());
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct RawTopology {
    #[serde(default)]
    transform: Option<RawTransform>,
    arcs: Vec<Vec<Position>>,
    objects: HashMap<String, RawCollection>,
}

#[derive(Deserialize)]
struct RawTransform {
    scale: [f64; 2],
    translate: [f64; 2],
}

#[derive(Deserialize)]
struct RawCollection {
    #[serde(default)]
    geometries: Vec<RawGeometry>,
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum RawGeometry {
    Polygon {
        arcs: Vec<Vec<i64>>,
        #[serde(default)]
        id: Option<String>,
        #[serde(default)]
        properties: RawProperties,
    },
    MultiPolygon {
        arcs: Vec<Vec<Vec<i64>>>,
        #[serde(default)]
        id: Option<String>,
        #[serde(default)]
        properties: RawProperties,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize, Default)]
struct RawProperties {
    #[serde(default)]
    name: Option<String>,
}

/// A TopoJSON position: its first two numbers (any further ones, like elevation, are ignored).
struct Position(f64, f64);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Position;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a position [x, y, …]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
                let x = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let y = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Position(x, y))
            }
        }
        d.deserialize_seq(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two arcs sharing an edge, as in the TopoJSON specification's example: arc 0 is quantized
    /// and delta-encoded, arc 1 is used reversed (`~1` = -2).
    #[test]
    fn decodes_delta_arcs_and_reversed_arcs() {
        let json = r#"{
            "type": "Topology",
            "transform": {"scale": [0.5, 2], "translate": [10, -10]},
            "arcs": [[[0, 0], [2, 0], [0, 2]], [[0, 0], [0, 2], [2, 0]]],
            "objects": {"c": {"type": "GeometryCollection", "geometries": [
                {"type": "Polygon", "arcs": [[0, -2]], "id": "001", "properties": {"name": "A"}},
                {"type": "MultiPolygon", "arcs": [[[0, -2]], [[1, -1]]]},
                {"type": "Point", "coordinates": [0, 0]}
            ]}}
        }"#;
        let f = features(json, "c").unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].id.as_deref(), Some("001"));
        assert_eq!(f[0].name, "A");
        // arc 0: (0,0) (2,0) (2,2) → lon = x/2 + 10, lat = 2y − 10
        // arc 1: (0,0) (0,2) (2,2), reversed: (2,2) (0,2) (0,0)
        assert_eq!(
            f[0].polygons[0][0],
            vec![
                [10.0, -10.0],
                [11.0, -10.0],
                [11.0, -6.0],
                [10.0, -6.0],
                [10.0, -10.0]
            ]
        );
        assert_eq!(f[1].id, None);
        assert_eq!(f[1].polygons.len(), 2);
        assert!(features(json, "missing").is_err());
    }
}
