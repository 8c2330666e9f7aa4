//! Building, opening and switching index generations (see the module docs in `index`).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, ReloadPolicy};

use super::records::{self, Records, Summary};
use super::schema::{self, Fields};
use crate::error::{Error, Result};
use crate::facts::{Facts, Rank};
use crate::feed::{Feed, FeedMeta, Problem};
use crate::files::{self, Claim};
use crate::geo::Geography;
use crate::model::Service;
use crate::thesaurus::Thesaurus;

/// The file naming the generation being served.
pub const CURRENT_FILE: &str = "CURRENT";
const COMPLETE_FILE: &str = "COMPLETE";
const FEED_FILE: &str = "feed.json";
const META_FILE: &str = "meta.json";
const RECORDS_FILE: &str = "services.jsonl";
const INDEX_DIR: &str = "index";
const GEN_PREFIX: &str = "gen-";
const STAGING_PREFIX: &str = "staging-";
/// Beside each staging folder, the file its builder holds locked (see [`Claim`]).
const CLAIM_SUFFIX: &str = ".lock";

/// What the feed said about itself, what validation set aside, and who signed it.
#[derive(Serialize, Deserialize)]
struct Meta {
    meta: FeedMeta,
    problems: Vec<Problem>,
    /// Id of the publisher key that signed the feed (see [`crate::signing::PublicKey::id`]);
    /// `None` for a feed applied locally without a signature, or written by an older version.
    #[serde(default)]
    signed_by: Option<String>,
    /// The document format and thesaurus its index was made with (`schema::indexed_with`);
    /// `None` from versions before it was recorded.
    #[serde(default)]
    indexed_with: Option<String>,
    /// Services whose phone numbers changed in a recent update, with the day (see
    /// [`crate::changed`]).
    #[serde(default)]
    phone_changes: PhoneChanges,
    /// When this computer applied the feed (`None` from versions before it was recorded).
    #[serde(default)]
    applied_at: Option<jiff::Timestamp>,
    /// sha256 of the feed's bytes, hex (see [`crate::rollback::digest`]).
    #[serde(default)]
    digest: Option<String>,
    /// Digests of feeds the publisher withdrew (see [`crate::rollback`]), carried forward
    /// from generation to generation.
    #[serde(default)]
    withdrawn: Vec<String>,
    /// Feeds dated ahead whose date had not come when this one was applied.
    #[serde(default)]
    ahead: Vec<crate::rollback::AheadFeed>,
}

/// Service id → the day (`YYYY-MM-DD`, London) an update changed its phone numbers.
pub type PhoneChanges = std::collections::BTreeMap<String, String>;

/// What a generation carries over from the ones before it and records of its applying:
/// kept when a newer version of Signpost rebuilds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// Services whose numbers changed lately (see [`crate::changed`]).
    pub phone_changes: PhoneChanges,
    /// When its feed was applied here; `None` for the bundled snapshot and older versions.
    pub applied_at: Option<jiff::Timestamp>,
    /// Digests of withdrawn feeds (see [`crate::rollback`]).
    pub withdrawn: Vec<String>,
    /// Feeds dated ahead, remembered until their date (see [`crate::rollback`]).
    pub ahead: Vec<crate::rollback::AheadFeed>,
}

/// A complete generation on disk, as its `meta.json` describes it.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The generation's folder name.
    pub name: String,
    /// When its feed was generated.
    pub generated_at: Option<jiff::Timestamp>,
    /// Id of the key that signed its feed.
    pub signed_by: Option<String>,
    /// When its feed was applied here, if recorded.
    pub applied_at: Option<jiff::Timestamp>,
    /// sha256 of its feed, if recorded.
    pub digest: Option<String>,
    /// Digests of feeds withdrawn by the time it was applied.
    pub withdrawn: Vec<String>,
    /// Feeds dated ahead it remembers.
    pub ahead: Vec<crate::rollback::AheadFeed>,
}

