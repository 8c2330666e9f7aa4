//! The engine's one error type.
//!
//! Like Meilisearch's milli, errors are split by who can act on them: a *user* error
//! (a bad feed, an unknown borough, an invalid postcode) is the caller's to fix and its
//! message says how; an *internal* error (disk, a corrupt index) is the machine's, and
//! its message says what failed and where. Every message is one plain sentence.

use std::path::PathBuf;

/// Result alias used across the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The feed could not be read as JSON at all.
    #[error("the feed is not valid JSON ({0}); nothing was changed")]
    FeedNotJson(String),
    /// The feed parsed but is not in a shape Signpost reads.
    #[error("the feed is not in a format Signpost reads: {0}; nothing was changed")]
    FeedShape(String),
    /// Every record in the feed was set aside.
    #[error("the feed has no usable service records ({set_aside} set aside); nothing was changed")]
    FeedEmpty { set_aside: usize },
    /// The feed is not newer than the directory in use (no rollback).
    #[error("the feed is dated {feed}, which is not newer than the directory in use ({current}); nothing was changed")]
    FeedNotNewer {
        feed: jiff::Timestamp,
        current: jiff::Timestamp,
    },
    /// The feed is dated more than a day after this computer's clock.
    #[error("the feed is dated {feed}, more than a day after this computer's clock ({now}); a publisher's clock may be wrong, so it was not applied and the next correctly dated feed will be; nothing was changed")]
    FeedFromFuture {
        feed: jiff::Timestamp,
        now: jiff::Timestamp,
    },
    /// This computer's clock is before the bundled snapshot's date: certainly wrong.
    #[error("this computer's clock says {now}, which is before the date of the directory Signpost shipped with ({bundled}); set the clock right and update again; nothing was changed")]
    ClockWrong {
        now: jiff::Timestamp,
        bundled: jiff::Timestamp,
    },
    /// Updates cannot be saved (a read-only data folder); searches still work.
    #[error("updates are off: {0}; the directory in use keeps serving")]
    UpdatesOff(String),
    /// The feed address and key are fixed by the organisation's policy file.
    #[error("the feed address and publisher key are set by your organisation's policy ({0}) and cannot be changed here")]
    LockedByPolicy(PathBuf),
    /// A new publisher key was given without confirming its fingerprint.
    #[error("changing the publisher key needs confirmation: Signpost would then trust any directory signed with key {fingerprint}, and whoever holds that key could change every number it shows")]
    KeyNotConfirmed { fingerprint: String },
    /// The organisation's policy file could not be read.
    #[error("the policy file {path} could not be used: {why}")]
    PolicyInvalid { path: PathBuf, why: String },
    /// A publisher key could not be read or used.
    #[error("the publisher key is not usable: {0}")]
    KeyInvalid(String),
    /// The feed's signature did not verify with the publisher's key.
    #[error("the feed's signature was refused: {0}; nothing was changed")]
    SignatureInvalid(&'static str),
    /// The feed is published without its detached signature.
    #[error("the feed has no signature at {0}, so it cannot be trusted; nothing was changed")]
    SignatureMissing(String),
    /// The feed address is not one Signpost will fetch from.
    #[error("the feed address \"{url}\" is not usable: {why}")]
    FeedUrl { url: String, why: &'static str },
    /// The feed server could not be reached or stopped answering.
    #[error("could not download the feed from {host}: {why}; nothing was changed")]
    Network { host: String, why: String },
    /// The feed server answered, but not with the feed.
    #[error("the feed server at {host} answered \"{status}\" for {url}; nothing was changed")]
    HttpStatus {
        host: String,
        status: String,
        url: String,
    },
    /// The feed is bigger than Signpost will download.
    #[error("the feed is larger than the {limit_mb} MB Signpost accepts, so it was not downloaded in full; nothing was changed")]
    FeedTooLarge { limit_mb: u64 },
    /// A step of an update stopped unexpectedly (a bug or a crash in a worker thread).
    #[error("the update stopped before it finished ({0}); nothing was changed")]
    UpdateInterrupted(String),
    /// No feed address has been set up.
    #[error("no feed address is set; add one in Settings to receive updates")]
    NoFeed,

    #[error("the import stopped: {0}; no feed was written")]
    Import(String),

    #[error("{0}; no feed was written")]
    SourceInvalid(String),
    /// A query parameter could not be understood.
    #[error("{0}")]
    InvalidQuery(String),
    /// A borough name, alias or GSS code that is not one of the 33 London authorities.
    #[error(
        "\"{0}\" is not a London borough; use a name such as \"Hackney\" or \"Tower Hamlets\""
    )]
    UnknownBorough(String),
    /// No service has this id.
    #[error("no service with id \"{0}\" in the directory")]
    NotFound(String),
    /// A file could not be read or written.
    #[error("could not {action} {path}: {}", plain_io(source))]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Another Signpost process has the shortlist and settings open.
    #[error("the shortlist and settings in {0} are in use by another Signpost window or command; close it and try again")]
    StoreInUse(PathBuf),
    /// The shortlist and settings store failed.
    #[error("the shortlist and settings could not be read or saved: {0}")]
    Store(String),
    /// The search index failed.
    #[error("the search index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
}

impl Error {
    /// True when the caller (the person, or the feed's publisher) can fix this by
    /// changing their input; false when something went wrong on this machine.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::FeedNotJson(_)
                | Error::FeedShape(_)
                | Error::FeedEmpty { .. }
                | Error::FeedNotNewer { .. }
                | Error::FeedFromFuture { .. }
                | Error::ClockWrong { .. }
                | Error::LockedByPolicy(_)
                | Error::KeyNotConfirmed { .. }
                | Error::PolicyInvalid { .. }
                | Error::InvalidQuery(_)
                | Error::UnknownBorough(_)
                | Error::NotFound(_)
                | Error::StoreInUse(_)
                | Error::KeyInvalid(_)
                | Error::SignatureInvalid(_)
                | Error::SignatureMissing(_)
                | Error::FeedUrl { .. }
                | Error::HttpStatus { .. }
                | Error::FeedTooLarge { .. }
                | Error::NoFeed
                | Error::Import(_)
                | Error::SourceInvalid(_)
        )
    }

    pub(crate) fn store(path: &std::path::Path, e: sled::Error) -> Self {
        Error::Store(format!("{e} (in {})", path.display()))
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// An I/O error in words: a full disk says so first, as it is what the user can act on.
fn plain_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::StorageFull => {
            "the disk is full (free some space and try again); nothing was changed".into()
        }
        std::io::ErrorKind::ReadOnlyFilesystem => "the disk is read-only".into(),
        _ => e.to_string(),
    }
}
