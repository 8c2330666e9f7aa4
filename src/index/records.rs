//! A generation's validated records on disk, one JSON line per service, read one at a time
//! when a detail is opened. Search keeps only what it ranks, filters and lists in memory
//! (facts and a summary per service); the full records of a large directory would
//! otherwise be most of the app's memory.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Service;
use crate::phone::Dial;

/// What a result card or a shortlist entry shows of a service, kept in memory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The service's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The organisation that runs it.
    pub organisation: String,
    /// When the publisher last checked the record (`YYYY-MM-DD`).
    pub assured_date: Option<String>,
    /// The first number the publisher lists: the one a result shows beside Call.
    pub phone: Option<Dial>,
    /// How many numbers the record lists in all.
    pub phones: usize,
}

impl Summary {
    /// The summary of service `s`.
    pub fn of(s: &Service) -> Summary {
        Summary {
            id: s.id.clone(),
            name: s.name.clone(),
            organisation: s.organization_name().to_string(),
            assured_date: s.assured_date.clone(),
            phone: s.phones.first().map(Dial::of),
            phones: s.phones.len(),
        }
    }
}

/// Write `services` as JSON lines to `path`, synced to disk.
pub fn write(path: &Path, services: &[Service]) -> Result<()> {
    let file = File::create(path).map_err(|e| Error::io("create", path, e))?;
    let mut out = BufWriter::new(file);
    for s in services {
        // serde_json escapes newlines inside strings, so a record is always one line.
        // Only writing can fail (a full disk): a service always serialises.
        serde_json::to_writer(&mut out, s)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| Error::io("write", path, e))?;
    }
    out.into_inner()
        .map_err(|e| Error::io("write", path, e.into_error()))?
        .sync_all()
        .map_err(|e| Error::io("sync", path, e))
}

/// The records file of an open generation. The file stays open, so a generation removed
/// by another process (after two newer ones) can still be read until it is closed.
pub struct Records {
    file: File,
    path: PathBuf,
    /// Start of each record, and the end of the last.
    offsets: Vec<u64>,
}

impl Records {
    /// Read the file once, handing each record to `each` in order, and keep where each
    /// one starts.
    pub fn open(path: &Path, mut each: impl FnMut(Service)) -> Result<Records> {
        let file = crate::files::open_regular(path).map_err(|e| Error::io("read", path, e))?;
        let mut reader = BufReader::with_capacity(1 << 16, &file);
        let mut offsets = vec![0];
        let mut line = Vec::new();
        loop {
            line.clear();
            let n = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| Error::io("read", path, e))?;
            if n == 0 {
                break;
            }
            each(from_json(path, &line)?);
            offsets.push(offsets.last().unwrap() + n as u64);
        }
        Ok(Records {
            file,
            path: path.to_path_buf(),
            offsets,
        })
    }

    /// How many records.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The record at `ord` (its position in the feed and the index).
    pub fn read(&self, ord: usize) -> Result<Service> {
        let (start, end) = (self.offsets[ord], self.offsets[ord + 1]);
        let mut line = vec![0; (end - start) as usize];
        read_exact_at(&self.file, &mut line, start)
            .map_err(|e| Error::io("read", &self.path, e))?;
        from_json(&self.path, &line)
    }
}

/// Parse a generation's JSON file (or one line of it); a failure is a read error of `path`.
pub(super) fn from_json<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| Error::io("read", path, std::io::Error::other(e.to_string())))
}

/// A read at an offset that leaves no shared cursor, so searches on several threads can
/// read at once.
#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_record_reads_back_whole_even_with_line_breaks_in_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("services.jsonl");
        let services: Vec<Service> = (0..3)
            .map(|i| Service {
                id: format!("s{i}"),
                name: format!("Service {i}\nsecond line"),
                description: Some("Café – “quoted”\r\n\tand more".repeat(i + 1)),
                ..Default::default()
            })
            .collect();
        write(&path, &services).unwrap();

        let mut seen = Vec::new();
        let records = Records::open(&path, |s| seen.push(s.id)).unwrap();
        assert_eq!(seen, ["s0", "s1", "s2"]);
        assert_eq!(records.len(), 3);
        for i in [2, 0, 1] {
            assert_eq!(records.read(i).unwrap(), services[i]);
        }
    }
}
