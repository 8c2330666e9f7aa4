//! App benchmark: `cargo bench -p signpost-app --bench app [-- --services N --keystrokes K]`
//!
//! Runs the release app in a real window (private Xvfb, tauri-driver, WebKitWebDriver) and
//! measures, on this machine:
//! - keystroke to rendered results at N synthetic services (default 10,000), timed in the
//!   page: from the input event to the results list updated and laid out (and, separately,
//!   to the next animation frame, when it is painted); typed as a fast typist types (a key
//!   every 80 ms), then back to back (each key as soon as the last answer is painted);
//! - cold start to a usable search box: process start to the directory open and the
//!   search box ready, as the app itself reports it (median of 5 launches);
//! - memory: PSS summed over the app and its WebKit processes, just after start and after
//!   the typing (2 s and 15 s after the last key), against a bare Tauri window (the
//!   `bare_window` example) launched and measured the same way.
//!
//! The last line is the summary.

#![allow(clippy::await_holding_lock)]

#[path = "../tests/harness/mod.rs"]
mod harness;
#[path = "../../examples/synthetic/mod.rs"]
mod synthetic;

use std::process::Command;
use std::time::Duration;

use rand::SeedableRng;
use serde_json::json;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// PSS in kB of every process under `root` except the WebDriver plumbing.
fn tree_pss_kb(root: u32) -> (u64, Vec<String>) {
    let mut children: Vec<(u32, u32, String)> = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let close = stat.rfind(')').unwrap();
        let comm = stat[stat.find('(').unwrap() + 1..close].to_string();
        let ppid: u32 = stat[close + 2..]
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        children.push((pid, ppid, comm));
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(children.iter().filter(|c| c.1 == p).map(|c| c.0));
        i += 1;
    }
    let mut total = 0;
    let mut seen = Vec::new();
    for pid in tree {
        let comm = children
            .iter()
            .find(|c| c.0 == pid)
            .map(|c| c.2.clone())
            .unwrap_or_default();
        if pid == root || comm.starts_with("WebKitWebDriver") || comm.starts_with("tauri-driver") {
            continue;
        }
        let Ok(s) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        let kb: u64 = s
            .lines()
            .find(|l| l.starts_with("Pss:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        total += kb;
        seen.push(format!("{comm}={}MB", kb / 1024));
    }
    (total, seen)
}

/// Keystroke timings, measured inside the page. Keystrokes come `pace` ms apart (or as
/// soon as the previous one is painted, if later).
const TYPE_SCRIPT: &str = r#"
const [text, pace, done] = arguments;
const q = document.getElementById('q');
const list = document.getElementById('results');
const layout = [], frame = [], built = [];
let i = 0;
q.value = '';
function next() {
  if (i >= text.length) { done({ layout, frame, built }); return; }
  const before = Number(list.dataset.seq || 0);
  q.value = text.slice(0, ++i);
  const t0 = performance.now();
  const obs = new MutationObserver(() => {
    if (!(Number(list.dataset.seq || 0) > before)) return;
    obs.disconnect();
    built.push(performance.now() - t0);  // answer received and cards built
    list.getBoundingClientRect();  // style and layout done
    layout.push(performance.now() - t0);
    requestAnimationFrame(() => {
      const painted = performance.now() - t0;
      frame.push(painted);
      setTimeout(next, Math.max(0, pace - painted));
    });
  });
  obs.observe(list, { attributes: true, attributeFilter: ['data-seq'] });
  q.dispatchEvent(new Event('input'));
}
next();
"#;

/// Per-keystroke timings, sorted.
#[derive(Default)]
struct Typing {
    layout: Vec<f64>,
    frame: Vec<f64>,
    built: Vec<f64>,
}

impl Typing {
    /// Type the queries, a keystroke every `pace` ms, until `keystrokes` are timed.
    async fn run(app: &harness::App, pace: u64, keystrokes: usize) -> Typing {
        let mut t = Typing::default();
        'typing: loop {
            for q in QUERIES {
                let r = app
                    .client
                    .execute_async(TYPE_SCRIPT, vec![json!(q), json!(pace)])
                    .await
                    .unwrap();
                let get = |k: &str| -> Vec<f64> { serde_json::from_value(r[k].clone()).unwrap() };
                t.layout.extend(get("layout"));
                t.frame.extend(get("frame"));
                t.built.extend(get("built"));
                if t.layout.len() >= keystrokes {
                    break 'typing;
                }
            }
        }
        for v in [&mut t.layout, &mut t.frame, &mut t.built] {
            v.sort_by(f64::total_cmp);
        }
        t
    }

    fn print(&self, how: &str) {
        println!(
            "keystroke to results laid out, {how}, ms: p50 {:.2} p95 {:.2} max {:.2} (n={})",
            percentile(&self.layout, 0.5),
            percentile(&self.layout, 0.95),
            self.layout.last().unwrap(),
            self.layout.len()
        );
        println!(
            "  to the next frame, ms: p50 {:.2} p95 {:.2}; answer received and cards built, ms: p50 {:.2} p95 {:.2}",
            percentile(&self.frame, 0.5),
            percentile(&self.frame, 0.95),
            percentile(&self.built, 0.5),
            percentile(&self.built, 0.95)
        );
    }
}

