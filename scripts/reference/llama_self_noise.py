#!/usr/bin/env python3
"""How far llama.cpp is from itself: the logits of one token sequence evaluated in one batch
(as the Qwen fixtures' prompts are) and evaluated one token at a time (as generation is), with
the same model, F32 KV cache and 2 threads. The gap is the noise of quantised activations
(different kernels round the Q8 activation blocks from last-bit-different inputs), the floor any
other engine's agreement with llama.cpp is judged against (QwenReferenceSupport.swift).
usage: llama_self_noise.py MODEL.gguf FIXTURE.json CASE   (prompt + greedy tokens of CASE)"""
import json, sys
import numpy as np
from llama_cpp import Llama

def main():
    model, fixture, name = sys.argv[1:4]
    case = next(c for c in json.load(open(fixture))["cases"] if c["name"] == name)
    toks = case["prompt_tokens"] + case["tokens"]
    def run(batch):
        llm = Llama(model_path=model, n_ctx=1024, n_batch=batch, n_ubatch=batch, n_threads=2, logits_all=True,
                    type_k=0, type_v=0, flash_attn=False, verbose=False)
        llm.eval(toks)       # eval splits into n_batch chunks
        return np.array(llm.scores[:len(toks)], dtype=np.float32)
    a, b = run(1024), run(1)
    full = np.abs(a - b).max(1)
    top5 = [float(np.abs(a[i, j] - b[i, j]).max()) for i, j in enumerate(np.argsort(-a, 1)[:, :5])]
    flips = [i for i in range(len(toks)) if a[i].argmax() != b[i].argmax()]
    print(f"{name}: {len(toks)} positions; one batch vs one token at a time: max |Δlogit| over the vocabulary "
          f"{full.max():.3f} (median per position {np.median(full):.3f}), over each position's top 5 {max(top5):.3f}; "
          f"argmax differs at {flips}")

main()
