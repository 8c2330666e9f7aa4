//! Publisher signatures: minisign (Ed25519), the scheme Tauri's updater uses.
//!
//! A feed is trusted only if its detached signature (`feed.json.minisig`) verifies with the
//! publisher's public key, which the app pins. Files written here are byte-compatible with
//! the `minisign` tool: `minisign -Vm feed.json -p key.pub` accepts what [`sign_file`]
//! writes, and [`verify`] accepts what `minisign -S` writes.
//!
//! Verification (run by every client) uses the small `minisign-verify` crate; key
//! generation and signing (run by the publisher) use `minisign`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::files;

/// The public key that signs the bundled snapshot and, unless settings say otherwise,
/// the feeds the app accepts.
pub const PUBLISHER_KEY: &str = include_str!("../index-data/publisher.pub");
/// The bundled snapshot's signature.
pub const BUNDLED_SIGNATURE: &str = include_str!("../index-data/feed.json.minisig");
/// Where a feed's detached signature is published: `<feed URL>.minisig`.
pub const SIGNATURE_SUFFIX: &str = ".minisig";
/// Environment variable holding the password of an encrypted secret key.
pub const PASSWORD_ENV: &str = "SIGNPOST_KEY_PASSWORD";

/// A publisher's public key, checked to be well formed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    key: minisign_verify::PublicKey,
    id: String,
}

impl PublicKey {
    /// A key given as the contents of a minisign `.pub` file, or as its base64 line alone
    /// (as shown on a publisher's web page).
    pub fn parse(text: &str) -> Result<PublicKey> {
        // The key line alone, so the same key compares equal however it was given.
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
            .unwrap_or("");
        let invalid = || {
            Error::KeyInvalid(
                "it is not a minisign public key (expected the .pub file or its base64 line, which starts \"RW\")"
                    .into(),
            )
        };
        let key = minisign_verify::PublicKey::from_base64(line).map_err(|_| invalid())?;
        let keynum = minisign::PublicKey::from_base64(line).map_err(|_| invalid())?;
        let id: [u8; 8] = keynum.keynum().try_into().map_err(|_| invalid())?;
        Ok(PublicKey {
            key,
            // As `minisign` prints it ("public key 6ED0A8A15C960CAE").
            id: format!("{:016X}", u64::from_le_bytes(id)),
        })
    }

