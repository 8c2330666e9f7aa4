//! London geography: the 33 local authorities (GSS codes), postcode districts with their
//! centroids and the boroughs they cover, the places people name (Peckham, Feltham) and
//! their boroughs, postcode parsing, and distances.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::text;

#[derive(Debug, Clone, Serialize, Deserialize)]
/// One of the 33 London local authorities.
pub struct Borough {
    /// Its GSS code (`E09000012`).
    pub gss_code: String,
    /// Its name ("Hackney").
    pub name: String,
    #[serde(default)]
    /// Other names people use for it ("City", "Kingston").
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
/// A postcode district ("E8") and where it is.
pub struct District {
    /// The outward code: "E8", "SW1A".
    pub district: String,
    /// Latitude of the district's centroid.
    pub latitude: f64,
    /// Longitude of the district's centroid.
    pub longitude: f64,
    /// GSS codes of the boroughs holding at least 5% of its postcodes.
    pub boroughs: Vec<String>,
    /// Share of its postcodes inside London (0 to 1).
    pub share_in_london: f64,
}

/// A place a search is about: ranks services covering it first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// What the person typed or picked, tidied ("E8 1AA", "Hackney", "Peckham (Southwark)").
    pub label: String,
    /// Boroughs (GSS codes) the place lies in, the one it mostly lies in first.
    pub boroughs: Vec<String>,
    /// Centroid, when the place is a postcode district.
    pub centroid: Option<(f64, f64)>,
    /// The neighbourhood or town named, when the place is one ("Peckham"), not a borough
    /// or postcode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub named: Option<String>,
    /// Two different places share the name ("Hayes": Bromley or Hillingdon): both are
    /// searched, and neither is taken for the other.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ambiguous: bool,
}

/// A place name people use (`london_places.csv`), as bundled in `index-data/places.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct PlaceName {
    /// The name as the gazetteer spells it ("Peckham", "Earls Court").
    pub name: String,
    /// Its boroughs (GSS codes), the first-listed first.
    pub boroughs: Vec<String>,
    /// Its postcode districts.
    #[serde(default)]
    pub districts: Vec<String>,
    /// The name is also an everyday word ("Angel", "Bow", "Lee"): a query reads it as a
    /// place only where it is used as one (see [`Geography::place_named`]).
    #[serde(default)]
    pub everyday_word: bool,
}

/// Why a postcode was not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostcodeError {
    /// Not shaped like a UK postcode or district.
    Malformed,
    /// A real-looking postcode outside the London districts Signpost knows.
    NotLondon(String),
}

impl std::fmt::Display for PostcodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PostcodeError::Malformed => {
                write!(
                    f,
                    "is not a UK postcode, postcode district or London place Signpost knows (examples: \"E8 1AA\", \"SE10\", \"Peckham\")"
                )
            }
            PostcodeError::NotLondon(d) => {
                write!(f, "is in postcode district {d}, which is not in London")
            }
        }
    }
}

/// London's authorities, postcode districts and places, with lookups by name, alias, code
/// and postcode.
pub struct Geography {
    boroughs: Vec<Borough>,
    by_name: HashMap<String, usize>,
    districts: HashMap<String, District>,
    places: Vec<PlaceName>,
    /// Place keys (see `place_key`) to the places bearing that name.
    places_by_key: HashMap<String, Vec<usize>>,
    /// The most words in a place name.
    longest_place: usize,
}

#[derive(Deserialize)]
struct BoroughsFile {
    boroughs: Vec<Borough>,
}

#[derive(Deserialize)]
struct DistrictsFile {
    districts: Vec<District>,
}

#[derive(Deserialize)]
struct PlacesFile {
    places: Vec<PlaceName>,
}

