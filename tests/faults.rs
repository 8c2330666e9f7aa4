//! The fault suite: what a hostile feed, a wrong clock, a damaged disk or a killed process
//! did to the directory before, each reproduced against the real parts (an HTTP server on
//! 127.0.0.1, tantivy files on disk, sled, the CLI as a process), so none comes back.

mod common;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use common::feed_server::{FeedServer, Reply};
use common::publisher::{bundled_feed_plus, soon, TestKey};
use common::{data_dir, text};
use jiff::Timestamp;
use signpost::signing::PublicKey;
use signpost::store::Store;
use signpost::sync::{Limits, Outcome, SharedDirectory, Source, Syncer};
use signpost::{Directory, Error};

const HELPLINE: &str = "national-domestic-abuse-helpline";

fn quick() -> Limits {
    Limits {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(3),
        max_feed_bytes: 4 << 20,
        max_signature_bytes: 4096,
        attempts: 1,
        first_backoff: Duration::from_millis(20),
    }
}

/// The bundled feed with the helpline's number changed, as an attacker would.
fn attackers_feed(date: &str) -> Vec<u8> {
    let mut doc: serde_json::Value =
        serde_json::from_slice(&bundled_feed_plus(date, vec![])).unwrap();
    for s in doc["services"].as_array_mut().unwrap() {
        if s["id"] == HELPLINE {
            s["phones"][0]["number"] = "020 7946 0666".into();
        }
    }
    serde_json::to_vec(&doc).unwrap()
}

struct Publisher {
    key: TestKey,
    server: FeedServer,
}

impl Publisher {
    fn new() -> Publisher {
        Publisher {
            key: TestKey::new(),
            server: FeedServer::start(),
        }
    }
    fn publish(&self, bytes: &[u8]) {
        self.server.set("/feed.json", Reply::ok(bytes));
        self.server.set(
            "/feed.json.minisig",
            Reply::ok(self.key.sign(bytes).as_bytes()),
        );
    }
    fn source(&self) -> Source {
        Source {
            feed_url: self.server.url("/feed.json"),
            public_key: self.key.public_key(),
        }
    }
}

fn helpline_number(dir: &SharedDirectory) -> String {
    dir.read().unwrap().service(HELPLINE, None).unwrap().phones[0]
        .dial
        .number
        .clone()
}

async fn sync(source: &Source, dir: &SharedDirectory, store: &Store) -> Result<Outcome, Error> {
    Syncer::new(quick()).sync(source, dir, store, &|_| {}).await
}

fn open(d: &tempfile::TempDir) -> (SharedDirectory, Store) {
    let dir = Directory::open(d.path()).unwrap();
    (Arc::new(RwLock::new(dir)), Store::open(d.path()).unwrap())
}

/// Case 2: another feed and key, a feed dated far ahead with the helpline's number changed,
/// then the real key back. The real key's directory returns at once, and that publisher's
/// next feed is not refused as "not newer" than the attacker's date.
#[tokio::test]
async fn an_attackers_numbers_do_not_outlive_going_back_to_the_real_key() {
    let d = data_dir();
    let (dir, store) = open(&d);
    let (real, attacker) = (Publisher::new(), Publisher::new());
    real.publish(&bundled_feed_plus(&soon(60), vec![]));
    sync(&real.source(), &dir, &store).await.unwrap();

    attacker.publish(&attackers_feed(&soon(23 * 60)));
    sync(&attacker.source(), &dir, &store).await.unwrap();
    assert_eq!(helpline_number(&dir), "020 7946 0666");

    // Back to the real publisher: its newest directory serves before anything downloads.
    let back = dir
        .read()
        .unwrap()
        .directory_for_key(&real.key.public_key())
        .unwrap()
        .expect("the real key's directory comes back");
    dir.write().unwrap().switch_to(back);
    assert_eq!(helpline_number(&dir), "0808 2000 247");

    // And its next feed, older than the attacker's date, is applied.
    real.publish(&bundled_feed_plus(&soon(120), vec![]));
    let outcome = sync(&real.source(), &dir, &store).await.unwrap();
    assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
    assert_eq!(helpline_number(&dir), "0808 2000 247");

    // Going back to the shipped key brings back the shipped directory at once.
    let shipped = dir
        .read()
        .unwrap()
        .directory_for_key(&PublicKey::publisher())
        .unwrap()
        .expect("the shipped key's directory comes back");
    assert_eq!(shipped.meta.generated_at, signpost::bundled::generated_at());
}

