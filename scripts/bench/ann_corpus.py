#!/usr/bin/env python3
"""Builds the ANN benchmark's text set (scripts/bench/ann): real English sentences, deduplicated,
from the shared data — SciFact abstracts, the SQuAD paragraphs (dev + distractor articles), the
Sourcegraph handbook, the Markdown/TXT/HTML of corp-docs — and held-out real queries (SciFact
claims, SQuAD questions) that are not in the base set.

usage: ann_corpus.py SHARED_DATA OUT_DIR [BASE_COUNT]
  -> OUT_DIR/base.txt (one sentence per line, BASE_COUNT of them, default 110000)
     OUT_DIR/queries.txt (one query per line, every available query, ≥ 1,000)
"""
import html
import json
import os
import re
import sys

shared, out = sys.argv[1], sys.argv[2]
want = int(sys.argv[3]) if len(sys.argv) > 3 else 110_000
os.makedirs(out, exist_ok=True)

SPLIT = re.compile(r'(?<=[.!?])\s+(?=[A-Z0-9"“(\[])')
TAG = re.compile(r"<[^>]+>")
MDLINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def sentences(text):
    for part in SPLIT.split(text):
        s = " ".join(part.split())
        words = s.count(" ") + 1
        # Whole sentences only: 4–80 words, mostly letters (drops tables, code, link lists).
        if 4 <= words <= 80 and sum(c.isalpha() for c in s) >= 0.6 * len(s):
            yield s


def scifact():
    with open(os.path.join(shared, "beir-scifact", "corpus.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            yield d["title"]
            yield from sentences(d["text"])


def squad():
    dev = json.load(open(os.path.join(shared, "squad2", "dev-10-articles.json"), encoding="utf-8"))["data"]
    extra = json.load(open(os.path.join(shared, "squad2", "extra-articles.json"), encoding="utf-8"))
    for art in dev:
        for p in art["paragraphs"]:
            yield from sentences(p["context"])
    for art in extra:
        for p in art["paragraphs"]:
            yield from sentences(p if isinstance(p, str) else p["context"])


def text_files(root, exts):
    for dirpath, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            if os.path.splitext(name)[1].lower() not in exts:
                continue
            try:
                raw = open(os.path.join(dirpath, name), encoding="utf-8", errors="replace").read()
            except OSError:
                continue
            if name.lower().endswith((".html", ".htm")):
                raw = html.unescape(TAG.sub(" ", re.sub(r"(?is)<(script|style).*?</\1>", " ", raw)))
            raw = MDLINK.sub(r"\1", raw)
            # Paragraphs: blank-line separated; headings, list markers and emphasis stripped.
            for para in re.split(r"\n\s*\n", raw):
                para = re.sub(r"(?m)^\s*(#+|[-*+]|\d+\.|>)\s+", "", para)
                para = para.replace("**", "").replace("`", "")
                yield from sentences(para)


seen = set()
base = []
for source in (scifact(), squad(), text_files(os.path.join(shared, "sourcegraph-handbook"), {".md"}),
               text_files(os.path.join(shared, "corp-docs"), {".md", ".txt", ".html", ".htm"})):
    for s in source:
        key = s.lower()
        if key not in seen:
            seen.add(key)
            base.append(s)

queries = []
with open(os.path.join(shared, "beir-scifact", "queries.jsonl"), encoding="utf-8") as f:
    for line in f:
        queries.append(json.loads(line)["text"])
for art in json.load(open(os.path.join(shared, "squad2", "dev-10-articles.json"), encoding="utf-8"))["data"]:
    for p in art["paragraphs"]:
        for qa in p["qas"]:
            queries.append(qa["question"])
queries = [" ".join(q.split()) for q in queries]
queries = [q for i, q in enumerate(queries) if q and q.lower() not in seen and q not in queries[:i]]

print("%d distinct sentences available, %d used; %d held-out queries" % (len(base), min(want, len(base)), len(queries)), file=sys.stderr)
if len(base) < want:
    print("warning: fewer sentences than asked for", file=sys.stderr)
with open(os.path.join(out, "base.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(base[:want]) + "\n")
with open(os.path.join(out, "queries.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(queries) + "\n")
