//! Keeping the directory current from the publisher's signed feed.
//!
//! One sync: the key's own newest directory served first (rollback protection is per
//! key), conditional GET of the feed (a 304, or the same bytes, costs nothing more),
//! download of `<feed URL>.minisig` (one deadline for both), signature check against the
//! publisher's key **before** the bytes are parsed, validation (bad records set aside with
//! reasons), refusal of a feed dated more than a day ahead or not newer than that key's
//! newest directory, a new index generation built beside the current one and switched to
//! atomically. Whatever fails, the directory in use is untouched and keeps
//! answering, and the reason is recorded in the store in plain words.
//!
//! The same [`Syncer`] serves the CLI (`signpost sync`, one run) and the app (a loop driven
//! by [`Schedule`]).

pub(crate) mod fetch;
mod schedule;

use std::sync::{Arc, RwLock};

use jiff::Timestamp;
use serde::Serialize;

use crate::directory::{Directory, DirectoryInfo};
use crate::error::{Error, Result};
use crate::feed::Problem;
use crate::signing::{self, PublicKey};
use crate::store::{Settings, Store, SyncState};

pub use fetch::{check_url, Limits, Validators};
pub use schedule::{jittered_delay, next_delay, Schedule, Trigger, INTERVAL, JITTER};

/// Where updates come from and who must have signed them.
#[derive(Debug, Clone)]
pub struct Source {
    /// The feed's address.
    pub feed_url: String,
    /// The key its signature must verify with.
    pub public_key: PublicKey,
}

impl Source {
    /// A source from a feed address and a key (a `.pub` file path or the key itself).
    pub fn new(feed_url: &str, public_key: &str) -> Result<Source> {
        check_url(feed_url)?;
        Ok(Source {
            feed_url: feed_url.trim().to_string(),
            public_key: PublicKey::from_arg(public_key)?,
        })
    }

    /// The source the user set up; the key defaults to the one Signpost ships with.
    pub fn from_settings(settings: &Settings) -> Result<Source> {
        let url = settings
            .feed_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .ok_or(Error::NoFeed)?;
        check_url(url)?;
        let public_key = PublicKey::from_setting(settings.feed_public_key.as_deref())?;
        Ok(Source {
            feed_url: url.trim().to_string(),
            public_key,
        })
    }

    fn signature_url(&self) -> String {
        format!("{}{}", self.feed_url, signing::SIGNATURE_SUFFIX)
    }
}

/// How a sync ended well.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// A newer feed was applied.
    Updated {
        /// When the feed applied was generated.
        generated_at: Option<Timestamp>,
        /// How many services it holds.
        services: usize,
        /// How many records were set aside.
        set_aside: usize,
    },
    /// The feed has not changed since the one in use.
    Unchanged,
}

/// What a sync is doing, for a progress line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Progress {
    /// Checking the address and the directory in use.
    Checking,
    /// Downloading the feed.
    Downloading {
        /// Bytes so far.
        bytes: u64,
    },
    /// Checking the signature.
    Verifying,
    /// Building the new directory.
    Indexing {
        /// Services being indexed.
        services: usize,
    },
}

impl Progress {
    /// "Downloading 412 kB…"
    pub fn describe(&self) -> String {
        match self {
            Progress::Checking => "Checking for an update…".into(),
            Progress::Downloading { bytes } => {
                format!("Downloading {} kB…", bytes.div_ceil(1000))
            }
            Progress::Verifying => "Verifying the publisher's signature…".into(),
            Progress::Indexing { services } => format!("Indexing {services} services…"),
        }
    }
}

/// The one-line summary for a status bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusLine {
    /// "Updated 2 min ago · directory of 21 Nov 2026 · 67 services", or "Offline · …".
    pub text: String,
    /// The last sync's failure in plain words, while it is the latest news.
    pub error: Option<String>,
    /// True when no sync has succeeded since the last attempt (or none was made).
    pub offline: bool,
    /// Something the last update did that the user should know ("the directory in use was
    /// dated 31 Dec 2099 … replaced").
    pub notice: Option<String>,
}

/// Compose the status line from the directory in use and the sync record.
pub fn status_line(info: &DirectoryInfo, sync: &SyncState, now: Timestamp) -> StatusLine {
    let mut directory = describe_directory(info);
    if info
        .generated_at
        .is_some_and(|d| crate::rollback::dated_ahead(d, now))
    {
        // Its changed numbers are not called new yet (see `crate::changed`).
        directory.push_str(" · dated ahead of this computer's clock");
    }
    let failed = match (sync.last_attempt, sync.last_success) {
        (Some(attempt), Some(success)) => attempt > success,
        (Some(_), None) => true,
        _ => false,
    };
    match sync.last_success {
        Some(success) if !failed => StatusLine {
            text: format!("Updated {} · {directory}", ago(success, now)),
            error: None,
            offline: false,
            notice: sync.notice.clone(),
        },
        _ => StatusLine {
            text: format!("Offline · {directory}"),
            error: if failed {
                sync.last_error.clone()
            } else {
                None
            },
            offline: true,
            notice: sync.notice.clone(),
        },
    }
}

