//! The user's own things, kept with sled in `<data dir>/store`: the shortlist, settings and
//! what the last feed sync did.
//!
//! Kept apart from the directory's generations so that a new feed, a rebuilt index or a
//! crash mid-sync never touches them. Each value is one JSON document under one key,
//! replaced whole with compare-and-swap and flushed before the call returns, so a restart
//! or a kill right after a change keeps it.

use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::thread;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::files;

const SUBDIR: &str = "store";
const SHORTLIST: &str = "shortlist";
const SETTINGS: &str = "settings";
const SYNC: &str = "sync";
/// The plain copy of the shortlist and settings, beside the sled folder.
const COPY_FILE: &str = "store.json";
/// Held locked by the process using the store, for as long as it does: sled's own lock
/// lapses while the store is rewritten (its folder swapped), this one never does.
const LOCK_FILE: &str = "store.lock";
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
    /// The window's zoom in percent (Ctrl+= and Ctrl+-); `None` is 100%.
    pub zoom_percent: Option<u16>,
}

/// The zoom levels Ctrl+= and Ctrl+- step through, in percent, as browsers offer them.
pub const ZOOM_STEPS: [u16; 12] = [50, 67, 75, 80, 90, 100, 110, 125, 150, 175, 200, 250];

/// The zoom after `step` from `current` percent: the next level up (`step` > 0) or down
/// (`step` < 0), staying at the ends; 100% for 0. A `current` between levels (a settings
/// file edited by hand) steps from the nearest one.
pub fn zoom_step(current: u16, step: i8) -> u16 {
    let at = ZOOM_STEPS
        .iter()
        .enumerate()
        .min_by_key(|(_, z)| z.abs_diff(current))
        .map(|(i, _)| i)
        .expect("there are zoom steps");
    match step.signum() {
        0 => 100,
        1 => ZOOM_STEPS[(at + 1).min(ZOOM_STEPS.len() - 1)],
        _ => ZOOM_STEPS[at.saturating_sub(1)],
    }
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
    /// The feed's Last-Modified, for a conditional request.
    pub last_modified: Option<String>,
    /// The feed in use, as it describes itself.
    pub feed_version: Option<String>,
    /// When the feed in use was generated.
    pub feed_generated_at: Option<jiff::Timestamp>,
    /// Who published it.
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

/// The sled database holding the shortlist and settings, with a plain copy of both beside it.
pub struct Store {
    /// Replaced whole when the store is rewritten (see [`Store::remove_from_shortlist`]).
    db: RwLock<sled::Db>,
    path: PathBuf,
    copy: PathBuf,
    recovered: Option<String>,
    /// The lock on [`LOCK_FILE`] (none where the folder cannot be written).
    _lock: Option<std::fs::File>,
    /// Why the store cannot be used any more, if a rewrite could not reopen it: reads and
    /// writes then fail with this rather than touch anything.
    broken: RwLock<Option<String>>,
    /// Held by each change from its copy write to its flush: two changes at once (the app
    /// runs commands concurrently) would otherwise write the copy in one order and sled in
    /// the other.
    changing: std::sync::Mutex<()>,
}

/// The plain copy of what the user chose, `store.json` beside the sled folder: written
/// atomically after every change, read only to rebuild a store that will not open.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Copy {
    shortlist: Vec<String>,
    settings: Settings,
}