    /// The key's id as `minisign` prints it: 16 hex digits. Each generation records the id
    /// of the key that signed it; rollback protection compares only within one id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The id in groups of four ("6ED0 A8A1 5C96 0CAE"), for people to compare by eye.
    pub fn fingerprint(&self) -> String {
        self.id
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("hex is ASCII"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// True for the key Signpost ships with.
    pub fn is_shipped(&self) -> bool {
        *self == PublicKey::publisher()
    }

    /// A key from `arg`: a path to a `.pub` file if one exists there, else the key itself.
    pub fn from_arg(arg: &str) -> Result<PublicKey> {
        let path = Path::new(arg);
        if path.is_file() {
            let text = files::read_regular_text(path, files::SMALL_FILE_MAX)
                .map_err(|e| Error::io("read", path, e))?;
            PublicKey::parse(&text)
        } else {
            PublicKey::parse(arg)
        }
    }

    /// The key a setting names: the key itself, or the shipped one when the setting is
    /// empty or absent.
    pub fn from_setting(setting: Option<&str>) -> Result<PublicKey> {
        match setting.map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => PublicKey::parse(k),
            None => Ok(PublicKey::publisher()),
        }
    }

    /// The key Signpost ships with.
    pub fn publisher() -> PublicKey {
        PublicKey::parse(PUBLISHER_KEY).expect("index-data/publisher.pub is a valid key")
    }
}

/// Check `data` against a detached signature (the text of a `.minisig` file).
pub fn verify(data: &[u8], signature: &str, key: &PublicKey) -> Result<()> {
    let sig = minisign_verify::Signature::decode(signature)
        .map_err(|_| Error::SignatureInvalid("the signature file is not a minisign signature"))?;
    // Legacy (non-prehashed) signatures are accepted too: `minisign -S -l` still writes them.
    key.key.verify(data, &sig, true).map_err(|e| match e {
        minisign_verify::Error::UnexpectedKeyId => {
            Error::SignatureInvalid("it was signed with a different key from the publisher's")
        }
        _ => Error::SignatureInvalid("the signature does not match the feed's contents"),
    })
}

/// Check `<feed_path>.minisig` against `feed_path`.
pub fn verify_file(feed_path: &Path, key: &PublicKey) -> Result<()> {
    let mut sig_path = feed_path.as_os_str().to_owned();
    sig_path.push(SIGNATURE_SUFFIX);
    let sig_path = PathBuf::from(sig_path);
    let signature = files::read_regular_text(&sig_path, files::SMALL_FILE_MAX)
        .map_err(|e| Error::io("read the signature", &sig_path, e))?;
    let data = files::read_regular(feed_path, files::DATA_FILE_MAX)
        .map_err(|e| Error::io("read", feed_path, e))?;
    verify(&data, &signature, key)
}

/// Create a key pair. With a password the secret key is encrypted as `minisign -G` does;
/// without one it is stored unencrypted as `minisign -G -W` does (keep it in a secret
/// store). Refuses to overwrite either file.
pub fn keygen(secret_path: &Path, public_path: &Path, password: Option<String>) -> Result<()> {
    for path in [secret_path, public_path] {
        if path.exists() {
            return Err(Error::KeyInvalid(format!(
                "{} already exists; move it away first so no key is lost",
                path.display()
            )));
        }
    }
    let pair = match password {
        Some(p) => minisign::KeyPair::generate_encrypted_keypair(Some(p)),
        None => minisign::KeyPair::generate_unencrypted_keypair(),
    }
    .map_err(|e| Error::KeyInvalid(format!("the key pair could not be made ({e})")))?;
    let sk_box = pair
        .sk
        .to_box(Some("signpost feed secret key"))
        .map_err(|e| Error::KeyInvalid(e.to_string()))?;
    let pk_box = pair
        .pk
        .to_box()
        .map_err(|e| Error::KeyInvalid(e.to_string()))?;
    write_new(secret_path, sk_box.to_string().as_bytes(), true)?;
    write_new(public_path, pk_box.to_string().as_bytes(), false)?;
    Ok(())
}

/// An unencrypted key as `minisign -G -W` (0.11) writes it: no checksum (all zeros), which
/// the `minisign` tool accepts and the crate refuses as corrupted. Without a checksum the
/// key is checked by use instead: it must sign a probe that its own public half verifies,
/// which a damaged secret or public half cannot.
fn unencrypted_without_checksum(sk_text: &str) -> Option<minisign::SecretKey> {
    use base64::Engine as _;
    let line = sk_text.lines().nth(1)?.trim();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(line)
        .ok()?;
    // Layout: algorithm (2), KDF (2), checksum algorithm (2), salt (32), limits (16),
    // key id (8), secret key (64), checksum (32).
    let (kdf, checksum) = (bytes.get(2..4)?, bytes.get(126..158)?);
    if bytes.len() != 158 || kdf != [0, 0] || checksum.iter().any(|&b| b != 0) {
        return None;
    }
    let sk = minisign::SecretKey::from_bytes(&bytes).ok()?;
    let pk = minisign::PublicKey::from_secret_key(&sk).ok()?;
    let probe = b"signpost key check";
    let sig = minisign::sign(Some(&pk), &sk, &probe[..], None, None).ok()?;
    minisign::verify(&pk, &sig, std::io::Cursor::new(probe), true, false, false).ok()?;
    Some(sk)
}

/// Sign `feed_path`, writing `<feed_path>.minisig`. The trusted comment names the file,
/// as minisign's does. An encrypted key's password comes from `password` (or, when that
/// is `None`, is asked for on the terminal).
pub fn sign_file(
    feed_path: &Path,
    secret_path: &Path,
    password: Option<String>,
) -> Result<PathBuf> {
    let sk_text = files::read_regular_text(secret_path, files::SMALL_FILE_MAX)
        .map_err(|e| Error::io("read", secret_path, e))?;
    let sk_box = minisign::SecretKeyBox::from_string(&sk_text).map_err(|_| {
        Error::KeyInvalid(format!(
            "{} is not a minisign secret key",
            secret_path.display()
        ))
    })?;
    let sk = match minisign::SecretKey::from_unencrypted_box(sk_box.clone()) {
        Ok(sk) => sk,
        Err(_) => match unencrypted_without_checksum(&sk_text) {
            Some(sk) => sk,
            None => minisign::SecretKey::from_box(sk_box, password).map_err(|_| {
                Error::KeyInvalid(format!(
                    "the secret key {} could not be unlocked: wrong password, or not a minisign key",
                    secret_path.display()
                ))
            })?,
        },
    };
    let data = files::read_regular(feed_path, files::DATA_FILE_MAX)
        .map_err(|e| Error::io("read", feed_path, e))?;
    let file_name = feed_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let timestamp = jiff::Timestamp::now().as_second();
    let trusted = format!("timestamp:{timestamp}\tfile:{file_name}\tprehashed");
    let signature = minisign::sign(
        None,
        &sk,
        data.as_slice(),
        Some(&trusted),
        Some("signature from signpost feed secret key"),
    )
    .map_err(|e| Error::KeyInvalid(format!("the feed could not be signed ({e})")))?;
    let mut out = feed_path.as_os_str().to_owned();
    out.push(SIGNATURE_SUFFIX);
    let out = PathBuf::from(out);
    crate::files::write_atomically(&out, signature.to_string().as_bytes())
        .map_err(|e| Error::io("write", &out, e))?;
    Ok(out)
}

/// Write a file that must not exist yet; secret keys are readable by their owner only.
fn write_new(path: &Path, bytes: &[u8], secret: bool) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options
        .open(path)
        .map_err(|e| Error::io("create", path, e))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io("write", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_and_refuses_changes_and_other_keys() {
        let dir = tempfile::tempdir().unwrap();
        let (sk, pk) = (dir.path().join("k.key"), dir.path().join("k.pub"));
        keygen(&sk, &pk, None).unwrap();
        assert!(keygen(&sk, &pk, None).is_err(), "never overwrites a key");
        let feed = dir.path().join("feed.json");
        fs::write(&feed, b"{\"services\":[]}").unwrap();
        let sig_path = sign_file(&feed, &sk, None).unwrap();
        let sig = fs::read_to_string(sig_path).unwrap();
        let key = PublicKey::from_arg(pk.to_str().unwrap()).unwrap();
        verify(b"{\"services\":[]}", &sig, &key).unwrap();
        assert!(matches!(
            verify(b"{\"services\":[1]}", &sig, &key),
            Err(Error::SignatureInvalid(_))
        ));
        let base64_line = fs::read_to_string(&pk)
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .to_string();
        assert_eq!(PublicKey::parse(&base64_line).unwrap(), key);

        let (sk2, pk2) = (dir.path().join("o.key"), dir.path().join("o.pub"));
        keygen(&sk2, &pk2, Some("pw".into())).unwrap();
        let other = PublicKey::from_arg(pk2.to_str().unwrap()).unwrap();
        let err = verify(b"{\"services\":[]}", &sig, &other).unwrap_err();
        assert!(err.to_string().contains("different key"), "{err}");
        // An encrypted key signs with its password and refuses a wrong one.
        sign_file(&feed, &sk2, Some("pw".into())).unwrap();
        assert!(sign_file(&feed, &sk2, Some("wrong".into())).is_err());
    }

    #[test]
    fn a_key_written_without_a_checksum_signs_and_a_damaged_one_is_refused() {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let dir = tempfile::tempdir().unwrap();
        let (sk, pk) = (dir.path().join("k.key"), dir.path().join("k.pub"));
        keygen(&sk, &pk, None).unwrap();
        // As `minisign -G -W` 0.11 writes an unencrypted key: the checksum left as zeros.
        let rewrite = |path: &Path, change: &dyn Fn(&mut Vec<u8>)| {
            let text = fs::read_to_string(&sk).unwrap();
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let mut bytes = b64.decode(&lines[1]).unwrap();
            change(&mut bytes);
            lines[1] = b64.encode(&bytes);
            fs::write(path, lines.join("\n")).unwrap();
        };
        let zeroed = dir.path().join("zeroed.key");
        rewrite(&zeroed, &|b| b[126..158].fill(0));
        let feed = dir.path().join("feed.json");
        fs::write(&feed, b"{}").unwrap();
        let sig = fs::read_to_string(sign_file(&feed, &zeroed, None).unwrap()).unwrap();
        let key = PublicKey::from_arg(pk.to_str().unwrap()).unwrap();
        verify(b"{}", &sig, &key).unwrap();
        // One bit of the secret half changed: without a checksum, the probe catches it.
        let damaged = dir.path().join("damaged.key");
        rewrite(&damaged, &|b| {
            b[126..158].fill(0);
            b[70] ^= 1;
        });
        let err = sign_file(&feed, &damaged, None).unwrap_err();
        assert!(matches!(err, Error::KeyInvalid(_)), "{err}");
    }

    #[test]
    fn key_ids_are_the_ones_minisign_prints() {
        let key = PublicKey::publisher();
        let printed = PUBLISHER_KEY.lines().next().unwrap_or("");
        assert!(printed.ends_with(key.id()), "{printed} / {}", key.id());
        assert_eq!(key.fingerprint().len(), 19);
        assert!(key.is_shipped());
    }

    #[test]
    fn the_bundled_snapshot_is_signed_by_the_publisher_key() {
        verify(
            crate::bundled::FEED.as_bytes(),
            BUNDLED_SIGNATURE,
            &PublicKey::publisher(),
        )
        .expect("index-data/feed.json.minisig must match feed.json: re-sign after regenerating");
    }

    #[test]
    fn malformed_keys_say_what_is_expected() {
        let err = PublicKey::parse("not a key").unwrap_err();
        assert!(err.to_string().contains("minisign public key"), "{err}");
    }
}
