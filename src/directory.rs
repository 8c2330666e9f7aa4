//! The directory: the engine's front door. Opens (or first builds) the current index
//! generation in a data folder, searches it, shows services, and applies new feeds.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use serde::Serialize;

use crate::coverage::{BoroughView, CoverageMatrix};
use crate::details::ServiceDetails;
use crate::error::{Error, Result};
use crate::feed::{self, Feed};
use crate::files;
use crate::geo::Geography;
use crate::index::{self, Generation, Summary};
use crate::meaning::Meaning;
use crate::model::Service;
use crate::search::{self, SearchRequest, SearchResults};
use crate::signing::PublicKey;
use crate::thesaurus::Thesaurus;

/// How `open` found the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The current generation opened as it was.
    Existing,
    /// There was none: built from the bundled snapshot.
    FromBundled,
    /// The bundled snapshot is newer than the directory on disk (after an upgrade).
    UpgradedToBundled,
    /// The current generation could not be opened; rebuilt from the kept feed (or the
    /// bundled one if that was unusable too). `reason` says what was wrong.
    Rebuilt {
        /// What was wrong with it.
        reason: String,
    },
}

/// Summary for status lines.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryInfo {
    /// Who published the feed in use.
    pub publisher: Option<String>,
    /// When the feed in use was generated.
    pub generated_at: Option<Timestamp>,
    /// How many services it holds.
    pub services: usize,
    /// How many of its records were set aside.
    pub set_aside: usize,
    /// The generation folder serving it (`gen-000007`).
    pub generation: String,
}

/// The directory in use: the current generation, opened and searchable. Opening repairs what a crash or an upgrade left (see [`Opened`]); applying a feed builds a new generation and switches to it, or changes nothing.
pub struct Directory {
    root: PathBuf,
    generation: Generation,
    geo: &'static Geography,
    thesaurus: &'static Thesaurus,
    /// The meaning model, once loaded: search reads situations by meaning with it, and by
    /// keywords alone until then (or when it cannot be loaded).
    meaning: Option<Arc<Meaning>>,
    opened: Opened,
    /// Why updates cannot be written here (a read-only data folder), if so.
    read_only: Option<String>,
}

/// How far ahead of this computer's clock a feed may be dated (time zones, clock drift).
pub const FUTURE_LEEWAY: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

/// The latest date a feed may carry when this computer's clock says `now`.
pub fn horizon(now: Timestamp) -> Timestamp {
    now.saturating_add(FUTURE_LEEWAY)
        .expect("a day is within range")
}

const SUBDIR: &str = "directory";

/// The platform's local app data folder, used by the CLI and the app when no `--data-dir`
/// or `SIGNPOST_DATA_DIR` is given: `~/.local/share/signpost` on Linux,
/// `%LOCALAPPDATA%\Signpost London\Signpost\data` on Windows. Local, not roaming: a
/// roaming profile copies its folder to a server at every log-off, and the index is
/// hundreds of MB; the shortlist is on this machine only, as the directory is. A folder an
/// older version made under roaming app data is moved here once ([`settle_data_dir`]).
pub fn default_data_dir() -> Option<PathBuf> {
    let dirs = project_dirs()?;
    Some(settle_data_dir(dirs.data_local_dir(), dirs.data_dir()))
}

/// The local app data folder [`default_data_dir`] settles on, without moving anything.
pub fn local_data_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_local_dir().to_path_buf())
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("uk", "Signpost London", "Signpost")
}

/// The data folder to use, `local`, once an older version's folder at `roaming` has been
/// moved into it (only when `local` does not exist yet). Should the move fail, `roaming`
/// stays in use as it was, so nothing is lost; the next start tries again.
pub fn settle_data_dir(local: &Path, roaming: &Path) -> PathBuf {
    if local == roaming || local.exists() || !roaming.is_dir() {
        return local.to_path_buf();
    }
    match crate::files::move_folder(roaming, local) {
        Ok(()) => local.to_path_buf(),
        Err(e) => {
            eprintln!(
                "signpost: could not move the data folder from {} to {} ({e}); using it where it is",
                roaming.display(),
                local.display()
            );
            roaming.to_path_buf()
        }
    }
}

