"""The local route on the corporate question set: every question goes to answer.generate (the
extractive stage runs first, as in the default pipeline, but is never accepted, so its candidate
and confidence reach the model), with the default pipeline's retrieval. Per setting of the local
stage (passages, passage_chars, earlier, max_tokens) it reports the share of answerable questions
answered right (the text contains an accepted answer, SQuAD-normalised, and a citation names one
of the question's files; `right_cited_by_model` counts those whose [n] marks did it, rather than
the stage's attribution of an unmarked answer to its best-supporting passage), the share of unanswerable ones declined (NOT IN DOCUMENTS), and time to
first token and total time per question (p50, p90), as the asker sees them over the socket.

Run by scripts/bench/local-route, which builds nerved and passes the paths; see its header.
"""
import argparse
import json
import os
import subprocess
import sys
import time
import tomllib

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "lib"))
sys.path.insert(0, os.path.join(ROOT, "eval", "corporate"))
from nerve_client import Client  # noqa: E402
from check import contains, normalize  # noqa: E402  (one copy of the SQuAD normalisation)


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise ValueError(v)


def bench_pipeline(setting, model, folder):
    """The repository's ask.toml with the extract stage never accepted, the local stage always
    final and run in a worker on `folder`/model.sock, and no frontier stage."""
    with open(os.path.join(ROOT, "pipelines", "ask.toml"), "rb") as f:
        doc = tomllib.load(f)
    out = ["version = 1"]
    for st in doc["stage"]:
        if st["kind"] == "answer.frontier":
            continue
        st = dict(st)
        if st["kind"] == "answer.extract":
            st["accept"] = 1.0
        if st["kind"] == "answer.generate":
            st["threads"] = 2
            st.update(setting)
            st["model"] = model
            st["socket"] = "model.sock"
            st["in"] = [r for r in st["in"] if not r.startswith("frontier.")]
            st["accept"] = 0.0
        out.append("\n[[stage]]")
        out += ["%s = %s" % (k, toml_value(v)) for k, v in st.items()]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "ask.toml"), "w") as f:
        f.write("\n".join(out) + "\n")
    with open(os.path.join(ROOT, "pipelines", "ingest.toml")) as src, open(os.path.join(folder, "ingest.toml"), "w") as dst:
        dst.write(src.read())


def start(nerved, folder, index, log):
    sock = os.path.join(folder, "nerved.sock")
    p = subprocess.Popen([nerved, "--socket", sock, "--index", index, "--pipelines", folder, "--log-level", "warning"],
                         cwd=ROOT, stderr=log)
    for _ in range(600):
        if os.path.exists(sock):
            return p, sock
        if p.poll() is not None:
            sys.exit("nerved exited with status %d (log: %s)" % (p.returncode, log.name))
        time.sleep(0.1)
    sys.exit("nerved did not start")


def wait_for_worker(c, seconds=600):
    """Until the worker answers status with its model loaded."""
    for _ in range(seconds * 2):
        ws = c.call("status").get("workers", [])
        if ws and ws[0].get("state") == "up" and any(m.get("state") == "loaded" for m in ws[0].get("models", [])):
            return ws[0]
        time.sleep(0.5)
    sys.exit("the local model's worker did not come up")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))] if xs else 0.0


def judge(q, text, citations, data, declined):
    if q["unanswerable"]:
        return {"right": False, "declined": declined}
    files = [os.path.join(data, f) for f in q["files"]]
    cited = any(c.get("path") in files for c in citations)
    has = any(contains(normalize(text), a) for a in q["answers"])
    return {"right": has and cited, "text_right": has, "cited_file": cited, "declined": declined}


def ensure_index(args, folders):
    """Ingests `folders` into args.index once; a marker file says it was done."""
    marker = os.path.join(args.index, "local-route-ingested")
    if os.path.exists(marker):
        return
    folder = os.path.join(args.cache, "pipelines-ingest")
    bench_pipeline({}, args.model, folder)
    log = open(os.path.join(folder, "nerved.log"), "w")
    p, sock = start(args.nerved, folder, args.index, log)
    try:
        c = Client(sock)
        for d in folders:
            t = time.time()
            r = c.call("ingest", path=d)
            print("ingested %s: %d files, %d chunks, %d failed, %.0f s" % (d, r["files"], r["chunks"], r["failed"], time.time() - t),
                  file=sys.stderr)
    finally:
        p.terminate()
        p.wait()
        log.close()
    open(marker, "w").write("\n".join(folders) + "\n")


