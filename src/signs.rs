//! Signs of each need (index-data/signs.json): what people say happened ("he checks my
//! phone", "they keep her passport"), read by meaning so that a situation told in other
//! words still finds its need.
//!
//! The thesaurus matches words and phrases exactly; people describe the same behaviour in
//! thousands of ways. Each sign is embedded once by the meaning model; a query is cut into
//! short runs of words (within a clause, so one sentence's subject never meets another's
//! verb), each run is embedded, and a run close enough to a sign is read as that sign's
//! need. The model compares meanings, so "goes thru my phone every night" meets "my partner
//! checks my phone" although they share one word.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::meaning::{similarity, Model};
use crate::text;
use crate::thesaurus::{ConceptId, Thesaurus};

/// How many content words a run of the query holds: about a sign's length, so a run says
/// one thing (a whole sentence's mean drifts towards ordinary words).
const RUN: usize = 4;

/// The shortest run tried: two words ("took passport") can say a sign outright where four
/// would mix it with the words around it ("nail bar took passport").
const SHORTEST_RUN: usize = 2;

/// How much closer than [`SIGN_FLOOR`] a run must come to a sign for each word it is
/// shorter than [`RUN`]: two ordinary words ("mum house") otherwise meet a sign by chance.
const SHORT_RUN_PENALTY: f32 = 0.025;

/// A run this close to a sign (cosine similarity of the two embeddings) reads as its need.
/// Below it, runs of ordinary words meet unrelated signs about as closely as related ones:
/// measured on the judged situations, unrelated pairs reach 0.70–0.74.
pub const SIGN_FLOOR: f32 = 0.75;

#[derive(Deserialize)]
struct SignsFile {
    ignore: Vec<String>,
    needs: HashMap<String, Vec<String>>,
}

/// One sign, embedded.
struct Sign {
    concept: ConceptId,
    text: String,
    vector: Vec<f32>,
}

/// The signs of every need, embedded by one model.
pub struct Signs {
    signs: Vec<Sign>,
    /// Words that say nothing of what happened ("my", "the", "and"): left out of runs
    /// and signs alike, so two texts meet on what they are about.
    ignore: HashSet<String>,
}

/// A need read in the query by meaning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignMatch {
    pub concept: ConceptId,
    /// The words of the query that told it.
    pub said: String,
    /// The sign they meant the same as.
    pub sign: String,
    pub similarity: f32,
}

impl Signs {
    /// The signs bundled with the program, embedded by `model`.
    pub fn bundled(model: &Model, thesaurus: &Thesaurus) -> Result<Signs, String> {
        Signs::from_json(crate::bundled::SIGNS, model, thesaurus)
    }

    /// Signs from a signs file; every need must be a thesaurus concept.
    pub fn from_json(json: &str, model: &Model, thesaurus: &Thesaurus) -> Result<Signs, String> {
        let file: SignsFile = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let ignore: HashSet<String> = file.ignore.iter().map(|w| text::normalize(w)).collect();
        let mut needs: Vec<(&String, &Vec<String>)> = file.needs.iter().collect();
        needs.sort();
        let mut signs = Vec::new();
        for (id, texts) in needs {
            let concept = thesaurus
                .find_id(id)
                .ok_or_else(|| format!("signs name {id}, which is not a thesaurus concept"))?;
            for t in texts {
                let all = text::words(t);
                let words = content(&ignore, &all);
                let vector = model
                    .embed(&words.join(" "))
                    .ok_or_else(|| format!("the sign \"{t}\" has no words the model knows"))?;
                signs.push(Sign {
                    concept,
                    text: t.clone(),
                    vector,
                });
            }
        }
        Ok(Signs { signs, ignore })
    }

    /// How many signs there are.
    pub fn len(&self) -> usize {
        self.signs.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.signs.is_empty()
    }

    /// The needs `input` tells of, each with the run that told it best and at least
    /// [`SIGN_FLOOR`] close to one of its signs; strongest first. A word `correct` maps is
    /// read as its correction (a typo: "pasport").
    pub fn read<'c>(
        &self,
        model: &Model,
        input: &str,
        correct: &dyn Fn(&str) -> Option<&'c str>,
    ) -> Vec<SignMatch> {
        let mut best: Vec<SignMatch> = Vec::new();
        for clause in clauses(input) {
            let typed = text::words(clause);
            let read: Vec<&str> = typed
                .iter()
                .map(|w| correct(w).unwrap_or(w.as_str()))
                .collect();
            // Positions of the words that say something.
            let kept: Vec<usize> = (0..read.len())
                .filter(|&i| !self.ignore.contains(read[i]))
                .collect();
            let lengths = if kept.len() <= SHORTEST_RUN {
                kept.len()..=kept.len()
            } else {
                SHORTEST_RUN..=RUN.min(kept.len())
            };
            for len in lengths.filter(|&len| len > 0) {
                // The fewer words, the less evidence: a short run must come closer.
                let floor = SIGN_FLOOR + SHORT_RUN_PENALTY * RUN.saturating_sub(len) as f32;
                for run in kept.windows(len) {
                    let words: Vec<&str> = run.iter().map(|&i| read[i]).collect();
                    let Some(v) = model.embed(&words.join(" ")) else {
                        continue;
                    };
                    // Said as typed, from the run's first word to its last.
                    let said = || typed[run[0]..=run[len - 1]].join(" ");
                    for sign in &self.signs {
                        let s = similarity(&v, &sign.vector);
                        if s < floor {
                            continue;
                        }
                        match best.iter_mut().find(|m| m.concept == sign.concept) {
                            Some(m) if m.similarity >= s => {}
                            Some(m) => {
                                m.said = said();
                                m.sign = sign.text.clone();
                                m.similarity = s;
                            }
                            None => best.push(SignMatch {
                                concept: sign.concept,
                                said: said(),
                                sign: sign.text.clone(),
                                similarity: s,
                            }),
                        }
                    }
                }
            }
        }
        best.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
        best
    }
}

/// The words of `words` that are not ignored.
fn content<'w>(ignore: &HashSet<String>, words: &'w [String]) -> Vec<&'w str> {
    words
        .iter()
        .filter(|w| !ignore.contains(w.as_str()))
        .map(String::as_str)
        .collect()
}

/// The clauses of a text: split at sentence and clause punctuation.
fn clauses(input: &str) -> impl Iterator<Item = &str> {
    input
        .split(['.', ',', ';', ':', '!', '?', '\n', '(', ')'])
        .filter(|c| !c.trim().is_empty())
}
