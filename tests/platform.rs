//! What differs between Windows and Linux, checked on each (Windows under Wine): where the
//! data folder is, that an update goes through the proxy the system is set to use, and on
//! Windows that Group Policy's registry key locks the feed as a policy file does.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use common::stderr;
use signpost::directory::settle_data_dir;
use signpost::store::Store;

/// Tests here change process-wide or machine-wide settings (the proxy, the registry): one
/// at a time.
static MACHINE_SETTINGS: Mutex<()> = Mutex::new(());

#[test]
fn a_data_folder_an_older_version_kept_in_roaming_app_data_moves_to_the_local_one_with_its_shortlist(
) {
    let d = common::data_dir();
    let roaming = d.path().join("Roaming/Signpost London/Signpost/data");
    let local = d.path().join("Local/Signpost London/Signpost/data");
    {
        let store = Store::open(&roaming).unwrap();
        store.add_to_shortlist("hackney-dais").unwrap();
        store.add_to_shortlist("victim-support-london").unwrap();
    }
    assert_eq!(settle_data_dir(&local, &roaming), local);
    assert!(!roaming.exists(), "the roaming folder is moved, not copied");
    let store = Store::open(&local).unwrap();
    assert_eq!(
        store.shortlist().unwrap(),
        ["hackney-dais", "victim-support-london"]
    );
    drop(store);
    // Once moved, a roaming folder made later (another machine's sync) is left alone.
    std::fs::create_dir_all(&roaming).unwrap();
    assert_eq!(settle_data_dir(&local, &roaming), local);
    assert!(roaming.exists());
}

#[test]
fn the_default_data_folder_is_not_in_roaming_app_data() {
    let dir = signpost::directory::local_data_dir().expect("a data folder");
    if cfg!(windows) {
        // Roaming profiles copy %APPDATA% to a server at every log-off; the index belongs
        // in %LOCALAPPDATA%.
        let local = std::env::var_os("LOCALAPPDATA").expect("LOCALAPPDATA is set on Windows");
        let roaming = std::env::var_os("APPDATA").expect("APPDATA is set on Windows");
        assert!(dir.starts_with(&local), "{}", dir.display());
        assert!(!dir.starts_with(&roaming), "{}", dir.display());
    } else {
        let home = std::env::var_os("HOME").expect("HOME is set");
        assert!(dir.starts_with(home), "{}", dir.display());
    }
}

/// A proxy on 127.0.0.1 that records the first line of every request and refuses it.
fn refusing_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut line);
            log.lock().unwrap().push(line.trim_end().to_string());
            let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (addr, seen)
}

#[test]
fn an_update_goes_through_the_proxy_the_system_is_set_to_use() {
    let _one_at_a_time = MACHINE_SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    let (proxy, seen) = refusing_proxy();
    let d = common::data_dir();
    let key = Path::new(env!("CARGO_MANIFEST_DIR")).join("index-data/publisher.pub");
    let args = [
        "--data-dir",
        d.path().to_str().unwrap(),
        "sync",
        "--feed",
        "https://feeds.example.org/signpost/feed.json",
        "--pubkey",
        key.to_str().unwrap(),
    ];
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_signpost"));
    cmd.args(args);
    for var in [
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(var);
    }
    // Set as each system's users set it: Internet Options (the registry) on Windows, the
    // environment elsewhere.
    #[cfg(windows)]
    let _proxy_setting = windows::InternetOptionsProxy::set(&proxy);
    #[cfg(not(windows))]
    cmd.env("HTTPS_PROXY", format!("http://{proxy}"));
    let out = cmd.output().unwrap();
    assert!(
        !out.status.success(),
        "the proxy refused, so the sync fails"
    );
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|l| l.starts_with("CONNECT feeds.example.org:443")),
        "the proxy saw {seen:?}; signpost said {}",
        stderr(&out)
    );
}

#[cfg(windows)]
mod windows {
    use winreg::enums::{HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE};
    use winreg::RegKey;

    const INTERNET_SETTINGS: &str = r"Software\Microsoft\Windows\CurrentVersion\Internet Settings";

    /// The proxy as Internet Options sets it, for the current user; put back when dropped.
    pub struct InternetOptionsProxy {
        before: Option<(u32, Option<String>)>,
    }