impl Directory {
    /// Open the directory kept in `data_dir`, building it from the bundled snapshot the
    /// first time. A missing or corrupt index is rebuilt from the last good feed.
    pub fn open(data_dir: &Path) -> Result<Directory> {
        let root = data_dir.join(SUBDIR);
        fs::create_dir_all(&root).map_err(|e| Error::io("create", &root, e))?;
        let geo = Geography::bundled();
        let thesaurus = Thesaurus::bundled();
        let read_only = write_probe(&root).err();
        if read_only.is_none() {
            index::remove_abandoned_staging(&root);
        }
        let (candidate, pointer_lost) = generation_to_serve(&root);
        let existing = candidate
            .as_deref()
            .map(|name| open_if_current(&root, name, geo, thesaurus));
        let bundled_date = crate::bundled::generated_at();
        let (root, generation, opened) = match existing {
            Some(Ok(gen))
                if gen
                    .meta
                    .generated_at
                    .is_some_and(|d| Some(d) >= bundled_date) =>
            {
                if pointer_lost {
                    // A repair for the next open; serving does not depend on it.
                    let _ = index::set_current(&root, &gen.name);
                }
                (root, gen, Opened::Existing)
            }
            Some(Ok(_)) => {
                let gen = build_from_bundled(&root)?;
                (root, gen, Opened::UpgradedToBundled)
            }
            Some(Err(e)) => {
                let name = candidate.as_deref().unwrap_or_default();
                rebuilt(
                    root,
                    name,
                    e.to_string(),
                    read_only.is_some(),
                    geo,
                    thesaurus,
                )?
            }
            None => {
                let gen = build_from_bundled(&root)?;
                (root, gen, Opened::FromBundled)
            }
        };
        Ok(Directory {
            root,
            generation,
            geo,
            thesaurus,
            meaning: None,
            opened,
            read_only,
        })
    }

    /// Why updates cannot be saved in this data folder (it is read-only), if so. Searches
    /// still work.
    pub fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    /// How the directory was opened (as it was, rebuilt, from the bundled snapshot).
    pub fn opened(&self) -> &Opened {
        &self.opened
    }

    /// The folder holding the generations.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The generation being served.
    pub fn generation(&self) -> &Generation {
        &self.generation
    }

    /// Records set aside and fields dropped when the current feed was read.
    pub fn problems(&self) -> &[feed::Problem] {
        &self.generation.problems
    }

    /// What the directory holds: publisher, date, services and records set aside.
    pub fn info(&self) -> DirectoryInfo {
        DirectoryInfo {
            publisher: self.generation.meta.publisher.clone(),
            generated_at: self.generation.meta.generated_at,
            services: self.generation.len(),
            set_aside: feed::with_action(&self.generation.problems, feed::Action::SetAside).count(),
            generation: self.generation.name.clone(),
        }
    }

    /// Local services per borough and type of help: the coverage map's and
    /// `signpost coverage`'s figures.
    pub fn coverage(&self) -> CoverageMatrix {
        CoverageMatrix::of(&self.generation, self.geo)
    }

    /// One borough's local services grouped by type of help, with the London-wide and
    /// national services that cover each type it has no local service for. `borough` is a
    /// name, alias ("H&F") or GSS code; hours and review state are as at `at` (now if `None`).
    ///
    /// `borough` may name a place in it ("Peckham"): the view is then Southwark's, titled
    /// with the place ("Local services for Peckham (Southwark)").
    pub fn borough_view(&self, borough: &str, at: Option<Timestamp>) -> Result<BoroughView> {
        let b = self.borough(borough)?;
        let mut view = BoroughView::of(
            &self.generation,
            self.geo,
            b,
            at.unwrap_or_else(Timestamp::now),
        );
        if self.geo.find_borough(borough).is_none() {
            if let Some(place) = self.geo.place_named(&crate::text::words(borough)) {
                view.heading = format!("Local services for {}", place.place(self.geo).label);
            }
        }
        Ok(view)
    }

    /// A borough's own services for one type of help (a category id), in the order the
    /// borough view lists them.
    pub fn local_services(&self, borough: &str, category: &str) -> Result<Vec<&Summary>> {
        let b = self.borough(borough)?;
        Ok(
            crate::coverage::local_services(&self.generation, self.geo, b, category)
                .into_iter()
                .map(|i| &self.generation.summaries[i])
                .collect(),
        )
    }

