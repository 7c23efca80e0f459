#!/usr/bin/env python3
"""An independent NumPy forward pass of all-MiniLM-L6-v2 (BERT + mean pooling + L2), in float64,
producing the reference embeddings that ModelTests compares the Swift encoder with.

Independent of the Swift code: the safetensors header is parsed here with `json` + `struct`,
the forward pass is written from the BERT paper / HF BertModel semantics, and token ids come
from HF `tokenizers` (the Rust tokenizer sentence-transformers runs), with padding off (the
tokenizer.json pads to 128, which would make mean pooling average the pads) and truncation to
256 (sentence_bert_config.json max_seq_length).

Usage: scripts/reference/minilm_numpy.py [MODEL_DIR]   (needs numpy and tokenizers)
Writes Tests/Fixtures/embeddings/sentences.json (texts and token counts) and
Tests/Fixtures/embeddings/reference.f32 (little-endian float32 [n, 384], row i = text i).
"""
import json
import math
import os
import struct
import sys

import numpy as np
from tokenizers import Tokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "models", "all-MiniLM-L6-v2")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "embeddings")
SQUAD = os.path.join(ROOT, "..", "shared", "data", "squad2", "dev-10-articles.json")


def load_safetensors(path):
    """name -> float64 array, from the raw file (8-byte LE header length, JSON header, data)."""
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    types = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        arr = np.frombuffer(data[begin:end], dtype=types[entry["dtype"]]).reshape(entry["shape"])
        out[name] = arr.astype(np.float64) if arr.dtype != np.int64 else arr
    return out


ERF = np.vectorize(math.erf)


def gelu(x):
    return 0.5 * x * (1.0 + ERF(x / math.sqrt(2.0)))


def layer_norm(x, g, b, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * g + b


def embed(ids, w, cfg):
    """One sequence (no padding, so no attention mask needed) -> normalised sentence embedding."""
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    d = hidden // heads
    eps = cfg["layer_norm_eps"]
    n = len(ids)
    x = (w["embeddings.word_embeddings.weight"][ids]
         + w["embeddings.position_embeddings.weight"][:n]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def dense(v, name):
            return v @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q = dense(x, "attention.self.query").reshape(n, heads, d).transpose(1, 0, 2)
        k = dense(x, "attention.self.key").reshape(n, heads, d).transpose(1, 0, 2)
        v = dense(x, "attention.self.value").reshape(n, heads, d).transpose(1, 0, 2)
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)            # [heads, n, n]
        scores -= scores.max(-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(-1, keepdims=True)
        ctx = (probs @ v).transpose(1, 0, 2).reshape(n, hidden)
        x = layer_norm(dense(ctx, "attention.output.dense") + x,
                       w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        y = dense(gelu(dense(x, "intermediate.dense")), "output.dense")
        x = layer_norm(y + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    pooled = x.mean(0)
    return pooled / max(np.linalg.norm(pooled), 1e-12)


def squad_sentences():
    """A fixed, varied selection of real sentences and two over-long paragraphs."""
    with open(SQUAD, encoding="utf-8") as f:
        data = json.load(f)["data"]
    sentences, long_texts = [], []
    for article in data:
        paragraphs = article["paragraphs"]
        first = paragraphs[0]["context"]
        parts = [s.strip() for s in first.replace("? ", "?|").replace(". ", ".|").split("|") if s.strip()]
        sentences += parts[:3]
        if len(long_texts) < 2:
            long_texts.append(" ".join(p["context"] for p in paragraphs[:3]))
    return sentences[:30], long_texts


HAND = [
    # the three of MODELS.md's known values (cosines 0.6411 and 0.0462 to the first)
    "The cat sits on the mat.",
    "A kitten is resting on a rug.",
    "Stock markets fell sharply today.",
    "A kitten is lying on the rug.",
    "Stock markets fell sharply on Tuesday after the announcement.",
    # short and one-word inputs
    "cat", "Hello", "!", "embeddings", "", "   ",
    # questions and everyday text
    "What is the capital of France?",
    "How do I reset my password?",
    "The quarterly report is due next Friday.",
    "Please submit your expense claims before the end of the month.",
    "Our office in Berlin will be closed on public holidays.",
    # accents, scripts, symbols
    "Café déjà vu, naïve résumé.",
    "İstanbul is a city in Turkey.",
    "我爱北京天安门",
    "日本語のテキストです。",
    "Привет, мир!",
    "$100 + 20% = €120",
    "I love pizza 🍕!",
    "state-of-the-art well-known don't",
    "3.14159 and 2,718,281",
    "https://example.com/path?q=1&x=2",
    "def f(x): return x**2",
    "[SEP] in text [CLS]",
    "HeLLo WoRLD, this Is MiXeD cAsE.",
    "supercalifragilisticexpialidocious",
    "a\x00b\x07c control characters",
]


def main():
    cfg = json.load(open(os.path.join(MODEL, "config.json")))
    w = load_safetensors(os.path.join(MODEL, "model.safetensors"))
    tok = Tokenizer.from_file(os.path.join(MODEL, "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(256)
    squad, long_texts = squad_sentences()
    texts = HAND + squad + long_texts + [("The quick brown fox jumps over the lazy dog. " * 40).strip()]
    rows, cases = [], []
    for text in texts:
        ids = tok.encode(text).ids
        rows.append(embed(np.array(ids), w, cfg))
        cases.append({"text": text, "tokens": len(ids)})
    emb = np.stack(rows)
    with open(os.path.join(FIXTURES, "sentences.json"), "w", encoding="utf-8") as f:
        f.write("[\n" + ",\n".join(json.dumps(c, ensure_ascii=True) for c in cases) + "\n]\n")
    emb.astype("<f4").tofile(os.path.join(FIXTURES, "reference.f32"))
    cos = lambda a, b: float(emb[a] @ emb[b])
    print(f"{len(texts)} texts, {sum(c['tokens'] for c in cases)} tokens, longest {max(c['tokens'] for c in cases)}")
    print("cat first dims", [round(float(v), 5) for v in emb[0, :4]])
    print(f"cos(cat, kitten) {cos(0, 1):.4f}  cos(cat, stocks) {cos(0, 2):.4f}")


if __name__ == "__main__":
    main()
