//! The engine's one error type, with a stable code for each kind of failure.
//!
//! Like Meilisearch's milli, errors are split by who can act on them ([`Kind`]): a *user*
//! error (a bad feed, an unknown borough, an invalid postcode) is the caller's to fix and its
//! message says how; an *internal* error (disk, a corrupt index) is the machine's, and its
//! message says what failed and where. Every message is one plain sentence.
//!
//! Like GitButler's command layer, a program reading an error switches on [`Error::code`]
//! (stable, kebab-case) and [`Error::field`] (the input it concerns), never on the message:
//! the wording may improve, the codes do not change. [`Error::describe`] is one exhaustive
//! match, so a new variant cannot be added without deciding its code and kind.

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
    FeedEmpty {
        /// How many records were set aside.
        set_aside: usize,
    },
    /// The feed is not newer than the directory in use (no rollback).
    #[error("the feed is dated {feed}, which is not newer than the directory in use ({current}); nothing was changed")]
    FeedNotNewer {
        /// The feed's date.
        feed: jiff::Timestamp,
        /// The date of the directory in use.
        current: jiff::Timestamp,
    },
    /// The feed is one its publisher withdrew by superseding it while it was dated ahead.
    #[error("the feed was withdrawn by its publisher: a feed they built later replaced it while it was dated ahead of the clock, so it is not applied again; nothing was changed")]
    FeedWithdrawn,
    /// The feed is dated more than a day after this computer's clock.
    #[error("the feed is dated {feed}, more than a day after this computer's clock ({now}); a publisher's clock may be wrong, so it was not applied and the next correctly dated feed will be; nothing was changed")]
    FeedFromFuture {
        /// The feed's date.
        feed: jiff::Timestamp,
        /// This computer's clock.
        now: jiff::Timestamp,
    },
    /// This computer's clock is before the bundled snapshot's date: certainly wrong.
    #[error("this computer's clock says {now}, which is before the date of the directory Signpost shipped with ({bundled}); set the clock right and update again; nothing was changed")]
    ClockWrong {
        /// This computer's clock.
        now: jiff::Timestamp,
        /// The bundled snapshot's date.
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
    KeyNotConfirmed {
        /// The new key's id, to show and confirm.
        fingerprint: String,
    },
    /// The organisation's policy (a file, or Group Policy's registry key) could not be read.
    #[error("the organisation's policy in {path} could not be used: {why}")]
    PolicyInvalid {
        /// The policy file or registry key.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
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
    FeedUrl {
        /// The address given.
        url: String,
        /// Why it is not usable.
        why: &'static str,
    },
    /// The feed server could not be reached or stopped answering.
    #[error("could not download the feed from {host}: {why}; nothing was changed")]
    Network {
        /// The server.
        host: String,
        /// What went wrong, in words.
        why: String,
    },
    /// The feed server answered, but not with the feed.
    #[error("the feed server at {host} answered \"{status}\" for {url}; nothing was changed")]
    HttpStatus {
        /// The server.
        host: String,
        /// The HTTP status, with its reason.
        status: String,
        /// The address asked for.
        url: String,
    },
    /// The feed is bigger than Signpost will download.
    #[error("the feed is larger than the {limit_mb} MB Signpost accepts, so it was not downloaded in full; nothing was changed")]
    FeedTooLarge {
        /// The limit, in MB.
        limit_mb: u64,
    },
    /// A step of an update stopped unexpectedly (a bug or a crash in a worker thread).
    #[error("the update stopped before it finished ({0}); nothing was changed")]
    UpdateInterrupted(String),
    /// No feed address has been set up.
    #[error("no feed address is set; add one in Settings to receive updates")]
    NoFeed,
    /// Importing from an Open Referral API stopped part-way.
    #[error("the import stopped: {0}; no feed was written")]
    Import(String),
    /// A publisher's source records could not be built into a feed.
    #[error("{0}; no feed was written")]
    SourceInvalid(String),
    /// A command-line argument (a date, a period) could not be understood.
    #[error("{0}")]
    InvalidArgument(String),
    /// The postcode filter is not a UK postcode or district.
    #[error("\"{input}\" {why}")]
    InvalidPostcode {
        /// The postcode as given.
        input: String,
        /// Why it is not one.
        why: String,
    },
    /// A category filter that is not one of the directory's categories.
    #[error("\"{given}\" is not a category; use one of: {known}")]
    UnknownCategory {
        /// The category given.
        given: String,
        /// The categories there are, comma separated.
        known: String,
    },
    /// A referral filter that is not one of the three routes.
    #[error("\"{0}\" is not a referral route; use self, professional or professional-only")]
    UnknownReferral(String),
    /// The shortlist already holds as many services as it can.
    #[error("the shortlist holds at most {max} services; remove one first")]
    ShortlistFull {
        /// How many it holds.
        max: usize,
    },
    /// A service was named by an empty id.
    #[error("a shortlist entry needs a service id")]
    MissingServiceId,
    /// No data folder was given and none could be found for this user.
    #[error("no app data folder could be found for this user; pass --data-dir DIR")]
    NoDataDir,
    /// A line of a judged-queries file is not a judged query.
    #[error("line {line} is not a judged query: {why}")]
    JudgedQuery {
        /// The line, from 1.
        line: usize,
        /// What is wrong with it.
        why: String,
    },
    /// The on-device model is needed for this and could not be loaded.
    #[error("{0}")]
    ModelUnavailable(String),
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
        /// What was being done ("read", "write").
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        #[source]
        /// The operating system's error.
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

/// Who can act on an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The person, or the feed's publisher, can fix it by changing what they gave.
    User,
    /// Something failed on this machine (disk, index, a crashed worker).
    Internal,
}

/// The input an error concerns, so a form can show the message beside that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// The postcode filter.
    Postcode,
    /// The borough filter.
    Borough,
    /// A category filter.
    Category,
    /// The referral-route filter.
    Referral,
    /// The feed address in settings.
    FeedUrl,
    /// The publisher key in settings.
    PublisherKey,
}

