//! The directory snapshot shipped inside the program (index-data/), so a fresh install
//! searches with no files and no network.

pub const FEED: &str = include_str!("../index-data/feed.json");
pub const THESAURUS: &str = include_str!("../index-data/thesaurus.json");
pub const SIGNS: &str = include_str!("../index-data/signs.json");
pub const REVIEWED_AGES: &str = include_str!("../index-data/reviewed-ages.json");
pub const TAXONOMY_MAP: &str = include_str!("../index-data/taxonomy-map.json");
pub const BOROUGHS: &str = include_str!("../index-data/boroughs.json");
pub const DISTRICTS: &str = include_str!("../index-data/postcode-districts.json");
pub const BOUNDARIES: &str = include_str!("../index-data/london-boroughs.geojson");

/// The bundled snapshot's `generated_at`, read once per process (it means parsing the whole
/// feed). A clock set before it is certainly wrong.
pub fn generated_at() -> Option<jiff::Timestamp> {
    #[derive(serde::Deserialize)]
    struct Envelope {
        generated_at: Option<jiff::Timestamp>,
    }
    static DATE: std::sync::OnceLock<Option<jiff::Timestamp>> = std::sync::OnceLock::new();
    *DATE.get_or_init(|| {
        serde_json::from_str::<Envelope>(FEED)
            .ok()
            .and_then(|e| e.generated_at)
    })
}

/// Attributions the data's licences require, shown on the app's About screen.
pub const ATTRIBUTIONS: &[&str] = &[
    "Contains OS data © Crown copyright and database right 2025.",
    "Contains Royal Mail data © Royal Mail copyright and database right 2025.",
    "Source: Office for National Statistics, licensed under the Open Government Licence v.3.0.",
    "Borough boundaries: UK-GeoJSON by Martin Chorley, CC BY 4.0.",
];
