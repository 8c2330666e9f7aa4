//! File operations that behave the same on Linux, macOS and Windows: every rename, flush and
//! lock the engine makes goes through here.
//!
//! Windows differs in three ways that matter to a data folder:
//! - flushing a file (`FlushFileBuffers`) needs a handle opened for writing, and a folder
//!   cannot be opened as a file at all (NTFS journals its entries itself);
//! - a rename fails for a moment while an antivirus scanner, the search indexer or a
//!   backup agent holds one of the files ("sharing violation", "access denied"): such a
//!   failure is retried for a short, bounded time;
//! - there is no `/proc` to ask whether another process is still running: a process that
//!   owns a folder says so by holding a lock on a file ([`Claim`]), which the system
//!   releases when the process ends, however it ends.

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Most bytes read from a small file: a key, a signature, a policy, the plain copy of the
/// shortlist and settings, a generation's name.
pub const SMALL_FILE_MAX: u64 = 1 << 20;
/// Most bytes read from a data file: a feed, a generation's meta, a model's vectors, a
/// list of judged queries.
pub const DATA_FILE_MAX: u64 = 1 << 30;

/// Open `path` for reading only if it is a regular file (following links). A named pipe,
/// a device or a folder is refused at once with an error that says what it is: opened
/// without `O_NONBLOCK` a pipe would wait for a writer forever, and `/dev/zero` would be
/// read until memory ran out.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Only the open must not wait; a regular file reads the same with the flag set.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a file", what_it_is(kind)),
        ));
    }
    Ok(file)
}

/// A file's bytes if it is a regular file of at most `cap` bytes; anything else is an
/// error in one sentence (see [`open_regular`]). The cap is checked as it reads, so a file
/// that grows meanwhile is refused too.
pub fn read_regular(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    use std::io::Read as _;
    let file = open_regular(path)?;
    let too_large = || {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "it is larger than {}, more than such a file ever holds",
                size_in_words(cap)
            ),
        )
    };
    let len = file.metadata()?.len();
    if len > cap {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large());
    }
    Ok(bytes)
}

/// [`read_regular`] as UTF-8 text.
pub fn read_regular_text(path: &Path, cap: u64) -> io::Result<String> {
    String::from_utf8(read_regular(path, cap)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// A file type that is not a regular file, in words.
fn what_it_is(kind: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "a named pipe";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        "a folder"
    } else {
        "something other than a file"
    }
}

/// A byte count as people say it: "64 KB", "256 MB".
fn size_in_words(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GB", b >> 30),
        b if b >= 1 << 20 => format!("{} MB", b.div_ceil(1 << 20)),
        b if b >= 1 << 10 => format!("{} KB", b.div_ceil(1 << 10)),
        b => format!("{b} bytes"),
    }
}

/// How long a rename keeps retrying a failure another program's open handle causes.
const RETRY_FOR: Duration = Duration::from_secs(3);

/// Rename `from` to `to`, retrying (for up to about 3 s) while another program briefly holds
/// one of the files open on Windows. Any other failure is returned at once.
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    retry_while(is_held_by_another_program, RETRY_FOR, || {
        #[cfg(all(test, target_os = "linux"))]
        windows_rules::refuse_if_open(from)?;
        std::fs::rename(from, to)
    })
}

/// Windows refuses to rename a folder while a file in it is open; Linux (and Wine) allow
/// it. The engine's own unit tests hold Linux to Windows' rule, so code that renames a
/// folder it still has open fails there, not first on a user's machine.
#[cfg(all(test, target_os = "linux"))]
mod windows_rules {
    use std::io;
    use std::path::Path;

    pub fn refuse_if_open(folder: &Path) -> io::Result<()> {
        let Ok(folder) = folder.canonicalize() else {
            return Ok(());
        };
        if !folder.is_dir() {
            return Ok(());
        }
        for fd in std::fs::read_dir("/proc/self/fd")?.flatten() {
            if let Ok(open) = std::fs::read_link(fd.path()) {
                if open.starts_with(&folder) && open != folder {
                    return Err(io::Error::other(format!(
                        "{} is open: Windows refuses to rename the folder it is in",
                        open.display()
                    )));
                }
            }
        }
        Ok(())
    }
}

/// Run `op` until it succeeds, fails with an error `held` does not call transient, or
/// `budget` is spent; waits 10 ms after the first failure, doubling up to 250 ms.
pub fn retry_while<T>(
    held: impl Fn(&io::Error) -> bool,
    budget: Duration,
    mut op: impl FnMut() -> io::Result<T>,
) -> io::Result<T> {
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(10);
    loop {
        match op() {
            Err(e) if held(&e) && started.elapsed() + pause <= budget => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(250));
            }
            other => return other,
        }
    }
}

