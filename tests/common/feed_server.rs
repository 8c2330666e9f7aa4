//! A real HTTP/1.1 server on 127.0.0.1 for sync tests: it serves feeds and signatures the
//! test puts at paths, answers conditional requests, and can misbehave on purpose (error
//! statuses, a stall or a cut in mid-body, gzip). Every request is logged.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How to answer requests for one path.
#[derive(Clone)]
pub enum Reply {
    /// 200 with the body; 304 when the request's If-None-Match is this ETag. With `gzip`
    /// the body is sent compressed, with `Content-Encoding: gzip`.
    Ok {
        body: Vec<u8>,
        etag: Option<String>,
        gzip: bool,
    },
    /// Just a status and an empty body.
    Status(u16),
    /// Announce the whole body, send `sent` bytes of it, then go silent.
    Stall { body: Vec<u8>, sent: usize },
    /// Announce the whole body, send `sent` bytes of it, then close the connection.
    Truncate { body: Vec<u8>, sent: usize },
    /// A body sent as it is, labelled `Content-Encoding: gzip`.
    Gzipped(Vec<u8>),
    /// 302 to another path on this server.
    Redirect(String),
    /// Announce the whole body and send it one byte every `every`.
    Drip { body: Vec<u8>, every: Duration },
}

impl Reply {
    pub fn ok(body: &[u8]) -> Reply {
        Reply::Ok {
            body: body.to_vec(),
            etag: None,
            gzip: false,
        }
    }

    /// A small gzip body that inflates to `inflated` bytes of spaces.
    pub fn gzip_bomb(inflated: usize) -> Reply {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let block = vec![b' '; 1 << 20];
        for _ in 0..inflated.div_ceil(block.len()) {
            enc.write_all(&block).unwrap();
        }
        Reply::Gzipped(enc.finish().unwrap())
    }

    pub fn with_etag(body: &[u8], etag: &str) -> Reply {
        Reply::Ok {
            body: body.to_vec(),
            etag: Some(etag.to_string()),
            gzip: false,
        }
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    /// Header names lower-cased.
    pub headers: HashMap<String, String>,
}

pub struct FeedServer {
    addr: SocketAddr,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    log: Arc<Mutex<Vec<Request>>>,
}

impl FeedServer {
    pub fn start() -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let log: Arc<Mutex<Vec<Request>>> = Arc::default();
        let (r, l) = (Arc::clone(&routes), Arc::clone(&log));
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, l) = (Arc::clone(&r), Arc::clone(&l));
                thread::spawn(move || {
                    let _ = serve(stream, &r, &l);
                });
            }
        });
        FeedServer { addr, routes, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn set(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_string(), reply);
    }

    pub fn remove(&self, path: &str) {
        self.routes.lock().unwrap().remove(path);
    }

    /// Requests so far, oldest first.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    pub fn requests_for(&self, path: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }
}

fn serve(
    stream: TcpStream,
    routes: &Mutex<HashMap<String, Reply>>,
    log: &Mutex<Vec<Request>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    log.lock().unwrap().push(Request {
        path: path.clone(),
        headers: headers.clone(),
    });
    let reply = routes.lock().unwrap().get(&path).cloned();
    let mut out = stream;
    let head = |status: &str, len: usize, extra: &str| {
        format!(
            "HTTP/1.1 {status}\r\nContent-Length: {len}\r\nContent-Type: application/json\r\nConnection: close\r\n{extra}\r\n"
        )
    };
    match reply {
        None => out.write_all(head("404 Not Found", 0, "").as_bytes())?,
        Some(Reply::Status(code)) => {
            let reason = match code {
                500 => "Internal Server Error",
                503 => "Service Unavailable",
                404 => "Not Found",
                403 => "Forbidden",
                _ => "Status",
            };
            out.write_all(head(&format!("{code} {reason}"), 0, "").as_bytes())?
        }
        Some(Reply::Ok { body, etag, gzip }) => {
            let matches = etag.is_some() && headers.get("if-none-match") == etag.as_ref();
            let etag_header = etag
                .map(|e| format!("ETag: {e}\r\nCache-Control: no-cache\r\n"))
                .unwrap_or_default();
            if matches {
                out.write_all(head("304 Not Modified", 0, &etag_header).as_bytes())?;
            } else if gzip {
                let body = gzip_bytes(&body);
                let extra = format!("{etag_header}Content-Encoding: gzip\r\n");
                out.write_all(head("200 OK", body.len(), &extra).as_bytes())?;
                out.write_all(&body)?;
            } else {
                out.write_all(head("200 OK", body.len(), &etag_header).as_bytes())?;
                out.write_all(&body)?;
            }
        }
        Some(Reply::Stall { body, sent }) => {
            out.write_all(head("200 OK", body.len(), "").as_bytes())?;
            out.write_all(&body[..sent])?;
            out.flush()?;
            thread::sleep(Duration::from_secs(30));
        }
        Some(Reply::Redirect(to)) => {
            let extra = format!("Location: {to}\r\n");
            out.write_all(head("302 Found", 0, &extra).as_bytes())?
        }
        Some(Reply::Drip { body, every }) => {
            out.write_all(head("200 OK", body.len(), "").as_bytes())?;
            for b in body {
                out.write_all(&[b])?;
                out.flush()?;
                thread::sleep(every);
            }
        }
        Some(Reply::Truncate { body, sent }) => {
            out.write_all(head("200 OK", body.len(), "").as_bytes())?;
            out.write_all(&body[..sent])?;
        }
        Some(Reply::Gzipped(body)) => {
            out.write_all(head("200 OK", body.len(), "Content-Encoding: gzip\r\n").as_bytes())?;
            out.write_all(&body)?;
        }
    }
    out.flush()
}

fn gzip_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}