impl Field {
    /// The field's stable name (`postcode`, `publisher-key`…), as the UI receives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Postcode => "postcode",
            Field::Borough => "borough",
            Field::Category => "category",
            Field::Referral => "referral",
            Field::FeedUrl => "feed-url",
            Field::PublisherKey => "publisher-key",
        }
    }
}

impl Error {
    /// The stable code and the kind of this error: one exhaustive match, so every variant
    /// has both. Codes are kebab-case and never change once published.
    pub fn describe(&self) -> (&'static str, Kind) {
        use Kind::{Internal, User};
        match self {
            Error::FeedNotJson(_) => ("feed-not-json", User),
            Error::FeedShape(_) => ("feed-shape", User),
            Error::FeedEmpty { .. } => ("feed-empty", User),
            Error::FeedNotNewer { .. } => ("feed-not-newer", User),
            Error::FeedWithdrawn => ("feed-withdrawn", User),
            Error::FeedFromFuture { .. } => ("feed-from-future", User),
            Error::ClockWrong { .. } => ("clock-wrong", User),
            Error::UpdatesOff(_) => ("updates-off", Internal),
            Error::LockedByPolicy(_) => ("locked-by-policy", User),
            Error::KeyNotConfirmed { .. } => ("key-not-confirmed", User),
            Error::PolicyInvalid { .. } => ("policy-invalid", User),
            Error::KeyInvalid(_) => ("invalid-key", User),
            Error::SignatureInvalid(_) => ("signature-invalid", User),
            Error::SignatureMissing(_) => ("signature-missing", User),
            Error::FeedUrl { .. } => ("invalid-feed-url", User),
            Error::Network { .. } => ("network", Internal),
            Error::HttpStatus { .. } => ("http-status", User),
            Error::FeedTooLarge { .. } => ("feed-too-large", User),
            Error::UpdateInterrupted(_) => ("update-interrupted", Internal),
            Error::NoFeed => ("no-feed", User),
            Error::Import(_) => ("import", User),
            Error::SourceInvalid(_) => ("source-invalid", User),
            Error::InvalidArgument(_) => ("invalid-argument", User),
            Error::InvalidPostcode { .. } => ("invalid-postcode", User),
            Error::UnknownCategory { .. } => ("unknown-category", User),
            Error::UnknownReferral(_) => ("unknown-referral", User),
            Error::ShortlistFull { .. } => ("shortlist-full", User),
            Error::MissingServiceId => ("missing-service-id", User),
            Error::NoDataDir => ("no-data-dir", User),
            Error::JudgedQuery { .. } => ("judged-query", User),
            Error::ModelUnavailable(_) => ("model-unavailable", Internal),
            Error::UnknownBorough(_) => ("unknown-borough", User),
            Error::NotFound(_) => ("not-found", User),
            Error::Io { .. } => ("io", Internal),
            Error::StoreInUse(_) => ("store-in-use", User),
            Error::Store(_) => ("store", Internal),
            Error::Index(_) => ("index", Internal),
        }
    }

    /// The message as a sentence on its own, as the app and the CLI show it.
    pub fn sentence(&self) -> String {
        crate::present::sentence(&self.to_string())
    }

