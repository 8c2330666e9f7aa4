//! Downloading the feed and its signature: conditional GET, bounded size, timeouts and
//! retries, with failures put in plain words.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::{HeaderMap, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{StatusCode, Url};

use crate::error::{Error, Result};

/// How patient and how trusting the download is.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Time to open a connection.
    pub connect_timeout: Duration,
    /// Longest silence while waiting for the next bytes (a stalled server).
    pub read_timeout: Duration,
    /// Longest a whole request may take (a server dripping bytes slowly).
    pub total_timeout: Duration,
    /// Largest feed accepted, counted after decompression (so a compression bomb stops here).
    pub max_feed_bytes: u64,
    /// Largest signature file accepted (a real one is about 300 bytes).
    pub max_signature_bytes: u64,
    /// Tries per request when the failure may pass (network, timeouts, 5xx).
    pub attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub first_backoff: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(300),
            // The 67-service snapshot is 0.3 MB; 100,000 services would be about 150 MB.
            max_feed_bytes: 256 << 20,
            max_signature_bytes: 16 << 10,
            attempts: 3,
            first_backoff: Duration::from_secs(2),
        }
    }
}

/// Cache validators from the last response, sent back as a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The server's ETag for the feed.
    pub etag: Option<String>,
    /// The server's Last-Modified for the feed.
    pub last_modified: Option<String>,
}

impl Validators {
    /// True when there is nothing to send.
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }

    fn from_headers(h: &HeaderMap) -> Validators {
        let text = |name| {
            h.get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(String::from)
        };
        Validators {
            etag: text(ETAG),
            last_modified: text(LAST_MODIFIED),
        }
    }
}

/// What a download brought back.
#[derive(Debug)]
pub enum Fetched {
    /// 304: the copy we have is current.
    NotModified,
    Body {
        bytes: Vec<u8>,
        validators: Validators,
    },
}

/// Check a feed address: https anywhere; plain http only to this machine (tests, mirrors).
pub fn check_url(url: &str) -> Result<Url> {
    let bad = |why| Error::FeedUrl {
        url: url.to_string(),
        why,
    };
    if url.chars().any(crate::contact::is_invisible) {
        return Err(bad(
            "it contains invisible characters that change how it reads (such as a right-to-left override)",
        ));
    }
    let parsed = Url::parse(url.trim()).map_err(|_| bad("it is not a web address"))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(bad(
            "only https addresses are accepted (plain http only for this computer)",
        )),
        _ => Err(bad("only https addresses are accepted")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// An HTTP client set up with the limits; one per sync.
pub(crate) struct Fetcher {
    client: reqwest::Client,
    limits: Limits,
}

/// A failure, and whether trying again might help.
struct Failure {
    error: Error,
    transient: bool,
}

impl Fetcher {
    pub(crate) fn new(limits: Limits, feed: &Url) -> Result<Fetcher> {
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("signpost/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(limits.connect_timeout)
            .read_timeout(limits.read_timeout)
            .timeout(limits.total_timeout)
            // A redirect may not leave https (or this machine).
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                if attempt.previous().len() >= 5 {
                    attempt.error("too many redirects")
                } else if check_url(attempt.url().as_str()).is_err() {
                    attempt.error("redirected to an address that is not https")
                } else {
                    attempt.follow()
                }
            }));
        if is_loopback(feed) {
            // A proxy set for the outside world must not swallow requests to this machine.
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| Error::Network {
            host: host_of(feed),
            why: format!("the HTTP client could not start ({e})"),
        })?;
        Ok(Fetcher { client, limits })
    }

    /// GET `url`, conditionally when `validators` are given, retrying transient failures
    /// with exponential backoff. `on_bytes` hears the running total as bytes arrive.
    pub(crate) async fn get(
        &self,
        url: &Url,
        validators: &Validators,
        max_bytes: u64,
        on_bytes: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<Fetched> {
        let mut wait = self.limits.first_backoff;
        let mut attempt = 1;
        loop {
            match self.get_once(url, validators, max_bytes, on_bytes).await {
                Ok(fetched) => return Ok(fetched),
                Err(f) if f.transient && attempt < self.limits.attempts => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    attempt += 1;
                }
                Err(f) => return Err(f.error),
            }
        }
    }

    async fn get_once(
        &self,
        url: &Url,
        validators: &Validators,
        max_bytes: u64,
        on_bytes: &(dyn Fn(u64) + Send + Sync),
    ) -> std::result::Result<Fetched, Failure> {
        let mut request = self.client.get(url.clone());
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, lm);
        }
        let mut response = request.send().await.map_err(|e| network(url, &e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED && !validators.is_empty() {
            return Ok(Fetched::NotModified);
        }
        if status != StatusCode::OK {
            return Err(Failure {
                error: Error::HttpStatus {
                    host: host_of(url),
                    status: describe_status(status),
                    url: url.to_string(),
                },
                transient: status.is_server_error()
                    || status == StatusCode::TOO_MANY_REQUESTS
                    || status == StatusCode::REQUEST_TIMEOUT,
            });
        }
        let too_large = || Failure {
            error: Error::FeedTooLarge {
                limit_mb: max_bytes.div_ceil(1 << 20),
            },
            transient: false,
        };
        // Refuse an announced oversize body before reading any of it.
        if response.content_length().is_some_and(|n| n > max_bytes) {
            return Err(too_large());
        }
        let validators = Validators::from_headers(response.headers());
        let mut bytes = Vec::with_capacity(
            response
                .content_length()
                .unwrap_or(0)
                .min(max_bytes)
                .try_into()
                .unwrap_or(0),
        );
        // Counted after decompression: a small gzip that inflates past the limit stops here.
        while let Some(chunk) = response.chunk().await.map_err(|e| network(url, &e))? {
            if (bytes.len() + chunk.len()) as u64 > max_bytes {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
            on_bytes(bytes.len() as u64);
        }
        Ok(Fetched::Body { bytes, validators })
    }
}

pub(crate) fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => url.to_string(),
    }
}

