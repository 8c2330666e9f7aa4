//! Query understanding: find a place typed in the query, drop stopwords, expand each word
//! (stem, typo variants within the word's budget, prefix completions of the last word),
//! find thesaurus concepts, and build the tantivy query.

use serde::Serialize;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use std::cmp::Reverse;

use super::age;
use super::ranking::{
    is_not_a_need, meaning_weight, word_share, AFTER_A_REPORT, BESIDE_AN_EVENT, BROADER, CONTEXT,
    GENERAL_ROUTES, GROUPS, IDENTITY_ONLY, IN_PHRASE, NOT_A_NEED, NOT_CRIMES, NO_NEED,
    NO_NEED_NUMBER, NO_NEED_WORDS, PREFIX, PREFIX_KNOWN, REPORTED_ALREADY, TELLING_WORDS, TYPO,
    W_BODY, W_CONCEPT, W_NAME, W_PURPOSE, W_STEM,
};
use super::vocabulary::Vocabulary;
use crate::error::Result;
use crate::events::{self, Events};
use crate::geo::{split_postcode, Geography, Place};
use crate::index::Generation;
use crate::meaning::Meaning;
use crate::text::{self, edit_distance, typo_budget};
use crate::thesaurus::{ConceptId, Thesaurus};

const MAX_TYPOS: usize = 5;
const MAX_PREFIXES: usize = 8;

/// One query word and its expansions.
#[derive(Debug, Clone, Serialize)]
pub struct QueryWord {
    pub text: String,
    #[serde(skip)]
    pub stem: String,
    /// The word is in the directory's vocabulary.
    pub known: bool,
    /// Directory words within the typo budget.
    pub typos: Vec<String>,
    /// Directory words it begins (last word only: it may still be being typed).
    pub prefixes: Vec<String>,
    /// The word read as, when it looked like a typo ("domestc" → "domestic").
    pub corrected: Option<String>,
    /// Part of a multi-word concept phrase ("crime" in "knife crime"): the phrase carries
    /// the meaning, so the word alone counts for less.
    #[serde(skip)]
    pub in_phrase: bool,
    /// False for a word that says nothing of the need ("incident", "support") beside one
    /// that does: see `ranking::NO_NEED`.
    #[serde(skip)]
    pub carries_need: bool,
    /// Part of an age stated ("15F", "13 yr old"): it says who the person is, and is
    /// explained as that, not as the literal word.
    #[serde(skip)]
    pub states_age: bool,
    /// Says who someone in the account is ("jewish" beside a partner's violence): it
    /// describes them and is not searched as a word (see `describe_not_choose`).
    #[serde(skip)]
    pub describes: bool,
    /// A slur: never printed back, in an explanation or anywhere else (see
    /// [`QueryWord::shown`]).
    #[serde(skip)]
    pub unsayable: bool,
}

/// What an explanation says in place of a slur.
pub const A_SLUR: &str = "a slur";

impl QueryWord {
    /// The word as explanations show it: as typed, or for a slur only what it is.
    pub fn shown(&self) -> &str {
        if self.unsayable {
            A_SLUR
        } else {
            &self.text
        }
    }
}

/// A thesaurus concept found in the query.
#[derive(Debug, Clone, Serialize)]
pub struct QueryConcept {
    pub id: String,
    #[serde(skip)]
    pub concept: ConceptId,
    pub weight: f32,
    /// Positions of the query words that expressed it (or the narrower concept implying it).
    #[serde(skip)]
    pub words: Vec<usize>,
    /// Read by meaning, not from the words: what was said and the sign it meant (for a
    /// broader need, the sign of the narrower one read).
    pub about: Option<About>,
    /// Said (or read by meaning) itself, not implied by a narrower concept.
    #[serde(skip)]
    pub direct: bool,
    /// Named only by words of who a person is ("jewish" in an account of domestic abuse):
    /// it describes the person, ranks services within the needs told, and is no need.
    #[serde(skip)]
    pub describes: bool,
}

/// A need read from the telling rather than named: by meaning (the words of the query that
/// told it and the sign they meant the same as: "goes thru phone every night" ~ "my partner
/// checks my phone"), or from an event it tells ("husband … hits").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct About {
    /// The words of the query that told it (for an event, quoted; for a slur, only what
    /// it was).
    pub said: String,
    /// The sign they meant the same as, or the kind of event.
    pub sign: String,
    /// How it was read.
    pub by: ReadBy,
}

/// How a need was read from a telling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadBy {
    /// By the meaning model, against the signs of each need.
    Meaning,
    /// From an event in the lexicon (`index-data/events.json`).
    Event,
}

/// How the query was read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Understood {
    /// The query's content words, each with its expansions.
    pub words: Vec<QueryWord>,
    /// The concepts said or read, with their weights.
    pub concepts: Vec<QueryConcept>,
    /// A place typed in the query ("idva e8", "dv hackney").
    pub place: Option<Place>,
    /// More than a few words of need: a situation told, read for its needs rather than
    /// word by word (see `ranking::TELLING_WORDS`).
    pub telling: bool,
    /// False when meaning could not be read (no model loaded): keywords only.
    pub by_meaning: bool,
    /// Needs asked about that no service in the directory covers ("image-based abuse"):
    /// said above the results, which lead with the general routes instead.
    pub unserved: Vec<String>,
    /// The age of the person, when the query states it ("15F", "my 13 yr old"): services
    /// whose stated ages exclude it rank lower (see `ranking::OUTSIDE_STATED_AGES`).
    pub age: Option<u32>,
    /// No service matched the words: the general routes were searched instead, and the
    /// results say so. A telling never returns nothing.
    pub nothing_matched: bool,
    /// What was understood, part by part, as the "Understood:" line shows it: each can be
    /// set aside (`SearchRequest::set_aside`) and the search run again without it.
    pub parts: Vec<UnderstoodPart>,
    /// The account says the police already know ([`REPORTED_ALREADY`]).
    #[serde(skip)]
    pub reported_already: bool,
}

