//! Feed sync against a real HTTP server on 127.0.0.1: good updates, conditional requests,
//! and every way a network or a feed can go wrong. After each refusal the directory in use
//! answers as before, a fresh open finds the same generation, the shortlist is intact and
//! the store records the reason in plain words.

mod common;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use common::feed_server::{FeedServer, Reply};
use common::{bundled_feed_plus, data_dir, feed, ids, service, text, TestKey};
use signpost::store::Store;
use signpost::sync::{self, Limits, Outcome, SharedDirectory, Source, Syncer};
use signpost::{Directory, Error};

const FEED: &str = "/feed.json";
const SIG: &str = "/feed.json.minisig";

struct Env {
    data: tempfile::TempDir,
    dir: SharedDirectory,
    store: Store,
    key: TestKey,
    server: FeedServer,
    generation: String,
}

impl Env {
    fn new() -> Env {
        let data = data_dir();
        let directory = Directory::open(data.path()).unwrap();
        let generation = directory.info().generation;
        let store = Store::open(data.path()).unwrap();
        store.add_to_shortlist("victim-support-london").unwrap();
        store.add_to_shortlist("samaritans").unwrap();
        Env {
            data,
            dir: Arc::new(RwLock::new(directory)),
            store,
            key: TestKey::new(),
            server: FeedServer::start(),
            generation,
        }
    }

    /// Serve `bytes` with a valid signature from the test key.
    fn publish(&self, bytes: &[u8], etag: Option<&str>) {
        let reply = match etag {
            Some(e) => Reply::with_etag(bytes, e),
            None => Reply::ok(bytes),
        };
        self.server.set(FEED, reply);
        self.server
            .set(SIG, Reply::ok(self.key.sign(bytes).as_bytes()));
    }

    fn source(&self) -> Source {
        Source {
            feed_url: self.server.url(FEED),
            public_key: self.key.public_key(),
        }
    }

    async fn sync(&self) -> Result<Outcome, Error> {
        self.sync_with(quick()).await
    }

    async fn sync_with(&self, limits: Limits) -> Result<Outcome, Error> {
        Syncer::new(limits)
            .sync(&self.source(), &self.dir, &self.store, &|_| {})
            .await
    }

    fn generation(&self) -> String {
        self.dir.read().unwrap().info().generation
    }

    fn finds(&self, words: &str) -> Vec<String> {
        ids(&self.dir.read().unwrap(), &text(words))
    }

    /// Everything a refusal must leave as it was, and the reason recorded.
    fn assert_nothing_changed(&self, err: &Error) {
        assert!(
            err.to_string().contains("nothing was changed") || matches!(err, Error::FeedUrl { .. }),
            "the message says the directory is unchanged: {err}"
        );
        assert_eq!(
            self.generation(),
            self.generation,
            "still serving the old generation"
        );
        assert!(
            !self.finds("samaritans").is_empty(),
            "the old directory still answers"
        );
        assert!(
            self.finds("quokka").is_empty(),
            "nothing of the refused feed is searchable"
        );
        let reopened = Directory::open(self.data.path()).unwrap();
        assert_eq!(
            reopened.info().generation,
            self.generation,
            "CURRENT unchanged on disk"
        );
        assert_eq!(
            self.store.shortlist().unwrap(),
            ["victim-support-london", "samaritans"]
        );
        let state = self.store.sync_state().unwrap();
        assert_eq!(state.last_error.as_deref(), Some(err.to_string().as_str()));
        assert!(state.last_update.is_none());
    }
}

/// Short timeouts and backoff so failure tests take a second, not minutes.
fn quick() -> Limits {
    Limits {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_millis(700),
        total_timeout: Duration::from_secs(20),
        max_feed_bytes: 4 << 20,
        max_signature_bytes: 4096,
        attempts: 3,
        first_backoff: Duration::from_millis(20),
    }
}

fn quokka() -> serde_json::Value {
    service(
        "quokka-advice",
        "Quokka advice line",
        "fraud-cybercrime",
        &["National"],
    )
}

fn newer() -> Vec<u8> {
    bundled_feed_plus(&common::publisher::soon(60), vec![quokka()])
}

