//! Files that are not files: a named pipe (which blocks whoever opens it until a writer
//! comes) or a link to `/dev/zero` (which never ends) where Signpost expects a policy, its
//! store's copy, a feed, a key, a list of queries or a model file. Each is refused in one
//! sentence at once (a run still going after 20 s fails as hung), or for the store's copy,
//! set right with a note; nothing waits for ever or reads until memory runs out.

#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{assert_plain_error, data_dir, stderr, stdout};

/// A named pipe at `path`.
fn fifo(path: &Path) -> PathBuf {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(made.success(), "mkfifo {}", path.display());
    path.to_path_buf()
}

/// A link at `path` to `/dev/zero`.
fn endless(path: &Path) -> PathBuf {
    std::os::unix::fs::symlink("/dev/zero", path).unwrap();
    path.to_path_buf()
}

/// `signpost` run on `dir` with `env` set, killed and failed if it has not ended in 20 s.
fn signpost_within(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_signpost"));
    cmd.arg("--data-dir").arg(dir).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "`signpost {}` hung on a special file: {}",
                args.join(" "),
                stderr(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// A plain error that names what the file is.
fn refused(o: &Output, what: &str) {
    assert_plain_error(o);
    let e = stderr(o);
    assert!(e.contains(what), "says it is {what}: {e}");
}

#[test]
fn a_policy_that_is_a_pipe_or_endless_is_refused_at_once() {
    let d = data_dir();
    let pipe = fifo(&d.path().join("policy.json"));
    let zero = endless(&d.path().join("zero.json"));
    for (policy, what) in [(&pipe, "a named pipe"), (&zero, "a device")] {
        let env = [("SIGNPOST_POLICY", policy.as_path())];
        let o = signpost_within(&d.path().join("data"), &["sync"], &env);
        refused(&o, what);
        assert!(stderr(&o).contains("policy"), "{}", stderr(&o));
        // Status reports it and goes on.
        let o = signpost_within(&d.path().join("data"), &["status"], &env);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(
            out.lines()
                .any(|l| l.starts_with("Policy:") && l.contains(what)),
            "{out}"
        );
    }
}

#[test]
fn feeds_keys_and_query_lists_that_are_pipes_or_endless_are_refused_at_once() {
    let d = data_dir();
    let data = d.path().join("data");
    let pipe = fifo(&d.path().join("feed.json"));
    let zero = endless(&d.path().join("zero.json"));
    for (file, what) in [(&pipe, "a named pipe"), (&zero, "a device")] {
        let file = file.to_str().unwrap();
        refused(&signpost_within(&data, &["validate", file], &[]), what);
        refused(&signpost_within(&data, &["eval", file], &[]), what);
        refused(
            &signpost_within(&data, &["feed", "diff", file, file], &[]),
            what,
        );
    }
    // A feed whose signature is a pipe.
    let feed = d.path().join("signed.json");
    std::fs::write(&feed, b"{}").unwrap();
    fifo(&d.path().join("signed.json.minisig"));
    let key = "RWSLVfbIOLtAG7UzlRQxJFZsmskkb2q8NeXBWPCd4EpF7GsMJva3YHB2";
    refused(
        &signpost_within(
            &data,
            &["feed", "verify", feed.to_str().unwrap(), "--pubkey", key],
            &[],
        ),
        "a named pipe",
    );
}

#[test]
fn a_store_copy_that_is_a_pipe_is_set_right_and_said() {
    let d = data_dir();
    let o = signpost_within(d.path(), &["status"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let copy = d.path().join("store.json");
    std::fs::remove_file(&copy).unwrap();
    fifo(&copy);
    let o = signpost_within(d.path(), &["status"], &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("store.json") && e.contains("a named pipe"),
        "{e}"
    );
    assert!(
        std::fs::metadata(&copy).unwrap().is_file(),
        "the copy is a file again"
    );
    let o = signpost_within(d.path(), &["status"], &[]);
    assert_eq!(stderr(&o), "", "said once");
}

#[test]
fn a_model_file_that_is_endless_is_refused_with_its_name() {
    use signpost::meaning::{self, Model};
    let from = meaning::default_dir();
    let dir = tempfile::tempdir().unwrap();
    for f in ["model.json", "tokenizer.json"] {
        std::fs::copy(from.join(f), dir.path().join(f))
            .unwrap_or_else(|e| panic!("{f} in {}: {e}: run `bash .ci/setup`", from.display()));
    }
    endless(&dir.path().join("vectors.bin"));
    let err = Model::load(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("vectors.bin") && err.contains("a device"),
        "{err}"
    );
}
