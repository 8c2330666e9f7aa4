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
