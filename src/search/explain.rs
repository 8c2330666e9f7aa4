//! Why a service matched: for each query word, the word it matched and how (exact,
//! stem, prefix, typo, concept), so results never hide that a match was approximate.

use serde::Serialize;
use std::sync::Arc;
use tantivy::schema::{Field, IndexRecordOption};

use tantivy::{DocAddress, DocId, DocSet, InvertedIndexReader, Searcher, Term};

use super::query::{QueryConcept, ReadBy, Understood, A_SLUR};
use super::ranking::{is_kind_of_service, TELLING_NEED_SHARE};
use crate::error::Result;
use crate::index::{texts, Fields, Generation};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
/// How a query word matched a service.
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
    /// A need read by meaning: the words said meant the same as one of the need's signs
    /// ("goes thru my phone" ~ "my partner checks my phone" → domestic-abuse). Not a word
    /// match, and shown as such.
    Meaning,
    /// A need read from what the account says happened ("husband … hits" → domestic abuse,
    /// see [`crate::events`]); a slur is named, never repeated.
    Event,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
/// One query word and what it matched in a service.
pub struct MatchedWord {
    /// The query word (for a meaning match, the words that told the need).
    pub query: String,
    /// The service's word, or the concept id.
    pub matched: String,
    /// How it matched.
    pub how: MatchKind,
}

/// Reads one service's document in the index: which words, stems and concepts it holds.
struct Document {
    body: Arc<InvertedIndexReader>,
    stems: Arc<InvertedIndexReader>,
    concepts: Arc<InvertedIndexReader>,
    fields: Fields,
    doc: DocId,
}

impl Document {
    fn new(searcher: &Searcher, gen: &Generation, address: DocAddress) -> Result<Document> {
        let segment = searcher.segment_reader(address.segment_ord);
        let f = gen.fields;
        Ok(Document {
            body: segment.inverted_index(f.body)?,
            stems: segment.inverted_index(f.stems)?,
            concepts: segment.inverted_index(f.concepts)?,
            fields: f,
            doc: address.doc_id,
        })
    }

    fn holds(&self, index: &InvertedIndexReader, field: Field, text: &str) -> bool {
        let term = Term::from_field_text(field, text);
        match index.read_postings(&term, IndexRecordOption::Basic) {
            // A fresh posting list sits on its first document; seek only moves forward.
            Ok(Some(mut postings)) => {
                postings.doc() == self.doc
                    || (postings.doc() < self.doc && postings.seek(self.doc) == self.doc)
            }
            _ => false,
        }
    }

    fn has_word(&self, w: &str) -> bool {
        self.holds(&self.body, self.fields.body, w)
    }

    /// The strongest concept expressed by query word `i` that the service carries; among
    /// equals the first, as the thesaurus orders broader concepts.
    fn concept<'u>(&self, u: &'u Understood, i: usize) -> Option<&'u QueryConcept> {
        u.concepts
            .iter()
            .filter(|c| {
                c.words.contains(&i) && self.holds(&self.concepts, self.fields.concepts, &c.id)
            })
            .fold(None, |best: Option<&QueryConcept>, c| match best {
                Some(b) if b.weight >= c.weight => Some(b),
                _ => Some(c),
            })
    }

    /// How query word `i` matches, as reported to people: the literal word first.
    fn explain_word(
        &self,
        texts: &mut ServiceTexts,
        gen: &Generation,
        u: &Understood,
        i: usize,
    ) -> Result<Option<MatchedWord>> {
        let w = &u.words[i];
        let found = |how: MatchKind, m: &str| MatchedWord {
            query: w.shown().to_string(),
            matched: m.to_string(),
            how,
        };
        let own = || self.concept(u, i).filter(|c| !told_by_event(c));
        if w.describes {
            // Who someone is, not a match to explain.
            return Ok(None);
        }
        if w.unsayable {
            // A slur is explained only by what it was read as, never as a word matched.
            return Ok(self
                .concept(u, i)
                .filter(|c| c.about.is_none())
                .map(|c| found(MatchKind::Concept, &c.id)));
        }
        let age = w.states_age.then(own).flatten();
        Ok(if let Some(c) = age {
            Some(found(MatchKind::Concept, &c.id))
        } else if self.has_word(&w.text) {
            Some(found(MatchKind::Exact, &w.text))
        } else if self.holds(&self.stems, self.fields.stems, &w.stem) {
            // Name the service's own form of the word, from its record.
            let form = service_word_with_stem(texts.get(gen)?, &w.stem, gen)
                .unwrap_or_else(|| w.stem.clone());
            Some(found(MatchKind::Stem, &form))
        } else if let Some(p) = w.prefixes.iter().find(|p| !w.known && self.has_word(p)) {
            // A word already whole ("ex") is not shown as the start of a longer one
            // ("experiencing"): that would read as a match it is not.
            Some(found(MatchKind::Prefix, p))
        } else if let Some(c) = own() {
            // A need an event told is explained once, by the event's words together.
            Some(found(MatchKind::Concept, &c.id))
        } else {
            w.typos
                .iter()
                .find(|t| self.has_word(t))
                .map(|t| found(MatchKind::Typo, t))
        })
    }

    /// Does the service match every unit of meaning in the query? A word inside a concept
    /// phrase ("crime" in "knife crime") counts only through that concept; a word that
    /// carries no need beside one that does not at all; other words through any match.
    fn matches_meaning(&self, u: &Understood) -> bool {
        if u.telling {
            return self.carries_main_need(u);
        }
        u.words.iter().enumerate().all(|(i, w)| {
            !w.carries_need
                || self.concept(u, i).is_some()
                || (!w.in_phrase
                    && (self.has_word(&w.text)
                        || self.holds(&self.stems, self.fields.stems, &w.stem)
                        || w.prefixes.iter().chain(&w.typos).any(|t| self.has_word(t))))
        })
    }

    fn carries(&self, c: &QueryConcept) -> bool {
        self.holds(&self.concepts, self.fields.concepts, &c.id)
    }

    /// In a telling, does the service carry one of the strongest needs read in it?
    fn carries_main_need(&self, u: &Understood) -> bool {
        let strongest = u.concepts.iter().map(|c| c.weight).fold(0.0, f32::max);
        u.concepts
            .iter()
            .any(|c| c.weight >= TELLING_NEED_SHARE * strongest && self.carries(c))
    }
}

