//! The meaning model as the engine loads it: the real distilled all-MiniLM-L6-v2 that
//! `model/build.sh` makes (`.ci/setup` runs it), checked against its checksums, and
//! embeddings that put sentences about the same thing closer than sentences about
//! different things.

use signpost::meaning::{self, Model, Unavailable};

fn model() -> Model {
    let dir = meaning::default_dir();
    Model::load(&dir).unwrap_or_else(|e| {
        panic!(
            "{e} in {}: run the tests with `bash .ci/setup cargo test`, which builds it",
            dir.display()
        )
    })
}

#[test]
fn sentences_about_the_same_thing_are_closer_than_sentences_about_others() {
    let m = model();
    assert_eq!(m.dims(), 256);
    let e = |t: &str| m.embed(t).unwrap();
    let sim = |a: &str, b: &str| meaning::similarity(&e(a), &e(b));
    let abuse = "domestic abuse and violence from a partner or husband";
    let fraud = "fraud, scams and online banking crime";
    for (situation, near, far) in [
        ("my husband hits me and controls me", abuse, fraud),
        (
            "someone took all my savings with a fake bank call",
            fraud,
            abuse,
        ),
    ] {
        assert!(
            sim(situation, near) > sim(situation, far) + 0.02,
            "{situation:?}: {} near, {} far",
            sim(situation, near),
            sim(situation, far)
        );
    }
    // Unit length, and nothing to embed in symbols alone.
    let v = e("stalking");
    assert!((meaning::similarity(&v, &v) - 1.0).abs() < 1e-4);
    assert_eq!(m.embed("  "), None);
}

#[test]
fn a_damaged_model_is_refused_with_the_file_named() {
    let from = meaning::default_dir();
    let dir = tempfile::tempdir().unwrap();
    for f in ["model.json", "tokenizer.json", "vectors.bin"] {
        std::fs::copy(from.join(f), dir.path().join(f))
            .unwrap_or_else(|e| panic!("{f} in {}: {e}", from.display()));
    }
    assert!(Model::load(dir.path()).is_ok());
    let path = dir.path().join("vectors.bin");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    std::fs::write(&path, bytes).unwrap();
    let err = Model::load(dir.path()).unwrap_err();
    assert_eq!(err, Unavailable::Damaged("vectors.bin"));
    assert!(err.to_string().contains("damaged"), "{err}");
}

#[test]
fn a_model_whose_vectors_were_shuffled_and_checksums_rewritten_is_refused() {
    use sha2::{Digest, Sha256};
    let from = meaning::default_dir();
    let dir = tempfile::tempdir().unwrap();
    for f in ["model.json", "tokenizer.json"] {
        std::fs::copy(from.join(f), dir.path().join(f)).unwrap();
    }
    // Rows moved round (a fixed rotation by a prime stride): every number is still there.
    let raw = std::fs::read(from.join("vectors.bin")).unwrap();
    let u32_at = |i: usize| u32::from_le_bytes(raw[i..i + 4].try_into().unwrap()) as usize;
    let (rows, dims) = (u32_at(8), u32_at(12));
    let row = dims * 2;
    let mut shuffled = raw[..16].to_vec();
    for r in 0..rows {
        let from_row = (r * 7919 + 13) % rows;
        shuffled.extend_from_slice(&raw[16 + from_row * row..16 + (from_row + 1) * row]);
    }
    std::fs::write(dir.path().join("vectors.bin"), &shuffled).unwrap();
    // And the checksum rewritten to match, as someone covering their tracks would.
    let info_path = dir.path().join("model.json");
    let mut info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&info_path).unwrap()).unwrap();
    let sum: String = Sha256::digest(&shuffled)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    info["files"]["vectors.bin"] = sum.into();
    std::fs::write(&info_path, serde_json::to_vec(&info).unwrap()).unwrap();

    let err = Model::load(dir.path()).unwrap_err();
    assert!(matches!(err, Unavailable::Misbehaves(_)), "{err}");
    assert!(err.to_string().contains("does not read meaning"), "{err}");
}