/// The search command alone, called from the page as the UI calls it (IPC, engine and JSON
/// both ways, no rendering), and the page's card building alone (25 cards into a list
/// outside the document: JavaScript and DOM, no style or layout).
/// Times the `service` command for each id in `arguments[0]`, in milliseconds.
const DETAIL_SCRIPT: &str = r#"
const ids = arguments[0], done = arguments[arguments.length - 1];
(async () => {
  const times = [];
  for (const id of ids) {
    const t = performance.now();
    await window.__TAURI__.core.invoke('service', { id });
    times.push(performance.now() - t);
  }
  done(times);
})();
"#;

const IPC_SCRIPT: &str = r#"
const [queries, done] = arguments;
const invoke = window.__TAURI__.core.invoke;
const times = [], cards = [];
const q = document.getElementById('q');
let bytes = 0;
(async () => {
  for (const text of queries) {
    for (let i = 1; i <= text.length; i++) {
      const t0 = performance.now();
      const r = await invoke('search', { args: { text: text.slice(0, i), limit: 25 } });
      times.push(performance.now() - t0);
      bytes += JSON.stringify(r).length;
      const { renderResults } = await import('./js/results.js');
      const ol = document.createElement('ol');
      const t1 = performance.now();
      renderResults(ol, r.hits, { onOpen() {}, inSlip: () => false, onToggleSlip() {}, selectedId: null });
      cards.push(performance.now() - t1);
    }
  }
  done({ times, bytes, cards });
})();
"#;

/// A keystroke every 80 ms: 150 words a minute, a fast typist.
const PACE_MS: u64 = 80;

const QUERIES: &[&str] = &[
    "domestic abuse hackney",
    "hate crime advocate",
    "stalking helpline",
    "youth violence",
    "fraud support",
    "sexual violence",
    "modern slavery",
    "restorative justice",
    "witness service",
    "victim support croydon",
    "domestc abuse",
    "exploitation lambeth",
    "honour based abuse",
    "elder abuse",
    "mental health",
    "lgbt hate crime",
    "knife crime",
    "counselling women",
    "advice line",
    "casework team southwark",
];