def run_setting(name, setting, questions, args):
    folder = os.path.join(args.cache, "pipelines-" + name)
    bench_pipeline(setting, args.model, folder)
    log = open(os.path.join(folder, "nerved.log"), "w")
    p, sock = start(args.nerved, folder, args.index, log)
    rows = []
    try:
        c = Client(sock)
        wait_for_worker(c)
        # One question first, not counted and not in the set (its whole prompt would stay cached):
        # the worker's first answer pays for paging the weights in.
        c.call("ask", question="What is this handbook about?")
        for i, q in enumerate(questions):
            first = []
            t0 = time.perf_counter()

            def note(method, params):
                if method == "answer.token" and params.get("stage") == "local" and not first:
                    first.append(time.perf_counter())

            r = c.call("ask", _on_notification=note, question=q["question"], explain=True)
            t1 = time.perf_counter()
            local = next((s for s in r["stages"] if s["id"] == "local"), {})
            text = r["answer"] if r.get("route") == "local" else local.get("answer", "")
            row = {"id": q["id"], "unanswerable": q["unanswerable"], "answer": text,
                   "ttft_ms": ((first[0] if first else t1) - t0) * 1000, "total_ms": (t1 - t0) * 1000,
                   "tokens_in": local.get("tokens_in", 0), "tokens_out": local.get("tokens_out", 0),
                   "prefill_ms": local.get("prefill_ms", 0), "decode_ms": local.get("decode_ms", 0),
                   "confidence": local.get("confidence"), "features": local.get("features", {}),
                   "status": local.get("status"), "note": local.get("note")}
            # Declined: NOT IN DOCUMENTS, or the stage's `declined` feature (other wordings of it).
            declined = "NOT IN DOCUMENTS" in text.upper() or row["features"].get("declined") == 1
            row["cited_by_model"] = row["features"].get("cites") == 1
            row.update(judge(q, text, r.get("citations", []) if r.get("route") == "local" else [], args.data, declined))
            rows.append(row)
            if args.verbose:
                print("  %s %s %.1fs %s" % (q["id"], "RIGHT" if row["right"] else ("declined" if row["declined"] else "-"),
                                            row["total_ms"] / 1000, text[:100].replace("\n", " ")), file=sys.stderr)
        status = c.call("status")
    finally:
        p.terminate()
        p.wait()
        log.close()
    return rows, status


def summary(rows):
    ans = [r for r in rows if not r["unanswerable"]]
    una = [r for r in rows if r["unanswerable"]]
    return {
        "questions": len(rows), "answerable": len(ans), "unanswerable": len(una),
        "right": sum(r["right"] for r in ans), "right_share": round(sum(r["right"] for r in ans) / max(1, len(ans)), 4),
        "text_right": sum(r["text_right"] for r in ans), "declined_answerable": sum(r["declined"] for r in ans),
        "right_cited_by_model": sum(r["right"] and r["cited_by_model"] for r in ans),
        "declined": sum(r["declined"] for r in una), "declined_share": round(sum(r["declined"] for r in una) / max(1, len(una)), 4),
        "ttft_ms": {"p50": round(pct([r["ttft_ms"] for r in rows], 50)), "p90": round(pct([r["ttft_ms"] for r in rows], 90))},
        "total_ms": {"p50": round(pct([r["total_ms"] for r in rows], 50)), "p90": round(pct([r["total_ms"] for r in rows], 90))},
        "tokens_in_mean": round(sum(r["tokens_in"] for r in rows) / max(1, len(rows))),
        "tokens_out_mean": round(sum(r["tokens_out"] for r in rows) / max(1, len(rows)), 1),
        "failed_or_skipped": sum(r["status"] != "ran" for r in rows),
    }


def parse_setting(spec):
    """"name:passages=3,passage_chars=500,earlier=false" → (name, {parameter: value})."""
    name, _, rest = spec.partition(":")
    setting = {}
    for kv in filter(None, rest.split(",")):
        k, _, v = kv.partition("=")
        setting[k] = True if v == "true" else False if v == "false" else float(v) if "." in v else int(v)
    return name, setting


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nerved", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--questions", required=True)
    ap.add_argument("--limit", type=int, default=0, help="first N answerable and N/4 unanswerable questions (0: all)")
    ap.add_argument("--setting", action="append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    qs = [json.loads(line) for line in open(args.questions)]
    if args.limit:
        # An even spread over the file (it is grouped by handbook), answerable and not.
        ans = [q for q in qs if not q["unanswerable"]]
        una = [q for q in qs if q["unanswerable"]]
        n_una = max(1, args.limit // 4)
        qs = ans[:: max(1, len(ans) // args.limit)][: args.limit] + una[:: max(1, len(una) // n_una)][:n_una]
    ensure_index(args, [os.path.join(args.data, "corp-docs"), os.path.join(args.data, "sourcegraph-handbook")])
    results = {}
    for spec in args.setting:
        name, setting = parse_setting(spec)
        load = os.getloadavg()
        t = time.time()
        rows, status = run_setting(name, setting, qs, args)
        s = summary(rows)
        s.update({"setting": setting, "load_average_before": [round(x, 2) for x in load],
                  "load_average_after": [round(x, 2) for x in os.getloadavg()], "wall_s": round(time.time() - t),
                  "worker": (status.get("workers") or [{}])[0].get("models")})
        results[name] = {"summary": s, "rows": rows}
        print(json.dumps({name: s}, indent=1), flush=True)
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