/// True for the errors Windows gives while another program holds a file open: access
/// denied (5), sharing violation (32), lock violation (33). Never true elsewhere, where a
/// rename is not refused for that reason.
pub fn is_held_by_another_program(e: &io::Error) -> bool {
    cfg!(windows) && e.raw_os_error().is_some_and(is_windows_sharing_error)
}

/// Whether a Windows system error code means "another program has this file open".
pub fn is_windows_sharing_error(code: i32) -> bool {
    matches!(code, 5 | 32 | 33)
}

/// Create `path` with `bytes` and flush it to the disk before returning.
pub fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Flush a file someone else wrote (a tantivy segment, say) to the disk. Opened for writing
/// where the platform requires that to flush (Windows), read-only elsewhere.
pub fn sync_file(path: &Path) -> io::Result<()> {
    OpenOptions::new()
        .read(true)
        .write(cfg!(windows))
        .open(path)?
        .sync_all()
}

/// Flush every file directly in `dir`, then the folder's own entries.
pub fn sync_files_in(dir: &Path) -> io::Result<()> {
    for e in std::fs::read_dir(dir)?.flatten() {
        if e.file_type().is_ok_and(|t| t.is_file()) {
            sync_file(&e.path())?;
        }
    }
    sync_dir(dir);
    Ok(())
}

/// Persist a folder's entries (after a create or rename) where the platform can: a folder
/// opened as a file and flushed on Unix; nothing to do on Windows, whose file system
/// journals them. Best effort: a failure here is not a failure of the write before it.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Replace `path` with `bytes` so that it is either the old file or the new one, never half:
/// written and flushed beside it, then renamed over it.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = unique_sibling(path, "tmp");
    let written = write_synced(&tmp, bytes).and_then(|()| rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// A name beside `path` no other writer (thread or process) uses: `.NAME.WHAT-PID-N`.
pub fn unique_sibling(path: &Path, what: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    path.with_file_name(format!(".{name}.{what}-{}-{n}", std::process::id()))
}

/// Move a folder to `to`, which must not exist: renamed where it can be (same volume),
/// otherwise copied whole under a temporary name, flushed, renamed into place, and only
/// then removed from where it was. On failure `from` is left as it was, and only what this
/// call made is removed; if another process moved it first, that is success.
pub fn move_folder(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let renamed = rename(from, to);
    if renamed.is_ok() || (!from.exists() && to.is_dir()) {
        return Ok(());
    }
    let tmp = unique_sibling(to, "copy");
    let copied = copy_folder(from, &tmp).and_then(|()| rename(&tmp, to));
    if let Err(e) = copied {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // The copy is whole and in place; what cannot be removed of the old folder is only
    // left over.
    let _ = std::fs::remove_dir_all(from);
    Ok(())
}

fn copy_folder(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_folder(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), &target)?;
            sync_file(&target)?;
        }
    }
    sync_dir(to);
    Ok(())
}

/// Open (creating it if need be) and lock the file at `path` for this process alone. The
/// lock goes when the file is closed or the process ends, however it ends. A lock held
/// elsewhere is an error of kind `WouldBlock`.
pub fn lock_exclusive(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.try_lock().map_err(|e| match e {
        std::fs::TryLockError::WouldBlock => {
            io::Error::new(io::ErrorKind::WouldBlock, "locked by another process")
        }
        std::fs::TryLockError::Error(e) => e,
    })?;
    Ok(file)
}

/// A claim on a name: an exclusive lock on the file `path`, held while this value lives.
/// The system releases it when the process ends, even if it is killed, so another process
/// can always tell a claim in use ([`Claim::is_held`]) from one left behind.
///
/// The file is made and locked under a temporary name, then renamed into place, so under
/// its own name a claim is never seen unlocked while its process lives.
#[derive(Debug)]
pub struct Claim {
    file: Option<File>,
    path: PathBuf,
}

