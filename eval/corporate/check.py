#!/usr/bin/env python3
"""Checks labelled corporate question sets (JSON Lines) against the document folders.

Owns: schema checks, answer/evidence presence in the primary file, per-file caps, counts,
and the key-term search that helps re-read unanswerable questions. Standard library only
(plus the `pdftotext` command for PDFs when it is installed).

Usage: python3 eval/corporate/check.py [--root /work/shared/data] [--quiet] FILE.jsonl ...
Exit status 1 when any error is found; warnings and hints do not fail the check.
"""
import argparse
import collections
import html
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile

KEYS = ["id", "question", "answers", "files", "unanswerable", "near_miss", "type", "evidence"]
TYPES = {"number", "money", "percent", "date", "duration", "name", "role", "place", "url",
         "entity", "procedure", "definition", "other"}
TEXT_EXT = {".md", ".txt", ".rst", ".json", ".yml", ".yaml", ".csv"}
MARKUP_EXT = {".html", ".htm", ".xhtml", ".xml"}
ZIP_EXT = {".docx", ".xlsx", ".pptx", ".epub", ".odt"}
# Closing tags that end a paragraph, cell or row: a newline keeps words of neighbouring
# paragraphs apart, while runs inside one paragraph (DOCX <w:t> pieces) are joined as is.
BLOCK_END = re.compile(r"</(w:p|w:tr|si|c|row|text:p|dc:title|p|div|li|dt|dd|dl|ul|ol|tr|td|th|table|"
                       r"h[1-6]|pre|blockquote|section|article|header|footer|nav|title|caption)>"
                       r"|<(br|hr)\s*/?>", re.I)
TAG = re.compile(r"<[^>]+>")
STOP = set("""a an the of to in on for and or is are was be do does did i my me we our you your
how what whats what's which who whom whose when where why can could should would will shall may
much many long often if it its it's this that these those there their they them with at by from
as about into than then so any some get got have has had need needs not no yes up out over per
one two more most just also still ever each every all before after during under between i'm
ive i've im someone somebody anything something tell know want like let""".split())


def normalise(text):
    """SQuAD-style normalisation: lower-case, punctuation and symbols to space, drop the
    articles a/an/the, collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch if (ch.isalnum() or ch.isspace()) else " " for ch in text)
    words = [w for w in text.split() if w not in ("a", "an", "the")]
    return " ".join(words)


def strip_markup(raw):
    return html.unescape(TAG.sub("", BLOCK_END.sub("\n", raw)))


def extract_text(path):
    """Plain text of one document, or None when the format cannot be read here."""
    ext = os.path.splitext(path)[1].lower()
    if ext in TEXT_EXT:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    if ext in MARKUP_EXT:
        with open(path, encoding="utf-8", errors="replace") as f:
            return strip_markup(f.read())
    if ext in ZIP_EXT:
        parts = []
        with zipfile.ZipFile(path) as z:
            for name in sorted(z.namelist()):
                if name.lower().endswith((".xml", ".xhtml", ".html", ".htm", ".vml")):
                    parts.append(strip_markup(z.read(name).decode("utf-8", errors="replace")))
        return "\n".join(parts)
    if ext == "":
        # Extensionless files (e.g. Debian's `copyright`) are read as text unless binary.
        with open(path, "rb") as f:
            raw = f.read()
        return None if b"\0" in raw[:4096] else raw.decode("utf-8", errors="replace")
    if ext == ".pdf":
        if shutil.which("pdftotext") is None:
            return None
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True)
        return out.stdout.decode("utf-8", errors="replace")
    return None


class Corpus:
    """Caches normalised text per file and per folder (for cross-file searches)."""

    def __init__(self, root):
        self.root = root
        self.cache = {}
        self.folders = {}

    def text(self, rel):
        if rel not in self.cache:
            raw = extract_text(os.path.join(self.root, rel))
            self.cache[rel] = None if raw is None else normalise(raw)
        return self.cache[rel]

    def folder_files(self, folder):
        if folder not in self.folders:
            found = []
            for dirpath, _, names in os.walk(os.path.join(self.root, folder)):
                for n in names:
                    rel = os.path.relpath(os.path.join(dirpath, n), self.root)
                    if os.path.splitext(n)[1].lower() in TEXT_EXT | MARKUP_EXT | ZIP_EXT | {".pdf", ""}:
                        found.append(rel)
            self.folders[folder] = sorted(found)
        return self.folders[folder]


def folder_of(rel):
    parts = rel.split("/")
    return "/".join(parts[:2]) if parts[0] == "corp-docs" else parts[0]


def contains(haystack, needle):
    """Whole-word containment of a normalised needle in a normalised haystack."""
    return bool(needle) and f" {needle} " in f" {haystack} "


def key_terms(question, corpus, folder, limit=3):
    """The question's rarest content words in the folder (document frequency), rarest first."""
    words = [w for w in normalise(question).split() if w not in STOP and len(w) > 2]
    files = corpus.folder_files(folder)
    df = {}
    for w in dict.fromkeys(words):
        df[w] = sum(1 for f in files if contains(corpus.text(f) or "", w))
    # Words found nowhere cannot locate a file; rank the rarest of the words that occur.
    ranked = sorted((w for w in df if df[w] > 0), key=lambda w: (df[w], -len(w)))
    return ranked[:limit], df


