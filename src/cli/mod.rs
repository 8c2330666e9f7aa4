//! The `signpost` command line: [`args`] says what each command takes, one module per
//! group of commands runs it, and [`print`] shows the result. Each command is a small
//! function from its arguments to an exit code; `run` only hands over.

mod args;
mod eval;
mod lookup;
mod print;
mod publish;
pub(crate) mod terminal;
mod updates;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::Timestamp;
use signpost::{meaning, Directory, Error};

pub use args::Cli;
use args::Command;

/// Run one command. An error comes back for `main` to print as one sentence.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    let data_dir = cli.data_dir;
    match cli.command {
        Command::Search(a) => lookup::search(a, &self::data_dir(data_dir)?),
        Command::Show(a) => lookup::show(a, &self::data_dir(data_dir)?),
        Command::Coverage(a) => lookup::coverage(a, &self::data_dir(data_dir)?),
        Command::Review(a) => lookup::review(a, &self::data_dir(data_dir)?),
        Command::Eval(a) => eval::run(a, &self::data_dir(data_dir)?),
        Command::Sync(a) => updates::sync(a, &self::data_dir(data_dir)?),
        Command::Status(a) => updates::status(a, &self::data_dir(data_dir)?),
        Command::Validate(a) => publish::validate(a),
        Command::Import(a) => publish::import(a),
        Command::Feed { action } => publish::feed(action),
    }
}

fn data_dir(given: Option<PathBuf>) -> Result<PathBuf, Error> {
    given
        .or_else(signpost::directory::default_data_dir)
        .ok_or(Error::NoDataDir)
}

fn parse_at(at: Option<&str>) -> Result<Option<Timestamp>, Error> {
    at.map(|s| {
        s.parse::<Timestamp>().map_err(|_| {
            Error::InvalidArgument(format!(
                "\"{s}\" is not an RFC 3339 date-time (example: 2026-11-24T10:00:00Z)"
            ))
        })
    })
    .transpose()
}

/// Read queries by meaning too, when the model is installed; say on stderr when it is not
/// (search still works, on words).
fn with_meaning(dir: &mut Directory) {
    match meaning::Meaning::load(&meaning::default_dir()) {
        Ok(m) => dir.set_meaning(std::sync::Arc::new(m)),
        Err(why) => eprintln!("Searching by words only: {why}."),
    }
}

/// A file's bytes, or an error that names it.
fn read_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    signpost::files::read_regular(path, signpost::files::DATA_FILE_MAX)
        .map_err(|e| Error::io("read", path, e))
}

/// Write a feed whole or not at all: a half-written feed must never be signed by mistake.
fn write_whole(out: &Path, bytes: &[u8]) -> Result<(), Error> {
    signpost::files::write_atomically(out, bytes).map_err(|e| Error::io("write", out, e))
}
