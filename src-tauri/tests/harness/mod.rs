//! Runs the real app in a real window: a private Xvfb display, tauri-driver (which starts
//! WebKitWebDriver), and a WebDriver session per app launch. Everything started here is
//! stopped when its guard drops, also when a test fails.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// One app at a time: each launch is a WebKit web process and a build of the index, and
/// the machine has two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The app binary Cargo built for these tests.
pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_signpost-app"))
}

fn need(tool: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{tool} is not installed; the end-to-end tests need it. Run the tests with `bash .ci/setup cargo test`, which installs it."
    );
}

/// A private X display, so tests never touch the user's screen.
pub struct Display {
    child: Child,
    pub name: String,
}

impl Display {
    pub fn start() -> Display {
        need("Xvfb");
        for n in 140..240 {
            if display_in_use(n) {
                continue;
            }
            // No server holds the display: a socket left there would look like ours.
            remove_display_files(&n.to_string());
            let mut child = Command::new("Xvfb")
                .args([
                    &format!(":{n}"),
                    "-screen",
                    "0",
                    "1280x900x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start Xvfb");
            let socket = format!("/tmp/.X11-unix/X{n}");
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                if Path::new(&socket).exists() {
                    return Display {
                        child,
                        name: format!(":{n}"),
                    };
                }
                if child.try_wait().unwrap().is_some() {
                    break; // display taken meanwhile: try the next
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("could not start Xvfb on any display from :140 to :239");
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Killed, Xvfb leaves its lock and socket behind; left there, they would use up
        // the displays after a hundred runs.
        if let Some(n) = self.name.strip_prefix(':') {
            remove_display_files(n);
        }
    }
}

/// Whether display `n` belongs to a running X server. A lock whose process has gone is
/// stale: its files are removed and the display reused.
fn display_in_use(n: u32) -> bool {
    let lock = format!("/tmp/.X{n}-lock");
    let Ok(text) = std::fs::read_to_string(&lock) else {
        return false;
    };
    let alive = text
        .trim()
        .parse::<u32>()
        .is_ok_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
    if !alive {
        remove_display_files(&n.to_string());
    }
    alive
}

fn remove_display_files(n: &str) {
    let _ = std::fs::remove_file(format!("/tmp/.X{n}-lock"));
    let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{n}"));
}

/// Two different free ports. Both are held while the second is chosen: one released
/// before asking again could come back, and tauri-driver would then forward to itself.
fn two_free_ports() -> (u16, u16) {
    let first = TcpListener::bind("127.0.0.1:0").unwrap();
    let second = TcpListener::bind("127.0.0.1:0").unwrap();
    (
        first.local_addr().unwrap().port(),
        second.local_addr().unwrap().port(),
    )
}

fn wait_until_listening(port: u16, what: &str, started: Instant) {
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what} did not start listening on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// tauri-driver on free ports, drawing on `display`.
pub struct Driver {
    child: Child,
    pub port: u16,
    native: u16,
    /// What tauri-driver and WebKitWebDriver printed: shown when a session cannot start.
    log: tempfile::NamedTempFile,
    _display: Display,
}

impl Driver {
    pub fn start() -> Driver {
        need("tauri-driver");
        need("WebKitWebDriver");
        let display = Display::start();
        let (port, native) = two_free_ports();
        let log = tempfile::NamedTempFile::new().expect("a log file for tauri-driver");
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("DISPLAY", &display.name)
            // No accessibility bus or portal on a bare display; WebKit waits for them otherwise.
            .env("NO_AT_BRIDGE", "1")
            .env("GTK_USE_PORTAL", "0")
            .stdout(log.reopen().expect("the tauri-driver log"))
            .stderr(log.reopen().expect("the tauri-driver log"))
            .spawn()
            .expect("start tauri-driver");
        // tauri-driver listens at once but starts WebKitWebDriver in the background; a
        // session asked for before WebKitWebDriver listens gets its connection dropped. So
        // wait for both (on a busy machine the second can take seconds).
        let started = Instant::now();
        wait_until_listening(port, "tauri-driver", started);
        wait_until_listening(native, "WebKitWebDriver", started);
        Driver {
            child,
            port,
            native,
            log,
            _display: display,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn display(&self) -> &str {
        &self._display.name
    }

    /// Launch the app on `data_dir` and connect to its window.
    pub async fn launch(&self, data_dir: &Path) -> App {
        self.launch_with(data_dir, &[]).await
    }

    /// Launch the app on `data_dir` with more command-line arguments.
    pub async fn launch_with(&self, data_dir: &Path, more: &[&str]) -> App {
        let mut args = vec![json!("--data-dir"), json!(data_dir)];
        args.extend(more.iter().map(|a| json!(a)));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            json!({
                "application": app_binary(),
                "args": args,
            }),
        );
        let app = App {
            client: self.new_session(caps).await,
        };
        app.wait_for(
            "document.body.dataset.ready === 'true'",
            "the directory to open",
        )
        .await;
        // The meaning model loads after the first paint and then searches again: wait for
        // it to be loaded (or found missing), so that a test's keystrokes are its only
        // searches.
        app.wait_for(
            "document.body.dataset.meaning !== undefined",
            "the meaning model to load or be found missing",
        )
        .await;
        app
    }
}

impl Driver {
    /// A WebDriver session (which launches the app). On a busy machine WebKitWebDriver now
    /// and then drops the connection that asks for a session before answering (seen once in
    /// some hundred CI runs); that is the driver, not the app, so it is asked again, twice
    /// at most. An app that fails to start is refused with an answer and is not retried.
    async fn new_session(&self, caps: serde_json::Map<String, Value>) -> Client {
        use fantoccini::error::NewSessionError;
        let mut attempt = 1;
        loop {
            let result =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(caps.clone())
                    .connect(&format!("http://127.0.0.1:{}", self.port))
                    .await;
            match result {
                Ok(client) => return client,
                Err(
                    e @ (NewSessionError::FailedC(_)
                    | NewSessionError::Failed(_)
                    | NewSessionError::Lost(_)),
                ) if attempt < 3 => {
                    eprintln!(
                        "the WebDriver connection dropped ({e}); asking again. The driver printed:\n{}",
                        self.log_tail()
                    );
                    attempt += 1;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    let started = Instant::now();
                    wait_until_listening(self.port, "tauri-driver", started);
                    wait_until_listening(self.native, "WebKitWebDriver", started);
                }
                Err(e) => panic!(
                    "start a WebDriver session with the app: {e:?}\nThe driver printed:\n{}",
                    self.log_tail()
                ),
            }
        }
    }

    /// The last lines tauri-driver and WebKitWebDriver printed.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log.path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver stop WebKitWebDriver too; SIGKILL would leave it behind.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The app's window, through WebDriver.
pub struct App {
    pub client: Client,
}

impl App {
    /// Evaluate a JavaScript expression in the page.
    pub async fn eval(&self, expr: &str) -> Value {
        self.client
            .execute(&format!("return ({expr});"), vec![])
            .await
            .unwrap_or_else(|e| panic!("evaluating `{expr}` failed: {e}"))
    }

    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    /// Click an element; retried for a moment while something (a closing dialog's
    /// backdrop, a re-render) is in the way, as a person would click again.
    pub async fn click(&self, css: &str) {
        let started = Instant::now();
        loop {
            let result = match self.client.find(Locator::Css(css)).await {
                Ok(e) => e.click().await.map(|_| ()),
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => return,
                Err(e) if started.elapsed() > Duration::from_secs(3) => {
                    panic!("could not click {css}: {e:?}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Wait until a JavaScript condition holds (10 s at most).
    pub async fn wait_for(&self, condition: &str, what: &str) {
        let started = Instant::now();
        loop {
            let ok = self
                .client
                .execute(&format!("return !!({condition});"), vec![])
                .await
                .map(|v| v == Value::Bool(true))
                .unwrap_or(false);
            if ok {
                return;
            }
            if started.elapsed() > Duration::from_secs(10) {
                let summary = self
                    .eval("document.getElementById('summary').textContent")
                    .await;
                let error = self
                    .eval("document.getElementById('error-message').textContent")
                    .await;
                panic!("timed out waiting for {what} ({condition}); summary: {summary}, error: {error}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Type into the search box one key at a time, waiting for each keystroke's results.
    pub async fn type_query(&self, text: &str) {
        let q = self.client.find(Locator::Css("#q")).await.unwrap();
        for ch in text.chars() {
            let before = self
                .eval("Number(document.getElementById('results').dataset.seq || 0)")
                .await;
            q.send_keys(&ch.to_string()).await.unwrap();
            self.wait_for(
                &format!("Number(document.getElementById('results').dataset.seq || 0) > {before}"),
                &format!("results after typing {ch:?}"),
            )
            .await;
        }
    }

    /// Names of the result cards, in order.
    pub async fn result_names(&self) -> Vec<String> {
        let v = self
            .eval("[...document.querySelectorAll('#results .card-open')].map(b => b.textContent)")
            .await;
        serde_json::from_value(v).unwrap()
    }

    /// Resize the window so the page is `width`×`height` CSS pixels at 100% zoom (the
    /// window's frame, if any, is measured and added).
    pub async fn resize(&self, width: i64, height: i64) {
        let (mut w, mut h) = (width, height);
        for _ in 0..3 {
            self.client
                .set_window_size(w as u32, h as u32)
                .await
                .expect("resize the window");
            self.settle().await;
            let inner = self
                .eval("[window.innerWidth * window.devicePixelRatio, window.innerHeight * window.devicePixelRatio]")
                .await;
            let (iw, ih) = (
                inner[0].as_f64().unwrap() as i64,
                inner[1].as_f64().unwrap() as i64,
            );
            if (iw, ih) == (width, height) {
                return;
            }
            w += width - iw;
            h += height - ih;
        }
        panic!("the window would not take the size {width}×{height}");
    }

    /// Send `keys` (WebDriver key codes allowed: "\u{e00c}" is Esc) to the element with focus.
    pub async fn press(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("an element has focus")
            .send_keys(keys)
            .await
            .unwrap_or_else(|e| panic!("pressing {keys:?} failed: {e}"));
    }

    /// Let two frames pass so a screenshot shows what the DOM says.
    pub async fn settle(&self) {
        self.client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await
            .unwrap();
    }

    pub async fn screenshot(&self, name: &str) -> PathBuf {
        self.settle().await;
        let png = self.client.screenshot().await.unwrap();
        let dir = repo_root().join("target").join("e2e-screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Run axe-core on the page as it is; returns the violations as "id: help (n nodes)".
    pub async fn axe(&self) -> Vec<String> {
        let path = repo_root().join("node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing; run the tests with `bash .ci/setup cargo test`, which installs axe-core",
                path.display()
            )
        });
        self.client.execute(&source, vec![]).await.unwrap();
        let result = self
            .client
            .execute_async(
                "const done = arguments[0];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(r.violations.map(v => `${v.id}: ${v.help} (${v.nodes.length} nodes: ${v.nodes.map(n => n.target.join(' ')).join('; ')})`)))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(result).unwrap()
    }

    /// Close the window (ends the app).
    pub async fn quit(self) {
        self.client.close().await.unwrap();
    }
}

/// A fresh data folder for one test.
pub fn data_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// What is on the X clipboard of `display`, read with xclip.
pub fn clipboard(display: &str) -> String {
    need("xclip");
    let out = Command::new("xclip")
        .args(["-selection", "clipboard", "-o"])
        .env("DISPLAY", display)
        .output()
        .expect("run xclip");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