def check_file(path, corpus, args, totals, seen_ids):
    errors, warnings, hints = [], [], []
    records = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                errors.append(f"{path}:{lineno}: blank line")
                continue
            try:
                rec = json.loads(line, object_pairs_hook=collections.OrderedDict)
            except json.JSONDecodeError as e:
                errors.append(f"{path}:{lineno}: invalid JSON: {e}")
                continue
            records.append((lineno, rec))
    folders = collections.Counter(folder_of(r["files"][0]) for _, r in records
                                  if isinstance(r.get("files"), list) and r["files"])
    default_folder = folders.most_common(1)[0][0] if folders else None
    per_primary = collections.Counter()
    for lineno, rec in records:
        where = f"{path}:{lineno} {rec.get('id', '?')}"
        if list(rec.keys()) != KEYS:
            errors.append(f"{where}: keys {list(rec.keys())} != {KEYS}")
            continue
        rid, q, answers, files = rec["id"], rec["question"], rec["answers"], rec["files"]
        unans, near, typ, evidence = rec["unanswerable"], rec["near_miss"], rec["type"], rec["evidence"]
        if rid in seen_ids:
            errors.append(f"{where}: duplicate id (first in {seen_ids[rid]})")
        seen_ids[rid] = where
        if not (isinstance(q, str) and q.strip()):
            errors.append(f"{where}: empty question")
        if not (isinstance(answers, list) and all(isinstance(a, str) and a.strip() for a in answers)):
            errors.append(f"{where}: answers must be a list of non-empty strings")
            continue
        if not (isinstance(files, list) and all(isinstance(p, str) for p in files)):
            errors.append(f"{where}: files must be a list of strings")
            continue
        if not isinstance(unans, bool) or not isinstance(near, bool):
            errors.append(f"{where}: unanswerable/near_miss must be booleans")
        if typ not in TYPES:
            errors.append(f"{where}: unknown type {typ!r}")
        if not (isinstance(evidence, str) and evidence.strip()):
            errors.append(f"{where}: empty evidence")
        if len(set(files)) != len(files):
            errors.append(f"{where}: duplicate entries in files")
        missing = [p for p in files if not os.path.isfile(os.path.join(corpus.root, p))]
        for p in missing:
            errors.append(f"{where}: file does not exist: {p}")
        folder = folder_of(files[0]) if files else default_folder
        kind = "answerable" if not unans else ("near_miss" if near else "off_topic")
        totals["kind"][(folder, kind)] += 1
        totals["type"][(folder, typ)] += 1
        if files:
            totals["primaries"][folder].add(files[0])
            totals["formats"][folder].add(os.path.splitext(files[0])[1].lower())
        if unans:
            if answers:
                errors.append(f"{where}: unanswerable question with answers")
            if near and not files:
                errors.append(f"{where}: near miss must list the file(s) on its topic")
            if not near and files:
                errors.append(f"{where}: off-topic unanswerable must have files []")
            if files:
                per_primary[files[0]] += 1
            if folder and not missing:
                terms, df = key_terms(q, corpus, folder)
                hits = [f for f in corpus.folder_files(folder)
                        if all(contains(corpus.text(f) or "", t) for t in terms)]
                shown = ", ".join(hits[:6]) + (f" (+{len(hits) - 6} more)" if len(hits) > 6 else "")
                hints.append(f"{rid} [{kind}] terms {[(t, df[t]) for t in terms]} -> "
                             f"{len(hits)} file(s): {shown or '-'}")
            continue
        if near:
            errors.append(f"{where}: answerable question marked near_miss")
        if not answers:
            errors.append(f"{where}: answerable question without answers")
        if not files or missing:
            if not files:
                errors.append(f"{where}: answerable question without files")
            continue
        per_primary[files[0]] += 1
        primary = corpus.text(files[0])
        if primary is None:
            errors.append(f"{where}: cannot extract text from {files[0]}")
            continue
        norm_answers = [normalise(a) for a in answers]
        if not any(contains(primary, a) for a in norm_answers):
            errors.append(f"{where}: no answer occurs in primary file {files[0]}: {answers}")
        if not contains(primary, normalise(evidence)):
            errors.append(f"{where}: evidence not found verbatim (normalised) in {files[0]}")
        for a, na in zip(answers, norm_answers):
            if na in ("", "yes", "no") or (na.isdigit() and len(na) == 1):
                warnings.append(f"{where}: answer {a!r} is too generic")
        for other in files[1:]:
            t = corpus.text(other)
            if t is not None and not any(contains(t, a) for a in norm_answers):
                warnings.append(f"{where}: no answer occurs in listed file {other}")
        if args.also:
            # Files not listed that contain the longest answer found in the primary file.
            present = sorted((a for a in norm_answers if contains(primary, a)), key=len)
            best = present[-1] if present else None
            if best and (len(best.split()) > 1 or any(c.isdigit() for c in best)):
                others = [f for f in corpus.folder_files(folder)
                          if f not in files and contains(corpus.text(f) or "", best)]
                if others:
                    hints.append(f"{rid} answer {best!r} also in: {', '.join(others[:8])}"
                                 + (f" (+{len(others) - 8})" if len(others) > 8 else ""))
    for p, n in per_primary.items():
        if n > args.max_per_primary:
            errors.append(f"{path}: {n} questions have primary file {p} (max {args.max_per_primary})")
    return errors, warnings, hints


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", help="question files (JSON Lines)")
    ap.add_argument("--root", default="/work/shared/data", help="folder the 'files' paths are relative to")
    ap.add_argument("--max-per-primary", type=int, default=4,
                    help="most questions allowed per primary file (the brief's cap is 4)")
    ap.add_argument("--quiet", action="store_true", help="print errors and the summary only")
    ap.add_argument("--also", action="store_true",
                    help="hint at unlisted files that contain an answerable question's answer")
    args = ap.parse_args()
    corpus = Corpus(args.root)
    totals = {"kind": collections.Counter(), "type": collections.Counter(),
              "primaries": collections.defaultdict(set), "formats": collections.defaultdict(set)}
    seen_ids, all_errors = {}, []
    if shutil.which("pdftotext") is None:
        print("note: pdftotext not found; PDF files cannot be checked", file=sys.stderr)
    for path in args.files:
        errors, warnings, hints = check_file(path, corpus, args, totals, seen_ids)
        all_errors += errors
        for e in errors:
            print("ERROR", e)
        if not args.quiet:
            for w in warnings:
                print("WARN ", w)
            for h in hints:
                print("HINT ", h)
    print("\nsummary")
    folders = sorted({f for f, _ in totals["kind"]}, key=str)
    for folder in folders:
        k = {kind: totals["kind"][(folder, kind)] for kind in ("answerable", "near_miss", "off_topic")}
        unans = k["near_miss"] + k["off_topic"]
        types = {t: n for (f, t), n in sorted(totals["type"].items()) if f == folder}
        print(f"  {folder}: answerable {k['answerable']}, unanswerable {unans} "
              f"(near misses {k['near_miss']}, off-topic {k['off_topic']}), "
              f"distinct primary files {len(totals['primaries'][folder])}, "
              f"primary formats {sorted(totals['formats'][folder])}")
        print(f"    types: {types}")
    print(f"  total records {sum(totals['kind'].values())}, errors {len(all_errors)}")
    return 1 if all_errors else 0


if __name__ == "__main__":
    sys.exit(main())