/// One generation, open for searching.
pub struct Generation {
    /// Its folder name (`gen-000007`).
    pub name: String,
    /// The format and thesaurus it was indexed with (`None`: an older version's).
    pub(crate) indexed_with: Option<String>,
    /// Its folder.
    pub path: PathBuf,
    /// The envelope of the feed it was built from.
    pub meta: FeedMeta,
    /// Records set aside and fields dropped when that feed was read.
    pub problems: Vec<Problem>,
    /// Id of the key that signed its feed, if it was signed.
    pub signed_by: Option<String>,
    /// Full records, on disk.
    pub(crate) records: Records,
    /// What a result shows of each service, in the same order.
    pub summaries: Vec<Summary>,
    pub(crate) facts: std::sync::Arc<[Facts]>,
    /// `Rank` of each service, in the same order.
    pub(crate) ranks: std::sync::Arc<[Rank]>,
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    /// Services whose numbers an update changed lately (see [`crate::changed`]).
    pub(crate) phone_changes: PhoneChanges,
    /// Its feed's digest, when it was applied, and the feeds withdrawn by then.
    pub(crate) kept: Kept,
    by_id: HashMap<String, usize>,
    /// The police non-emergency line (the service whose main number is 101), with its
    /// document: the way to report a crime told in an account (`search::ranking::REPORT_BY`).
    pub(crate) police_line: Option<(usize, tantivy::DocAddress)>,
    /// The emergency line (main number 999), with its document: listed first when a query
    /// tells of danger now (`search::ranking::keep_the_emergency_line_first`).
    pub(crate) emergency_line: Option<(usize, tantivy::DocAddress)>,
}

impl Generation {
    /// The position of service `id`, if the generation holds it.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// How many services it holds.
    pub fn len(&self) -> usize {
        self.summaries.len()
    }

    /// How many index segments the build wrote (one per core it used, up to two), for
    /// checking that a large directory is built in parallel.
    pub fn segments(&self) -> tantivy::Result<usize> {
        Ok(self.index.searchable_segment_metas()?.len())
    }

    /// True when it holds no service.
    pub fn is_empty(&self) -> bool {
        self.summaries.is_empty()
    }
}

/// Below this many services per core an index stays one segment; above, it gets one
/// segment per core, searched in parallel.
const SERVICES_PER_SEGMENT: usize = 20_000;

/// Writes a generation's index: one segment, or one per core for a large directory.
enum Writer {
    // Boxed: both writers are large and of very different sizes.
    Single(Box<tantivy::SingleSegmentIndexWriter>),
    PerCore(Box<tantivy::IndexWriter>),
}

impl Writer {
    fn new(path: &Path, schema: tantivy::schema::Schema, segments: usize) -> Result<Writer> {
        let builder = Index::builder()
            .schema(schema)
            .tokenizers(schema::tokenizer_manager());
        if segments <= 1 {
            let dir = MmapDirectory::open(path).map_err(|e| Error::Index(e.into()))?;
            let writer = builder.single_segment_index_writer(dir, 64 << 20)?;
            return Ok(Writer::Single(Box::new(writer)));
        }
        let index = builder.create_in_dir(path)?;
        // Enough memory per thread that each writes a single segment; no merging, which
        // would undo the split.
        let writer: tantivy::IndexWriter =
            index.writer_with_num_threads(segments, segments * (400 << 20))?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(Writer::PerCore(Box::new(writer)))
    }

