//! Search benchmark: `cargo run --release --example bench -- --services N --queries Q`
//!
//! Generates N synthetic services from the bundled directory's vocabulary (real-length
//! names and descriptions, categories, boroughs, hours), builds an index generation with
//! the engine, then runs Q as-you-type queries (1–4 words, last word a prefix, about 30%
//! with a typo, some with filters) through the engine's full search path, and the same
//! data and queries through SQLite FTS5 (bm25, prefix queries) in the same process.
//! The last line is the summary:
//! `services=N build_s=… p50_ms=… p99_ms=… fts5_p50_ms=… fts5_p99_ms=…`

use std::time::{Duration, Instant};

use clap::Parser;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use signpost::geo::Geography;
use signpost::model::CATEGORIES;
use signpost::thesaurus::Thesaurus;
use signpost::{feed, index, text, Directory, SearchRequest};

mod synthetic;
use synthetic::{synthetic_feed, vocabulary, Vocabulary};

#[derive(Parser)]
struct Args {
    /// Number of synthetic services.
    #[arg(long, default_value_t = 10_000)]
    services: usize,
    /// Number of as-you-type queries.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// Skip the SQLite FTS5 comparison (for profiling the engine alone; FTS5 figures print as 0).
    #[arg(long)]
    no_fts5: bool,
    /// Also print the N slowest engine queries.
    #[arg(long, default_value_t = 0)]
    slowest: usize,
    /// Random seed (the same seed gives the same data and queries).
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Search by words only: do not load the meaning model (to compare).
    #[arg(long)]
    keywords_only: bool,
}

/// Situations typed in people's words (none of them a judged query), searched at every
/// keystroke: the semantic pass reads every run of words in them, so they are its worst case.
const TELLINGS: &[&str] = &[
    "my partner takes my phone every night and reads my messages, he gets angry when i go out",
    "a man keeps waiting outside my work and follows me to the station, he sends me messages from new numbers",
    "someone rang my dad saying they were from the bank and he moved his savings to a safe account",
    "the boss keeps their passports and they sleep at the car wash, never paid",
    "my son is 14 and keeps coming home with new trainers and cash, older boys pick him up",
    "neighbours shout abuse about our religion at my kids and threw eggs at our windows",
    "she says her uncle touched her when she was little and she has never told anyone",
    "flat upstairs plays music all night and he threatened me when i complained, council does nothing",
];

struct Query {
    text: String,
    category: Option<String>,
    borough: Option<String>,
    open_now: bool,
}

/// What a person types: 1–4 words from a service, the last cut short, maybe a typo.
fn queries(n: usize, rng: &mut StdRng, v: &Vocabulary) -> Vec<Query> {
    let geo = Geography::bundled();
    let topic_words: Vec<String> = v.topics.iter().flat_map(|t| text::words(t)).collect();
    (0..n)
        .map(|_| {
            let len = rng.random_range(1..=4);
            let mut words: Vec<String> = (0..len)
                .map(|i| {
                    if i == 0 {
                        topic_words.choose(rng).unwrap().clone()
                    } else {
                        v.words.choose(rng).unwrap().clone()
                    }
                })
                .collect();
            if rng.random_bool(0.3) {
                let i = rng.random_range(0..words.len());
                words[i] = typo(&words[i], rng);
            }
            let last = words.last_mut().unwrap();
            let cut = rng.random_range(2.min(last.len())..=last.len());
            last.truncate(last.char_indices().nth(cut).map_or(last.len(), |(b, _)| b));
            let filter = rng.random_range(0..10);
            Query {
                text: words.join(" "),
                category: (filter == 0).then(|| CATEGORIES.choose(rng).unwrap().to_string()),
                borough: (filter == 1).then(|| geo.boroughs().choose(rng).unwrap().name.clone()),
                open_now: filter == 2,
            }
        })
        .collect()
}