impl Store {
    /// Open (or create) the store in `data_dir`. Waits a few seconds if another Signpost
    /// process holds it, then says so plainly. A store that will not open or read is moved
    /// aside (kept, not deleted) and rebuilt from the plain copy; [`Store::recovered`] then
    /// says what happened and what, if anything, was lost.
    pub fn open(data_dir: &Path) -> Result<Store> {
        let path = data_dir.join(SUBDIR);
        let copy = data_dir.join(COPY_FILE);
        let lock = lock_store(data_dir, &path)?;
        remove_unfinished_rewrites(data_dir, &path);
        remove_unfinished_snapshots(&path);
        let why = match open_sled(&path).and_then(|db| check_readable(&path, db)) {
            Ok(db) => {
                let saved = read_copy(&copy);
                // sled reads a log it cannot make sense of up to the damage, silently: a
                // store holding less than its copy (which is always written first) lost it.
                let lost = match &saved {
                    Ok(Some(c)) => what_was_lost(&db, c),
                    _ => None,
                };
                if let Some(lost) = lost {
                    drop(db);
                    lost
                } else {
                    let mut store = Store {
                        db: RwLock::new(db),
                        path,
                        copy,
                        recovered: None,
                        _lock: lock,
                        broken: RwLock::new(None),
                        changing: Default::default(),
                    };
                    match saved {
                        Ok(Some(_)) => {}
                        // First run of a version with the copy: make it now.
                        Ok(None) => {
                            let _ = store.write_copy(None, None, &[]);
                        }
                        Err(why) => {
                            let rewritten = store.write_copy(None, None, &[]).is_ok();
                            store.recovered = Some(format!(
                                "the copy of the shortlist and settings kept beside them ({}) could not be read ({why}); the shortlist and settings themselves were fine{}",
                                store.copy.display(),
                                if rewritten { ", and the copy was written again from them" } else { "" }
                            ));
                        }
                    }
                    return Ok(store);
                }
            }
            Err(e @ (Error::StoreInUse(_) | Error::Io { .. })) => return Err(e),
            Err(e) => e.to_string(),
        };
        let aside = data_dir.join(format!(
            "{SUBDIR}.damaged-{}",
            jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S")
        ));
        files::rename(&path, &aside).map_err(|e| Error::io("move aside", &path, e))?;
        let db = open_sled(&path)?;
        let saved = read_copy(&copy).ok().flatten();
        let what = match &saved {
            Some(c) => {
                put(&db, SHORTLIST, &c.shortlist)?;
                put(&db, SETTINGS, &c.settings)?;
                db.flush().map_err(|e| Error::store(&path, e))?;
                "they were restored from the copy saved beside them, so nothing was lost".to_string()
            }
            None => "no copy of them was found, so the shortlist is empty and settings are back to their defaults".to_string(),
        };
        Ok(Store {
            db: RwLock::new(db),
            path,
            copy,
            _lock: lock,
            broken: RwLock::new(None),
            changing: Default::default(),
            recovered: Some(format!(
                "the saved shortlist and settings could not be read ({why}); {what}; the damaged store was kept at {}",
                aside.display()
            )),
        })
    }

    /// What opening had to repair, in one sentence, if anything.
    pub fn recovered(&self) -> Option<&str> {
        self.recovered.as_deref()
    }

    /// An error if a rewrite left the store unusable (see [`Store::rewrite`]).
    fn usable(&self) -> Result<()> {
        match &*self.broken.read().unwrap_or_else(|e| e.into_inner()) {
            Some(why) => Err(Error::Store(why.clone())),
            None => Ok(()),
        }
    }

    fn db(&self) -> std::sync::RwLockReadGuard<'_, sled::Db> {
        self.db.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Service ids on the shortlist, in the order they were added.
    pub fn shortlist(&self) -> Result<Vec<String>> {
        self.get(SHORTLIST)
    }

    /// Add a service to the end of the shortlist (no-op if it is there already).
    pub fn add_to_shortlist(&self, id: &str) -> Result<Vec<String>> {
        let id = id.trim();
        if id.is_empty() {
            return Err(Error::MissingServiceId);
        }
        self.update(SHORTLIST, |list: &mut Vec<String>| {
            if list.iter().any(|x| x == id) {
                return Ok(());
            }
            if list.len() >= SHORTLIST_MAX {
                return Err(Error::ShortlistFull { max: SHORTLIST_MAX });
            }
            list.push(id.to_string());
            Ok(())
        })
    }

    /// Remove a service from the shortlist (no-op if it is not there). The store is then
    /// rewritten, so the removed entry is gone from the disk, not just from the list (sled
    /// keeps old values in its log until it reclaims the space).
    pub fn remove_from_shortlist(&self, id: &str) -> Result<Vec<String>> {
        let before = self.shortlist()?;
        let list = self.update(SHORTLIST, |list: &mut Vec<String>| {
            list.retain(|x| x != id);
            Ok(())
        })?;
        if list.len() < before.len() {
            self.rewrite()?;
        }
        Ok(list)
    }

    /// The user's settings (defaults until saved).
    pub fn settings(&self) -> Result<Settings> {
        self.get(SETTINGS)
    }

    /// Save the user's settings.
    pub fn save_settings(&self, settings: &Settings) -> Result<()> {
        self.update(SETTINGS, |s: &mut Settings| {
            *s = settings.clone();
            Ok(())
        })
        .map(|_| ())
    }

