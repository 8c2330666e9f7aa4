//! Why a service matched: for each query word, the word it matched and how (exact,
//! stem, prefix, typo, concept), so results never hide that a match was approximate.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::query::Understood;
use crate::index::{concepts, texts, Generation};
use crate::model::Service;
use crate::thesaurus::Thesaurus;

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

pub(super) fn explain(
    s: &Service,
    u: &Understood,
    gen: &Generation,
    thesaurus: &Thesaurus,
) -> (Vec<MatchedWord>, bool) {
    let texts = texts(s);
    let words: HashSet<&str> = texts
        .iter()
        .flat_map(|t| t.split(' '))
        .filter(|w| !w.is_empty())
        .collect();
    let mut stems: HashMap<String, &str> = HashMap::new();
    if let Ok(mut stemmer) = gen.index.tokenizer_for_field(gen.fields.stems) {
        for w in &words {
            stemmer.token_stream(w).process(&mut |t| {
                stems.entry(t.text.clone()).or_insert(w);
            });
        }
    }
    let concept_ids = concepts(s, &texts, thesaurus);
    let doc_concepts: HashSet<&str> = concept_ids.split(' ').collect();

    let mut matched = Vec::new();
    let mut partial = false;
    for (i, w) in u.words.iter().enumerate() {
        let found = |kind: MatchKind, m: &str| MatchedWord {
            query: w.text.clone(),
            matched: m.to_string(),
            how: kind,
        };
        let m = if words.contains(w.text.as_str()) {
            Some(found(MatchKind::Exact, &w.text))
        } else if let Some(d) = stems.get(&w.stem) {
            Some(found(MatchKind::Stem, d))
        } else if let Some(p) = w.prefixes.iter().find(|p| words.contains(p.as_str())) {
            Some(found(MatchKind::Prefix, p))
        } else if let Some(c) = u
            .concepts
            .iter()
            .find(|c| c.words.contains(&i) && doc_concepts.contains(c.id.as_str()))
        {
            Some(found(MatchKind::Concept, &c.id))
        } else {
            w.typos
                .iter()
                .find(|t| words.contains(t.as_str()))
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
    (matched, partial)
}