/// One part of what was understood: the words and what they were read as.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnderstoodPart {
    /// What to give in `SearchRequest::set_aside` to search without it: a need's id,
    /// `"place"`, `"age"` or `"danger"`.
    pub key: String,
    /// The words that told it ("“husband … hits”", "16 yr old", "Peckham").
    pub said: String,
    /// What they were read as ("domestic abuse", "young people", "near Peckham
    /// (Southwark)").
    pub means: String,
}

/// The key of the place part of what was understood.
pub const PLACE_PART: &str = "place";
/// The key of the age part of what was understood.
pub const AGE_PART: &str = "age";
/// The key of the danger-now part of what was understood.
pub const DANGER_PART: &str = "danger";

/// Read a query: the place typed in it, each word with its expansions, the concepts said
/// (and, with the model, the needs read by meaning), whether it is a telling, and the
/// needs no service covers.
pub(super) fn understand(
    input: &str,
    set_aside: &[String],
    searcher: &Searcher,
    gen: &Generation,
    geo: &Geography,
    thesaurus: &Thesaurus,
    meaning: Option<&Meaning>,
) -> Result<Understood> {
    let vocabulary = Vocabulary::new(searcher, gen.fields.body)?;
    let all_words = text::words(input);
    let known = |w: &str| thesaurus.knows(w) || vocabulary.contains(w);
    let aside = |key: &str| set_aside.iter().any(|k| k == key);
    let (place, rest) = if aside(PLACE_PART) {
        (None, all_words.clone())
    } else {
        let need_word = |w: &str| !thesaurus.find(&[w.to_string()]).is_empty();
        let reading = PlaceReading {
            words: &all_words,
            clause_starts: clause_starts(input),
            need_word: &need_word,
        };
        extract_place(&reading, geo, &known)
    };
    let words: Vec<String> = if rest.is_empty() {
        Vec::new()
    } else {
        thesaurus
            .content_words(&rest)
            .into_iter()
            .map(String::from)
            .collect()
    };
    let age = age::stated(&words).filter(|_| !aside(AGE_PART));
    let account = events::account_words(input);
    let reading = Events::bundled().read(&account);
    let reported_already = REPORTED_ALREADY.iter().any(|p| holds_phrase(&account, p));
    let danger_now = Events::bundled()
        .danger_now(&account)
        .filter(|_| !aside(DANGER_PART));
    let reader = WordReader {
        unsayable: &reading.unsayable,
        vocabulary: &vocabulary,
        known: &known,
        thesaurus,
        meaning,
        telling_length: words.len() > TELLING_WORDS,
    };
    let mut out = reader.read(&words, age.as_ref(), gen)?;
    mark_words_of_no_need(&mut out, thesaurus);
    let mut concepts = concepts_said(&mut out, age.as_ref(), thesaurus);
    read_events(&mut concepts, &reading.reads, &out, thesaurus);
    describe_not_choose(&mut concepts, &reading.reads, &mut out, thesaurus);
    if let Some(meaning) = meaning {
        read_by_meaning(
            &mut concepts,
            input,
            &out,
            &reading.reads,
            meaning,
            thesaurus,
        );
    }
    let telling = out.iter().filter(|w| w.carries_need).count() > TELLING_WORDS;
    if telling {
        // Said in passing ("police have been round"); read by meaning, it is the need.
        for c in concepts
            .iter_mut()
            .filter(|c| is_not_a_need(&c.id) && !(c.direct && c.about.is_some()))
        {
            c.weight *= NOT_A_NEED;
        }
    }
    set_concepts_aside(&mut concepts, set_aside);
    let unserved = unserved(&mut concepts, searcher, gen, thesaurus)?;
    let mut parts = parts(&concepts, &out, place.as_ref(), age.as_ref(), thesaurus);
    if let Some(said) = danger_now {
        // Said first: it decides the first result.
        parts.insert(
            0,
            UnderstoodPart {
                key: DANGER_PART.to_string(),
                said,
                means: crate::present::DANGER_NOW_MEANS.to_string(),
            },
        );
    }
    Ok(Understood {
        parts,
        words: out,
        concepts,
        place,
        unserved,
        telling,
        by_meaning: meaning.is_some(),
        age: age.map(|a| a.years),
        nothing_matched: false,
        reported_already,
    })
}

/// Reads each query word against the directory's vocabulary: known or not, its typo
/// variants, completions of the last word, a correction and its stem.
struct WordReader<'a> {
    vocabulary: &'a Vocabulary,
    known: &'a dyn Fn(&str) -> bool,
    thesaurus: &'a Thesaurus,
    meaning: Option<&'a Meaning>,
    /// More words than a short query has: a telling, where everyday words are no typos.
    telling_length: bool,
    /// Words read as slurs ([`events::Reading::unsayable`]).
    unsayable: &'a [String],
}

impl WordReader<'_> {
    fn read(
        &self,
        words: &[String],
        age: Option<&age::StatedAge>,
        gen: &Generation,
    ) -> Result<Vec<QueryWord>> {
        let mut stemmer = gen.index.tokenizer_for_field(gen.fields.stems)?;
        let last = words.len().saturating_sub(1);
        let age_word = |i: usize| age.is_some_and(|a| a.words.contains(&i));
        let mut out = Vec::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            // A slur is never "corrected" into another word (which would print it back).
            let unsayable = self.unsayable.contains(w);
            // "15F" is an age, not a misspelling.
            let is_known = (self.known)(w) || age_word(i) || unsayable;
            // In a telling, an everyday English word the directory lacks ("left",
            // "shouting") is no typo.
            let english = self.telling_length
                && !is_known
                && self.meaning.is_some_and(|m| m.model.is_english(w));
            let typos = if is_known || english {
                Vec::new()
            } else {
                typo_terms(self.vocabulary, w)?
            };
            let prefixes = if i == last && w.chars().count() >= 2 {
                prefix_terms(self.vocabulary, w, self.thesaurus)?
            } else {
                Vec::new()
            };
            // A last word that begins known words is being typed, not misspelt.
            let corrected = if is_known || !prefixes.is_empty() || english {
                None
            } else {
                correct(w, &typos, self.thesaurus)
            };
            let mut stem = w.clone();
            stemmer
                .token_stream(w)
                .process(&mut |t| stem = t.text.clone());
            out.push(QueryWord {
                text: w.clone(),
                stem,
                known: is_known,
                typos,
                prefixes,
                corrected,
                in_phrase: false,
                carries_need: true,
                states_age: age_word(i),
                describes: false,
                unsayable,
            });
        }
        Ok(out)
    }
}

