//! Index generations on disk: first open builds from the bundled snapshot, reopening does
//! not rebuild, a corrupt or missing index is rebuilt from the kept feed, and a crash at
//! any point of a build leaves the previous generation serving.

mod common;

use std::fs;

use common::{data_dir, feed, ids, service, text};
use signpost::feed as feeds;
use signpost::geo::Geography;
use signpost::index::{self, Staged, CURRENT_FILE};
use signpost::thesaurus::Thesaurus;
use signpost::{Directory, Error, Opened};

fn newer_feed() -> Vec<u8> {
    feed(
        &common::publisher::soon(60),
        vec![
            service(
                "zebra-crossing-support",
                "Zebra crossing support",
                "other",
                &["Camden"],
            ),
            service(
                "quokka-advice",
                "Quokka advice line",
                "fraud-cybercrime",
                &["National"],
            ),
        ],
    )
}

#[test]
fn a_fresh_install_searches_the_bundled_snapshot() {
    let d = data_dir();
    let dir = Directory::open(d.path()).unwrap();
    assert_eq!(dir.opened(), &Opened::FromBundled);
    assert_eq!(dir.info().services, 231);
    assert_eq!(dir.info().set_aside, 0);
    assert!(!ids(&dir, &text("samaritans")).is_empty());
}

#[test]
fn reopening_uses_the_existing_generation_without_rebuilding() {
    let d = data_dir();
    let first = Directory::open(d.path()).unwrap().info().generation;
    let index_dir = d.path().join("directory").join(&first).join("index");
    let before: Vec<_> = fs::read_dir(&index_dir)
        .unwrap()
        .flatten()
        .map(|e| (e.path(), e.metadata().unwrap().modified().unwrap()))
        .collect();
    let again = Directory::open(d.path()).unwrap();
    assert_eq!(again.opened(), &Opened::Existing);
    assert_eq!(again.info().generation, first);
    let after: Vec<_> = fs::read_dir(&index_dir)
        .unwrap()
        .flatten()
        .map(|e| (e.path(), e.metadata().unwrap().modified().unwrap()))
        .collect();
    assert_eq!(before, after, "index files were rewritten");
}

#[test]
fn a_corrupt_index_is_rebuilt_from_the_kept_feed() {
    let d = data_dir();
    let mut dir = Directory::open(d.path()).unwrap();
    dir.apply_unsigned_feed(&newer_feed()).unwrap();
    let gen = dir.info().generation;
    drop(dir);
    // Damage the index: remove its files.
    let index_dir = d.path().join("directory").join(&gen).join("index");
    for e in fs::read_dir(&index_dir).unwrap().flatten() {
        fs::remove_file(e.path()).unwrap();
    }
    let dir = Directory::open(d.path()).unwrap();
    assert!(
        matches!(dir.opened(), Opened::Rebuilt { .. }),
        "{:?}",
        dir.opened()
    );
    // Rebuilt from the kept (synced) feed, not the bundled one.
    assert_eq!(dir.info().services, 2);
    assert_eq!(ids(&dir, &text("quokka"))[0], "quokka-advice");
}

#[test]
fn a_lost_current_pointer_falls_back_to_the_newest_whole_generation() {
    let d = data_dir();
    let mut dir = Directory::open(d.path()).unwrap();
    dir.apply_unsigned_feed(&newer_feed()).unwrap();
    drop(dir);
    fs::remove_file(d.path().join("directory").join(CURRENT_FILE)).unwrap();
    let dir = Directory::open(d.path()).unwrap();
    assert_eq!(dir.info().services, 2);
    // And the pointer is written again, naming what is served.
    assert_eq!(
        index::current_name(dir.root()).as_deref(),
        Some(dir.info().generation.as_str())
    );
}

#[test]
fn a_newer_feed_switches_generation_and_an_older_or_bad_one_changes_nothing() {
    let d = data_dir();
    let mut dir = Directory::open(d.path()).unwrap();
    let bundled_gen = dir.info().generation;
    dir.apply_unsigned_feed(&newer_feed()).unwrap();
    assert_ne!(dir.info().generation, bundled_gen);
    let current = dir.info().generation;

    let older = feed(
        "2001-01-01T00:00:00Z",
        vec![service("old", "Old", "other", &["National"])],
    );
    assert!(matches!(
        dir.apply_unsigned_feed(&older),
        Err(Error::FeedNotNewer { .. })
    ));
    assert!(matches!(
        dir.apply_unsigned_feed(b"not json"),
        Err(Error::FeedNotJson(_))
    ));
    let no_records = feed(
        "2100-01-01T00:00:00Z",
        vec![serde_json::json!({"name": "no id"})],
    );
    assert!(matches!(
        dir.apply_unsigned_feed(&no_records),
        Err(Error::FeedEmpty { .. })
    ));

    assert_eq!(dir.info().generation, current);
    assert_eq!(ids(&dir, &text("zebra"))[0], "zebra-crossing-support");
    // And from disk, too.
    let reopened = Directory::open(d.path()).unwrap();
    assert_eq!(reopened.info().generation, current);
}

