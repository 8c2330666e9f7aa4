//! The publisher's `feed build` at 200,000 services, all run by one organisation, as a
//! process under a memory cap. Each service repeats its organisation, whose description
//! once listed every service it runs: the feed then grew with the square of that number
//! (20,000 services made 200 MB) and a 200,000-service build was killed at 23.7 GB.

#![cfg(target_os = "linux")]

mod common;

use std::io::Write as _;
use std::os::unix::process::CommandExt as _;
use std::process::Command;

/// Most memory the build may use: a little over twice what it needs today.
const MEMORY_CAP: u64 = 6 << 30;
const SERVICES: usize = 200_000;

#[test]
fn feed_build_of_200000_services_of_one_organisation_stays_under_a_memory_cap() {
    let Some(path) = common::shared("data/services.jsonl") else {
        panic!("../shared/data/services.jsonl is needed");
    };
    let text = std::fs::read_to_string(path).unwrap();
    let record: serde_json::Value = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["organisation"] == "Hackney Council")
        .expect("a Hackney record");
    let d = common::data_dir();
    let sources = d.path().join("sources.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&sources).unwrap());
    for i in 0..SERVICES {
        let mut r = record.clone();
        r["id"] = format!("svc-{i}").into();
        r["name"] = format!("Community support {i}").into();
        r["organisation"] = "One Large Council".into();
        serde_json::to_writer(&mut out, &r).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.into_inner().unwrap().sync_all().unwrap();
    let feed = d.path().join("feed.json");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_signpost"));
    cmd.arg("--data-dir")
        .arg(d.path().join("data"))
        .args([
            "feed",
            "build",
            "--generated-at",
            "2026-12-08T00:00:00Z",
            "--out",
        ])
        .arg(&feed)
        .arg(&sources);
    // SAFETY: setrlimit is async-signal-safe and touches only the child about to exec.
    unsafe {
        cmd.pre_exec(|| {
            let cap = libc::rlimit {
                rlim_cur: MEMORY_CAP,
                rlim_max: MEMORY_CAP,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &cap) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    assert!(
        o.status.success(),
        "feed build failed under a {} GB cap: {}",
        MEMORY_CAP >> 30,
        common::stderr(&o)
    );
    assert!(
        common::stdout(&o).contains(&format!("{SERVICES} services written")),
        "{}",
        common::stdout(&o)
    );
    // Linear in the services: a few KB each, not their organisation's whole list.
    let size = std::fs::metadata(&feed).unwrap().len();
    assert!(
        size < (SERVICES as u64) * 8_000,
        "{} MB for {SERVICES} services",
        size >> 20
    );
    // The organisation's description names its first services and counts the rest.
    let mut head = vec![0u8; 1 << 20];
    let n = std::io::Read::read(&mut std::fs::File::open(&feed).unwrap(), &mut head).unwrap();
    let head = String::from_utf8_lossy(&head[..n]);
    let said = format!("and {} more.", SERVICES - 10);
    assert!(
        head.contains(&said),
        "{said} not in {}",
        &head[..2000.min(head.len())]
    );
}
