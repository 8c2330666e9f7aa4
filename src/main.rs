//! `signpost`: the command-line front end to the directory engine.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jiff::Timestamp;
use signpost::feed;
use signpost::geo::Geography;
use signpost::meaning;
use signpost::search::MatchKind;
use signpost::{Directory, Error, ReferralFilter, SearchRequest};

/// Signpost London: where to refer a victim of crime in London, offline.
#[derive(Parser)]
#[command(name = "signpost", version, about)]
struct Cli {
    /// Folder holding the directory (default: the platform's app data folder).
    #[arg(long, global = true, env = "SIGNPOST_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Search the directory.
    Search {
        /// Words to search for; may include a postcode or borough ("idva e8").
        query: String,
        /// Only services covering this borough, local ones first.
        #[arg(long)]
        borough: Option<String>,
        /// A full postcode or district: services covering it first.
        #[arg(long)]
        postcode: Option<String>,
        /// Only this category (repeatable), e.g. domestic-abuse.
        #[arg(long = "category", value_name = "C")]
        categories: Vec<String>,
        /// Only services open now (or at --at).
        #[arg(long)]
        open_now: bool,
        /// The moment for "open now", RFC 3339 (default: now).
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
        /// self, professional or professional-only.
        #[arg(long)]
        referral: Option<String>,
        /// Only services for someone of this age.
        #[arg(long)]
        age: Option<u32>,
        /// Only services listing this language.
        #[arg(long)]
        language: Option<String>,
        /// Most results to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Match words only: do not load the meaning model.
        #[arg(long)]
        keywords_only: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show everything the directory holds about one service.
    Show {
        id: String,
        #[arg(long, value_name = "RFC3339")]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Fetch the signed feed once and apply it if it is newer (exit 0 when updated or
    /// already current, 1 with the reason when refused or failed).
    Sync {
        /// Feed address (https; http only for this computer). Default: the one in settings.
        #[arg(long, value_name = "URL")]
        feed: Option<String>,
        /// Publisher's public key: a minisign .pub file or its base64 key. Default: the
        /// key in settings, else the key Signpost ships with.
        #[arg(long, value_name = "KEY")]
        pubkey: Option<String>,
    },
    /// What the directory holds and what the last sync did.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Publishing tools: keys, signing and checking feeds (minisign-compatible).
    Feed {
        #[command(subcommand)]
        action: FeedCommand,
    },
    /// Local services per borough and type of help: all 33 London authorities.
    Coverage {
        /// Only this type of help (a category id, e.g. sexual-violence), with the services'
        /// names.
        #[arg(long, value_name = "C")]
        category: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a feed file: list each record set aside and why; exit 1 if it is refused.
    Validate { feed_file: PathBuf },
    /// The publisher's to-do list: services by how long since their last review, those
    /// never reviewed first.
    Review {
        /// Only services last reviewed longer ago than this (e.g. 6m, 1y, 90d), and those
        /// never reviewed.
        #[arg(long, value_name = "PERIOD")]
        older_than: Option<String>,
        /// Only services that name this borough as where they work.
        #[arg(long)]
        borough: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Import an Open Referral (ORUK or HSDS 3.0) API as a feed for review and signing:
    /// pages through BASE_URL/services, maps taxonomy terms to categories
    /// (index-data/taxonomy-map.json) and lists the terms it could not map. Never signs.
    Import {
        /// The API's root, e.g. https://directory.example.gov.uk/api (https; http only for
        /// this computer).
        base_url: String,
        /// Where to write the feed.
        #[arg(long, value_name = "FEED_FILE")]
        out: PathBuf,
        /// The publisher named in the feed.
        #[arg(long, value_name = "NAME", default_value = "Imported directory")]
        publisher: String,
    },
    /// Score search quality on judged queries (JSON lines).
    Eval {
        queries_file: PathBuf,
        /// Print each query's results.
        #[arg(long)]
        verbose: bool,
        /// Rank by the meaning model alone (no keywords, places or rules), to measure it.
        #[arg(long, conflicts_with = "keywords_only")]
        by_meaning: bool,
        /// Search by words only, without the meaning model, to compare.
        #[arg(long)]
        keywords_only: bool,
    },
}

#[derive(Subcommand)]
enum FeedCommand {
    /// Make a publisher key pair. The secret key is unencrypted unless --encrypt is given
    /// (then it is locked with the password in SIGNPOST_KEY_PASSWORD).
    Keygen {
        #[arg(long, value_name = "FILE", default_value = "signpost.key")]
        secret_key: PathBuf,
        #[arg(long, value_name = "FILE", default_value = "signpost.pub")]
        public_key: PathBuf,
        #[arg(long)]
        encrypt: bool,
    },
    /// Sign a feed file, writing FEED_FILE.minisig beside it.
    Sign {
        feed_file: PathBuf,
        /// The secret key file (from `feed keygen` or `minisign -G`).
        #[arg(long, value_name = "SECRET_KEY_FILE")]
        key: PathBuf,
    },
    /// Check FEED_FILE.minisig against a public key (a .pub file or its base64 key).
    Verify {
        feed_file: PathBuf,
        #[arg(long, value_name = "KEY")]
        pubkey: String,
    },
    /// Build a feed from the publisher's sources: source records (JSON lines, the shape of
    /// shared/data/services.jsonl; see the README's "Publishing") and imported feeds, in
    /// order. Deterministic for the same sources and --generated-at. Never signs.
    Build {
        #[arg(required = true, value_name = "SOURCE")]
        sources: Vec<PathBuf>,
        #[arg(long, value_name = "FEED_FILE")]
        out: PathBuf,
        /// The feed's date, RFC 3339 (default: now). Sync applies only a newer feed.
        #[arg(long, value_name = "RFC3339")]
        generated_at: Option<String>,
        #[arg(long, value_name = "NAME", default_value = "Signpost London")]
        publisher: String,
        #[arg(long, value_name = "TEXT")]
        publisher_description: Option<String>,
    },
    /// What changed from OLD to NEW: services added and removed, and per service its
    /// phone numbers, website, hours, coverage and referral route. Read it before signing.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    // `signpost search x | head -1`: when the reader goes away, stop quietly as Unix tools
    // do, instead of a panic on the broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default action for SIGPIPE before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // A bug should read as one sentence, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!("signpost: internal error ({msg}); this is a bug, please report it");
    }));
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("signpost: {}", sentence(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

fn sentence(s: &str) -> String {
    let mut c = s.chars();
    let first = c
        .next()
        .map(|f| f.to_uppercase().collect::<String>())
        .unwrap_or_default();
    let rest: String = c.collect();
    if rest.ends_with('.') {
        format!("{first}{rest}")
    } else {
        format!("{first}{rest}.")
    }
}

fn data_dir(given: Option<PathBuf>) -> Result<PathBuf, Error> {
    given
        .or_else(signpost::directory::default_data_dir)
        .ok_or(Error::NoDataDir)
}

fn parse_at(at: Option<&str>) -> Result<Option<Timestamp>, Error> {
    at.map(|s| {
        s.parse::<Timestamp>().map_err(|_| {
            Error::InvalidQuery(format!(
                "\"{s}\" is not an RFC 3339 date-time (example: 2026-11-24T10:00:00Z)"
            ))
        })
    })
    .transpose()
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Search {
            query,
            borough,
            postcode,
            categories,
            open_now,
            at,
            referral,
            age,
            language,
            limit,
            keywords_only,
            json,
        } => {
            let req = SearchRequest {
                text: query,
                borough,
                postcode,
                categories,
                open_now,
                at: parse_at(at.as_deref())?,
                referral: referral.as_deref().map(ReferralFilter::parse).transpose()?,
                age,
                language,
                limit,
            };
            let mut dir = Directory::open(&data_dir(cli.data_dir)?)?;
            if !keywords_only {
                with_meaning(&mut dir);
            }
            let results = dir.search(&req)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&results).expect("results serialise")
                );
            } else {
                print_results(&dir, &req, &results);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { id, at, json } => {
            let dir = Directory::open(&data_dir(cli.data_dir)?)?;
            let at = parse_at(at.as_deref())?.unwrap_or_else(Timestamp::now);
            let d = dir.service(&id, Some(at))?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&d).expect("details serialise")
                );
            } else {
                print_details(&d, at);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Coverage { category, json } => {
            let dir = Directory::open(&data_dir(cli.data_dir)?)?;
            coverage(&dir, category.as_deref(), json)
        }
        Command::Validate { feed_file } => validate(&feed_file),
        Command::Review {
            older_than,
            borough,
            json,
        } => {
            let older_than = older_than
                .as_deref()
                .map(signpost::review::parse_period)
                .transpose()
                .map_err(Error::InvalidQuery)?;
            let dir = Directory::open(&data_dir(cli.data_dir)?)?;
            let today = jiff::Zoned::now()
                .with_time_zone(signpost::hours::london().clone())
                .date();
            let due = dir.due_for_review(older_than, borough.as_deref(), today)?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&due).expect("serialisable")
                );
            } else {
                for d in &due {
                    println!("{} · {} · {}", d.name, d.covers, d.review.text);
                    println!("    {}", d.id);
                }
                let never = due.iter().filter(|d| d.review.date.is_none()).count();
                println!(
                    "{} services to review ({never} never reviewed) in a directory of {}",
                    due.len(),
                    dir.info().services
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            base_url,
            out,
            publisher,
        } => import(&base_url, &out, &publisher),
        Command::Sync { feed, pubkey } => sync(&data_dir(cli.data_dir)?, feed, pubkey),
        Command::Status { json } => status(&data_dir(cli.data_dir)?, json),
        Command::Feed { action } => publish(action),
        Command::Eval {
            queries_file,
            verbose,
            by_meaning,
            keywords_only,
        } => {
            let text = read(&queries_file)?;
            let judged = signpost::eval::read_judged(&text)?;
            let mut dir = Directory::open(&data_dir(cli.data_dir)?)?;
            if !keywords_only && !by_meaning {
                with_meaning(&mut dir);
            }
            let (outcomes, scores) = if by_meaning {
                let model = meaning::Model::load(&meaning::default_dir())
                    .map_err(|e| Error::ModelUnavailable(e.to_string()))?;
                let services = meaning::ServiceVectors::of(&model, dir.generation())?;
                signpost::eval::score(&judged, |j| {
                    Ok(model.embed(&j.query).map_or_else(Vec::new, |q| {
                        services
                            .nearest(&q, 10)
                            .into_iter()
                            .map(|(ord, _)| dir.generation().summaries[ord].id.clone())
                            .collect()
                    }))
                })?
            } else {
                // Hours do not affect ranking, so any instant gives the same figures.
                signpost::eval::evaluate(&dir, &judged, Timestamp::now())?
            };
            for o in &outcomes {
                let place = o
                    .judged
                    .postcode
                    .as_deref()
                    .or(o.judged.borough.as_deref())
                    .map(|p| format!(" [{p}]"))
                    .unwrap_or_default();
                let rank = o.first_good.map_or("-".to_string(), |r| r.to_string());
                println!(
                    "{:<4} ndcg5={:.2} {}{}",
                    rank, o.ndcg5, o.judged.query, place
                );
                if verbose {
                    for (i, id) in o.ranked.iter().take(5).enumerate() {
                        let g = o.judged.relevant.get(id).copied().unwrap_or(0);
                        println!("       {}. {id} (grade {g})", i + 1);
                    }
                }
            }
            println!("{scores}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Read queries by meaning too, when the model is installed; say on stderr when it is not
/// (search still works, on words).
fn with_meaning(dir: &mut Directory) {
    match meaning::Meaning::load(&meaning::default_dir()) {
        Ok(m) => dir.set_meaning(std::sync::Arc::new(m)),
        Err(why) => eprintln!("Searching by words only: {why}."),
    }
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source: e,
    })
}

fn validate(path: &Path) -> Result<ExitCode, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source: e,
    })?;
    match feed::read(&bytes, Geography::bundled()) {
        Err(e) => {
            eprintln!("signpost: {}: {}", path.display(), sentence(&e.to_string()));
            Ok(ExitCode::FAILURE)
        }
        Ok(f) => {
            for p in &f.problems {
                println!("{p}");
            }
            let set_aside = f.set_aside().count();
            let dropped = f.problems.len() - set_aside;
            println!(
                "{} services kept, {set_aside} records set aside, {dropped} fields dropped{}",
                f.services.len(),
                f.meta
                    .generated_at
                    .map(|d| format!(" (feed dated {d})"))
                    .unwrap_or_default()
            );
            if f.meta.generated_at.is_none() {
                println!(
                    "It has no generated_at date, so it can be read but not applied as a feed: \
                     `signpost import` turns an Open Referral API into a feed to sign."
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Two-letter column heads for the coverage table, in the vocabulary's order.
const COVERAGE_HEADS: &[(&str, &str)] = &[
    ("domestic-abuse", "DA"),
    ("sexual-violence", "SV"),
    ("hate-crime", "HC"),
    ("terrorism-major-incident", "TM"),
    ("general-victim-support", "VS"),
    ("youth-violence-exploitation", "YV"),
    ("restorative-justice", "RJ"),
    ("fraud-cybercrime", "FC"),
    ("modern-slavery", "MS"),
    ("mental-health-crisis", "MH"),
    ("emergency-reporting", "ER"),
    ("witness-support", "WS"),
    ("stalking-harassment", "SH"),
    ("children-families", "CF"),
    ("lgbtq", "LG"),
    ("other", "OT"),
];

fn coverage(dir: &Directory, category: Option<&str>, json: bool) -> Result<ExitCode, Error> {
    let m = dir.coverage();
    let column = category
        .map(|c| {
            m.column(c).ok_or_else(|| Error::UnknownCategory {
                given: c.to_string(),
                known: m.categories.join(", "),
            })
        })
        .transpose()?;
    let info = dir.info();
    let heading = format!(
        "directory of {}, {} services",
        info.generated_at
            .map(|d| signpost::hours::in_london(d, "%-d %b %Y"))
            .unwrap_or_else(|| "unknown date".into()),
        info.services
    );
    match (column, json) {
        (None, true) => print_json(&m),
        (Some(col), true) => print_json(&serde_json::json!({
            "category": m.categories[col],
            "boroughs": m.boroughs.iter().map(|b| serde_json::json!({
                "gss_code": b.gss_code, "name": b.name, "local": b.by_category[col]
            })).collect::<Vec<_>>(),
        })),
        (Some(col), false) => print_coverage_of(dir, &m, col, &heading)?,
        (None, false) => print_coverage_matrix(&m, &heading),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_json(value: &impl serde::Serialize) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("plain data serialises")
    );
}

/// One type of help: each borough's count and its services by name.
fn print_coverage_of(
    dir: &Directory,
    m: &signpost::CoverageMatrix,
    col: usize,
    heading: &str,
) -> Result<(), Error> {
    let what = &m.in_sentence[col];
    println!("Local {what} services by borough · {heading}");
    println!();
    for b in &m.boroughs {
        let names: Vec<String> = dir
            .local_services(&b.gss_code, &m.categories[col])?
            .into_iter()
            .map(|s| s.name.clone())
            .collect();
        let listed = if names.is_empty() {
            "none on record".to_string()
        } else {
            names.join("; ")
        };
        println!("{:<24} {:>2}  {listed}", b.name, b.by_category[col]);
    }
    println!();
    println!(
        "{} of {} authorities have no local {what} service on record.",
        m.gaps(col).len(),
        m.boroughs.len()
    );
    Ok(())
}

/// Every borough × every type of help, as a table with two-letter column heads.
fn print_coverage_matrix(m: &signpost::CoverageMatrix, heading: &str) {
    println!("Local services by borough and type of help · {heading}");
    println!(
        "({} services work in named boroughs only; {} work London-wide or nationally and are counted in no row.)",
        m.borough_services, m.wider_services
    );
    println!();
    let head = |c: &String| {
        COVERAGE_HEADS
            .iter()
            .find(|(id, _)| id == c)
            .map_or("??", |(_, h)| h)
    };
    let heads: String = m
        .categories
        .iter()
        .map(|c| format!("{:>3}", head(c)))
        .collect();
    println!("{:<24} {:>3} {heads}", "", "all");
    for b in &m.boroughs {
        let cells: String = b
            .by_category
            .iter()
            .map(|n| match n {
                0 => "  ·".to_string(),
                n => format!("{n:>3}"),
            })
            .collect();
        println!("{:<24} {:>3} {cells}", b.name, b.local);
    }
    println!();
    let key: Vec<String> = m
        .categories
        .iter()
        .zip(&m.in_sentence)
        .map(|(c, what)| format!("{} {what}", head(c)))
        .collect();
    println!("Key: {}; · none on record.", key.join(", "));
    let gaps: Vec<String> = (0..m.categories.len())
        .filter(|&i| m.categories[i] != "other")
        .map(|i| (m.gaps(i).len(), &m.in_sentence[i]))
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{what} {n}"))
        .collect();
    println!(
        "Authorities with no local service on record, by type of help: {}.",
        gaps.join(", ")
    );
}

fn print_results(dir: &Directory, req: &SearchRequest, r: &signpost::SearchResults) {
    let info = dir.info();
    let date = info
        .generated_at
        .map(|d| d.strftime("%-d %b %Y").to_string())
        .unwrap_or_else(|| "unknown date".into());
    let place = r
        .place
        .as_ref()
        .map(|p| format!(" near {}", p.label))
        .unwrap_or_default();
    println!(
        "{} result{} for \"{}\"{place} · directory of {date}, {} services",
        r.hits.len(),
        if r.hits.len() == 1 { "" } else { "s" },
        req.text,
        info.services
    );
    let corrections: Vec<String> = r
        .understood
        .words
        .iter()
        .filter_map(|w| {
            w.corrected
                .as_ref()
                .map(|c| format!("\"{}\" as \"{c}\"", w.text))
        })
        .collect();
    if !corrections.is_empty() {
        println!("(read {})", corrections.join(", "));
    }
    if !r.understood.unserved.is_empty() {
        println!(
            "No service in the directory specialises in {}. The general routes come first.",
            r.understood.unserved.join(" or ")
        );
    }
    if r.hits.is_empty() {
        println!("No service matches. Try fewer words, or remove a filter. In immediate danger call 999.");
    }
    for (i, h) in r.hits.iter().enumerate() {
        println!();
        println!("{:>2}. {} — {}", i + 1, h.name, h.organisation);
        let mut facts = vec![h.id.clone(), h.covers.clone(), h.open_text.clone()];
        if let Some(r) = h.referral {
            facts.push(r.describe().to_string());
        }
        println!("    {}", facts.join(" · "));
        if let Ok(d) = dir.service(&h.id, Some(r.at)) {
            match d.service.phones.first() {
                Some(p) => println!(
                    "    ☎ {} {}",
                    h.phone
                        .as_ref()
                        .map_or(p.number.as_str(), |d| d.number.as_str()),
                    p.description
                        .as_deref()
                        .map(|l| format!("({l})"))
                        .unwrap_or_default()
                ),
                None => println!(
                    "    no phone number on record{}",
                    d.service.url.map(|u| format!(" · {u}")).unwrap_or_default()
                ),
            }
        }
        let why: Vec<String> = h
            .matched
            .iter()
            .map(|m| match m.how {
                MatchKind::Exact => m.query.clone(),
                MatchKind::Concept => format!("{} → {}", m.query, m.matched),
                MatchKind::Typo => format!("{} ≈ {} (approximate)", m.query, m.matched),
                MatchKind::Meaning => {
                    format!("about: \"{}\" → {} (by meaning)", m.query, m.matched)
                }
                _ => format!("{} → {}", m.query, m.matched),
            })
            .collect();
        if !why.is_empty() {
            println!(
                "    matched: {}{}",
                why.join(", "),
                if h.partial { " — partial match" } else { "" }
            );
        }
    }
}

fn print_details(d: &signpost::ServiceDetails, at: Timestamp) {
    let s = &d.service;
    println!("{}", s.name);
    println!("{}", s.organization_name());
    println!();
    if let Some(desc) = &s.description {
        println!("{desc}");
        println!();
    }
    if s.phones.is_empty() {
        println!("Phone: no phone number on record");
    }
    for p in &s.phones {
        let label = p.description.as_deref().unwrap_or("Phone");
        let hours: Vec<&str> = p
            .schedules
            .iter()
            .filter_map(|x| x.description.as_deref())
            .collect();
        let hours = if hours.is_empty() {
            "hours not stated".to_string()
        } else {
            hours[0].to_string()
        };
        println!("Phone: {} — {label} ({hours})", p.number);
        for src in p.sources() {
            println!("       source: {src}");
        }
    }
    let field = |k: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            println!("{k}: {v}");
        }
    };
    field("Website", s.url.as_deref());
    field("Email", s.email.as_deref());
    field("Eligibility", s.eligibility_description.as_deref());
    match (s.minimum_age, s.maximum_age) {
        (Some(lo), Some(hi)) => println!("Ages: {lo}–{hi}"),
        (Some(lo), None) => println!("Ages: {lo} and over"),
        (None, Some(hi)) => println!("Ages: up to {hi}"),
        _ => {}
    }
    field("Referral", s.referral().map(|r| r.describe()));
    println!("Open: {}", d.open_text);
    if !d.hours_text.is_empty() {
        println!("Hours as published: {}", d.hours_text.join("; "));
    }
    if d.coverage.is_empty() {
        // "Area not stated", or "Area not recognised" for areas Signpost cannot place.
        println!("Covers: {}", d.covers);
    } else {
        println!("Covers: {}", d.coverage.join(", "));
    }
    println!("Categories: {}", d.categories.join(", "));
    let langs: Vec<&str> = s
        .languages
        .iter()
        .filter_map(|l| l.name.as_deref())
        .collect();
    if !langs.is_empty() {
        println!("Languages: {}", langs.join("; "));
    }
    println!(
        "Last reviewed: {}",
        review_note(s.assured_date.as_deref(), at)
    );
    field("Note", s.alert.as_deref());
    field("Phone numbers", d.phone_changed.as_deref());
    for l in &d.left_out {
        println!("Left out: {l}");
    }
    for src in s.sources() {
        println!("Source: {src}");
    }
}

/// "2023-10-27 (over 12 months ago: check before use)".
fn review_note(date: Option<&str>, at: Timestamp) -> String {
    let Some(date) = date else {
        return "unknown — check details before use".into();
    };
    let Ok(d) = date.parse::<jiff::civil::Date>() else {
        return date.to_string();
    };
    let today = at.to_zoned(signpost::hours::london().clone()).date();
    let months = d
        .until((jiff::Unit::Month, today))
        .map(|s| s.get_months())
        .unwrap_or(0);
    match months {
        m if m >= 12 => format!("{date} (over 12 months ago — check details before use)"),
        m if m >= 6 => format!("{date} (over 6 months ago)"),
        _ => date.to_string(),
    }
}

/// Open the store, saying on stderr if it had to be repaired.
fn open_store(data_dir: &Path) -> Result<signpost::store::Store, Error> {
    let store = signpost::store::Store::open(data_dir)?;
    if let Some(what) = store.recovered() {
        eprintln!("signpost: {what}.");
    }
    Ok(store)
}

fn import(base_url: &str, out: &Path, publisher: &str) -> Result<ExitCode, Error> {
    use signpost::import::{import, Progress, TaxonomyMap};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Import(format!("the network runtime could not start ({e})")))?;
    let progress = |p: Progress| match p {
        Progress::Page { page, of, services } => {
            let of = of.map(|n| format!(" of {n}")).unwrap_or_default();
            eprintln!("page {page}{of}, {services} services");
        }
    };
    let imported = runtime.block_on(import(
        base_url,
        publisher,
        &TaxonomyMap::bundled(),
        Default::default(),
        jiff::Timestamp::now(),
        &progress,
    ))?;
    let mut bytes = serde_json::to_vec_pretty(&imported.feed).expect("JSON values serialise");
    bytes.push(b'\n');
    write_whole(out, &bytes)?;
    println!(
        "{} services from {} pages ({} fetched whole) written to {}",
        imported.services,
        imported.pages,
        imported.fetched_whole,
        out.display()
    );
    if !imported.unmapped.is_empty() {
        println!(
            "{} taxonomy terms are not mapped to a Signpost category (add them to \
             index-data/taxonomy-map.json if they are):",
            imported.unmapped.len()
        );
        for (term, n) in &imported.unmapped {
            println!("  {term} ({n} services)");
        }
    }
    if imported.uncategorised > 0 {
        println!(
            "{} services have no Signpost category: they are found by their words only.",
            imported.uncategorised
        );
    }
    // What the app will make of it, before anyone signs it.
    match feed::read(&bytes, Geography::bundled()) {
        Ok(f) => {
            for p in &f.problems {
                println!("{p}");
            }
            println!(
                "Checked: {} services kept, {} records set aside. Review it, then sign it \
                 with `signpost feed sign {} --key SECRET_KEY_FILE`.",
                f.services.len(),
                f.set_aside().count(),
                out.display()
            );
        }
        Err(e) => println!("Checked: {}", sentence(&e.to_string())),
    }
    Ok(ExitCode::SUCCESS)
}

/// Write a feed whole or not at all: a half-written feed must never be signed by mistake.
fn write_whole(out: &Path, bytes: &[u8]) -> Result<(), Error> {
    let tmp = out.with_extension("json.part");
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io {
            action: "write",
            path,
            source,
        }
    };
    std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
    std::fs::rename(&tmp, out).map_err(io(out))
}