    /// The stable code a program switches on (`feed-not-newer`, `invalid-postcode`…).
    pub fn code(&self) -> &'static str {
        self.describe().0
    }

    /// Whether the person (or publisher) or this machine can act on it.
    pub fn kind(&self) -> Kind {
        self.describe().1
    }

    /// True when the caller (the person, or the feed's publisher) can fix this by
    /// changing their input; false when something went wrong on this machine.
    pub fn is_user_error(&self) -> bool {
        self.kind() == Kind::User
    }

    /// The input this error is about, when it is about one.
    pub fn field(&self) -> Option<Field> {
        match self {
            Error::InvalidPostcode { .. } => Some(Field::Postcode),
            Error::UnknownBorough(_) => Some(Field::Borough),
            Error::UnknownCategory { .. } => Some(Field::Category),
            Error::UnknownReferral(_) => Some(Field::Referral),
            Error::FeedUrl { .. } | Error::NoFeed => Some(Field::FeedUrl),
            Error::KeyInvalid(_) | Error::KeyNotConfirmed { .. } => Some(Field::PublisherKey),
            _ => None,
        }
    }

    pub(crate) fn store(path: &std::path::Path, e: sled::Error) -> Self {
        Error::Store(format!("{e} (in {})", path.display()))
    }

    /// A file that could not be read or written: `action` is the verb ("read", "write").
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One of every variant: adding a variant without adding it here fails `describe`'s
    /// exhaustive match first, and this list keeps the codes honest.
    fn one_of_each() -> Vec<Error> {
        let t = jiff::Timestamp::UNIX_EPOCH;
        let io = || std::io::Error::other("x");
        vec![
            Error::FeedNotJson("x".into()),
            Error::FeedShape("x".into()),
            Error::FeedEmpty { set_aside: 1 },
            Error::FeedNotNewer {
                feed: t,
                current: t,
            },
            Error::FeedWithdrawn,
            Error::FeedFromFuture { feed: t, now: t },
            Error::ClockWrong { now: t, bundled: t },
            Error::UpdatesOff("x".into()),
            Error::LockedByPolicy("p".into()),
            Error::KeyNotConfirmed {
                fingerprint: "f".into(),
            },
            Error::PolicyInvalid {
                path: "p".into(),
                why: "x".into(),
            },
            Error::KeyInvalid("x".into()),
            Error::SignatureInvalid("x"),
            Error::SignatureMissing("x".into()),
            Error::FeedUrl {
                url: "x".into(),
                why: "x",
            },
            Error::Network {
                host: "h".into(),
                why: "x".into(),
            },
            Error::HttpStatus {
                host: "h".into(),
                status: "404".into(),
                url: "u".into(),
            },
            Error::FeedTooLarge { limit_mb: 1 },
            Error::UpdateInterrupted("x".into()),
            Error::NoFeed,
            Error::Import("x".into()),
            Error::SourceInvalid("x".into()),
            Error::InvalidArgument("x".into()),
            Error::InvalidPostcode {
                input: "x".into(),
                why: "x".into(),
            },
            Error::UnknownCategory {
                given: "x".into(),
                known: "y".into(),
            },
            Error::UnknownReferral("x".into()),
            Error::ShortlistFull { max: 1 },
            Error::MissingServiceId,
            Error::NoDataDir,
            Error::JudgedQuery {
                line: 1,
                why: "x".into(),
            },
            Error::ModelUnavailable("x".into()),
            Error::UnknownBorough("x".into()),
            Error::NotFound("x".into()),
            Error::io("read", "p", io()),
            Error::StoreInUse("p".into()),
            Error::Store("x".into()),
            Error::Index(tantivy::TantivyError::InternalError("x".into())),
        ]
    }

    #[test]
    fn every_kind_of_error_has_its_own_stable_kebab_case_code() {
        let all = one_of_each();
        let mut codes: Vec<&str> = all.iter().map(Error::code).collect();
        for c in &codes {
            assert!(
                !c.is_empty() && c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{c}"
            );
        }
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "two kinds of error share a code");
    }

    #[test]
    fn machine_failures_are_internal_and_bad_input_is_the_users() {
        let all = one_of_each();
        let kind = |code: &str| all.iter().find(|e| e.code() == code).unwrap().kind();
        for code in ["io", "store", "index", "network", "update-interrupted"] {
            assert_eq!(kind(code), Kind::Internal, "{code}");
        }
        for code in [
            "invalid-postcode",
            "feed-not-newer",
            "signature-invalid",
            "shortlist-full",
        ] {
            assert_eq!(kind(code), Kind::User, "{code}");
        }
    }

    #[test]
    fn errors_about_an_input_name_that_input() {
        let postcode = Error::InvalidPostcode {
            input: "E8 1A".into(),
            why: "x".into(),
        };
        assert_eq!(postcode.field(), Some(Field::Postcode));
        assert_eq!(
            Error::KeyInvalid("x".into()).field(),
            Some(Field::PublisherKey)
        );
        assert_eq!(Error::NoDataDir.field(), None);
    }
}