/// Words that say nothing of the need ("incident", a bare number, an age) carry none,
/// when another word does: see `ranking::NO_NEED`.
fn mark_words_of_no_need(words: &mut [QueryWord], thesaurus: &Thesaurus) {
    let no_need = |w: &QueryWord| {
        NO_NEED_WORDS.contains(&w.text.as_str())
            || is_bare_number(&w.text, thesaurus)
            || w.states_age
    };
    if words.iter().any(|w| !no_need(w)) {
        for w in words.iter_mut().filter(|w| no_need(w)) {
            w.carries_need = false;
        }
    }
}

/// The thesaurus concepts the words say (read from the corrected words), with their
/// broader concepts, and those an age stated implies. Marks the words of a phrase.
fn concepts_said(
    words: &mut [QueryWord],
    age: Option<&age::StatedAge>,
    thesaurus: &Thesaurus,
) -> Vec<QueryConcept> {
    let reading: Vec<String> = words
        .iter()
        .map(|w| w.corrected.clone().unwrap_or_else(|| w.text.clone()))
        .collect();
    let mut concepts: Vec<QueryConcept> = Vec::new();
    for m in thesaurus.find(&reading) {
        if is_everyday_thing(&reading, m.start, m.len) {
            // "kicked the front door in": a door, not the council's front door.
            for w in &mut words[m.start..m.start + m.len] {
                w.carries_need = false;
                w.describes = true;
            }
            continue;
        }
        if m.len == 1 && is_comparative(&reading, m.start) {
            // "a few years older", "older than me": the age of one person beside another,
            // not an older person's need. It describes them and is not searched.
            words[m.start].carries_need = false;
            words[m.start].describes = true;
            continue;
        }
        if m.len > 1 {
            for w in &mut words[m.start..m.start + m.len] {
                w.in_phrase = true;
            }
        }
        for (c, depth) in thesaurus.with_broader(m.concept) {
            // Broader concepts are expressed by the same words.
            let positions: Vec<usize> = (m.start..m.start + m.len).collect();
            said(
                &mut concepts,
                thesaurus,
                c,
                BROADER.powi(depth as i32),
                positions,
                depth == 0,
            );
        }
    }
    // An age says who the person is: a young person, a child, an older person.
    if let Some(a) = age {
        for c in a.concepts().iter().filter_map(|id| thesaurus.find_id(id)) {
            said(&mut concepts, thesaurus, c, 1.0, a.words.clone(), true);
        }
    }
    concepts
}

/// Phrases that name a service's way in ("front door") and an everyday thing: said bare
/// in an account ("kicked the front door in") they are the thing; in a short query ("front
/// door hackney") or before "referral" the service.
const EVERYDAY_THINGS: &[&str] = &["front door", "back door"];

/// The words at `start..start + len` (content words) name an everyday thing, not a
/// service.
fn is_everyday_thing(words: &[String], start: usize, len: usize) -> bool {
    const SERVICE_AFTER: &[&str] = &["referral", "referrals", "team", "service", "contact"];
    EVERYDAY_THINGS.contains(&words[start..start + len].join(" ").as_str())
        && words.len() > 3
        && !words
            .get(start + len)
            .is_some_and(|n| SERVICE_AFTER.contains(&n.as_str()))
}

/// Words before "older" or "younger" that make it a comparison ("years older", "much
/// younger").
const COMPARING: &[&str] = &[
    "years", "yrs", "much", "bit", "lot", "slightly", "way", "far", "abit", "alot",
];

/// The word at `i` compares two people's ages ("a few years older", "older than me").
fn is_comparative(words: &[String], i: usize) -> bool {
    matches!(words[i].as_str(), "older" | "younger")
        && (i
            .checked_sub(1)
            .is_some_and(|p| COMPARING.contains(&words[p].as_str()))
            || words.get(i + 1).is_some_and(|n| n == "than"))
}

/// The needs told by events in the account (see [`crate::events`]), with their broader
/// needs, added to `concepts` (or raising a concept said already to the event's weight).
fn read_events(
    concepts: &mut Vec<QueryConcept>,
    reads: &[events::EventRead],
    words: &[QueryWord],
    thesaurus: &Thesaurus,
) {
    for e in reads {
        // The query words that told it, for weighing the words around it as context.
        let told: Vec<usize> = words
            .iter()
            .enumerate()
            .filter(|(_, w)| e.words.iter().any(|t| t.split(' ').any(|p| p == w.text)))
            .map(|(i, _)| i)
            .collect();
        for need in std::iter::once(&e.need).chain(&e.also) {
            let Some(c) = thesaurus.find_id(need) else {
                continue;
            };
            for (b, depth) in thesaurus.with_broader(c) {
                let weight = e.weight * BROADER.powi(depth as i32);
                match concepts.iter_mut().find(|q| q.concept == b) {
                    Some(q) => {
                        q.weight = q.weight.max(weight);
                        q.direct |= depth == 0;
                        // A slur said as a word is explained as what it was.
                        if depth == 0 && q.about.is_none() && e.words.is_empty() {
                            q.about = Some(About {
                                said: e.said.clone(),
                                sign: e.need.clone(),
                                by: ReadBy::Event,
                            });
                        }
                    }
                    None => concepts.push(QueryConcept {
                        id: thesaurus.concept(b).id.clone(),
                        concept: b,
                        weight,
                        words: told.clone(),
                        about: Some(About {
                            said: e.said.clone(),
                            sign: e.need.clone(),
                            by: ReadBy::Event,
                        }),
                        direct: depth == 0,
                        describes: false,
                    }),
                }
            }
        }
    }
}

