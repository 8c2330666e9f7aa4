//! Faults of the disk under the store and the directory, on real files: a full disk (a
//! small tmpfs filled up), a read-only data folder (a tmpfs remounted read-only), a
//! scribbled store, and removed shortlist entries that must leave the disk.

mod common;

use std::sync::{Arc, RwLock};

use common::feed_server::{FeedServer, Reply};
use common::publisher::{bundled_feed_plus, soon, TestKey};
use common::{data_dir, text, Tmpfs};
use signpost::store::{Settings, Store};
use signpost::sync::{Source, Syncer};
use signpost::{Directory, Error};

fn files_contain(dir: &std::path::Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for e in walk(dir) {
        if std::fs::read(&e)
            .map(|b| b.windows(needle.len()).any(|w| w == needle))
            .unwrap_or(false)
        {
            found.push(e);
        }
    }
    found
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_removed_shortlist_entry_is_gone_from_the_disk() {
    let d = data_dir();
    let store = Store::open(d.path()).unwrap();
    store.add_to_shortlist("samaritans").unwrap();
    store.add_to_shortlist("zz-private-choice-4711").unwrap();
    assert!(!files_contain(d.path(), b"zz-private-choice-4711").is_empty());
    assert_eq!(
        store
            .remove_from_shortlist("zz-private-choice-4711")
            .unwrap(),
        ["samaritans"]
    );
    assert_eq!(
        files_contain(d.path(), b"zz-private-choice-4711"),
        Vec::<std::path::PathBuf>::new()
    );
    // The store still works, and keeps what stayed.
    store.add_to_shortlist("victim-support-london").unwrap();
    drop(store);
    let store = Store::open(d.path()).unwrap();
    assert_eq!(
        store.shortlist().unwrap(),
        ["samaritans", "victim-support-london"]
    );
}

#[test]
fn a_store_that_will_not_open_is_moved_aside_and_rebuilt_from_its_copy() {
    let d = data_dir();
    {
        let store = Store::open(d.path()).unwrap();
        store.add_to_shortlist("samaritans").unwrap();
        store
            .save_settings(&Settings {
                home_borough: Some("E09000012".into()),
                ..Default::default()
            })
            .unwrap();
    }
    // Scribble over sled's log: every byte of it.
    let db = d.path().join("store").join("db");
    let len = std::fs::metadata(&db).unwrap().len() as usize;
    std::fs::write(&db, vec![0x5au8; len]).unwrap();
    for f in walk(&d.path().join("store")) {
        if f.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("snap."))
        {
            std::fs::write(&f, vec![0x5au8; 64]).unwrap();
        }
    }

    let store = Store::open(d.path()).unwrap();
    assert_eq!(store.shortlist().unwrap(), ["samaritans"]);
    assert_eq!(
        store.settings().unwrap().home_borough.as_deref(),
        Some("E09000012")
    );
    let said = store.recovered().expect("the user is told");
    assert!(said.contains("nothing was lost"), "{said}");
    let kept: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("store.damaged-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "the damaged store is kept, not deleted");
}

/// The last place `needle` appears in the file at `path`.
fn last_offset_of(path: &std::path::Path, needle: &[u8]) -> Option<usize> {
    let bytes = std::fs::read(path).unwrap();
    bytes.windows(needle.len()).rposition(|w| w == needle)
}

#[test]
fn a_small_scribble_in_the_store_loses_no_shortlisted_service() {
    let d = data_dir();
    let home = Settings {
        home_borough: Some("E09000012".into()),
        ..Default::default()
    };
    let chosen = [
        "samaritans",
        "victim-support-london",
        "galop-national-lgbt-plus-domestic-abuse-helpline",
    ];
    {
        let store = Store::open(d.path()).unwrap();
        store.save_settings(&home).unwrap();
        for id in chosen {
            store.add_to_shortlist(id).unwrap();
        }
    }
    // 16 bytes written over sled's newest record: sled then reads its log up to the damage
    // and opens, silently, on an older shortlist.
    let db = d.path().join("store").join("db");
    let at = last_offset_of(&db, chosen[2].as_bytes()).expect("the last id is in sled's log");
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[at..at + 16].fill(0x5a);
    std::fs::write(&db, bytes).unwrap();

    let store = Store::open(d.path()).unwrap();
    assert_eq!(
        store.shortlist().unwrap(),
        chosen,
        "no shortlisted service is lost"
    );
    assert_eq!(store.settings().unwrap(), home, "the home borough stays");
    let said = store.recovered().expect("the user is told");
    assert!(said.contains("restored from the copy"), "{said}");
    // And the copy, which restored them, still holds them after the next change.
    store.add_to_shortlist("childline").unwrap();
    drop(store);
    let copy = std::fs::read_to_string(d.path().join("store.json")).unwrap();
    for id in chosen {
        assert!(copy.contains(id), "{id} is still in the copy: {copy}");
    }
}

#[cfg_attr(
    windows,
    ignore = "mounts a small tmpfs (Linux mount) to fill or make read-only"
)]
#[test]
fn a_full_disk_refuses_a_change_plainly_and_loses_nothing() {
    let Some(disk) = Tmpfs::mount("4m") else {
        return;
    };
    {
        let store = Store::open(disk.path()).unwrap();
        store.add_to_shortlist("samaritans").unwrap();
        let filler = disk.fill();
        let err = store.add_to_shortlist("victim-support-london").unwrap_err();
        assert!(err.to_string().contains("the disk is full"), "{err}");
        assert_eq!(
            store.shortlist().unwrap(),
            ["samaritans"],
            "nothing changed"
        );
        std::fs::remove_file(filler).unwrap();
    }
    let store = Store::open(disk.path()).unwrap();
    assert_eq!(store.shortlist().unwrap(), ["samaritans"]);
    assert!(store.recovered().is_none());
    store.add_to_shortlist("victim-support-london").unwrap();
}