    /// What the last syncs did.
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
        self.usable()?;
        match self
            .db()
            .get(key)
            .map_err(|e| Error::store(&self.path, e))?
        {
            Some(bytes) => decode(&self.path, key, &bytes),
            None => Ok(T::default()),
        }
    }

    /// Read-modify-write one value atomically (retrying if another thread changed it in
    /// between), then flush to disk. The plain copy is written first: if the disk is full
    /// nothing changes, and if sled then fails the old value is put back.
    fn update<T, F>(&self, key: &str, mut change: F) -> Result<T>
    where
        T: Serialize + DeserializeOwned + Default,
        F: FnMut(&mut T) -> Result<()>,
    {
        self.usable()?;
        let _changing = self.changing.lock().unwrap_or_else(|e| e.into_inner());
        let db = self.db();
        loop {
            let old = db.get(key).map_err(|e| Error::store(&self.path, e))?;
            let mut value: T = match &old {
                Some(bytes) => decode(&self.path, key, bytes)?,
                None => T::default(),
            };
            change(&mut value)?;
            let new = serde_json::to_vec(&value).expect("store values always serialise");
            // The ids this change itself takes off the shortlist: the only ones the copy
            // may lose.
            let removing = if key == SHORTLIST {
                shortlist_minus(old.as_deref(), Some(&new))
            } else {
                Vec::new()
            };
            if key != SYNC {
                self.write_copy(Some((key, &new)), Some(&db), &removing)?;
            }
            let swapped = db
                .compare_and_swap(key, old.clone(), Some(new.clone()))
                .map_err(|e| Error::store(&self.path, e))?;
            if swapped.is_ok() {
                if let Err(e) = db.flush() {
                    // Not on disk: undo in memory too, so what is shown is what is kept.
                    let _ = db.compare_and_swap(key, Some(new.clone()), old.clone());
                    if key != SYNC {
                        let adding = if key == SHORTLIST {
                            shortlist_minus(Some(&new), old.as_deref())
                        } else {
                            Vec::new()
                        };
                        let _ = self.write_copy(None, Some(&db), &adding);
                    }
                    return Err(Error::store(&self.path, e));
                }
                return Ok(value);
            }
        }
    }

    /// Write the plain copy (temporary file, synced, renamed over the old one), with `pending`
    /// (a key and its new JSON) in place of what sled holds for that key. The copy is what
    /// recovers a damaged store, so it never loses a shortlisted service but those in
    /// `may_drop` (the ones the user is removing): a store that lost some meanwhile is
    /// refused, not copied.
    fn write_copy(
        &self,
        pending: Option<(&str, &[u8])>,
        db: Option<&sled::Db>,
        may_drop: &[String],
    ) -> Result<()> {
        let guard;
        let db = match db {
            Some(db) => db,
            None => {
                guard = self.db();
                &guard
            }
        };
        let value = |key: &str| -> Result<Option<Vec<u8>>> {
            match pending {
                Some((k, v)) if k == key => Ok(Some(v.to_vec())),
                _ => Ok(db
                    .get(key)
                    .map_err(|e| Error::store(&self.path, e))?
                    .map(|v| v.to_vec())),
            }
        };
        let copy = Copy {
            shortlist: match value(SHORTLIST)? {
                Some(b) => decode(&self.path, SHORTLIST, &b)?,
                None => Vec::new(),
            },
            settings: match value(SETTINGS)? {
                Some(b) => decode(&self.path, SETTINGS, &b)?,
                None => Settings::default(),
            },
        };
        if let Ok(Some(before)) = read_copy(&self.copy) {
            let lost = before
                .shortlist
                .iter()
                .filter(|id| !copy.shortlist.contains(id) && !may_drop.contains(id))
                .count();
            if lost > 0 {
                return Err(Error::Store(format!(
                    "the saved shortlist has lost {lost} of its services since Signpost started; nothing was changed, and restarting Signpost restores them from their copy"
                )));
            }
        }
        let bytes = serde_json::to_vec_pretty(&copy).expect("the copy serialises");
        write_atomically(&self.copy, &bytes)
    }

    /// Write the store afresh with only its current values, and delete the old files.
    ///
    /// The folders are swapped with the store closed (Windows refuses to rename a folder
    /// with a file open in it); meanwhile an empty in-memory store stands in, unseen behind
    /// the write lock, and no other process can open the store (`store.lock`). Whatever
    /// fails, the store is opened again from the folder that holds the data — in place, or
    /// the old one where a failed swap left it — and never left as the stand-in: should
    /// even that fail, the store refuses reads and writes from then on, so nothing empty is
    /// shown or written over the copy.
    fn rewrite(&self) -> Result<()> {
        let mut db = self.db.write().unwrap_or_else(|e| e.into_inner());
        let values: Vec<(&str, Option<sled::IVec>)> = [SHORTLIST, SETTINGS, SYNC]
            .into_iter()
            .map(|k| db.get(k).map(|v| (k, v)))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::store(&self.path, e))?;
        let fresh = files::unique_sibling(&self.path, "new");
        let new_db = open_sled(&fresh)?;
        for (k, v) in &values {
            if let Some(v) = v {
                new_db
                    .insert(*k, v.clone())
                    .map_err(|e| Error::store(&fresh, e))?;
            }
        }
        new_db.flush().map_err(|e| Error::store(&fresh, e))?;
        drop(new_db);
        let stand_in = sled::Config::new()
            .temporary(true)
            .open()
            .map_err(|e| Error::store(&self.path, e))?;
        drop(std::mem::replace(&mut *db, stand_in));
        let old = files::unique_sibling(&self.path, "old");
        let swapped = files::rename(&self.path, &old)
            .map_err(|e| Error::io("move aside", &self.path, e))
            .and_then(|()| {
                files::rename(&fresh, &self.path).map_err(|e| {
                    let _ = files::rename(&old, &self.path);
                    Error::io("replace", &self.path, e)
                })
            });
        let holding = if self.path.is_dir() { &self.path } else { &old };
        match open_sled(holding) {
            Ok(reopened) => *db = reopened,
            Err(e) => {
                let why = format!("the saved shortlist and settings could not be opened again ({e}); restart Signpost");
                *self.broken.write().unwrap_or_else(|e| e.into_inner()) = Some(why);
                return Err(e);
            }
        }
        swapped?;
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }
}

