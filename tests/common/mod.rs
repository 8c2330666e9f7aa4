//! Helpers shared by the integration tests: feed documents built in code, and a fresh
//! data folder per test.
#![allow(dead_code)]

use serde_json::{json, Value};
use signpost::Directory;

/// A valid HSDS service record with the given id and name, covering `areas`.
pub fn service(id: &str, name: &str, category: &str, areas: &[&str]) -> Value {
    json!({
        "id": id,
        "name": name,
        "description": format!("{name}: support for people affected by crime."),
        "organization": {"id": format!("{id}-org"), "name": format!("{name} Trust")},
        "phones": [{"id": format!("{id}-phone"), "number": "0800 000 0000", "description": "Helpline"}],
        "service_areas": areas.iter().map(|a| json!({"name": a})).collect::<Vec<_>>(),
        "attributes": [
            {"taxonomy_term": {"code": category, "taxonomy": "signpost:category"}},
            {"taxonomy_term": {"code": "both", "taxonomy": "signpost:referral"}}
        ]
    })
}

/// A feed envelope around `services`, dated `generated_at`.
pub fn feed(generated_at: &str, services: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "version": "3.0",
        "publisher": {"name": "Test publisher"},
        "generated_at": generated_at,
        "services": services
    }))
    .unwrap()
}

/// A fresh, empty data folder (kept alive by the returned guard).
pub fn data_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// Open a directory in a fresh folder: it starts from the bundled snapshot.
pub fn bundled() -> (tempfile::TempDir, Directory) {
    let d = data_dir();
    let dir = Directory::open(d.path()).unwrap();
    (d, dir)
}

/// Ids of the services the request's words found: none when nothing matched them and the
/// general routes stood in (see `Understood::nothing_matched`).
pub fn ids(dir: &Directory, req: &signpost::SearchRequest) -> Vec<String> {
    let r = dir.search(req).unwrap();
    if r.understood.nothing_matched {
        return Vec::new();
    }
    r.hits.into_iter().map(|h| h.id).collect()
}

/// A search request for some text.
pub fn text(q: &str) -> signpost::SearchRequest {
    signpost::SearchRequest {
        text: q.into(),
        limit: 20,
        ..Default::default()
    }
}

/// A file or folder under ../shared beside the repository (CI has it); `None`, with a note
/// saying the test was skipped, when this checkout has no shared folder.
pub fn shared(rel: &str) -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else if std::env::var_os("CI").is_some() {
        // CI always has the shared folder: a test that skipped there would pass unseen.
        panic!(
            "{} not found, and CI is set: the shared folder must sit beside the repository",
            p.display()
        );
    } else {
        eprintln!(
            "skipped: {} not found (the shared data folder sits beside the repository in CI)",
            p.display()
        );
        None
    }
}

pub mod feed_server;
pub mod publisher;
#[allow(unused_imports)]
pub use publisher::{bundled_feed_plus, TestKey};

/// Run the `signpost` command line on a data folder, as a user would.
pub fn signpost(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("SIGNPOST_KEY_PASSWORD")
        .output()
        .unwrap()
}

pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One plain sentence on stderr: no panic, no backtrace, no debug dump.
pub fn assert_plain_error(o: &std::process::Output) {
    assert!(!o.status.success(), "{}", stdout(o));
    let e = stderr(o);
    assert!(e.starts_with("signpost: "), "{e}");
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    assert!(
        !e.contains("panicked") && !e.contains("backtrace") && !e.contains("Error {"),
        "{e}"
    );
}

/// A small tmpfs mounted for one test (a disk that fills up, or is made read-only), unmounted
/// when dropped. `None` (with a note) where this machine does not allow mounting; in CI, which
/// runs as root, that is a failure rather than a skip.
pub struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    pub fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(Tmpfs { dir });
        }
        if std::env::var_os("CI").is_some() {
            panic!("could not mount a tmpfs, and CI is set: the disk fault tests must run");
        }
        eprintln!("note: skipped, this machine does not allow mounting a tmpfs");
        None
    }

    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Remount read-only (`writable = false`) or read-write.
    pub fn remount(&self, writable: bool) {
        let opt = if writable { "remount,rw" } else { "remount,ro" };
        let ok = std::process::Command::new("mount")
            .args(["-o", opt])
            .arg(self.dir.path())
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount {opt}");
    }

    /// Fill the disk with one file, leaving nothing free.
    pub fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let path = self.dir.path().join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let small = [0u8; 512];
        while f.write_all(&small).is_ok() {}
        while f.write_all(&[0u8]).is_ok() {}
        let _ = f.sync_all();
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}
