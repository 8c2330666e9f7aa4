//! London's borough outlines as SVG path data, for drawing a service's coverage.
//!
//! Projected once from the bundled WGS84 boundaries (`index-data/london-boroughs.geojson`)
//! with an equirectangular projection scaled by cos(latitude), which at London's size is
//! indistinguishable from a proper one on a small map.

use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;

use crate::bundled;

type Ring = Vec<(f64, f64)>;

/// Width of the map in SVG user units; the height follows London's shape.
const WIDTH: f64 = 400.0;

#[derive(Debug, Clone, Serialize)]
/// One borough's outline.
pub struct Outline {
    /// Its GSS code.
    pub gss_code: String,
    /// Its name.
    pub name: String,
    /// SVG path data (`M x y L … Z`).
    pub path: String,
    /// Where a label for the borough goes: the centre of its largest part, in the same
    /// units as `path`.
    pub label_x: f64,
    /// Where its label goes, vertically.
    pub label_y: f64,
}

#[derive(Debug, Clone, Serialize)]
/// London's borough outlines, in one SVG coordinate space.
pub struct Map {
    /// `0 0 W H`.
    pub view_box: String,
    /// Each borough's outline.
    pub boroughs: Vec<Outline>,
}

/// The bundled map, projected on first use.
pub fn bundled() -> &'static Map {
    static MAP: OnceLock<Map> = OnceLock::new();
    MAP.get_or_init(|| {
        from_geojson(bundled::BOUNDARIES).expect("bundled boundaries are valid GeoJSON")
    })
}

/// Project a GeoJSON FeatureCollection of (Multi)Polygons with `gss_code` and `name`
/// properties.
pub fn from_geojson(text: &str) -> Result<Map, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let features = doc["features"].as_array().ok_or("no features")?;
    let shapes = features
        .iter()
        .map(shape)
        .collect::<Result<Vec<Shape>, String>>()?;
    let projection = Projection::fitting(&shapes)?;
    let boroughs = shapes
        .into_iter()
        .map(|shape| projection.outline(shape))
        .collect();
    Ok(Map {
        view_box: format!("0 0 {WIDTH} {}", projection.height.ceil()),
        boroughs,
    })
}

/// A borough's GSS code, name and rings, as (longitude, latitude).
type Shape = (String, String, Vec<Ring>);

/// One GeoJSON feature (a Polygon or MultiPolygon) as a borough's shape.
fn shape(f: &Value) -> Result<Shape, String> {
    let props = &f["properties"];
    let gss = props["gss_code"]
        .as_str()
        .ok_or("a feature has no gss_code")?;
    let name = props["name"].as_str().unwrap_or(gss);
    let geom = &f["geometry"];
    let polygons: Vec<&Value> = match geom["type"].as_str() {
        Some("Polygon") => vec![&geom["coordinates"]],
        Some("MultiPolygon") => geom["coordinates"]
            .as_array()
            .ok_or("bad MultiPolygon")?
            .iter()
            .collect(),
        other => return Err(format!("unsupported geometry {other:?}")),
    };
    let mut rings = Vec::new();
    for poly in polygons {
        for ring in poly.as_array().ok_or("bad polygon")? {
            let pts = ring
                .as_array()
                .ok_or("bad ring")?
                .iter()
                .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
                .collect::<Vec<_>>();
            if pts.len() >= 3 {
                rings.push(pts);
            }
        }
    }
    Ok((gss.to_string(), name.to_string(), rings))
}

/// Longitude and latitude to map units: an equirectangular projection at London's
/// latitude, scaled so all the shapes fill [`WIDTH`].
struct Projection {
    west: f64,
    north: f64,
    kx: f64,
    scale: f64,
    height: f64,
}

impl Projection {
    fn fitting(shapes: &[Shape]) -> Result<Projection, String> {
        let all = shapes.iter().flat_map(|s| s.2.iter().flatten());
        let (mut w, mut e, mut s, mut n) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(lon, lat) in all {
            (w, e, s, n) = (w.min(lon), e.max(lon), s.min(lat), n.max(lat));
        }
        if w >= e || s >= n {
            return Err("no coordinates".into());
        }
        let kx = ((s + n) / 2.0).to_radians().cos();
        let scale = WIDTH / ((e - w) * kx);
        Ok(Projection {
            west: w,
            north: n,
            kx,
            scale,
            height: (n - s) * scale,
        })
    }

    fn project(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        (
            (lon - self.west) * self.kx * self.scale,
            (self.north - lat) * self.scale,
        )
    }

    /// The shape's SVG path, to a tenth of a unit, and where its label goes (the centre of
    /// its largest part).
    fn outline(&self, (gss_code, name, rings): Shape) -> Outline {
        let tenth = |(x, y): (f64, f64)| ((x * 10.0).round() / 10.0, (y * 10.0).round() / 10.0);
        let projected: Vec<Vec<(f64, f64)>> = rings
            .iter()
            .map(|r| r.iter().map(|&p| self.project(p)).collect())
            .collect();
        let (label_x, label_y) = projected
            .iter()
            .map(|r| centroid(r))
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .map_or((0.0, 0.0), |(x, y, _)| tenth((x, y)));
        let mut path = String::new();
        for ring in projected {
            let mut last = None;
            for (i, p) in ring.into_iter().enumerate() {
                let pt = tenth(p);
                if last == Some(pt) {
                    continue; // points closer than the map can show
                }
                last = Some(pt);
                path.push_str(if i == 0 { "M" } else { "L" });
                path.push_str(&format!("{} {}", pt.0, pt.1));
            }
            path.push('Z');
        }
        Outline {
            gss_code,
            name,
            path,
            label_x,
            label_y,
        }
    }
}

/// Area centroid of a ring and its (unsigned) area.
fn centroid(ring: &[(f64, f64)]) -> (f64, f64, f64) {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (i, &(x0, y0)) in ring.iter().enumerate() {
        let (x1, y1) = ring[(i + 1) % ring.len()];
        let cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
    }
    if a.abs() < f64::EPSILON {
        let n = ring.len().max(1) as f64;
        let (sx, sy) = ring
            .iter()
            .fold((0.0, 0.0), |(sx, sy), p| (sx + p.0, sy + p.1));
        return (sx / n, sy / n, 0.0);
    }
    (cx / (3.0 * a), cy / (3.0 * a), (a / 2.0).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_borough_has_an_outline_inside_the_view_box() {
        let map = bundled();
        assert_eq!(map.boroughs.len(), 33);
        let h: f64 = map.view_box.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(h > 200.0 && h < 400.0, "London is wider than tall: {h}");
        for b in &map.boroughs {
            assert!(
                b.path.starts_with('M') && b.path.ends_with('Z'),
                "{}",
                b.name
            );
            for n in b.path.split(|c: char| c.is_ascii_alphabetic() || c == ' ') {
                if let Ok(v) = n.parse::<f64>() {
                    assert!((0.0..=WIDTH).contains(&v), "{}: {v}", b.name);
                }
            }
        }
        let hackney = map.boroughs.iter().find(|b| b.name == "Hackney").unwrap();
        assert_eq!(hackney.gss_code, "E09000012");
        // Labels sit inside the map, and the City of London's is east of Westminster's.
        for b in &map.boroughs {
            assert!((0.0..=WIDTH).contains(&b.label_x), "{}", b.name);
            assert!((0.0..=h).contains(&b.label_y), "{}", b.name);
        }
        let at = |n: &str| map.boroughs.iter().find(|b| b.name == n).unwrap().label_x;
        assert!(at("City of London") > at("Westminster"));
        assert!(at("Havering") > at("Hillingdon"));
    }
}