#[tokio::test]
async fn a_newer_signed_feed_is_applied_and_recorded() {
    let env = Env::new();
    env.publish(&newer(), Some("\"v1\""));
    let seen = std::sync::Mutex::new(Vec::new());
    let outcome = Syncer::new(quick())
        .sync(&env.source(), &env.dir, &env.store, &|p| {
            seen.lock().unwrap().push(p.describe())
        })
        .await
        .unwrap();
    assert_eq!(
        outcome,
        Outcome::Updated {
            generated_at: Some(common::publisher::soon(60).parse().unwrap()),
            services: 232,
            set_aside: 0
        }
    );
    assert_eq!(env.finds("quokka"), ["quokka-advice"]);
    assert_ne!(env.generation(), env.generation);
    // A fresh open (the next start-up) serves the new generation too.
    let reopened = Directory::open(env.data.path()).unwrap();
    assert_eq!(reopened.info().services, 232);

    let state = env.store.sync_state().unwrap();
    assert_eq!(state.etag.as_deref(), Some("\"v1\""));
    assert_eq!(state.services, 232);
    assert!(state.last_error.is_none());
    assert!(state.last_update.is_some() && state.last_success.is_some());
    assert_eq!(state.downloaded_bytes, newer().len() as u64);
    let line = sync::status_line(
        &env.dir.read().unwrap().info(),
        &state,
        jiff::Timestamp::now(),
    );
    assert_eq!(
        line.text,
        format!(
            "Updated just now · directory of {} · 232 services",
            common::publisher::shown_date(&common::publisher::soon(60))
        )
    );

    let steps = seen.lock().unwrap().clone();
    assert_eq!(steps.first().unwrap(), "Checking for an update…");
    assert!(
        steps.iter().any(|s| s.starts_with("Downloading ")),
        "{steps:?}"
    );
    assert!(steps.contains(&"Verifying the publisher's signature…".to_string()));
    assert!(steps.contains(&"Indexing 232 services…".to_string()));
    assert_eq!(
        env.store.shortlist().unwrap(),
        ["victim-support-london", "samaritans"]
    );
}

#[tokio::test]
async fn an_unchanged_feed_costs_one_conditional_request_and_no_rebuild() {
    let env = Env::new();
    env.publish(&newer(), Some("\"v1\""));
    env.sync().await.unwrap();
    let generation = env.generation();
    let before = env.server.requests().len();

    assert_eq!(env.sync().await.unwrap(), Outcome::Unchanged);
    let requests = env.server.requests();
    assert_eq!(
        requests.len(),
        before + 1,
        "one request, no signature download"
    );
    let last = requests.last().unwrap();
    assert_eq!(last.path, FEED);
    assert_eq!(
        last.headers.get("if-none-match").map(String::as_str),
        Some("\"v1\"")
    );
    assert_eq!(env.generation(), generation, "no new generation");
    let state = env.store.sync_state().unwrap();
    assert_eq!(state.downloaded_bytes, 0);
    assert!(state.last_error.is_none());
}