/// A feed date `minutes` from now (negative: ago).
fn from_now(minutes: i64) -> String {
    (Timestamp::now() + jiff::SignedDuration::from_mins(minutes)).to_string()
}

/// A stolen key: the attacker signs with the real key a feed dated 23 hours ahead (inside the
/// clock leeway) that changes the helpline's number. The directory is marked dated ahead and
/// the number is not called the new one; the publisher's fix, built now, supersedes it at
/// once; the attacker's feed served again is refused as withdrawn, also after its date.
#[tokio::test]
async fn a_feed_dated_ahead_with_a_stolen_key_is_superseded_at_once_by_the_publishers_fix() {
    let d = data_dir();
    let (dir, store) = open(&d);
    let p = Publisher::new();
    p.publish(&bundled_feed_plus(&from_now(-60), vec![]));
    sync(&p.source(), &dir, &store).await.unwrap();

    let attack = attackers_feed(&from_now(23 * 60));
    p.publish(&attack);
    sync(&p.source(), &dir, &store).await.unwrap();
    assert_eq!(helpline_number(&dir), "020 7946 0666");
    let line = signpost::sync::status_line(
        &dir.read().unwrap().info(),
        &store.sync_state().unwrap(),
        Timestamp::now(),
    );
    assert!(
        line.text.contains("dated ahead of this computer's clock"),
        "{}",
        line.text
    );
    let details = dir.read().unwrap().service(HELPLINE, None).unwrap();
    let callout = details
        .phone_changed_callout
        .expect("the change is pointed out");
    assert!(
        !callout.contains("new one") && callout.contains("ahead of this computer's clock"),
        "{callout}"
    );

    // The publisher's fix, built now as the README shows: applied at once.
    p.publish(&bundled_feed_plus(&from_now(0), vec![]));
    let outcome = sync(&p.source(), &dir, &store).await.unwrap();
    assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
    assert_eq!(helpline_number(&dir), "0808 2000 247");

    // The attacker's feed served again, with its valid signature: refused, nothing changes.
    p.publish(&attack);
    let err = sync(&p.source(), &dir, &store).await.unwrap_err();
    assert!(matches!(err, Error::FeedWithdrawn), "{err}");
    assert!(err.to_string().contains("withdrawn"), "{err}");
    assert_eq!(helpline_number(&dir), "0808 2000 247");
    // Nor does it come back after its date, and the publisher's next feed is not held
    // to that date.
    let key = p.key.public_key().id().to_string();
    let after_its_date = Timestamp::now() + jiff::SignedDuration::from_hours(24);
    let check = |bytes: &[u8]| {
        dir.read()
            .unwrap()
            .check_feed(bytes, Some(&key), after_its_date)
            .map(|_| ())
    };
    assert!(matches!(check(&attack), Err(Error::FeedWithdrawn)));
    check(&bundled_feed_plus(&from_now(30), vec![])).unwrap();
    // Going to another key and back serves the fix, never the withdrawn directory.
    let back = dir
        .read()
        .unwrap()
        .directory_for_key(&PublicKey::publisher())
        .unwrap()
        .expect("the shipped directory");
    dir.write().unwrap().switch_to(back);
    let again = dir
        .read()
        .unwrap()
        .directory_for_key(&p.key.public_key())
        .unwrap()
        .expect("the publisher's directory comes back");
    dir.write().unwrap().switch_to(again);
    assert_eq!(helpline_number(&dir), "0808 2000 247");
}

/// A number that appears where it was not — the helpline's number re-added under a new
/// service id, an attacker's number written into another service's description — is
/// pointed out on every service that shows it, as a changed number is.
#[tokio::test]
async fn a_number_moved_to_a_new_id_or_written_into_text_is_pointed_out_in_the_app() {
    let d = data_dir();
    let (dir, store) = open(&d);
    let p = Publisher::new();
    p.publish(&bundled_feed_plus(&from_now(-60), vec![]));
    sync(&p.source(), &dir, &store).await.unwrap();
    let copy = serde_json::json!({
        "id": "national-domestic-abuse-helpline-24h", "name": "National Domestic Abuse Helpline (24 hours)",
        "description": "Free 24-hour helpline.",
        "phones": [{"number": "0808 2000 247"}],
        "service_areas": [{"name": "National"}],
        "attributes": [{"taxonomy_term": {"taxonomy": "signpost:category", "code": "domestic-abuse"}}]
    });
    let mut doc: serde_json::Value =
        serde_json::from_slice(&bundled_feed_plus(&from_now(-30), vec![copy])).unwrap();
    for s in doc["services"].as_array_mut().unwrap() {
        if s["id"] == "samaritans" {
            s["description"] = "Our line has moved: call 020 7946 0666 any time.".into();
        }
    }
    p.publish(&serde_json::to_vec(&doc).unwrap());
    sync(&p.source(), &dir, &store).await.unwrap();
    for id in ["national-domestic-abuse-helpline-24h", "samaritans"] {
        let details = dir.read().unwrap().service(id, None).unwrap();
        let said = details
            .phone_changed
            .unwrap_or_else(|| panic!("{id}: nothing said"));
        assert!(said.starts_with("Phone number changed on"), "{id}: {said}");
    }
    // The service whose number was copied did not change.
    let details = dir.read().unwrap().service(HELPLINE, None).unwrap();
    assert_eq!(details.phone_changed, None);
}

