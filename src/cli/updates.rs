//! Commands that keep the directory current: `sync` and `status`.

use std::path::Path;
use std::process::ExitCode;

use jiff::Timestamp;
use signpost::{Directory, Error};

use super::args::{StatusArgs, SyncArgs};

/// Open the store, saying on stderr if it had to be repaired.
fn open_store(data_dir: &Path) -> Result<signpost::store::Store, Error> {
    let store = signpost::store::Store::open(data_dir)?;
    if let Some(what) = store.recovered() {
        eprintln!("signpost: {what}.");
    }
    Ok(store)
}

/// `signpost sync`: fetch the signed feed once and apply it if it is newer.
pub(super) fn sync(a: SyncArgs, data_dir: &Path) -> Result<ExitCode, Error> {
    let SyncArgs { feed, pubkey } = a;
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

/// `signpost status`: what the directory holds and what the last sync did.
pub(super) fn status(a: StatusArgs, data_dir: &Path) -> Result<ExitCode, Error> {
    let json = a.json;
    let directory = Directory::open(data_dir)?;
    let store = open_store(data_dir)?;
    let info = directory.info();
    let sync = store.sync_state()?;
    let line = signpost::sync::status_line(&info, &sync, Timestamp::now());
    // Status reports a policy that cannot be used rather than stopping at it.
    let policy = match signpost::policy::Policy::load() {
        Ok(Some(p)) => Some(format!(
            "{} fixes the {}",
            p.path.display(),
            match (&p.feed_url, &p.feed_public_key) {
                (Some(_), Some(_)) => "feed address and publisher key",
                (Some(_), None) => "feed address",
                (None, _) => "publisher key",
            }
        )),
        Ok(None) => None,
        Err(e) => Some(signpost::present::sentence(&e.to_string())),
    };
    if json {
        let doc = serde_json::json!({ "directory": info, "sync": sync, "policy": policy });
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("status serialises")
        );
        return Ok(ExitCode::SUCCESS);
    }
    let when = |t: Option<Timestamp>| match t {
        Some(t) => format!(
            "{} ({})",
            signpost::present::day_and_time(t),
            signpost::sync::ago(t, Timestamp::now())
        ),
        None => "never".into(),
    };
    println!("{}", line.text);
    println!(
        "Directory:     {} · {} services · {} records set aside ({})",
        info.generated_at
            .map(signpost::present::day)
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
    if let Some(policy) = &policy {
        println!("Policy:        {policy}");
    }
    println!("Last attempt:  {}", when(sync.last_attempt));
    println!("Last success:  {}", when(sync.last_success));
    println!("Last update:   {}", when(sync.last_update));
    if let Some(e) = &sync.last_error {
        println!("Last error:    {}", signpost::present::sentence(e));
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