    /// The publisher's to-do list: see [`crate::review::due`].
    pub fn due_for_review(
        &self,
        older_than: Option<jiff::Span>,
        borough: Option<&str>,
        today: jiff::civil::Date,
    ) -> Result<Vec<crate::review::Due>> {
        let b = borough.map(|b| self.borough(b)).transpose()?;
        Ok(crate::review::due(
            &self.generation,
            self.geo,
            older_than,
            b,
            today,
        ))
    }

    fn borough(&self, name: &str) -> Result<&'static crate::geo::Borough> {
        self.geo
            .find_borough_or_place(name)
            .ok_or_else(|| Error::UnknownBorough(name.trim().to_string()))
    }

    /// Search the directory (see [`crate::search`]); an error only for a filter that cannot be understood or a damaged index.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        search::run(
            &self.generation,
            self.geo,
            self.thesaurus,
            self.meaning.as_deref(),
            req,
        )
    }

    /// Read queries by meaning as well as by words from now on.
    pub fn set_meaning(&mut self, meaning: Arc<Meaning>) {
        self.meaning = Some(meaning);
    }

    /// The meaning model in use, if one is loaded.
    pub fn meaning(&self) -> Option<&Arc<Meaning>> {
        self.meaning.as_ref()
    }

    /// A service's record as validated, without working out its details (read from disk).
    pub fn record(&self, id: &str) -> Result<Service> {
        self.generation.records.read(self.position(id)?)
    }

    /// What a result shows of a service: its name and organisation (held in memory).
    pub fn summary(&self, id: &str) -> Result<&Summary> {
        self.position(id).map(|pos| &self.generation.summaries[pos])
    }

    fn position(&self, id: &str) -> Result<usize> {
        self.generation
            .position(id)
            .ok_or_else(|| Error::NotFound(id.to_string()))
    }

    /// A service by id, with its coverage and hours at `at` (now if `None`).
    pub fn service(&self, id: &str, at: Option<Timestamp>) -> Result<ServiceDetails> {
        let pos = self.position(id)?;
        let service = self.generation.records.read(pos)?;
        let at = at.unwrap_or_else(Timestamp::now);
        Ok(ServiceDetails::of(
            service,
            &self.generation,
            pos,
            self.geo,
            at,
        ))
    }

    /// Apply feed bytes **without checking a signature**, as if signed by the publisher of
    /// the directory in use: for tests, benchmarks and local tools that made the feed
    /// themselves. Updates from a publisher go through [`crate::sync`], which verifies the
    /// signature first. Checked as [`Directory::check_feed`] does for that key, built, and
    /// switched to. On any error the current directory is untouched.
    pub fn apply_unsigned_feed(&mut self, bytes: &[u8]) -> Result<Feed> {
        let signer = self.generation.signed_by.clone();
        let feed = self.check_feed(bytes, signer.as_deref(), Timestamp::now())?;
        let generation = self.build_generation(bytes, &feed, signer.as_deref())?;
        self.switch_to(generation);
        Ok(feed)
    }

    /// Parse and validate feed bytes signed by key `signer`, and refuse:
    /// - a feed dated more than a day after `now` (a publisher's clock error would
    ///   otherwise stop every later update), or say the clock is wrong when `now` is
    ///   before the bundled snapshot's date;
    /// - a feed not newer than the newest directory signed by the same key (no rollback),
    ///   unless that directory is itself dated more than a day ahead of `now`; one that was
    ///   dated ahead when applied counts as of then until its date (see [`crate::rollback`]);
    /// - a feed its publisher withdrew.
    ///
    /// Changes nothing.
    pub fn check_feed(&self, bytes: &[u8], signer: Option<&str>, now: Timestamp) -> Result<Feed> {
        let feed = feed::read(bytes, self.geo)?;
        let standing = self.standing();
        let digest = crate::rollback::digest(bytes);
        if crate::rollback::withdrawn(&standing).contains(digest.as_str()) {
            return Err(Error::FeedWithdrawn);
        }
        let Some(new) = feed.meta.generated_at else {
            return Err(Error::FeedShape("it has no generated_at date-time".into()));
        };
        let horizon = now
            .saturating_add(FUTURE_LEEWAY)
            .expect("a day is in range");
        if new > horizon {
            return Err(match crate::bundled::generated_at().filter(|b| now < *b) {
                Some(bundled) => Error::ClockWrong { now, bundled },
                None => Error::FeedFromFuture { feed: new, now },
            });
        }
        if crate::rollback::is_replay(&standing, signer, &digest, &self.generation.name) {
            return Err(Error::FeedNotNewer {
                feed: new,
                current: self.generation.meta.generated_at.unwrap_or(new).max(new),
            });
        }
        if let Some(cur) = crate::rollback::floor(&standing, signer, now) {
            if new <= cur && cur <= horizon {
                return Err(Error::FeedNotNewer {
                    feed: new,
                    current: cur,
                });
            }
        }
        Ok(feed)
    }

    /// The directories kept, as their metas say (the one in use counts even if its meta
    /// could not be listed).
    fn standing(&self) -> Vec<index::Kept> {
        let mut kept = index::kept(&self.root);
        if !kept.iter().any(|k| k.name == self.generation.name) {
            kept.push(self.generation.kept.clone());
        }
        kept
    }

    /// Serve the newest directory signed by `key` if the one in use was signed by another
    /// (the user went back to a publisher, or to the shipped key): returns the date now
    /// served, or `None` when nothing changed. For the shipped key the bundled snapshot
    /// counts as one of its directories. Searches carry on meanwhile: call with `&self` and
    /// switch with [`Directory::switch_to`].
    pub fn directory_for_key(&self, key: &PublicKey) -> Result<Option<Generation>> {
        // A directory not known to be another key's (applied locally, or recorded by a
        // version before keys were recorded) is not switched away from.
        if self
            .generation
            .signed_by
            .as_deref()
            .is_none_or(|signer| signer == key.id())
        {
            return Ok(None);
        }
        let kept = index::kept(&self.root);
        let newest = index::newest_signed_by(&kept, Some(key.id()));
        let bundled = crate::bundled::generated_at();
        match newest {
            Some(k) if !key.is_shipped() || k.generated_at >= bundled => {
                let generation = index::open(&self.root, &k.name, self.geo)?;
                index::set_current(&self.root, &k.name)?;
                Ok(Some(generation))
            }
            _ if key.is_shipped() => build_from_bundled(&self.root).map(Some),
            _ => Ok(None),
        }
    }

    /// Build a generation from a checked feed signed by `signer` and make it the one
    /// `CURRENT` names (an atomic rename). Needs only `&self`, so searches carry on while it
    /// builds; this process keeps serving the old generation until
    /// [`Directory::switch_to`].
    pub fn build_generation(
        &self,
        bytes: &[u8],
        feed: &Feed,
        signer: Option<&str>,
    ) -> Result<Generation> {
        // Which services' numbers this update changes, said on them for a while.
        let old = (0..self.generation.len())
            .map(|i| self.generation.records.read(i))
            .collect::<Result<Vec<Service>>>()?;
        let diff = feed::diff::diff(&old, &feed.services, self.geo);
        let ids: std::collections::HashSet<&str> =
            feed.services.iter().map(|s| s.id.as_str()).collect();
        let now = Timestamp::now();
        let london = |t: Timestamp| t.to_zoned(crate::hours::london().clone()).date();
        // A feed dated ahead changes its numbers as of its own date, not before.
        let changed_on = london(now).max(feed.meta.generated_at.map_or(london(now), london));
        let provenance = index::Provenance {
            phone_changes: crate::changed::record(
                &self.generation.phone_changes,
                &diff,
                |id| ids.contains(id),
                changed_on,
            ),
            applied_at: Some(now),
            ..Default::default()
        };
        let provenance = match feed.meta.generated_at {
            Some(date) => {
                let digest = crate::rollback::digest(bytes);
                let (withdrawn, ahead) =
                    crate::rollback::after_applying(&self.standing(), signer, &digest, date, now);
                index::Provenance {
                    withdrawn,
                    ahead,
                    ..provenance
                }
            }
            None => provenance,
        };
        let name = index::build_with(&self.root, bytes, feed, signer, self.thesaurus, &provenance)?;
        index::open(&self.root, &name, self.geo)
    }

    /// True when `bytes` are exactly the feed the directory in use was built from (an
    /// unchanged feed from a server that sends no validators). The kept feed is read only
    /// when its size matches.
    pub fn is_feed_in_use(&self, bytes: &[u8]) -> bool {
        let path = self.generation.path.join("feed.json");
        fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64)
            && files::read_regular(&path, files::DATA_FILE_MAX).is_ok_and(|kept| kept == bytes)
    }

    /// Serve `generation` from now on.
    pub fn switch_to(&mut self, generation: Generation) {
        self.generation = generation;
    }
}