fn describe_status(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// A transport failure in words a user can act on.
fn network(url: &Url, e: &reqwest::Error) -> Failure {
    let io_kind = {
        let mut source = std::error::Error::source(e);
        let mut kind = None;
        while let Some(s) = source {
            if let Some(io) = s.downcast_ref::<std::io::Error>() {
                kind = Some(io.kind());
                break;
            }
            source = s.source();
        }
        kind
    };
    let why = if e.is_timeout() {
        "the server stopped responding in time".to_string()
    } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused) {
        "the server refused the connection".to_string()
    } else if matches!(
        io_kind,
        Some(
            std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
        )
    ) {
        "the download was cut short".to_string()
    } else if e.is_connect() {
        "no connection could be made (offline, or the server name was not found)".to_string()
    } else if e.is_decode() {
        "the compressed download was damaged".to_string()
    } else if e.is_body() || e.is_request() {
        "the download was cut short".to_string()
    } else if e.is_redirect() && error_chain_says(e, "too many redirects") {
        "the server kept redirecting (a redirect loop or a chain of more than 5)".to_string()
    } else if e.is_redirect() {
        "the server redirected to an address Signpost does not trust".to_string()
    } else {
        format!("the download failed ({e})")
    };
    Failure {
        error: Error::Network {
            host: host_of(url),
            why,
        },
        // A bad redirect will be bad again; the rest may pass.
        transient: !e.is_redirect(),
    }
}

/// True when `e` or an error it wraps says `what`.
fn error_chain_says(e: &reqwest::Error, what: &str) -> bool {
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        if err.to_string().contains(what) {
            return true;
        }
        cur = err.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_this_machine() {
        assert!(check_url("https://example.org/feed.json").is_ok());
        assert!(check_url("http://127.0.0.1:8080/feed.json").is_ok());
        assert!(check_url("http://[::1]/feed.json").is_ok());
        assert!(check_url("http://localhost/feed.json").is_ok());
        let err = check_url("http://example.org/feed.json").unwrap_err();
        assert!(err.to_string().contains("only https"), "{err}");
        assert!(check_url("ftp://example.org/feed.json").is_err());
        assert!(check_url("feed.json").is_err());
    }
}
