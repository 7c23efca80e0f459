#!/usr/bin/env python3
"""Greedy continuations of SmolLM2-135M-Instruct Q4_1 from llama.cpp (llama-cpp-python), the
reference for ModelTests' SmolLM2 golden test. F32 KV cache, no flash attention, 2 threads.
usage: smollm2_greedy.py MODEL.gguf OUT.json [N_TOKENS]   (default 80: past 64 cached positions,
where llama.cpp's attention sums wrap around its 64 partial sums)
Writes {"model": ..., "tokens": N, "cases": [{"prompt", "prompt_tokens", "tokens"}]}: prompt
tokens as llama.cpp tokenizes them (special tokens parsed, no BOS: SmolLM2 adds none) and the
first N greedy ids (argmax of the logits; eos is not special-cased, generation runs on)."""
import json, sys
import numpy as np
from llama_cpp import Llama

PROMPTS = [
    "The capital of France is",
    "Once upon a time, in a small village by the sea,",
    "def fibonacci(n):\n    ",
    "<|im_start|>user\nWhat is the boiling point of water?<|im_end|>\n<|im_start|>assistant\n",
    "Photosynthesis is the process by which",
    "1, 2, 3, 4, 5,",
]

def main():
    model, out = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 80
    llm = Llama(model_path=model, n_ctx=512, n_batch=512, n_ubatch=512, n_threads=2, logits_all=True,
                type_k=0, type_v=0, flash_attn=False, verbose=False)
    cases = []
    for prompt in PROMPTS:
        toks = llm.tokenize(prompt.encode(), add_bos=False, special=True)
        llm.reset()
        llm.eval(toks)
        gen = []
        for _ in range(n):
            logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
            t = int(logits.argmax())
            gen.append(t)
            llm.eval([t])
        cases.append({"prompt": prompt, "prompt_tokens": toks, "tokens": gen,
                      "text": llm.detokenize(gen).decode("utf-8", "replace")})
        print(repr(prompt), "->", repr(cases[-1]["text"][:80]), file=sys.stderr)
    with open(out, "w") as f:
        json.dump({"model": "SmolLM2-135M-Instruct.Q4_1.gguf", "tokens": n, "kv_cache": "f32", "cases": cases}, f, indent=1)
        f.write("\n")

main()
