//! The command line's arguments (clap): one struct per command, read by the module that
//! runs it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Signpost London: where to refer a victim of crime in London, offline.
#[derive(Parser)]
#[command(name = "signpost", version, about)]
pub struct Cli {
    /// Folder holding the directory (default: the platform's app data folder).
    #[arg(long, global = true, env = "SIGNPOST_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Search the directory.
    Search(SearchArgs),
    /// Show everything the directory holds about one service.
    Show(ShowArgs),
    /// Fetch the signed feed once and apply it if it is newer (exit 0 when updated or
    /// already current, 1 with the reason when refused or failed).
    Sync(SyncArgs),
    /// What the directory holds and what the last sync did.
    Status(StatusArgs),
    /// Publishing tools: keys, signing and checking feeds (minisign-compatible).
    Feed {
        #[command(subcommand)]
        action: FeedCommand,
    },
    /// Local services per borough and type of help: all 33 London authorities.
    Coverage(CoverageArgs),
    /// Check a feed file: list each record set aside and why; exit 1 if it is refused.
    Validate(ValidateArgs),
    /// The publisher's to-do list: services by how long since their last review, those
    /// never reviewed first.
    Review(ReviewArgs),
    /// Import an Open Referral (ORUK or HSDS 3.0) API as a feed for review and signing:
    /// pages through BASE_URL/services, maps taxonomy terms to categories
    /// (index-data/taxonomy-map.json) and lists the terms it could not map. Never signs.
    Import(ImportArgs),
    /// Score search quality on judged queries (JSON lines).
    Eval(EvalArgs),
}

