#!/usr/bin/env python3
"""Splits the corporate question set into train and dev *by document*, deterministically.

Questions are grouped so that no document feeds both sides: two questions fall in one group when
their `files` lists share a file (union-find), so a fact stated on several pages, or the Debian
Policy manual kept in five formats, never straddles the split. Off-topic unanswerable questions
(no files) are groups of their own. A group goes to dev when the first 8 hex digits of
sha256(SALT + its smallest file path, or the question id) fall below 30% of the range.

Usage: eval/corporate/split.py            writes eval/corporate/train.jsonl and dev.jsonl
Inputs: every other eval/corporate/*.jsonl; the output lines are the input lines, unchanged,
in file then line order, each with a "split" key added at the end.
"""
import glob
import hashlib
import json
import os
import sys

SALT = "nerve-corporate-split-v1:"
DEV_SHARE = 0.30

here = os.path.dirname(os.path.abspath(__file__))
sources = sorted(p for p in glob.glob(os.path.join(here, "*.jsonl")) if os.path.basename(p) not in ("train.jsonl", "dev.jsonl"))
rows = []
for path in sources:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    sys.exit(f"{path}:{n}: {e}")

parent = {}
def find(x):
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
def union(a, b):
    parent[find(a)] = find(b)

for r in rows:
    keys = ["file:" + f for f in r["files"]] or ["id:" + r["id"]]
    for k in keys[1:]:
        union(keys[0], k)
    find(keys[0])

members = {}
for k in list(parent):
    members.setdefault(find(k), []).append(k)
def side(r):
    key = ("file:" + r["files"][0]) if r["files"] else ("id:" + r["id"])
    group = min(members[find(key)])
    h = int(hashlib.sha256((SALT + group).encode()).hexdigest()[:8], 16)
    return "dev" if h < DEV_SHARE * 0x100000000 else "train"

out = {"train": [], "dev": []}
for r in rows:
    r = dict(r)
    r["split"] = side(r)
    out[r["split"]].append(r)
for name, items in out.items():
    with open(os.path.join(here, name + ".jsonl"), "w", encoding="utf-8") as f:
        for r in items:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
for name, items in out.items():
    ans = sum(not r["unanswerable"] for r in items)
    near = sum(r["unanswerable"] and r.get("near_miss", False) for r in items)
    folders = {}
    for r in items:
        folder = r["id"].split("-")[0]
        folders[folder] = folders.get(folder, 0) + 1
    print(f"{name}: {len(items)} questions, {ans} answerable, {len(items) - ans} unanswerable ({near} near misses); by set {dict(sorted(folders.items()))}")
