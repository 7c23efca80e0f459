#!/usr/bin/env python3
"""Reference token ids for the WordPiece tests, from HF `tokenizers` (the Rust tokenizer that
sentence-transformers runs) on all-MiniLM-L6-v2's tokenizer.json.

Usage: scripts/reference/wordpiece_ids.py [MODEL_DIR]   (needs `pip install tokenizers`)
Writes Tests/Fixtures/embeddings/wordpiece-ids.json: for each text, the ids with [CLS]/[SEP] and
truncation to 256 (sentence_bert max_seq_length) and the untruncated piece count.
tokenizer.json pads to 128 and truncates to 128 by default: both are turned off / set to 256.
"""
import json
import os
import sys

from tokenizers import Tokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "models", "all-MiniLM-L6-v2")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "embeddings", "wordpiece-ids.json")

LONG = ("The Normans were the people who in the 10th and 11th centuries gave their name to "
        "Normandy, a region in France. They were descended from Norse raiders and pirates from "
        "Denmark, Iceland and Norway who, under their leader Rollo, agreed to swear fealty to "
        "King Charles III of West Francia. ") * 6

TEXTS = [
    # plain sentences
    "The cat sits on the mat.",
    "A kitten is lying on the rug.",
    "Stock markets fell sharply on Tuesday after the announcement.",
    "HeLLo WoRLD, this Is MiXeD cAsE.",
    "What is the capital of France?",
    # accents and case folding
    "Café déjà vu, naïve résumé.",
    "Ångström and Øresund in Malmö",
    "İstanbul İzmir ıi",
    "Crème brûlée à la carte",
    "São Paulo, Curaçao, Zürich",
    "nai\u0308ve (already decomposed)",
    "Tiếng Việt có dấu",
    "Straße, ß, ǅemal",
    "ΣΑΣ σας Ωμέγα",
    "Привет, мир! Ёлка",
    # CJK and other scripts
    "我爱北京天安门",
    "日本語のテキストです。",
    "한국어 텍스트",
    "Tokyo東京2020年",
    "مرحبا بالعالم",
    "שלום עולם",
    "नमस्ते दुनिया",
    "สวัสดีครับ",
    "ＡＢＣ１２３ fullwidth",
    "ﬁne ligature",
    # punctuation and symbols
    "Hello, world!!!",
    "e.g. U.S.A. and i.e.",
    "(parentheses) [brackets] {braces} <angles>",
    "don't can't won't",
    "state-of-the-art well-known",
    "“smart quotes” and ‘single’",
    "an—em dash—and – en dash",
    "wait… what?",
    "¿Qué? ¡Sí!",
    "$100 + 20% = €120 or £90 ¥1000",
    "C++ & C# | x^2 ~ y` @home",
    "©2024 Company™ ®",
    "25°C and 77°F",
    "?!?!?! .... ;;;",
    "#hashtag ##notatoken",
    # emoji
    "I love pizza 🍕!",
    "😀😀😀",
    "👍🏽 thumbs up",
    "family 👨‍👩‍👧 emoji",
    "hello😀world",
    # long words
    "supercalifragilisticexpialidocious",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "a" * 100,
    "b" * 101,
    "antidisestablishmentarianism unbelievably",
    # numbers and technical strings
    "3.14159 and 2.71828",
    "1,000,000 people",
    "2023-11-23T10:15:00Z",
    "0x1F 0b1010 1e-12",
    "version v1.2.3-beta",
    "https://example.com/path?q=1&x=2#frag",
    "email: someone@example.com",
    "C:\\Windows\\System32",
    "def f(x): return x**2",
    "<html><body>text</body></html>",
    # whitespace and control characters
    "",
    "   \t\n  ",
    "tab\tseparated\tvalues",
    "newline\nseparated\r\nlines",
    "a\x00b\x07c\x1bd\x7fe",
    "\u200bzero\u200bwidth\u200b",
    "\ufeffBOM at start",
    "no\u00a0break\u3000space",
    "soft\u00adhyphen",
    "a\u0378b unassigned",
    "private\ue000use",
    "replacement\ufffdchar",
    # special tokens written in the text
    "[SEP] in text [CLS]",
    "[MASK]ed and [mask] lower",
    "[UNK] [PAD] [unused0]",
    # one word inputs
    "cat",
    "Hello",
    "!",
    "embeddings",
    # long input (truncated to 256 ids)
    LONG,
    "word " * 300,
]


def main():
    tok = Tokenizer.from_file(os.path.join(MODEL, "tokenizer.json"))
    tok.no_padding()
    full = Tokenizer.from_file(os.path.join(MODEL, "tokenizer.json"))
    full.no_padding()
    full.no_truncation()
    tok.enable_truncation(256)
    cases = []
    for text in TEXTS:
        ids = tok.encode(text).ids
        untruncated = len(full.encode(text, add_special_tokens=False).ids)
        cases.append({"text": text, "ids": ids, "pieces": untruncated})
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(c, ensure_ascii=True) for c in cases))
        f.write("\n]\n")
    print(f"{len(cases)} cases -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