/// Case 3: a correctly signed feed dated far ahead is refused, saying both dates; a
/// directory already in use with such a date does not block the next feed.
#[tokio::test]
async fn a_future_dated_feed_is_refused_and_never_blocks_the_channel() {
    let d = data_dir();
    let (dir, store) = open(&d);
    let p = Publisher::new();
    p.publish(&bundled_feed_plus("2099-12-31T00:00:00Z", vec![]));
    let err = sync(&p.source(), &dir, &store).await.unwrap_err();
    assert!(matches!(err, Error::FeedFromFuture { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("2099-12-31") && msg.contains("more than a day after this computer's clock"),
        "{msg}"
    );
    assert!(msg.contains("nothing was changed"), "{msg}");

    // A directory from the same key dated in 2099 (applied by an older version).
    let bytes = bundled_feed_plus("2099-12-31T00:00:00Z", vec![]);
    let feed = signpost::feed::read(&bytes, signpost::geo::Geography::bundled()).unwrap();
    let root = dir.read().unwrap().root().to_path_buf();
    let key_id = p.key.public_key().id().to_string();
    let name = signpost::index::build(
        &root,
        &bytes,
        &feed,
        Some(&key_id),
        signpost::thesaurus::Thesaurus::bundled(),
    )
    .unwrap();
    let stuck = signpost::index::open(&root, &name, signpost::geo::Geography::bundled()).unwrap();
    dir.write().unwrap().switch_to(stuck);

    p.publish(&bundled_feed_plus(&soon(60), vec![]));
    let outcome = sync(&p.source(), &dir, &store).await.unwrap();
    assert!(matches!(outcome, Outcome::Updated { .. }), "{outcome:?}");
    let info = dir.read().unwrap().info();
    let line = signpost::sync::status_line(&info, &store.sync_state().unwrap(), Timestamp::now());
    let notice = line.notice.expect("the status line says what happened");
    assert!(
        notice.contains("31 Dec 2099") && notice.contains("replaced"),
        "{notice}"
    );
}

#[test]
fn a_clock_before_the_bundled_snapshot_is_called_wrong() {
    let (_d, dir) = common::bundled();
    let bundled = signpost::bundled::generated_at().unwrap();
    let clock = bundled - jiff::SignedDuration::from_hours(24 * 400);
    let err = dir
        .check_feed(&bundled_feed_plus(&soon(60), vec![]), None, clock)
        .unwrap_err();
    assert!(matches!(err, Error::ClockWrong { .. }), "{err}");
    assert!(err.to_string().contains("set the clock right"), "{err}");
}

/// Case 5: CURRENT naming a generation that is gone: the newest complete one serves and is
/// not deleted; staging folders of killed syncs are removed on the next start; a damaged
/// or incomplete index is noticed on open and rebuilt from its kept feed.
#[test]
fn the_directory_answers_through_a_lost_pointer_stale_staging_and_damaged_files() {
    let d = data_dir();
    let mut dir = Directory::open(d.path()).unwrap();
    dir.apply_unsigned_feed(&bundled_feed_plus(&soon(60), vec![]))
        .unwrap();
    let newest = dir.info().generation;
    let root = dir.root().to_path_buf();
    drop(dir);
    std::fs::write(root.join("CURRENT"), "gen-000999\n").unwrap();
    std::fs::create_dir_all(root.join("staging-999999999-1-1/index")).unwrap();
    let dir = Directory::open(d.path()).unwrap();
    assert_eq!(dir.info().generation, newest);
    assert!(root.join(&newest).exists(), "the newest generation is kept");
    assert!(
        !root.join("staging-999999999-1-1").exists(),
        "killed sync's staging removed"
    );
    drop(dir);

    for (ext, damage) in [("pos", "delete"), ("term", "scribble"), ("idx", "scribble")] {
        let current = signpost::index::current_name(&root).unwrap();
        let index_dir = root.join(&current).join("index");
        let file = std::fs::read_dir(&index_dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == ext))
            .unwrap();
        if damage == "delete" {
            std::fs::remove_file(&file).unwrap();
        } else {
            let mut bytes = std::fs::read(&file).unwrap();
            let (mid, len) = (bytes.len() / 2, bytes.len());
            for b in &mut bytes[mid..(mid + 16).min(len)] {
                *b ^= 0x5a;
            }
            std::fs::write(&file, bytes).unwrap();
        }
        let dir = Directory::open(d.path()).unwrap();
        assert!(
            matches!(dir.opened(), signpost::Opened::Rebuilt { .. }),
            "{ext} {damage}: {:?}",
            dir.opened()
        );
        assert_eq!(
            dir.info().generated_at.unwrap().to_string(),
            soon(60),
            "rebuilt from the kept feed"
        );
        assert!(!dir.search(&text("domestic abuse")).unwrap().hits.is_empty());
    }
}

/// Case 4: sled's half-written snapshot (left by a full disk) no longer makes every store
/// use fail; the shortlist is intact.
#[test]
fn an_unfinished_store_snapshot_is_cleared_and_the_shortlist_survives() {
    let d = data_dir();
    {
        let store = Store::open(d.path()).unwrap();
        store.add_to_shortlist("samaritans").unwrap();
    }
    std::fs::write(
        d.path()
            .join("store")
            .join("snap.0000000000001234.generating"),
        b"",
    )
    .unwrap();
    let store = Store::open(d.path()).unwrap();
    assert_eq!(store.shortlist().unwrap(), ["samaritans"]);
}

/// Case 6: the smaller items, each with its plain sentence.
#[tokio::test]
async fn smaller_faults_each_get_their_own_sentence() {
    let d = data_dir();
    let (dir, store) = open(&d);
    let p = Publisher::new();

    // A byte-order mark before the JSON is not an error.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(bundled_feed_plus(&soon(60), vec![]));
    p.publish(&bom);
    sync(&p.source(), &dir, &store).await.unwrap();

    // A server without ETag or Last-Modified sending the same feed: already current.
    assert_eq!(
        sync(&p.source(), &dir, &store).await.unwrap(),
        Outcome::Unchanged
    );
    assert!(store.sync_state().unwrap().last_error.is_none());

    // A huge .minisig is about the signature, not "the feed is larger than…".
    p.publish(&bundled_feed_plus(&soon(120), vec![]));
    p.server
        .set("/feed.json.minisig", Reply::ok(&vec![b'x'; 64 * 1024]));
    let err = sync(&p.source(), &dir, &store).await.unwrap_err();
    assert!(
        err.to_string().contains("signature file is far larger"),
        "{err}"
    );

    // A redirect loop says so.
    p.server
        .set("/loop.json", Reply::Redirect("/loop.json".into()));
    let looping = Source {
        feed_url: p.server.url("/loop.json"),
        public_key: p.key.public_key(),
    };
    let err = sync(&looping, &dir, &store).await.unwrap_err();
    assert!(err.to_string().contains("kept redirecting"), "{err}");

    // A server dripping a byte at a time cannot hold a sync past the one deadline.
    let body = bundled_feed_plus(&soon(180), vec![]);
    p.server.set(
        "/feed.json",
        Reply::Drip {
            body,
            every: Duration::from_millis(500),
        },
    );
    // (Before, each of 3 attempts had the whole limit: 3 × 3 s here, 3 × 5 min for real.)
    let started = std::time::Instant::now();
    let limits = Limits {
        attempts: 3,
        ..quick()
    };
    let err = Syncer::new(limits)
        .sync(&p.source(), &dir, &store, &|_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    // A right-to-left override in an address is refused.
    let err = signpost::sync::check_url("https://feeds.example.org/\u{202E}nosj.deef").unwrap_err();
    assert!(err.to_string().contains("invisible characters"), "{err}");
}

/// Case 6: `signpost search x | head -1` ends quietly when the reader goes away.
#[test]
fn a_closed_pipe_ends_the_cli_quietly() {
    use std::io::{BufRead, BufReader};
    let d = data_dir();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
        .args([
            "--data-dir",
            d.path().to_str().unwrap(),
            "search",
            "support",
            "--limit",
            "200",
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here, as `head -1` exits; the output (about 110 kB) is larger
    // than a pipe's buffer, so the CLI is still writing when it goes.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!first.is_empty());
    assert!(
        !stderr.contains("internal error") && !stderr.contains("panicked"),
        "{stderr}"
    );
}