impl Geography {
    /// The geography bundled with the program (index-data/).
    pub fn bundled() -> &'static Geography {
        static GEO: OnceLock<Geography> = OnceLock::new();
        GEO.get_or_init(|| {
            let b: BoroughsFile = serde_json::from_str(crate::bundled::BOROUGHS)
                .expect("bundled boroughs.json is valid");
            let d: DistrictsFile = serde_json::from_str(crate::bundled::DISTRICTS)
                .expect("bundled postcode-districts.json is valid");
            let p: PlacesFile =
                serde_json::from_str(crate::bundled::PLACES).expect("bundled places.json is valid");
            Geography::new(b.boroughs, d.districts).with_places(p.places)
        })
    }

    /// Geography from its boroughs and districts (the bundled one is [`Geography::bundled`]).
    pub fn new(boroughs: Vec<Borough>, districts: Vec<District>) -> Geography {
        let mut by_name = HashMap::new();
        for (i, b) in boroughs.iter().enumerate() {
            by_name.insert(text::normalize(&b.name), i);
            by_name.insert(b.gss_code.to_lowercase(), i);
            for a in &b.aliases {
                by_name.insert(text::normalize(a), i);
            }
        }
        let districts = districts
            .into_iter()
            .map(|d| (d.district.clone(), d))
            .collect();
        Geography {
            boroughs,
            by_name,
            districts,
            places: Vec::new(),
            places_by_key: HashMap::new(),
            longest_place: 0,
        }
    }

    /// This geography with the places people name, each in boroughs it knows.
    pub fn with_places(mut self, places: Vec<PlaceName>) -> Geography {
        for p in places {
            if p.boroughs.is_empty() || p.boroughs.iter().any(|g| self.borough(g).is_none()) {
                continue;
            }
            let words = text::words(&p.name);
            self.longest_place = self.longest_place.max(words.len());
            self.places_by_key
                .entry(place_key(&words))
                .or_default()
                .push(self.places.len());
            self.places.push(p);
        }
        self
    }

    /// The place named by exactly these words ("peckham", "kings cross", "bromley by
    /// bow"), spelt as people write it: apostrophes or none, "St" or "Saint".
    pub fn place_named(&self, words: &[String]) -> Option<NamedPlace<'_>> {
        let found = self.places_by_key.get(&place_key(words))?;
        Some(NamedPlace {
            places: found.iter().map(|&i| &self.places[i]).collect(),
        })
    }

    /// The most words a place name has: how far ahead a query need look.
    pub fn longest_place_name(&self) -> usize {
        self.longest_place
    }

    /// Single-word place names (normalised) with their keys, for forgiving a typo in one.
    pub fn one_word_places(&self) -> impl Iterator<Item = (String, NamedPlace<'_>)> {
        self.places_by_key
            .iter()
            .filter(|(k, _)| !k.contains(' '))
            .map(|(_, found)| {
                let first = &self.places[found[0]];
                (
                    text::normalize(&first.name),
                    NamedPlace {
                        places: found.iter().map(|&i| &self.places[i]).collect(),
                    },
                )
            })
    }

    /// A borough, else the borough a named place mostly lies in ("Peckham" → Southwark),
    /// for fields that take a borough. A name two places share is not guessed.
    pub fn find_borough_or_place(&self, name: &str) -> Option<&Borough> {
        self.find_borough(name).or_else(|| {
            let place = self.place_named(&text::words(name))?;
            match place.places.as_slice() {
                [one] => self.borough(&one.boroughs[0]),
                _ => None,
            }
        })
    }

    /// A postcode or district, else a place people name ("Peckham"), as a place.
    pub fn parse_postcode_or_place(&self, input: &str) -> Result<Place, PostcodeError> {
        self.parse_postcode(input).or_else(|e| {
            let words = text::words(input);
            if words.is_empty() {
                return Err(e);
            }
            if let Some(b) = self.find_borough(input) {
                return Ok(self.borough_place(b));
            }
            self.place_named(&words).map(|p| p.place(self)).ok_or(e)
        })
    }

    /// The 33 authorities.
    pub fn boroughs(&self) -> &[Borough] {
        &self.boroughs
    }

    /// Boroughs as a bit mask (one bit per authority, in GSS order).
    pub fn borough_mask<S: AsRef<str>>(&self, gss: &[S]) -> u64 {
        gss.iter()
            .filter_map(|g| self.boroughs.iter().position(|b| b.gss_code == g.as_ref()))
            .fold(0, |m, i| m | (1u64 << i))
    }

    /// The borough with GSS code `gss`.
    pub fn borough(&self, gss: &str) -> Option<&Borough> {
        self.boroughs.iter().find(|b| b.gss_code == gss)
    }

    /// A borough by name, alias ("H&F", "Kingston") or GSS code, in any case.
    pub fn find_borough(&self, name: &str) -> Option<&Borough> {
        let key = text::normalize(name);
        let key = if key.is_empty() {
            name.trim().to_lowercase()
        } else {
            key
        };
        self.by_name.get(&key).map(|&i| &self.boroughs[i])
    }

    /// Normalised borough names and aliases (each as words) with their GSS codes, for
    /// finding a borough typed inside a query.
    pub fn borough_names(&self) -> impl Iterator<Item = (&str, &str)> {
        self.by_name
            .iter()
            .filter(|(k, _)| !k.starts_with("e09"))
            .map(|(k, &i)| (k.as_str(), self.boroughs[i].gss_code.as_str()))
    }

    /// The district with outward code `code` ("E8"), in any case.
    pub fn district(&self, code: &str) -> Option<&District> {
        self.districts.get(&code.to_uppercase())
    }

    /// A full postcode ("E8 1AA", "e81aa") or a district ("SE10") as a place.
    pub fn parse_postcode(&self, input: &str) -> Result<Place, PostcodeError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let (outward, inward) = split_postcode(&compact).ok_or(PostcodeError::Malformed)?;
        let district = self
            .district(outward)
            .ok_or_else(|| PostcodeError::NotLondon(outward.to_string()))?;
        let label = match inward {
            Some(inward) => format!("{outward} {inward}"),
            None => outward.to_string(),
        };
        Ok(Place {
            label,
            boroughs: district.boroughs.clone(),
            centroid: Some((district.latitude, district.longitude)),
            named: None,
            ambiguous: false,
        })
    }

    /// A borough as a place.
    pub fn borough_place(&self, b: &Borough) -> Place {
        Place {
            label: b.name.clone(),
            boroughs: vec![b.gss_code.clone()],
            centroid: None,
            named: None,
            ambiguous: false,
        }
    }
}

