//! Meaning: the sentence-embedding model that lets search match what a query means, not
//! only the words it uses ("hubby hits me" near "domestic abuse").
//!
//! The model is all-MiniLM-L6-v2 distilled into static token vectors (`model/distill.py`,
//! the model2vec method): every token of its WordPiece vocabulary was run through the full
//! transformer once, when Signpost was built, and a sentence is the rarity-weighted mean
//! of its tokens' vectors. Embedding a query therefore costs microseconds, on any CPU, in pure Rust: the
//! `tokenizers` crate reads the model's own tokenizer, and the vectors are one float16
//! matrix.
//!
//! The model is optional: when its files are missing or fail their checksums,
//! [`Model::load`] says why ([`Unavailable`]) and search works on keywords alone.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

use crate::index::Generation;
use crate::model::{category_label, Service};
use crate::text;

/// The folder the model is read from when nothing else is said: `SIGNPOST_MODEL_DIR`, then
/// `model/` beside the program (installed), then the repository's `model/minilm-static/`
/// (built by `model/build.sh`, for development and tests).
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SIGNPOST_MODEL_DIR") {
        return PathBuf::from(dir);
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("model")));
    match beside {
        Some(dir) if dir.join(INFO_FILE).is_file() => dir,
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("model/minilm-static"),
    }
}

const INFO_FILE: &str = "model.json";
const VECTORS_FILE: &str = "vectors.bin";
const TOKENIZER_FILE: &str = "tokenizer.json";
const MAGIC: &[u8; 8] = b"SPSTATIC";

/// Why the model is not in use, in words for the About screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    #[error("the meaning model is not installed (no {0})")]
    /// A file of the model is not where it should be.
    Missing(PathBuf),
    #[error("the meaning model's {0} is damaged (its checksum does not match)")]
    /// A file's checksum does not match.
    Damaged(&'static str),
    #[error("the meaning model could not be read: {0}")]
    /// A file could not be read.
    Unreadable(String),
    #[error("the meaning model does not read meaning as it should ({0}), so it is not used")]
    /// Its files check, but it fails the behaviour probe ([`PROBES`]): vectors shuffled or
    /// swapped with their checksums rewritten would otherwise lower every result unseen.
    Misbehaves(String),
}

/// What any sound model of this kind gets right: each situation is nearer to its own kind
/// of help than to another. A model whose vectors were shuffled gets each right by chance
/// at best, all of them once in 256 loads.
const PROBES: [(&str, &str, &str); 8] = [
    (
        "my husband hits me and controls me",
        "domestic abuse and violence from a partner or husband",
        "fraud, scams and online banking crime",
    ),
    (
        "someone took all my savings with a fake bank call",
        "fraud, scams and online banking crime",
        "domestic abuse and violence from a partner or husband",
    ),
    (
        "people shouted racist abuse at me in the street",
        "hate crime because of race, religion, sexuality or disability",
        "fraud, scams and online banking crime",
    ),
    (
        "he keeps following me and turning up at my work",
        "stalking: being followed, watched and harassed",
        "fraud, scams and online banking crime",
    ),
    (
        "i was raped at a party",
        "rape and sexual violence",
        "fraud, scams and online banking crime",
    ),
    (
        "my son is being made to sell drugs for a gang",
        "gangs, county lines and children exploited into crime",
        "fraud, scams and online banking crime",
    ),
    (
        "my bank account was emptied by an online scam",
        "fraud, scams and online banking crime",
        "rape and sexual violence",
    ),
    (
        "a stranger punched me and stole my phone",
        "robbery, assault and violent crime",
        "fraud, scams and online banking crime",
    ),
];

/// What the model is, as `model.json` says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The model's name.
    pub name: String,
    /// Its licence.
    pub licence: String,
    /// Where it came from.
    pub source: String,
    /// Length of its vectors.
    pub dimensions: usize,
    /// sha256 of each file, checked on load.
    files: std::collections::BTreeMap<String, String>,
}

/// The loaded model.
pub struct Model {
    /// What the model is.
    pub info: ModelInfo,
    tokenizer: Tokenizer,
    /// One row of `dims` per vocabulary token, kept as float16 as the file holds it (half
    /// the memory; converted as a phrase is embedded).
    vectors: Vec<half::f16>,
    /// The vocabulary's whole words (no pieces, marks or symbols) with their ids, in
    /// alphabetical order: where typos are corrected from.
    words: Vec<(String, u32)>,
    dims: usize,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model").field("info", &self.info).finish()
    }
}

