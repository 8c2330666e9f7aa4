//! The publisher's tools and sync at scale: time and peak memory of each, run as the
//! `signpost` command a publisher runs.
//!
//! ```sh
//! cargo build --release --bin signpost
//! cargo run --release --example publisher_bench -- --services 200000
//! ```
//!
//! Phases, each a separate process whose peak resident memory is read from the kernel
//! (`wait4`): `feed build` from N source records (all one organisation, the worst case),
//! `validate` and `feed diff` of the built feed, `import` of it served as an ORUK API (500
//! services a page) by a server on 127.0.0.1, and `sync` of it, signed, from that server
//! into an empty data folder. The server is a process of its own (this example run with
//! `--serve`), and this one stays small: Linux counts a child's peak from the moment it was
//! forked, so a large parent would be counted in every phase.

#[cfg(unix)]
use std::io::Read as _;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use serde_json::{json, Value};

#[derive(Parser)]
struct Args {
    /// Services in the feed.
    #[arg(long, default_value_t = 200_000)]
    services: usize,
    /// Services on each page of the API `import` reads.
    #[arg(long, default_value_t = 500)]
    per_page: usize,
    /// Serve this signed feed, and its services as an ORUK API, on 127.0.0.1; print the
    /// address and run until killed (used by the benchmark itself).
    #[arg(long, value_name = "FEED_FILE")]
    serve: Option<PathBuf>,
}

/// The `signpost` binary built beside this example (`cargo build --release --bin signpost`).
fn signpost_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join(format!("signpost{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build --release --bin signpost` first",
        bin.display()
    );
    bin
}

/// Run `signpost` with `args`; print its wall time (peak memory is read with `wait4`,
/// which Windows has not).
#[cfg(not(unix))]
fn phase(what: &str, data: &Path, args: &[&str]) {
    let started = Instant::now();
    let o = Command::new(signpost_binary())
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    println!(
        "{what:<14} {:>7.1} s{}",
        started.elapsed().as_secs_f64(),
        if o.status.success() { "" } else { "  FAILED" }
    );
}

/// Run `signpost` with `args`; print its wall time and peak resident memory.
#[cfg(unix)]
fn phase(what: &str, data: &Path, args: &[&str]) {
    let started = Instant::now();
    // Reaped by `wait4` below, which also gives its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(signpost_binary())
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, filling `status` and `usage`.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    let seconds = started.elapsed().as_secs_f64();
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let mut err = String::new();
    if let Some(mut e) = child.stderr {
        let _ = e.read_to_string(&mut err);
    }
    // ru_maxrss is in kilobytes on Linux.
    println!(
        "{what:<14} {seconds:>7.1} s  peak {:>6} MB{}",
        usage.ru_maxrss / 1024,
        if ok {
            String::new()
        } else {
            format!("  FAILED: {}", err.trim())
        }
    );
}

/// N source records (the shape of shared/data/services.jsonl), all run by one council.
fn source_records(n: usize, path: &Path) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let boroughs = [
        "Hackney", "Camden", "Croydon", "Lambeth", "Newham", "Barnet",
    ];
    for i in 0..n {
        let r = json!({
            "id": format!("svc-{i}"), "caution": "", "name": format!("Community support {i}"),
            "organisation": "One Large Council",
            "description": format!("Advice and support after a crime, service {i}."),
            "categories": ["general-victim-support"], "boroughs": [boroughs[i % boroughs.len()]],
            "phones": [{"number": "020 7946 0000", "label": "Advice line", "hours": "", "source": ""}],
            "website": "", "email": "", "referral": "self", "eligibility": "", "hours": "",
            "languages": [], "sources": ["https://example.org/"], "verified_on": null, "notes": ""
        });
        serde_json::to_writer(&mut out, &r).unwrap();
        out.write_all(b"\n").unwrap();
    }
    out.flush().unwrap();
}

/// Serve `routes` (path → body) on 127.0.0.1 until the process ends; returns the base URL.
fn serve(routes: std::collections::HashMap<String, Vec<u8>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let routes = Arc::new(routes);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let routes = Arc::clone(&routes);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                }
                let mut stream = stream;
                match routes.get(&path) {
                    Some(body) => {
                        let _ = write!(
                            stream,
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(body);
                    }
                    None => {
                        let _ = write!(
                            stream,
                            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        );
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// Serve `feed` and its signature, and its services as pages of `per_page`; print the
/// address on stdout.
fn serve_feed(feed: &Path, per_page: usize) {
    let bytes = std::fs::read(feed).unwrap();
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    let services = doc["services"].as_array().unwrap();
    let mut routes = std::collections::HashMap::new();
    let pages: Vec<&[Value]> = services.chunks(per_page).collect();
    for (p, chunk) in pages.iter().enumerate() {
        let body = json!({"total_items": services.len(), "total_pages": pages.len(),
            "page_number": p + 1, "size": per_page, "contents": chunk});
        routes.insert(
            format!("/api/services?page={}", p + 1),
            serde_json::to_vec(&body).unwrap(),
        );
    }
    drop(doc);
    let mut signature = feed.as_os_str().to_owned();
    signature.push(".minisig");
    routes.insert(
        "/feed.json.minisig".into(),
        std::fs::read(PathBuf::from(signature)).unwrap(),
    );
    routes.insert("/feed.json".into(), bytes);
    println!("{}", serve(routes));
    loop {
        std::thread::park();
    }
}

fn main() {
    let args = Args::parse();
    if let Some(feed) = &args.serve {
        serve_feed(feed, args.per_page);
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let data = w.join("data");
    let sources = w.join("sources.jsonl");
    source_records(args.services, &sources);
    let feed = w.join("feed.json");
    let (feed_s, sources_s) = (feed.to_str().unwrap(), sources.to_str().unwrap());
    println!(
        "{} services, {} source records ({} MB); machine: {} cores",
        args.services,
        args.services,
        std::fs::metadata(&sources).unwrap().len() >> 20,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    phase(
        "feed build",
        &data,
        &["feed", "build", "--out", feed_s, sources_s],
    );
    println!(
        "  feed: {} MB",
        std::fs::metadata(&feed).unwrap().len() >> 20
    );
    phase("validate", &data, &["validate", feed_s]);
    phase("feed diff", &data, &["feed", "diff", feed_s, feed_s]);

    let (secret, public) = (w.join("bench.key"), w.join("bench.pub"));
    let (secret_s, public_s) = (secret.to_str().unwrap(), public.to_str().unwrap());
    phase(
        "keygen",
        &data,
        &[
            "feed",
            "keygen",
            "--secret-key",
            secret_s,
            "--public-key",
            public_s,
        ],
    );
    phase(
        "feed sign",
        &data,
        &["feed", "sign", feed_s, "--key", secret_s],
    );
    // The signed feed and the same services as an ORUK API, served by another process.
    let mut server = Command::new(std::env::current_exe().unwrap())
        .args(["--per-page", &args.per_page.to_string(), "--serve", feed_s])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut base = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut base)
        .unwrap();
    let base = base.trim().to_string();

    let imported = w.join("imported.json");
    phase(
        "import",
        &data,
        &[
            "import",
            &format!("{base}/api"),
            "--out",
            imported.to_str().unwrap(),
        ],
    );
    phase(
        "sync",
        &w.join("synced"),
        &[
            "sync",
            "--feed",
            &format!("{base}/feed.json"),
            "--pubkey",
            public_s,
        ],
    );
    let _ = server.kill();
    let _ = server.wait();
}