fn build_from_bundled(root: &Path) -> Result<Generation> {
    let geo = Geography::bundled();
    let feed = feed::read(crate::bundled::FEED.as_bytes(), geo)?;
    let name = index::build(
        root,
        crate::bundled::FEED.as_bytes(),
        &feed,
        Some(PublicKey::publisher().id()),
        Thesaurus::bundled(),
    )?;
    index::open(root, &name, geo)
}

/// Generation `name` could not be opened (`reason`): rebuilt from its kept feed, else from
/// the bundled snapshot; in a read-only folder, from the bundled snapshot in this
/// computer's temporary space. Returns the folder serving, the generation and how.
fn rebuilt(
    root: PathBuf,
    name: &str,
    reason: String,
    read_only: bool,
    geo: &'static Geography,
    thesaurus: &'static Thesaurus,
) -> Result<(PathBuf, Generation, Opened)> {
    let opened = Opened::Rebuilt { reason };
    if let Some(gen) = rebuild_from_kept_feed(&root, name, geo, thesaurus) {
        return Ok((root, gen, opened));
    }
    let root = if read_only {
        let temp = std::env::temp_dir().join(format!("signpost-read-only-{}", std::process::id()));
        fs::create_dir_all(&temp).map_err(|e| Error::io("create", &temp, e))?;
        temp
    } else {
        root
    };
    let gen = build_from_bundled(&root)?;
    Ok((root, gen, opened))
}

