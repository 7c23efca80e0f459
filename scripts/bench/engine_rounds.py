"""Rounds of scripts/bench/engine: Nerve's engine (`nerve generate --json`) against llama.cpp's
llama-bench on the same GGUF files, thread counts and prompt lengths, alternating the two sides
round by round (and which goes first), plus the machine's read bandwidth measured in the same
minutes. Prints the comparison table and writes every raw figure as JSON.

Run by scripts/bench/engine, which builds the tools and passes them in the environment:
NERVE (nerve binary), TOOLS (llama.cpp bin folder), BANDWIDTH (bandwidth binary), THREADS
("1 2"), ROUNDS, PROMPT, GENERATE, OUT (JSON path); arguments: the GGUF files.
"""
import json, os, subprocess, sys, time

nerve, tools, bandwidth_tool = os.environ["NERVE"], os.environ["TOOLS"], os.environ["BANDWIDTH"]
thread_counts = [int(t) for t in os.environ.get("THREADS", "1 2").split()]
rounds = int(os.environ.get("ROUNDS", "3"))
prompt_len = int(os.environ.get("PROMPT", "512"))
gen_len = int(os.environ.get("GENERATE", "64"))
out_path = os.environ["OUT"]


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def timed(cmd):
    """stdout and peak RSS (bytes) of cmd, via /usr/bin/time."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{r.stderr[-2000:]}")
    return r.stdout, int(r.stderr.strip().splitlines()[-1]) * 1024


def ours(model, prompt, max_tokens, threads, ignore_eos=True):
    cmd = [nerve, "--json", "generate", "--model", model, "--prompt", prompt, "--max-tokens", str(max_tokens),
           "--threads", str(threads), "--context", str(prompt_len + gen_len + 64), "--kv-cache", "f16"]
    out, rss = timed(cmd + (["--ignore-eos"] if ignore_eos else []))
    return json.loads(out), rss


def prompt_of(model, n):
    """A prompt of exactly n tokens for this model's vocabulary: ' the' repeated, plus ' a's
    (found once per model file and length, then kept beside the JSON output)."""
    saved = os.path.join(os.path.dirname(out_path), f"prompt-{os.path.basename(model)}-{n}.txt")
    if os.path.exists(saved):
        with open(saved) as f:
            return f.read()
    text = find_prompt(model, n)
    with open(saved, "w") as f:
        f.write(text)
    return text


def find_prompt(model, n):
    def count(text):
        out, _ = timed([nerve, "--json", "generate", "--model", model, "--prompt", text, "--max-tokens", "0",
                        "--context", "8192", "--threads", "2"])
        return len(json.loads(out)["prompt_tokens"])
    words = n
    for _ in range(20):
        got = count(" the" * words)
        if got <= n:
            break
        words = max(1, words * n // got)
    text = " the" * words
    while count(text) < n:
        text += " a"
    if count(text) != n:
        sys.exit(f"{model}: no prompt of exactly {n} tokens found")
    return text


def peer(model, threads):
    out, rss = timed([f"{tools}/llama-bench", "-m", model, "-t", str(threads), "-p", str(prompt_len),
                      "-n", str(gen_len), "-r", "1", "-o", "json"])
    runs = json.loads(out)
    pp = next(r["avg_ts"] for r in runs if r["n_prompt"] == prompt_len and r["n_gen"] == 0)
    tg = next(r["avg_ts"] for r in runs if r["n_gen"] == gen_len and r["n_prompt"] == 0)
    return {"prefill": pp, "decode": tg, "rss": rss}


def measure_bandwidth(threads):
    r = subprocess.run([bandwidth_tool, str(threads)], capture_output=True, text=True, check=True)
    return float(r.stdout.strip())


def our_round(model, prompt, threads):
    pp, rss1 = ours(model, prompt, 1, threads)
    tg, rss2 = ours(model, " the", gen_len, threads)
    return {"prefill": pp["timings"]["prefill_tokens_per_second"], "decode": tg["timings"]["decode_tokens_per_second"],
            "load_ms": tg["timings"]["load_ms"], "rss": max(rss1, rss2), "model": tg["model"]}


results = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "prompt_tokens": prompt_len, "generated_tokens": gen_len,
           "rounds": rounds, "cpu": open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": "),
           "models": []}
for model in sys.argv[1:]:
    prompt = prompt_of(model, prompt_len)
    entry = {"file": os.path.basename(model), "threads": []}
    for threads in thread_counts:
        raw = []
        for r in range(rounds):
            rec = {"round": r, "loadavg_before": loadavg(), "bandwidth": measure_bandwidth(threads)}
            # Alternate which engine goes first, so neither always meets the same neighbours.
            if r % 2 == 0:
                rec["nerve"] = our_round(model, prompt, threads)
                rec["llama.cpp"] = peer(model, threads)
            else:
                rec["llama.cpp"] = peer(model, threads)
                rec["nerve"] = our_round(model, prompt, threads)
            rec["loadavg_after"] = loadavg()
            raw.append(rec)
            print(f"  {entry['file']} t={threads} round {r}: nerve pp {rec['nerve']['prefill']:.1f} tg {rec['nerve']['decode']:.1f}"
                  f" | llama.cpp pp {rec['llama.cpp']['prefill']:.1f} tg {rec['llama.cpp']['decode']:.1f}"
                  f" | {rec['bandwidth'] / 1e9:.1f} GB/s | load {rec['loadavg_after'][0]:.1f}", file=sys.stderr)
        m = raw[-1]["nerve"]["model"]
        active = m["active_weight_bytes_per_token"]
        best = {side: {k: max(x[side][k] for x in raw) for k in ("prefill", "decode")} for side in ("nerve", "llama.cpp")}
        bw = max(x["bandwidth"] for x in raw)
        summary = {"threads": threads, "best": best, "bandwidth": bw, "active_weight_bytes_per_token": active,
                   "bound_tokens_per_second": bw / active,
                   "rss": {side: max(x[side]["rss"] for x in raw) for side in ("nerve", "llama.cpp")},
                   "load_ms": min(x["nerve"]["load_ms"] for x in raw),
                   "loadavg": [min(x["loadavg_before"][0] for x in raw), max(x["loadavg_after"][0] for x in raw)],
                   "architecture": m["architecture"], "experts": m["experts"], "experts_used": m["experts_used"]}
        entry["threads"].append({"summary": summary, "rounds": raw})
    results["models"].append(entry)

with open(out_path, "w") as f:
    json.dump(results, f, indent=1)

print(f"\nbest of {rounds} alternating rounds; prefill = {prompt_len}-token prompt, decode = {gen_len} tokens")
head = f"{'model':44}{'thr':>4}  {'prefill ours / llama.cpp':>26}  {'decode ours / llama.cpp':>25}  {'bound':>6} {'% ours':>6} {'% l.c':>6}  {'RSS MB ours / l.c':>17}  {'load':>9}"
print(head)
for e in results["models"]:
    for t in e["threads"]:
        s = t["summary"]
        b, n, l = s["best"], s["best"]["nerve"], s["best"]["llama.cpp"]
        pp = f"{n['prefill']:.1f} / {l['prefill']:.1f} = {n['prefill'] / l['prefill']:.2f}x"
        tg = f"{n['decode']:.1f} / {l['decode']:.1f} = {n['decode'] / l['decode']:.2f}x"
        bound = s["bound_tokens_per_second"]
        print(f"{e['file'][:44]:44}{s['threads']:>4}  {pp:>26}  {tg:>25}  {bound:6.1f} {100 * n['decode'] / bound:5.0f}% {100 * l['decode'] / bound:5.0f}%"
              f"  {s['rss']['nerve'] / 1e6:7.0f} / {s['rss']['llama.cpp'] / 1e6:6.0f}  {s['loadavg'][0]:.1f}-{s['loadavg'][1]:.1f}")
print("bound: decode tokens/s if every active weight byte were read once at the bandwidth measured in the same rounds"
      " (best pass, same thread count); load: 1-minute load average over the rounds")
print(f"raw figures: {out_path}")
