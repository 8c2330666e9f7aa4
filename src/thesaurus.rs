//! The search thesaurus (index-data/thesaurus.json): concepts expressed by words and
//! phrases, so "dv", "domestic violence" and "coercive control" all mean domestic abuse.
//!
//! The same matcher runs over a service's text when it is indexed and over the query when
//! it is searched, so both meet on concept ids rather than on surface words.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::text;

#[derive(Debug, Deserialize)]
struct ThesaurusFile {
    #[serde(default)]
    stopwords: Vec<String>,
    concepts: Vec<ConceptFile>,
}

#[derive(Debug, Deserialize)]
struct ConceptFile {
    id: String,
    #[serde(default)]
    label: Option<String>,
    terms: Vec<String>,
    #[serde(default)]
    broader: Vec<String>,
}

/// Index of a concept in the thesaurus.
pub type ConceptId = usize;

#[derive(Debug)]
/// A concept: an id, the words that express it, and broader concepts.
pub struct Concept {
    /// Its id (`domestic-abuse`).
    pub id: String,
    /// Its name for people ("image-based abuse"); the id with spaces when not given.
    pub label: String,
    broader: Vec<ConceptId>,
}

/// A concept found in a run of words.
#[derive(Debug, Clone, PartialEq)]
pub struct ConceptMatch {
    /// The concept found.
    pub concept: ConceptId,
    /// Position and length of the phrase in the (stopword-free) words.
    pub start: usize,
    /// How many words the phrase spans.
    pub len: usize,
}

/// The concepts, with lookups from words and phrases.
pub struct Thesaurus {
    /// Identifies this thesaurus's content: a generation indexed with another one carries
    /// other concepts and is rebuilt (see `index::Generation::indexed_with`).
    fingerprint: String,
    stopwords: HashSet<String>,
    concepts: Vec<Concept>,
    /// First word of a phrase → (phrase words, concept).
    phrases: HashMap<String, Vec<(Vec<String>, ConceptId)>>,
    /// Every word that appears in a term, for telling known words from typos.
    vocabulary: HashSet<String>,
}