/// The generation to serve, and whether CURRENT had to be found again. CURRENT names it;
/// if it was lost (a crash between moving a generation into place and naming it) or names
/// one that is not there whole, the newest whole one.
fn generation_to_serve(root: &Path) -> (Option<String>, bool) {
    let complete = index::complete_generations(root);
    let named = index::current_name(root).filter(|n| complete.contains(n));
    let pointer_lost = named.is_none();
    (named.or_else(|| complete.into_iter().next()), pointer_lost)
}

/// Open generation `name`, refusing one indexed with another thesaurus: it lacks concepts
/// this version searches for (an upgrade), so it is rebuilt from its own feed, like a
/// damaged one.
fn open_if_current(
    root: &Path,
    name: &str,
    geo: &'static Geography,
    thesaurus: &Thesaurus,
) -> Result<Generation> {
    let gen = index::open(root, name, geo)?;
    if gen.indexed_with.as_deref() == Some(&index::indexed_with(thesaurus)) {
        Ok(gen)
    } else {
        Err(Error::Index(tantivy::TantivyError::InternalError(
            "it was made by an earlier version of Signpost's search".into(),
        )))
    }
}

/// Generation `name` built again from the feed kept beside it, with the key it was signed
/// by and the phone changes it recorded; `None` when that cannot be done.
fn rebuild_from_kept_feed(
    root: &Path,
    name: &str,
    geo: &'static Geography,
    thesaurus: &Thesaurus,
) -> Option<Generation> {
    let signer = index::kept(root)
        .into_iter()
        .find(|k| k.name == name)
        .and_then(|k| k.signed_by);
    let provenance = index::kept_provenance(root, name);
    let bytes =
        files::read_regular(&root.join(name).join("feed.json"), files::DATA_FILE_MAX).ok()?;
    let feed = feed::read(&bytes, geo).ok()?;
    let rebuilt = index::build_with(
        root,
        &bytes,
        &feed,
        signer.as_deref(),
        thesaurus,
        &provenance,
    )
    .ok()?;
    index::open(root, &rebuilt, geo).ok()
}

/// Ok when files can be created in `root`; otherwise why not, in words.
fn write_probe(root: &Path) -> std::result::Result<(), String> {
    let probe = root.join(format!(".write-probe-{}", std::process::id()));
    match fs::write(&probe, b"") {
        Ok(()) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(format!(
            "the data folder {} cannot be written ({e})",
            root.display()
        )),
    }
}