#[derive(Subcommand)]
pub enum FeedCommand {
    /// Make a publisher key pair. The secret key is unencrypted unless --encrypt is given
    /// (then it is locked with the password in SIGNPOST_KEY_PASSWORD).
    Keygen(KeygenArgs),
    /// Sign a feed file, writing FEED_FILE.minisig beside it.
    Sign(SignArgs),
    /// Check FEED_FILE.minisig against a public key (a .pub file or its base64 key).
    Verify(VerifyArgs),
    /// Build a feed from the publisher's sources: source records (JSON lines, the shape of
    /// shared/data/services.jsonl; see the README's "Publishing") and imported feeds, in
    /// order. Deterministic for the same sources and --generated-at. Never signs.
    Build(BuildArgs),
    /// What changed from OLD to NEW: services added and removed, and per service its
    /// phone numbers, website, hours, coverage and referral route. Read it before signing.
    Diff(DiffArgs),
}
/// The arguments of `search`.
#[derive(Args)]
pub struct SearchArgs {
    /// Words to search for; may include a postcode or borough ("idva e8").
    pub query: String,
    /// Only services covering this borough, local ones first.
    #[arg(long)]
    pub borough: Option<String>,
    /// A full postcode or district: services covering it first.
    #[arg(long)]
    pub postcode: Option<String>,
    /// Only this category (repeatable), e.g. domestic-abuse.
    #[arg(long = "category", value_name = "C")]
    pub categories: Vec<String>,
    /// Only services open now (or at --at).
    #[arg(long)]
    pub open_now: bool,
    /// The moment for "open now", RFC 3339 (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    /// self, professional or professional-only.
    #[arg(long)]
    pub referral: Option<String>,
    /// Only services for someone of this age.
    #[arg(long)]
    pub age: Option<u32>,
    /// Only services listing this language.
    #[arg(long)]
    pub language: Option<String>,
    /// Most results to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Match words only: do not load the meaning model.
    #[arg(long)]
    pub keywords_only: bool,
    /// Read the query without this part of what was understood (repeatable): a need's id
    /// as the "Understood" line's JSON gives it, "place" or "age".
    #[arg(long = "set-aside", value_name = "PART")]
    pub set_aside: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The arguments of `show`.
#[derive(Args)]
pub struct ShowArgs {
    pub id: String,
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,
    #[arg(long)]
    pub json: bool,
}

/// The arguments of `sync`.
#[derive(Args)]
pub struct SyncArgs {
    /// Feed address (https; http only for this computer). Default: the one in settings.
    #[arg(long, value_name = "URL")]
    pub feed: Option<String>,
    /// Publisher's public key: a minisign .pub file or its base64 key. Default: the
    /// key in settings, else the key Signpost ships with.
    #[arg(long, value_name = "KEY")]
    pub pubkey: Option<String>,
}

/// The arguments of `status`.
#[derive(Args)]
pub struct StatusArgs {
    #[arg(long)]
    pub json: bool,
}

/// The arguments of `coverage`.
#[derive(Args)]
pub struct CoverageArgs {
    /// Only this type of help (a category id, e.g. sexual-violence), with the services'
    /// names.
    #[arg(long, value_name = "C")]
    pub category: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The arguments of `validate`.
#[derive(Args)]
pub struct ValidateArgs {
    pub feed_file: PathBuf,
}

/// The arguments of `review`.
#[derive(Args)]
pub struct ReviewArgs {
    /// Only services last reviewed longer ago than this (e.g. 6m, 1y, 90d), and those
    /// never reviewed.
    #[arg(long, value_name = "PERIOD")]
    pub older_than: Option<String>,
    /// Only services that name this borough as where they work.
    #[arg(long)]
    pub borough: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The arguments of `import`.
#[derive(Args)]
pub struct ImportArgs {
    /// The API's root, e.g. https://directory.example.gov.uk/api (https; http only for
    /// this computer).
    pub base_url: String,
    /// Where to write the feed.
    #[arg(long, value_name = "FEED_FILE")]
    pub out: PathBuf,
    /// The publisher named in the feed.
    #[arg(long, value_name = "NAME", default_value = "Imported directory")]
    pub publisher: String,
    /// Most time the import may take in all, in seconds; past it nothing is written.
    #[arg(long, value_name = "SECONDS", default_value_t = signpost::import::DEADLINE.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub time_limit: u64,
}

/// The arguments of `eval`.
#[derive(Args)]
pub struct EvalArgs {
    pub queries_file: PathBuf,
    /// Print each query's results.
    #[arg(long)]
    pub verbose: bool,
    /// Rank by the meaning model alone (no keywords, places or rules), to measure it.
    #[arg(long, conflicts_with = "keywords_only")]
    pub by_meaning: bool,
    /// Search by words only, without the meaning model, to compare.
    #[arg(long)]
    pub keywords_only: bool,
    /// Also type each query a word at a time and say how steady the first results stay.
    #[arg(long, conflicts_with = "by_meaning")]
    pub typing: bool,
}

/// The arguments of `keygen`.
#[derive(Args)]
pub struct KeygenArgs {
    #[arg(long, value_name = "FILE", default_value = "signpost.key")]
    pub secret_key: PathBuf,
    #[arg(long, value_name = "FILE", default_value = "signpost.pub")]
    pub public_key: PathBuf,
    #[arg(long)]
    pub encrypt: bool,
}

/// The arguments of `sign`.
#[derive(Args)]
pub struct SignArgs {
    pub feed_file: PathBuf,
    /// The secret key file (from `feed keygen` or `minisign -G`).
    #[arg(long, value_name = "SECRET_KEY_FILE")]
    pub key: PathBuf,
}

/// The arguments of `verify`.
#[derive(Args)]
pub struct VerifyArgs {
    pub feed_file: PathBuf,
    #[arg(long, value_name = "KEY")]
    pub pubkey: String,
}

/// The arguments of `build`.
#[derive(Args)]
pub struct BuildArgs {
    #[arg(required = true, value_name = "SOURCE")]
    pub sources: Vec<PathBuf>,
    #[arg(long, value_name = "FEED_FILE")]
    pub out: PathBuf,
    /// The feed's date, RFC 3339 (default: now). Sync applies only a newer feed.
    #[arg(long, value_name = "RFC3339")]
    pub generated_at: Option<String>,
    #[arg(long, value_name = "NAME", default_value = "Signpost London")]
    pub publisher: String,
    #[arg(long, value_name = "TEXT")]
    pub publisher_description: Option<String>,
}

/// The arguments of `diff`.
#[derive(Args)]
pub struct DiffArgs {
    pub old: PathBuf,
    pub new: PathBuf,
    #[arg(long)]
    pub json: bool,
}