/// "just now", "2 min ago", "3 h ago", "4 days ago".
pub fn ago(then: Timestamp, now: Timestamp) -> String {
    let secs = now.as_second().saturating_sub(then.as_second()).max(0);
    match secs {
        0..60 => "just now".into(),
        60..3600 => format!("{} min ago", secs / 60),
        3600..86_400 => format!("{} h ago", secs / 3600),
        86_400..172_800 => "1 day ago".into(),
        _ => format!("{} days ago", secs / 86_400),
    }
}

/// "directory of 21 Nov 2026 · 67 services".
pub fn describe_directory(info: &DirectoryInfo) -> String {
    format!(
        "directory of {} · {} services",
        info.generated_at
            .map(crate::present::day)
            .unwrap_or_else(|| "unknown date".into()),
        info.services
    )
}

/// A directory shared between searches and the sync that may replace its generation.
pub type SharedDirectory = Arc<RwLock<Directory>>;

/// Runs syncs with one set of limits.
#[derive(Debug, Clone, Default)]
pub struct Syncer {
    /// Sizes and timeouts it keeps to.
    pub limits: Limits,
}

impl Syncer {
    /// A syncer that keeps to `limits`.
    pub fn new(limits: Limits) -> Syncer {
        Syncer { limits }
    }

    /// One sync from the source set up in the store's settings: `Ok(None)` when no feed
    /// address is set (nothing to do). Unusable settings are recorded like any failure.
    pub async fn sync_configured(
        &self,
        directory: &SharedDirectory,
        store: &Store,
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<Option<Outcome>> {
        let settings = store.settings().and_then(crate::policy::effective);
        match settings.and_then(|s| Source::from_settings(&s)) {
            Ok(source) => self
                .sync(&source, directory, store, progress)
                .await
                .map(Some),
            Err(Error::NoFeed) => Ok(None),
            Err(e) => {
                store.update_sync_state(|s| {
                    s.last_attempt = Some(Timestamp::now());
                    s.last_error = Some(e.to_string());
                })?;
                Err(e)
            }
        }
    }

    /// One sync of `directory` from `source`, recorded in `store`. Returns how it ended;
    /// on an error the directory is exactly as it was and the store says why.
    pub async fn sync(
        &self,
        source: &Source,
        directory: &SharedDirectory,
        store: &Store,
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<Outcome> {
        let now = Timestamp::now();
        let state = store.update_sync_state(|s| {
            if s.feed_url.as_deref() != Some(source.feed_url.as_str()) {
                // A different feed: nothing recorded about the old one applies.
                *s = SyncState {
                    feed_url: Some(source.feed_url.clone()),
                    ..SyncState::default()
                };
            }
            s.last_attempt = Some(now);
        })?;
        let result = self.run(source, directory, &state, progress).await;
        let finished = Timestamp::now();
        store.update_sync_state(|s| match &result {
            Ok(done) => {
                s.last_success = Some(finished);
                s.last_error = None;
                s.downloaded_bytes = 0;
                if let Some(applied) = &done.applied {
                    s.notice = applied.notice.clone();
                    s.last_update = Some(finished);
                    s.etag = applied.validators.etag.clone();
                    s.last_modified = applied.validators.last_modified.clone();
                    s.feed_version = applied.version.clone();
                    s.feed_generated_at = applied.generated_at;
                    s.publisher = applied.publisher.clone();
                    s.services = applied.services;
                    s.set_aside = applied.set_aside.clone();
                    s.downloaded_bytes = applied.bytes;
                }
            }
            Err(e) => s.last_error = Some(e.to_string()),
        })?;
        result.map(|done| done.outcome)
    }

    /// Fetch and verify, then apply: the two halves of a sync. Nothing is parsed or
    /// applied unless the signature verified.
    async fn run(
        &self,
        source: &Source,
        directory: &SharedDirectory,
        state: &SyncState,
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<Done> {
        progress(Progress::Checking);
        let url = check_url(&source.feed_url)?;
        if let Some(why) = read(directory).read_only() {
            return Err(Error::UpdatesOff(why.to_string()));
        }
        serve_key(directory, &source.public_key).await?;
        let now = Timestamp::now();
        let from_the_future = read(directory)
            .info()
            .generated_at
            .filter(|d| *d > crate::directory::horizon(now));
        let Some(verified) = self
            .download(source, &url, directory, state, progress)
            .await?
        else {
            return Ok(Done {
                outcome: Outcome::Unchanged,
                applied: None,
            });
        };
        progress(Progress::Verifying);
        signing::verify(&verified.bytes, &verified.signature, &source.public_key)?;
        let bytes = verified.bytes.len() as u64;
        let feed = apply(verified.bytes, source, directory, now, progress).await?;
        Ok(Done::updated(
            feed,
            verified.validators,
            bytes,
            from_the_future,
        ))
    }

    /// The feed and its signature, under one deadline for both (a server dripping bytes
    /// cannot stretch each request's own limit into a sync that never ends); `None` when
    /// the feed is the one in use (a 304, or the same bytes from a server that sends no
    /// validators).
    async fn download(
        &self,
        source: &Source,
        url: &url::Url,
        directory: &SharedDirectory,
        state: &SyncState,
        progress: &(dyn Fn(Progress) + Send + Sync),
    ) -> Result<Option<Downloaded>> {
        let fetcher = fetch::Fetcher::new(self.limits.clone(), url)?;
        let deadline = tokio::time::Instant::now() + self.limits.total_timeout;
        let out_of_time = || Error::Network {
            host: url.host_str().unwrap_or("the feed server").to_string(),
            why: format!(
                "the update took longer than the {} minutes allowed in all",
                self.limits.total_timeout.as_secs().div_ceil(60)
            ),
        };
        // The validators describe the feed last applied; send them only if that is the
        // directory still in use (not, say, a newer bundled snapshot after an upgrade).
        let in_use = read(directory).info().generated_at;
        let validators = if state.feed_generated_at.is_some() && state.feed_generated_at == in_use {
            Validators {
                etag: state.etag.clone(),
                last_modified: state.last_modified.clone(),
            }
        } else {
            Validators::default()
        };
        let on_bytes = |bytes| progress(Progress::Downloading { bytes });
        let feed = fetcher.get(url, &validators, self.limits.max_feed_bytes, &on_bytes);
        let (bytes, validators) = match tokio::time::timeout_at(deadline, feed)
            .await
            .map_err(|_| out_of_time())??
        {
            fetch::Fetched::NotModified => return Ok(None),
            fetch::Fetched::Body { bytes, validators } => (bytes, validators),
        };
        if read(directory).is_feed_in_use(&bytes) {
            return Ok(None);
        }

        let signature = self
            .signature(&fetcher, source, deadline, &out_of_time)
            .await?;
        Ok(Some(Downloaded {
            bytes,
            validators,
            signature,
        }))
    }

    /// The feed's detached signature, as text, within the sync's `deadline`. A missing
    /// one (404) and one far too large for a signature are said as such.
    async fn signature(
        &self,
        fetcher: &fetch::Fetcher,
        source: &Source,
        deadline: tokio::time::Instant,
        out_of_time: &(dyn Fn() -> Error + Sync),
    ) -> Result<String> {
        let sig_url = source.signature_url();
        let (checked, none) = (check_url(&sig_url)?, Validators::default());
        let signature = fetcher.get(&checked, &none, self.limits.max_signature_bytes, &|_| {});
        match tokio::time::timeout_at(deadline, signature)
            .await
            .map_err(|_| out_of_time())?
        {
            Ok(fetch::Fetched::Body { bytes, .. }) => String::from_utf8(bytes)
                .map_err(|_| Error::SignatureInvalid("the signature file is not text")),
            Ok(fetch::Fetched::NotModified) => unreachable!("sent without validators"),
            Err(Error::HttpStatus { status, .. }) if status.starts_with("404") => {
                Err(Error::SignatureMissing(sig_url))
            }
            Err(Error::FeedTooLarge { .. }) => Err(Error::SignatureInvalid(
                "the signature file is far larger than a minisign signature, so it was not downloaded",
            )),
            Err(e) => Err(e),
        }
    }
}

/// Check, build and switch to feed `bytes` whose signature verified with `source`'s key.
/// Parsing, validation and the build run off the async threads; searches go on meanwhile.
async fn apply(
    bytes: Vec<u8>,
    source: &Source,
    directory: &SharedDirectory,
    now: Timestamp,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<crate::feed::Feed> {
    let key_id = source.public_key.id().to_string();
    let (dir, signer) = (Arc::clone(directory), key_id.clone());
    let (feed, bytes) = blocking(move || {
        let feed = read(&dir).check_feed(&bytes, Some(&signer), now)?;
        Ok((feed, bytes))
    })
    .await?;
    progress(Progress::Indexing {
        services: feed.services.len(),
    });
    let dir = Arc::clone(directory);
    let (feed, generation) = blocking(move || {
        let generation = read(&dir).build_generation(&bytes, &feed, Some(&key_id))?;
        Ok((feed, generation))
    })
    .await?;
    write(directory).switch_to(generation);
    Ok(feed)
}

/// Rollback protection is per key: serve `key`'s newest directory first, so a feed is
/// compared with what its own publisher last sent.
async fn serve_key(directory: &SharedDirectory, key: &PublicKey) -> Result<()> {
    let (dir, key) = (Arc::clone(directory), key.clone());
    if let Some(generation) = blocking(move || read(&dir).directory_for_key(&key)).await? {
        write(directory).switch_to(generation);
    }
    Ok(())
}

fn write(directory: &SharedDirectory) -> std::sync::RwLockWriteGuard<'_, Directory> {
    directory.write().unwrap_or_else(|e| e.into_inner())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::UpdateInterrupted(e.to_string()))?
}

fn read(directory: &SharedDirectory) -> std::sync::RwLockReadGuard<'_, Directory> {
    directory.read().unwrap_or_else(|e| e.into_inner())
}

struct Done {
    outcome: Outcome,
    applied: Option<Applied>,
}

impl Done {
    /// A feed of `bytes` bytes applied; `from_the_future` is the date of the directory it
    /// replaced, when that was dated ahead of this computer's clock.
    fn updated(
        feed: crate::feed::Feed,
        validators: Validators,
        bytes: u64,
        from_the_future: Option<Timestamp>,
    ) -> Done {
        let set_aside: Vec<Problem> = feed.set_aside().cloned().collect();
        Done {
            outcome: Outcome::Updated {
                generated_at: feed.meta.generated_at,
                services: feed.services.len(),
                set_aside: set_aside.len(),
            },
            applied: Some(Applied {
                validators,
                version: feed.meta.version,
                generated_at: feed.meta.generated_at,
                publisher: feed.meta.publisher,
                services: feed.services.len(),
                set_aside,
                bytes,
                notice: from_the_future.map(|d| {
                    format!(
                        "the directory in use was dated {}, more than a day ahead of this computer's clock, so the publisher's next feed replaced it",
                        crate::present::day(d)
                    )
                }),
            }),
        }
    }
}

struct Downloaded {
    bytes: Vec<u8>,
    validators: Validators,
    signature: String,
}

struct Applied {
    validators: Validators,
    version: Option<String>,
    generated_at: Option<Timestamp>,
    publisher: Option<String>,
    services: usize,
    set_aside: Vec<Problem>,
    bytes: u64,
    notice: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> DirectoryInfo {
        DirectoryInfo {
            publisher: None,
            generated_at: Some("2026-11-21T09:00:00Z".parse().unwrap()),
            services: 67,
            set_aside: 0,
            generation: "gen-000001".into(),
        }
    }