    fn add(&mut self, doc: tantivy::TantivyDocument) -> Result<()> {
        match self {
            Writer::Single(w) => w.add_document(doc)?,
            Writer::PerCore(w) => {
                w.add_document(doc)?;
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        match self {
            Writer::Single(w) => {
                w.finalize()?;
            }
            Writer::PerCore(mut w) => {
                w.commit()?;
                w.wait_merging_threads()?;
            }
        }
        Ok(())
    }
}

/// A generation built in a staging folder and not yet switched to.
pub struct Staged {
    root: PathBuf,
    path: PathBuf,
    /// Held while this process builds in `path`: tells other processes the folder is in
    /// use (see [`is_abandoned_staging`]). Released (and its file removed) when dropped.
    claim: Option<Claim>,
}

/// Write the tantivy index of `services` in `index_path`, one segment per core used.
/// Preparing a document (normalising text, finding concepts) is most of the work and
/// independent per service: it runs on every core, a batch at a time, and the documents
/// are added in order.
fn write_index(index_path: &Path, services: &[Service], thesaurus: &Thesaurus) -> Result<()> {
    let geo = Geography::bundled();
    let (schema, fields) = Fields::schema();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut writer = Writer::new(
        index_path,
        schema,
        (services.len() / SERVICES_PER_SEGMENT).clamp(1, threads),
    )?;
    for (b, batch) in services.chunks(1024).enumerate() {
        let per_thread = batch.len().div_ceil(threads);
        let docs: Vec<Vec<_>> = std::thread::scope(|scope| {
            let workers: Vec<_> = batch
                .chunks(per_thread)
                .enumerate()
                .map(|(t, part)| {
                    let first = b * 1024 + t * per_thread;
                    let fields = &fields;
                    scope.spawn(move || {
                        part.iter()
                            .enumerate()
                            .map(|(i, s)| schema::document(first + i, s, thesaurus, geo, fields))
                            .collect()
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("document preparation does not panic"))
                .collect()
        });
        for doc in docs.into_iter().flatten() {
            writer.add(doc)?;
        }
    }
    writer.finish()
}

impl Staged {
    /// Build a generation for `feed` (whose raw bytes are `bytes`) in a fresh staging
    /// folder under `root`. Nothing the current generation uses is touched.
    pub fn build(
        root: &Path,
        bytes: &[u8],
        feed: &Feed,
        signed_by: Option<&str>,
        thesaurus: &Thesaurus,
        provenance: &Provenance,
    ) -> Result<Staged> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let unique = format!(
            "{STAGING_PREFIX}{}-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = root.join(&unique);
        // Claimed before the folder exists, so no other process ever sees it unclaimed.
        let lock = root.join(format!("{unique}{CLAIM_SUFFIX}"));
        let claim = Claim::take(&lock).map_err(|e| Error::io("create", &lock, e))?;
        let index_path = path.join(INDEX_DIR);
        let staged = Staged {
            root: root.to_path_buf(),
            path,
            claim: Some(claim),
        };
        fs::create_dir_all(&index_path).map_err(|e| Error::io("create", &index_path, e))?;

        write_index(&index_path, &feed.services, thesaurus)?;

        let meta = Meta {
            meta: feed.meta.clone(),
            problems: feed.problems.clone(),
            signed_by: signed_by.map(String::from),
            indexed_with: Some(schema::indexed_with(thesaurus)),
            phone_changes: provenance.phone_changes.clone(),
            applied_at: provenance.applied_at,
            digest: Some(crate::rollback::digest(bytes)),
            withdrawn: provenance.withdrawn.clone(),
            ahead: provenance.ahead.clone(),
        };
        let meta = serde_json::to_vec(&meta).expect("feed metadata serialises");
        write_synced(&staged.path.join(META_FILE), &meta)?;
        records::write(&staged.path.join(RECORDS_FILE), &feed.services)?;
        write_synced(&staged.path.join(FEED_FILE), bytes)?;
        files::sync_files_in(&index_path).map_err(|e| Error::io("sync", &index_path, e))?;
        write_synced(&staged.path.join(COMPLETE_FILE), b"")?;
        files::sync_dir(&staged.path);
        Ok(staged)
    }

    /// Move the staged generation into place and make it current. Returns its name.
    pub fn commit(mut self) -> Result<String> {
        let mut n = next_number(&self.root)?;
        let name = loop {
            let name = format!("{GEN_PREFIX}{n:06}");
            let target = self.root.join(&name);
            // Another process took that number first (checked before renaming: on Windows
            // a rename onto a folder fails as "access denied", which is otherwise retried).
            if target.exists() {
                n += 1;
                continue;
            }
            match files::rename(&self.path, &target) {
                Ok(()) => break name,
                Err(_) if target.exists() => n += 1,
                Err(e) => return Err(Error::io("move into place", &self.path, e)),
            }
        };
        drop(self.claim.take());
        files::sync_dir(&self.root);
        set_current(&self.root, &name)?;
        Ok(name)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // Only still there if commit did not happen: clean up after a failed build, then
        // give up the claim.
        let _ = fs::remove_dir_all(&self.path);
        drop(self.claim.take());
    }
}

/// Build a generation for a feed signed by `signed_by` (a key id) and switch to it; then
/// remove what is no longer needed (see [`collect_garbage`]).
pub fn build(
    root: &Path,
    bytes: &[u8],
    feed: &Feed,
    signed_by: Option<&str>,
    thesaurus: &Thesaurus,
) -> Result<String> {
    build_with(
        root,
        bytes,
        feed,
        signed_by,
        thesaurus,
        &Provenance::default(),
    )
}

/// [`build`], recording what `provenance` says (which services' numbers the update
/// changed, when it was applied, which feeds are withdrawn).
pub fn build_with(
    root: &Path,
    bytes: &[u8],
    feed: &Feed,
    signed_by: Option<&str>,
    thesaurus: &Thesaurus,
    provenance: &Provenance,
) -> Result<String> {
    let previous = current_name(root);
    let staged = Staged::build(root, bytes, feed, signed_by, thesaurus, provenance).map_err(
        |e| match e {
            Error::Index(t) if is_disk_full(&t) => Error::io(
                "write the new directory in",
                root,
                std::io::ErrorKind::StorageFull.into(),
            ),
            e => e,
        },
    )?;
    let name = staged.commit()?;
    collect_garbage(root, &name, previous.as_deref());
    Ok(name)
}

impl Meta {
    /// What generation `name` in `folder` says of itself. Its feed was applied when
    /// recorded, or, for a generation an older version made, when its meta was written (so
    /// a feed dated ahead then cannot pin itself either).
    fn kept(&self, name: &str, folder: &Path) -> Kept {
        let applied_at = self.applied_at.or_else(|| {
            let written = fs::metadata(folder.join(META_FILE)).ok()?.modified().ok()?;
            jiff::Timestamp::try_from(written).ok()
        });
        Kept {
            name: name.to_string(),
            generated_at: self.meta.generated_at,
            signed_by: self.signed_by.clone(),
            applied_at,
            digest: self.digest.clone(),
            withdrawn: self.withdrawn.clone(),
            ahead: self.ahead.clone(),
        }
    }
}

/// What generation `name` recorded of its applying, when its meta can be read (kept when
/// an upgrade rebuilds it); nothing otherwise.
pub fn kept_provenance(root: &Path, name: &str) -> Provenance {
    files::read_regular(&root.join(name).join(META_FILE), files::DATA_FILE_MAX)
        .ok()
        .and_then(|b| serde_json::from_slice::<Meta>(&b).ok())
        .map(|m| Provenance {
            phone_changes: m.phone_changes,
            applied_at: m.applied_at,
            withdrawn: m.withdrawn,
            ahead: m.ahead,
        })
        .unwrap_or_default()
}

/// The generation named in CURRENT, if the file is there and readable.
pub fn current_name(root: &Path) -> Option<String> {
    let name = files::read_regular_text(&root.join(CURRENT_FILE), files::SMALL_FILE_MAX).ok()?;
    let name = name.trim();
    (name.starts_with(GEN_PREFIX) && !name.contains(['/', '\\'])).then(|| name.to_string())
}

/// Complete generations on disk, newest first.
pub fn complete_generations(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with(GEN_PREFIX) && root.join(n).join(COMPLETE_FILE).exists())
        .collect();
    names.sort_by(|a, b| b.cmp(a));
    names
}

/// Complete generations with what their `meta.json` says, newest first; one whose meta
/// cannot be read is left out.
pub fn kept(root: &Path) -> Vec<Kept> {
    complete_generations(root)
        .into_iter()
        .filter_map(|name| {
            let bytes =
                files::read_regular(&root.join(&name).join(META_FILE), files::DATA_FILE_MAX)
                    .ok()?;
            let meta: Meta = serde_json::from_slice(&bytes).ok()?;
            Some(meta.kept(&name, &root.join(&name)))
        })
        .collect()
}

/// Open a generation: its records, facts and index, every index file checked against its
/// checksum. Fails if anything is missing, damaged or does not agree (the caller then
/// rebuilds). Writes nothing, so a read-only data folder serves.
pub fn open(root: &Path, name: &str, geo: &Geography) -> Result<Generation> {
    let path = root.join(name);
    if !path.join(COMPLETE_FILE).exists() {
        return Err(Error::io(
            "open",
            &path,
            std::io::Error::other("the generation is incomplete"),
        ));
    }
    let meta_path = path.join(META_FILE);
    let bytes = files::read_regular(&meta_path, files::DATA_FILE_MAX)
        .map_err(|e| Error::io("read", &meta_path, e))?;
    let meta: Meta = records::from_json(&meta_path, &bytes)?;
    let index = open_index(&path.join(INDEX_DIR))?;
    let fields = Fields::from_schema(&index.schema())?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;

    // One record at a time: only its facts and summary stay in memory.
    let (mut facts, mut summaries) = (Vec::new(), Vec::new());
    let records = Records::open(&path.join(RECORDS_FILE), |s| {
        facts.push(Facts::of(&s, geo));
        summaries.push(Summary::of(&s));
    })?;
    let docs = reader.searcher().num_docs() as usize;
    if docs != records.len() {
        return Err(Error::Index(tantivy::TantivyError::InternalError(format!(
            "index holds {docs} services but its records hold {}",
            records.len()
        ))));
    }
    let by_id = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    let ranks: std::sync::Arc<[Rank]> = facts
        .iter()
        .map(|f| Rank::of(f, geo))
        .collect::<Vec<_>>()
        .into();
    let searcher = reader.searcher();
    let police_line = reporting_line(&summaries, &ranks, &searcher, POLICE_NON_EMERGENCY)?;
    let emergency_line = reporting_line(&summaries, &ranks, &searcher, EMERGENCY)?;
    let kept = meta.kept(name, &path);
    Ok(Generation {
        name: name.to_string(),
        indexed_with: meta.indexed_with,
        path,
        meta: meta.meta,
        problems: meta.problems,
        signed_by: meta.signed_by,
        phone_changes: meta.phone_changes,
        kept,
        records,
        summaries,
        ranks,
        facts: facts.into(),
        index,
        reader,
        fields,
        by_id,
        police_line,
        emergency_line,
    })
}

/// The UK's police non-emergency number: the way to report a crime that is not happening
/// now, whatever it was.
pub(crate) const POLICE_NON_EMERGENCY: &str = "101";

/// The UK's emergency number (police, ambulance, fire).
pub(crate) const EMERGENCY: &str = "999";

/// The service for reporting crime (its types of help include reporting), working across
/// London or further, whose main number is `number`, and its document: not a neighbourhood
/// team or one borough's page with the same number. Of several, the one with the fewest types
/// of help: the line itself, not a way of using it ("999 then 55", also under domestic
/// abuse).
fn reporting_line(
    summaries: &[Summary],
    ranks: &[Rank],
    searcher: &tantivy::Searcher,
    number: &str,
) -> Result<Option<(usize, tantivy::DocAddress)>> {
    let Some(ord) = summaries
        .iter()
        .zip(ranks)
        .enumerate()
        .filter(|(_, (s, r))| {
            s.phone.as_ref().is_some_and(|p| p.number == number)
                && r.takes_reports()
                && !r.is_borough_only()
        })
        .min_by_key(|(ord, (_, r))| (r.categories.count_ones(), *ord))
        .map(|(ord, _)| ord)
    else {
        return Ok(None);
    };
    for (segment, reader) in searcher.segment_readers().iter().enumerate() {
        let ords = reader
            .fast_fields()
            .u64(schema::ORD)?
            .first_or_default_col(0);
        if let Some(doc) = (0..reader.max_doc()).find(|&d| ords.get_val(d) == ord as u64) {
            return Ok(Some((ord, tantivy::DocAddress::new(segment as u32, doc))));
        }
    }
    Ok(None)
}

/// A generation's tantivy index, every file checked against its checksum, its tokenizers
/// registered, and its segments searched in parallel (one per core).
fn open_index(index_path: &Path) -> Result<Index> {
    let mut index = Index::open(ReadOnly::open(index_path)?)?;
    verify_files(&index)?;
    schema::register_tokenizers(&index);
    let segments = index.searchable_segment_metas()?.len();
    if segments > 1 {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        index.set_multithread_executor(segments.min(cores))?;
    }
    Ok(index)
}

fn next_number(root: &Path) -> Result<u64> {
    let entries = fs::read_dir(root).map_err(|e| Error::io("list", root, e))?;
    let max = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| {
            n.strip_prefix(GEN_PREFIX)
                .and_then(|d| d.parse::<u64>().ok())
        })
        .max()
        .unwrap_or(0);
    Ok(max + 1)
}

/// Name `name` in `CURRENT` (a temporary file renamed over it: atomic).
pub fn set_current(root: &Path, name: &str) -> Result<()> {
    let target = root.join(CURRENT_FILE);
    files::write_atomically(&target, format!("{name}\n").as_bytes())
        .map_err(|e| Error::io("switch", &target, e))
}

/// Remove generations no longer needed and staging folders no process is building in.
/// Kept: the current generation, the one before it, the newest complete one, and the
/// newest from each signing key (so going back to a key brings back its directory, and
/// rollback protection always has that key's newest date).
pub fn collect_garbage(root: &Path, current: &str, previous: Option<&str>) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    let kept = kept(root);
    let mut keep: Vec<String> = vec![current.to_string()];
    keep.extend(previous.map(String::from));
    keep.extend(complete_generations(root).into_iter().next());
    let mut signers: Vec<Option<&str>> = kept.iter().map(|k| k.signed_by.as_deref()).collect();
    signers.dedup();
    for signer in signers {
        keep.extend(newest_signed_by(&kept, signer).map(|k| k.name.clone()));
    }
    for e in entries.flatten() {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        let stale_gen = name.starts_with(GEN_PREFIX) && !keep.contains(&name);
        let abandoned = is_abandoned_staging(root, &name);
        // Left by a switch that was killed (the second form is from older versions).
        let stray_tmp = name.starts_with(&format!(".{CURRENT_FILE}.tmp"))
            || name.starts_with(&format!("{CURRENT_FILE}.tmp"));
        if stale_gen || abandoned {
            // May fail on Windows while another process still maps the files; the next
            // switch tries again.
            remove_staging(&e.path());
        } else if stray_tmp {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// True when tantivy failed because the disk is full (an I/O error somewhere in its chain).
fn is_disk_full(e: &tantivy::TantivyError) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::StorageFull {
                return true;
            }
        }
        if let Some(tantivy::TantivyError::IoError(io)) =
            err.downcast_ref::<tantivy::TantivyError>()
        {
            if io.kind() == std::io::ErrorKind::StorageFull {
                return true;
            }
        }
        cur = err.source();
    }
    false
}

/// The newest (by feed date) of `kept` signed by `signer`, leaving out those whose feed
/// the publisher withdrew (see [`crate::rollback`]).
pub fn newest_signed_by<'a>(kept: &'a [Kept], signer: Option<&str>) -> Option<&'a Kept> {
    let withdrawn = crate::rollback::withdrawn(kept);
    kept.iter()
        .filter(|k| k.signed_by.as_deref() == signer)
        .filter(|k| !crate::rollback::is_withdrawn(k, &withdrawn))
        .max_by_key(|k| k.generated_at)
}