/// Needs the person set aside, with the broader needs only they implied.
fn set_concepts_aside(concepts: &mut Vec<QueryConcept>, set_aside: &[String]) {
    let removed: Vec<QueryConcept> = concepts
        .iter()
        .filter(|c| set_aside.contains(&c.id))
        .cloned()
        .collect();
    let implied_by_removed = |c: &QueryConcept| {
        !c.direct
            && removed.iter().any(|r| match (&c.about, &r.about) {
                (Some(a), Some(b)) => a == b,
                _ => !c.words.is_empty() && c.words.iter().all(|w| r.words.contains(w)),
            })
    };
    concepts.retain(|c| !set_aside.contains(&c.id) && !implied_by_removed(c));
}

/// What was understood, part by part, in the order said: the needs and groups said or read
/// (not those only implied, nor words that only describe someone), the age, the place.
fn parts(
    concepts: &[QueryConcept],
    words: &[QueryWord],
    place: Option<&Place>,
    age: Option<&age::StatedAge>,
    thesaurus: &Thesaurus,
) -> Vec<UnderstoodPart> {
    let mut parts: Vec<(usize, UnderstoodPart)> = Vec::new();
    let said_by = |positions: &[usize]| {
        let mut p = positions.to_vec();
        p.sort_unstable();
        p.dedup();
        p.iter()
            .filter_map(|&i| words.get(i))
            .map(QueryWord::shown)
            .collect::<Vec<_>>()
            .join(" ")
    };
    for c in concepts.iter().filter(|c| c.direct && !c.describes) {
        let from_age =
            age.is_some_and(|a| !c.words.is_empty() && c.words.iter().all(|i| a.words.contains(i)));
        let (key, said) = match (&c.about, from_age) {
            (_, true) => (AGE_PART.to_string(), said_by(&c.words)),
            (Some(about), false) => match about.by {
                ReadBy::Event => (c.id.clone(), about.said.clone()),
                ReadBy::Meaning => (c.id.clone(), format!("“{}”", about.said)),
            },
            (None, false) => (c.id.clone(), said_by(&c.words)),
        };
        let means = thesaurus.concept(c.concept).label.clone();
        // One reading of the same words is said once, as its narrowest need; a word that
        // is its own meaning ("men → men") says nothing.
        if said.is_empty() || said == means || parts.iter().any(|(_, p)| p.said == said) {
            continue;
        }
        let first = c.words.iter().copied().min().unwrap_or(usize::MAX);
        parts.push((first, UnderstoodPart { key, said, means }));
    }
    parts.sort_by_key(|(first, _)| *first);
    let mut parts: Vec<UnderstoodPart> = parts.into_iter().map(|(_, p)| p).collect();
    if let Some(p) = place {
        parts.push(UnderstoodPart {
            key: PLACE_PART.to_string(),
            said: p.named.clone().unwrap_or_else(|| p.label.clone()),
            means: format!("near {}", p.label),
        });
    }
    parts
}

/// Words that say who a person is ("jewish", "muslim", "disabled") describe the person in
/// the account: the hate crime need they name counts only beside an event of hostility
/// read in the account or a hate crime said in other words, else it ranks services within
/// the need told, at [`IDENTITY_ONLY`] of its weight, and the word is not searched.
fn describe_not_choose(
    concepts: &mut Vec<QueryConcept>,
    reads: &[events::EventRead],
    words: &mut [QueryWord],
    thesaurus: &Thesaurus,
) {
    let lexicon = Events::bundled();
    let is_hate = |need: &str| {
        thesaurus.find_id(need).is_some_and(|c| {
            thesaurus
                .with_broader(c)
                .iter()
                .any(|(b, _)| thesaurus.concept(*b).id == "hate-crime")
        })
    };
    if reads.iter().any(|r| is_hate(&r.need)) {
        return;
    }
    let only_identity = |c: &QueryConcept| {
        !c.words.is_empty()
            && c.about.is_none()
            && c.words.iter().all(|&i| {
                lexicon
                    .identity_needs()
                    .any(|n| lexicon.is_identity(n, &words[i].text))
            })
    };
    let hate_said = concepts
        .iter()
        .any(|c| c.id == "hate-crime" && !only_identity(c));
    if hate_said {
        return;
    }
    let mut describing: Vec<usize> = Vec::new();
    for c in concepts.iter_mut().filter(|c| only_identity(c)) {
        c.weight *= IDENTITY_ONLY;
        c.describes = true;
        describing.extend(&c.words);
    }
    // Only the identity itself ranks within the need; the hate crime needs it would imply
    // are not there at all.
    concepts.retain(|c| c.direct || !c.describes);
    // Beside a need told in other words, the word itself is not searched either.
    if words
        .iter()
        .enumerate()
        .any(|(i, w)| w.carries_need && !describing.contains(&i))
    {
        for &i in &describing {
            words[i].carries_need = false;
            words[i].describes = true;
        }
    }
}