    #[test]
    fn status_line_says_updated_offline_or_the_error() {
        let now: Timestamp = "2026-11-22T12:00:00Z".parse().unwrap();
        let never = status_line(&info(), &SyncState::default(), now);
        assert_eq!(
            never.text,
            "Offline · directory of 21 Nov 2026 · 67 services"
        );
        assert!(never.offline && never.error.is_none());

        let ok = SyncState {
            last_attempt: Some("2026-11-22T11:58:00Z".parse().unwrap()),
            last_success: Some("2026-11-22T11:58:00Z".parse().unwrap()),
            ..Default::default()
        };
        let line = status_line(&info(), &ok, now);
        assert_eq!(
            line.text,
            "Updated 2 min ago · directory of 21 Nov 2026 · 67 services"
        );
        assert!(!line.offline);

        let failed = SyncState {
            last_attempt: Some("2026-11-22T11:59:00Z".parse().unwrap()),
            last_error: Some("could not download the feed".into()),
            ..ok
        };
        let line = status_line(&info(), &failed, now);
        assert!(line.text.starts_with("Offline · "), "{}", line.text);
        assert_eq!(line.error.as_deref(), Some("could not download the feed"));
    }

    #[test]
    fn ago_reads_naturally() {
        let now: Timestamp = "2026-11-22T12:00:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        assert_eq!(ago(at("2026-11-22T11:59:30Z"), now), "just now");
        assert_eq!(ago(at("2026-11-22T09:00:00Z"), now), "3 h ago");
        assert_eq!(ago(at("2026-11-21T11:00:00Z"), now), "1 day ago");
        assert_eq!(ago(at("2026-11-12T12:00:00Z"), now), "10 days ago");
    }
}