/// The concept was read from an event in the account, not from a word's own meaning.
fn told_by_event(c: &QueryConcept) -> bool {
    c.about.as_ref().is_some_and(|a| a.by == ReadBy::Event)
}

/// Explain one hit from the index itself: does the service's document hold the word, its
/// stem, a completion, a concept it expresses, or a near-spelling?
pub(super) fn explain(
    ord: usize,
    address: DocAddress,
    u: &Understood,
    searcher: &Searcher,
    gen: &Generation,
) -> Result<(Vec<MatchedWord>, bool)> {
    let doc = Document::new(searcher, gen, address)?;
    let mut texts = ServiceTexts { ord, texts: None };
    let mut matched: Vec<MatchedWord> = Vec::new();
    let mut partial = false;
    let mut last = None;
    for (i, w) in u.words.iter().enumerate() {
        match doc.explain_word(&mut texts, gen, u, i)? {
            Some(m) => {
                // A word read as a correction ("stalkng") matched approximately, whatever
                // it matched through.
                partial |= m.how == MatchKind::Typo || w.corrected.is_some();
                // Words in a row expressing one concept read as one phrase: "15 year old
                // → young people", "knife crime → youth violence".
                let same_phrase = |prev: &MatchedWord| {
                    m.how == MatchKind::Concept
                        && prev.how == MatchKind::Concept
                        && prev.matched == m.matched
                        && last == i.checked_sub(1)
                };
                if let Some(prev) = matched.last_mut().filter(|p| same_phrase(p)) {
                    // Two slurs in a row are one "a slur".
                    if !(m.query == A_SLUR && prev.query.ends_with(A_SLUR)) {
                        prev.query.push(' ');
                        prev.query.push_str(&m.query);
                    }
                } else if !matched.contains(&m) {
                    // A word said twice ("next door … the door") is explained once.
                    matched.push(m);
                }
                last = Some(i);
            }
            // A word that carries no need ("incident", "17") may go unmatched.
            None => partial |= w.carries_need,
        }
    }
    // The narrowest need read from each run that the service carries: concepts are in
    // the order read, each before the broader ones it implies.
    for c in u.concepts.iter().filter(|c| doc.carries(c)) {
        if let Some(about) = c.about.as_ref() {
            let how = match about.by {
                ReadBy::Meaning => MatchKind::Meaning,
                ReadBy::Event => MatchKind::Event,
            };
            if !matched
                .iter()
                .any(|m| m.how == how && m.query == about.said)
            {
                matched.push(MatchedWord {
                    query: about.said.clone(),
                    matched: c.id.clone(),
                    how,
                });
            }
        }
    }
    // A telling is read for its needs: a service carrying one of the main ones is a whole
    // match however many of the telling's ordinary words it lacks.
    if u.telling && !u.concepts.is_empty() {
        partial = !doc.carries_main_need(u);
    }
    Ok((matched, partial))
}

/// How a candidate fits the query, read from one look at its document.
pub(super) struct Fit {
    /// It matches every unit of meaning in the query (see `Document::matches_meaning`):
    /// the condition for lifting a local service to the top. Only asked of local ones.
    pub matches_meaning: bool,
    /// The query says or reads needs and the service carries none of them, nor the
    /// broader needs they imply (an IDVA service is for domestic abuse), nor a kind of
    /// service the query names ("999 stabbed": the 999 line is what was asked for).
    pub off_need: bool,
}

/// How the service at `address` fits `u`; `local` says whether to ask if it matches every
/// unit of meaning.
pub(super) fn fit(
    searcher: &Searcher,
    gen: &Generation,
    address: DocAddress,
    u: &Understood,
    local: bool,
) -> Result<Fit> {
    let doc = Document::new(searcher, gen, address)?;
    let asked_for = |c: &&QueryConcept| c.direct && is_kind_of_service(&c.id);
    let off_need = u.needs(true).next().is_some()
        && !u
            .needs(false)
            .chain(u.concepts.iter().filter(asked_for))
            .any(|c| doc.carries(c));
    Ok(Fit {
        matches_meaning: local && doc.matches_meaning(u),
        off_need,
    })
}

/// A hit's indexed texts, read from its record on disk the first time a stem match needs
/// them, and only once however many words match by stem.
struct ServiceTexts {
    ord: usize,
    texts: Option<[String; 4]>,
}

impl ServiceTexts {
    fn get(&mut self, gen: &Generation) -> Result<&[String; 4]> {
        if self.texts.is_none() {
            self.texts = Some(texts(&gen.records.read(self.ord)?));
        }
        Ok(self.texts.as_ref().expect("just set"))
    }
}

/// A word of the service with this stem ("families" for "famili"). Only words sharing the
/// stem's first three letters are stemmed: stemming never changes those.
fn service_word_with_stem(texts: &[String; 4], stem: &str, gen: &Generation) -> Option<String> {
    let mut stemmer = gen.index.tokenizer_for_field(gen.fields.stems).ok()?;
    let head: String = stem.chars().take(3).collect();
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
