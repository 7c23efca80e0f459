#!/usr/bin/env python3
"""Writes the SQuAD 2.0 paragraphs of ../shared/data/squad2 as a document folder (one Markdown
file per paragraph, titled by its article) and the questions as JSON Lines. Used by benchmarks and
evaluations; the paragraph file names let a script map a citation back to its paragraph.

usage: squad_corpus.py SHARED_DATA OUT_DIR  ->  OUT_DIR/docs/..., OUT_DIR/questions.jsonl
"""
import json
import os
import sys

shared, out = sys.argv[1], sys.argv[2]
docs = os.path.join(out, "docs")
os.makedirs(docs, exist_ok=True)
dev = json.load(open(os.path.join(shared, "squad2", "dev-10-articles.json")))["data"]
extra = json.load(open(os.path.join(shared, "squad2", "extra-articles.json")))

def write(title, i, text):
    folder = os.path.join(docs, title.replace("/", "_"))
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "p%03d.md" % i)
    with open(path, "w") as f:
        f.write("# %s\n\n%s\n" % (title.replace("_", " "), text))
    return path

n = 0
# questions.jsonl has every question; questions-a/-b split them by article (first five / last
# five), so a calibration fitted on one half can be evaluated on the other.
halves = [open(os.path.join(out, "questions-a.jsonl"), "w"), open(os.path.join(out, "questions-b.jsonl"), "w")]
with open(os.path.join(out, "questions.jsonl"), "w") as q:
    for k, art in enumerate(dev):
        for i, p in enumerate(art["paragraphs"]):
            path = write(art["title"], i, p["context"])
            n += 1
            for qa in p["qas"]:
                line = json.dumps({
                    "id": qa["id"], "question": qa["question"], "path": os.path.abspath(path),
                    "answers": sorted({a["text"] for a in qa["answers"]}),
                    "unanswerable": qa.get("is_impossible", False),
                }) + "\n"
                q.write(line)
                halves[0 if k < len(dev) // 2 else 1].write(line)
    for art in extra:
        for i, text in enumerate(art["paragraphs"]):
            write(art["title"], i, text)
            n += 1
for h in halves:
    h.close()
print("%d paragraphs" % n, file=sys.stderr)
