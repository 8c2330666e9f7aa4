//! Search quality against judged queries (`shared/relevance/README.md`): success@3, MRR,
//! nDCG@5 and the zero-result rate, each query weighted equally; and how steady the results
//! stay while a query is typed word by word ([`typing`]).

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Deserialize;

use crate::directory::Directory;
use crate::error::{Error, Result};
use crate::search::SearchRequest;

/// One judged query.
#[derive(Debug, Clone, Deserialize)]
pub struct Judged {
    /// The query as typed.
    pub query: String,
    #[serde(default)]
    /// The borough picked, if any.
    pub borough: Option<String>,
    #[serde(default)]
    /// The postcode given, if any.
    pub postcode: Option<String>,
    /// Service id → grade (3 the one to refer to, 2 good, 1 acceptable).
    pub relevant: HashMap<String, u32>,
}

/// How one query did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The judged query.
    pub judged: Judged,
    /// Ids returned, best first (top 10).
    pub ranked: Vec<String>,
    /// Rank (from 1) of the first grade ≥ 2 service in the top 10.
    pub first_good: Option<usize>,
    /// nDCG@5 of this query's results.
    pub ndcg5: f64,
}

/// The summary figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// Share of queries with a relevant service in the first 3.
    pub success_at_3: f64,
    /// Mean reciprocal rank of the first relevant service.
    pub mrr: f64,
    /// Mean nDCG@5.
    pub ndcg_at_5: f64,
    /// Share of queries that returned nothing.
    pub zero: f64,
    /// How many queries were scored.
    pub n: usize,
}

impl std::fmt::Display for Scores {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "success@3={:.3} mrr={:.3} ndcg@5={:.3} zero={:.3} n={}",
            self.success_at_3, self.mrr, self.ndcg_at_5, self.zero, self.n
        )
    }
}

/// Read a JSON-lines file of judged queries.
pub fn read_judged(text: &str) -> Result<Vec<Judged>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| Error::JudgedQuery {
                line: i + 1,
                why: e.to_string(),
            })
        })
        .collect()
}

/// Run every judged query through search at instant `at` and score the results.
pub fn evaluate(
    dir: &Directory,
    judged: &[Judged],
    at: Timestamp,
) -> Result<(Vec<Outcome>, Scores)> {
    score(judged, |j| {
        let req = SearchRequest {
            text: j.query.clone(),
            borough: j.borough.clone(),
            postcode: j.postcode.clone(),
            at: Some(at),
            limit: 10,
            ..Default::default()
        };
        Ok(dir.search(&req)?.hits.into_iter().map(|h| h.id).collect())
    })
}

/// How the results move while queries are typed word by word.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Typing {
    /// Mean number of times the first result changes per query, from its third word on
    /// (the first two words are expected to move it).
    pub top_changes: f64,
    /// Share of queries where a good service (grade ≥ 2) in the first three for some
    /// beginning of the query (three words or more) is not in the first three at the end.
    pub lost: f64,
    /// How many queries were typed.
    pub n: usize,
}

impl std::fmt::Display for Typing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "typing: top-result changes per query={:.2} right answer lost={:.3} n={}",
            self.top_changes, self.lost, self.n
        )
    }
}

/// Type each judged query a word at a time, searching after each word, and measure how
/// often the first result changes and how often a right answer found by the first words is
/// lost by the last.
pub fn typing(dir: &Directory, judged: &[Judged], at: Timestamp) -> Result<Typing> {
    let mut changes = 0usize;
    let mut lost = 0usize;
    for j in judged {
        let words: Vec<&str> = j.query.split_whitespace().collect();
        let mut top3s: Vec<Vec<String>> = Vec::new();
        for end in 1..=words.len() {
            let req = SearchRequest {
                text: words[..end].join(" "),
                borough: j.borough.clone(),
                postcode: j.postcode.clone(),
                at: Some(at),
                limit: 3,
                ..Default::default()
            };
            top3s.push(dir.search(&req)?.hits.into_iter().map(|h| h.id).collect());
        }
        let from = 2.min(top3s.len());
        changes += top3s[from..]
            .windows(2)
            .filter(|w| w[0].first() != w[1].first())
            .count();
        let good = |id: &String| j.relevant.get(id).copied().unwrap_or(0) >= 2;
        let last = top3s.last().cloned().unwrap_or_default();
        let found_early = top3s[from..]
            .iter()
            .flatten()
            .any(|id| good(id) && !last.contains(id));
        let good_at_end = last.iter().any(good);
        if found_early && !good_at_end {
            lost += 1;
        }
    }
    let n = judged.len();
    let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    Ok(Typing {
        top_changes: share(changes),
        lost: share(lost),
        n,
    })
}

/// Score any ranking of service ids, best first (only the first 10 count), against the
/// judgements: to compare search with one of its parts alone.
pub fn score(
    judged: &[Judged],
    mut rank: impl FnMut(&Judged) -> Result<Vec<String>>,
) -> Result<(Vec<Outcome>, Scores)> {
    let mut outcomes = Vec::new();
    for j in judged {
        let mut ranked = rank(j)?;
        ranked.truncate(10);
        let grade = |id: &String| j.relevant.get(id).copied().unwrap_or(0);
        let first_good = ranked.iter().position(|id| grade(id) >= 2).map(|p| p + 1);
        let gain = |g: u32| f64::from((1u32 << g) - 1);
        let dcg: f64 = ranked
            .iter()
            .take(5)
            .enumerate()
            .map(|(i, id)| gain(grade(id)) / ((i + 2) as f64).log2())
            .sum();
        let mut ideal: Vec<u32> = j.relevant.values().copied().collect();
        ideal.sort_by(|a, b| b.cmp(a));
        let idcg: f64 = ideal
            .iter()
            .take(5)
            .enumerate()
            .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
            .sum();
        let ndcg5 = if idcg > 0.0 { dcg / idcg } else { 0.0 };
        outcomes.push(Outcome {
            judged: j.clone(),
            ranked,
            first_good,
            ndcg5,
        });
    }
    let n = outcomes.len();
    let mean = |f: &dyn Fn(&Outcome) -> f64| {
        if n == 0 {
            0.0
        } else {
            outcomes.iter().map(f).sum::<f64>() / n as f64
        }
    };
    let scores = Scores {
        success_at_3: mean(&|o| f64::from(u8::from(o.first_good.is_some_and(|r| r <= 3)))),
        mrr: mean(&|o| o.first_good.map_or(0.0, |r| 1.0 / r as f64)),
        ndcg_at_5: mean(&|o| o.ndcg5),
        zero: mean(&|o| f64::from(u8::from(o.ranked.is_empty()))),
        n,
    };
    Ok((outcomes, scores))
}