/// A crash after the new generation was fully built but before it was switched to.
#[test]
fn crash_before_the_switch_leaves_the_previous_generation_serving() {
    let d = data_dir();
    let dir = Directory::open(d.path()).unwrap();
    let root = dir.root().to_path_buf();
    let before = dir.info().generation;
    drop(dir);

    let staged = stage_newer_feed(&root);
    // Simulate the process dying here: the staging folder stays on disk.
    std::mem::forget(staged);
    assert!(fs::read_dir(&root)
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("staging-")));

    let dir = Directory::open(d.path()).unwrap();
    assert_eq!(dir.opened(), &Opened::Existing);
    assert_eq!(dir.info().generation, before);
    assert_eq!(dir.info().services, 231);
}

/// A newer feed built in a staging folder under `root`, not yet committed.
fn stage_newer_feed(root: &std::path::Path) -> Staged {
    let bytes = newer_feed();
    let f = feeds::read(&bytes, Geography::bundled()).unwrap();
    Staged::build(
        root,
        &bytes,
        &f,
        None,
        Thesaurus::bundled(),
        &Default::default(),
    )
    .unwrap()
}

/// A crash after the new generation was moved into place but before CURRENT named it.
#[test]
fn crash_between_move_and_pointer_update_leaves_the_previous_generation_serving() {
    let d = data_dir();
    let dir = Directory::open(d.path()).unwrap();
    let root = dir.root().to_path_buf();
    let before = dir.info().generation;
    drop(dir);
    let current = fs::read(root.join(CURRENT_FILE)).unwrap();

    let new_name = stage_newer_feed(&root).commit().unwrap();
    // Undo the pointer switch, as if the process had died just before the rename, and
    // leave a half-written pointer file behind.
    fs::write(root.join(CURRENT_FILE), &current).unwrap();
    fs::write(root.join(format!("{CURRENT_FILE}.tmp-99999")), "gen-9").unwrap();

    let dir = Directory::open(d.path()).unwrap();
    assert_eq!(dir.info().generation, before);
    assert_ne!(before, new_name);
    assert_eq!(dir.info().services, 231);
}

/// A crash in the middle of writing a generation: a half-written folder must never be
/// opened, even if something names it.
#[test]
fn a_half_written_generation_is_never_served() {
    let d = data_dir();
    let dir = Directory::open(d.path()).unwrap();
    let root = dir.root().to_path_buf();
    drop(dir);
    // A generation folder without its COMPLETE marker, holding garbage.
    let half = root.join("gen-999999");
    fs::create_dir_all(half.join("index")).unwrap();
    fs::write(half.join("services.jsonl"), "{\"id\": ").unwrap();
    fs::write(root.join(CURRENT_FILE), "gen-999999\n").unwrap();

    // CURRENT names a generation that is not whole: the newest whole one serves, and it
    // is kept (not rebuilt over, not deleted).
    let complete = index::complete_generations(&root);
    let dir = Directory::open(d.path()).unwrap();
    assert_eq!(dir.opened(), &Opened::Existing);
    assert_eq!(dir.info().generation, complete[0]);
    assert_eq!(dir.info().services, 231);
    assert!(!ids(&dir, &text("samaritans")).is_empty());
}

/// Another process building a generation holds a claim on its staging folder: opening the
/// directory here (the app starting while the CLI syncs) leaves that build alone, on every
/// platform, and removes it once the claim is gone (that process died).
#[test]
fn a_build_another_process_has_in_progress_is_left_alone_until_that_process_is_gone() {
    let d = data_dir();
    let dir = Directory::open(d.path()).unwrap();
    let root = dir.root().to_path_buf();
    drop(dir);
    // The names another process (id 999999999) gives its build and its claim.
    let building = root.join("staging-999999999-5-7");
    fs::create_dir_all(building.join("index")).unwrap();
    let claim = signpost::files::Claim::take(&root.join("staging-999999999-5-7.lock")).unwrap();

    let dir = Directory::open(d.path()).unwrap();
    assert!(building.exists(), "a build in progress was deleted");
    drop(dir);

    drop(claim);
    let _dir = Directory::open(d.path()).unwrap();
    assert!(!building.exists(), "an abandoned build is removed");
    drop(_dir);

    // A process killed mid-build leaves its claim file behind, unlocked: its build goes.
    let killed = root.join("staging-999999998-1-1");
    fs::create_dir_all(killed.join("index")).unwrap();
    fs::write(root.join("staging-999999998-1-1.lock"), b"").unwrap();
    let _dir = Directory::open(d.path()).unwrap();
    assert!(!killed.exists(), "a killed build is removed");
}

