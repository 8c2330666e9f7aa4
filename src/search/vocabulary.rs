//! The directory's vocabulary: the words of the `body` field across all index segments,
//! with how many services use each. Query understanding asks it whether a word is known,
//! which words are within a typo of it, and which words complete a prefix.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{InvertedIndexReader, Searcher, Term};

use crate::error::Result;
use crate::thesaurus::Thesaurus;

/// Words tried when completing a prefix, per segment.
const PREFIX_SCAN: usize = 400;
/// Words tried within a typo, per segment.
const TYPO_SCAN: usize = 200;

pub(super) struct Vocabulary {
    field: Field,
    segments: Vec<Arc<InvertedIndexReader>>,
}

impl Vocabulary {
    pub fn new(searcher: &Searcher, field: Field) -> Result<Vocabulary> {
        let segments = searcher
            .segment_readers()
            .iter()
            .map(|s| s.inverted_index(field))
            .collect::<tantivy::Result<_>>()?;
        Ok(Vocabulary { field, segments })
    }

    pub fn contains(&self, word: &str) -> bool {
        self.segments
            .iter()
            .any(|s| s.terms().get(word.as_bytes()).ok().flatten().is_some())
    }

    /// Words within `budget` edits of `word` (not the word itself), with their document
    /// counts.
    pub fn near(&self, word: &str, budget: u8) -> Result<HashMap<String, u32>> {
        let mut found = HashMap::new();
        if budget == 0 {
            return Ok(found);
        }
        for seg in &self.segments {
            let automaton =
                FuzzyTermQuery::new(Term::from_field_text(self.field, word), budget, true)
                    .automaton()?;
            let mut stream = seg
                .terms()
                .search(automaton)
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            let mut n = 0;
            while n < TYPO_SCAN && stream.advance() {
                n += 1;
                if let Ok(t) = std::str::from_utf8(stream.key()) {
                    if t != word {
                        *found.entry(t.to_string()).or_insert(0) += stream.value().doc_freq;
                    }
                }
            }
        }
        Ok(found)
    }

    /// Words that begin with `prefix` (longer than it, never a stopword: "th" does not
    /// complete to "the"), with their document counts.
    pub fn completions(&self, prefix: &str, thesaurus: &Thesaurus) -> Result<HashMap<String, u32>> {
        let mut found = HashMap::new();
        for seg in &self.segments {
            let mut stream = seg
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            let mut n = 0;
            while n < PREFIX_SCAN && stream.advance() {
                let key = stream.key();
                if !key.starts_with(prefix.as_bytes()) {
                    break;
                }
                n += 1;
                match std::str::from_utf8(key) {
                    Ok(t) if t.len() > prefix.len() && !thesaurus.is_stopword(t) => {
                        *found.entry(t.to_string()).or_insert(0) += stream.value().doc_freq;
                    }
                    _ => {}
                }
            }
        }
        Ok(found)
    }
}