/// The needs read by meaning in `input`, with their broader needs, added to `concepts` (or
/// raising a concept said already to the weight its reading gives).
fn read_by_meaning(
    concepts: &mut Vec<QueryConcept>,
    input: &str,
    words: &[QueryWord],
    events: &[events::EventRead],
    meaning: &Meaning,
    thesaurus: &Thesaurus,
) {
    // Meaning is read from the words as corrected ("pasport" as "passport"), by the
    // directory's words or else the model's; words the model knows are read as typed.
    let corrections: Vec<(&str, String)> = words
        .iter()
        .filter(|w| !meaning.model.is_english(&w.text))
        .filter_map(|w| {
            let to = w
                .corrected
                .clone()
                .or_else(|| meaning.model.nearest_word(&w.text))?;
            Some((w.text.as_str(), to))
        })
        .collect();
    let corrected = |w: &str| {
        corrections
            .iter()
            .find(|(from, _)| *from == w)
            .map(|(_, to)| to.as_str())
    };
    for m in meaning.read(input, &corrected) {
        // A phrase an event read already says what it means: a run holding it is not read
        // again, as another need, by its nearness to a sign ("keeps following me home" is
        // the stalking read from "following me", not a child going missing). A single word
        // of an event ("punched") is not so sure of itself.
        let run = text::words(&m.said);
        let need = &thesaurus.concept(m.concept).id;
        if events
            .iter()
            .filter(|e| &e.need != need)
            .flat_map(|e| &e.words)
            .any(|phrase| phrase.contains(' ') && holds_phrase(&run, phrase))
        {
            continue;
        }
        // Beside an event read for another need, a nearness of meaning is the less sure of
        // the two readings ("cant sleep" after a car driven into people).
        let beside = if events
            .iter()
            .any(|e| &e.need != need && !e.also.contains(need))
        {
            BESIDE_AN_EVENT
        } else {
            1.0
        };
        for (c, depth) in thesaurus.with_broader(m.concept) {
            let weight = meaning_weight(m.similarity) * beside * BROADER.powi(depth as i32);
            match concepts.iter_mut().find(|q| q.concept == c) {
                Some(q) if q.weight >= weight => {}
                Some(q) => q.weight = weight,
                // Broader needs keep what was said, so a service carrying only them says
                // why it matched.
                None => concepts.push(QueryConcept {
                    id: thesaurus.concept(c).id.clone(),
                    concept: c,
                    weight,
                    words: Vec::new(),
                    about: Some(About {
                        said: m.said.clone(),
                        sign: m.sign.clone(),
                        by: ReadBy::Meaning,
                    }),
                    direct: depth == 0,
                    describes: false,
                }),
            }
        }
    }
}

/// `run` holds the words of `phrase` (normalised words, one space apart), together and in
/// order.
fn holds_phrase(run: &[String], phrase: &str) -> bool {
    let n = phrase.split(' ').count();
    run.windows(n)
        .any(|w| w.iter().map(String::as_str).eq(phrase.split(' ')))
}

/// Concept `c` expressed by the query words at `positions` (`direct`ly, or implied by a
/// narrower one): added, or merged with the same concept found already.
fn said(
    concepts: &mut Vec<QueryConcept>,
    thesaurus: &Thesaurus,
    c: ConceptId,
    weight: f32,
    positions: Vec<usize>,
    direct: bool,
) {
    match concepts.iter_mut().find(|q| q.concept == c) {
        Some(q) => {
            q.weight = q.weight.max(weight);
            q.words.extend(positions);
            q.direct |= direct;
        }
        None => concepts.push(QueryConcept {
            id: thesaurus.concept(c).id.clone(),
            concept: c,
            weight,
            words: positions,
            about: None,
            direct,
            describes: false,
        }),
    }
}

impl Understood {
    /// An account (a telling) that reads a need which is a crime to report
    /// ([`NOT_CRIMES`] lists those that are not), and none that comes after a report
    /// ([`AFTER_A_REPORT`]).
    pub(super) fn tells_of_a_crime(&self) -> bool {
        let is = |list: &[&str], c: &QueryConcept| list.contains(&c.id.as_str());
        self.telling
            && !self.nothing_matched
            && !self.reported_already
            && self.needs(true).any(|c| !is(NOT_CRIMES, c))
            && !self.needs(true).any(|c| is(AFTER_A_REPORT, c))
    }

    /// In a telling, the types of help (category ids) of everything said or read: the needs
    /// and who the person is ("gay" → LGBT+, "my son" → children and families), each with
    /// its broader concepts. Empty (no service is told apart by its main type) for a short
    /// query, when a need read belongs to no type of help (anti-social behaviour, adult
    /// safeguarding …: the services made for it have other main types), or when a need no
    /// service carries brought in the general routes.
    pub(super) fn main_needs(&self, thesaurus: &Thesaurus) -> Vec<&'static str> {
        let category = |c: ConceptId| {
            let id = thesaurus.concept(c).id.as_str();
            crate::model::CATEGORIES.iter().copied().find(|k| *k == id)
        };
        let categories_of = |c: &QueryConcept| -> Vec<&'static str> {
            thesaurus
                .with_broader(c.concept)
                .into_iter()
                .filter_map(|(b, _)| category(b))
                .collect()
        };
        if !self.telling
            || !self.unserved.is_empty()
            || self.needs(true).any(|c| categories_of(c).is_empty())
        {
            return Vec::new();
        }
        let mut out: Vec<&'static str> = Vec::new();
        for c in self.concepts.iter().filter(|c| c.direct) {
            for cat in categories_of(c) {
                if !out.contains(&cat) {
                    out.push(cat);
                }
            }
        }
        out
    }

    /// The query tells of danger now ("“knife … right now”", its part first in
    /// [`Understood::parts`]): the emergency line is listed first (see
    /// `ranking::keep_the_emergency_line_first`).
    pub fn danger_now(&self) -> bool {
        self.parts.iter().any(|p| p.key == DANGER_PART)
    }

    /// The needs in the query (not who the person is, not the kind of service): said or
    /// read only when `direct`, else with the broader ones they imply.
    pub(super) fn needs(&self, direct: bool) -> impl Iterator<Item = &QueryConcept> {
        self.concepts.iter().filter(move |c| {
            (c.direct || !direct)
                && !c.describes
                && !is_not_a_need(&c.id)
                && !GROUPS.contains(&c.id.as_str())
        })
    }
}