fn sync(data_dir: &Path, feed: Option<String>, pubkey: Option<String>) -> Result<ExitCode, Error> {
    use signpost::sync::{Outcome, Source, Syncer};
    let store = open_store(data_dir)?;
    let settings = signpost::policy::effective(store.settings()?)?;
    if let Some(policy) = signpost::policy::Policy::load()? {
        // A one-off address or key may not go around the organisation's policy either.
        let url_differs = feed.as_ref().is_some_and(|f| {
            Some(f.trim()) != policy.feed_url.as_deref().map(str::trim) && policy.feed_url.is_some()
        });
        let key_differs = match (&pubkey, &policy.feed_public_key) {
            (Some(k), Some(p)) => {
                signpost::signing::PublicKey::from_arg(k)?
                    != signpost::signing::PublicKey::parse(p)?
            }
            _ => false,
        };
        if url_differs || key_differs {
            return Err(Error::LockedByPolicy(policy.path));
        }
    }
    let source = match (feed, pubkey) {
        (Some(url), Some(key)) => Source::new(&url, &key)?,
        (Some(url), None) => Source::from_settings(&signpost::store::Settings {
            feed_url: Some(url),
            ..settings
        })?,
        (None, key) => {
            let mut source = Source::from_settings(&settings)?;
            if let Some(key) = key {
                source.public_key = signpost::signing::PublicKey::from_arg(&key)?;
            }
            source
        }
    };
    let directory = std::sync::Arc::new(std::sync::RwLock::new(Directory::open(data_dir)?));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Network {
            host: source.feed_url.clone(),
            why: format!("the network runtime could not start ({e})"),
        })?;
    let outcome = runtime.block_on(Syncer::default().sync(&source, &directory, &store, &|_| {}))?;
    let info = directory.read().unwrap_or_else(|e| e.into_inner()).info();
    let summary = signpost::sync::describe_directory(&info);
    match outcome {
        Outcome::Updated { set_aside, .. } => {
            println!("Updated: {summary}.");
            if set_aside > 0 {
                println!("{set_aside} records were set aside; `signpost status` lists them.");
            }
        }
        Outcome::Unchanged => println!("Already current: {summary}."),
    }
    Ok(ExitCode::SUCCESS)
}