/// Remove staging folders left by processes that are gone (a sync killed mid-build).
/// Called when a directory opens; a folder of a live process is left alone.
pub fn remove_abandoned_staging(root: &Path) {
    for e in fs::read_dir(root).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if is_abandoned_staging(root, &name) {
            remove_staging(&e.path());
        }
    }
}

/// Remove a staging folder, or the claim file of one that is gone.
fn remove_staging(path: &Path) {
    if path.is_dir() {
        let _ = fs::remove_dir_all(path);
    } else {
        let _ = fs::remove_file(path);
    }
}

/// Whether `name` in `root` is a staging folder (or its claim file) no process is building
/// in. A folder is live while the process building in it holds its claim (the lock goes
/// when that process ends, however it ends): the same on every platform, with no need to
/// look processes up by id. A claim file (or one a killed process left half-made, under
/// its temporary hidden name) goes once nobody holds it.
fn is_abandoned_staging(root: &Path, name: &str) -> bool {
    if name.starts_with(&format!(".{STAGING_PREFIX}")) && name.contains(".claim-") {
        return !Claim::is_held(&root.join(name));
    }
    if !name.starts_with(STAGING_PREFIX) {
        return false;
    }
    match name.strip_suffix(CLAIM_SUFFIX) {
        Some(_) => !Claim::is_held(&root.join(name)),
        None => !Claim::is_held(&root.join(format!("{name}{CLAIM_SUFFIX}"))),
    }
}