/// The needs asked about (said, not implied; not who the person is) that no service in
/// the directory carries, by their names for people. When there are any, the general
/// routes join the query at full weight, so they lead instead of a stretched match.
fn unserved(
    concepts: &mut Vec<QueryConcept>,
    searcher: &Searcher,
    gen: &Generation,
    thesaurus: &Thesaurus,
) -> Result<Vec<String>> {
    let mut unserved = Vec::new();
    let mut stretched: Vec<ConceptId> = Vec::new();
    for c in concepts
        .iter()
        .filter(|c| c.direct && !is_not_a_need(&c.id))
    {
        let term = Term::from_field_text(gen.fields.concepts, &c.id);
        if searcher.doc_freq(&term)? == 0 {
            unserved.push(thesaurus.concept(c.concept).label.clone());
            stretched.extend(
                thesaurus
                    .with_broader(c.concept)
                    .into_iter()
                    .map(|(b, _)| b),
            );
        }
    }
    if !unserved.is_empty() {
        // Broader needs implied only by an unserved one would stretch it ("revenge porn"
        // is not what a rape crisis line is for): they go, unless said themselves.
        concepts.retain(|c| c.direct || !stretched.contains(&c.concept));
        join_general_routes(concepts, thesaurus);
    }
    Ok(unserved)
}

/// The general routes for any victim of crime join the query at full weight.
pub(super) fn join_general_routes(concepts: &mut Vec<QueryConcept>, thesaurus: &Thesaurus) {
    for id in GENERAL_ROUTES {
        let Some(c) = thesaurus.find_id(id) else {
            continue;
        };
        match concepts.iter_mut().find(|q| q.concept == c) {
            Some(q) => q.weight = q.weight.max(1.0),
            None => concepts.push(QueryConcept {
                id: id.to_string(),
                concept: c,
                weight: 1.0,
                words: Vec::new(),
                about: None,
                direct: false,
                describes: false,
            }),
        }
    }
}

/// A number the thesaurus does not know (an age, a time, a count: "17", "6"): it says
/// nothing of the need. "999", "101" and "55" are thesaurus terms.
fn is_bare_number(word: &str, thesaurus: &Thesaurus) -> bool {
    word.chars().all(|c| c.is_ascii_digit()) && !thesaurus.knows(word)
}

/// The tantivy query for what was understood; everything when nothing was typed.
///
/// The query is one flat union of boosted term queries (each word in each field, its
/// stem, prefix completions, typo variants, and concepts), scores summed: tantivy can then
/// prune it with block-max WAND instead of scoring every matching service.
pub(super) fn build(u: &Understood, gen: &Generation) -> Box<dyn Query> {
    let f = &gen.fields;
    let share = word_share(u.words.iter().filter(|w| w.carries_need).count());
    // Words that express no concept, when a need was read by meaning: they tell the
    // situation around it ("reads my texts", "see my mates"), not the help needed.
    let read_by_meaning = u.needs(true).any(|c| c.about.is_some());
    let in_concept = |i: usize| u.concepts.iter().any(|c| c.words.contains(&i));
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut term = |field: Field, text: &str, boost: f32| {
        let q = TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        );
        clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost))));
    };
    for (i, w) in u.words.iter().enumerate().filter(|(_, w)| !w.describes) {
        let need = match (w.carries_need, w.text.chars().all(|c| c.is_ascii_digit())) {
            (true, _) => 1.0,
            (false, false) => NO_NEED,
            (false, true) => NO_NEED_NUMBER,
        };
        if need == 0.0 {
            continue;
        }
        let context = if read_by_meaning && !in_concept(i) {
            CONTEXT
        } else {
            1.0
        };
        let k = if w.in_phrase { IN_PHRASE } else { 1.0 } * need * share * context;
        term(f.name, &w.text, W_NAME * k);
        term(f.body, &w.text, W_BODY * k);
        term(f.stems, &w.stem, W_STEM * k);
        // A word the directory knows is spelt right (exact outranks fuzzy: its typo
        // variants are not searched) and probably finished: its completions count for
        // less, and fewer are tried.
        let (prefix, most) = if w.known {
            (PREFIX_KNOWN, 3)
        } else {
            (PREFIX, MAX_PREFIXES)
        };
        for p in w.prefixes.iter().take(most) {
            term(f.body, p, W_BODY * prefix * k);
        }
        if !w.known {
            for t in &w.typos {
                term(f.name, t, W_NAME * TYPO * k);
                term(f.body, t, W_BODY * TYPO * k);
            }
        }
    }
    for c in &u.concepts {
        term(f.concepts, &c.id, W_CONCEPT * c.weight);
    }
    // A service for the need (by its name or type of help) above one that mentions it.
    for c in u.needs(false) {
        term(f.purpose, &c.id, W_PURPOSE * c.weight);
    }
    if clauses.is_empty() {
        Box::new(tantivy::query::AllQuery)
    } else {
        Box::new(BooleanQuery::new(clauses))
    }
}

/// The query for the local pass: the services working in `boroughs` (GSS codes) that
/// match `text` (built by `build`), scored by the text alone.
pub(super) fn local(
    u: &Understood,
    gen: &Generation,
    boroughs: &[String],
    text: &dyn Query,
) -> Box<dyn Query> {
    let area: Vec<(Occur, Box<dyn Query>)> = boroughs
        .iter()
        .map(|g| {
            let t = Term::from_field_text(gen.fields.area, &g.to_lowercase());
            (
                Occur::Should,
                Box::new(TermQuery::new(t, IndexRecordOption::Basic)) as Box<dyn Query>,
            )
        })
        .collect();
    let area = Box::new(BooleanQuery::new(area));
    if u.words.is_empty() && u.concepts.is_empty() {
        // Nothing typed: every local service scores alike, as in the main pass (tantivy
        // drops an everything-query inside a conjunction, so it cannot carry the score).
        Box::new(ConstScoreQuery::new(area, 1.0))
    } else {
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, text.box_clone()),
            (Occur::Must, Box::new(BoostQuery::new(area, 0.0))),
        ]))
    }
}