#[test]
fn old_generations_and_abandoned_builds_are_cleaned_up() {
    let d = data_dir();
    let mut dir = Directory::open(d.path()).unwrap();
    let root = dir.root().to_path_buf();
    fs::create_dir_all(root.join("staging-999999999-2-3")).unwrap();
    for n in 1..5 {
        let f = feed(
            &common::publisher::soon(60 * n),
            vec![service("s", "Service", "other", &["National"])],
        );
        dir.apply_unsigned_feed(&f).unwrap();
    }
    let names: Vec<String> = fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let gens = names.iter().filter(|n| n.starts_with("gen-")).count();
    assert_eq!(
        gens, 2,
        "keeps the current and the previous generation: {names:?}"
    );
    assert!(
        !names.iter().any(|n| n.starts_with("staging-")),
        "{names:?}"
    );
    assert_eq!(index::current_name(&root).unwrap(), dir.info().generation);
}

/// The app keeps its directory open while the CLI (another process) applies two newer
/// feeds, which removes the generation the app is serving (on Windows the removal waits
/// while the files are open): the app still opens details.
#[test]
fn details_still_open_after_another_process_removes_the_generation_in_use() {
    let d = data_dir();
    let app = Directory::open(d.path()).unwrap();
    let serving = app.root().join(app.info().generation);
    let mut cli = Directory::open(d.path()).unwrap();
    for n in 1..3 {
        let f = feed(
            &common::publisher::soon(60 * n),
            vec![service("s", "Service", "other", &["National"])],
        );
        cli.apply_unsigned_feed(&f).unwrap();
    }
    if cfg!(unix) {
        assert!(!serving.exists(), "the old generation was removed");
    }

    let hit = &app.search(&text("samaritans")).unwrap().hits[0];
    let details = app.service(&hit.id, None).unwrap();
    assert_eq!(details.service.name, hit.name);
    assert!(!details.phones.is_empty());
}

#[test]
fn a_newer_bundled_snapshot_replaces_an_older_directory_after_an_upgrade() {
    let d = data_dir();
    let root = d.path().join("directory");
    fs::create_dir_all(&root).unwrap();
    // A directory synced long ago, older than the snapshot this program ships.
    let old = feed(
        "2020-01-01T00:00:00Z",
        vec![service(
            "old-service",
            "Old service",
            "other",
            &["National"],
        )],
    );
    let f = feeds::read(&old, Geography::bundled()).unwrap();
    index::build(&root, &old, &f, None, Thesaurus::bundled()).unwrap();

    let dir = Directory::open(d.path()).unwrap();
    assert_eq!(dir.opened(), &Opened::UpgradedToBundled);
    assert_eq!(dir.info().services, 231);
    assert!(ids(&dir, &text("old service"))
        .iter()
        .all(|id| id != "old-service"));
}

/// A real crash: the CLI building a fresh directory is killed (SIGKILL) at random moments.
/// Whatever it left behind, the next open serves a whole directory.
#[test]
fn killing_the_process_mid_build_never_leaves_a_broken_directory() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261122);
    // How long a whole first build takes here, to spread the kills over it.
    let d = data_dir();
    let started = std::time::Instant::now();
    let ok = std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
        .arg("--data-dir")
        .arg(d.path())
        .args(["search", "samaritans"])
        .output()
        .unwrap();
    assert!(ok.status.success());
    let full = started.elapsed().as_micros() as u64;

    let mut interrupted = 0;
    for _ in 0..20 {
        let d = data_dir();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_signpost"))
            .arg("--data-dir")
            .arg(d.path())
            .args(["search", "samaritans"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(rng.random_range(0..full)));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        interrupted += usize::from(!status.success());

        let dir = Directory::open(d.path()).unwrap();
        assert_eq!(dir.info().services, 231);
        assert_eq!(ids(&dir, &text("samaritans"))[0], "samaritans");
        // No half-built generation is named current.
        let root = d.path().join("directory");
        let current = index::current_name(&root).unwrap();
        assert!(root.join(&current).join("COMPLETE").exists());
    }
    assert!(
        interrupted >= 5,
        "only {interrupted} of 20 runs were killed before finishing"
    );
}

#[test]
fn a_directory_indexed_by_an_earlier_version_is_reindexed_from_its_own_feed() {
    let d = data_dir();
    let mut dir = Directory::open(d.path()).unwrap();
    dir.apply_unsigned_feed(&newer_feed()).unwrap();
    let gen = dir.info().generation;
    drop(dir);
    // What an earlier version wrote: the same generation, made with another thesaurus.
    let meta = d.path().join("directory").join(&gen).join("meta.json");
    let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&meta).unwrap()).unwrap();
    m["indexed_with"] = serde_json::json!("1-0000000000000000");
    fs::write(&meta, serde_json::to_vec(&m).unwrap()).unwrap();
    let dir = Directory::open(d.path()).unwrap();
    assert!(
        matches!(dir.opened(), Opened::Rebuilt { reason } if reason.contains("earlier version")),
        "{:?}",
        dir.opened()
    );
    assert_ne!(dir.info().generation, gen);
    // The directory it serves is still the synced one, not the bundled snapshot.
    assert_eq!(dir.info().services, 2);
    assert_eq!(ids(&dir, &text("quokka"))[0], "quokka-advice");
    // And the next start opens it as it is.
    drop(dir);
    assert_eq!(
        Directory::open(d.path()).unwrap().opened(),
        &Opened::Existing
    );
}
