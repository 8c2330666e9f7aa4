//! The user's own things, kept with sled in `<data dir>/store`: the shortlist, settings and
//! what the last feed sync did.
//!
//! Kept apart from the directory's generations so that a new feed, a rebuilt index or a
//! crash mid-sync never touches them. Each value is one JSON document under one key,
//! replaced whole with compare-and-swap and flushed before the call returns, so a restart
//! or a kill right after a change keeps it.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const SUBDIR: &str = "store";
const SHORTLIST: &str = "shortlist";
const SETTINGS: &str = "settings";
const SYNC: &str = "sync";
/// Most services a shortlist holds; it is for the handful a user refers to often.
pub const SHORTLIST_MAX: usize = 100;
/// How long to wait for another Signpost process (a closing window, a CLI run) to let go.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// What a user has chosen to keep between sessions. No search terms and nothing about the
/// people being helped are ever stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// A borough (GSS code) to filter by when the app starts, for users who work in one.
    pub home_borough: Option<String>,
    /// Where updates come from (https, or http on this machine for local mirrors).
    pub feed_url: Option<String>,
    /// The publisher's minisign public key; `None` means the key Signpost ships with.
    pub feed_public_key: Option<String>,
}

/// What the feed sync last did, for status lines and `signpost status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncState {
    /// The feed the rest of this record is about.
    pub feed_url: Option<String>,
    /// When a sync last started.
    pub last_attempt: Option<jiff::Timestamp>,
    /// When the feed was last fetched and found good (new or unchanged).
    pub last_success: Option<jiff::Timestamp>,
    /// When a new feed was last applied.
    pub last_update: Option<jiff::Timestamp>,
    /// Validators for the next conditional request, from the feed in use.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The feed in use, as it describes itself.
    pub feed_version: Option<String>,
    pub feed_generated_at: Option<jiff::Timestamp>,
    pub publisher: Option<String>,
    /// Services indexed from the last applied feed.
    pub services: usize,
    /// Records of the last applied feed left out, with reasons.
    pub set_aside: Vec<crate::feed::Problem>,
    /// Bytes downloaded by the last sync (0 when the server said "not modified").
    pub downloaded_bytes: u64,
    /// Why the last sync failed, in plain words; `None` after a success.
    pub last_error: Option<String>,
    /// What the last applied update did that the user should know, in plain words.
    pub notice: Option<String>,
}

/// The sled database holding the shortlist and settings.
pub struct Store {
    db: sled::Db,
    path: PathBuf,
}

impl Store {
    /// Open (or create) the store in `data_dir`. Waits a few seconds if another Signpost
    /// process holds it, then says so plainly.
    pub fn open(data_dir: &Path) -> Result<Store> {
        let path = data_dir.join(SUBDIR);
        remove_unfinished_snapshots(&path);
        let started = Instant::now();
        loop {
            match sled::Config::new()
                .path(&path)
                .cache_capacity(4 << 20)
                .open()
            {
                Ok(db) => return Ok(Store { db, path }),
                Err(sled::Error::Io(e))
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.to_string().contains("lock") =>
                {
                    if started.elapsed() >= LOCK_WAIT {
                        return Err(Error::StoreInUse(path));
                    }
                    thread::sleep(Duration::from_millis(100));
                }
                Err(e) => return Err(Error::store(&path, e)),
            }
        }
    }

    /// Service ids on the shortlist, in the order they were added.
    pub fn shortlist(&self) -> Result<Vec<String>> {
        self.get(SHORTLIST)
    }