/// The places bearing one name: usually one ("Peckham"), two for a name two places share
/// ("Hayes": Bromley BR2, Hillingdon UB3).
#[derive(Debug, Clone)]
pub struct NamedPlace<'g> {
    /// Each place of that name.
    pub places: Vec<&'g PlaceName>,
}

impl NamedPlace<'_> {
    /// The name is also an everyday word ("Angel", "Bow").
    pub fn everyday_word(&self) -> bool {
        self.places.iter().any(|p| p.everyday_word)
    }

    /// As a place to search near: every borough of every place of the name, labelled with
    /// the name and its boroughs ("Peckham (Southwark)", "Hayes (Bromley or Hillingdon)").
    pub fn place(&self, geo: &Geography) -> Place {
        let mut boroughs: Vec<String> = Vec::new();
        for g in self.places.iter().flat_map(|p| &p.boroughs) {
            if !boroughs.contains(g) {
                boroughs.push(g.clone());
            }
        }
        let name = |g: &String| geo.borough(g).map_or_else(|| g.clone(), |b| b.name.clone());
        let ambiguous = self.places.len() > 1;
        let within = if ambiguous {
            // Two places: each by its first-listed borough.
            let firsts: Vec<String> = self.places.iter().map(|p| name(&p.boroughs[0])).collect();
            firsts.join(" or ")
        } else {
            boroughs.iter().map(name).collect::<Vec<_>>().join(", ")
        };
        let named = self.places[0].name.clone();
        Place {
            label: format!("{named} ({within})"),
            boroughs,
            centroid: None,
            named: Some(named),
            ambiguous,
        }
    }
}

