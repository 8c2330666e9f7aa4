//! The publishing tools and `signpost sync`/`status`, run as a publisher and a user run
//! them: signatures interoperate with Debian's `minisign` both ways, and a sync applies a
//! newer signed feed and refuses a tampered, unsigned or older one, leaving the directory
//! exactly as it was.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::feed_server::{FeedServer, Reply};
use common::{
    assert_plain_error, bundled_feed_plus, data_dir, service, signpost, stderr, stdout, TestKey,
};

fn minisign(args: &[&str], cwd: &Path) -> Output {
    Command::new("minisign")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect(
            "the minisign tool is needed (Debian package minisign; `bash .ci/setup` installs it)",
        )
}

/// Refused with one plain sentence saying `words`.
fn assert_refused(o: &Output, words: &str) {
    assert_plain_error(o);
    let e = stderr(o);
    assert!(e.contains(words), "expected \"{words}\" in: {e}");
}

/// `signpost feed verify FILE --pubkey KEY`, run in `w`.
fn verify(w: &Path, file: &str, key: &str) -> Output {
    signpost(
        w,
        &[
            "feed",
            "verify",
            &w.join(file).to_string_lossy(),
            "--pubkey",
            key,
        ],
    )
}

#[cfg_attr(windows, ignore = "runs the minisign program, installed on Linux only")]
#[test]
fn feed_sign_output_verifies_with_minisign_and_minisign_output_verifies_with_feed_verify() {
    let work = data_dir();
    let w = work.path();
    std::fs::write(w.join("feed.json"), signpost::bundled::FEED).unwrap();

    // signpost signs, minisign verifies.
    let (sk, pk) = (w.join("sp.key"), w.join("sp.pub"));
    let o = signpost(
        w,
        &[
            "feed",
            "keygen",
            "--secret-key",
            &sk.to_string_lossy(),
            "--public-key",
            &pk.to_string_lossy(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .current_dir(w)
        .args(["feed", "keygen"])
        .output()
        .unwrap();
    assert!(o.status.success(), "default file names: {}", stderr(&o));
    assert!(w.join("signpost.key").exists() && w.join("signpost.pub").exists());
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .current_dir(w)
        .args(["feed", "sign", "feed.json", "--key", "sp.key"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = minisign(&["-V", "-m", "feed.json", "-p", "sp.pub"], w);
    assert!(o.status.success(), "minisign -V refused: {}", stderr(&o));
    // ...and minisign notices a change.
    std::fs::write(
        w.join("changed.json"),
        format!("{} ", signpost::bundled::FEED),
    )
    .unwrap();
    std::fs::copy(w.join("feed.json.minisig"), w.join("changed.json.minisig")).unwrap();
    assert!(!minisign(&["-V", "-m", "changed.json", "-p", "sp.pub"], w)
        .status
        .success());

    // minisign signs, signpost verifies (key as a file and as its base64 line).
    let o = minisign(&["-G", "-W", "-p", "m.pub", "-s", "m.key"], w);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(
        w.join("other.json"),
        b"{\"generated_at\": \"2099-01-01T00:00:00Z\"}",
    )
    .unwrap();
    let o = minisign(&["-S", "-s", "m.key", "-m", "other.json"], w);
    assert!(o.status.success(), "{}", stderr(&o));
    let pub_file = w.join("m.pub");
    let o = verify(w, "other.json", &pub_file.to_string_lossy());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Signature good"));
    let b64 = std::fs::read_to_string(&pub_file)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    let o = verify(w, "other.json", &b64);
    assert!(o.status.success(), "{}", stderr(&o));
    // The wrong key, and a changed file, are refused in one sentence.
    let o = verify(w, "other.json", &w.join("sp.pub").to_string_lossy());
    assert_refused(&o, "different key");
    std::fs::write(
        w.join("other.json"),
        b"{\"generated_at\": \"2099-01-02T00:00:00Z\"}",
    )
    .unwrap();
    let o = verify(w, "other.json", &b64);
    assert_refused(&o, "does not match");
}

#[cfg_attr(windows, ignore = "runs the minisign program, installed on Linux only")]
#[test]
fn the_bundled_snapshot_verifies_with_minisign() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = minisign(
        &[
            "-V",
            "-m",
            "index-data/feed.json",
            "-p",
            "index-data/publisher.pub",
        ],
        root,
    );
    assert!(
        o.status.success(),
        "re-sign index-data/feed.json: {}",
        stderr(&o)
    );
}

#[test]
fn keygen_never_overwrites_a_key() {
    let work = data_dir();
    let w = work.path();
    std::fs::write(w.join("signpost.key"), "precious").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_signpost"))
        .current_dir(w)
        .args(["feed", "keygen"])
        .output()
        .unwrap();
    assert_refused(&o, "already exists");
    assert_eq!(
        std::fs::read_to_string(w.join("signpost.key")).unwrap(),
        "precious"
    );
}

fn generation(dir: &Path) -> String {
    let o = signpost(dir, &["status", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["directory"]["generation"].as_str().unwrap().to_string()
}

#[test]
fn sync_applies_a_newer_signed_feed_and_refuses_tampered_unsigned_or_older_ones() {
    let d = data_dir();
    let key = TestKey::new();
    let key_file = d.path().join("publisher.pub");
    std::fs::write(&key_file, &key.public).unwrap();
    let server = FeedServer::start();
    let url = server.url("/feed.json");
    let sync = || {
        signpost(
            d.path(),
            &[
                "sync",
                "--feed",
                &url,
                "--pubkey",
                &key_file.to_string_lossy(),
            ],
        )
    };
    let first = generation(d.path());

    // Unsigned.
    let newer = bundled_feed_plus(
        &common::publisher::soon(60),
        vec![service(
            "quokka-advice",
            "Quokka advice line",
            "fraud-cybercrime",
            &["National"],
        )],
    );
    server.set("/feed.json", Reply::ok(&newer));
    assert_refused(&sync(), "no signature");
    assert_eq!(generation(d.path()), first);

    // Tampered after signing.
    server.set("/feed.json.minisig", Reply::ok(key.sign(&newer).as_bytes()));
    let mut tampered = newer.clone();
    tampered.extend_from_slice(b" ");
    server.set("/feed.json", Reply::ok(&tampered));
    assert_refused(&sync(), "signature was refused");
    assert_eq!(generation(d.path()), first);

    // Good.
    server.set("/feed.json", Reply::with_etag(&newer, "\"a\""));
    let o = sync();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        format!(
            "Updated: directory of {} · 232 services.",
            common::publisher::shown_date(&common::publisher::soon(60))
        )
    );
    let updated = generation(d.path());
    assert_ne!(updated, first);
    let found = signpost(d.path(), &["search", "quokka"]);
    assert!(stdout(&found).contains("Quokka advice line"));

    // Unchanged: exit 0, no new generation.
    let o = sync();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("Already current:"), "{}", stdout(&o));
    assert_eq!(generation(d.path()), updated);

    // Older, though signed.
    let older = bundled_feed_plus(&common::publisher::soon(30), vec![]);
    server.set("/feed.json", Reply::ok(&older));
    server.set("/feed.json.minisig", Reply::ok(key.sign(&older).as_bytes()));
    assert_refused(&sync(), "not newer");
    assert_eq!(generation(d.path()), updated);

    // `status` shows what sled recorded, in words and as JSON.
    let o = signpost(d.path(), &["status"]);
    let text = stdout(&o);
    assert!(
        text.starts_with(&format!(
            "Offline · directory of {} · 232 services",
            common::publisher::shown_date(&common::publisher::soon(60))
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "Last error:    The feed is dated {}, which is not newer",
            common::publisher::soon(30)
        )),
        "{text}"
    );
    let v: serde_json::Value =
        serde_json::from_slice(&signpost(d.path(), &["status", "--json"]).stdout).unwrap();
    assert_eq!(v["sync"]["feed_url"], url.as_str());
    assert_eq!(v["sync"]["etag"], "\"a\"");
    assert_eq!(v["sync"]["services"], 232);
    assert!(v["sync"]["last_update"].is_string());
    assert!(v["sync"]["last_error"]
        .as_str()
        .unwrap()
        .contains("not newer"));
}

#[test]
fn sync_without_a_feed_address_says_how_to_set_one() {
    let d = data_dir();
    assert_refused(&signpost(d.path(), &["sync"]), "o feed address is set");
}