#[cfg_attr(
    windows,
    ignore = "mounts a small tmpfs (Linux mount) to fill or make read-only"
)]
#[tokio::test]
async fn a_full_disk_during_an_update_leaves_the_directory_serving() {
    let Some(disk) = Tmpfs::mount("40m") else {
        return;
    };
    let dir = Arc::new(RwLock::new(Directory::open(disk.path()).unwrap()));
    let store = Store::open(disk.path()).unwrap();
    let generation = dir.read().unwrap().info().generation;
    let (key, server) = (TestKey::new(), FeedServer::start());
    let body = bundled_feed_plus(&soon(60), vec![]);
    server.set("/feed.json", Reply::ok(&body));
    server.set("/feed.json.minisig", Reply::ok(key.sign(&body).as_bytes()));
    let filler = disk.fill();
    let source = Source {
        feed_url: server.url("/feed.json"),
        public_key: key.public_key(),
    };
    let err = Syncer::default()
        .sync(&source, &dir, &store, &|_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("the disk is full"), "{err}");
    assert_eq!(dir.read().unwrap().info().generation, generation);
    assert!(!dir
        .read()
        .unwrap()
        .search(&text("samaritans"))
        .unwrap()
        .hits
        .is_empty());
    std::fs::remove_file(filler).unwrap();
    let reopened = Directory::open(disk.path()).unwrap();
    assert_eq!(reopened.info().generation, generation);
}

#[cfg_attr(
    windows,
    ignore = "mounts a small tmpfs (Linux mount) to fill or make read-only"
)]
#[tokio::test]
async fn a_read_only_data_folder_still_answers_and_says_updates_are_off() {
    let Some(disk) = Tmpfs::mount("40m") else {
        return;
    };
    drop(Directory::open(disk.path()).unwrap());
    disk.remount(false);
    let dir = Directory::open(disk.path()).unwrap();
    assert_eq!(dir.opened(), &signpost::Opened::Existing);
    assert!(!dir.search(&text("domestic abuse")).unwrap().hits.is_empty());
    let why = dir.read_only().expect("updates are off").to_string();
    let dir = Arc::new(RwLock::new(dir));
    let d = data_dir();
    let store = Store::open(d.path()).unwrap();
    let source = Source {
        feed_url: "https://feeds.example.org/feed.json".into(),
        public_key: signpost::signing::PublicKey::publisher(),
    };
    let err = Syncer::default()
        .sync(&source, &dir, &store, &|_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UpdatesOff(_)), "{err}");
    assert!(err.to_string().contains(&why), "{err}");

    // Read-only and damaged: nothing can be rebuilt there, and still the directory answers.
    // (Closed first: Linux will not make a disk read-only with a deleted file still open.)
    drop(dir);
    disk.remount(true);
    let gen = signpost::index::current_name(&disk.path().join("directory")).unwrap();
    let index_dir = disk.path().join("directory").join(gen).join("index");
    let pos = walk(&index_dir)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "pos"))
        .unwrap();
    std::fs::remove_file(pos).unwrap();
    disk.remount(false);
    let dir = Directory::open(disk.path()).unwrap();
    assert!(
        matches!(dir.opened(), signpost::Opened::Rebuilt { .. }),
        "{:?}",
        dir.opened()
    );
    assert!(!dir.search(&text("domestic abuse")).unwrap().hits.is_empty());
    assert!(dir.read_only().is_some());
    disk.remount(true);
}
