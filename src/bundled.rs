//! The directory snapshot shipped inside the program (index-data/), so a fresh install
//! searches with no files and no network.

/// The bundled feed (`index-data/feed.json`), signed by `index-data/publisher.pub`.
pub const FEED: &str = include_str!("../index-data/feed.json");
/// The search thesaurus: concepts and the words that express them.
pub const THESAURUS: &str = include_str!("../index-data/thesaurus.json");
/// Signs of each need, for reading a situation by meaning.
pub const SIGNS: &str = include_str!("../index-data/signs.json");
/// What happens for each need: events, tactics, slurs and hostile phrases, read in accounts.
pub const EVENTS: &str = include_str!("../index-data/events.json");
/// Ages read from services' eligibility text and reviewed by hand, for the publisher's build.
pub const REVIEWED_AGES: &str = include_str!("../index-data/reviewed-ages.json");
/// Open Referral taxonomy terms mapped to Signpost categories, for `signpost import`.
pub const TAXONOMY_MAP: &str = include_str!("../index-data/taxonomy-map.json");
/// The 33 London authorities: GSS codes, names and aliases.
pub const BOROUGHS: &str = include_str!("../index-data/boroughs.json");
/// Postcode districts with their centroids and the boroughs they fall in.
pub const DISTRICTS: &str = include_str!("../index-data/postcode-districts.json");
/// Places people name (Peckham, Feltham) and their boroughs, from `london_places.csv`.
pub const PLACES: &str = include_str!("../index-data/places.json");
/// Borough boundaries (GeoJSON), drawn as the coverage map.
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
    "Place names and boroughs: Wikipedia contributors, 'List of areas of London', CC BY-SA 4.0.",
    "Norwood: Hidden London gazetteer.",
];