/// Every file the index's segments name is there and matches its checksum: a deleted
/// `.pos` or a scribbled `.term` is found here, not by a search that fails or panics.
fn verify_files(index: &Index) -> Result<()> {
    let damaged = |what: String| {
        Error::Index(tantivy::TantivyError::InternalError(format!(
            "the index file {what}"
        )))
    };
    use tantivy::index::SegmentComponent as C;
    use tantivy::Directory as _;
    for segment in index.searchable_segment_metas()? {
        for part in [
            C::Postings,
            C::Positions,
            C::FastFields,
            C::FieldNorms,
            C::Terms,
            C::Store,
        ] {
            let file = segment.relative_path(part);
            if !index.directory().exists(&file).unwrap_or(false) {
                return Err(damaged(format!("{} is missing", file.display())));
            }
        }
    }
    if let Some(file) = index.validate_checksum()?.into_iter().next() {
        return Err(damaged(format!("{} is damaged (checksum)", file.display())));
    }
    Ok(())
}

/// The index folder of a generation, opened for reading only. Generations never change
/// once complete, so tantivy's reader lock (a file it would create) is not needed: without
/// it, a read-only data folder serves searches.
#[derive(Clone, Debug)]
struct ReadOnly(MmapDirectory);

impl ReadOnly {
    fn open(path: &Path) -> Result<ReadOnly> {
        MmapDirectory::open(path)
            .map(ReadOnly)
            .map_err(|e| Error::Index(e.into()))
    }
}

impl tantivy::Directory for ReadOnly {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> Result<
        std::sync::Arc<dyn tantivy::directory::FileHandle>,
        tantivy::directory::error::OpenReadError,
    > {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), tantivy::directory::error::DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, tantivy::directory::error::OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(
        &self,
        path: &Path,
    ) -> Result<tantivy::directory::WritePtr, tantivy::directory::error::OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(
        &self,
        path: &Path,
    ) -> Result<Vec<u8>, tantivy::directory::error::OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(
        &self,
        _lock: &tantivy::directory::Lock,
    ) -> Result<tantivy::directory::DirectoryLock, tantivy::directory::error::LockError> {
        Ok(tantivy::directory::DirectoryLock::from(Box::new(())))
    }
    fn watch(
        &self,
        callback: tantivy::directory::WatchCallback,
    ) -> tantivy::Result<tantivy::directory::WatchHandle> {
        self.0.watch(callback)
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    files::write_synced(path, bytes).map_err(|e| Error::io("write", path, e))
}
