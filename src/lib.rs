//! # Signpost London — the directory engine
//!
//! Offline search of London support services for victims of crime. The engine knows
//! nothing of the desktop app or any UI: it reads feeds, keeps an on-disk tantivy index in
//! generations that switch atomically, and answers searches in milliseconds.
//!
//! Data flows one way: feed bytes → verify signature → parse → validate (bad records set aside with a
//! reason) → build a new index generation → switch `CURRENT` atomically → search.
//!
//! ```no_run
//! use signpost::{Directory, SearchRequest};
//! let dir = Directory::open(std::path::Path::new("/tmp/signpost-data"))?;
//! let results = dir.search(&SearchRequest { text: "dv".into(), postcode: Some("E8 1AA".into()), ..Default::default() })?;
//! for hit in results.hits {
//!     println!("{} ({})", hit.name, hit.open_text);
//! }
//! # Ok::<(), signpost::Error>(())
//! ```
//!
//! `ARCHITECTURE.md` at the repository root maps the data flow and where each kind of change
//! goes. Modules, one concept each:
//! - [`model`]: HSDS 3.0 service shapes;
//! - [`feed`]: reading and validating feeds;
//! - [`geo`]: boroughs, postcode districts, distances;
//! - [`hours`]: opening hours in Europe/London;
//! - [`thesaurus`]: concepts behind abbreviations and lay words;
//! - [`meaning`]: the on-device sentence-embedding model (optional: keywords work without it);
//! - [`signs`]: signs of each need, read by meaning in a situation told in people's words;
//! - [`events`]: what happened (events, tactics, slurs) read as needs in an account;
//! - [`facts`]: what search ranks and filters on;
//! - [`index`]: tantivy generations on disk;
//! - [`search`]: query understanding, ranking, filters, explanations;
//! - [`directory`]: the front door tying them together;
//! - [`details`]: one service as the detail view and `signpost show` present it;
//! - [`present`]: the words people read (dates, referral routes, ages, why a result matched);
//! - [`review`]: how old a record's review is, and the warning to show;
//! - [`coverage`]: local services per borough and type of help (borough view, coverage map);
//! - [`contact`]: `tel:`, `mailto:` and https links, only from well-formed values;
//! - [`slip`]: the referral slip handed to the person being helped;
//! - [`map`]: borough outlines for drawing coverage;
//! - [`files`]: renames, flushes and locks that behave the same on Windows and Unix;
//! - [`store`]: the user's shortlist, settings and sync record (sled);
//! - [`signing`]: minisign signatures on feeds (publisher keys, sign, verify);
//! - [`sync`]: keeping the directory current from the signed feed (reqwest + tokio);
//! - [`eval`]: search quality against judged queries.

#![warn(missing_docs)]

pub mod bundled;
pub(crate) mod changed;
pub mod contact;
pub(crate) mod coverage;
pub mod details;
pub mod directory;
pub mod error;
pub mod eval;
pub mod events;
pub mod facts;
pub mod feed;
pub mod files;
pub mod geo;
pub mod hours;
pub mod import;
pub mod index;
pub mod map;
pub mod meaning;
pub mod model;
pub mod phone;
pub mod policy;
pub mod present;
pub mod publish;
pub mod review;
pub mod rollback;
pub mod search;
pub mod signing;
pub(crate) mod signs;
pub mod slip;
pub mod store;
pub mod sync;
pub mod text;
pub mod thesaurus;

pub use coverage::{BoroughView, CoverageMatrix};
pub use details::{PhoneDetails, ServiceDetails};
pub use directory::{Directory, DirectoryInfo, Opened};
pub use error::{Error, Result};
pub use search::{Hit, ReferralFilter, SearchRequest, SearchResults};