    /// Add a service to the end of the shortlist (no-op if it is there already).
    pub fn add_to_shortlist(&self, id: &str) -> Result<Vec<String>> {
        let id = id.trim();
        if id.is_empty() {
            return Err(Error::InvalidQuery(
                "a shortlist entry needs a service id".into(),
            ));
        }
        self.update(SHORTLIST, |list: &mut Vec<String>| {
            if list.iter().any(|x| x == id) {
                return Ok(());
            }
            if list.len() >= SHORTLIST_MAX {
                return Err(Error::InvalidQuery(format!(
                    "the shortlist holds at most {SHORTLIST_MAX} services; remove one first"
                )));
            }
            list.push(id.to_string());
            Ok(())
        })
    }

    /// Remove a service from the shortlist (no-op if it is not there).
    pub fn remove_from_shortlist(&self, id: &str) -> Result<Vec<String>> {
        self.update(SHORTLIST, |list: &mut Vec<String>| {
            list.retain(|x| x != id);
            Ok(())
        })
    }

    pub fn settings(&self) -> Result<Settings> {
        self.get(SETTINGS)
    }

    pub fn save_settings(&self, settings: &Settings) -> Result<()> {
        self.update(SETTINGS, |s: &mut Settings| {
            *s = settings.clone();
            Ok(())
        })
        .map(|_| ())
    }

    pub fn sync_state(&self) -> Result<SyncState> {
        self.get(SYNC)
    }

    /// Change the sync record in place (read, change, write, flush).
    pub fn update_sync_state(&self, change: impl Fn(&mut SyncState)) -> Result<SyncState> {
        self.update(SYNC, |s: &mut SyncState| {
            change(s);
            Ok(())
        })
    }

    fn get<T: DeserializeOwned + Default>(&self, key: &str) -> Result<T> {
        match self.db.get(key).map_err(|e| Error::store(&self.path, e))? {
            Some(bytes) => decode(&self.path, key, &bytes),
            None => Ok(T::default()),
        }
    }

    /// Read-modify-write one value atomically (retrying if another thread changed it in
    /// between), then flush to disk.
    fn update<T, F>(&self, key: &str, mut change: F) -> Result<T>
    where
        T: Serialize + DeserializeOwned + Default,
        F: FnMut(&mut T) -> Result<()>,
    {
        loop {
            let old = self.db.get(key).map_err(|e| Error::store(&self.path, e))?;
            let mut value: T = match &old {
                Some(bytes) => decode(&self.path, key, bytes)?,
                None => T::default(),
            };
            change(&mut value)?;
            let new = serde_json::to_vec(&value).expect("store values always serialise");
            let swapped = self
                .db
                .compare_and_swap(key, old, Some(new))
                .map_err(|e| Error::store(&self.path, e))?;
            if swapped.is_ok() {
                self.db.flush().map_err(|e| Error::store(&self.path, e))?;
                return Ok(value);
            }
        }
    }
}

/// sled writes a snapshot as `snap.<n>.generating` and renames it when whole; one left
/// behind (a full disk, a kill) makes every later open fail with "Read corrupted data".
/// It is by definition incomplete, and the log it summarises is still there: remove it.
fn remove_unfinished_snapshots(path: &Path) {
    for e in std::fs::read_dir(path).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn decode<T: DeserializeOwned>(path: &Path, key: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::Store(format!(
            "the saved {key} in {} could not be read ({e})",
            path.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortlist_keeps_order_ignores_duplicates_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            assert!(store.shortlist().unwrap().is_empty());
            store.add_to_shortlist("b").unwrap();
            store.add_to_shortlist("a").unwrap();
            assert_eq!(store.add_to_shortlist("b").unwrap(), ["b", "a"]);
            store
                .save_settings(&Settings {
                    home_borough: Some("E09000012".into()),
                    ..Default::default()
                })
                .unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.shortlist().unwrap(), ["b", "a"]);
        assert_eq!(store.remove_from_shortlist("b").unwrap(), ["a"]);
        assert_eq!(
            store.settings().unwrap().home_borough.as_deref(),
            Some("E09000012")
        );
    }

    #[test]
    fn empty_ids_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.add_to_shortlist("  ").unwrap_err().is_user_error());
    }
}
