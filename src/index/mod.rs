//! The search index: a tantivy index per *generation*, each in its own folder with the
//! feed it was built from.
//!
//! ```text
//! DATA_DIR/directory/
//!   CURRENT            name of the generation being served ("gen-000007")
//!   gen-000007/
//!     feed.json        the feed bytes as received: the last good feed, for rebuilding
//!     meta.json        feed metadata, records set aside and fields dropped
//!     services.jsonl   validated services, one JSON line each, read when needed
//!     index/           tantivy, one segment
//!     COMPLETE         written last: the generation is whole
//!   staging-…/         a generation being built (removed if a build died)
//! ```
//!
//! A new generation is built in a staging folder, synced, renamed to `gen-N`, and only
//! then named in `CURRENT` (written to a temporary file and renamed over it, which is
//! atomic). A crash at any point before that rename leaves the previous generation
//! serving; after it, the new one. Readers never see a mix.

mod generation;
mod records;
mod schema;

pub use generation::{
    build, build_with, collect_garbage, complete_generations, current_name, kept, kept_provenance,
    newest_signed_by, open, remove_abandoned_staging, set_current, Generation, Kept, PhoneChanges,
    Provenance, Staged, CURRENT_FILE,
};
pub use records::{Records, Summary};
pub(crate) use schema::texts;
pub(crate) use schema::ORD;
pub use schema::{indexed_with, Fields};