#[tokio::test]
async fn a_compressed_feed_is_accepted() {
    let env = Env::new();
    let body = newer();
    env.server.set(
        FEED,
        Reply::Ok {
            body: body.clone(),
            etag: None,
            gzip: true,
        },
    );
    env.server
        .set(SIG, Reply::ok(env.key.sign(&body).as_bytes()));
    env.sync().await.unwrap();
    assert_eq!(env.finds("quokka"), ["quokka-advice"]);
    let asked = &env.server.requests_for(FEED)[0];
    assert!(asked.headers["accept-encoding"].contains("gzip"));
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let env = Env::new();
    env.server.set(FEED, Reply::Status(500));
    let err = env.sync().await.unwrap_err();
    assert!(
        err.to_string().contains("500 Internal Server Error"),
        "{err}"
    );
    assert_eq!(env.server.requests_for(FEED).len(), 3, "tried three times");
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn a_missing_feed_is_reported_without_retrying() {
    let env = Env::new();
    let err = env.sync().await.unwrap_err();
    assert!(err.to_string().contains("404 Not Found"), "{err}");
    assert_eq!(env.server.requests_for(FEED).len(), 1);
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn a_refused_connection_is_reported() {
    let env = Env::new();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let source = Source {
        feed_url: format!("http://127.0.0.1:{port}/feed.json"),
        public_key: env.key.public_key(),
    };
    let err = Syncer::new(quick())
        .sync(&source, &env.dir, &env.store, &|_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("refused the connection"), "{err}");
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn a_server_that_stalls_mid_body_times_out() {
    let env = Env::new();
    let body = newer();
    env.server.set(
        FEED,
        Reply::Stall {
            sent: body.len() / 2,
            body,
        },
    );
    let err = env.sync().await.unwrap_err();
    assert!(err.to_string().contains("stopped responding"), "{err}");
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn a_truncated_body_is_refused() {
    let env = Env::new();
    let body = newer();
    env.server
        .set(SIG, Reply::ok(env.key.sign(&body).as_bytes()));
    env.server.set(
        FEED,
        Reply::Truncate {
            sent: body.len() - 100,
            body,
        },
    );
    let err = env.sync().await.unwrap_err();
    assert!(err.to_string().contains("cut short"), "{err}");
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_it_is_read() {
    let env = Env::new();
    let big = bundled_feed_plus(
        &common::publisher::soon(60),
        (0..9000)
            .map(|i| {
                service(
                    &format!("filler-{i}"),
                    "Filler service",
                    "other",
                    &["Camden"],
                )
            })
            .collect(),
    );
    assert!(big.len() as u64 > quick().max_feed_bytes);
    env.publish(&big, None);
    let err = env.sync().await.unwrap_err();
    assert!(matches!(err, Error::FeedTooLarge { limit_mb: 4 }), "{err}");
    assert_eq!(env.server.requests_for(FEED).len(), 1, "not retried");
    assert!(env.server.requests_for(SIG).is_empty());
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn a_gzip_bomb_is_stopped_at_the_limit() {
    let env = Env::new();
    // 256 MB of spaces compresses to about 1 MB; the limit stops inflation at 4 MB.
    let bomb = Reply::gzip_bomb(256 << 20);
    if let Reply::Gzipped(b) = &bomb {
        assert!(b.len() < 2 << 20, "a bomb: small on the wire");
    }
    env.server.set(FEED, bomb);
    let err = env.sync().await.unwrap_err();
    assert!(matches!(err, Error::FeedTooLarge { .. }), "{err}");
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn invalid_json_is_refused_even_when_signed() {
    let env = Env::new();
    env.publish(b"{\"services\": [", None);
    let err = env.sync().await.unwrap_err();
    assert!(matches!(err, Error::FeedNotJson(_)), "{err}");
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn a_feed_without_a_signature_is_refused() {
    let env = Env::new();
    env.server.set(FEED, Reply::ok(&newer()));
    let err = env.sync().await.unwrap_err();
    assert!(matches!(err, Error::SignatureMissing(_)), "{err}");
    assert!(err.to_string().contains("feed.json.minisig"), "{err}");
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn a_feed_signed_with_another_key_is_refused() {
    let env = Env::new();
    let body = newer();
    env.server.set(FEED, Reply::ok(&body));
    env.server
        .set(SIG, Reply::ok(TestKey::new().sign(&body).as_bytes()));
    let err = env.sync().await.unwrap_err();
    assert!(err.to_string().contains("different key"), "{err}");
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn a_tampered_feed_is_refused() {
    let env = Env::new();
    let body = newer();
    env.server
        .set(SIG, Reply::ok(env.key.sign(&body).as_bytes()));
    // One phone number changed after signing: the kind of edit that matters most.
    let tampered = String::from_utf8(body)
        .unwrap()
        .replacen("0800 000 0000", "0800 000 0001", 1);
    env.server.set(FEED, Reply::ok(tampered.as_bytes()));
    let err = env.sync().await.unwrap_err();
    assert!(err.to_string().contains("does not match the feed"), "{err}");
    env.assert_nothing_changed(&err);
}

#[tokio::test]
async fn an_older_feed_is_refused_even_when_signed() {
    let env = Env::new();
    env.publish(
        &bundled_feed_plus(&common::publisher::soon(60), vec![]),
        None,
    );
    env.sync().await.unwrap();
    let applied = env.generation();
    env.publish(
        &bundled_feed_plus(&common::publisher::soon(30), vec![quokka()]),
        None,
    );
    let err = env.sync().await.unwrap_err();
    assert!(matches!(err, Error::FeedNotNewer { .. }), "{err}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert_eq!(env.generation(), applied);
    assert!(env.finds("quokka").is_empty());
}

#[tokio::test]
async fn bad_records_are_set_aside_and_the_rest_applied() {
    let env = Env::new();
    let mut no_name = service("nameless", "x", "other", &["Camden"]);
    no_name.as_object_mut().unwrap().remove("name");
    let body = feed(
        &common::publisher::soon(60),
        vec![
            quokka(),
            service("zebra", "Zebra crossing support", "other", &["Camden"]),
            no_name,
            serde_json::json!("not a record"),
        ],
    );
    env.publish(&body, None);
    let outcome = env.sync().await.unwrap();
    assert_eq!(
        outcome,
        Outcome::Updated {
            generated_at: Some(common::publisher::soon(60).parse().unwrap()),
            services: 2,
            set_aside: 2
        }
    );
    assert_eq!(env.finds("quokka"), ["quokka-advice"]);
    let state = env.store.sync_state().unwrap();
    assert_eq!(state.set_aside.len(), 2);
    assert_eq!(state.set_aside[0].id.as_deref(), Some("nameless"));
    assert!(state.set_aside.iter().all(|p| !p.reason.is_empty()));
}

#[tokio::test]
async fn a_plain_http_feed_elsewhere_is_refused() {
    let env = Env::new();
    let err = Source::new("http://feeds.example.org/feed.json", &env.key.public).unwrap_err();
    assert!(err.to_string().contains("only https"), "{err}");
}

/// The bundled feed dated `generated_at` with the Samaritans' first number replaced.
fn with_samaritans_number(generated_at: &str, number: &str) -> Vec<u8> {
    let mut doc: serde_json::Value =
        serde_json::from_slice(&bundled_feed_plus(generated_at, vec![])).unwrap();
    let s = doc["services"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["id"] == "samaritans")
        .unwrap();
    s["phones"][0]["number"] = serde_json::json!(number);
    serde_json::to_vec(&doc).unwrap()
}

#[tokio::test]
async fn a_service_whose_number_an_update_changed_says_so_for_thirty_days() {
    let env = Env::new();
    env.publish(
        &with_samaritans_number(&common::publisher::soon(60), "0800 000 0001"),
        None,
    );
    env.sync().await.unwrap();
    let today = jiff::Zoned::now()
        .with_time_zone(signpost::hours::london().clone())
        .date();
    let expected = format!("Phone number changed on {}", today.strftime("%-d %b %Y"));
    let hit = |at: Option<jiff::Timestamp>| {
        let dir = env.dir.read().unwrap();
        let r = dir
            .search(&signpost::SearchRequest {
                at,
                ..text("samaritans")
            })
            .unwrap();
        let h = r
            .hits
            .iter()
            .find(|h| h.id == "samaritans")
            .unwrap()
            .clone();
        let others: Vec<String> = r
            .hits
            .iter()
            .filter(|h| h.phone_changed.is_some() && h.id != "samaritans")
            .map(|h| h.id.clone())
            .collect();
        (h, others)
    };
    let (h, others) = hit(None);
    assert_eq!(h.phone.unwrap().number, "0800 000 0001");
    assert_eq!(h.phone_changed.as_deref(), Some(expected.as_str()));
    assert!(others.is_empty(), "{others:?}");
    let details = env.dir.read().unwrap().service("samaritans", None).unwrap();
    assert_eq!(details.phone_changed.as_deref(), Some(expected.as_str()));
    // A month and a day on, it is no longer pointed out.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(31 * 24);
    assert_eq!(hit(Some(later)).0.phone_changed, None);

    // A later update that leaves the number alone keeps the notice; a fresh open too.
    env.publish(
        &with_samaritans_number(&common::publisher::soon(120), "0800 000 0001"),
        None,
    );
    env.sync().await.unwrap();
    assert_eq!(
        hit(None).0.phone_changed.as_deref(),
        Some(expected.as_str())
    );
    let reopened = Directory::open(env.data.path()).unwrap();
    let r = reopened.search(&text("samaritans")).unwrap();
    let h = r.hits.iter().find(|h| h.id == "samaritans").unwrap();
    assert_eq!(h.phone_changed.as_deref(), Some(expected.as_str()));
}
