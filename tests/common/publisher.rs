//! A test publisher: a minisign key pair made for one test, and feeds built from the
//! bundled snapshot. Shared by the engine's tests and the app's end-to-end tests.

use serde_json::{json, Value};

/// A publisher key pair made for one test.
pub struct TestKey {
    dir: tempfile::TempDir,
    secret: std::path::PathBuf,
    /// The `.pub` file's text.
    pub public: String,
}

impl TestKey {
    pub fn new() -> TestKey {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("test.key");
        let public_path = dir.path().join("test.pub");
        signpost::signing::keygen(&secret, &public_path, None).unwrap();
        let public = std::fs::read_to_string(&public_path).unwrap();
        TestKey {
            dir,
            secret,
            public,
        }
    }

    pub fn public_key(&self) -> signpost::signing::PublicKey {
        signpost::signing::PublicKey::parse(&self.public).unwrap()
    }

    /// The detached signature (`.minisig` text) of `bytes`.
    pub fn sign(&self, bytes: &[u8]) -> String {
        let f = self.dir.path().join("data");
        std::fs::write(&f, bytes).unwrap();
        let sig = signpost::signing::sign_file(&f, &self.secret, None).unwrap();
        std::fs::read_to_string(sig).unwrap()
    }
}

/// The bundled snapshot re-dated `generated_at`, with `extra` services added.
pub fn bundled_feed_plus(generated_at: &str, extra: Vec<Value>) -> Vec<u8> {
    let mut doc: Value = serde_json::from_str(signpost::bundled::FEED).unwrap();
    doc["generated_at"] = json!(generated_at);
    doc["services"].as_array_mut().unwrap().extend(extra);
    serde_json::to_vec(&doc).unwrap()
}

/// A feed date `minutes` after the bundled snapshot's: newer than it, and (unlike a date in
/// 2099) not more than a day ahead of the clock, which Signpost refuses.
pub fn soon(minutes: i64) -> String {
    let bundled = signpost::bundled::generated_at().expect("the bundled feed is dated");
    (bundled + jiff::SignedDuration::from_mins(minutes)).to_string()
}

/// A feed date as the status line shows it ("30 Nov 2026").
pub fn shown_date(date: &str) -> String {
    signpost::hours::in_london(date.parse().unwrap(), "%-d %b %Y")
}
