//! The directory snapshot shipped inside the program (index-data/), so a fresh install
//! searches with no files and no network.

pub const FEED: &str = include_str!("../index-data/feed.json");
pub const THESAURUS: &str = include_str!("../index-data/thesaurus.json");
pub const BOROUGHS: &str = include_str!("../index-data/boroughs.json");
pub const DISTRICTS: &str = include_str!("../index-data/postcode-districts.json");
pub const BOUNDARIES: &str = include_str!("../index-data/london-boroughs.geojson");