/// Pull a postcode, district, borough or place name out of the words. Returns the place
/// (all places found, merged) and the remaining words.
fn extract_place(
    reading: &PlaceReading,
    geo: &Geography,
    known: &dyn Fn(&str) -> bool,
) -> (Option<Place>, Vec<String>) {
    let words = reading.words;
    let mut places: Vec<Place> = Vec::new();
    let mut rest = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let found = postcode_at(words, i, geo)
            .or_else(|| named_at(reading, i, geo))
            .or_else(|| misspelt_place(reading, i, geo, known).map(|p| (p, 1)));
        match found {
            Some((place, len)) => {
                places.push(place);
                i += len;
            }
            None => {
                rest.push(words[i].clone());
                i += 1;
            }
        }
    }
    let place = places.into_iter().reduce(|mut a, b| {
        a.label = format!("{}, {}", a.label, b.label);
        a.boroughs.extend(b.boroughs);
        a.centroid = a.centroid.or(b.centroid);
        a.named = a.named.or(b.named);
        a.ambiguous |= b.ambiguous;
        a
    });
    (place, rest)
}

/// Words before a place name that say it is one ("in Bow", "near the Angel").
const BEFORE_A_PLACE: &[&str] = &["in", "near", "at", "around", "from", "nr"];

/// Words before a name that make it a person's ("my daughter Chelsea", "my ex Shirley").
const BEFORE_A_NAME: &[&str] = &[
    "daughter",
    "son",
    "sister",
    "brother",
    "mum",
    "mom",
    "dad",
    "ex",
    "husband",
    "wife",
    "boyfriend",
    "girlfriend",
    "partner",
    "friend",
    "niece",
    "nephew",
    "cousin",
    "aunt",
    "uncle",
    "named",
    "called",
    "miss",
    "mrs",
    "mr",
    "ms",
];

/// Words after a place name that make it part of the name of something else: an event
/// ("Westminster Bridge attack"), a landmark, a road ("Tottenham Court Road"), a club or a
/// charity. The place is then not where the person is, and is no filter.
const NAMES_SOMETHING_ELSE: &[&str] = &[
    "bridge", "attack", "attacks", "attacker", "bombing", "bombings", "bomb", "bomber", "bombers",
    "arena", "riot", "riots", "fire", "inquest", "inquiry", "court", "hotspur", "fc", "fans",
    "united", "trust",
];

/// What follows the name of a place outside London that shares a London name ("Sutton
/// Coldfield", "Southend on Sea", "Stratford upon Avon").
const OUTSIDE_LONDON: &[&str] = &["coldfield", "on sea", "upon avon", "on avon", "upon hull"];

/// A borough or a place people name starting at word `i` ("tower hamlets", "peckham",
/// "bromley by bow"), the longest name first, and how many words it takes. A borough wins a
/// tie ("bromley" is the borough, "bromley by bow" the place). A name that is also an
/// everyday word counts only where it reads as a place; one after a word that makes it a
/// person's name, or followed by what makes it something else's name, not at all.
fn named_at(reading: &PlaceReading, i: usize, geo: &Geography) -> Option<(Place, usize)> {
    let words = reading.words;
    let borough = borough_named_at(words, i, geo);
    let place = (1..=geo.longest_place_name())
        .rev()
        .filter(|len| i + len <= words.len())
        .find_map(|len| geo.place_named(&words[i..i + len]).map(|p| (p, len)));
    let everyday_unplaced = |p: &crate::geo::NamedPlace, len: usize| {
        p.everyday_word() && !reading.reads_as_place(i, len)
    };
    let (found, len) = match (borough, place) {
        (Some((b, bl)), Some((p, pl))) if bl >= pl => {
            // "barking" is the borough's name and an everyday word: the same rule holds.
            if bl == pl && everyday_unplaced(&p, pl) {
                return None;
            }
            (b, bl)
        }
        (_, Some((p, pl))) => {
            if everyday_unplaced(&p, pl) {
                return None;
            }
            (p.place(geo), pl)
        }
        (Some((b, bl)), None) => (b, bl),
        (None, None) => return None,
    };
    names_this_place(words, i, len).then_some((found, len))
}

/// The name at words `i..i + len` names the place itself: not a person ("my daughter
/// Chelsea"), a landmark or event ("Westminster Bridge"), or a town outside London
/// ("Sutton Coldfield").
fn names_this_place(words: &[String], i: usize, len: usize) -> bool {
    let before = i.checked_sub(1).map(|b| words[b].as_str());
    if before.is_some_and(|b| BEFORE_A_NAME.contains(&b)) {
        return false;
    }
    let after =
        |n: usize| (i + len + n <= words.len()).then(|| words[i + len..i + len + n].join(" "));
    let next = after(1);
    if next
        .as_deref()
        .is_some_and(|n| NAMES_SOMETHING_ELSE.contains(&n))
    {
        return false;
    }
    ![after(1), after(2)]
        .iter()
        .flatten()
        .any(|n| OUTSIDE_LONDON.contains(&n.as_str()))
}

/// The query's words as a place is looked for in them.
struct PlaceReading<'a> {
    words: &'a [String],
    /// Positions of the words that begin a clause (after ".", ",", ";" …).
    clause_starts: Vec<usize>,
    /// A word that says a need ("dv", "asb", "stabbed").
    need_word: &'a dyn Fn(&str) -> bool,
}

impl PlaceReading<'_> {
    /// A name that is also an everyday word ("angel", "bow", "lee") at words `i..i + len`
    /// reads as the place after a word that says so ("in bow", "near the angel"), alone, as
    /// a clause of its own ("… in our block. barking"), or as the last word of a short query
    /// beside a need ("dv angel", not "an angel" or "my dog keeps barking"); never inside
    /// a sentence about something else.
    fn reads_as_place(&self, i: usize, len: usize) -> bool {
        let words = self.words;
        let said_as_place = |b: usize| BEFORE_A_PLACE.contains(&words[b].as_str());
        let after_place_word = (i >= 1 && said_as_place(i - 1))
            || (i >= 2 && words[i - 1] == "the" && said_as_place(i - 2));
        let whole = i == 0 && len == words.len();
        let end = i + len;
        let own_clause = i > 0
            && self.clause_starts.contains(&i)
            && (end == words.len() || self.clause_starts.contains(&end));
        let last_of_short = end == words.len()
            && words.len() <= 4
            && words[..i].iter().any(|w| (self.need_word)(w));
        after_place_word || whole || own_clause || last_of_short
    }
}