fn status(data_dir: &Path, json: bool) -> Result<ExitCode, Error> {
    let directory = Directory::open(data_dir)?;
    let store = open_store(data_dir)?;
    let info = directory.info();
    let sync = store.sync_state()?;
    let line = signpost::sync::status_line(&info, &sync, Timestamp::now());
    if json {
        let doc = serde_json::json!({ "directory": info, "sync": sync });
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("status serialises")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let when = |t: Option<Timestamp>| match t {
        Some(t) => format!(
            "{} ({})",
            signpost::hours::in_london(t, "%-d %b %Y %H:%M"),
            signpost::sync::ago(t, Timestamp::now())
        ),
        None => "never".into(),
    };
    println!("{}", line.text);
    println!(
        "Directory:     {} · {} services · {} records set aside ({})",
        info.generated_at
            .map(|t| signpost::hours::in_london(t, "%-d %b %Y"))
            .unwrap_or_else(|| "unknown date".into()),
        info.services,
        info.set_aside,
        info.generation
    );
    println!(
        "Feed:          {}",
        sync.feed_url
            .as_deref()
            .unwrap_or("none synced yet (the bundled snapshot)")
    );
    println!("Last attempt:  {}", when(sync.last_attempt));
    println!("Last success:  {}", when(sync.last_success));
    println!("Last update:   {}", when(sync.last_update));
    if let Some(e) = &sync.last_error {
        println!("Last error:    {}", sentence(e));
    }
    if sync.last_update.is_some() {
        println!(
            "Feed in use:   version {} · generated {} · {} services · {} bytes",
            sync.feed_version.as_deref().unwrap_or("unknown"),
            sync.feed_generated_at
                .map(|t| t.to_string())
                .unwrap_or_else(|| "unknown".into()),
            sync.services,
            sync.downloaded_bytes
        );
        for p in &sync.set_aside {
            println!("  set aside: {p}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn publish(action: FeedCommand) -> Result<ExitCode, Error> {
    use signpost::signing;
    let password = || std::env::var(signing::PASSWORD_ENV).ok();
    match action {
        FeedCommand::Keygen {
            secret_key,
            public_key,
            encrypt,
        } => {
            let pw = if encrypt {
                Some(password().ok_or_else(no_password)?)
            } else {
                None
            };
            signing::keygen(&secret_key, &public_key, pw)?;
            println!(
                "Secret key: {} (keep it secret; it signs feeds)\nPublic key: {} (give it to clients)",
                secret_key.display(),
                public_key.display()
            );
        }
        FeedCommand::Sign { feed_file, key } => {
            let written = signing::sign_file(&feed_file, &key, password())?;
            println!("Signed: {}", written.display());
        }
        FeedCommand::Verify { feed_file, pubkey } => {
            let key = signing::PublicKey::from_arg(&pubkey)?;
            signing::verify_file(&feed_file, &key)?;
            println!(
                "Signature good: {} was signed with this key.",
                feed_file.display()
            );
        }
        FeedCommand::Build {
            sources,
            out,
            generated_at,
            publisher,
            publisher_description,
        } => {
            use signpost::publish::{self, Publisher, Source};
            let generated_at = match generated_at {
                Some(t) => t.parse().map_err(|_| {
                    Error::InvalidQuery(format!(
                        "--generated-at \"{t}\" is not an RFC 3339 date-time"
                    ))
                })?,
                None => jiff::Timestamp::now(),
            };
            let sources = sources
                .iter()
                .map(|path| {
                    let bytes = std::fs::read(path).map_err(|e| Error::Io {
                        action: "read",
                        path: path.clone(),
                        source: e,
                    })?;
                    Source::read(&bytes, &path.display().to_string(), Geography::bundled())
                })
                .collect::<Result<Vec<_>, Error>>()?;
            let (built, report) = publish::build(
                &sources,
                Publisher {
                    name: publisher,
                    description: publisher_description,
                },
                generated_at,
                Geography::bundled(),
            )?;
            for w in &report.warnings {
                eprintln!("warning: {w}");
            }
            write_whole(&out, &publish::to_json(&built))?;
            println!(
                "{} services written to {} ({} warnings). Review it (`signpost feed diff`), then sign it.",
                built.services.len(),
                out.display(),
                report.warnings.len()
            );
        }
        FeedCommand::Diff { old, new, json } => {
            let services = |path: &Path| -> Result<Vec<signpost::model::Service>, Error> {
                let bytes = std::fs::read(path).map_err(|e| Error::Io {
                    action: "read",
                    path: path.to_path_buf(),
                    source: e,
                })?;
                Ok(feed::read(&bytes, Geography::bundled())?.services)
            };
            let d = feed::diff::diff(&services(&old)?, &services(&new)?, Geography::bundled());
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&d).expect("serialisable")
                );
            } else {
                print_diff(&d);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_diff(d: &feed::diff::FeedDiff) {
    for (what, list) in [("Added", &d.added), ("Removed", &d.removed)] {
        if !list.is_empty() {
            println!("{what} ({}):", list.len());
            for s in list {
                println!("  {} ({})", s.name, s.id);
            }
        }
    }
    if !d.changed.is_empty() {
        println!("Changed ({}):", d.changed.len());
        for c in &d.changed {
            println!("  {} ({})", c.name, c.id);
            for f in &c.changes {
                println!("    {}: {} → {}", f.field, f.before, f.after);
            }
        }
    }
    let numbers = d.changed.iter().filter(|c| c.numbers_changed()).count();
    println!(
        "{} added, {} removed, {} changed ({numbers} with new phone numbers)",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
}

fn no_password() -> Error {
    Error::KeyInvalid(format!(
        "set the password for the new key in the {} environment variable",
        signpost::signing::PASSWORD_ENV
    ))
}
