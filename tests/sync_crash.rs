//! Crash test: `signpost sync` is killed with SIGKILL at random moments while it downloads,
//! verifies and indexes a large feed. After every kill the directory opens on a whole
//! generation (the old one or the new one, never a mix, never a rebuild), searches, and the
//! shortlist is intact.

mod common;
#[path = "../examples/synthetic/mod.rs"]
#[allow(dead_code)]
mod synthetic;

use std::process::{Command, Stdio};
use std::time::Instant;

use common::feed_server::{FeedServer, Reply};
use common::{data_dir, ids, text, TestKey};
use jiff::Timestamp;
use rand::{Rng, SeedableRng};
use signpost::store::Store;
use signpost::{Directory, Opened};

const SERVICES: usize = 10_000;
const KILLS: usize = 24;

fn date(round: usize) -> String {
    common::publisher::soon(round as i64 + 2)
}

#[test]
fn killing_sync_at_random_moments_never_breaks_the_directory_or_the_shortlist() {
    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| Timestamp::now().as_nanosecond() as u64);
    eprintln!("crash test seed {seed} (set CRASH_SEED to repeat)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let d = data_dir();
    let key = TestKey::new();
    let key_file = d.path().join("publisher.pub");
    std::fs::write(&key_file, &key.public).unwrap();
    {
        Directory::open(d.path()).unwrap();
        let store = Store::open(d.path()).unwrap();
        store.add_to_shortlist("victim-support-london").unwrap();
        store.add_to_shortlist("samaritans").unwrap();
    }
    let template = String::from_utf8(synthetic::synthetic_feed(
        SERVICES,
        &mut rng,
        &synthetic::vocabulary(),
    ))
    .unwrap();
    let server = FeedServer::start();
    let publish = |round: usize| {
        let body = template.replacen(&synthetic::generated_at(), &date(round), 1);
        server.set(
            "/feed.json.minisig",
            Reply::ok(key.sign(body.as_bytes()).as_bytes()),
        );
        server.set("/feed.json", Reply::ok(body.as_bytes()));
    };
    let url = server.url("/feed.json");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_signpost"))
            .arg("--data-dir")
            .arg(d.path())
            .args(["sync", "--feed", &url, "--pubkey"])
            .arg(&key_file)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };

    // One whole run, to learn how long a sync takes here.
    publish(1);
    let started = Instant::now();
    let out = spawn().wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let full = started.elapsed();
    eprintln!("a whole sync of {SERVICES} services takes {full:?}");
    let mut applied = date(1);

    let mut killed_mid_sync = 0;
    for round in 2..2 + KILLS {
        publish(round);
        let mut child = spawn();
        let wait = full.mul_f64(rng.random_range(0.0..1.1));
        std::thread::sleep(wait);
        if child.try_wait().unwrap().is_none() {
            killed_mid_sync += 1;
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();

        let dir = Directory::open(d.path()).unwrap();
        assert_eq!(
            dir.opened(),
            &Opened::Existing,
            "round {round}: the generation named in CURRENT was whole"
        );
        let staging = entries_starting(dir.root(), "staging-");
        assert!(
            staging.is_empty(),
            "round {round}: the killed sync's staging folder is removed on the next start: {staging:?}"
        );
        let info = dir.info();
        let at = info.generated_at.unwrap().to_string();
        assert!(
            at == applied || at == date(round),
            "round {round}: serving {at}, expected {applied} or {}",
            date(round)
        );
        assert_eq!(
            info.services, SERVICES,
            "round {round}: all records, no mix"
        );
        assert!(
            !ids(&dir, &text("domestic abuse")).is_empty(),
            "round {round}: searches"
        );
        applied = at;
        drop(dir);

        let store = Store::open(d.path()).unwrap();
        assert_eq!(
            store.shortlist().unwrap(),
            ["victim-support-london", "samaritans"],
            "round {round}: shortlist intact"
        );
        store.sync_state().expect("the sync record is readable");
        eprintln!("round {round}: killed after {wait:?}, serving {applied}");
    }
    eprintln!("{killed_mid_sync} of {KILLS} kills landed while sync was running");
    assert!(
        killed_mid_sync >= KILLS / 2,
        "most kills must land mid-sync"
    );

    // And a sync left alone afterwards finishes the job.
    publish(99);
    let out = spawn().wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = Directory::open(d.path()).unwrap();
    assert_eq!(dir.info().generated_at.unwrap().to_string(), date(99));
    let leftovers = entries_starting(&d.path().join("directory"), "gen-");
    // Kept: the current one, the one before, and the shipped key's newest (the bundled
    // snapshot, so going back to that key is instant).
    assert!(
        leftovers.len() <= 3,
        "old generations are collected: {leftovers:?}"
    );
}

/// Names in `dir` that start with `prefix`.
fn entries_starting(dir: &std::path::Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect()
}