/// Positions of the words of `input` that begin a clause: after a full stop, comma,
/// semicolon, colon, question or exclamation mark, or a new line.
fn clause_starts(input: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut count = 0;
    for clause in input.split(['.', ',', ';', ':', '!', '?', '\n']) {
        let n = text::words(clause).len();
        if n > 0 {
            starts.push(count);
        }
        count += n;
    }
    starts
}

/// A postcode or district at word `i` ("e8", "e8 1aa", "e81aa"), and how many words it
/// takes.
fn postcode_at(words: &[String], i: usize, geo: &Geography) -> Option<(Place, usize)> {
    let upper = words[i].to_uppercase();
    let (outward, inward) = split_postcode(&upper)?;
    geo.district(outward)?;
    let next_is_inward = inward.is_none()
        && words.get(i + 1).is_some_and(|n| {
            let b = n.as_bytes();
            b.len() == 3
                && b[0].is_ascii_digit()
                && b[1].is_ascii_alphabetic()
                && b[2].is_ascii_alphabetic()
        });
    let text = if next_is_inward {
        format!("{upper}{}", words[i + 1])
    } else {
        upper.clone()
    };
    let place = geo.parse_postcode(&text).ok()?;
    Some((place, if next_is_inward { 2 } else { 1 }))
}

/// A borough's name or alias starting at word `i`, longest first ("tower hamlets",
/// "barking and dagenham"), and how many words it takes.
fn borough_named_at(words: &[String], i: usize, geo: &Geography) -> Option<(Place, usize)> {
    (1..=4)
        .rev()
        .filter(|len| i + len <= words.len())
        .find_map(|len| {
            let phrase = words[i..i + len].join(" ");
            geo.find_borough(&phrase)
                .filter(|_| !phrase.starts_with("e09"))
                .map(|b| (geo.borough_place(b), len))
        })
}

/// A misspelt one-word borough or place ("greenwhich", "peckam", "walthamstowe"), when the
/// word is not one the directory knows. Typos rarely hit the first letter, and requiring it
/// avoids reading "healing" as Ealing. A place that is also an everyday word is never
/// guessed, and a tie between two names is no guess at all.
fn misspelt_place(
    reading: &PlaceReading,
    i: usize,
    geo: &Geography,
    known: &dyn Fn(&str) -> bool,
) -> Option<Place> {
    let words = reading.words;
    let w = words[i].as_str();
    if w.chars().count() < 5 || known(w) {
        return None;
    }
    if !names_this_place(words, i, 1) {
        return None;
    }
    let budget = typo_budget(w) as usize;
    let first = w.chars().next();
    let near = |name: &str| {
        (!name.contains(' ') && name.chars().next() == first)
            .then(|| edit_distance(w, name))
            .filter(|d| *d <= budget)
    };
    let mut found: Vec<(usize, Place)> = geo
        .borough_names()
        .filter_map(|(name, gss)| Some((near(name)?, geo.borough_place(geo.borough(gss)?))))
        .collect();
    // A neighbourhood is guessed only one edit away, and only where the query reads as
    // naming a place ("in peckam", "dv peckam"): there are hundreds, and ordinary words
    // and names lie near them ("dalton", "brighton").
    if reading.reads_as_place(i, 1) {
        found.extend(
            geo.one_word_places()
                .filter(|(_, p)| !p.everyday_word())
                .filter_map(|(name, p)| Some((near(&name).filter(|d| *d <= 1)?, p.place(geo)))),
        );
    }
    found.sort_by_key(|(d, _)| *d);
    found.dedup_by(|a, b| a.0 == b.0 && a.1.boroughs == b.1.boroughs);
    match found.as_slice() {
        [] => None,
        [(_, p)] => Some(p.clone()),
        [(d0, p), (d1, _), ..] if d0 < d1 => Some(p.clone()),
        _ => None,
    }
}

/// Directory words within the word's typo budget, nearest and most common first.
fn typo_terms(vocabulary: &Vocabulary, word: &str) -> Result<Vec<String>> {
    let mut found: Vec<(usize, Reverse<u32>, String)> = vocabulary
        .near(word, typo_budget(word))?
        .into_iter()
        .map(|(t, df)| (edit_distance(word, &t), Reverse(df), t))
        .collect();
    found.sort();
    Ok(found
        .into_iter()
        .take(MAX_TYPOS)
        .map(|(_, _, t)| t)
        .collect())
}

/// Directory words that complete `prefix`, most common first. The shorter the prefix, the
/// fewer: "re" says little about which of its many completions is meant.
fn prefix_terms(
    vocabulary: &Vocabulary,
    prefix: &str,
    thesaurus: &Thesaurus,
) -> Result<Vec<String>> {
    let most = match prefix.chars().count() {
        0..=2 => 3,
        3 => 5,
        _ => MAX_PREFIXES,
    };
    let mut found: Vec<(Reverse<u32>, String)> = vocabulary
        .completions(prefix, thesaurus)?
        .into_iter()
        .map(|(t, df)| (Reverse(df), t))
        .collect();
    found.sort();
    Ok(found.into_iter().take(most).map(|(_, t)| t).collect())
}

/// The likeliest intended word for an unknown one: the nearest thesaurus word, else the
/// nearest directory word.
fn correct(word: &str, typos: &[String], thesaurus: &Thesaurus) -> Option<String> {
    let budget = typo_budget(word) as usize;
    if budget == 0 {
        return None;
    }
    // Typos rarely change the first letter or the length by more than the budget: check
    // only those words.
    let first = word.chars().next();
    let len = word.chars().count();
    let from_thesaurus = thesaurus
        .vocabulary()
        .filter(|v| v.chars().next() == first && v.chars().count().abs_diff(len) <= budget)
        .map(|v| (edit_distance(word, v), v))
        .filter(|(d, _)| *d <= budget)
        .min()
        .map(|(_, v)| v.to_string());
    from_thesaurus.or_else(|| typos.first().cloned())
}