impl Claim {
    /// Create `path` and lock it. Fails if it cannot be created, or another holds it
    /// (claims are meant for names no one else uses; this is a check, not a guarantee).
    pub fn take(path: &Path) -> io::Result<Claim> {
        if Claim::is_held(path) {
            return Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                "claimed by another process",
            ));
        }
        let tmp = unique_sibling(path, "claim");
        let file = lock_exclusive(&tmp)?;
        if let Err(e) = rename(&tmp, path) {
            drop(file);
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        Ok(Claim {
            file: Some(file),
            path: path.to_path_buf(),
        })
    }

    /// Whether a live process (this one included) holds the claim at `path`. A missing file
    /// is no claim.
    pub fn is_held(path: &Path) -> bool {
        let Ok(file) = OpenOptions::new().read(true).write(true).open(path) else {
            // Missing: nobody claims it. Unopenable for another reason: assume in use
            // rather than remove what may be another's.
            return path.exists();
        };
        match file.try_lock() {
            Ok(()) => false,
            Err(std::fs::TryLockError::WouldBlock) => true,
            Err(std::fs::TryLockError::Error(_)) => true,
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        // Unlocked (closed) before its name goes, so no one finds it held once it is gone.
        drop(self.file.take());
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn sharing_violation() -> io::Error {
        io::Error::from_raw_os_error(32)
    }

    #[test]
    fn a_rename_is_retried_while_another_program_holds_the_file() {
        let tries = Cell::new(0);
        let held = |e: &io::Error| e.raw_os_error().is_some_and(is_windows_sharing_error);
        let result = retry_while(held, Duration::from_secs(2), || {
            tries.set(tries.get() + 1);
            if tries.get() < 4 {
                Err(sharing_violation())
            } else {
                Ok("renamed")
            }
        });
        assert_eq!(result.unwrap(), "renamed");
        assert_eq!(tries.get(), 4);
    }

    #[test]
    fn a_rename_held_for_longer_than_the_budget_fails_with_the_error() {
        let tries = Cell::new(0);
        let held = |e: &io::Error| e.raw_os_error().is_some_and(is_windows_sharing_error);
        let started = std::time::Instant::now();
        let err = retry_while(held, Duration::from_millis(200), || -> io::Result<()> {
            tries.set(tries.get() + 1);
            Err(sharing_violation())
        })
        .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(32));
        assert!(tries.get() > 2, "retried {} times", tries.get());
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn other_failures_are_not_retried() {
        let tries = Cell::new(0);
        let err = retry_while(
            |e: &io::Error| e.raw_os_error().is_some_and(is_windows_sharing_error),
            Duration::from_secs(2),
            || -> io::Result<()> {
                tries.set(tries.get() + 1);
                Err(io::Error::from(io::ErrorKind::NotFound))
            },
        )
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(tries.get(), 1);
        // Only the codes another program's handle causes count as held.
        assert!([5, 32, 33].into_iter().all(is_windows_sharing_error));
        assert!(![2, 3, 112].into_iter().any(is_windows_sharing_error));
    }

    #[test]
    fn a_file_written_by_another_handle_can_be_flushed() {
        // What tantivy leaves: files it wrote and closed. Windows flushes only through a
        // handle opened for writing; a read-only handle is refused (os error 5).
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.idx"), b"segment").unwrap();
        std::fs::write(dir.path().join(".managed.json"), b"[]").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        sync_files_in(dir.path()).unwrap();
    }

    #[test]
    fn an_atomic_write_replaces_the_file_whole_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.json");
        write_atomically(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["store.json"]);
    }

    #[test]
    fn a_claim_is_held_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("staging-1.lock");
        assert!(!Claim::is_held(&path), "no file, no claim");
        let claim = Claim::take(&path).unwrap();
        assert!(Claim::is_held(&path));
        assert!(Claim::take(&path).is_err(), "a claim is exclusive");
        drop(claim);
        assert!(!path.exists());
        // A lock file left by a process that died is not held: its lock went with it.
        std::fs::write(&path, b"").unwrap();
        assert!(!Claim::is_held(&path));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn unit_tests_hold_renames_to_windows_rules() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("store");
        std::fs::create_dir(&folder).unwrap();
        let open = File::create(folder.join("db")).unwrap();
        let err = rename(&folder, &dir.path().join("aside")).unwrap_err();
        assert!(err.to_string().contains("Windows refuses"), "{err}");
        drop(open);
        rename(&folder, &dir.path().join("aside")).unwrap();
    }

    #[test]
    fn a_folder_moves_whole() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("Roaming/Signpost");
        std::fs::create_dir_all(from.join("store")).unwrap();
        std::fs::write(from.join("store.json"), b"{}").unwrap();
        std::fs::write(from.join("store/db"), b"sled").unwrap();
        let to = dir.path().join("Local/Signpost");
        move_folder(&from, &to).unwrap();
        assert!(!from.exists());
        assert_eq!(std::fs::read(to.join("store/db")).unwrap(), b"sled");
        copy_folder(&to, &dir.path().join("copy")).unwrap();
        assert_eq!(
            std::fs::read(dir.path().join("copy/store.json")).unwrap(),
            b"{}"
        );
    }
}