impl Model {
    /// Read the model in `dir`, checking every file against the checksum `model.json`
    /// gives for it.
    pub fn load(dir: &Path) -> Result<Model, Unavailable> {
        let read = |name: &str| {
            let path = dir.join(name);
            crate::files::read_regular(&path, crate::files::DATA_FILE_MAX).map_err(|e| {
                match e.kind() {
                    std::io::ErrorKind::NotFound => Unavailable::Missing(path),
                    _ => Unavailable::Unreadable(format!("{}: {e}", path.display())),
                }
            })
        };
        let info: ModelInfo = serde_json::from_slice(&read(INFO_FILE)?)
            .map_err(|e| Unavailable::Unreadable(format!("{INFO_FILE}: {e}")))?;
        let checked = |name: &'static str| {
            let bytes = read(name)?;
            let sum = hex(&Sha256::digest(&bytes));
            match info.files.get(name) {
                Some(want) if *want == sum => Ok(bytes),
                _ => Err(Unavailable::Damaged(name)),
            }
        };
        let raw = checked(VECTORS_FILE)?;
        let mut tokenizer = Tokenizer::from_bytes(checked(TOKENIZER_FILE)?)
            .map_err(|e| Unavailable::Unreadable(format!("{TOKENIZER_FILE}: {e}")))?;
        // The transformer's tokenizer pads every input to 128 tokens and cuts longer ones:
        // a mean of token vectors wants neither.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| Unavailable::Unreadable(format!("{TOKENIZER_FILE}: {e}")))?;
        let (vectors, rows, dims) = read_vectors(&raw)?;
        if dims != info.dimensions || rows != tokenizer.get_vocab_size(true) {
            return Err(Unavailable::Unreadable(format!(
                "{rows} vectors of {dims} numbers for a vocabulary of {} and {} dimensions",
                tokenizer.get_vocab_size(true),
                info.dimensions
            )));
        }
        let mut words: Vec<(String, u32)> = tokenizer
            .get_vocab(false)
            .into_iter()
            .filter(|(w, id)| *id >= FIRST_WORD && w.chars().all(char::is_alphanumeric))
            .collect();
        words.sort();
        let model = Model {
            info,
            tokenizer,
            vectors,
            words,
            dims,
        };
        model.probe()?;
        Ok(model)
    }

    /// Check the model reads meaning: every one of [`PROBES`] holds.
    fn probe(&self) -> Result<(), Unavailable> {
        for (situation, near, far) in PROBES {
            let (Some(s), Some(n), Some(f)) =
                (self.embed(situation), self.embed(near), self.embed(far))
            else {
                return Err(Unavailable::Misbehaves(format!(
                    "\"{situation}\" gave no vector"
                )));
            };
            if similarity(&s, &n) <= similarity(&s, &f) {
                return Err(Unavailable::Misbehaves(format!(
                    "\"{situation}\" came nearer to \"{far}\" than to \"{near}\""
                )));
            }
        }
        Ok(())
    }

    /// Dimensions of an embedding.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// True when `word` is a whole word of the model's vocabulary: one of the thirty
    /// thousand most common English words and word pieces, so no typo.
    pub fn knows_word(&self, word: &str) -> bool {
        self.tokenizer.token_to_id(word).is_some()
    }

    /// True when `word` is an English word the model knows, whole or as a known word with
    /// an inflection ("stitched" is "stitch" + "ed"): a word to read as typed, not correct.
    pub fn is_english(&self, word: &str) -> bool {
        const ENDINGS: &[&str] = &[
            "##s", "##es", "##ed", "##d", "##ing", "##er", "##ers", "##ly",
        ];
        if self.knows_word(word) {
            return true;
        }
        let Ok(encoding) = self.tokenizer.encode(word, false) else {
            return false;
        };
        match encoding.get_tokens() {
            [stem, ending] => stem.chars().count() >= 3 && ENDINGS.contains(&ending.as_str()),
            _ => false,
        }
    }

    /// The vocabulary's whole word nearest `word` within its typo budget, the commonest
    /// among equals ("pasport" → "passport"): how a typo the directory cannot correct is
    /// read. `None` for a word the vocabulary knows, or one with nothing near.
    pub fn nearest_word(&self, word: &str) -> Option<String> {
        let budget = text::typo_budget(word) as usize;
        if budget == 0 || self.is_english(word) {
            return None;
        }
        let first = word.chars().next()?;
        let len = word.chars().count();
        let start = self
            .words
            .partition_point(|(w, _)| w.chars().next() < Some(first));
        self.words[start..]
            .iter()
            .take_while(|(w, _)| w.starts_with(first))
            .filter(|(w, _)| w.chars().count().abs_diff(len) <= budget)
            .map(|(w, id)| (text::edit_distance(word, w), *id, w))
            .filter(|(d, _, _)| *d <= budget)
            .min()
            .map(|(_, _, w)| w.clone())
    }

    /// The unit-length embedding of `text`: the mean of its tokens' vectors, each weighted by
    /// how rare the token is ([`token_weight`]). `None` when no
    /// token of it is known (empty text, or symbols only).
    pub fn embed(&self, text: &str) -> Option<Vec<f32>> {
        let encoding = self.tokenizer.encode(text, false).ok()?;
        let mut sum = vec![0f32; self.dims];
        let mut n = 0usize;
        for &id in encoding.get_ids() {
            let row = &self.vectors[id as usize * self.dims..(id as usize + 1) * self.dims];
            let weight = token_weight(id);
            for (s, v) in sum.iter_mut().zip(row) {
                *s += weight * v.to_f32();
            }
            n += 1;
        }
        if n == 0 || !normalize(&mut sum) {
            return None;
        }
        Some(sum)
    }
}