/// Lock the store for this process, waiting a few seconds if another holds it. A folder
/// that cannot be written gets no lock (sled then says what is wrong).
fn lock_store(data_dir: &Path, path: &Path) -> Result<Option<std::fs::File>> {
    let _ = std::fs::create_dir_all(data_dir);
    let started = Instant::now();
    loop {
        match files::lock_exclusive(&data_dir.join(LOCK_FILE)) {
            Ok(file) => return Ok(Some(file)),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if started.elapsed() >= LOCK_WAIT {
                    return Err(Error::StoreInUse(path.to_path_buf()));
                }
                thread::sleep(Duration::from_millis(100));
            }
            Err(_) => return Ok(None),
        }
    }
}

/// Folders a rewrite left behind (it could not remove them, or was killed mid-way). If it
/// was killed between its two renames, the store is back from the old folder; then the
/// store in place holds everything, and the rest are removed.
fn remove_unfinished_rewrites(data_dir: &Path, path: &Path) {
    let left: Vec<(String, PathBuf)> = std::fs::read_dir(data_dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| {
            name.starts_with(&format!(".{SUBDIR}.old-"))
                || name.starts_with(&format!(".{SUBDIR}.new-"))
        })
        .collect();
    if !path.exists() {
        let old = left.iter().find(|(name, _)| name.contains(".old-"));
        if let Some((_, old)) = old.or(left.first()) {
            let _ = files::rename(old, path);
        }
    }
    for (_, p) in left.iter().filter(|(_, p)| p.exists()) {
        let _ = std::fs::remove_dir_all(p);
    }
}

fn open_sled(path: &Path) -> Result<sled::Db> {
    let started = Instant::now();
    loop {
        match sled::Config::new()
            .path(path)
            .cache_capacity(4 << 20)
            .open()
        {
            Ok(db) => return Ok(db),
            Err(sled::Error::Io(e))
                if e.kind() == std::io::ErrorKind::WouldBlock || e.to_string().contains("lock") =>
            {
                if started.elapsed() >= LOCK_WAIT {
                    return Err(Error::StoreInUse(path.to_path_buf()));
                }
                thread::sleep(Duration::from_millis(100));
            }
            // A full disk, permissions, a read-only folder: not damage, so nothing is moved.
            Err(sled::Error::Io(e)) => return Err(Error::io("open", path, e)),
            Err(e) => return Err(Error::store(path, e)),
        }
    }
}

/// The store opened; check its values can be read (a scribbled log opens but fails here).
fn check_readable(path: &Path, db: sled::Db) -> Result<sled::Db> {
    for key in [SHORTLIST, SETTINGS, SYNC] {
        if let Some(bytes) = db.get(key).map_err(|e| Error::store(path, e))? {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .map_err(|e| Error::Store(format!("the saved {key} is not readable ({e})")))?;
        }
    }
    Ok(db)
}