fn typo(w: &str, rng: &mut StdRng) -> String {
    let mut c: Vec<char> = w.chars().collect();
    if c.len() < 4 {
        return w.to_string();
    }
    let i = rng.random_range(1..c.len() - 1);
    match rng.random_range(0..3) {
        0 => c.swap(i, i + 1),
        1 => {
            c.remove(i);
        }
        _ => c[i] = (b'a' + rng.random_range(0..26u8)) as char,
    }
    c.into_iter().collect()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn fts5(feed: &Value, queries: &[Query]) -> Vec<Duration> {
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch(
        "CREATE VIRTUAL TABLE s USING fts5(name, keywords, eligibility, description, categories UNINDEXED, \
         area UNINDEXED, open247 UNINDEXED, tokenize = 'unicode61 remove_diacritics 2');",
    )
    .unwrap();
    {
        let tx = db.unchecked_transaction().unwrap();
        let mut ins = tx
            .prepare("INSERT INTO s VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .unwrap();
        for s in feed["services"].as_array().unwrap() {
            let cats: Vec<&str> = s["attributes"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["taxonomy_term"]["taxonomy"] == "signpost:category")
                .filter_map(|a| a["taxonomy_term"]["code"].as_str())
                .collect();
            let open247 = s["schedules"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["closes_at"] == "23:59");
            ins.execute(rusqlite::params![
                s["name"].as_str(),
                format!(
                    "{} {}",
                    s["organization"]["name"].as_str().unwrap(),
                    cats.join(" ").replace('-', " ")
                ),
                s["eligibility_description"].as_str(),
                s["description"].as_str(),
                cats.join(" "),
                s["service_areas"][0]["name"].as_str(),
                open247,
            ])
            .unwrap();
        }
        drop(ins);
        tx.commit().unwrap();
    }
    let mut stmt = db
        .prepare(
            "SELECT rowid FROM s WHERE s MATCH ?1 AND (?2 IS NULL OR instr(categories, ?2) > 0) \
             AND (?3 IS NULL OR area IN (?3, 'London-wide', 'National')) AND (?4 = 0 OR open247 = 1) \
             ORDER BY bm25(s, 3.0, 2.0, 1.5, 1.0) LIMIT 10",
        )
        .unwrap();
    let mut times = Vec::new();
    for q in queries {
        let words = text::words(&q.text);
        if words.is_empty() {
            continue;
        }
        let last = words.len() - 1;
        let expr: Vec<String> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last && w.len() >= 2 {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect();
        let expr = expr.join(" OR ");
        let t = Instant::now();
        let rows: Vec<i64> = stmt
            .query_map(
                rusqlite::params![expr, q.category, q.borough, q.open_now],
                |r| r.get(0),
            )
            .unwrap()
            .map(Result::unwrap)
            .collect();
        times.push(t.elapsed());
        std::hint::black_box(rows);
    }
    times
}

fn main() {
    let args = Args::parse();
    let mut rng = StdRng::seed_from_u64(args.seed);
    let v = vocabulary();
    let bytes = synthetic_feed(args.services, &mut rng, &v);
    let qs = queries(args.queries, &mut rng, &v);

    let data = tempfile::tempdir().unwrap();
    let root = data.path().join("directory");
    std::fs::create_dir_all(&root).unwrap();
    let t = Instant::now();
    let f = feed::read(&bytes, Geography::bundled()).unwrap();
    let validate_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    index::build(&root, &bytes, &f, None, Thesaurus::bundled()).unwrap();
    let build_s = t.elapsed().as_secs_f64();
    // What applying an update adds before the build: comparing it with the directory in use,
    // numbers across the whole feed included (here the feed against itself, every service
    // compared).
    let t = Instant::now();
    let d = feed::diff::diff(&f.services, &f.services, Geography::bundled());
    assert!(d.is_empty());
    let diff_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut dir = Directory::open(data.path()).unwrap();
    let open_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    if !args.keywords_only {
        let meaning = signpost::meaning::Meaning::load(&signpost::meaning::default_dir()).expect(
            "the meaning model is installed (bash model/build.sh), or pass --keywords-only",
        );
        dir.set_meaning(std::sync::Arc::new(meaning));
    }
    let model_s = t.elapsed().as_secs_f64();
    assert_eq!(dir.info().services, args.services);

    let at = Some("2026-11-24T10:00:00Z".parse().unwrap());
    let request = |q: &Query| SearchRequest {
        text: q.text.clone(),
        categories: q.category.iter().cloned().collect(),
        borough: q.borough.clone(),
        open_now: q.open_now,
        at,
        limit: 10,
        ..Default::default()
    };
    // Warm up both engines on a few queries, then measure every query.
    for q in qs.iter().take(50) {
        dir.search(&request(q)).unwrap();
    }
    let mut timed = Vec::with_capacity(qs.len());
    let mut empty = 0;
    for q in &qs {
        let t = Instant::now();
        let r = dir.search(&request(q)).unwrap();
        timed.push((t.elapsed(), q));
        empty += usize::from(r.hits.is_empty());
    }
    timed.sort_by_key(|(t, _)| *t);
    for (t, q) in timed.iter().rev().take(args.slowest) {
        let filter = q
            .category
            .as_deref()
            .or(q.borough.as_deref())
            .unwrap_or(if q.open_now { "open now" } else { "" });
        println!(
            "slow: {:.3} ms  {:?} {filter}",
            t.as_secs_f64() * 1000.0,
            q.text
        );
    }
    let times: Vec<Duration> = timed.iter().map(|(t, _)| *t).collect();
    // Every keystroke of each telling.
    let mut tellings: Vec<Duration> = TELLINGS
        .iter()
        .flat_map(|s| s.char_indices().map(move |(i, c)| &s[..i + c.len_utf8()]))
        .map(|typed| {
            let req = SearchRequest {
                text: typed.to_string(),
                at,
                limit: 10,
                ..Default::default()
            };
            let t = Instant::now();
            dir.search(&req).unwrap();
            t.elapsed()
        })
        .collect();
    tellings.sort();
    // Opening a detail: a few hundred services from across the directory.
    let ids: Vec<String> = (0..300)
        .map(|i| {
            dir.generation().summaries[i * args.services / 300]
                .id
                .clone()
        })
        .collect();
    let mut details: Vec<Duration> = ids
        .iter()
        .map(|id| {
            let t = Instant::now();
            dir.service(id, at).unwrap();
            t.elapsed()
        })
        .collect();
    details.sort();
    let feed_value: Value = serde_json::from_slice(&bytes).unwrap();
    let mut fts = if args.no_fts5 {
        vec![Duration::ZERO]
    } else {
        fts5(&feed_value, &qs)
    };
    fts.sort();

    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    println!(
        "machine: {cpu}, {} cores; feed {:.1} MB, validated in {validate_s:.2} s, opened in {open_s:.2} s",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        bytes.len() as f64 / 1e6
    );
    println!(
        "queries: {} (engine: {empty} with no result; max {:.3} ms; FTS5 max {:.3} ms)",
        qs.len(),
        times.last().unwrap().as_secs_f64() * 1000.0,
        fts.last().unwrap().as_secs_f64() * 1000.0
    );
    println!(
        "services={} meaning={} build_s={build_s:.2} diff_s={diff_s:.2} open_s={open_s:.2} model_load_s={model_s:.2} detail_p99_ms={:.3} p50_ms={:.3} p99_ms={:.3} fts5_p50_ms={:.3} fts5_p99_ms={:.3}",
        args.services,
        if args.keywords_only { "off" } else { "on" },
        percentile(&details, 0.99),
        percentile(&times, 0.50),
        percentile(&times, 0.99),
        percentile(&fts, 0.50),
        percentile(&fts, 0.99)
    );
    println!(
        "tellings: {} keystrokes, p50_ms={:.3} p99_ms={:.3} max_ms={:.3}",
        tellings.len(),
        percentile(&tellings, 0.50),
        percentile(&tellings, 0.99),
        tellings.last().unwrap().as_secs_f64() * 1000.0
    );
}