/// The model with the signs of every need embedded by it: what search reads meaning with.
pub struct Meaning {
    /// The model, for reading the query.
    pub model: Model,
    /// The signs of each need, as vectors.
    pub signs: crate::signs::Signs,
}

impl Meaning {
    /// Load the model in `dir` and embed the bundled signs with it.
    pub fn load(dir: &Path) -> Result<Meaning, Unavailable> {
        let model = Model::load(dir)?;
        let signs = crate::signs::Signs::bundled(&model, crate::thesaurus::Thesaurus::bundled())
            .map_err(Unavailable::Unreadable)?;
        Ok(Meaning { model, signs })
    }

    /// The needs `input` tells of, by meaning, with words read as `correct` says: see
    /// [`crate::signs::Signs::read`].
    pub fn read<'c>(
        &self,
        input: &str,
        correct: &dyn Fn(&str) -> Option<&'c str>,
    ) -> Vec<crate::signs::SignMatch> {
        self.signs.read(&self.model, input, correct)
    }
}

/// What of a service its meaning is taken from: its name, types of help, description and
/// who it is for.
pub fn service_text(s: &Service) -> String {
    let categories: Vec<&str> = s.categories().into_iter().map(category_label).collect();
    [
        s.name.as_str(),
        &categories.join(", "),
        s.description.as_deref().unwrap_or(""),
        s.eligibility_description.as_deref().unwrap_or(""),
    ]
    .iter()
    .filter(|t| !t.trim().is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(". ")
}

/// The embedding of every service of a generation, in its order.
pub struct ServiceVectors {
    dims: usize,
    /// Row `ord` is service `ord`'s unit vector (zeros when it has no text to embed).
    rows: Vec<f32>,
}

impl ServiceVectors {
    /// Embed each service of `gen`, reading its record.
    pub fn of(model: &Model, gen: &Generation) -> crate::error::Result<ServiceVectors> {
        let dims = model.dims();
        let mut rows = Vec::with_capacity(gen.len() * dims);
        for ord in 0..gen.len() {
            let service = gen.records.read(ord)?;
            match model.embed(&service_text(&service)) {
                Some(v) => rows.extend(v),
                None => rows.extend(std::iter::repeat_n(0.0, dims)),
            }
        }
        Ok(ServiceVectors { dims, rows })
    }

    /// The `k` services nearest `query` (a unit vector), nearest first, with their
    /// similarity.
    pub fn nearest(&self, query: &[f32], k: usize) -> Vec<(usize, f32)> {
        let mut all: Vec<(usize, f32)> = self
            .rows
            .chunks_exact(self.dims)
            .map(|row| similarity(row, query))
            .enumerate()
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(k);
        all
    }
}

/// How much a token counts in a sentence's mean: the rarer, the more. The WordPiece
/// vocabulary lists its words by how common they are, after [`FIRST_WORD`] ids of padding,
/// unused slots and single characters, so a token's id stands for its frequency rank and
/// its weight grows with the logarithm of that rank: "passport" outweighs "the", "took"
/// and "when". The distilled vectors already damp the commonest tokens (SIF weighting in
/// `model/distill.py`); this further weighting, at query time, measured better at telling
/// a run of words that names a sign from one of ordinary words.
fn token_weight(id: u32) -> f32 {
    (id.saturating_sub(FIRST_WORD).max(2) as f32).ln()
}

/// The id of the vocabulary's first whole word ("the").
const FIRST_WORD: u32 = 1990;

/// Dot product of two unit vectors: their cosine similarity, from -1 to 1.
pub fn similarity(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Scale `v` to unit length; false when it is all zeros.
fn normalize(v: &mut [f32]) -> bool {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm == 0.0 || !norm.is_finite() {
        return false;
    }
    v.iter_mut().for_each(|x| *x /= norm);
    true
}

/// `vectors.bin`: "SPSTATIC", rows and dims as little-endian u32, then rows × dims
/// little-endian float16.
fn read_vectors(raw: &[u8]) -> Result<(Vec<half::f16>, usize, usize), Unavailable> {
    let bad = |why: &str| Unavailable::Unreadable(format!("{VECTORS_FILE}: {why}"));
    if raw.len() < 16 || &raw[..8] != MAGIC {
        return Err(bad("not a Signpost vector file"));
    }
    let u32_at = |i: usize| u32::from_le_bytes(raw[i..i + 4].try_into().expect("4 bytes")) as usize;
    let (rows, dims) = (u32_at(8), u32_at(12));
    let body = &raw[16..];
    if body.len() != rows * dims * 2 {
        return Err(bad("its size does not match its header"));
    }
    let vectors = body
        .chunks_exact(2)
        .map(|b| half::f16::from_le_bytes([b[0], b[1]]))
        .collect();
    Ok((vectors, rows, dims))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_model_says_so() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Model::load(dir.path()),
            Err(Unavailable::Missing(p)) if p.ends_with(INFO_FILE)
        ));
    }
}
