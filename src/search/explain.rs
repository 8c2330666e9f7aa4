//! Why a service matched: for each query word, the word it matched and how (exact,
//! stem, prefix, typo, concept), so results never hide that a match was approximate.

use serde::Serialize;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, InvertedIndexReader, Searcher, Term};

use super::query::{QueryConcept, Understood};
use crate::error::Result;
use crate::index::{texts, Generation};
use crate::model::Service;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The word itself.
    Exact,
    /// Another form of it ("families" for "family").
    Stem,
    /// A word it begins (still being typed).
    Prefix,
    /// A word within the typo budget: an approximate match.
    Typo,
    /// The thesaurus concept it expresses ("dv" → domestic-abuse).
    Concept,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchedWord {
    /// The query word.
    pub query: String,
    /// The service's word, or the concept id.
    pub matched: String,
    pub how: MatchKind,
}

/// Explain one hit from the index itself: does the service's document hold the word, its
/// stem, a completion, a concept it expresses, or a near-spelling?
pub(super) fn explain(
    s: &Service,
    address: DocAddress,
    u: &Understood,
    searcher: &Searcher,
    gen: &Generation,
) -> Result<(Vec<MatchedWord>, bool)> {
    let segment = searcher.segment_reader(address.segment_ord);
    let f = &gen.fields;
    let (body, stems, concepts) = (
        segment.inverted_index(f.body)?,
        segment.inverted_index(f.stems)?,
        segment.inverted_index(f.concepts)?,
    );
    let doc = address.doc_id;
    let holds = |index: &InvertedIndexReader, field: Field, text: &str| -> bool {
        let term = Term::from_field_text(field, text);
        match index.read_postings(&term, IndexRecordOption::Basic) {
            // A fresh posting list sits on its first document; seek only moves forward.
            Ok(Some(mut postings)) => {
                postings.doc() == doc || (postings.doc() < doc && postings.seek(doc) == doc)
            }
            _ => false,
        }
    };

    let mut matched = Vec::new();
    let mut partial = false;
    for (i, w) in u.words.iter().enumerate() {
        let found = |kind: MatchKind, m: &str| MatchedWord {
            query: w.text.clone(),
            matched: m.to_string(),
            how: kind,
        };
        let m = if holds(&body, f.body, &w.text) {
            Some(found(MatchKind::Exact, &w.text))
        } else if holds(&stems, f.stems, &w.stem) {
            // Name the service's own form of the word.
            let form = service_word_with_stem(s, &w.stem, gen).unwrap_or_else(|| w.stem.clone());
            Some(found(MatchKind::Stem, &form))
        } else if let Some(p) = w.prefixes.iter().find(|p| holds(&body, f.body, p)) {
            Some(found(MatchKind::Prefix, p))
        } else if let Some(c) = u
            .concepts
            .iter()
            .filter(|c| c.words.contains(&i) && holds(&concepts, f.concepts, &c.id))
            // The strongest; among equals the first, as the thesaurus orders broader concepts.
            .fold(None, |best: Option<&QueryConcept>, c| match best {
                Some(b) if b.weight >= c.weight => Some(b),
                _ => Some(c),
            })
        {
            Some(found(MatchKind::Concept, &c.id))
        } else {
            w.typos
                .iter()
                .find(|t| holds(&body, f.body, t))
                .map(|t| found(MatchKind::Typo, t))
        };
        match m {
            Some(m) => {
                // A word read as a correction ("stalkng") matched approximately, whatever
                // it matched through.
                partial |= m.how == MatchKind::Typo || w.corrected.is_some();
                matched.push(m);
            }
            None => partial = true,
        }
    }
    Ok((matched, partial))
}

/// A word of the service with this stem ("families" for "famili"). Only words sharing the
/// stem's first three letters are stemmed: stemming never changes those.
fn service_word_with_stem(s: &Service, stem: &str, gen: &Generation) -> Option<String> {
    let mut stemmer = gen.index.tokenizer_for_field(gen.fields.stems).ok()?;
    let head: String = stem.chars().take(3).collect();
    let texts = texts(s);
    let words: Vec<&str> = texts
        .iter()
        .flat_map(|t| t.split(' '))
        .filter(|w| w.starts_with(&head))
        .collect();
    words
        .into_iter()
        .find(|w| {
            let mut same = false;
            stemmer
                .token_stream(w)
                .process(&mut |t| same = t.text == stem);
            same
        })
        .map(String::from)
}