/// The plain copy; `None` when there is none yet, and why it cannot be used when it is
/// not a small regular file holding a copy.
fn read_copy(path: &Path) -> std::result::Result<Option<Copy>, String> {
    match files::read_regular(path, files::SMALL_FILE_MAX) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("it is not a copy Signpost wrote: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Why the store in `db` cannot be trusted over its copy: a service on the copy's shortlist
/// that the store has not, or settings that differ. The copy is written before each
/// change, so the store never rightly holds less.
fn what_was_lost(db: &sled::Db, copy: &Copy) -> Option<String> {
    let value = |key: &str| db.get(key).ok().flatten();
    let shortlist: Vec<String> = value(SHORTLIST)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let settings: Settings = value(SETTINGS)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let missing = copy
        .shortlist
        .iter()
        .filter(|id| !shortlist.contains(id))
        .count();
    if missing > 0 {
        Some(format!(
            "it held {} of the {} shortlisted services its copy holds",
            copy.shortlist.len() - missing,
            copy.shortlist.len()
        ))
    } else if settings != copy.settings {
        Some("its settings were not those of its copy".to_string())
    } else {
        None
    }
}

/// The ids on shortlist `a` that are not on shortlist `b` (both as stored JSON).
fn shortlist_minus(a: Option<&[u8]>, b: Option<&[u8]>) -> Vec<String> {
    let list = |v: Option<&[u8]>| -> Vec<String> {
        v.and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default()
    };
    let b = list(b);
    list(a).into_iter().filter(|id| !b.contains(id)).collect()
}

fn put<T: Serialize>(db: &sled::Db, key: &str, value: &T) -> Result<()> {
    db.insert(
        key,
        serde_json::to_vec(value).expect("store values always serialise"),
    )
    .map(|_| ())
    .map_err(|e| Error::Store(e.to_string()))
}

/// Write `bytes` to `path` so that it is either the old file or the new one, never half.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    files::write_atomically(path, bytes).map_err(|e| Error::io("save", path, e))
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
    fn zoom_steps_up_and_down_stay_at_the_ends_and_reset_to_100() {
        assert_eq!(zoom_step(100, 1), 110);
        assert_eq!(zoom_step(100, -1), 90);
        assert_eq!(zoom_step(175, 1), 200);
        assert_eq!(zoom_step(250, 1), 250);
        assert_eq!(zoom_step(50, -1), 50);
        assert_eq!(zoom_step(200, 0), 100);
        // A level between steps (edited by hand) steps from the nearest one.
        assert_eq!(zoom_step(149, 1), 175);
        // Five steps up from 100% is 200%, as Ctrl+= pressed five times.
        assert_eq!((0..5).fold(100, |z, _| zoom_step(z, 1)), 200);
    }

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

    /// Removing an entry rewrites the store and swaps its folder: Windows refuses to rename
    /// a folder with a file open in it, so the store is closed first (unit tests hold
    /// renames to that rule, see `files`). The same holds for a damaged store moved aside.
    #[test]
    fn the_store_folder_is_swapped_and_moved_aside_with_nothing_open_in_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.add_to_shortlist("a").unwrap();
        store.add_to_shortlist("b").unwrap();
        assert_eq!(store.remove_from_shortlist("a").unwrap(), ["b"]);
        assert_eq!(store.add_to_shortlist("c").unwrap(), ["b", "c"]);
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.shortlist().unwrap(), ["b", "c"]);
        drop(store);

        // A store whose saved shortlist cannot be read is moved aside and rebuilt.
        {
            let db = open_sled(&dir.path().join(SUBDIR)).unwrap();
            db.insert(SHORTLIST, &b"{not json"[..]).unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert!(store.recovered().is_some());
        assert_eq!(store.shortlist().unwrap(), ["b", "c"]);
    }

    #[test]
    fn a_rewrite_killed_between_its_renames_loses_nothing_and_a_second_process_waits() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.add_to_shortlist("kept").unwrap();
        // While one process has the store, another waits, then says it is in use.
        let err = Store::open(dir.path()).err().expect("the store is in use");
        assert!(matches!(err, Error::StoreInUse(_)), "{err}");
        drop(store);
        // Killed after moving the store aside, before moving the new one in: both
        // folders are left, and no `store`.
        std::fs::rename(dir.path().join(SUBDIR), dir.path().join(".store.old-9-0")).unwrap();
        std::fs::create_dir(dir.path().join(".store.new-9-1")).unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.shortlist().unwrap(), ["kept"]);
        assert!(store.recovered().is_none());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".store"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn empty_ids_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.add_to_shortlist("  ").unwrap_err().is_user_error());
    }
}
