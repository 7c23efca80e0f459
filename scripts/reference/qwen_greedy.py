#!/usr/bin/env python3
"""Greedy continuations of a Qwen2.5-Coder GGUF from llama.cpp (llama-cpp-python), the reference
for ModelTests' QwenReferenceTests: for every prompt, llama.cpp's prompt ids, its first N greedy
ids, and at every generated position the top-5 (id, logit) pairs and the top-1/top-2 gap (to
tell near ties, where two engines may legitimately pick different tokens). F32 KV cache, no
flash attention, 2 threads, the prompt in one batch then one token per evaluation.
How far apart two of llama.cpp's own code paths are (the noise the test's tolerances allow
for) is measured by llama_self_noise.py.
usage: qwen_greedy.py MODEL.gguf OUT.json [N_TOKENS] [CORP_DOCS]
  N_TOKENS default 80; CORP_DOCS (default /work/shared/data/corp-docs) holds the handbook pages
  the retrieval prompts quote (the rendered prompts are stored in OUT, so tests never need it).
Chat prompts are rendered with the GGUF's own Jinja chat template (jinja2, as the Hugging Face
tokenizer renders it) and stored with their messages, so the test also checks Nerve's ChatML
rendering."""
import json, os, sys
import numpy as np
from jinja2.sandbox import ImmutableSandboxedEnvironment
from llama_cpp import Llama

# Nerve's evidence prompt (Sources/Stages/Answer/EvidencePrompt.swift: system and user layout).
SYSTEM = ("You answer questions about an organisation's documents using only the numbered passages given. "
          "Answer in one to three sentences and cite the passages you used like [1] or [2][3]. "
          "If the passages do not contain the answer, reply exactly: NOT IN DOCUMENTS")

# (page under 18f-handbook/pages, heading path, first words, last words): real handbook text (CC0).
PASSAGES = {
    "comp": ("travel-and-leave/overtime.md", "Compensation for working extra hours > Compensatory (Comp) time",
             "Comp time expires one year", "your comp time will be paid out."),
    "credit": ("travel-and-leave/overtime.md", "Compensation for working extra hours > Credit hours",
               "* You can have up to 24 credit hours", "(then they will be paid out)."),
    "ppl": ("travel-and-leave/paid-parental-leave.md", "Paid parental leave (PPL) > About PPL",
            "You are entitled to 12 weeks", "for the intermittent option)."),
    "ppl-agreement": ("travel-and-leave/paid-parental-leave.md", "Paid parental leave (PPL) > About PPL",
                      "You will need to sign an agreement", "after your final day on PPL."),
    "ooo": ("travel-and-leave/going-out-of-office.md", "Going out of office > Your overall responsibilities",
            "You should submit leave requests", "if your plans change."),
    "badge": ("getting-started/piv.md", "PIV card > Getting issued a card",
              "GSA processes new badges every Wednesday.", "bring the password in step three."),
    "laptop": ("getting-started/equipment.md", "Equipment > Laptop",
               "Your supervisor will determine", "a MacBook at this time."),
}


def passage(root, key):
    page, heading, first, last = PASSAGES[key]
    text = open(os.path.join(root, "18f-handbook/pages", page), encoding="utf-8").read()
    # EvidencePrompt joins a passage's lines with single spaces (empty lines dropped).
    text = " ".join(line for line in text.split("\n") if line)
    start = text.index(first)
    end = text.index(last, start) + len(last)
    return f"({os.path.basename(page)} — {heading}) {text[start:end]}"


def evidence_user(root, question, keys):
    s = f"Question: {question}\n\nPassages:\n"
    for i, k in enumerate(keys, 1):
        s += f"[{i}] {passage(root, k)}\n"
    return s + "\nAnswer with citations:"


def cases(root):
    rag = lambda q, keys: [{"role": "system", "content": SYSTEM}, {"role": "user", "content": evidence_user(root, q, keys)}]
    return [
        {"name": "rag-comp-time", "messages": rag("When does comp time expire?", ["credit", "comp", "ooo", "ppl"])},
        {"name": "rag-parental-leave", "messages": rag("How many weeks of paid parental leave can I take, and is there anything I must agree to?",
                                                       ["ooo", "ppl", "comp", "ppl-agreement"])},
        {"name": "rag-not-in-documents", "messages": rag("What is the per diem rate for lodging in Denver?",
                                                         ["badge", "laptop", "credit"])},
        {"name": "chat-swift", "messages": [{"role": "user", "content":
            "Write a Swift function `wordCount(_ text: String) -> [String: Int]` that counts words case-insensitively."}]},
        {"name": "chat-shell", "messages": [{"role": "system", "content": "You are a terse Unix expert."},
                                            {"role": "user", "content": "How do I find the 5 largest files under /var/log, with sizes?"}]},
        {"name": "raw-python", "prompt": "# Binary search over a sorted list\ndef binary_search(items, target):\n    "},
    ]


def render(template, messages):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    return env.from_string(template).render(messages=messages, add_generation_prompt=True)


def main():
    model, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 80
    root = sys.argv[4] if len(sys.argv) > 4 else "/work/shared/data/corp-docs"
    opts = dict(model_path=model, n_ctx=1024, n_threads=2, logits_all=True, type_k=0, type_v=0, flash_attn=False, verbose=False)
    llm = Llama(n_batch=1024, n_ubatch=1024, **opts)
    template = llm.metadata["tokenizer.chat_template"]
    result = []
    for c in cases(root):
        prompt = c.get("prompt") or render(template, c["messages"])
        toks = llm.tokenize(prompt.encode(), add_bos=True, special=True)
        llm.reset()
        llm.eval(toks)
        gen, top = [], []
        for _ in range(n):
            logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
            order = np.argsort(-logits, kind="stable")[:5]
            t = int(order[0])
            gen.append(t)
            top.append({"ids": [int(i) for i in order], "logits": [round(float(logits[i]), 4) for i in order],
                        "gap": round(float(logits[order[0]] - logits[order[1]]), 4)})
            llm.eval([t])
        case = {"name": c["name"], "messages": c.get("messages"), "prompt": prompt, "prompt_tokens": toks,
                "tokens": gen, "top5": top, "text": llm.detokenize(gen).decode("utf-8", "replace")}
        result.append(case)
        ties = [i for i, s in enumerate(top) if s["gap"] < 0.1]
        print(f"{c['name']}: {len(toks)} prompt tokens, first gap < 0.1 at {ties[:1] or 'none'}, "
              f"min gap {min(s['gap'] for s in top):.4f} -> {case['text'][:70]!r}", file=sys.stderr)
    with open(out, "w") as f:
        json.dump({"model": os.path.basename(model), "tokens": n, "kv_cache": "f32", "threads": 2,
                   "cases": result}, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


main()