    impl InternetOptionsProxy {
        pub fn set(proxy: &str) -> InternetOptionsProxy {
            let (key, _) = RegKey::predef(HKEY_CURRENT_USER)
                .create_subkey(INTERNET_SETTINGS)
                .unwrap();
            let before = key
                .get_value::<u32, _>("ProxyEnable")
                .ok()
                .map(|on| (on, key.get_value::<String, _>("ProxyServer").ok()));
            key.set_value("ProxyEnable", &1u32).unwrap();
            key.set_value("ProxyServer", &proxy.to_string()).unwrap();
            InternetOptionsProxy { before }
        }
    }

    impl Drop for InternetOptionsProxy {
        fn drop(&mut self) {
            let key = RegKey::predef(HKEY_CURRENT_USER)
                .open_subkey_with_flags(INTERNET_SETTINGS, winreg::enums::KEY_ALL_ACCESS)
                .unwrap();
            match &self.before {
                Some((on, server)) => {
                    let _ = key.set_value("ProxyEnable", on);
                    match server {
                        Some(s) => {
                            let _ = key.set_value("ProxyServer", s);
                        }
                        None => {
                            let _ = key.delete_value("ProxyServer");
                        }
                    }
                }
                None => {
                    let _ = key.delete_value("ProxyEnable");
                    let _ = key.delete_value("ProxyServer");
                }
            }
        }
    }

    /// A registry key made for one test, deleted when dropped.
    pub struct TestKey {
        hive: winreg::HKEY,
        pub path: String,
    }

    impl TestKey {
        pub fn create(hive: winreg::HKEY, path: &str, values: &[(&str, &str)]) -> TestKey {
            // Never on a machine that has the key already: dropping this deletes it.
            assert!(
                RegKey::predef(hive).open_subkey(path).is_err(),
                "{path} is already in the registry (a real policy?): not touching it"
            );
            let (key, _) = RegKey::predef(hive).create_subkey(path).unwrap();
            for (name, value) in values {
                key.set_value(name, &value.to_string()).unwrap();
            }
            TestKey {
                hive,
                path: path.to_string(),
            }
        }
    }

    impl Drop for TestKey {
        fn drop(&mut self) {
            let _ = RegKey::predef(self.hive).delete_subkey_all(&self.path);
        }
    }

    pub const MACHINE: winreg::HKEY = HKEY_LOCAL_MACHINE;
    pub const USER: winreg::HKEY = HKEY_CURRENT_USER;
}

#[cfg(windows)]
#[test]
fn group_policy_in_the_registry_fixes_the_feed_address_and_key() {
    use signpost::policy::{registry, REGISTRY_FEED_PUBLIC_KEY, REGISTRY_FEED_URL, REGISTRY_KEY};
    const KEY: &str = "RWSLVfbIOLtAG7UzlRQxJFZsmskkb2q8NeXBWPCd4EpF7GsMJva3YHB2";
    let _one_at_a_time = MACHINE_SETTINGS.lock().unwrap_or_else(|e| e.into_inner());

    // The reader, on a key of this test's own.
    let path = format!(r"Software\Signpost London tests\{}", std::process::id());
    let values = [
        (
            REGISTRY_FEED_URL,
            "https://feeds.example.org/signpost/feed.json",
        ),
        (REGISTRY_FEED_PUBLIC_KEY, KEY),
    ];
    let key = windows::TestKey::create(windows::USER, &path, &values);
    let policy = registry::read(windows::USER, &key.path).unwrap().unwrap();
    assert_eq!(
        policy.feed_url.as_deref(),
        Some("https://feeds.example.org/signpost/feed.json")
    );
    assert_eq!(policy.feed_public_key.as_deref(), Some(KEY));
    drop(key);
    assert!(registry::read(windows::USER, &path).unwrap().is_none());
    let bad = windows::TestKey::create(
        windows::USER,
        &path,
        &[(REGISTRY_FEED_URL, "http://evil.example.com/")],
    );
    let err = registry::read(windows::USER, &bad.path).unwrap_err();
    assert!(err.to_string().contains("Signpost London tests"), "{err}");
    drop(bad);

    // The machine's policy, as Group Policy writes it: the program refuses another address
    // and names where the lock comes from.
    let _policy = windows::TestKey::create(windows::MACHINE, REGISTRY_KEY, &values);
    let d = common::data_dir();
    let out = common::signpost(
        d.path(),
        &[
            "sync",
            "--feed",
            "https://evil.example.com/signpost/feed.json",
        ],
    );
    common::assert_plain_error(&out);
    assert!(
        stderr(&out).contains(r"HKEY_LOCAL_MACHINE\Software\Policies\Signpost London"),
        "{}",
        stderr(&out)
    );
}