impl Thesaurus {
    /// The thesaurus bundled with the program.
    pub fn bundled() -> &'static Thesaurus {
        static T: OnceLock<Thesaurus> = OnceLock::new();
        T.get_or_init(|| {
            Thesaurus::from_json(crate::bundled::THESAURUS)
                .expect("bundled thesaurus.json is valid")
        })
    }

    /// A thesaurus from its JSON; an error says what is wrong.
    pub fn from_json(json: &str) -> Result<Thesaurus, String> {
        let file: ThesaurusFile = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let stopwords: HashSet<String> =
            file.stopwords.iter().map(|s| text::normalize(s)).collect();
        let index: HashMap<&str, ConceptId> = file
            .concepts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let mut concepts = Vec::new();
        let mut phrases: HashMap<String, Vec<(Vec<String>, ConceptId)>> = HashMap::new();
        let mut vocabulary = HashSet::new();
        for (i, c) in file.concepts.iter().enumerate() {
            let broader = c
                .broader
                .iter()
                .map(|b| {
                    index
                        .get(b.as_str())
                        .copied()
                        .ok_or_else(|| format!("concept {} names unknown broader {b}", c.id))
                })
                .collect::<Result<Vec<_>, _>>()?;
            concepts.push(Concept {
                id: c.id.clone(),
                label: c.label.clone().unwrap_or_else(|| c.id.replace('-', " ")),
                broader,
            });
            for term in &c.terms {
                let all = text::words(term);
                let words: Vec<String> = content_words(&stopwords, &all)
                    .into_iter()
                    .map(String::from)
                    .collect();
                if let Some(first) = words.first() {
                    vocabulary.extend(words.iter().cloned());
                    phrases.entry(first.clone()).or_default().push((words, i));
                }
            }
        }
        let digest = <sha2::Sha256 as sha2::Digest>::digest(json.as_bytes());
        let fingerprint = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        Ok(Thesaurus {
            fingerprint,
            stopwords,
            concepts,
            phrases,
            vocabulary,
        })
    }

    /// Multi-word terms that stopword removal reduces to a single word (which would then
    /// match far more than the phrase meant), as "term → word".
    pub fn collapsed_terms(json: &str) -> Vec<String> {
        let file: ThesaurusFile = serde_json::from_str(json).expect("thesaurus parses");
        let stopwords: HashSet<String> =
            file.stopwords.iter().map(|s| text::normalize(s)).collect();
        file.concepts
            .iter()
            .flat_map(|c| c.terms.iter())
            .filter_map(|t| {
                let words = text::words(t);
                let kept = content_words(&stopwords, &words);
                (words.len() > 1 && kept.len() == 1).then(|| format!("{t} → {}", kept[0]))
            })
            .collect()
    }

    /// What identifies this thesaurus's content (16 hex digits of its SHA-256).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// True for words that carry no meaning in a query ("the", "my").
    pub fn is_stopword(&self, word: &str) -> bool {
        self.stopwords.contains(word)
    }

    /// True when `word` is part of some term.
    pub fn knows(&self, word: &str) -> bool {
        self.vocabulary.contains(word)
    }

    /// Words that appear in terms, for correcting typos in query words.
    pub fn vocabulary(&self) -> impl Iterator<Item = &str> {
        self.vocabulary.iter().map(String::as_str)
    }

    /// The concept with this id.
    pub fn concept(&self, id: ConceptId) -> &Concept {
        &self.concepts[id]
    }

    /// The concept whose id is `id`, if any.
    pub fn find_id(&self, id: &str) -> Option<ConceptId> {
        self.concepts.iter().position(|c| c.id == id)
    }

    /// Remove stopwords from normalised words (borrowing them).
    pub fn content_words<'w, S: AsRef<str>>(&self, words: &'w [S]) -> Vec<&'w str> {
        content_words(&self.stopwords, words)
    }

    /// Every concept phrase in `words` (normalised, stopwords already removed);
    /// overlapping phrases are all reported.
    pub fn find<S: AsRef<str>>(&self, words: &[S]) -> Vec<ConceptMatch> {
        let mut out = Vec::new();
        for start in 0..words.len() {
            let Some(candidates) = self.phrases.get(words[start].as_ref()) else {
                continue;
            };
            for (phrase, concept) in candidates {
                let rest = &words[start..];
                if rest.len() >= phrase.len()
                    && phrase.iter().zip(rest).all(|(p, w)| p == w.as_ref())
                {
                    out.push(ConceptMatch {
                        concept: *concept,
                        start,
                        len: phrase.len(),
                    });
                }
            }
        }
        out
    }

    /// The concept and all broader ones, each with its distance (0 for itself).
    pub fn with_broader(&self, id: ConceptId) -> Vec<(ConceptId, u32)> {
        let mut out = vec![(id, 0)];
        let mut i = 0;
        while i < out.len() {
            let (c, depth) = out[i];
            for &b in &self.concepts[c].broader {
                if !out.iter().any(|(seen, _)| *seen == b) {
                    out.push((b, depth + 1));
                }
            }
            i += 1;
        }
        out
    }

    /// Concept ids a text states itself (no broader ones), each once.
    pub fn stated_concepts<S: AsRef<str>>(&self, words: &[S]) -> Vec<ConceptId> {
        let words = self.content_words(words);
        let mut out: Vec<ConceptId> = Vec::new();
        for m in self.find(&words) {
            if !out.contains(&m.concept) {
                out.push(m.concept);
            }
        }
        out
    }

    /// Concept ids a text carries, broader ones included, each once.
    pub fn concepts_of<S: AsRef<str>>(&self, words: &[S]) -> Vec<ConceptId> {
        let words = self.content_words(words);
        let mut out: Vec<ConceptId> = Vec::new();
        for m in self.find(&words) {
            for (c, _) in self.with_broader(m.concept) {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }
}

fn content_words<'w, S: AsRef<str>>(stopwords: &HashSet<String>, words: &'w [S]) -> Vec<&'w str> {
    let kept: Vec<&str> = words
        .iter()
        .map(|w| w.as_ref())
        .filter(|w| !stopwords.contains(*w))
        .collect();
    // A phrase made only of stopwords keeps them, so it can still match.
    if kept.is_empty() {
        words.iter().map(|w| w.as_ref()).collect()
    } else {
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(t: &Thesaurus, words: &str) -> Vec<String> {
        let mut v: Vec<String> = t
            .concepts_of(&text::words(words))
            .iter()
            .map(|&c| t.concept(c).id.clone())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn abbreviations_and_lay_words_map_to_concepts() {
        let t = Thesaurus::bundled();
        assert!(ids(t, "dv").contains(&"domestic-abuse".to_string()));
        assert!(ids(t, "Domestic Violence").contains(&"domestic-abuse".to_string()));
        assert!(ids(t, "racist").contains(&"hate-crime".to_string()));
        assert!(ids(t, "homophobic").contains(&"lgbtq".to_string()));
        assert!(ids(t, "mugged").contains(&"robbery-theft".to_string()));
        assert!(ids(t, "stabbed").contains(&"youth-violence-exploitation".to_string()));
        assert!(ids(t, "scammed").contains(&"fraud-cybercrime".to_string()));
        assert!(ids(t, "elderly").contains(&"older-people".to_string()));
    }

    #[test]
    fn broader_concepts_are_implied() {
        let t = Thesaurus::bundled();
        let idva = ids(t, "IDVA");
        assert!(
            idva.contains(&"idva".to_string()) && idva.contains(&"domestic-abuse".to_string()),
            "{idva:?}"
        );
        let fm = t.find_id("forced-marriage").unwrap();
        let chain: Vec<&str> = t
            .with_broader(fm)
            .iter()
            .map(|(c, _)| t.concept(*c).id.as_str())
            .collect();
        assert_eq!(
            chain,
            ["forced-marriage", "harmful-practices", "domestic-abuse"]
        );
    }

    #[test]
    fn phrases_match_across_stopwords() {
        let t = Thesaurus::bundled();
        assert!(ids(t, "I want to meet the offender").contains(&"restorative-justice".to_string()));
        assert!(ids(t, "she cannot speak").contains(&"silent-call".to_string()));
        assert!(ids(t, "the weather").is_empty());
    }

    #[test]
    fn no_phrase_collapses_to_one_word() {
        let collapsed = Thesaurus::collapsed_terms(crate::bundled::THESAURUS);
        assert!(
            collapsed.is_empty(),
            "terms that mean less without their stopwords: {collapsed:?}"
        );
    }

    #[test]
    fn every_category_is_a_concept() {
        let t = Thesaurus::bundled();
        for c in crate::model::CATEGORIES.iter().filter(|c| **c != "other") {
            assert!(t.find_id(c).is_some(), "category {c} has no concept");
        }
    }
}