#[tokio::main]
async fn main() {
    let services = arg("--services", 10_000);
    let keystrokes = arg("--keystrokes", 400);
    let _one = harness::serial();

    // A directory of N synthetic services, built by the engine.
    let big = tempfile::tempdir().unwrap();
    {
        let v = synthetic::vocabulary();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let feed = synthetic::synthetic_feed(services, &mut rng, &v);
        let mut dir = signpost::Directory::open(big.path()).unwrap();
        dir.apply_unsigned_feed(&feed).unwrap();
    }
    // Services spread across the directory, for timing detail views.
    let detail_ids: Vec<String> = {
        let dir = signpost::Directory::open(big.path()).unwrap();
        let n = dir.info().services;
        (0..40)
            .map(|i| dir.generation().summaries[i * n / 40].id.clone())
            .collect()
    };
    let driver = harness::Driver::start();

    // Keystrokes at N services.
    let app = driver.launch(big.path()).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (start_pss, start_parts) = tree_pss_kb(driver_pid(&driver));
    // As a fast typist types (150 words a minute), then keystrokes back to back, each
    // sent as soon as the previous one is painted (a stress test: the next search then
    // competes with painting the last answer).
    let typed = Typing::run(&app, PACE_MS, keystrokes).await;
    // Memory after a person's worth of searching (before the synthetic IPC loop below):
    // 2 s after the last key, and after 15 s of reading (JavaScriptCore may collect the
    // typing's garbage when idle; whether it does shows in the difference).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (app_pss, parts) = tree_pss_kb(driver_pid(&driver));
    tokio::time::sleep(Duration::from_secs(13)).await;
    let (settled_pss, settled_parts) = tree_pss_kb(driver_pid(&driver));
    let r = app
        .client
        .execute_async(IPC_SCRIPT, vec![json!(QUERIES)])
        .await
        .unwrap();
    let mut ipc: Vec<f64> = serde_json::from_value(r["times"].clone()).unwrap();
    ipc.sort_by(f64::total_cmp);
    let ipc_kb = r["bytes"].as_f64().unwrap() / ipc.len() as f64 / 1000.0;
    let mut cards: Vec<f64> = serde_json::from_value(r["cards"].clone()).unwrap();
    cards.sort_by(f64::total_cmp);
    let stressed = Typing::run(&app, 0, keystrokes).await;
    // Opening a service's details: the command through IPC, then the same and the detail
    // drawn (a click on a result card), at N services.
    let r = app
        .client
        .execute_async(DETAIL_SCRIPT, vec![json!(detail_ids)])
        .await
        .unwrap();
    let mut details: Vec<f64> = serde_json::from_value(r).unwrap();
    details.sort_by(f64::total_cmp);
    app.quit().await;

    // Cold start on the bundled directory (already built once, as on every start but the first).
    let bundled = tempfile::tempdir().unwrap();
    let mut ready = Vec::new();
    let mut first_run = 0.0;
    for i in 0..6 {
        let app = driver.launch(bundled.path()).await;
        let ms: f64 = app
            .eval("Number(document.body.dataset.readyMs)")
            .await
            .as_f64()
            .unwrap();
        if i == 0 {
            first_run = ms; // builds the index from the bundled snapshot
        } else {
            ready.push(ms);
        }
        app.quit().await;
    }
    ready.sort_by(f64::total_cmp);

    // The bare window, measured the same way: as Tauri sets it up, and with the app's
    // settings (`lean_processes`).
    let bare = bare_window();
    let mut bare_pss = Vec::new();
    for args in [json!([]), json!(["--lean"])] {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({ "application": bare, "args": args }),
        );
        let client = fantoccini::ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        )
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_secs(3)).await;
        let (kb, parts) = tree_pss_kb(driver_pid(&driver));
        client.close().await.unwrap();
        bare_pss.push((kb, parts));
    }
    let (bare_default, _) = bare_pss[0].clone();
    let (bare_pss, bare_parts) = bare_pss[1].clone();

    typed.print(&format!("a keystroke every {PACE_MS} ms"));
    stressed.print("back to back");
    println!(
        "search command alone (IPC + engine + JSON), ms: p50 {:.2} p95 {:.2}; {ipc_kb:.1} kB of JSON per answer",
        percentile(&ipc, 0.5),
        percentile(&ipc, 0.95)
    );
    println!(
        "service details command (IPC + engine + JSON), ms: p50 {:.2} max {:.2}",
        percentile(&details, 0.5),
        details.last().copied().unwrap_or(0.0)
    );
    println!(
        "building 25 cards alone (no layout), ms: p50 {:.2} p95 {:.2}",
        percentile(&cards, 0.5),
        percentile(&cards, 0.95)
    );
    println!("cold start to a usable search box, ms: median {:.0} (first run, building the index: {first_run:.0})", percentile(&ready, 0.5));
    println!(
        "memory PSS: app just started {} MB ({})",
        start_pss / 1024,
        start_parts.join(" ")
    );
    println!(
        "memory PSS: app after the typing above {} MB ({}), bare window with the app's settings {} MB ({}), bare window as Tauri sets it up {} MB",
        app_pss / 1024,
        parts.join(" "),
        bare_pss / 1024,
        bare_parts.join(" "),
        bare_default / 1024
    );
    println!(
        "memory PSS: app 15 s after the typing {} MB ({})",
        settled_pss / 1024,
        settled_parts.join(" ")
    );
    println!(
        "services={services} keystroke_p50_ms={:.2} keystroke_p95_ms={:.2} frame_p95_ms={:.2} cold_start_ms={:.0} app_pss_mb={} bare_pss_mb={} extra_mb={} settled_extra_mb={} bare_default_mb={}",
        percentile(&typed.layout, 0.5),
        percentile(&typed.layout, 0.95),
        percentile(&typed.frame, 0.95),
        percentile(&ready, 0.5),
        app_pss / 1024,
        bare_pss / 1024,
        (app_pss as i64 - bare_pss as i64) / 1024,
        (settled_pss as i64 - bare_pss as i64) / 1024,
        bare_default / 1024
    );
}

fn driver_pid(driver: &harness::Driver) -> u32 {
    driver.pid()
}

/// The bare window example, built in release mode next to this benchmark.
fn bare_window() -> std::path::PathBuf {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "signpost-app",
            "--example",
            "bare_window",
        ])
        .current_dir(harness::repo_root())
        .status()
        .expect("run cargo");
    assert!(status.success(), "building the bare window failed");
    // Beside the app binary, wherever the target directory is.
    let path = harness::app_binary()
        .parent()
        .unwrap()
        .join("examples/bare_window");
    assert!(path.exists());
    path
}