/// How a place name is looked up: its words, "saint" as "st", a final "s" dropped ("Kings
/// Cross" and "King's Cross" meet at "king cross").
fn place_key(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let w = if w == "saint" { "st" } else { w.as_str() };
            if w.len() > 3 {
                w.strip_suffix('s').unwrap_or(w)
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Split an upper-case, space-free postcode into its outward code and optional inward code,
/// or `None` when it is not shaped like one.
pub fn split_postcode(compact: &str) -> Option<(&str, Option<&str>)> {
    if is_outward(compact) {
        return Some((compact, None));
    }
    if compact.len() > 3 && compact.is_char_boundary(compact.len() - 3) {
        let (out, inw) = compact.split_at(compact.len() - 3);
        let b = inw.as_bytes();
        if is_outward(out)
            && b[0].is_ascii_digit()
            && b[1].is_ascii_alphabetic()
            && b[2].is_ascii_alphabetic()
        {
            return Some((out, Some(inw)));
        }
    }
    None
}

/// A1, A12, A1B, AB1, AB12, AB1C.
fn is_outward(s: &str) -> bool {
    let b = s.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if !(1..=2).contains(&letters) || b.len() <= letters {
        return false;
    }
    let rest = &b[letters..];
    rest[0].is_ascii_digit()
        && rest.len() <= 2
        && rest
            .get(1)
            .is_none_or(|c| c.is_ascii_digit() || c.is_ascii_alphabetic())
}

/// Great-circle distance in kilometres.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn geo() -> &'static Geography {
        Geography::bundled()
    }

    #[test]
    fn has_all_london_authorities_and_districts() {
        assert_eq!(geo().boroughs().len(), 33);
        assert_eq!(geo().find_borough("hackney").unwrap().gss_code, "E09000012");
        assert_eq!(
            geo().find_borough("E09000001").unwrap().name,
            "City of London"
        );
        assert_eq!(
            geo().find_borough("H&F").unwrap().name,
            "Hammersmith and Fulham"
        );
        assert!(geo().find_borough("Manchester").is_none());
    }

    #[test]
    fn parses_full_postcodes_in_any_form() {
        for input in ["E8 1AA", "e8 1aa", "E81AA", " e8  1AA "] {
            let p = geo().parse_postcode(input).unwrap();
            assert_eq!(p.label, "E8 1AA", "{input}");
            // E8 lies mostly in Hackney, partly in Tower Hamlets.
            assert_eq!(p.boroughs, ["E09000012", "E09000030"], "{input}");
        }
        assert_eq!(geo().parse_postcode("sw1a1aa").unwrap().label, "SW1A 1AA");
    }

    #[test]
    fn parses_districts_alone() {
        let p = geo().parse_postcode("se10").unwrap();
        assert_eq!(p.label, "SE10");
        assert_eq!(p.boroughs[0], "E09000011"); // Greenwich first, then Lewisham
        assert!(p.centroid.is_some());
        // A district spanning two boroughs covers both.
        assert!(geo().parse_postcode("BR1").unwrap().boroughs.len() >= 2);
    }

    #[test]
    fn rejects_invalid_and_non_london_postcodes() {
        assert_eq!(geo().parse_postcode("hello"), Err(PostcodeError::Malformed));
        assert_eq!(geo().parse_postcode("E8 1A"), Err(PostcodeError::Malformed));
        assert_eq!(geo().parse_postcode(""), Err(PostcodeError::Malformed));
        assert_eq!(geo().parse_postcode("123"), Err(PostcodeError::Malformed));
        assert_eq!(
            geo().parse_postcode("M1 1AE"),
            Err(PostcodeError::NotLondon("M1".into()))
        );
    }

    #[test]
    fn distance_is_plausible() {
        // Hackney (E8) to Greenwich (SE10) is roughly 8 km.
        let e8 = geo().parse_postcode("E8").unwrap().centroid.unwrap();
        let se10 = geo().parse_postcode("SE10").unwrap().centroid.unwrap();
        let d = distance_km(e8, se10);
        assert!((5.0..12.0).contains(&d), "{d}");
    }
}
